// taos-native statements, API v1 (taos_stmt_*): columns bound as TAOS_MULTI_BIND arrays.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connection.hpp"
#include "taoslink/connection.hpp"

namespace taoslink::native {

/// BindColumns as TAOS_MULTI_BIND: fixed types point at the column's own values; variable-width
/// types are laid out in fixed slots of the longest value's size (taos_stmt's layout). Text goes
/// as UTF-8: taosc converts NCHAR itself. Valid while this object and the columns live.
class MultiBind {
public:
    explicit MultiBind(const std::vector<BindColumn>& columns);
    TAOS_MULTI_BIND* data() noexcept { return binds_.data(); }
    std::size_t size() const noexcept { return binds_.size(); }

private:
    std::vector<TAOS_MULTI_BIND> binds_;
    std::vector<std::vector<char>> slots_;           // var columns: rows * max length
    std::vector<std::vector<std::int32_t>> lengths_;  // var columns: per row
    std::vector<std::vector<char>> nulls_;            // per row, when the column has NULLs
};

/// A TAOS_STMT closed by taos_stmt_close when the last holder (statement or result) lets go.
using StmtHandle = StmtHandleOf<TAOS_STMT, &Taosc::taos_stmt_close>;

/// Each call maps to its taos_stmt_* function; errors carry taos_stmt_errstr and the return code.
/// result() hands out the statement's result (taos_stmt_use_result), which the statement frees.
class NativeStmt final : public Stmt {
public:
    NativeStmt(std::shared_ptr<const Taosc> taosc, std::shared_ptr<TaosHandle> conn);
    ~NativeStmt() override;

    void prepare(std::string_view sql) override;
    void set_table_name(std::string_view name) override;
    void set_tags(const std::vector<BindColumn>& tags) override;
    void bind(const std::vector<BindColumn>& columns) override;
    void add_batch() override;
    std::int64_t execute() override;
    std::unique_ptr<Result> result() override;
    void close() noexcept override;
    /// taos_stmt_get_tag_fields then taos_stmt_get_col_fields (optional symbols: NotSupportedError
    /// naming the one this taosc lacks).
    std::vector<StmtField> fields() override;

private:
    TAOS_STMT* stmt() const;
    void check(int rc, const char* what) const;

    std::shared_ptr<const Taosc> t_;
    std::shared_ptr<StmtHandle> handle_;
    std::int64_t affected_before_ = 0;  // taos_stmt_affected_rows counts over the statement's life
};

}  // namespace taoslink::native
