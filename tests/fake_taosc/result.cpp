// TAOS_RES: fields, affected rows and the three fetch paths of taosc.
//
// taos_fetch_raw_block hands out the block bytes as the transport received them (taosd's raw
// block format, NCHAR as UCS-4). taos_fetch_block and taos_fetch_row use taosc's "converted"
// form: fixed columns point at the values after the null bitmap, variable columns at a rebuilt
// area where each value has its length prefix and NCHAR is UTF-8 (offsets from
// taos_get_column_data_offset, -1 for NULL), DECIMAL as 64-byte decimal strings (what taospy
// reads). The same TAOS_RES type carries TMQ messages (tmq.cpp sets `msg`).
#include <cfloat>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "fake_taosc.hpp"
#include "taoslink/error.hpp"

namespace fake_taosc {

namespace {

constexpr std::size_t kDecimalSlot = 64;  // taospy reads DECIMAL as char[64] slots

void append_utf8(std::vector<std::uint8_t>& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<std::uint8_t>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<std::uint8_t>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<std::uint8_t>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x110000) {
        out.push_back(static_cast<std::uint8_t>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
    } else {
        append_utf8(out, 0xFFFD);
    }
}

std::vector<std::uint8_t> ucs4_to_utf8(std::string_view ucs4) {
    std::vector<std::uint8_t> out;
    out.reserve(ucs4.size());
    for (std::size_t i = 0; i + 4 <= ucs4.size(); i += 4) {
        std::uint32_t cp;
        std::memcpy(&cp, ucs4.data() + i, 4);
        append_utf8(out, cp);
    }
    return out;
}

std::string decimal_text(const taoslink::ColumnView& col, std::size_t r) {
    if (col.type() == taoslink::TypeCode::Decimal64) {
        const auto v = col.get<std::int64_t>(r);
        return taoslink::format_decimal(static_cast<std::uint64_t>(v), v < 0 ? -1 : 0, col.decimal_scale());
    }
    // 16 bytes per value, low word first (ColumnView::get<T> would step by sizeof(T)).
    std::uint64_t low;
    std::int64_t high;
    std::memcpy(&low, col.fixed_data() + r * 16, 8);
    std::memcpy(&high, col.fixed_data() + r * 16 + 8, 8);
    return taoslink::format_decimal(low, high, col.decimal_scale());
}

bool is_decimal(taoslink::TypeCode t) {
    return t == taoslink::TypeCode::Decimal || t == taoslink::TypeCode::Decimal64;
}

std::int32_t bad_res() {
    set_last_error(taosc_code(code::InvalidPara), "invalid TAOS_RES handle");
    return taosc_code(code::InvalidPara);
}

/// Makes `r` remember the exception in flight as its error; returns the code.
std::int32_t fail(Res* r) {
    auto info = current_exception_info();
    r->code = info.code;
    r->errstr = info.message;
    r->done = true;
    set_last_error(info.code, std::move(info.message));
    return r->code;
}

/// Moves `r` to its next non-empty block (nullptr at the end). Errors are recorded in `r`.
bool advance(Res* r) {
    try {
        r->block = r->fetch_next();
    } catch (...) {
        r->block = nullptr;
        fail(r);
        return false;
    }
    r->converted = false;
    r->row_cursor = 0;
    return r->block != nullptr;
}

/// For the block calls. Like taosc, a query block that taos_fetch_row has not read to its end is
/// handed over again whole (rows already returned included); otherwise, and always for TMQ
/// messages, the next one is fetched. Either way the block then counts as read.
bool take_block(Res* r) {
    const bool partly_read = r->block && r->row_cursor < r->block->rows() && r->res_kind != ResKind::Tmq;
    if (!partly_read && !advance(r)) return false;
    r->row_cursor = r->block->rows();
    return true;
}

}  // namespace

void Res::set_fields(const taoslink::Fields& f) {
    fields = f;
    tfields.assign(f.size(), TAOS_FIELD{});
    for (std::size_t i = 0; i < f.size(); ++i) {
        std::strncpy(tfields[i].name, f[i].name.c_str(), sizeof(tfields[i].name) - 1);
        tfields[i].type = static_cast<std::int8_t>(f[i].type);
        tfields[i].bytes = f[i].length;
    }
}

std::shared_ptr<const taoslink::Block> Res::fetch_next() {
    if (res_kind == ResKind::Tmq) {
        while (msg && next_block < msg->blocks.size()) {
            const std::size_t i = next_block++;
            auto b = msg->blocks[i];
            table_name = i < msg->table_names.size() ? msg->table_names[i] : std::string();
            if (b->columns() != fields.size() || (i > 0 && b->columns() != msg->fields.size())) {
                // a block of another table shape (database topics): fields from the block's types
                taoslink::Fields f;
                for (std::size_t c = 0; c < b->columns(); ++c) {
                    const auto& col = b->column(c);
                    taoslink::Field fd;
                    fd.type = col.type();
                    fd.name = c < msg->fields.size() ? msg->fields[c].name : "c" + std::to_string(c);
                    fd.length = taoslink::fixed_size(col.type());
                    f.push_back(std::move(fd));
                }
                set_fields(f);
            }
            if (b->rows() > 0) return b;
        }
        return nullptr;
    }
    while (!done && result) {
        if (stopped.load()) {
            done = true;
            result->close();
            return nullptr;
        }
        auto b = result->next_block();
        if (!b) {
            done = true;
            result->close();
            return nullptr;
        }
        if (b->rows() > 0) return b;
    }
    return nullptr;
}

void Res::convert() {
    if (converted || !block) return;
    const std::size_t ncols = block->columns();
    const std::size_t rows = block->rows();
    cols.assign(ncols, ConvertedColumn{});
    block_ptrs.assign(ncols, nullptr);
    row_ptrs.assign(ncols, nullptr);
    lengths.assign(ncols, 0);
    for (std::size_t i = 0; i < ncols; ++i) {
        const auto& col = block->column(i);
        auto& cc = cols[i];
        if (!col.is_var()) {
            if (is_decimal(col.type())) {
                cc.buffer.assign(rows * kDecimalSlot, 0);
                for (std::size_t r = 0; r < rows; ++r) {
                    if (col.is_null(r)) continue;
                    const std::string text = decimal_text(col, r);
                    std::memcpy(cc.buffer.data() + r * kDecimalSlot, text.data(),
                                std::min(text.size(), kDecimalSlot - 1));
                }
                cc.data = cc.buffer.data();
                cc.width = static_cast<int>(kDecimalSlot);
            } else {
                cc.data = col.fixed_data();
                cc.width = taoslink::fixed_size(col.type());
            }
            lengths[i] = cc.width;
        } else {
            cc.prefix = col.type() == taoslink::TypeCode::Blob ? 4 : 2;
            cc.offsets.assign(rows, -1);
            const bool to_utf8 =
                col.type() == taoslink::TypeCode::NChar && col.text_encoding() == taoslink::TextEncoding::Ucs4;
            for (std::size_t r = 0; r < rows; ++r) {
                if (col.is_null(r)) continue;
                const std::string_view raw = col.bytes(r);
                std::vector<std::uint8_t> converted_text;
                std::string_view payload = raw;
                if (to_utf8) {
                    converted_text = ucs4_to_utf8(raw);
                    payload = {reinterpret_cast<const char*>(converted_text.data()), converted_text.size()};
                }
                cc.offsets[r] = static_cast<std::int32_t>(cc.buffer.size());
                const std::uint32_t len = static_cast<std::uint32_t>(payload.size());
                std::uint8_t pre[4];
                std::memcpy(pre, &len, 4);  // little-endian: the first 2 bytes are the uint16 length
                cc.buffer.insert(cc.buffer.end(), pre, pre + cc.prefix);
                cc.buffer.insert(cc.buffer.end(), payload.begin(), payload.end());
                cc.buffer.push_back(0);  // not counted: readers that stop at NUL stop here
            }
            if (cc.buffer.empty()) cc.buffer.push_back(0);
            cc.data = cc.buffer.data();
            lengths[i] = i < fields.size() ? fields[i].length : 0;
        }
        block_ptrs[i] = const_cast<std::uint8_t*>(cc.data);
    }
    converted = true;
}

}  // namespace fake_taosc

