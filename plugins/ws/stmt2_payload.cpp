#include "stmt2_payload.hpp"

#include <limits>

#include "codec.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

namespace {

[[noreturn]] void bad(const std::string& where, const std::string& what) {
    throw UsageError(code::InvalidArgument, "stmt2 bind: " + where + ": " + what);
}

bool sent_as_bytes(TypeCode t) {
    return is_var_type(t) || t == TypeCode::Decimal || t == TypeCode::Decimal64;
}

// One field-bind record: u32 length, i32 type, i32 num, is_null[num], u8 have_length,
// [i32 length[num]], i32 buffer_length, buffer.
void append_record(std::string& out, const BindColumn& col, const std::string& where) {
    const std::size_t rows = col.rows;
    if (rows == 0) bad(where, "no rows");
    if (rows > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) bad(where, "too many rows");
    if (!is_known_type(static_cast<int>(col.type)) || col.type == TypeCode::Null) {
        bad(where, "unsupported type " + std::to_string(static_cast<int>(col.type)));
    }
    if (!col.is_null.empty() && col.is_null.size() != rows) bad(where, "is_null needs one flag per row");
    auto null_at = [&](std::size_t r) { return !col.is_null.empty() && col.is_null[r] != 0; };
    bool all_null = true;
    for (std::size_t r = 0; r < rows; ++r) all_null = all_null && null_at(r);

    std::string rec;
    put_u32(rec, static_cast<std::uint32_t>(col.type));
    put_u32(rec, static_cast<std::uint32_t>(rows));
    for (std::size_t r = 0; r < rows; ++r) rec += null_at(r) ? '\1' : '\0';
    std::string buffer;
    if (sent_as_bytes(col.type)) {
        if (col.lengths.size() != rows) {
            bad(where, (col.type == TypeCode::Decimal || col.type == TypeCode::Decimal64)
                           ? "DECIMAL binds as decimal text with one length per row"
                           : "needs one length per row");
        }
        rec += '\1';
        std::size_t at = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            const auto len = col.lengths[r];
            if (len < 0) bad(where, "negative length in row " + std::to_string(r));
            if (at + static_cast<std::size_t>(len) > col.data.size()) bad(where, "lengths exceed the data");
            if (null_at(r)) {
                put_u32(rec, 0);
            } else {
                put_u32(rec, static_cast<std::uint32_t>(len));
                buffer.append(reinterpret_cast<const char*>(col.data.data()) + at, static_cast<std::size_t>(len));
            }
            at += static_cast<std::size_t>(len);
        }
        if (at != col.data.size()) bad(where, "lengths do not add up to the data size");
    } else {
        const std::size_t width = static_cast<std::size_t>(fixed_size(col.type));
        if (col.data.size() != rows * width) {
            bad(where, "needs " + std::to_string(rows * width) + " data bytes, has " + std::to_string(col.data.size()));
        }
        rec += '\0';
        if (!all_null) buffer.assign(reinterpret_cast<const char*>(col.data.data()), col.data.size());
    }
    if (buffer.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) bad(where, "too much data");
    put_u32(rec, static_cast<std::uint32_t>(buffer.size()));
    rec += buffer;
    if (rec.size() + 4 > std::numeric_limits<std::uint32_t>::max()) bad(where, "too much data");
    put_u32(out, static_cast<std::uint32_t>(rec.size() + 4));
    out += rec;
}

// A tag or column section: count × u32 byte lengths, then each table's records.
std::string section(const std::vector<Stmt2Table>& tables, bool tags) {
    std::string lengths, body;
    for (std::size_t t = 0; t < tables.size(); ++t) {
        const auto& cols = tags ? tables[t].tags : tables[t].columns;
        std::string part;
        for (std::size_t c = 0; c < cols.size(); ++c) {
            const std::string where = "table " + std::to_string(t) + (tags ? " tag " : " column ") + std::to_string(c);
            if (tags && cols[c].rows != 1) bad(where, "a tag has exactly one row");
            append_record(part, cols[c], where);
        }
        if (!tags && !cols.empty()) {
            for (std::size_t c = 1; c < cols.size(); ++c) {
                if (cols[c].rows != cols[0].rows) {
                    bad("table " + std::to_string(t), "column " + std::to_string(c) + " has " + std::to_string(cols[c].rows) +
                                                          " rows, column 0 has " + std::to_string(cols[0].rows));
                }
            }
        }
        if (part.size() > std::numeric_limits<std::uint32_t>::max()) bad("table " + std::to_string(t), "too much data");
        put_u32(lengths, static_cast<std::uint32_t>(part.size()));
        body += part;
    }
    return lengths + body;
}

}  // namespace

std::string encode_stmt2_payload(const std::vector<Stmt2Table>& tables) {
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
    std::string names;
    if (first.has_name) {
        for (const auto& t : tables) put_u16(names, static_cast<std::uint16_t>(t.name.size() + 1));
        for (const auto& t : tables) {
            names += t.name;
            names += '\0';
        }
    }
    const std::string tag_sec = first.tags.empty() ? std::string() : section(tables, true);
    const std::string col_sec = first.columns.empty() ? std::string() : section(tables, false);
    const std::size_t total = 28 + names.size() + tag_sec.size() + col_sec.size();
    if (total > std::numeric_limits<std::uint32_t>::max()) throw UsageError(code::InvalidArgument, "stmt2 bind: payload exceeds 4 GiB");
    std::string out;
    out.reserve(total);
    std::uint32_t off = 28;
    auto offset_of = [&](const std::string& s) {
        const std::uint32_t o = s.empty() ? 0 : off;
        off += static_cast<std::uint32_t>(s.size());
        return o;
    };
    const std::uint32_t names_off = offset_of(names);
    const std::uint32_t tags_off = offset_of(tag_sec);
    const std::uint32_t cols_off = offset_of(col_sec);
    put_u32(out, static_cast<std::uint32_t>(total));
    put_u32(out, static_cast<std::uint32_t>(tables.size()));
    put_u32(out, static_cast<std::uint32_t>(first.tags.size()));
    put_u32(out, static_cast<std::uint32_t>(first.columns.size()));
    put_u32(out, names_off);
    put_u32(out, tags_off);
    put_u32(out, cols_off);
    out += names;
    out += tag_sec;
    out += col_sec;
    return out;
}

std::string stmt2_bind_frame(std::uint64_t req_id, std::uint64_t stmt_id, const std::string& payload, std::int32_t col_idx) {
    std::string body;
    body.reserve(6 + payload.size());
    put_u16(body, 1);
    put_u32(body, static_cast<std::uint32_t>(col_idx));
    body += payload;
    return binary_request(req_id, stmt_id, action::Stmt2Bind, body);
}

}  // namespace taoslink::ws
