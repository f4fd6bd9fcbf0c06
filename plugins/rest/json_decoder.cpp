// Decoding /rest/sql bodies with simdjson On-Demand.
//
// Why simdjson and not Poco::JSON (already a dependency): Poco's parser builds a DOM of
// Poco::Dynamic::Var, one heap object per cell, and every value is then converted again. On
// bench/json_parsers.cpp (1M rows x 10 columns, 145 MB, the shape taosAdapter writes; 2 shared
// cores) Poco::JSON parse + extraction into the same blocks ran at 0.12 M rows/s (18 MB/s); this
// decoder ran at 1.66 M rows/s (241 MB/s), block building included: ~14x. README.md has details.
//
// On-Demand reads values straight from the padded body as rows are asked for, so the first block
// can be converted before the rest of the body is decoded. The whole body is in memory (it is
// read completely before decoding starts); streaming the HTTP body is future work.
#include "json_decoder.hpp"

#include <simdjson.h>

#include <cctype>
#include <limits>
#include <optional>
#include <string_view>

#include "codec.hpp"
#include "errors.hpp"
#include "taoslink/error.hpp"

namespace taoslink::rest {

namespace od = simdjson::ondemand;

namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim_right(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

[[noreturn]] void bad_body(const std::string& what, simdjson::error_code err = simdjson::SUCCESS) {
    std::string msg = "malformed /rest/sql response: " + what;
    if (err == simdjson::UTF8_ERROR) {
        msg += " (the body is not valid UTF-8; taosAdapter copies VARCHAR bytes verbatim)";
    } else if (err != simdjson::SUCCESS) {
        msg += std::string(" (") + simdjson::error_message(err) + ")";
    }
    throw ProtocolError(std::move(msg));
}

// "DECIMAL(10,2)" -> precision 10, scale 2.
bool parse_decimal_type(std::string_view name, std::int64_t length, Field& f) {
    const auto open = name.find('(');
    if (open == std::string_view::npos || name.back() != ')') return false;
    const auto comma = name.find(',', open);
    if (comma == std::string_view::npos) return false;
    auto num = [](std::string_view s, int& out) {
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
        if (s.empty() || s.size() > 3) return false;
        out = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return false;
            out = out * 10 + (c - '0');
        }
        return true;
    };
    int p = 0, s = 0;
    if (!num(name.substr(open + 1, comma - open - 1), p) || !num(name.substr(comma + 1, name.size() - comma - 2), s)) {
        return false;
    }
    if (p < 1 || p > 38 || s > p) return false;
    f.decimal_precision = static_cast<std::uint8_t>(p);
    f.decimal_scale = static_cast<std::uint8_t>(s);
    // taosAdapter names both DECIMAL and DECIMAL64 "DECIMAL(p,s)"; the length tells them apart.
    if (length == 8) f.type = TypeCode::Decimal64;
    else if (length == 16) f.type = TypeCode::Decimal;
    else f.type = p <= 18 ? TypeCode::Decimal64 : TypeCode::Decimal;
    return true;
}

struct IntRange {
    std::int64_t lo, hi;
};

IntRange signed_range(TypeCode t) {
    switch (t) {
        case TypeCode::TinyInt: return {-128, 127};
        case TypeCode::SmallInt: return {-32768, 32767};
        case TypeCode::Int: return {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()};
        default: return {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()};
    }
}

std::uint64_t unsigned_max(TypeCode t) {
    switch (t) {
        case TypeCode::UTinyInt: return 0xFF;
        case TypeCode::USmallInt: return 0xFFFF;
        case TypeCode::UInt: return 0xFFFFFFFFu;
        default: return std::numeric_limits<std::uint64_t>::max();
    }
}

}  // namespace

struct SqlResponseDecoder::Impl {
    std::string buf;  // body followed by SIMDJSON_PADDING zero bytes
    std::size_t len = 0;
    od::parser parser;
    od::document doc;
    od::array data;
    od::array_iterator it, end;
    bool finished = false;
    std::string broken;  // set once a row failed to decode

