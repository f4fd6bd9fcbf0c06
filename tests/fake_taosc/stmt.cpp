// Prepared statements: taos_stmt_* (v1, TAOS_MULTI_BIND) and taos_stmt2_* (TAOS_STMT2_BINDV), both
// on the core Stmt from Connection::statement() (the ws transport picks stmt2 or v1 by server).
//
// taosc knows from its parser how many tags and columns a bind array holds; the fake counts the
// `?` of the SQL (stmt_sql.cpp). taos_stmt2_get_fields describes the target table.
#include <cstdlib>
#include <cstring>
#include <new>

#include "fake_taosc.hpp"
#include "stmt_sql.hpp"
#include "taoslink/error.hpp"

namespace fake_taosc {

namespace {

struct StmtV1 final : Handle {
    static constexpr Kind kKind = Kind::Stmt;
    StmtV1() : Handle(kKind) {}
    ~StmtV1() { taos_free_result(result); }
    Conn* conn = nullptr;
    std::unique_ptr<taoslink::Stmt> stmt;
    InsertShape shape;
    bool prepared = false;
    std::string err;
    std::int64_t affected_total = 0;
    std::int64_t affected_once = 0;
    std::vector<std::optional<taoslink::BindColumn>> single;  // taos_stmt_bind_single_param_batch
    Res* result = nullptr;  // the executed query's result: owned, as taosc 3's stmt owns its request
    std::string tbname;     // the last taos_stmt_set_tbname, for taos_stmt_get_*_fields
};

struct StmtV2 final : Handle {
    static constexpr Kind kKind = Kind::Stmt2;
    StmtV2() : Handle(kKind) {}
    ~StmtV2() { taos_free_result(result); }
    Conn* conn = nullptr;
    std::unique_ptr<taoslink::Stmt> stmt;
    InsertShape shape;
    bool prepared = false;
    std::optional<std::vector<StmtField>> fields;  // described on demand
    std::string err;
    Res* result = nullptr;  // owned (taosc: freed by the statement)
    taosc_async_fn async_fn = nullptr;
    void* userdata = nullptr;
};

template <class S>
int fail(S* s) {
    auto info = current_exception_info();
    s->err = info.message;
    set_last_error(info.code, std::move(info.message));
    return info.code;
}

template <class S>
int fail(S* s, int code16, std::string message) {
    s->err = message;
    set_last_error(taosc_code(code16), std::move(message));
    return taosc_code(code16);
}

int bad_stmt() {
    set_last_error(taosc_code(code::InvalidPara), "invalid statement handle");
    return taosc_code(code::InvalidPara);
}

void check_type(int type) {
    if (!taoslink::is_known_type(type) || type == 0)
        throw taoslink::UsageError(taoslink::code::InvalidArgument, "invalid bind type " + std::to_string(type));
}

/// What both APIs' binds (TAOS_MULTI_BIND, TAOS_STMT2_BIND) say alike: the type, the row count
/// and the NULL flags (kept only when some row is NULL). The values are left to the caller.
template <class Bind>
taoslink::BindColumn bind_head(const Bind& b) {
    check_type(b.buffer_type);
    taoslink::BindColumn c;
    c.type = static_cast<taoslink::TypeCode>(b.buffer_type);
    c.rows = b.num < 0 ? 0 : static_cast<std::size_t>(b.num);
    if (b.is_null) {
        bool any_null = false;
        for (std::size_t r = 0; r < c.rows; ++r) any_null |= b.is_null[r] != 0;
        if (any_null) c.is_null.assign(b.is_null, b.is_null + c.rows);
    }
    return c;
}

bool null_at(const taoslink::BindColumn& c, std::size_t r) { return !c.is_null.empty() && c.is_null[r] != 0; }

/// Fixed-width values: `c.rows` of the type's size from `buf`, zeros when there is none.
void copy_fixed(taoslink::BindColumn& c, const std::uint8_t* buf) {
    const std::size_t w = static_cast<std::size_t>(taoslink::fixed_size(c.type));
    if (buf)
        c.data.assign(buf, buf + w * c.rows);
    else
        c.data.assign(w * c.rows, 0);
}

/// stmt v1: `num` rows; var types in fixed slots of `buffer_length` bytes with `length[i]` used.
taoslink::BindColumn from_multi_bind(const TAOS_MULTI_BIND& b) {
    taoslink::BindColumn c = bind_head(b);
    const auto* buf = static_cast<const std::uint8_t*>(b.buffer);
    if (taoslink::is_var_type(c.type)) {
        for (std::size_t r = 0; r < c.rows; ++r) {
            std::int32_t len = 0;
            if (!null_at(c, r)) {
                len = b.length ? b.length[r] : static_cast<std::int32_t>(b.buffer_length);
                if (len < 0 || (len > 0 && !buf))
                    throw taoslink::UsageError(taoslink::code::InvalidArgument, "invalid bind length");
                const auto* p = buf + r * b.buffer_length;
                c.data.insert(c.data.end(), p, p + len);
            }
            c.lengths.push_back(len);
        }
    } else {
        copy_fixed(c, buf);
    }
    return c;
}

#ifndef FAKE_TAOSC_MINIMAL
/// stmt2: var types packed back to back, `length[i]` each.
taoslink::BindColumn from_stmt2_bind(const TAOS_STMT2_BIND& b) {
    taoslink::BindColumn c = bind_head(b);
    const auto* buf = static_cast<const std::uint8_t*>(b.buffer);
    if (taoslink::is_var_type(c.type) || c.type == taoslink::TypeCode::Decimal ||
        c.type == taoslink::TypeCode::Decimal64) {
        std::size_t off = 0;
        for (std::size_t r = 0; r < c.rows; ++r) {
            const std::int32_t len = b.length ? b.length[r] : 0;
            if (len < 0 || (len > 0 && !buf))
                throw taoslink::UsageError(taoslink::code::InvalidArgument, "invalid bind length");
            if (!null_at(c, r)) c.data.insert(c.data.end(), buf + off, buf + off + len);
            c.lengths.push_back(null_at(c, r) ? 0 : len);
            off += static_cast<std::size_t>(len);
        }
    } else {
        copy_fixed(c, buf);
    }
    return c;
}

#endif

std::vector<taoslink::BindColumn> multi_binds(const TAOS_MULTI_BIND* b, int n) {
    std::vector<taoslink::BindColumn> out;
    for (int i = 0; i < n; ++i) out.push_back(from_multi_bind(b[i]));
    return out;
}

#ifndef FAKE_TAOSC_MINIMAL
std::vector<taoslink::BindColumn> stmt2_binds(const TAOS_STMT2_BIND* b, int n) {
    std::vector<taoslink::BindColumn> out;
    for (int i = 0; i < n; ++i) out.push_back(from_stmt2_bind(b[i]));
    return out;
}
#endif

void require_prepared(bool prepared) {
    if (!prepared) throw taoslink::ServerError(0x022A, "Stmt API usage error: statement not prepared");
}

Res* wrap_result(std::unique_ptr<taoslink::Result> result) {
    auto* r = new Res();
    r->set_fields(result->fields());
    r->precision = result->precision();
    const auto a = result->affected_rows();
    r->affected = a < 0 ? 0 : a;
    if (r->fields.empty())
        r->done = true;
    else
        r->result = std::move(result);
    return r;
}

#ifndef FAKE_TAOSC_MINIMAL
const std::vector<StmtField>& stmt2_fields(StmtV2* s) {
    if (!s->fields) {
        std::string sql_unused;
        s->fields = s->shape.is_insert ? describe_insert(*s->conn->conn, s->shape, sql_unused)
                                       : std::vector<StmtField>{};
    }
    return *s->fields;
}
#endif

}  // namespace

}  // namespace fake_taosc

