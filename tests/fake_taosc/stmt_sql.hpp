// What the fake needs to know about a statement's SQL, which taosc learns from its parser: whether
// it is an INSERT, where its `?` go (table name, tags, columns), and for stmt2 the field list
// (found by describing the target table or super table).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fake_taosc.hpp"

namespace fake_taosc {

struct InsertShape {
    bool is_insert = false;
    int query_params = 0;  // non-INSERT: number of `?`

    bool tbname_param = false;  // `insert into ? ...` or a `tbname` column (super table form)
    std::string target;         // the table after INTO (empty when `?`)
    std::string stable;         // USING <stable>, or the super table of the `tbname` column form
    std::vector<std::string> tag_names;  // as written (empty: all tags in order)
    std::vector<bool> tag_params;        // per tag item: is it `?`
    std::vector<std::string> col_names;  // as written (empty: all columns in order)
    std::vector<bool> col_params;        // per value item: is it `?`
    bool super_form = false;             // `insert into stb (tbname, cols and tags...) values (...)`

    int tag_param_count() const;
    int col_param_count() const;
};

/// Scans `sql` (strings, quoted identifiers and comments respected). Never throws: what it cannot
/// read is treated as a non-INSERT with its `?` counted.
InsertShape parse_statement(std::string_view sql);

/// One stmt2 field (TAOS_FIELD_ALL, plus the name kept as a string).
struct StmtField {
    std::string name;
    taoslink::TypeCode type = taoslink::TypeCode::Null;
    std::uint8_t precision = 0;  // TIMESTAMP: the database's precision; DECIMAL: its precision
    std::uint8_t scale = 0;
    std::int32_t bytes = 0;      // the schema width (VARCHAR(n): n + 2; NCHAR(n): 4n + 2)
    int field_type = 1;          // taosc FieldKind
};

/// The fields of an INSERT's `?` in order (TBNAME first when bound, then tags, then columns), found
/// with `describe`. For the super table form, also rewrites `sql` to the equivalent
/// `insert into ? using stb (tags) tags (?...) (cols) values (?...)` that the server prepares.
/// Throws taoslink errors (table not found...).
std::vector<StmtField> describe_insert(taoslink::Connection& conn, InsertShape& shape, std::string& sql);

}  // namespace fake_taosc