    Fields fields;
    std::vector<std::size_t> ts_columns;
    Precision precision = Precision::Milli;
    std::int64_t affected = -1;
    std::size_t block_rows = kBlockRows;
    std::optional<BlockBuilder> builder;
    std::size_t row = 0;  // index of the row being decoded
    std::string scratch;

    void read_header();
    void parse_meta(od::value& v);
    void find_data();
    void scan_precision();
    void read_affected_rows();
    void decode_row(od::value& row_value);
    void decode_cell(std::size_t c, od::value& v);
    [[noreturn]] void bad_value(std::size_t c, od::value& v, const char* expected);
};

void SqlResponseDecoder::Impl::read_header() {
    if (auto err = parser.iterate(buf.data(), len, buf.size()).get(doc)) bad_body("cannot parse", err);
    od::json_type root_type;
    if (auto err = doc.type().get(root_type)) bad_body("cannot parse", err);
    if (root_type != od::json_type::object) {
        std::string_view text;
        if (root_type == od::json_type::string && !doc.get_string().get(text)) {
            bad_body("expected a JSON object, got the string \"" + snippet(text) + "\"");
        }
        bad_body("expected a JSON object");
    }
    od::object root;
    if (auto err = doc.get_object().get(root)) bad_body("cannot parse", err);

    std::optional<std::int64_t> code;
    std::string desc, status;
    bool v2 = false, meta_seen = false, data_seen = false, data_before_meta = false;
    for (auto field_res : root) {
        od::field field;
        if (auto err = std::move(field_res).get(field)) bad_body("cannot read the top-level object", err);
        const od::raw_json_string key = field.key();
        od::value& v = field.value();
        if (key == "code") {
            std::int64_t c;
            if (auto err = v.get_int64().get(c)) {
                std::string_view s;
                if (!v.get_string().get(s)) {  // TDengine 2.x and some proxies send strings
                    bad_body("'code' is the string \"" + snippet(s, 40) + "\", expected an integer");
                }
                bad_body("'code' is not an integer", err);
            }
            code = c;
        } else if (key == "desc") {
            std::string_view s;
            if (!v.get_string().get(s)) desc = std::string(s);
        } else if (key == "status") {
            v2 = true;
            std::string_view s;
            if (!v.get_string().get(s)) status = std::string(s);
        } else if (key == "column_meta") {
            if (v2 || (code && *code != 0)) continue;
            parse_meta(v);
            meta_seen = true;
        } else if (key == "data") {
            if (v2 || (code && *code != 0)) continue;
            if (!meta_seen) {
                data_before_meta = true;
                continue;
            }
            if (auto err = v.get_array().get(data)) bad_body("'data' is not an array", err);
            data_seen = true;
            break;  // rows are decoded lazily from here on
        }
    }
    if (v2) {
        throw NotSupportedError("the server sent a TDengine 2.x REST response (status \"" + snippet(status, 40) +
                                "\"" + (desc.empty() ? "" : ": " + snippet(desc)) +
                                "); taos-rest needs TDengine 3.x taosAdapter");
    }
    if (!code) bad_body("no 'code' member");
    if (*code != 0) raise_server_error(static_cast<int>(*code), desc.empty() ? "unknown error" : desc);
    if (!meta_seen) bad_body("no 'column_meta' member");
    if (!data_seen) {
        if (!data_before_meta) bad_body("no 'data' member");
        find_data();
    }
    if (auto err = data.begin().get(it)) bad_body("cannot read 'data'", err);
    if (auto err = data.end().get(end)) bad_body("cannot read 'data'", err);

    if (fields.size() == 1 && fields[0].name == "affected_rows" && fields[0].type == TypeCode::Int) {
        read_affected_rows();
        return;
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
        if (fields[c].type == TypeCode::Timestamp) ts_columns.push_back(c);
    }
    if (!ts_columns.empty()) scan_precision();
}

