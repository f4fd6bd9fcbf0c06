#include "tmq_payload.hpp"

#include <cstring>

#include "codec.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

namespace {

[[noreturn]] void corrupt(const std::string& what) {
    throw ProtocolError("taosAdapter sent a corrupt TMQ payload: " + what);
}

/// A bounds-checked little-endian reader over one buffer.
class Reader {
public:
    Reader(const std::uint8_t* data, std::size_t size, const char* what) : data_(data), size_(size), what_(what) {}

    std::size_t pos() const noexcept { return pos_; }
    std::size_t left() const noexcept { return size_ - pos_; }

    void need(std::size_t n, const char* field) const {
        if (n > left()) {
            corrupt(std::string(what_) + " ends inside " + field + " (needs " + std::to_string(n) + " bytes at offset " +
                    std::to_string(pos_) + ", " + std::to_string(left()) + " left)");
        }
    }
    const std::uint8_t* take(std::size_t n, const char* field) {
        need(n, field);
        const std::uint8_t* p = data_ + pos_;
        pos_ += n;
        return p;
    }
    void skip(std::size_t n, const char* field) { take(n, field); }
    std::uint8_t u8(const char* field) { return *take(1, field); }
    std::uint16_t u16(const char* field) { return read_u16(take(2, field)); }
    std::uint32_t u32(const char* field) { return read_u32(take(4, field)); }
    std::uint64_t u64(const char* field) { return read_u64(take(8, field)); }