using namespace fake_taosc;

FAKE_TAOSC_EXPORT void taos_free_result(TAOS_RES* res) {
    if (auto* r = handle_cast<Res>(res)) delete r;
}

FAKE_TAOSC_EXPORT int taos_field_count(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    return r ? static_cast<int>(r->tfields.size()) : 0;
}

FAKE_TAOSC_EXPORT int taos_num_fields(TAOS_RES* res) { return taos_field_count(res); }

FAKE_TAOSC_EXPORT TAOS_FIELD* taos_fetch_fields(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    if (!r || r->tfields.empty()) return nullptr;
    return r->tfields.data();
}

FAKE_TAOSC_EXPORT TAOS_FIELD_E* taos_fetch_fields_e(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    if (!r || r->fields.empty()) return nullptr;
    r->tfields_e.assign(r->fields.size(), TAOS_FIELD_E{});
    for (std::size_t i = 0; i < r->fields.size(); ++i) {
        const auto& f = r->fields[i];
        std::strncpy(r->tfields_e[i].name, f.name.c_str(), sizeof(r->tfields_e[i].name) - 1);
        r->tfields_e[i].type = static_cast<std::int8_t>(f.type);
        r->tfields_e[i].precision = f.decimal_precision;
        r->tfields_e[i].scale = f.decimal_scale;
        r->tfields_e[i].bytes = f.length;
    }
    return r->tfields_e.data();
}

