// A taos-rest Connection: SQL over taosAdapter's stateless REST API.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "http_client.hpp"
#include "options.hpp"
#include "taoslink/connection.hpp"

namespace taoslink::rest {

/// SQL over POST /rest/sql[/{db}], schemaless over the InfluxDB/OpenTSDB HTTP routes.
///
/// The REST API keeps no session state, so the current database lives here: select_db() and a
/// `use <db>` statement check the database on the server and then send it with every request.
/// Thread-safe: one connection may serve several threads (each request borrows a keep-alive
/// session from a small pool). Results are not thread-safe.
class RestConnection final : public Connection {
public:
    /// Connects to the first endpoint of `options` that answers, verifying address and
    /// credentials with one statement (`use <db>` when a database is given, else
    /// `select server_version()`). `description` is the redacted DSN.
    RestConnection(RestOptions options, std::string description);
    ~RestConnection() override;

    std::unique_ptr<Result> query(std::string_view sql, const RequestOptions& opts = {}) override;
    void select_db(std::string_view db) override;
    std::string database() const override;
    std::string server_version() override;
    std::int64_t schemaless_insert(const SchemalessRequest& request) override;
    /// Always throws NotSupportedError: REST has no prepared statements.
    std::unique_ptr<Stmt> statement() override;
    std::string describe() const override { return description_; }
    void close() noexcept override;

    /// The endpoint this connection settled on ("host:port").
    std::string endpoint() const { return http_ ? http_->label() : std::string(); }

private:
    std::string query_string(const RequestOptions& opts, bool first) const;
    std::unique_ptr<Result> run_sql(std::string_view sql, const std::string& db, const RequestOptions& opts);
    HttpClient& client();
    [[noreturn]] void raise_http_error(const HttpResponse& r) const;

    RestOptions options_;
    std::string description_;
    std::unique_ptr<HttpClient> http_;
    mutable std::mutex mu_;
    std::string database_;
    std::string version_;
    std::atomic<bool> closed_{false};
};

/// Opens a taos-rest connection for `dsn` (schemes http, https, taosrest).
std::unique_ptr<Connection> connect_rest(const Dsn& dsn);

}  // namespace taoslink::rest