using namespace fake_taosc;

// --- stmt v1 ----------------------------------------------------------------------------------

namespace {
// What taos_stmt_* and taos_stmt2_* do alike, for S = StmtV1 or StmtV2.

/// A statement on connection `taos` (taos_stmt_init, taos_stmt2_init); null, with the last error
/// set, when that fails.
template <class S>
S* stmt_init(TAOS* taos) {
    auto* c = handle_cast<Conn>(taos);
    if (!c) {
        set_last_error(taosc_code(code::InvalidConnection), "Invalid connection");
        return nullptr;
    }
    try {
        auto stmt = c->conn->statement();
        auto* s = new S();
        s->conn = c;
        s->stmt = std::move(stmt);
        return s;
    } catch (...) {
        auto info = current_exception_info();
        set_last_error(info.code, std::move(info.message));
        return nullptr;
    }
}

/// The statement's last error message (taos_stmt_errstr, taos_stmt2_error).
template <class S>
char* stmt_error(void* stmt) {
    auto* s = handle_cast<S>(stmt);
    if (!s) return const_cast<char*>("invalid statement handle");
    return s->err.data();
}

/// taos_stmt_close, taos_stmt2_close.
template <class S>
int stmt_close(void* stmt) {
    auto* s = handle_cast<S>(stmt);
    if (!s) return bad_stmt();
    s->stmt->close();
    delete s;
    return 0;
}
}  // namespace

