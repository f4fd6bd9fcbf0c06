// Decoding /rest/sql bodies with simdjson On-Demand.
//
// Why simdjson and not Poco::JSON (already a dependency): Poco's parser builds a DOM of
// Poco::Dynamic::Var, one heap object per cell, and every value is then converted again. On
// bench/json_parsers.cpp (1M rows x 10 columns, 145 MB, the shape taosAdapter writes; 2 shared
// cores) Poco::JSON parse + extraction into the same blocks ran at 0.12 M rows/s (18 MB/s); this
// decoder ran at 1.66 M rows/s (241 MB/s), block building included: ~14x. README.md has details.
//
// Streaming: the body is never held whole. JsonScanner reads it through a fixed buffer and cuts
// the `data` array at row boundaries; each group of rows (one block's worth, at most ~4 MB) is
// copied into a small padded buffer and parsed as its own simdjson document, "[row,row,...]".
#include "json_decoder.hpp"

#include <simdjson.h>

#include <cctype>
#include <exception>
#include <limits>
#include <optional>
#include <string_view>

#include "codec.hpp"
#include "errors.hpp"
#include "json_scanner.hpp"
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

// What the members before `data` say.
struct Header {
    std::optional<std::int64_t> code;
    std::string desc, status;
    bool v2 = false, meta_seen = false;
};

[[noreturn]] void not_an_object(JsonScanner& in) {
    // Read a little of it for the message; simdjson says what it is.
    std::string text;
    in.read_rest(text, 4096);
    const std::string_view body = trim_right(text);
    if (body.empty()) bad_body("the body is empty");
    if (body.front() == '"') {
        const auto close = body.find('"', 1);
        bad_body("expected a JSON object, got the string \"" +
                 snippet(body.substr(1, close == std::string_view::npos ? body.size() - 1 : close - 1)) + "\"");
    }
    bad_body("expected a JSON object, got " + snippet(body, 60));
}

// Throws what a header without rows to stream means: a 2.x body, a server error, a member missing.
void check_header(const Header& h) {
    if (h.v2) {
        throw NotSupportedError("the server sent a TDengine 2.x REST response (status \"" + snippet(h.status, 40) + "\"" +
                                (h.desc.empty() ? "" : ": " + snippet(h.desc)) + "); taos-rest needs TDengine 3.x taosAdapter");
    }
    if (!h.code) bad_body("no 'code' member");
    if (*h.code != 0) raise_server_error(static_cast<int>(*h.code), h.desc.empty() ? "unknown error" : h.desc);
    if (!h.meta_seen) bad_body("no 'column_meta' member");
}

}  // namespace

struct SqlResponseDecoder::Impl {
    // Bounds on what is buffered: members other than `data`, one row, one group of rows.
    static constexpr std::size_t kHeaderLimit = 16u << 20;
    static constexpr std::size_t kRowLimit = 256u << 20;
    static constexpr std::size_t kGroupBytes = 4u << 20;

    std::unique_ptr<JsonScanner> in;
    od::parser parser;       // the groups of rows
    od::parser side_parser;  // the members around `data` (parsing them must not end a group's document)
    od::document doc;
    od::array group_array;
    od::array_iterator it, end;
    std::string group;  // "[row,row,...]" followed by SIMDJSON_PADDING bytes
    std::size_t group_len = 0, group_rows = 0;
    bool group_open = false;   // `it` walks the rows of `group`
    bool after_row = false;    // the scanner stands after a row of `data`
    bool data_done = false;    // the scanner has passed the `]` of `data`
    bool from_memory = false;  // `data` came before `code`/`column_meta`: it was kept whole
    bool finished = false;
    std::exception_ptr broken;  // set once decoding failed: every later call throws it
    std::size_t rows_scanned = 0;
    std::optional<std::uint64_t> rows_member;  // the `rows` member after `data`
    std::size_t peak = 0;

    Fields fields;
    std::vector<std::size_t> ts_columns;
    Precision precision = Precision::Milli;
    std::int64_t affected = -1;
    std::size_t block_rows = kBlockRows;
    std::optional<BlockBuilder> builder;
    std::size_t row = 0;  // index of the row being decoded
    std::string scratch;

