// Binary frames of /ws (protocol.md §2.7): request headers, and the replies that carry raw blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace taoslink::ws {

/// Binary action numbers (the third u64 of a request header).
namespace action {
inline constexpr std::uint64_t SetTags = 1;
inline constexpr std::uint64_t Bind = 2;
inline constexpr std::uint64_t BinaryQuery = 6;
inline constexpr std::uint64_t FetchRawBlock = 7;
inline constexpr std::uint64_t Stmt2Bind = 9;
}  // namespace action

/// The flag that opens every "new format" binary reply.
inline constexpr std::uint64_t kNewFormatFlag = ~std::uint64_t{0};
/// Size of a fetch_raw_block reply before its message (the header without message is 55 bytes
/// when a block follows, 51 when finished).
inline constexpr std::size_t kRawBlockReplyFixed = 55;

/// A binary request: the 24-byte header (`req_id`, `resource_id`, `action`) then `payload`.
std::string binary_request(std::uint64_t req_id, std::uint64_t resource_id, std::uint64_t action,
                           std::string_view payload = {});
/// Action 6: `u16 version=1`, `u32 sql_len`, SQL bytes.
std::string binary_query_request(std::uint64_t req_id, std::string_view sql);
/// Action 7 for `result_id`: `u16 version=1` (26 bytes in all).
std::string fetch_raw_block_request(std::uint64_t req_id, std::uint64_t result_id);

/// A decoded fetch_raw_block reply (§2.7.1). `block` points into the frame.
struct RawBlockReply {
    std::uint64_t timing = 0;
    std::uint64_t req_id = 0;
    std::uint32_t code = 0;
    std::string message;
    std::uint64_t result_id = 0;
    bool finished = false;
    const std::uint8_t* block = nullptr;  ///< nullptr when finished
    std::size_t block_len = 0;
};

/// Decodes a fetch_raw_block reply; throws ProtocolError naming what is wrong when the frame is
/// truncated, has the wrong flag, action or version, or a block length past its end.
RawBlockReply decode_raw_block_reply(const std::uint8_t* data, std::size_t size);

/// A legacy fetch_block reply: `[u64 timing][u64 result id][raw block]` (§2.5).
struct LegacyBlockReply {
    std::uint64_t result_id = 0;
    const std::uint8_t* block = nullptr;
    std::size_t block_len = 0;
};

/// Decodes a legacy fetch_block reply; throws ProtocolError when it is shorter than its
/// 16-byte prefix or the block's own length field disagrees with the frame.
LegacyBlockReply decode_legacy_block_reply(const std::uint8_t* data, std::size_t size);

/// Where a binary frame from the server should go: the req_id of a new-format reply, or the
/// result id of a legacy fetch_block reply. nullopt when the frame is too short to tell.
struct BinaryRoute {
    bool new_format = false;
    std::uint64_t key = 0;  ///< req_id (new format) or result id (legacy)
};
std::optional<BinaryRoute> route_binary(const std::uint8_t* data, std::size_t size) noexcept;

/// Reads little-endian integers from unaligned bytes.
std::uint64_t read_u64(const std::uint8_t* p) noexcept;
std::uint32_t read_u32(const std::uint8_t* p) noexcept;
std::uint16_t read_u16(const std::uint8_t* p) noexcept;
/// Appends little-endian integers.
void put_u64(std::string& out, std::uint64_t v);
void put_u32(std::string& out, std::uint32_t v);
void put_u16(std::string& out, std::uint16_t v);

}  // namespace taoslink::ws
