// taos-native statements, API v2 (taos_stmt2_*, taosc >= 3.3.3.0): every table of a batch bound
// in one TAOS_STMT2_BINDV.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connection.hpp"
#include "taoslink/connection.hpp"

namespace taoslink::native {

/// A TAOS_STMT2 closed by taos_stmt2_close when the last holder (statement or result) lets go.
using Stmt2Handle = StmtHandleOf<TAOS_STMT2, &Taosc::taos_stmt2_close>;

/// set_table_name/set_tags/bind/add_batch collect tables on the client (several binds of one
/// table append rows); execute() binds them all with one taos_stmt2_bind_param (col_idx -1) and
/// runs taos_stmt2_exec. Var-width values go packed with per-row lengths, as BindColumn holds
/// them. result() hands out taos_stmt2_result, which the statement frees.
class NativeStmt2 final : public Stmt {
public:
    NativeStmt2(std::shared_ptr<const Taosc> taosc, std::shared_ptr<TaosHandle> conn);
    ~NativeStmt2() override;

    void prepare(std::string_view sql) override;
    void set_table_name(std::string_view name) override;
    void set_tags(const std::vector<BindColumn>& tags) override;
    void bind(const std::vector<BindColumn>& columns) override;
    void add_batch() override;
    std::int64_t execute() override;
    std::unique_ptr<Result> result() override;
    void close() noexcept override;
    /// From a short-lived v1 statement (NativeStmt) on the same connection, prepared with the same
    /// SQL and the current table name: taos_stmt2_get_fields cannot be called safely (taosc_api.hpp).
    std::vector<StmtField> fields() override;

private:
    struct Table {
        std::string name;  // empty: none (queries, or `insert into t values (?)`)
        std::vector<BindColumn> tags;
        std::vector<BindColumn> columns;
        bool closed = false;  // add_batch seen: the next set_table_name starts a new entry
    };
    TAOS_STMT2* stmt() const;
    void check(int rc, const char* what) const;
    Table& current();

    std::shared_ptr<const Taosc> t_;
    std::shared_ptr<Stmt2Handle> handle_;
    std::shared_ptr<TaosHandle> conn_;  // for fields()' v1 statement
    std::string sql_;
    std::vector<Table> tables_;
};

/// Appends `more`'s rows to `into` (same types), for several binds of one table.
void append_rows(BindColumn& into, const BindColumn& more);

}  // namespace taoslink::native