    void start();
    void read_head();
    Header parse_header(std::string text);
    void parse_meta(od::value& v);
    void load_rows(std::size_t n, bool append, std::size_t max_bytes);
    void open_group();
    void find_precision();
    int precision_in_group();
    void read_affected_rows();
    void finish_body();
    void check_row_count();
    void expect_end();
    void note_buffers() noexcept;
    void decode_row(od::value& row_value);
    void decode_cell(std::size_t c, od::value& v);
    [[noreturn]] void bad_value(std::size_t c, od::value& v, const char* expected);
};

void SqlResponseDecoder::Impl::note_buffers() noexcept {
    const std::size_t now = (in ? in->buffer_bytes() : 0) + group.capacity() + parser.capacity() + side_parser.capacity();
    if (now > peak) peak = now;
}

// Reads the top-level object up to the first row of `data` (taosAdapter's order: code,
// column_meta, data, rows, timing), or all of it when there are no rows to stream.
void SqlResponseDecoder::Impl::read_head() {
    if (in->peek() != '{') not_an_object(*in);
    in->skip();
    std::string head = "{", key, kept_data;
    bool data_found = false;
    if (in->peek() == '}') {
        in->skip();
    } else {
        for (;;) {
            if (in->peek() != '"') bad_body("expected a member name in the top-level object");
            key.clear();
            in->copy_value(key, 4096, "a member name");
            if (in->peek() != ':') bad_body("expected ':' after the member " + snippet(key, 40));
            in->skip();
            if (!data_found && key == "\"data\"" && in->peek() == '[') {
                data_found = true;
                const Header h = parse_header(head + "}");
                if (h.v2 || (h.code && *h.code != 0)) check_header(h);
                if (h.code && h.meta_seen) {
                    in->skip();  // the '[': rows are read as blocks are asked for
                    return;
                }
                // `code` or `column_meta` still to come (not the order taosAdapter writes).
                in->copy_value(kept_data, std::numeric_limits<std::uint32_t>::max(), "'data'");
            } else {
                if (head.size() > 1) head += ',';
                head += key;
                head += ':';
                in->copy_value(head, kHeaderLimit, "the members before 'data'");
            }
            const int c = in->peek();
            if (c == '}') {
                in->skip();
                break;
            }
            if (c != ',') bad_body(c < 0 ? "the body ends inside the top-level object" : "expected ',' or '}' in the top-level object");
            in->skip();
        }
    }
    expect_end();
    const Header h = parse_header(head + "}");
    check_header(h);
    if (!data_found) bad_body("no 'data' member");
    in = std::make_unique<JsonScanner>(std::make_unique<StringSource>(std::move(kept_data)));
    from_memory = true;
    in->peek();
    in->skip();
}

Header SqlResponseDecoder::Impl::parse_header(std::string text) {
    const std::size_t len = text.size();
    text.append(simdjson::SIMDJSON_PADDING, '\0');
    od::document hdoc;
    if (auto err = side_parser.iterate(text.data(), len, text.size()).get(hdoc)) bad_body("cannot parse", err);
    od::object root;
    if (auto err = hdoc.get_object().get(root)) bad_body("cannot parse", err);
    Header h;
    fields.clear();
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
            h.code = c;
        } else if (key == "desc") {
            std::string_view s;
            if (!v.get_string().get(s)) h.desc = std::string(s);
        } else if (key == "status") {
            h.v2 = true;
            std::string_view s;
            if (!v.get_string().get(s)) h.status = std::string(s);
        } else if (key == "column_meta") {
            if (h.v2 || (h.code && *h.code != 0)) continue;
            fields.clear();
            parse_meta(v);
            h.meta_seen = true;
        } else if (key == "data") {  // only a `data` that is not an array lands here
            if (h.v2 || (h.code && *h.code != 0)) continue;
            bad_body("'data' is not an array");
        }
    }
    note_buffers();
    return h;
}

void SqlResponseDecoder::Impl::start() {
    read_head();
    if (fields.size() == 1 && fields[0].name == "affected_rows" && fields[0].type == TypeCode::Int) {
        read_affected_rows();
        return;
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
        if (fields[c].type == TypeCode::Timestamp) ts_columns.push_back(c);
    }
    load_rows(block_rows, false, kGroupBytes);
    if (!ts_columns.empty()) find_precision();
    builder.emplace(fields, TextEncoding::Utf8);
    // A short result is read to its end now, so the connection goes back to the pool at once.
    if (data_done) finish_body();
}

