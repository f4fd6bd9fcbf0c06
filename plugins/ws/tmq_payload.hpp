// Binary replies of /rest/tmq (protocol.md §3.4, §3.6): the fetch_raw_data frame, the TMQ data
// container inside it, and the fetch_block frame. Pure functions over bytes, so they are unit
// tested on valid, truncated and corrupt input; every length is checked against the buffer and
// anything that does not fit throws ProtocolError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "taoslink/block.hpp"
#include "taoslink/types.hpp"

namespace taoslink::ws {

/// The action number of a fetch_raw_data reply (its second u64).
inline constexpr std::uint64_t kFetchRawDataAction = 8;
/// Raw type of a TMQ data message (TDengine's RES_TYPE__TMQ).
inline constexpr std::uint16_t kRawTypeTmqData = 2;
/// What `committed` reports for a vgroup with no committed offset (TSDB_CODE_TMQ_NO_COMMITTED).
inline constexpr std::int64_t kNoCommittedOffset = -2147467247;

/// A decoded fetch_raw_data reply (§3.4). `raw` points into the frame; nullptr on errors.
struct FetchRawDataReply {
    std::uint64_t timing = 0;
    std::uint64_t req_id = 0;
    std::uint32_t code = 0;
    std::string message;
    std::uint64_t message_id = 0;
    std::uint16_t raw_type = 0;
    const std::uint8_t* raw = nullptr;
    std::size_t raw_len = 0;
};

/// Decodes a fetch_raw_data frame. Error frames (code != 0) end after the message id; success
/// frames must end exactly after the raw bytes. Throws ProtocolError naming what is wrong.
FetchRawDataReply decode_fetch_raw_data_reply(const std::uint8_t* data, std::size_t size);

/// One block of a TMQ data message with the schema and table name that travel with it.
struct TmqBlock {
    std::shared_ptr<const Block> block;
    Fields fields;           ///< names and user-facing widths (protocol.md §5.2)
    std::string table_name;  ///< empty unless the payload carries table names
    Precision precision = Precision::Milli;
};

/// A TMQ data container (§3.6): the offsets it covers and its blocks.
struct TmqData {
    std::int64_t begin_offset = -1;  ///< the WAL version the read started at (-1: not a log offset)
    std::int64_t end_offset = -1;    ///< one past the last version read (-1: not a log offset)
    bool with_table_name = false;
    std::vector<TmqBlock> blocks;
};

/// Parses the raw bytes of a data message (raw type 2). Every block views `raw` without copying
/// and keeps `owner` alive; NCHAR stays UCS-4. TMQ blocks carry block version 2 (TDengine's
/// client rewrites v1 in place once it has put the lengths in host order; the layout is that of
/// §4), which Block::decode accepts as it is.
/// Bytes after the last block (newer servers append e.g. a sleep time) are ignored. Throws
/// ProtocolError when a length, count, varint or block does not fit.
TmqData parse_tmq_data(std::shared_ptr<const void> owner, const std::uint8_t* raw, std::size_t size);

/// A fetch_block reply of /rest/tmq: `[u64 timing][u64 req_id of the fetch][u64 message_id][raw block]`.
struct TmqBlockReply {
    std::uint64_t fetch_req_id = 0;
    std::uint64_t message_id = 0;
    const std::uint8_t* block = nullptr;
    std::size_t block_len = 0;
};

/// Decodes a fetch_block frame; the block views `data`.
/// Throws ProtocolError when the frame is shorter than its 24-byte prefix.
TmqBlockReply decode_tmq_block_reply(const std::uint8_t* data, std::size_t size);

/// The user-facing width of a column whose raw-block "bytes" is `bytes` (§5.2); also fills the
/// DECIMAL precision and scale of `field` from the descriptor.
void set_field_width(Field& field, std::int32_t bytes);

}  // namespace taoslink::ws
