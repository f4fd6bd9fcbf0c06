// A small scanner for prepared-statement SQL (see stmt_sql.hpp).
#include "stmt_sql.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include "taoslink/error.hpp"

namespace fake_taosc {

namespace {

struct Token {
    enum Kind { Word, String, Punct } kind;
    std::string text;
};

std::vector<Token> tokenize(std::string_view s) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
            while (i < s.size() && s[i] != '\n') ++i;
        } else if (c == '\'' || c == '"') {
            std::size_t j = i + 1;
            while (j < s.size() && s[j] != c) j += (s[j] == '\\' && j + 1 < s.size()) ? 2 : 1;
            out.push_back({Token::String, std::string(s.substr(i, std::min(j + 1, s.size()) - i))});
            i = j + 1;
        } else if (c == '`' || std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.') {
            // identifiers (db.table, `quoted`), keywords and numbers, as one word
            std::size_t j = i;
            while (j < s.size()) {
                if (s[j] == '`') {
                    const std::size_t k = s.find('`', j + 1);
                    j = k == std::string_view::npos ? s.size() : k + 1;
                } else if (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' || s[j] == '.') {
                    ++j;
                } else {
                    break;
                }
            }
            out.push_back({Token::Word, std::string(s.substr(i, j - i))});
            i = j;
        } else {
            out.push_back({Token::Punct, std::string(1, c)});
            ++i;
        }
    }
    return out;
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

bool is_kw(const std::vector<Token>& t, std::size_t i, const char* kw) {
    return i < t.size() && t[i].kind == Token::Word && lower(t[i].text) == kw;
}
bool is_punct(const std::vector<Token>& t, std::size_t i, char p) {
    return i < t.size() && t[i].kind == Token::Punct && t[i].text[0] == p;
}

std::string unquote(std::string name) {
    name.erase(std::remove(name.begin(), name.end(), '`'), name.end());
    return name;
}

/// Reads a parenthesised list starting at `i` (which is '('): items split at top-level commas.
/// Returns the items' token texts; `i` ends after ')'.
std::vector<std::vector<Token>> paren_items(const std::vector<Token>& t, std::size_t& i) {
    std::vector<std::vector<Token>> items(1);
    int depth = 0;
    for (; i < t.size(); ++i) {
        if (is_punct(t, i, '(')) {
            if (depth++ == 0) continue;
        } else if (is_punct(t, i, ')')) {
            if (--depth == 0) {
                ++i;
                break;
            }
        } else if (depth == 1 && is_punct(t, i, ',')) {
            items.emplace_back();
            continue;
        }
        items.back().push_back(t[i]);
    }
    if (items.size() == 1 && items[0].empty()) items.clear();
    return items;
}

std::vector<std::string> names_of(const std::vector<std::vector<Token>>& items) {
    std::vector<std::string> out;
    for (const auto& it : items) out.push_back(it.empty() ? std::string() : unquote(it[0].text));
    return out;
}

std::vector<bool> params_of(const std::vector<std::vector<Token>>& items) {
    std::vector<bool> out;
    for (const auto& it : items) out.push_back(it.size() == 1 && is_punct(it, 0, '?'));
    return out;
}

struct DescribedColumn {
    std::string name;
    taoslink::Field field;
    bool tag = false;
};

std::int32_t schema_bytes(const taoslink::Field& f) {
    using T = taoslink::TypeCode;
    switch (f.type) {
        case T::VarChar:
        case T::VarBinary:
        case T::Geometry: return f.length + 2;
        case T::NChar: return f.length * 4 + 2;
        case T::Json: return f.length * 4 + 2;
        case T::Blob: return f.length + 4;
        case T::Decimal: return 16;
        case T::Decimal64: return 8;
        default: return taoslink::fixed_size(f.type);
    }
}

std::string text_at(const taoslink::ColumnView& col, std::size_t r) {
    auto b = col.bytes(r);
    return std::string(b);
}

