#include "raw_block.hpp"

#include <cstring>
#include <string>
#include <string_view>

#include "errors.hpp"
#include "taoslink/error.hpp"

namespace taoslink::native {

namespace {

constexpr std::uint64_t kHeaderSize = 28;  // version, length, rows, columns, flag, group id
// Bytes a block may carry past what its header describes before we call its length corrupt.
constexpr std::uint64_t kMaxSlack = 4096;

std::int32_t read_i32(const std::uint8_t* p) {
    std::int32_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

[[noreturn]] void corrupt(const std::string& what) { throw ProtocolError("taosc returned a corrupt raw block: " + what); }

}  // namespace

Fields read_fields(const Taosc& t, TAOS_RES* res) {
    Fields fields;
    const int count = t.taos_field_count(res);
    if (count <= 0) return fields;
    const TAOS_FIELD* raw = t.taos_fetch_fields(res);
    if (raw == nullptr) throw ProtocolError("taosc reports " + std::to_string(count) + " fields but returns none");
    fields.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        Field f;
        f.name.assign(raw[i].name, strnlen(raw[i].name, sizeof raw[i].name));
        if (!is_known_type(raw[i].type))
            throw ProtocolError("taosc reports column '" + f.name + "' of unknown type " + std::to_string(raw[i].type));
        f.type = static_cast<TypeCode>(raw[i].type);
        f.length = raw[i].bytes;  // taosc already gives user widths (NCHAR in characters)
        fields.push_back(std::move(f));
    }
    return fields;
}

Precision read_precision(const Taosc& t, TAOS_RES* res) {
    const int p = t.taos_result_precision(res);
    if (p < 0 || p > 2) throw ProtocolError("taosc reports an unknown timestamp precision " + std::to_string(p));
    return static_cast<Precision>(p);
}

std::size_t checked_block_size(const void* data, int rows, std::size_t columns) {
    const auto* b = static_cast<const std::uint8_t*>(data);
    const std::int32_t version = read_i32(b);
    if (version != 1 && version != 2) corrupt("version " + std::to_string(version) + ", expected 1 or 2");
    const std::int32_t length = read_i32(b + 4);
    const std::int32_t header_rows = read_i32(b + 8);
    const std::int32_t header_cols = read_i32(b + 12);
    if (header_rows != rows)
        corrupt("its header says " + std::to_string(header_rows) + " rows, taosc said " + std::to_string(rows));
    if (header_cols < 0 || static_cast<std::size_t>(header_cols) != columns)
        corrupt("its header says " + std::to_string(header_cols) + " columns, the result has " + std::to_string(columns));
    if (length < static_cast<std::int32_t>(kHeaderSize)) corrupt("length " + std::to_string(length));

    // What the header describes: column infos (5 bytes each), lengths (4 each), then per column a
    // null bitmap or an offset array, and its data.
    const std::uint64_t n = columns, r = static_cast<std::uint64_t>(rows);
    std::uint64_t expected = kHeaderSize + 9 * n;
    for (std::uint64_t i = 0; i < n; ++i) {
        const std::int8_t type = static_cast<std::int8_t>(b[kHeaderSize + 5 * i]);
        const std::int32_t len = read_i32(b + kHeaderSize + 5 * n + 4 * i);
        if (len < 0) corrupt("column " + std::to_string(i) + " has length " + std::to_string(len));
        if (!is_known_type(type)) corrupt("column " + std::to_string(i) + " has type " + std::to_string(type));
        expected += (is_var_type(static_cast<TypeCode>(type)) ? 4 * r : (r + 7) / 8) + static_cast<std::uint64_t>(len);
    }
    const auto claimed = static_cast<std::uint64_t>(length);
    if (claimed < expected || claimed > expected + kMaxSlack)
        corrupt("length " + std::to_string(length) + " does not match the " + std::to_string(expected) +
                " bytes its header describes");
    return static_cast<std::size_t>(claimed);
}

std::shared_ptr<const Block> copy_block(const void* data, int rows, const Fields& fields) {
    if (data == nullptr) throw ProtocolError("taosc returned " + std::to_string(rows) + " rows without a block");
    const std::size_t size = checked_block_size(data, rows, fields.size());
    auto block = Block::decode_copy(std::string_view(static_cast<const char*>(data), size), TextEncoding::Ucs4);
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (block->column(i).type() != fields[i].type)
            throw ProtocolError("taosc returned a block whose column " + std::to_string(i) + " has type " +
                                std::to_string(static_cast<int>(block->column(i).type())) + ", not " +
                                std::to_string(static_cast<int>(fields[i].type)));
    }
    return block;
}

std::shared_ptr<const Block> fetch_block_copy(const Taosc& t, TAOS_RES* res, const Fields& fields) {
    int rows = 0;
    void* data = nullptr;
    const int rc = t.taos_fetch_raw_block(res, &rows, &data);
    if (rc != 0) {
        const char* msg = t.taos_errstr(res);
        raise_taosc_error(rc, msg ? msg : "", "fetch");
    }
    if (rows <= 0) return nullptr;
    return copy_block(data, rows, fields);
}

}  // namespace taoslink::native