// Appends up to `n` rows (fewer when the group reaches `max_bytes`) to the group, or starts a
// new group, and opens it for iteration.
void SqlResponseDecoder::Impl::load_rows(std::size_t n, bool append, std::size_t max_bytes) {
    if (append && group_len > 0) {
        group.resize(group_len - 1);  // drop the closing ']'
    } else {
        group.assign(1, '[');
        group_rows = 0;
    }
    for (std::size_t k = 0; k < n && !data_done && (k == 0 || group.size() < max_bytes);) {
        const int c = in->peek();
        if (after_row) {
            if (c == ']') {
                in->skip();
                data_done = true;
                break;
            }
            if (c != ',') {
                bad_body(c < 0 ? "the body ends inside 'data' after row " + std::to_string(rows_scanned - 1)
                               : "expected ',' or ']' after row " + std::to_string(rows_scanned - 1));
            }
            in->skip();
        } else if (rows_scanned == 0 && c == ']') {
            in->skip();
            data_done = true;
            break;
        }
        if (group_rows > 0) group += ',';
        in->copy_value(group, kRowLimit, "a row");
        after_row = true;
        ++group_rows;
        ++rows_scanned;
        ++k;
    }
    group += ']';
    group_len = group.size();
    group.append(simdjson::SIMDJSON_PADDING, '\0');
    open_group();
}

void SqlResponseDecoder::Impl::open_group() {
    group_open = false;
    const std::string first = std::to_string(rows_scanned - group_rows);
    if (auto err = parser.iterate(group.data(), group_len, group.size()).get(doc)) bad_body("cannot read row " + first, err);
    if (auto err = doc.get_array().get(group_array)) bad_body("cannot read row " + first, err);
    if (auto err = group_array.begin().get(it)) bad_body("cannot read row " + first, err);
    if (auto err = group_array.end().get(end)) bad_body("cannot read row " + first, err);
    group_open = true;
    note_buffers();
}

// The result's precision is implied by the first non-NULL TIMESTAMP value, and is needed before
// the first block is built: look ahead for it in the rows read so far, reading more (up to
// kPrecisionLookahead bytes) while there is none.
void SqlResponseDecoder::Impl::find_precision() {
    std::size_t more = block_rows;
    while (precision_in_group() == 0) {
        if (data_done) break;  // no timestamp at all: milliseconds
        if (group_len >= kPrecisionLookahead) {
            precision = Precision::Nano;  // any precision's values are exact in nanoseconds
            break;
        }
        load_rows(more, true, kPrecisionLookahead);
        more *= 2;
    }
    open_group();  // back to the group's first row
}

// 1: found, 0: not in this group, -1: a broken row (decode_row reports it properly).
int SqlResponseDecoder::Impl::precision_in_group() {
    for (; it != end; ++it) {
        od::array r;
        if ((*it).get_array().get(r)) return -1;
        std::size_t c = 0, k = 0;
        for (auto cell_res : r) {
            if (k == ts_columns.size()) break;
            od::value cell;
            if (cell_res.get(cell)) return -1;
            if (c == ts_columns[k]) {
                ++k;
                std::string_view s;
                ParsedTime t;
                if (!cell.get_string().get(s) && parse_rfc3339(s, t)) {
                    precision = precision_for_digits(t.digits);
                    return 1;
                }
            }
            ++c;
        }
    }
    return 0;
}

void SqlResponseDecoder::Impl::read_affected_rows() {
    load_rows(2, false, kGroupBytes);
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
    if (!data_done) bad_body("'affected_rows' is not one integer");
    if (!n) bad_body("'affected_rows' has no value");
    affected = *n;
    fields.clear();
    finish_body();
    check_row_count();
}

// Only whitespace may follow the top-level object; reading to the end of the body also hands
// the HTTP connection back to its pool.
void SqlResponseDecoder::Impl::expect_end() {
    if (in->peek() >= 0) bad_body("unexpected bytes after the top-level object");
}