/// `describe <table>` → its columns and tags, in order.
std::vector<DescribedColumn> describe(taoslink::Connection& conn, const std::string& table) {
    auto result = conn.query("describe " + table);
    std::vector<DescribedColumn> out;
    while (auto block = result->next_block()) {
        for (std::size_t r = 0; r < block->rows(); ++r) {
            DescribedColumn d;
            d.name = text_at(block->column(0), r);
            std::string type = text_at(block->column(1), r);
            const auto& len_col = block->column(2);
            d.field.name = d.name;
            d.field.length = len_col.is_null(r) ? 0 : len_col.get<std::int32_t>(r);
            d.tag = block->columns() > 3 && text_at(block->column(3), r) == "TAG";
            const auto paren = type.find('(');
            if (paren != std::string::npos) {
                // DECIMAL(p, s)
                d.field.decimal_precision = static_cast<std::uint8_t>(std::atoi(type.c_str() + paren + 1));
                const auto comma = type.find(',', paren);
                if (comma != std::string::npos)
                    d.field.decimal_scale = static_cast<std::uint8_t>(std::atoi(type.c_str() + comma + 1));
                d.field.type = d.field.decimal_precision > 18 ? taoslink::TypeCode::Decimal
                                                              : taoslink::TypeCode::Decimal64;
            } else {
                auto t = taoslink::type_from_name(type);
                if (!t) throw taoslink::ProtocolError("describe " + table + ": unknown type " + type);
                d.field.type = *t;
            }
            out.push_back(std::move(d));
        }
    }
    return out;
}

/// The precision of `table`'s database, from an empty query's result.
std::uint8_t precision_of(taoslink::Connection& conn, const std::string& table) {
    auto result = conn.query("select * from " + table + " limit 1");
    const auto p = result->precision();
    result->close();
    return static_cast<std::uint8_t>(p);
}

StmtField make_field(const DescribedColumn& d, std::uint8_t db_precision, int kind) {
    StmtField f;
    f.name = d.name;
    f.type = d.field.type;
    const bool dec = f.type == taoslink::TypeCode::Decimal || f.type == taoslink::TypeCode::Decimal64;
    f.precision = dec ? d.field.decimal_precision : (f.type == taoslink::TypeCode::Timestamp ? db_precision : 0);
    f.scale = dec ? d.field.decimal_scale : 0;
    f.bytes = schema_bytes(d.field);
    f.field_type = kind;
    return f;
}

const DescribedColumn& find_column(const std::vector<DescribedColumn>& cols, const std::string& name, bool tag) {
    const std::string want = lower(name);
    for (const auto& c : cols)
        if (c.tag == tag && lower(c.name) == want) return c;
    throw taoslink::ServerError(0x2602, std::string("Invalid column name: ") + name);
}

}  // namespace

int InsertShape::tag_param_count() const {
    return static_cast<int>(std::count(tag_params.begin(), tag_params.end(), true));
}
int InsertShape::col_param_count() const {
    return static_cast<int>(std::count(col_params.begin(), col_params.end(), true));
}

InsertShape parse_statement(std::string_view sql) {
    InsertShape s;
    const auto t = tokenize(sql);
    if (!(is_kw(t, 0, "insert") && is_kw(t, 1, "into"))) {
        for (const auto& tok : t)
            if (tok.kind == Token::Punct && tok.text == "?") ++s.query_params;
        return s;
    }
    s.is_insert = true;
    std::size_t i = 2;
    if (is_punct(t, i, '?')) {
        s.tbname_param = true;
        ++i;
    } else if (i < t.size()) {
        s.target = t[i++].text;
    }
    if (is_kw(t, i, "using")) {
        if (++i < t.size()) s.stable = t[i++].text;
        if (is_punct(t, i, '(')) s.tag_names = names_of(paren_items(t, i));
        if (is_kw(t, i, "tags")) {
            ++i;
            s.tag_params = params_of(paren_items(t, i));
        }
    }
    if (is_punct(t, i, '(')) s.col_names = names_of(paren_items(t, i));
    if (is_kw(t, i, "values")) {
        ++i;
        s.col_params = params_of(paren_items(t, i));
    }
    for (const auto& n : s.col_names) {
        if (lower(n) == "tbname") {
            s.super_form = true;
            s.tbname_param = true;
            s.stable = s.target;
        }
    }
    return s;
}