FAKE_TAOSC_EXPORT TAOS_STMT* taos_stmt_init(TAOS* taos) { return stmt_init<StmtV1>(taos); }
FAKE_TAOSC_EXPORT TAOS_STMT* taos_stmt_init_with_reqid(TAOS* taos, std::int64_t) { return stmt_init<StmtV1>(taos); }

FAKE_TAOSC_EXPORT int taos_stmt_prepare(TAOS_STMT* stmt, const char* sql, unsigned long length) {
    auto* s = handle_cast<StmtV1>(stmt);
    if (!s) return bad_stmt();
    if (!sql) return fail(s, code::InvalidPara, "Invalid parameters");
    try {
        const std::string text = length ? std::string(sql, length) : std::string(sql);
        s->shape = parse_statement(text);
        s->stmt->prepare(text);
        s->prepared = true;
        s->tbname.clear();
        const int ncols = s->shape.is_insert ? s->shape.col_param_count() : s->shape.query_params;
        s->single.assign(static_cast<std::size_t>(ncols), std::nullopt);
        return 0;
    } catch (...) {
        return fail(s);
    }
}

FAKE_TAOSC_EXPORT int taos_stmt_set_tbname(TAOS_STMT* stmt, const char* name) {
    auto* s = handle_cast<StmtV1>(stmt);
    if (!s) return bad_stmt();
    if (!name) return fail(s, code::InvalidPara, "Invalid parameters");
    try {
        require_prepared(s->prepared);
        s->stmt->set_table_name(name);
        s->tbname = name;
        return 0;
    } catch (...) {
        return fail(s);
    }
}

FAKE_TAOSC_EXPORT int taos_stmt_set_sub_tbname(TAOS_STMT* stmt, const char* name) {
    return taos_stmt_set_tbname(stmt, name);
}

FAKE_TAOSC_EXPORT int taos_stmt_set_tags(TAOS_STMT* stmt, TAOS_MULTI_BIND* tags) {
    auto* s = handle_cast<StmtV1>(stmt);
    if (!s) return bad_stmt();
    try {
        require_prepared(s->prepared);
        const int n = s->shape.tag_param_count();
        if (n > 0 && !tags) return fail(s, code::InvalidPara, "Invalid parameters: no tags");
        s->stmt->set_tags(multi_binds(tags, n));
        return 0;
    } catch (...) {
        return fail(s);
    }
}

FAKE_TAOSC_EXPORT int taos_stmt_set_tbname_tags(TAOS_STMT* stmt, const char* name, TAOS_MULTI_BIND* tags) {
    const int code = taos_stmt_set_tbname(stmt, name);
    return code ? code : taos_stmt_set_tags(stmt, tags);
}

FAKE_TAOSC_EXPORT int taos_stmt_bind_param_batch(TAOS_STMT* stmt, TAOS_MULTI_BIND* bind) {
    auto* s = handle_cast<StmtV1>(stmt);
    if (!s) return bad_stmt();
    if (!bind) return fail(s, code::InvalidPara, "Invalid parameters");
    try {
        require_prepared(s->prepared);
        const int n = s->shape.is_insert ? s->shape.col_param_count() : s->shape.query_params;
        s->stmt->bind(multi_binds(bind, n));
        return 0;
    } catch (...) {
        return fail(s);
    }
}

// 3.x: the same TAOS_MULTI_BIND with num = 1.
FAKE_TAOSC_EXPORT int taos_stmt_bind_param(TAOS_STMT* stmt, TAOS_MULTI_BIND* bind) {
    return taos_stmt_bind_param_batch(stmt, bind);
}