// After the `]` of `data`: the remaining members (`rows`, `timing`) and the end of the body.
void SqlResponseDecoder::Impl::finish_body() {
    finished = true;
    if (from_memory) {
        if (in->peek() >= 0) bad_body("unexpected bytes after 'data'");
        in.reset();
        return;
    }
    std::string tail = "{";
    for (;;) {
        const int c = in->peek();
        if (c == '}') {
            in->skip();
            break;
        }
        if (c != ',') bad_body(c < 0 ? "the body ends after 'data'" : "expected ',' or '}' after 'data'");
        in->skip();
        if (in->peek() != '"') bad_body("expected a member name in the top-level object");
        if (tail.size() > 1) tail += ',';
        in->copy_value(tail, 4096, "a member name");
        if (in->peek() != ':') bad_body("expected ':' in the top-level object");
        in->skip();
        tail += ':';
        in->copy_value(tail, kHeaderLimit, "the members after 'data'");
    }
    expect_end();
    in.reset();
    tail += '}';
    const std::size_t len = tail.size();
    tail.append(simdjson::SIMDJSON_PADDING, '\0');
    od::document tdoc;
    od::object root;
    if (auto err = side_parser.iterate(tail.data(), len, tail.size()).get(tdoc)) bad_body("cannot parse the members after 'data'", err);
    if (auto err = tdoc.get_object().get(root)) bad_body("cannot parse the members after 'data'", err);
    for (auto field_res : root) {
        od::field field;
        if (auto err = std::move(field_res).get(field)) bad_body("cannot parse the members after 'data'", err);
        if (field.key() != "rows") continue;
        std::uint64_t n;
        if (field.value().get_uint64().get(n)) bad_body("'rows' is not a count");
        rows_member = n;
    }
}

// taosAdapter counts the rows it wrote: a different count means rows went missing on the way.
void SqlResponseDecoder::Impl::check_row_count() {
    if (rows_member && *rows_member != rows_scanned) {
        bad_body("'rows' is " + std::to_string(*rows_member) + " but 'data' has " + std::to_string(rows_scanned) + " rows");
    }
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

SqlResponseDecoder::SqlResponseDecoder(std::unique_ptr<ByteSource> body, std::size_t block_rows)
    : impl_(std::make_unique<Impl>()) {
    auto& d = *impl_;
    d.block_rows = block_rows == 0 ? kBlockRows : block_rows;
    d.in = std::make_unique<JsonScanner>(std::move(body));
    d.start();
}

SqlResponseDecoder::SqlResponseDecoder(std::string body, std::size_t block_rows)
    : SqlResponseDecoder(std::make_unique<StringSource>(std::move(body)), block_rows) {}

SqlResponseDecoder::~SqlResponseDecoder() = default;

const Fields& SqlResponseDecoder::fields() const noexcept { return impl_->fields; }
Precision SqlResponseDecoder::precision() const noexcept { return impl_->precision; }
std::int64_t SqlResponseDecoder::affected_rows() const noexcept { return impl_->affected; }
std::size_t SqlResponseDecoder::peak_buffered_bytes() const noexcept { return impl_->peak; }

std::shared_ptr<const Block> SqlResponseDecoder::next_block() {
    auto& d = *impl_;
    if (d.broken) std::rethrow_exception(d.broken);
    if (!d.builder) return nullptr;
    try {
        d.builder->reserve(d.block_rows);
        std::size_t n = 0;
        while (n < d.block_rows) {
            if (!d.group_open || !(d.it != d.end)) {
                if (d.data_done) break;
                d.load_rows(d.block_rows - n, false, Impl::kGroupBytes);
                continue;
            }
            od::value row_value;
            if (auto err = (*d.it).get(row_value)) bad_body("cannot read row " + std::to_string(d.row), err);
            d.decode_row(row_value);
            ++d.it;
            ++d.row;
            ++n;
        }
        if (d.data_done && !(d.it != d.end) && d.builder) {
            if (!d.finished) d.finish_body();
            d.check_row_count();
        }
        if (n == 0) {
            d.builder.reset();
            return nullptr;
        }
        return d.builder->finish();
    } catch (const ProtocolError&) {
        d.broken = std::current_exception();
    } catch (const ServerError&) {
        d.broken = std::current_exception();
    } catch (const ConnectionError&) {  // the body was cut (also TimeoutError)
        d.broken = std::current_exception();
    } catch (const Error& e) {  // a value the block cannot hold (BlockBuilder's checks)
        d.broken = std::make_exception_ptr(
            ProtocolError("malformed /rest/sql response: row " + std::to_string(d.row) + ": " + e.message()));
    }
    d.builder.reset();
    d.in.reset();
    std::rethrow_exception(d.broken);
}

void SqlResponseDecoder::release() noexcept {
    auto& d = *impl_;
    d.finished = true;
    d.builder.reset();
    d.in.reset();
    d.group_open = false;
    d.doc = od::document();
    d.parser = od::parser();
    d.side_parser = od::parser();
    std::string().swap(d.group);
}

}  // namespace taoslink::rest
