// Where a response body's bytes come from: the HTTP connection (http_client.cpp) or, for tests,
// the fuzzer and the bench, a string. The JSON decoder pulls from it as it needs rows.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

namespace taoslink::rest {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    /// Copies up to `n` (> 0) bytes into `buf`. Returns 0 only at the proper end of the body; a
    /// body that ends early throws (ConnectionError, TimeoutError, ...).
    virtual std::size_t read(char* buf, std::size_t n) = 0;
};

/// A body held in memory, handed out at most `step` bytes per read (tests cut it anywhere).
class StringSource final : public ByteSource {
public:
    explicit StringSource(std::string body, std::size_t step = static_cast<std::size_t>(-1))
        : body_(std::move(body)), step_(step == 0 ? 1 : step) {}
    std::size_t read(char* buf, std::size_t n) override {
        const std::size_t k = std::min({n, step_, body_.size() - at_});
        std::memcpy(buf, body_.data() + at_, k);
        at_ += k;
        return k;
    }

private:
    std::string body_;
    std::size_t step_;
    std::size_t at_ = 0;
};

}  // namespace taoslink::rest
