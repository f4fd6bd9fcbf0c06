// Statement API v1 over /ws (protocol.md §2.8): init, prepare, binary set_tags/bind, exec.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "stmt_base.hpp"

namespace taoslink::ws {

/// A stmt v1 statement on one Session. Insert statements bind with raw blocks (binary actions 1
/// and 2, NCHAR converted to UCS-4); query statements bind with JSON (the binary path refuses
/// TIMESTAMP parameters there). Not thread-safe. When its socket is gone every call throws
/// ConnectionError: prepare a new statement on the (reconnected) connection.
class WsStmt final : public WsStmtBase {
public:
    /// Sends `init`. Throws what Session::request throws.
    explicit WsStmt(std::shared_ptr<Session> session, std::uint64_t req_id = 0);
    ~WsStmt() override;

    void prepare(std::string_view sql) override;
    void set_table_name(std::string_view name) override;
    void set_tags(const std::vector<BindColumn>& tags) override;
    void bind(const std::vector<BindColumn>& columns) override;
    void add_batch() override;
    std::int64_t execute() override;
    std::unique_ptr<Result> result() override;
    void close() noexcept override;
    /// `get_tag_fields` then `get_col_fields`.
    std::vector<StmtField> fields() override;

private:
    // set_tags (`tags`) and bind: JSON for a query, a raw block (binary action) for an INSERT.
    void send_columns(const std::vector<BindColumn>& columns, bool tags);
};

}  // namespace taoslink::ws