FAKE_TAOSC_EXPORT int taos_result_precision(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    return r ? static_cast<int>(r->precision) : 0;
}

FAKE_TAOSC_EXPORT int taos_affected_rows(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    return r ? static_cast<int>(r->affected) : 0;
}

#ifndef FAKE_TAOSC_MINIMAL
FAKE_TAOSC_EXPORT std::int64_t taos_affected_rows64(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    return r ? r->affected : 0;
}
#endif

FAKE_TAOSC_EXPORT void taos_stop_query(TAOS_RES* res) {
    if (auto* r = handle_cast<Res>(res)) r->stopped.store(true);
}

FAKE_TAOSC_EXPORT int taos_fetch_raw_block(TAOS_RES* res, int* num_rows, void** data) {
    auto* r = handle_cast<Res>(res);
    if (!r) return bad_res();
    if (!num_rows || !data) {
        set_last_error(taosc_code(code::InvalidPara), "Invalid parameters");
        return taosc_code(code::InvalidPara);
    }
    *num_rows = 0;
    *data = nullptr;
    if (r->code) return r->code;
    if (!take_block(r)) return r->code;
    *num_rows = static_cast<int>(r->block->rows());
    *data = const_cast<char*>(r->block->raw().data());
    return 0;
}

FAKE_TAOSC_EXPORT int taos_fetch_block(TAOS_RES* res, TAOS_ROW* rows) {
    auto* r = handle_cast<Res>(res);
    if (!r) {
        bad_res();
        return 0;
    }
    if (rows) *rows = nullptr;
    if (r->code || !take_block(r)) return 0;
    r->convert();
    if (rows) *rows = r->block_ptrs.data();
    return static_cast<int>(r->block->rows());
}

FAKE_TAOSC_EXPORT TAOS_ROW taos_fetch_row(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    if (!r) {
        bad_res();
        return nullptr;
    }
    if (r->code) return nullptr;
    if (!r->block || r->row_cursor >= r->block->rows()) {
        if (!advance(r)) return nullptr;
    }
    r->convert();
    const std::size_t row = r->row_cursor++;
    for (std::size_t i = 0; i < r->cols.size(); ++i) {
        const auto& col = r->block->column(i);
        const auto& cc = r->cols[i];
        if (col.is_null(row)) {
            r->row_ptrs[i] = nullptr;
            r->lengths[i] = 0;
        } else if (!col.is_var()) {
            auto* p = const_cast<std::uint8_t*>(cc.data) + row * static_cast<std::size_t>(cc.width);
            r->row_ptrs[i] = p;
            r->lengths[i] = is_decimal(col.type()) ? static_cast<int>(std::strlen(reinterpret_cast<char*>(p)))
                                                   : cc.width;
        } else {
            auto* p = const_cast<std::uint8_t*>(cc.buffer.data()) + cc.offsets[row];
            std::uint32_t len = 0;
            std::memcpy(&len, p, static_cast<std::size_t>(cc.prefix));
            r->row_ptrs[i] = p + cc.prefix;
            r->lengths[i] = static_cast<int>(len);
        }
    }
    return r->row_ptrs.data();
}

FAKE_TAOSC_EXPORT int* taos_fetch_lengths(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    if (!r || !r->converted) return nullptr;
    return r->lengths.data();
}

FAKE_TAOSC_EXPORT bool taos_is_null(TAOS_RES* res, std::int32_t row, int col) {
    auto* r = handle_cast<Res>(res);
    if (!r || !r->block || col < 0 || row < 0) return true;
    if (static_cast<std::size_t>(col) >= r->block->columns() || static_cast<std::size_t>(row) >= r->block->rows())
        return true;
    return r->block->column(static_cast<std::size_t>(col)).is_null(static_cast<std::size_t>(row));
}

