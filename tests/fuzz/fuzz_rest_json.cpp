// REST JSON decoder (plugins/rest/json_decoder.cpp and the codecs it calls): any /rest/sql body
// either decodes to blocks that match its column_meta or throws a taoslink::Error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "block_walk.hpp"
#include "json_decoder.hpp"
#include "taoslink/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    // The first byte picks the block size, so block boundaries fall anywhere in the rows.
    const std::size_t block_rows = 1 + data[0] % 8;
    std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        taoslink::rest::SqlResponseDecoder decoder(std::move(body), block_rows);
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