void SqlResponseDecoder::Impl::parse_meta(od::value& v) {
    od::array meta;
    if (auto err = v.get_array().get(meta)) bad_body("'column_meta' is not an array", err);
    for (auto entry_res : meta) {
        od::array entry;
        if (auto err = entry_res.get_array().get(entry)) bad_body("a 'column_meta' entry is not an array", err);
        Field f;
        std::string type_text;
        std::int64_t type_code = -1, length = 0;
        std::size_t i = 0;
        for (auto item_res : entry) {
            od::value item;
            if (auto err = item_res.get(item)) bad_body("cannot read 'column_meta'", err);
            std::string_view s;
            if (i == 0) {
                if (auto err = item.get_string().get(s)) bad_body("a column name is not a string", err);
                f.name = std::string(s);
            } else if (i == 1) {
                if (!item.get_string().get(s)) type_text = std::string(s);
                else if (item.get_int64().get(type_code)) bad_body("the type of column '" + f.name + "' is not a string");
            } else if (i == 2) {
                if (auto err = item.get_int64().get(length)) bad_body("the length of column '" + f.name + "' is not an integer", err);
            }
            ++i;
        }
        if (i != 3) bad_body("a 'column_meta' entry has " + std::to_string(i) + " items, expected 3");
        if (length < 0 || length > std::numeric_limits<std::int32_t>::max()) {
            bad_body("column '" + f.name + "' has length " + std::to_string(length));
        }
        f.length = static_cast<std::int32_t>(length);
        if (type_code >= 0) {  // a numeric type code (TDengine 2.x style)
            if (!is_known_type(static_cast<int>(type_code)) || type_code == 0) {
                bad_body("column '" + f.name + "' has unknown type code " + std::to_string(type_code));
            }
            f.type = static_cast<TypeCode>(type_code);
        } else {
            const std::string name = upper(type_text);
            if (name.rfind("DECIMAL", 0) == 0 && name.find('(') != std::string::npos) {
                if (!parse_decimal_type(name, length, f)) bad_body("column '" + f.name + "' has type '" + type_text + "'");
            } else if (auto t = type_from_name(name); t && *t != TypeCode::Null) {
                f.type = *t;
                if (f.type == TypeCode::Decimal || f.type == TypeCode::Decimal64) {
                    bad_body("column '" + f.name + "' has type '" + type_text + "' without precision and scale");
                }
            } else {
                bad_body("column '" + f.name + "' has unknown type '" + type_text + "'");
            }
        }
        fields.push_back(std::move(f));
    }
}

// Positions `data` on the "data" member from the start of the document.
void SqlResponseDecoder::Impl::find_data() {
    // An error met while looking ahead abandons simdjson's iterator, and rewinding an abandoned
    // iterator dereferences a null parser: parse again instead (found by tests/fuzz).
    if (doc.is_alive()) {
        doc.rewind();
    } else if (auto err = parser.iterate(buf.data(), len, buf.size()).get(doc)) {
        bad_body("cannot parse", err);
    }
    od::object root;
    if (auto err = doc.get_object().get(root)) bad_body("cannot parse", err);
    for (auto field_res : root) {
        od::field field;
        if (auto err = std::move(field_res).get(field)) bad_body("cannot read the top-level object", err);
        if (field.key() == "data") {
            if (auto err = field.value().get_array().get(data)) bad_body("'data' is not an array", err);
            return;
        }
    }
    bad_body("no 'data' member");
}

// The result's precision is implied by the first non-NULL TIMESTAMP value. It is needed before the
// first block is built, so look ahead for it, then go back to the first row.
void SqlResponseDecoder::Impl::scan_precision() {
    bool found = false;
    for (; !found && it != end; ++it) {
        od::array r;
        if ((*it).get_array().get(r)) break;  // decode_row reports it properly
        std::size_t c = 0, k = 0;
        for (auto cell_res : r) {
            if (k == ts_columns.size()) break;
            od::value cell;
            if (cell_res.get(cell)) break;
            if (c == ts_columns[k]) {
                ++k;
                std::string_view s;
                ParsedTime t;
                if (!cell.get_string().get(s) && parse_rfc3339(s, t)) {
                    precision = precision_for_digits(t.digits);
                    found = true;
                    break;
                }
            }
            ++c;
        }
    }
    find_data();
    if (auto err = data.begin().get(it)) bad_body("cannot read 'data'", err);
    if (auto err = data.end().get(end)) bad_body("cannot read 'data'", err);
}