    /// Little-endian base-128 (TDengine tEncodeU32v); at most 5 bytes, at most 32 bits.
    std::uint32_t varint(const char* field) {
        std::uint64_t v = 0;
        for (int i = 0; i < 5; ++i) {
            const std::uint8_t b = u8(field);
            v |= static_cast<std::uint64_t>(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (v > 0xFFFFFFFFull) break;
                return static_cast<std::uint32_t>(v);
            }
        }
        corrupt(std::string(what_) + " has an over-long varint in " + field + " at offset " + std::to_string(pos_));
    }
    /// Zig-zag varint (tEncodeI32v / tEncodeI16v).
    std::int32_t zigzag(const char* field) {
        const std::uint32_t n = varint(field);
        return static_cast<std::int32_t>((n >> 1) ^ (~(n & 1) + 1));
    }
    /// tEncodeCStr: varint length including the NUL, the bytes, the NUL.
    std::string cstr(const char* field) {
        const std::uint32_t len = varint(field);
        if (len == 0) corrupt(std::string(what_) + " has a zero-length " + field);
        const std::uint8_t* p = take(len, field);
        if (p[len - 1] != 0) corrupt(std::string(what_) + " has a " + field + " without its terminating NUL");
        return std::string(reinterpret_cast<const char*>(p), len - 1);
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    const char* what_;
    std::size_t pos_ = 0;
};

/// One STqOffsetVal of the old head: u8 type, then 8 bytes (log) or 16 bytes (snapshot).
std::int64_t read_offset_val(Reader& r) {
    const std::uint8_t type = r.u8("an offset type");
    switch (type & 0x0F) {
        case 1: return static_cast<std::int64_t>(r.u64("a log offset"));
        case 2:
        case 3: r.skip(16, "a snapshot offset"); return -1;
        default: corrupt("unknown offset type " + std::to_string(type));
    }
}


}  // namespace

void set_field_width(Field& f, std::int32_t bytes) {
    switch (f.type) {
        case TypeCode::Decimal:
        case TypeCode::Decimal64: {
            const auto u = static_cast<std::uint32_t>(bytes);
            f.decimal_scale = static_cast<std::uint8_t>(u & 0xFF);
            f.decimal_precision = static_cast<std::uint8_t>((u >> 8) & 0xFF);
            f.length = f.type == TypeCode::Decimal ? 16 : 8;
            return;
        }
        case TypeCode::NChar:
        case TypeCode::Json: f.length = bytes >= 2 ? (bytes - 2) / 4 : 0; return;
        case TypeCode::Blob: f.length = bytes >= 4 ? bytes - 4 : 0; return;
        default: break;
    }
    if (is_var_type(f.type)) {
        f.length = bytes >= 2 ? bytes - 2 : 0;
    } else {
        f.length = fixed_size(f.type);
    }
}

FetchRawDataReply decode_fetch_raw_data_reply(const std::uint8_t* data, std::size_t size) {
    if (data == nullptr) corrupt("empty fetch_raw_data reply");
    Reader r(data, size, "the fetch_raw_data reply");
    if (r.u64("the flag") != kNewFormatFlag) corrupt("the fetch_raw_data reply does not start with the 0xFF..FF flag");
    const std::uint64_t act = r.u64("the action");
    if (act != kFetchRawDataAction) corrupt("the fetch_raw_data reply has action " + std::to_string(act) + ", expected 8");
    const std::uint16_t version = r.u16("the version");
    if (version != 1) corrupt("the fetch_raw_data reply has version " + std::to_string(version) + ", expected 1");
    FetchRawDataReply out;
    out.timing = r.u64("the timing");
    out.req_id = r.u64("the req_id");
    out.code = r.u32("the code");
    const std::uint32_t mlen = r.u32("the message length");
    const std::uint8_t* m = r.take(mlen, "the message");
    out.message.assign(reinterpret_cast<const char*>(m), mlen);
    out.message_id = r.u64("the message id");
    if (out.code != 0) return out;  // error frames end here
    out.raw_type = r.u16("the raw type");
    const std::uint32_t rlen = r.u32("the raw length");
    if (rlen != r.left()) {
        corrupt("the fetch_raw_data reply announces " + std::to_string(rlen) + " raw bytes but carries " +
                std::to_string(r.left()));
    }
    out.raw = data + r.pos();
    out.raw_len = rlen;
    return out;
}

TmqData parse_tmq_data(std::shared_ptr<const void> owner, const std::uint8_t* raw, std::size_t size) {
    if (raw == nullptr) corrupt("empty data payload");
    Reader r(raw, size, "the data payload");
    TmqData out;

    // Head: version >= 100 is followed by the length of the encoded offsets; older payloads
    // carry the two offsets directly.
    const std::uint8_t head = r.u8("the head version");
    if (head >= 100) {
        const std::uint32_t len = r.u32("the offsets length");
        r.need(len, "the offsets");
        Reader offs(raw + r.pos(), len, "the offsets");
        r.skip(len, "the offsets");
        // Two STqOffsetVal, each `i8 (version << 4 | type)` then the value; read when they parse,
        // otherwise leave them unknown (clients must treat offsets as opaque).
        try {
            out.begin_offset = read_offset_val(offs);
            out.end_offset = read_offset_val(offs);
        } catch (const ProtocolError&) {
            out.begin_offset = out.end_offset = -1;
        }
    } else {
        // The byte already read is the type of the first offset.
        switch (head & 0x0F) {
            case 1: out.begin_offset = static_cast<std::int64_t>(r.u64("a log offset")); break;
            case 2:
            case 3: r.skip(16, "a snapshot offset"); break;
            default: corrupt("unknown offset type " + std::to_string(head));
        }
        out.end_offset = read_offset_val(r);
    }

    const std::int32_t count = static_cast<std::int32_t>(r.u32("the block count"));
    if (count < 0) corrupt("negative block count " + std::to_string(count));
    if (count == 0) return out;  // TDengine writes no flags for an empty message
    out.with_table_name = r.u8("the with_table_name flag") != 0;
    const bool with_schema = r.u8("the with_schema flag") != 0;
    if (!with_schema) corrupt("the data payload has no schemas (with_schema = 0)");
    // Each block needs at least 20 bytes; reject absurd counts before reserving.
    if (static_cast<std::size_t>(count) > r.left() / 20 + 1) {
        corrupt("block count " + std::to_string(count) + " does not fit " + std::to_string(r.left()) + " bytes");
    }
    out.blocks.reserve(static_cast<std::size_t>(count));

    constexpr std::size_t kBlockHead = 18;  // SRetrieveTableRspForTmq before the raw block
    for (std::int32_t i = 0; i < count; ++i) {
        const std::string which = "block " + std::to_string(i);
        const std::uint32_t body_len = r.varint("a block length");
        if (body_len < kBlockHead + 28) {
            corrupt(which + " is " + std::to_string(body_len) + " bytes, shorter than its headers");
        }
        const std::uint8_t* body = raw + r.pos();
        r.skip(body_len, "a block");
        const std::uint8_t compressed = body[16];
        if (compressed != 0) corrupt(which + " is compressed, which taos-ws does not decode");
        const std::uint8_t prec = body[17];
        if (prec > 2) corrupt(which + " has unknown precision " + std::to_string(prec));

        const std::uint8_t* block = body + kBlockHead;
        const std::size_t block_len = body_len - kBlockHead;
        const std::uint32_t total = read_u32(block + 4);
        if (total != block_len) {
            corrupt(which + " says it is " + std::to_string(total) + " bytes inside a " + std::to_string(block_len) +
                    "-byte slot");
        }

        TmqBlock tb;
        tb.precision = static_cast<Precision>(prec);
        tb.block = Block::decode(owner, block, block_len, TextEncoding::Ucs4);

        const std::int32_t ncols = r.zigzag("the schema column count");
        r.zigzag("the schema version");
        if (ncols < 0 || static_cast<std::size_t>(ncols) != tb.block->columns()) {
            corrupt(which + " has " + std::to_string(tb.block->columns()) + " columns but its schema lists " +
                    std::to_string(ncols));
        }
        tb.fields.reserve(static_cast<std::size_t>(ncols));
        for (std::int32_t c = 0; c < ncols; ++c) {
            Field f;
            const std::uint8_t type = r.u8("a schema type");
            if (!is_known_type(type)) corrupt(which + " column " + std::to_string(c) + " has unknown type " + std::to_string(type));
            f.type = static_cast<TypeCode>(type);
            if (f.type != tb.block->column(static_cast<std::size_t>(c)).type()) {
                corrupt(which + " column " + std::to_string(c) + " has type " +
                        std::to_string(static_cast<int>(tb.block->column(static_cast<std::size_t>(c)).type())) +
                        " in the block but " + std::to_string(type) + " in the schema");
            }
            r.u8("a schema flag");
            const std::int32_t bytes = r.zigzag("a schema width");
            r.zigzag("a schema column id");
            f.name = r.cstr("a column name");
            set_field_width(f, bytes);
            tb.fields.push_back(std::move(f));
        }
        if (out.with_table_name) tb.table_name = r.cstr("a table name");
        out.blocks.push_back(std::move(tb));
    }
    return out;
}

TmqBlockReply decode_tmq_block_reply(const std::uint8_t* data, std::size_t size) {
    if (data == nullptr || size < 24) {
        throw ProtocolError("taosAdapter sent a TMQ fetch_block reply of " + std::to_string(size) +
                            " bytes, shorter than its 24-byte prefix");
    }
    TmqBlockReply out;
    out.fetch_req_id = read_u64(data + 8);
    out.message_id = read_u64(data + 16);
    out.block = data + 24;
    out.block_len = size - 24;
    return out;
}

}  // namespace taoslink::ws
