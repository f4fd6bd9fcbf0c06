// Raw block decoder (core/src/block.cpp), the format WebSocket and taosc results arrive in: any
// bytes either decode to views that stay inside the block or throw ProtocolError.
#include <cstddef>
#include <cstdint>

#include "block_walk.hpp"
#include "taoslink/block.hpp"
#include "taoslink/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        // decode_copy gives the block a buffer of exactly `size` bytes, so ASan sees any overrun.
        const auto block = taoslink::Block::decode_copy({reinterpret_cast<const char*>(data), size});
        (void)taoslink_fuzz::walk_block(*block);
    } catch (const taoslink::ProtocolError&) {
    }
    return 0;
}