void SqlResponseDecoder::Impl::read_affected_rows() {
    std::optional<std::int64_t> n;
    for (; it != end; ++it) {
        od::array r;
        if (auto err = (*it).get_array().get(r)) bad_body("an 'affected_rows' row is not an array", err);
        for (auto cell_res : r) {
            std::int64_t v;
            if (n || cell_res.get_int64().get(v)) bad_body("'affected_rows' is not one integer");
            n = v;
        }
    }
    if (!n) bad_body("'affected_rows' has no value");
    affected = *n;
    fields.clear();
    finished = true;
}

void SqlResponseDecoder::Impl::bad_value(std::size_t c, od::value& v, const char* expected) {
    const std::string got = snippet(trim_right(v.raw_json_token()), 60);
    throw ProtocolError("malformed /rest/sql response: column '" + fields[c].name + "' (" +
                        std::string(type_name(fields[c].type)) + ") row " + std::to_string(row) + ": expected " +
                        expected + (got.empty() ? "" : ", got " + got));
}

void SqlResponseDecoder::Impl::decode_row(od::value& row_value) {
    od::array r;
    if (auto err = row_value.get_array().get(r)) {
        bad_body("row " + std::to_string(row) + " is not an array", err);
    }
    std::size_t c = 0;
    for (auto cell_res : r) {
        od::value cell;
        if (auto err = cell_res.get(cell)) bad_body("cannot read row " + std::to_string(row), err);
        if (c == fields.size()) bad_body("row " + std::to_string(row) + " has more than " + std::to_string(c) + " values");
        decode_cell(c, cell);
        ++c;
    }
    if (c != fields.size()) {
        bad_body("row " + std::to_string(row) + " has " + std::to_string(c) + " values, expected " +
                 std::to_string(fields.size()));
    }
}

void SqlResponseDecoder::Impl::decode_cell(std::size_t c, od::value& v) {
    od::json_type jt;
    if (auto err = v.type().get(jt)) bad_body("cannot read row " + std::to_string(row), err);
    BlockBuilder& b = *builder;
    if (jt == od::json_type::null) {
        b.append_null(c);
        return;
    }
    const TypeCode t = fields[c].type;
    switch (t) {
        case TypeCode::Bool: {
            bool x;
            if (jt != od::json_type::boolean || v.get_bool().get(x)) bad_value(c, v, "true or false");
            b.append_int(c, x ? 1 : 0);
            return;
        }
        case TypeCode::TinyInt:
        case TypeCode::SmallInt:
        case TypeCode::Int:
        case TypeCode::BigInt: {
            std::int64_t x;
            if (jt != od::json_type::number || v.get_int64().get(x)) bad_value(c, v, "an integer");
            const IntRange r = signed_range(t);
            if (x < r.lo || x > r.hi) bad_value(c, v, "an integer in the column's range");
            b.append_int(c, x);
            return;
        }
        case TypeCode::UTinyInt:
        case TypeCode::USmallInt:
        case TypeCode::UInt:
        case TypeCode::UBigInt: {
            std::uint64_t x;
            if (jt != od::json_type::number || v.get_uint64().get(x)) bad_value(c, v, "an unsigned integer");
            if (x > unsigned_max(t)) bad_value(c, v, "an integer in the column's range");
            b.append_uint(c, x);
            return;
        }
        case TypeCode::Float:
        case TypeCode::Double: {
            double x;
            if (jt != od::json_type::number || v.get_double().get(x)) bad_value(c, v, "a number");
            b.append_double(c, x);
            return;
        }
        case TypeCode::VarChar:
        case TypeCode::NChar: {
            std::string_view s;
            if (jt != od::json_type::string || v.get_string().get(s)) bad_value(c, v, "a string");
            b.append_bytes(c, s);
            return;
        }
        case TypeCode::Json: {
            std::string_view raw;
            if (auto err = simdjson::to_json_string(v).get(raw)) bad_body("cannot read row " + std::to_string(row), err);
            b.append_bytes(c, trim_right(raw));
            return;
        }
        case TypeCode::VarBinary:
        case TypeCode::Geometry:
        case TypeCode::Blob:
        case TypeCode::MediumBlob: {
            std::string_view s;
            if (jt != od::json_type::string || v.get_string().get(s)) bad_value(c, v, "a hex string");
            if (!decode_hex(s, scratch)) bad_value(c, v, "a hex string");
            b.append_bytes(c, scratch);
            return;
        }
        case TypeCode::Timestamp: {
            std::string_view s;
            ParsedTime pt;
            std::int64_t ticks;
            if (jt != od::json_type::string || v.get_string().get(s) || !parse_rfc3339(s, pt)) {
                bad_value(c, v, "an RFC 3339 timestamp");
            }
            if (!to_ticks(pt, precision, ticks)) {
                bad_value(c, v, precision == Precision::Milli   ? "a timestamp in milliseconds"
                                : precision == Precision::Micro ? "a timestamp in microseconds"
                                                                : "a timestamp in nanoseconds");
            }
            b.append_int(c, ticks);
            return;
        }
        case TypeCode::Decimal:
        case TypeCode::Decimal64: {
            std::string_view s;
            if (jt == od::json_type::string) {
                if (v.get_string().get(s)) bad_value(c, v, "a decimal string");
            } else if (jt == od::json_type::number) {
                s = trim_right(v.raw_json_token());
            } else {
                bad_value(c, v, "a decimal string");
            }
            __int128 x;
            if (!parse_decimal(s, fields[c].decimal_precision, fields[c].decimal_scale, x)) {
                bad_value(c, v, "a decimal that fits the column's precision and scale");
            }
            if (t == TypeCode::Decimal64) {
                b.append_int(c, static_cast<std::int64_t>(x));
            } else {
                const auto u = static_cast<unsigned __int128>(x);
                b.append_int128(c, static_cast<std::uint64_t>(u), static_cast<std::int64_t>(x >> 64));
            }
            return;
        }
        case TypeCode::Null:
            bad_value(c, v, "null");
    }
    bad_value(c, v, "a value of a known type");
}