// One column at a time; the row is bound once every column has been given.
FAKE_TAOSC_EXPORT int taos_stmt_bind_single_param_batch(TAOS_STMT* stmt, TAOS_MULTI_BIND* bind, int col_idx) {
    auto* s = handle_cast<StmtV1>(stmt);
    if (!s) return bad_stmt();
    if (!bind || col_idx < 0 || static_cast<std::size_t>(col_idx) >= s->single.size())
        return fail(s, code::InvalidPara, "Invalid parameters: column index");
    try {
        require_prepared(s->prepared);
        s->single[static_cast<std::size_t>(col_idx)] = from_multi_bind(*bind);
        for (const auto& c : s->single)
            if (!c) return 0;
        std::vector<taoslink::BindColumn> cols;
        for (auto& c : s->single) cols.push_back(std::move(*c));
        s->single.assign(s->single.size(), std::nullopt);
        s->stmt->bind(cols);
        return 0;
    } catch (...) {
        return fail(s);
    }
}

FAKE_TAOSC_EXPORT int taos_stmt_add_batch(TAOS_STMT* stmt) {
    auto* s = handle_cast<StmtV1>(stmt);
    if (!s) return bad_stmt();
    try {
        require_prepared(s->prepared);
        s->stmt->add_batch();
        return 0;
    } catch (...) {
        return fail(s);
    }
}

FAKE_TAOSC_EXPORT int taos_stmt_execute(TAOS_STMT* stmt) {
    auto* s = handle_cast<StmtV1>(stmt);
    if (!s) return bad_stmt();
    try {
        require_prepared(s->prepared);
        taos_free_result(s->result);  // taosc frees the previous execution's request here
        s->result = nullptr;
        s->affected_once = s->stmt->execute();
        if (s->affected_once < 0) s->affected_once = 0;
        s->affected_total += s->affected_once;
        return 0;
    } catch (...) {
        return fail(s);
    }
}

// The result belongs to the statement (taosc 3 returns its own request): freed by the next
// execute or by taos_stmt_close, never by the caller; asking twice gives the same result.
FAKE_TAOSC_EXPORT TAOS_RES* taos_stmt_use_result(TAOS_STMT* stmt) {
    auto* s = handle_cast<StmtV1>(stmt);
    if (!s) {
        bad_stmt();
        return nullptr;
    }
    try {
        if (!s->result) s->result = wrap_result(s->stmt->result());
        return s->result;
    } catch (...) {
        fail(s);
        return nullptr;
    }
}

FAKE_TAOSC_EXPORT int taos_stmt_affected_rows(TAOS_STMT* stmt) {
    auto* s = handle_cast<StmtV1>(stmt);
    return s ? static_cast<int>(s->affected_total) : 0;
}

FAKE_TAOSC_EXPORT int taos_stmt_affected_rows_once(TAOS_STMT* stmt) {
    auto* s = handle_cast<StmtV1>(stmt);
    return s ? static_cast<int>(s->affected_once) : 0;
}

FAKE_TAOSC_EXPORT int taos_stmt_is_insert(TAOS_STMT* stmt, int* insert) {
    auto* s = handle_cast<StmtV1>(stmt);
    if (!s) return bad_stmt();
    if (insert) *insert = s->shape.is_insert ? 1 : 0;
    return 0;
}

FAKE_TAOSC_EXPORT int taos_stmt_num_params(TAOS_STMT* stmt, int* nums) {
    auto* s = handle_cast<StmtV1>(stmt);
    if (!s) return bad_stmt();
    if (nums) *nums = s->shape.is_insert ? s->shape.col_param_count() : s->shape.query_params;
    return 0;
}

#ifndef FAKE_TAOSC_MINIMAL

