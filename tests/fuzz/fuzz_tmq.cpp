// TMQ message parsing (plugins/ws/tmq_payload.cpp): the fetch_raw_data frame of /rest/tmq, the
// data container inside it with its schemas, table names and blocks, and the fetch_block frame.
// Anything that does not fit must throw ProtocolError.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "block_walk.hpp"
#include "taoslink/error.hpp"
#include "tmq_payload.hpp"

namespace {

using namespace taoslink::ws;

void data_message(const std::uint8_t* raw, std::size_t size) {
    // A copy of exactly `size` bytes, so ASan sees a read past the message.
    auto copy = std::make_shared<std::string>(reinterpret_cast<const char*>(raw), size);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(copy->data());
    try {
        const TmqData data = parse_tmq_data(copy, bytes, size);
        for (const auto& b : data.blocks) {
            if (!b.block) std::abort();
            // The schema that travels with a block describes that block.
            if (b.fields.size() != b.block->columns()) std::abort();
            for (std::size_t c = 0; c < b.fields.size(); ++c) {
                if (b.fields[c].type != b.block->column(c).type()) std::abort();
            }
            (void)taoslink_fuzz::walk_block(*b.block);
        }
    } catch (const taoslink::ProtocolError&) {
    }
}

void raw_data_frame(const std::uint8_t* data, std::size_t size) {
    try {
        const FetchRawDataReply r = decode_fetch_raw_data_reply(data, size);
        if (r.code != 0 || !r.raw) return;
        if (r.raw < data || r.raw + r.raw_len > data + size) std::abort();
        if (r.raw_type == kRawTypeTmqData) data_message(r.raw, r.raw_len);
    } catch (const taoslink::ProtocolError&) {
    }
}

void block_frame(const std::uint8_t* data, std::size_t size) {
    try {
        const TmqBlockReply r = decode_tmq_block_reply(data, size);
        if (r.block < data || r.block + r.block_len > data + size) std::abort();
        const auto block = taoslink::Block::decode_copy({reinterpret_cast<const char*>(r.block), r.block_len});
        (void)taoslink_fuzz::walk_block(*block);
    } catch (const taoslink::ProtocolError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The first byte picks the layer: a whole fetch_raw_data frame, the bare data container (so
    // the fuzzer need not rebuild the frame around it), or a fetch_block frame.
    if (size < 1) return 0;
    switch (data[0] % 3) {
        case 0: raw_data_frame(data + 1, size - 1); break;
        case 1: data_message(data + 1, size - 1); break;
        default: block_frame(data + 1, size - 1); break;
    }
    return 0;
}
