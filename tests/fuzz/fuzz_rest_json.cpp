// REST JSON decoder (plugins/rest/json_decoder.cpp, json_scanner.cpp and the codecs they call):
// any /rest/sql body, arriving in any split, either decodes to blocks that match its column_meta
// or throws a taoslink::Error.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "block_walk.hpp"
#include "byte_source.hpp"
#include "json_decoder.hpp"
#include "taoslink/error.hpp"

namespace {

// Hands the body out in reads whose sizes cycle through `steps`, so row and value boundaries
// fall anywhere relative to the reads.
class SteppedSource final : public taoslink::rest::ByteSource {
public:
    SteppedSource(std::string body, std::vector<std::size_t> steps) : body_(std::move(body)), steps_(std::move(steps)) {}
    std::size_t read(char* buf, std::size_t n) override {
        const std::size_t k = std::min({n, steps_[next_++ % steps_.size()], body_.size() - at_});
        body_.copy(buf, k, at_);
        at_ += k;
        return k;
    }

private:
    std::string body_;
    std::vector<std::size_t> steps_;
    std::size_t next_ = 0, at_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    // The first byte picks the block size (low 3 bits) and the read sizes (high 5 bits: all at
    // once, or cycling through small sizes), so block and read boundaries fall anywhere.
    const std::size_t block_rows = 1 + data[0] % 8;
    const unsigned split = data[0] >> 3;
    std::vector<std::size_t> steps{size};
    if (split != 0) steps = {split, 1, 3 + split % 5, 2 * split};
    std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        taoslink::rest::SqlResponseDecoder decoder(std::make_unique<SteppedSource>(std::move(body), std::move(steps)), block_rows);
        const auto& fields = decoder.fields();
        (void)decoder.precision();
        if (!fields.empty() && decoder.affected_rows() >= 0) std::abort();  // one shape or the other
        for (;;) {
            std::shared_ptr<const taoslink::Block> block;
            try {
                block = decoder.next_block();
            } catch (const taoslink::ProtocolError&) {
                // Documented: a broken body keeps failing, it never resumes with wrong rows.
                try {
                    (void)decoder.next_block();
                } catch (const taoslink::ProtocolError&) {
                    break;
                }
                std::abort();
            }
            if (!block) break;
            if (block->rows() == 0 || block->rows() > block_rows || block->columns() != fields.size()) std::abort();
            for (std::size_t c = 0; c < fields.size(); ++c) {
                if (block->column(c).type() != fields[c].type) std::abort();
            }
            (void)taoslink_fuzz::walk_block(*block);
        }
    } catch (const taoslink::Error&) {
    }
    return 0;
}