namespace {
// taos_stmt_get_tag_fields / taos_stmt_get_col_fields: the `?` of `kind`, described from the
// table (`insert into ? values` needs taos_stmt_set_tbname first, as taosc's parser does).
int stmt_fields(TAOS_STMT* stmt, int kind, int* field_num, TAOS_FIELD_E** fields) {
    auto* s = handle_cast<StmtV1>(stmt);
    if (!s) return bad_stmt();
    if (!field_num || !fields) return fail(s, code::InvalidPara, "Invalid parameters");
    *fields = nullptr;
    *field_num = 0;
    try {
        require_prepared(s->prepared);
        if (!s->shape.is_insert) throw taoslink::ServerError(0x022A, "Stmt API usage error: not an INSERT statement");
        InsertShape shape = s->shape;
        if (shape.target.empty() && shape.stable.empty()) shape.target = s->tbname;
        std::string sql_unused;
        std::vector<StmtField> picked;
        for (auto& f : describe_insert(*s->conn->conn, shape, sql_unused))
            if (f.field_type == kind) picked.push_back(std::move(f));
        if (picked.empty()) return 0;
        *fields = static_cast<TAOS_FIELD_E*>(std::calloc(picked.size(), sizeof(TAOS_FIELD_E)));
        if (!*fields) throw std::bad_alloc();
        for (std::size_t i = 0; i < picked.size(); ++i) {
            auto& e = (*fields)[i];
            std::strncpy(e.name, picked[i].name.c_str(), sizeof(e.name) - 1);
            e.type = static_cast<std::int8_t>(picked[i].type);
            e.precision = picked[i].precision;
            e.scale = picked[i].scale;
            e.bytes = picked[i].bytes;
        }
        *field_num = static_cast<int>(picked.size());
        return 0;
    } catch (...) {
        return fail(s);
    }
}
}  // namespace

FAKE_TAOSC_EXPORT int taos_stmt_get_tag_fields(TAOS_STMT* stmt, int* field_num, TAOS_FIELD_E** fields) {
    return stmt_fields(stmt, taoslink::native::taosc::FieldTag, field_num, fields);
}

FAKE_TAOSC_EXPORT int taos_stmt_get_col_fields(TAOS_STMT* stmt, int* field_num, TAOS_FIELD_E** fields) {
    return stmt_fields(stmt, taoslink::native::taosc::FieldCol, field_num, fields);
}

// Frees what taos_stmt_get_*_fields returned (a calloc'd array).
FAKE_TAOSC_EXPORT void taos_stmt_reclaim_fields(TAOS_STMT*, TAOS_FIELD_E* fields) { std::free(fields); }

#endif  // FAKE_TAOSC_MINIMAL

FAKE_TAOSC_EXPORT char* taos_stmt_errstr(TAOS_STMT* stmt) { return stmt_error<StmtV1>(stmt); }

FAKE_TAOSC_EXPORT int taos_stmt_close(TAOS_STMT* stmt) { return stmt_close<StmtV1>(stmt); }

// --- stmt2 ------------------------------------------------------------------------------------

#ifndef FAKE_TAOSC_MINIMAL

FAKE_TAOSC_EXPORT TAOS_STMT2* taos_stmt2_init(TAOS* taos, TAOS_STMT2_OPTION* option) {
    auto* s = stmt_init<StmtV2>(taos);
    if (s && option) {
        s->async_fn = option->asyncExecFn;
        s->userdata = option->userdata;
    }
    return s;
}

FAKE_TAOSC_EXPORT int taos_stmt2_prepare(TAOS_STMT2* stmt, const char* sql, unsigned long length) {
    auto* s = handle_cast<StmtV2>(stmt);
    if (!s) return bad_stmt();
    if (!sql) return fail(s, code::InvalidPara, "Invalid parameters");
    try {
        std::string text = length ? std::string(sql, length) : std::string(sql);
        s->shape = parse_statement(text);
        s->fields.reset();
        taos_free_result(s->result);
        s->result = nullptr;
        // the super table form (tbname among the columns) is rewritten before the server sees it
        if (s->shape.super_form) s->fields = describe_insert(*s->conn->conn, s->shape, text);
        s->stmt->prepare(text);
        s->prepared = true;
        return 0;
    } catch (...) {
        return fail(s);
    }
}

FAKE_TAOSC_EXPORT int taos_stmt2_bind_param(TAOS_STMT2* stmt, TAOS_STMT2_BINDV* bindv, std::int32_t col_idx) {
    auto* s = handle_cast<StmtV2>(stmt);
    if (!s) return bad_stmt();
    if (!bindv) return fail(s, code::InvalidPara, "Invalid parameters");
    if (col_idx >= 0) return fail(s, kOpsNotSupport, "binding one column (col_idx >= 0) is not supported by the fake");
    try {
        require_prepared(s->prepared);
        const int ntags = s->shape.tag_param_count();
        const int ncols = s->shape.is_insert ? s->shape.col_param_count() : s->shape.query_params;
        for (int i = 0; i < bindv->count; ++i) {
            if (bindv->tbnames && bindv->tbnames[i]) s->stmt->set_table_name(bindv->tbnames[i]);
            if (bindv->tags && bindv->tags[i] && ntags > 0) s->stmt->set_tags(stmt2_binds(bindv->tags[i], ntags));
            if (bindv->bind_cols && bindv->bind_cols[i]) s->stmt->bind(stmt2_binds(bindv->bind_cols[i], ncols));
            if (s->shape.is_insert) s->stmt->add_batch();
        }
        return 0;
    } catch (...) {
        return fail(s);
    }
}

