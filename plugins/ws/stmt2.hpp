// Statement API v2 over /ws (protocol.md §2.9, §2.10): stmt2_init, stmt2_prepare, binary
// action 9 (bind), stmt2_exec, stmt2_result, stmt2_close.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stmt2_payload.hpp"
#include "stmt_base.hpp"

namespace taoslink::ws {

/// A stmt2 statement on one Session, with the caller-side semantics of WsStmt (v1): prepare,
/// set_table_name, set_tags, bind (several times per table appends rows), add_batch (the next
/// set_table_name starts another table), execute → affected rows, result() for queries.
///
/// Everything is kept client-side until execute(), which sends the bound tables as stmt2 bind
/// frames (one frame per run of tables of the same shape) and then `stmt2_exec`. Columns bound
/// but not yet add_batch'ed are executed too, as with v1. Not thread-safe. When its socket is
/// gone every call throws ConnectionError.
class WsStmt2 final : public WsStmtBase {
public:
    /// Sends `stmt2_init`. Throws what Session::request throws.
    explicit WsStmt2(std::shared_ptr<Session> session, std::uint64_t req_id = 0);
    ~WsStmt2() override;

    void prepare(std::string_view sql) override;
    void set_table_name(std::string_view name) override;
    void set_tags(const std::vector<BindColumn>& tags) override;
    void bind(const std::vector<BindColumn>& columns) override;
    void add_batch() override;
    std::int64_t execute() override;
    std::unique_ptr<Result> result() override;
    void close() noexcept override;
    /// Asks a short-lived stmt v1 statement on the same socket (prepared with the same SQL and
    /// the table name set here), because stmt2_prepare's get_fields cannot describe `insert
    /// into ? values (...)` and changes shape between server versions. Kept per table name.
    std::vector<StmtField> fields() override;

private:
    void ensure_prepared() const;
    void finish_table();  // moves current_ (when it has rows) into pending_

    bool prepared_ = false;
    std::string sql_;
    std::optional<std::vector<StmtField>> fields_;  // for fields_table_
    std::string fields_table_;
    std::vector<Stmt2Table> pending_;
    Stmt2Table current_;
};

}  // namespace taoslink::ws
