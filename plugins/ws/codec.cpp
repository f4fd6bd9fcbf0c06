#include "codec.hpp"

#include "taoslink/error.hpp"

namespace taoslink::ws {

std::uint64_t read_u64(const std::uint8_t* p) noexcept {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}

std::uint32_t read_u32(const std::uint8_t* p) noexcept {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

std::uint16_t read_u16(const std::uint8_t* p) noexcept {
    return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

void put_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

void put_u16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>(v >> 8);
}

std::string binary_request(std::uint64_t req_id, std::uint64_t resource_id, std::uint64_t act, std::string_view payload) {
    std::string out;
    out.reserve(24 + payload.size());
    put_u64(out, req_id);
    put_u64(out, resource_id);
    put_u64(out, act);
    out.append(payload);
    return out;
}

std::string binary_query_request(std::uint64_t req_id, std::string_view sql) {
    if (sql.size() > 0xFFFFFFFFu) throw UsageError(code::InvalidArgument, "the SQL text is longer than 4 GiB");
    std::string out = binary_request(req_id, 0, action::BinaryQuery);
    out.reserve(30 + sql.size());
    put_u16(out, 1);
    put_u32(out, static_cast<std::uint32_t>(sql.size()));
    out.append(sql);
    return out;
}

std::string fetch_raw_block_request(std::uint64_t req_id, std::uint64_t result_id) {
    std::string out = binary_request(req_id, result_id, action::FetchRawBlock);
    put_u16(out, 1);
    return out;
}

namespace {

[[noreturn]] void bad(const std::string& what) { throw ProtocolError("invalid fetch_raw_block reply from taosAdapter: " + what); }

}  // namespace

RawBlockReply decode_raw_block_reply(const std::uint8_t* d, std::size_t size) {
    // flag(8) action(8) version(2) timing(8) req_id(8) code(4) msg_len(4) = 42, then the message.
    if (size < 42) bad("the frame has " + std::to_string(size) + " bytes, fewer than its 42-byte header");
    if (read_u64(d) != kNewFormatFlag) bad("missing the 0xFFFFFFFFFFFFFFFF flag");
    if (const auto a = read_u64(d + 8); a != action::FetchRawBlock) bad("action " + std::to_string(a) + " instead of 7");
    if (const auto v = read_u16(d + 16); v != 1) bad("unknown version " + std::to_string(v));
    RawBlockReply r;
    r.timing = read_u64(d + 18);
    r.req_id = read_u64(d + 26);
    r.code = read_u32(d + 34);
    const std::size_t msg_len = read_u32(d + 38);
    if (size - 42 < msg_len || size - 42 - msg_len < 9) {
        bad("the frame has " + std::to_string(size) + " bytes, too few for a " + std::to_string(msg_len) +
            "-byte message, the result id and the finished flag");
    }
    r.message.assign(reinterpret_cast<const char*>(d + 42), msg_len);
    const std::uint8_t* p = d + 42 + msg_len;
    r.result_id = read_u64(p);
    const std::uint8_t finished = p[8];
    if (finished > 1) bad("finished flag " + std::to_string(finished));
    r.finished = finished == 1;
    const std::size_t rest = size - 42 - msg_len - 9;
    if (r.finished) return r;
    if (rest < 4) bad("the frame ends before the block length");
    r.block_len = read_u32(p + 9);
    if (rest - 4 != r.block_len) {
        bad("the block length says " + std::to_string(r.block_len) + " bytes but the frame carries " +
            std::to_string(rest - 4));
    }
    r.block = p + 13;
    return r;
}

LegacyBlockReply decode_legacy_block_reply(const std::uint8_t* d, std::size_t size) {
    if (size < 16 + 28) {
        throw ProtocolError("invalid fetch_block reply from taosAdapter: " + std::to_string(size) + " bytes");
    }
    LegacyBlockReply r;
    r.result_id = read_u64(d + 8);
    r.block = d + 16;
    r.block_len = size - 16;
    const std::uint32_t own = read_u32(r.block + 4);
    if (own != r.block_len) {
        throw ProtocolError("invalid fetch_block reply from taosAdapter: the block says " + std::to_string(own) +
                            " bytes but the frame carries " + std::to_string(r.block_len));
    }
    return r;
}

std::optional<BinaryRoute> route_binary(const std::uint8_t* d, std::size_t size) noexcept {
    if (size < 16) return std::nullopt;
    if (read_u64(d) == kNewFormatFlag) {
        if (size < 34) return std::nullopt;
        return BinaryRoute{true, read_u64(d + 26)};
    }
    return BinaryRoute{false, read_u64(d + 8)};
}

}  // namespace taoslink::ws