std::vector<StmtField> describe_insert(taoslink::Connection& conn, InsertShape& shape, std::string& sql) {
    using K = taoslink::native::taosc::FieldKind;
    std::vector<StmtField> out;
    const std::string table = !shape.stable.empty() ? shape.stable : shape.target;
    if (table.empty())
        throw taoslink::ServerError(0x022B, "Stmt table name not set");
    const auto cols = describe(conn, table);
    const auto prec = precision_of(conn, table);
    StmtField tbname;
    tbname.name = "tbname";
    tbname.type = taoslink::TypeCode::VarChar;
    tbname.bytes = 271;
    tbname.field_type = K::FieldTbname;

    if (shape.super_form) {
        // insert into stb (tbname, c..., t...) values (?...): each name is tbname, a tag or a column
        std::vector<std::string> tag_names, col_names;
        std::vector<StmtField> tags, columns;
        for (std::size_t k = 0; k < shape.col_names.size(); ++k) {
            const std::string& n = shape.col_names[k];
            if (lower(n) == "tbname") {
                out.push_back(tbname);
                continue;
            }
            const bool is_tag = std::any_of(cols.begin(), cols.end(),
                                            [&](const auto& c) { return c.tag && lower(c.name) == lower(n); });
            const auto& d = find_column(cols, n, is_tag);
            auto f = make_field(d, prec, is_tag ? K::FieldTag : K::FieldCol);
            out.push_back(f);
            (is_tag ? tag_names : col_names).push_back(d.name);
        }
        // rewrite to the form the server prepares
        std::string tag_list, tag_q, col_list, col_q;
        for (const auto& n : tag_names) {
            tag_list += (tag_list.empty() ? "`" : ", `") + n + "`";
            tag_q += tag_q.empty() ? "?" : ", ?";
        }
        for (const auto& n : col_names) {
            col_list += (col_list.empty() ? "`" : ", `") + n + "`";
            col_q += col_q.empty() ? "?" : ", ?";
        }
        sql = "insert into ? using " + shape.stable + " (" + tag_list + ") tags (" + tag_q + ") (" + col_list +
              ") values (" + col_q + ")";
        shape.tag_names = tag_names;
        shape.tag_params.assign(tag_names.size(), true);
        shape.col_names = col_names;
        shape.col_params.assign(col_names.size(), true);
        return out;
    }

    if (shape.tbname_param) out.push_back(tbname);
    // tags: named or all tags in order; only `?` items are fields
    std::vector<const DescribedColumn*> tag_cols;
    if (!shape.tag_names.empty()) {
        for (const auto& n : shape.tag_names) tag_cols.push_back(&find_column(cols, n, true));
    } else {
        for (const auto& c : cols)
            if (c.tag) tag_cols.push_back(&c);
    }
    for (std::size_t k = 0; k < shape.tag_params.size() && k < tag_cols.size(); ++k)
        if (shape.tag_params[k]) out.push_back(make_field(*tag_cols[k], prec, K::FieldTag));
    std::vector<const DescribedColumn*> data_cols;
    if (!shape.col_names.empty()) {
        for (const auto& n : shape.col_names) data_cols.push_back(&find_column(cols, n, false));
    } else {
        for (const auto& c : cols)
            if (!c.tag) data_cols.push_back(&c);
    }
    for (std::size_t k = 0; k < shape.col_params.size() && k < data_cols.size(); ++k)
        if (shape.col_params[k]) out.push_back(make_field(*data_cols[k], prec, K::FieldCol));
    return out;
}

}  // namespace fake_taosc
