// A taos-ws Connection: SQL, schemaless and statements over taosAdapter's /ws WebSocket.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "options.hpp"
#include "session.hpp"
#include "taoslink/connection.hpp"

namespace taoslink::ws {

/// One logical connection; at any time one Session (socket) at most.
///
/// Thread-safe: requests from several threads share the socket and are matched to their replies
/// by req_id. The current database (DSN, select_db, `use db`) is tracked here so a reconnect can
/// restore it. When the link drops, a request that was in flight fails with ConnectionError and
/// is never resent; the next request opens a new socket (version, conn, current db), trying the
/// endpoints in turn with `conn_retries` attempts and exponential back-off (README.md).
class WsConnection final : public Connection {
public:
    /// Connects to the first endpoint that answers (each tried once, in order). AuthError stops
    /// at once; otherwise the last failure is thrown, listing every endpoint's.
    WsConnection(WsOptions options, std::string description);
    ~WsConnection() override;

    std::unique_ptr<Result> query(std::string_view sql, const RequestOptions& opts = {}) override;
    void select_db(std::string_view db) override;
    std::string database() const override;
    std::string server_version() override;
    std::int64_t schemaless_insert(const SchemalessRequest& request) override;
    /// stmt2 (WsStmt2) on servers >= 3.3.3.0, else stmt v1 (WsStmt); DSN `stmt=v1|v2` forces one.
    std::unique_ptr<Stmt> statement() override;
    std::string describe() const override { return description_; }
    void close() noexcept override;

    /// The live session, reconnecting first when the link is gone (tests, consumers).
    std::shared_ptr<Session> session();
    /// "host:port" of the current socket, empty when none.
    std::string endpoint() const;
    /// Sockets opened so far (1 after connecting; +1 per reconnect).
    std::size_t connects() const noexcept { return connects_.load(); }

private:
    std::shared_ptr<Session> open_any(bool initial);

    WsOptions options_;
    std::string description_;
    mutable std::mutex mu_;        // session_, database_, next_endpoint_
    std::mutex reconnect_mu_;      // one reconnect at a time
    std::shared_ptr<Session> session_;
    std::string database_;
    std::size_t next_endpoint_ = 0;
    std::atomic<std::size_t> connects_{0};
    std::atomic<bool> closed_{false};
};

/// Opens a taos-ws connection for `dsn`.
std::unique_ptr<Connection> connect_ws(const Dsn& dsn);

/// The database a `USE <db>` statement selects ("" when `sql` is not one).
std::string parse_use_statement(std::string_view sql);

}  // namespace taoslink::ws
