#include "stmt2_payload.hpp"

#include <bit>
#include <cstring>
#include <limits>

#include "codec.hpp"
#include "taoslink/error.hpp"

// The payload is laid out in two passes: the first checks every column and adds up the sizes,
// the second writes each byte once into a buffer of exactly that size. A bind of 10,000 rows is
// ~0.5 MB; building it from nested strings cost a copy (and fresh pages) per nesting level.

namespace taoslink::ws {

namespace {

[[noreturn]] void bad(const std::string& where, const std::string& what) {
    throw UsageError(code::InvalidArgument, "stmt2 bind: " + where + ": " + what);
}

std::string where_of(std::size_t table, bool tags, std::size_t col) {
    return "table " + std::to_string(table) + (tags ? " tag " : " column ") + std::to_string(col);
}

bool sent_as_bytes(TypeCode t) {
    return is_var_type(t) || t == TypeCode::Decimal || t == TypeCode::Decimal64;
}

bool null_at(const BindColumn& col, std::size_t r) { return !col.is_null.empty() && col.is_null[r] != 0; }

bool all_null(const BindColumn& col) {
    if (col.is_null.empty()) return false;
    for (auto f : col.is_null) {
        if (f == 0) return false;
    }
    return true;
}

// The bytes of `col`'s buffer: the non-NULL payloads of a variable-width column, the packed values
// of a fixed-width one (0 when every row is NULL).
std::size_t buffer_size(const BindColumn& col) {
    if (!sent_as_bytes(col.type)) return all_null(col) ? 0 : col.data.size();
    if (col.is_null.empty()) return col.data.size();
    std::size_t n = 0;
    for (std::size_t r = 0; r < col.rows; ++r) {
        if (!null_at(col, r)) n += static_cast<std::size_t>(col.lengths[r]);
    }
    return n;
}

// Checks one column and returns the size of its field-bind record: u32 length, i32 type, i32 num,
// is_null[num], u8 have_length, [i32 length[num]], i32 buffer_length, buffer.
std::size_t record_size(const BindColumn& col, std::size_t table, bool tags, std::size_t index) {
    const std::size_t rows = col.rows;
    auto fail = [&](const std::string& what) { bad(where_of(table, tags, index), what); };
    if (rows == 0) fail("no rows");
    if (tags && rows != 1) fail("a tag has exactly one row");
    if (rows > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) fail("too many rows");
    if (!is_known_type(static_cast<int>(col.type)) || col.type == TypeCode::Null) {
        fail("unsupported type " + std::to_string(static_cast<int>(col.type)));
    }
    if (!col.is_null.empty() && col.is_null.size() != rows) fail("is_null needs one flag per row");
    if (sent_as_bytes(col.type)) {
        if (col.lengths.size() != rows) {
            fail((col.type == TypeCode::Decimal || col.type == TypeCode::Decimal64)
                     ? "DECIMAL binds as decimal text with one length per row"
                     : "needs one length per row");
        }
        std::size_t at = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            const auto len = col.lengths[r];
            if (len < 0) fail("negative length in row " + std::to_string(r));
            at += static_cast<std::size_t>(len);
            if (at > col.data.size()) fail("lengths exceed the data");
        }
        if (at != col.data.size()) fail("lengths do not add up to the data size");
    } else {
        const std::size_t width = static_cast<std::size_t>(fixed_size(col.type));
        if (col.data.size() != rows * width) {
            fail("needs " + std::to_string(rows * width) + " data bytes, has " + std::to_string(col.data.size()));
        }
    }
    const std::size_t buffer = buffer_size(col);
    if (buffer > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) fail("too much data");
    const std::size_t size = 4 + 4 + 4 + rows + 1 + (sent_as_bytes(col.type) ? 4 * rows : 0) + 4 + buffer;
    if (size > std::numeric_limits<std::uint32_t>::max()) fail("too much data");
    return size;
}

// Writes little-endian integers and raw bytes into a buffer sized beforehand.
class Cursor {
public:
    explicit Cursor(char* at) : p_(at) {}
    void u16(std::uint16_t v) { le(v); }
    void u32(std::uint32_t v) { le(v); }
    void u64(std::uint64_t v) { le(v); }
    void bytes(const void* src, std::size_t n) {
        if (n) std::memcpy(p_, src, n);
        p_ += n;
    }
    void byte(char c) { *p_++ = c; }
    void zeros(std::size_t n) {
        std::memset(p_, 0, n);
        p_ += n;
    }

private:
    template <typename T>
    void le(T v) {
        for (std::size_t i = 0; i < sizeof(T); ++i) *p_++ = static_cast<char>((v >> (8 * i)) & 0xFF);
    }
    char* p_;
};

void write_record(Cursor& w, const BindColumn& col, std::size_t size) {
    const std::size_t rows = col.rows;
    w.u32(static_cast<std::uint32_t>(size));
    w.u32(static_cast<std::uint32_t>(col.type));
    w.u32(static_cast<std::uint32_t>(rows));
    if (col.is_null.empty()) {
        w.zeros(rows);
    } else {
        for (std::size_t r = 0; r < rows; ++r) w.byte(col.is_null[r] ? '\1' : '\0');
    }
    const std::size_t buffer = buffer_size(col);
    if (sent_as_bytes(col.type)) {
        w.byte('\1');
        if (col.is_null.empty() && std::endian::native == std::endian::little) {
            w.bytes(col.lengths.data(), 4 * rows);  // non-negative i32s, checked by record_size: already the wire form
        } else {
            for (std::size_t r = 0; r < rows; ++r) w.u32(null_at(col, r) ? 0u : static_cast<std::uint32_t>(col.lengths[r]));
        }
        w.u32(static_cast<std::uint32_t>(buffer));
        if (col.is_null.empty()) {
            w.bytes(col.data.data(), col.data.size());
        } else {
            std::size_t at = 0;
            for (std::size_t r = 0; r < rows; ++r) {
                const auto len = static_cast<std::size_t>(col.lengths[r]);
                if (!null_at(col, r)) w.bytes(col.data.data() + at, len);
                at += len;
            }
        }
    } else {
        w.byte('\0');
        w.u32(static_cast<std::uint32_t>(buffer));
        w.bytes(col.data.data(), buffer);
    }
}

// The sizes of one section (tags or columns): one record size per table and column.
struct SectionSizes {
    std::vector<std::vector<std::size_t>> records;  // [table][column]
    std::vector<std::size_t> parts;                 // each table's records, summed
    std::size_t total = 0;                          // the count × u32 lengths and every part
};

SectionSizes section_sizes(const std::vector<Stmt2Table>& tables, bool tags) {
    SectionSizes s;
    s.records.resize(tables.size());
    s.parts.resize(tables.size());
    s.total = 4 * tables.size();
    for (std::size_t t = 0; t < tables.size(); ++t) {
        const auto& cols = tags ? tables[t].tags : tables[t].columns;
        std::size_t part = 0;
        for (std::size_t c = 0; c < cols.size(); ++c) {
            s.records[t].push_back(record_size(cols[c], t, tags, c));
            part += s.records[t].back();
        }
        if (!tags) {
            for (std::size_t c = 1; c < cols.size(); ++c) {
                if (cols[c].rows != cols[0].rows) {
                    bad("table " + std::to_string(t), "column " + std::to_string(c) + " has " + std::to_string(cols[c].rows) +
                                                          " rows, column 0 has " + std::to_string(cols[0].rows));
                }
            }
        }
        if (part > std::numeric_limits<std::uint32_t>::max()) bad("table " + std::to_string(t), "too much data");
        s.parts[t] = part;
        s.total += part;
    }
    return s;
}

void write_section(Cursor& w, const std::vector<Stmt2Table>& tables, bool tags, const SectionSizes& s) {
    for (std::size_t part : s.parts) w.u32(static_cast<std::uint32_t>(part));
    for (std::size_t t = 0; t < tables.size(); ++t) {
        const auto& cols = tags ? tables[t].tags : tables[t].columns;
        for (std::size_t c = 0; c < cols.size(); ++c) write_record(w, cols[c], s.records[t][c]);
    }
}

void check_tables(const std::vector<Stmt2Table>& tables) {
    if (tables.empty()) throw UsageError(code::InvalidArgument, "stmt2 bind: no tables");
    const Stmt2Table& first = tables[0];
    for (std::size_t t = 0; t < tables.size(); ++t) {
        const std::string where = "table " + std::to_string(t);
        if (tables[t].has_name != first.has_name) bad(where, "every table or none needs a name");
        if (tables[t].tags.size() != first.tags.size()) bad(where, "every table needs the same number of tags");
        if (tables[t].columns.size() != first.columns.size()) bad(where, "every table needs the same number of columns");
        if (tables[t].has_name) {
            if (tables[t].name.empty()) bad(where, "empty table name");
            if (tables[t].name.find('\0') != std::string::npos) bad(where, "table name contains NUL");
            if (tables[t].name.size() + 1 > 0xFFFF) bad(where, "table name too long");
        }
    }
}

// The payload after `prefix` bytes left for the caller (a frame header), in one allocation
// (`out`'s own when it has the capacity).
std::string encode_after(std::size_t prefix, const std::vector<Stmt2Table>& tables, std::string out = {}) {
    check_tables(tables);
    const Stmt2Table& first = tables[0];
    std::size_t names = 0;
    if (first.has_name) {
        for (const auto& t : tables) names += 2 + t.name.size() + 1;
    }
    SectionSizes tag_sizes, col_sizes;
    if (!first.tags.empty()) tag_sizes = section_sizes(tables, true);
    if (!first.columns.empty()) col_sizes = section_sizes(tables, false);
    const std::size_t total = 28 + names + tag_sizes.total + col_sizes.total;
    if (total > std::numeric_limits<std::uint32_t>::max()) throw UsageError(code::InvalidArgument, "stmt2 bind: payload exceeds 4 GiB");

    out.clear();
    out.resize(prefix + total);
    Cursor w(out.data() + prefix);
    std::uint32_t off = 28;
    auto offset_of = [&](std::size_t size) {
        const std::uint32_t o = size == 0 ? 0 : off;
        off += static_cast<std::uint32_t>(size);
        return o;
    };
    const std::uint32_t names_off = offset_of(names);
    const std::uint32_t tags_off = offset_of(tag_sizes.total);
    const std::uint32_t cols_off = offset_of(col_sizes.total);
    w.u32(static_cast<std::uint32_t>(total));
    w.u32(static_cast<std::uint32_t>(tables.size()));
    w.u32(static_cast<std::uint32_t>(first.tags.size()));
    w.u32(static_cast<std::uint32_t>(first.columns.size()));
    w.u32(names_off);
    w.u32(tags_off);
    w.u32(cols_off);
    if (first.has_name) {
        for (const auto& t : tables) w.u16(static_cast<std::uint16_t>(t.name.size() + 1));
        for (const auto& t : tables) {
            w.bytes(t.name.data(), t.name.size());
            w.byte('\0');
        }
    }
    if (tag_sizes.total) write_section(w, tables, true, tag_sizes);
    if (col_sizes.total) write_section(w, tables, false, col_sizes);
    return out;
}

constexpr std::size_t kBindFrameHeader = 24 + 2 + 4;  // request header, u16 version, i32 col_idx

void write_bind_header(std::string& frame, std::uint64_t req_id, std::uint64_t stmt_id, std::int32_t col_idx) {
    Cursor w(frame.data());
    w.u64(req_id);
    w.u64(stmt_id);
    w.u64(action::Stmt2Bind);
    w.u16(1);
    w.u32(static_cast<std::uint32_t>(col_idx));
}

}  // namespace

std::string encode_stmt2_payload(const std::vector<Stmt2Table>& tables) { return encode_after(0, tables); }

std::string stmt2_bind_frame(std::uint64_t req_id, std::uint64_t stmt_id, const std::string& payload, std::int32_t col_idx) {
    std::string frame(kBindFrameHeader, '\0');
    write_bind_header(frame, req_id, stmt_id, col_idx);
    frame += payload;
    return frame;
}

std::string encode_stmt2_bind_frame(std::uint64_t stmt_id, const std::vector<Stmt2Table>& tables, std::int32_t col_idx,
                                    std::string buffer) {
    std::string frame = encode_after(kBindFrameHeader, tables, std::move(buffer));
    write_bind_header(frame, 0, stmt_id, col_idx);
    return frame;
}

void set_request_id(std::string& frame, std::uint64_t req_id) {
    if (frame.size() < 8) throw UsageError(code::InvalidArgument, "a binary request frame has at least 8 bytes");
    Cursor(frame.data()).u64(req_id);
}

}  // namespace taoslink::ws