FAKE_TAOSC_EXPORT int taos_is_null_by_column(TAOS_RES* res, int column_index, bool result[], int* rows) {
    auto* r = handle_cast<Res>(res);
    if (!r) return bad_res();
    if (!result || !rows || !r->block || column_index < 0 ||
        static_cast<std::size_t>(column_index) >= r->block->columns()) {
        set_last_error(taosc_code(code::InvalidPara), "Invalid parameters");
        return taosc_code(code::InvalidPara);
    }
    const auto& col = r->block->column(static_cast<std::size_t>(column_index));
    const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(*rows < 0 ? 0 : *rows), col.rows());
    for (std::size_t i = 0; i < n; ++i) result[i] = col.is_null(i);
    *rows = static_cast<int>(n);
    return 0;
}

FAKE_TAOSC_EXPORT int* taos_get_column_data_offset(TAOS_RES* res, int column_index) {
    auto* r = handle_cast<Res>(res);
    if (!r || !r->converted || column_index < 0 || static_cast<std::size_t>(column_index) >= r->cols.size())
        return nullptr;
    auto& cc = r->cols[static_cast<std::size_t>(column_index)];
    return cc.offsets.empty() && !r->block->column(static_cast<std::size_t>(column_index)).is_var()
               ? nullptr
               : cc.offsets.data();
}

// taosc's taos_print_row: values separated by one space, NULL as "NULL". The C API has no buffer
// size; like taosc's callers (taospy passes 4096 bytes) we assume 4096.
FAKE_TAOSC_EXPORT int taos_print_row(char* str, TAOS_ROW row, TAOS_FIELD* fields, int num_fields) {
    constexpr std::size_t kSize = 4096;
    if (!str) return 0;
    str[0] = '\0';
    if (!row || !fields || num_fields <= 0) return 0;
    std::size_t len = 0;
    auto put = [&](const char* fmt, auto... v) {
        if (len >= kSize - 1) return;
        const int n = std::snprintf(str + len, kSize - len, fmt, v...);
        if (n > 0) len = std::min(kSize - 1, len + static_cast<std::size_t>(n));
    };
    for (int i = 0; i < num_fields; ++i) {
        if (i > 0) put(" ");
        const void* p = row[i];
        if (!p) {
            put("NULL");
            continue;
        }
        using T = taoslink::TypeCode;
        switch (static_cast<T>(fields[i].type)) {
            case T::Bool: put("%d", *static_cast<const std::int8_t*>(p) ? 1 : 0); break;
            case T::TinyInt: put("%d", *static_cast<const std::int8_t*>(p)); break;
            case T::UTinyInt: put("%u", *static_cast<const std::uint8_t*>(p)); break;
            case T::SmallInt: put("%d", *static_cast<const std::int16_t*>(p)); break;
            case T::USmallInt: put("%u", *static_cast<const std::uint16_t*>(p)); break;
            case T::Int: put("%d", *static_cast<const std::int32_t*>(p)); break;
            case T::UInt: put("%u", *static_cast<const std::uint32_t*>(p)); break;
            case T::BigInt:
            case T::Timestamp: put("%" PRId64, *static_cast<const std::int64_t*>(p)); break;
            case T::UBigInt: put("%" PRIu64, *static_cast<const std::uint64_t*>(p)); break;
            case T::Float: put("%.*g", FLT_DIG, static_cast<double>(*static_cast<const float*>(p))); break;
            case T::Double: put("%.*g", DBL_DIG, *static_cast<const double*>(p)); break;
            case T::Decimal:
            case T::Decimal64: put("%s", static_cast<const char*>(p)); break;
            case T::Blob: {
                std::uint32_t n;
                std::memcpy(&n, static_cast<const char*>(p) - 4, 4);
                put("%.*s", static_cast<int>(n), static_cast<const char*>(p));
                break;
            }
            default: {  // var types: the uint16 length precedes the value
                std::uint16_t n;
                std::memcpy(&n, static_cast<const char*>(p) - 2, 2);
                put("%.*s", static_cast<int>(n), static_cast<const char*>(p));
                break;
            }
        }
    }
    return static_cast<int>(len);
}

// Runs synchronously: fetches the next block and calls back with its row count (0 at the end,
// a negative code on error), as taosc's callback would.
FAKE_TAOSC_EXPORT void taos_fetch_rows_a(TAOS_RES* res, void (*fp)(void* param, TAOS_RES*, int rows),
                                         void* param) {
    auto* r = handle_cast<Res>(res);
    if (!fp) return;
    if (!r) {
        fp(param, res, bad_res());
        return;
    }
    if (r->code) {
        fp(param, res, r->code);
        return;
    }
    if (!advance(r)) {
        fp(param, res, r->code);
        return;
    }
    r->convert();
    fp(param, res, static_cast<int>(r->block->rows()));
}