FAKE_TAOSC_EXPORT int taos_stmt2_exec(TAOS_STMT2* stmt, int* affected_rows) {
    auto* s = handle_cast<StmtV2>(stmt);
    if (!s) return bad_stmt();
    int code = 0;
    std::int64_t n = 0;
    try {
        require_prepared(s->prepared);
        taos_free_result(s->result);
        s->result = nullptr;
        n = s->stmt->execute();
        if (n < 0) n = 0;
        if (!s->shape.is_insert) s->result = wrap_result(s->stmt->result());
    } catch (...) {
        code = fail(s);
    }
    if (affected_rows) *affected_rows = static_cast<int>(n);
    if (s->async_fn) s->async_fn(s->userdata, s->result, code);
    return code;
}

FAKE_TAOSC_EXPORT int taos_stmt2_is_insert(TAOS_STMT2* stmt, int* insert) {
    auto* s = handle_cast<StmtV2>(stmt);
    if (!s) return bad_stmt();
    if (!insert) return fail(s, code::InvalidPara, "Invalid parameters");
    *insert = s->shape.is_insert ? 1 : 0;
    return 0;
}

// taosc >= 3.3.5's form (taospy calls it): every `?` with its kind. Not in taosc_api.hpp's lists,
// which leave it out because 3.3.3/3.3.4 exported another signature under this name.
FAKE_TAOSC_EXPORT int taos_stmt2_get_fields(TAOS_STMT2* stmt, int* count, TAOS_FIELD_ALL** fields) {
    auto* s = handle_cast<StmtV2>(stmt);
    if (!s) return bad_stmt();
    if (!count) return fail(s, code::InvalidPara, "Invalid parameters");
    if (fields) *fields = nullptr;
    try {
        require_prepared(s->prepared);
        if (!s->shape.is_insert) {
            *count = s->shape.query_params;
            return 0;
        }
        const auto& all = stmt2_fields(s);
        *count = static_cast<int>(all.size());
        if (fields && !all.empty()) {
            *fields = static_cast<TAOS_FIELD_ALL*>(std::calloc(all.size(), sizeof(TAOS_FIELD_ALL)));
            if (!*fields) throw std::bad_alloc();
            for (std::size_t i = 0; i < all.size(); ++i) {
                auto& e = (*fields)[i];
                std::strncpy(e.name, all[i].name.c_str(), sizeof(e.name) - 1);
                e.type = static_cast<std::int8_t>(all[i].type);
                e.precision = all[i].precision;
                e.scale = all[i].scale;
                e.bytes = all[i].bytes;
                e.field_type = static_cast<std::uint8_t>(all[i].field_type);
            }
        }
        return 0;
    } catch (...) {
        return fail(s);
    }
}

// Frees what taos_stmt2_get_fields returned (a calloc'd array).
FAKE_TAOSC_EXPORT void taos_stmt2_free_fields(TAOS_STMT2*, TAOS_FIELD_ALL* fields) { std::free(fields); }

FAKE_TAOSC_EXPORT TAOS_RES* taos_stmt2_result(TAOS_STMT2* stmt) {
    auto* s = handle_cast<StmtV2>(stmt);
    if (!s) {
        bad_stmt();
        return nullptr;
    }
    if (!s->result) fail(s, 0x022A, "Stmt API usage error: no result (not an executed query)");
    return s->result;
}

FAKE_TAOSC_EXPORT char* taos_stmt2_error(TAOS_STMT2* stmt) { return stmt_error<StmtV2>(stmt); }

FAKE_TAOSC_EXPORT int taos_stmt2_close(TAOS_STMT2* stmt) { return stmt_close<StmtV2>(stmt); }

#endif  // FAKE_TAOSC_MINIMAL
