// What the taos-ws client does with one complete message from taosAdapter (plugins/ws/json.cpp,
// codec.cpp): text messages are JSON replies read through JsonReply's accessors; binary messages
// are routed, then decoded as fetch_raw_block or legacy fetch_block replies and their raw blocks.
// Anything malformed must throw a taoslink::Error; anything else aborts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "block_walk.hpp"
#include "codec.hpp"
#include "json.hpp"
#include "taoslink/block.hpp"
#include "taoslink/error.hpp"

namespace taoslink_fuzz {

using namespace taoslink::ws;

/// A text message as the client reads a JSON reply.
inline void text_message(std::string_view text) {
    (void)peek_req_id(text);
    try {
        const JsonReply reply(text);
        (void)reply.code();
        (void)reply.message();
        (void)reply.action();
        (void)reply.req_id();
        // The members the session, statement and consumer code reads.
        for (const char* key : {"id", "stmt_id", "result_id", "timing", "precision", "fields_count", "affected_rows",
                                "rows", "is_update", "is_insert", "completed", "have_message", "message_id", "message_type",
                                "offset", "vgroup_id", "database", "table_name", "topic"}) {
            (void)reply.has(key);
            try { (void)reply.integer(key); } catch (const taoslink::ProtocolError&) {}
            try { (void)reply.uinteger(key); } catch (const taoslink::ProtocolError&) {}
            try { (void)reply.boolean(key); } catch (const taoslink::ProtocolError&) {}
            try { (void)reply.string(key); } catch (const taoslink::ProtocolError&) {}
        }
        for (const char* key : {"fields_names", "fields_types", "fields_lengths", "fields_precisions", "fields_scales",
                                "topics", "lengths"}) {
            try { (void)reply.strings(key); } catch (const taoslink::ProtocolError&) {}
            try { (void)reply.integers(key); } catch (const taoslink::ProtocolError&) {}
        }
        reply.check();
    } catch (const taoslink::Error&) {
    }
}

inline void block_bytes(const std::uint8_t* data, std::size_t size) {
    try {
        const auto block = taoslink::Block::decode(nullptr, data, size);
        (void)walk_block(*block);
    } catch (const taoslink::ProtocolError&) {
    }
}

/// A binary message as the client routes and decodes it.
inline void binary_message(const std::uint8_t* data, std::size_t size) {
    const auto route = route_binary(data, size);
    if (!route) return;
    try {
        if (route->new_format) {
            const RawBlockReply r = decode_raw_block_reply(data, size);
            if (r.finished != (r.block == nullptr)) std::abort();
            if (r.block) {
                if (r.block < data || r.block + r.block_len > data + size) std::abort();
                block_bytes(r.block, r.block_len);
            }
        } else {
            const LegacyBlockReply r = decode_legacy_block_reply(data, size);
            if (r.block < data || r.block + r.block_len > data + size) std::abort();
            block_bytes(r.block, r.block_len);
        }
    } catch (const taoslink::ProtocolError&) {
    }
}

}  // namespace taoslink_fuzz
