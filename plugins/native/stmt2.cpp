#include "stmt2.hpp"

#include "bind_rows.hpp"  // plugins/common
#include "errors.hpp"
#include "result.hpp"
#include "stmt.hpp"
#include "taoslink/error.hpp"

namespace taoslink::native {

namespace {

// One BindColumn as a TAOS_STMT2_BIND viewing its storage (taosc copies during bind_param).
TAOS_STMT2_BIND view(const BindColumn& c, std::size_t index, std::vector<std::vector<char>>& nulls) {
    if (c.rows > static_cast<std::size_t>(INT32_MAX))
        throw UsageError(code::InvalidArgument, "bind column " + std::to_string(index) + " has too many rows");
    if (!c.is_null.empty() && c.is_null.size() != c.rows)
        throw UsageError(code::InvalidArgument, "bind column " + std::to_string(index) + " has " +
                                                    std::to_string(c.is_null.size()) + " null flags for " +
                                                    std::to_string(c.rows) + " rows");
    TAOS_STMT2_BIND b{};
    b.buffer_type = static_cast<int>(c.type);
    b.num = static_cast<int>(c.rows);
    b.buffer = const_cast<std::uint8_t*>(c.data.data());  // taosc only reads it
    if (!c.is_null.empty()) {
        nulls.emplace_back(c.is_null.begin(), c.is_null.end());
        b.is_null = nulls.back().data();
    }
    if (is_var_type(c.type) || !c.lengths.empty()) {
        if (c.lengths.size() != c.rows)
            throw UsageError(code::InvalidArgument, "bind column " + std::to_string(index) + " has " +
                                                        std::to_string(c.lengths.size()) + " lengths for " +
                                                        std::to_string(c.rows) + " rows");
        b.length = const_cast<std::int32_t*>(c.lengths.data());
    } else if (c.data.size() != c.rows * static_cast<std::size_t>(fixed_size(c.type))) {
        throw UsageError(code::InvalidArgument, "bind column " + std::to_string(index) + " has " +
                                                    std::to_string(c.data.size()) + " bytes for " +
                                                    std::to_string(c.rows) + " rows of " + std::string(type_name(c.type)));
    }
    return b;
}

}  // namespace

void append_rows(BindColumn& into, const BindColumn& more) {
    if (into.type != more.type)
        throw UsageError(code::InvalidArgument, "a later bind of the same table changes a column's type from " +
                                                    std::string(type_name(into.type)) + " to " +
                                                    std::string(type_name(more.type)));
    plugin::append_rows(into, more);
}

NativeStmt2::NativeStmt2(std::shared_ptr<const Taosc> taosc, std::shared_ptr<TaosHandle> conn) : t_(std::move(taosc)) {
    TAOS_STMT2_OPTION option{};  // synchronous exec, no req_id
    TAOS_STMT2* s = t_->taos_stmt2_init(conn->get(), &option);
    if (s == nullptr) raise_last_error(*t_, nullptr, "taos_stmt2_init");
    conn_ = conn;
    handle_ = std::make_shared<Stmt2Handle>(t_, std::move(conn), s);
}

NativeStmt2::~NativeStmt2() { close(); }

TAOS_STMT2* NativeStmt2::stmt() const {
    if (!handle_) throw UsageError(code::InvalidArgument, "the statement is closed");
    return handle_->get();
}

void NativeStmt2::check(int rc, const char* what) const {
    if (rc == 0) return;
    const char* msg = t_->taos_stmt2_error(handle_->get());
    raise_taosc_error(rc, msg ? msg : "", what);
}

NativeStmt2::Table& NativeStmt2::current() {
    if (tables_.empty() || tables_.back().closed) tables_.emplace_back();
    return tables_.back();
}

void NativeStmt2::prepare(std::string_view sql) {
    TAOS_STMT2* s = stmt();
    tables_.clear();
    sql_.clear();
    check(t_->taos_stmt2_prepare(s, sql.data(), static_cast<unsigned long>(sql.size())), "stmt2 prepare");
    sql_ = std::string(sql);
}

void NativeStmt2::set_table_name(std::string_view name) {
    stmt();
    // A new name starts a new table; naming the current one again keeps appending to it.
    if (tables_.empty() || tables_.back().closed || tables_.back().name != name) {
        if (!tables_.empty() && !tables_.back().closed && tables_.back().columns.empty() && tables_.back().tags.empty())
            tables_.pop_back();  // named but never bound: renamed
        tables_.emplace_back();
    }
    tables_.back().name = std::string(name);
}

void NativeStmt2::set_tags(const std::vector<BindColumn>& tags) {
    stmt();
    current().tags = tags;
}

void NativeStmt2::bind(const std::vector<BindColumn>& columns) {
    stmt();
    Table& t = current();
    if (t.columns.empty()) {
        t.columns = columns;
        return;
    }
    if (t.columns.size() != columns.size())
        throw UsageError(code::InvalidArgument, "bind: " + std::to_string(columns.size()) + " columns, the table's "
                                                "earlier bind had " + std::to_string(t.columns.size()));
    for (std::size_t i = 0; i < columns.size(); ++i) append_rows(t.columns[i], columns[i]);
}

void NativeStmt2::add_batch() {
    stmt();
    if (!tables_.empty()) tables_.back().closed = true;
}

std::int64_t NativeStmt2::execute() {
    TAOS_STMT2* s = stmt();
    const auto tables = std::move(tables_);
    tables_.clear();
    if (!tables.empty()) {
        // taosc wants, per table, a name (or NULL), a tag array (or NULL) and a column array; a
        // BINDV's arrays are all present or all NULL.
        std::vector<std::vector<TAOS_STMT2_BIND>> tags(tables.size()), cols(tables.size());
        std::vector<std::vector<char>> nulls;
        std::size_t null_columns = 0;
        for (const auto& t : tables) {
            for (const auto& c : t.tags) null_columns += c.is_null.empty() ? 0 : 1;
            for (const auto& c : t.columns) null_columns += c.is_null.empty() ? 0 : 1;
        }
        nulls.reserve(null_columns);  // views point into it: no reallocation after this
        std::vector<char*> names(tables.size(), nullptr);
        std::vector<TAOS_STMT2_BIND*> tag_ptrs(tables.size(), nullptr), col_ptrs(tables.size(), nullptr);
        bool any_name = false, any_tags = false;
        for (std::size_t i = 0; i < tables.size(); ++i) {
            for (std::size_t k = 0; k < tables[i].tags.size(); ++k) tags[i].push_back(view(tables[i].tags[k], k, nulls));
            for (std::size_t k = 0; k < tables[i].columns.size(); ++k)
                cols[i].push_back(view(tables[i].columns[k], k, nulls));
            if (!tables[i].name.empty()) {
                names[i] = const_cast<char*>(tables[i].name.c_str());
                any_name = true;
            }
            if (!tags[i].empty()) {
                tag_ptrs[i] = tags[i].data();
                any_tags = true;
            }
            col_ptrs[i] = cols[i].empty() ? nullptr : cols[i].data();
        }
        TAOS_STMT2_BINDV bindv{};
        bindv.count = static_cast<int>(tables.size());
        bindv.tbnames = any_name ? names.data() : nullptr;
        bindv.tags = any_tags ? tag_ptrs.data() : nullptr;
        bindv.bind_cols = col_ptrs.data();
        check(t_->taos_stmt2_bind_param(s, &bindv, -1), "stmt2 bind");
    }
    int affected = 0;
    check(t_->taos_stmt2_exec(s, &affected), "stmt2 exec");
    return affected;
}

std::unique_ptr<Result> NativeStmt2::result() {
    TAOS_STMT2* s = stmt();
    TAOS_RES* res = t_->taos_stmt2_result(s);
    if (res == nullptr) {
        const char* msg = t_->taos_stmt2_error(s);
        raise_taosc_error(code::InvalidOperation, msg && *msg ? msg : "the statement has no result", "stmt2 result");
    }
    return std::make_unique<NativeResult>(t_, handle_, res, ResultOwnership::BorrowedFromStmt);
}

std::vector<StmtField> NativeStmt2::fields() {
    stmt();
    if (sql_.empty()) throw UsageError(code::InvalidOperation, "fields: prepare() the statement first");
    NativeStmt probe(t_, conn_);
    probe.prepare(sql_);
    if (!tables_.empty() && !tables_.back().name.empty()) probe.set_table_name(tables_.back().name);
    return probe.fields();
}

void NativeStmt2::close() noexcept {
    tables_.clear();
    handle_.reset();
    conn_.reset();
}

}  // namespace taoslink::native