SqlResponseDecoder::SqlResponseDecoder(std::string body, std::size_t block_rows) : impl_(std::make_unique<Impl>()) {
    auto& d = *impl_;
    d.block_rows = block_rows == 0 ? kBlockRows : block_rows;
    d.len = body.size();
    body.append(simdjson::SIMDJSON_PADDING, '\0');
    d.buf = std::move(body);
    d.read_header();
    if (!d.finished) d.builder.emplace(d.fields, TextEncoding::Utf8);
}

SqlResponseDecoder::~SqlResponseDecoder() = default;

const Fields& SqlResponseDecoder::fields() const noexcept { return impl_->fields; }
Precision SqlResponseDecoder::precision() const noexcept { return impl_->precision; }
std::int64_t SqlResponseDecoder::affected_rows() const noexcept { return impl_->affected; }

std::shared_ptr<const Block> SqlResponseDecoder::next_block() {
    auto& d = *impl_;
    if (!d.broken.empty()) throw ProtocolError(d.broken);
    if (d.finished) return nullptr;
    try {
        d.builder->reserve(d.block_rows);
        std::size_t n = 0;
        while (n < d.block_rows && d.it != d.end) {
            od::value row_value;
            if (auto err = (*d.it).get(row_value)) bad_body("cannot read row " + std::to_string(d.row), err);
            d.decode_row(row_value);
            ++d.it;
            ++d.row;
            ++n;
        }
        if (!(d.it != d.end)) d.finished = true;
        if (n == 0) return nullptr;
        return d.builder->finish();
    } catch (const ProtocolError& e) {
        d.broken = e.message();
        d.finished = true;
        throw;
    } catch (const Error& e) {  // a value the block cannot hold (BlockBuilder's checks)
        d.broken = "malformed /rest/sql response: row " + std::to_string(d.row) + ": " + e.message();
        d.finished = true;
        throw ProtocolError(d.broken);
    }
}

void SqlResponseDecoder::release() noexcept {
    auto& d = *impl_;
    d.finished = true;
    d.builder.reset();
    d.doc = od::document();
    d.parser = od::parser();
    std::string().swap(d.buf);
}

}  // namespace taoslink::rest
