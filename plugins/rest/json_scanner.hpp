// Finds where JSON values end in a byte stream without parsing them. This is what lets the REST
// decoder cut a body's `data` array into groups of whole rows that simdjson then parses (and
// validates) one small document at a time, so a result of any size needs a few MB.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "byte_source.hpp"

namespace taoslink::rest {

/// Reads a ByteSource through a buffer that starts small (most results are) and grows to
/// kMaxBuffer while reads fill it. Not thread-safe.
class JsonScanner {
public:
    static constexpr std::size_t kFirstBuffer = 16 * 1024;
    static constexpr std::size_t kMaxBuffer = 256 * 1024;

    explicit JsonScanner(std::unique_ptr<ByteSource> source, std::size_t max_buffer = kMaxBuffer);

    /// Skips whitespace; the next byte (not consumed), or -1 at the end of the stream.
    int peek();
    /// Consumes the byte peek() returned.
    void skip() noexcept { ++pos_; }
    /// Appends the next value's bytes (after whitespace) to `out`. Only brackets, strings and
    /// escapes are tracked; the bytes are validated later by whoever parses them. Throws
    /// ProtocolError when there is no value here, when the stream ends inside it, or when `out`
    /// would grow beyond `limit` bytes (naming `what`).
    void copy_value(std::string& out, std::size_t limit, const char* what);
    /// Reads up to `limit` more bytes of the stream into `out` (for error messages).
    void read_rest(std::string& out, std::size_t limit);
    /// Bytes of the scanner's own buffer.
    std::size_t buffer_bytes() const noexcept { return size_; }

private:
    bool refill();

    std::unique_ptr<ByteSource> source_;
    std::unique_ptr<char[]> buf_;  // not zeroed: only bytes read are looked at
    std::size_t size_, max_size_;
    std::size_t pos_ = 0, len_ = 0;
    bool eof_ = false;
};

}  // namespace taoslink::rest
