// The Result of a /ws query: schema from the query reply, blocks fetched one request at a time.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <string_view>

#include "json.hpp"
#include "session.hpp"
#include "taoslink/connection.hpp"

namespace taoslink::ws {

/// What a `query` / `binary_query` / `use_result` reply says about a result set.
struct QueryInfo {
    std::uint64_t id = 0;  ///< result id; 0 for statements without a result set
    bool is_update = false;
    std::int64_t affected_rows = 0;
    Fields fields;
    Precision precision = Precision::Milli;
};

/// Reads a query reply. `id_key` is "id" for queries and "result_id" for stmt `use_result`.
/// Throws ProtocolError when the field arrays disagree or carry an unknown type.
QueryInfo parse_query_info(const JsonReply& reply, std::string_view id_key = "id");

/// A /ws result. next_block() sends fetch_raw_block (action 7) on servers >= 3.3.2.0, else
/// `fetch` + `fetch_block`; each block views the received frame without copying (NCHAR stays
/// UCS-4). The server frees the result when it reports the end; close() before that sends
/// `free_result`. Once a fetch fails (server error, broken link, timeout, corrupt block) the
/// result stays failed. Not thread-safe (core rule); keeps its Session alive.
class WsResult final : public Result {
public:
    WsResult(std::shared_ptr<Session> session, QueryInfo info);
    ~WsResult() override;

    const Fields& fields() const override { return info_.fields; }
    Precision precision() const override { return info_.precision; }
    std::int64_t affected_rows() const override { return info_.is_update ? info_.affected_rows : -1; }
    std::shared_ptr<const Block> next_block() override;
    void close() noexcept override;

private:
    std::shared_ptr<const Block> fetch_raw_block();
    std::shared_ptr<const Block> fetch_json();
    std::shared_ptr<const Block> check(std::shared_ptr<const Block> block) const;

    std::shared_ptr<Session> session_;
    QueryInfo info_;
    bool done_ = false;
    /// The first fetch error. A result that failed part-way is never resumed or reported as
    /// complete: every later next_block() rethrows this, so no rows can silently go missing.
    std::exception_ptr failed_;
};

}  // namespace taoslink::ws
