#include "connection.hpp"

#include <algorithm>
#include <cctype>
#include <exception>

#include "codec.hpp"
#include "failover.hpp"
#include "result.hpp"
#include "request_text.hpp"  // plugins/common
#include "stmt.hpp"
#include "stmt2.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

std::string parse_use_statement(std::string_view sql) {
    auto skip = [&](std::size_t i) {
        while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
        return i;
    };
    std::size_t i = skip(0);
    if (sql.size() - i < 4) return {};
    std::string kw(sql.substr(i, 3));
    std::transform(kw.begin(), kw.end(), kw.begin(), [](unsigned char c) { return std::tolower(c); });
    if (kw != "use" || !std::isspace(static_cast<unsigned char>(sql[i + 3]))) return {};
    i = skip(i + 3);
    std::string db;
    if (i < sql.size() && sql[i] == '`') {
        const auto end = sql.find('`', i + 1);
        if (end == std::string_view::npos) return {};
        db = std::string(sql.substr(i + 1, end - i - 1));
        i = end + 1;
    } else {
        while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_')) db += sql[i++];
    }
    i = skip(i);
    if (i < sql.size() && sql[i] == ';') i = skip(i + 1);
    return i == sql.size() ? db : std::string();
}

WsConnection::WsConnection(WsOptions options, std::string description)
    : options_(std::move(options)), description_(std::move(description)), database_(options_.database) {
    session_ = open_any(true);
}

WsConnection::~WsConnection() { close(); }

std::shared_ptr<Session> WsConnection::open_any(bool initial) {
    static constexpr FailoverText text{"the connection is closed", "no endpoint answered: ", "could not reconnect after "};
    const std::size_t n = options_.endpoints.size();
    auto open = [&] {
        Endpoint ep;
        std::string db;
        {
            std::lock_guard lock(mu_);
            ep = options_.endpoints[next_endpoint_ % n];
            db = database_;
        }
        auto s = Session::open(options_, ep, db);
        connects_.fetch_add(1);
        return s;
    };
    auto next = [&] {
        std::lock_guard lock(mu_);
        next_endpoint_ = (next_endpoint_ + 1) % n;
    };
    return open_with_failover(options_, initial, closed_, text, open, next);
}

std::shared_ptr<Session> WsConnection::session() {
    if (closed_.load()) throw ConnectionError(code::ConnectionClosed, "the connection is closed");
    {
        std::lock_guard lock(mu_);
        if (session_ && session_->alive()) return session_;
    }
    std::lock_guard reconnect(reconnect_mu_);
    {
        std::lock_guard lock(mu_);
        if (session_ && session_->alive()) return session_;  // another thread reconnected meanwhile
    }
    auto s = open_any(false);
    std::lock_guard lock(mu_);
    if (session_) session_->close();
    session_ = s;
    return s;
}

std::string WsConnection::endpoint() const {
    std::lock_guard lock(mu_);
    return session_ ? session_->client().label() : std::string();
}

std::unique_ptr<Result> WsConnection::query(std::string_view sql, const RequestOptions& opts) {
    auto s = session();
    const std::uint64_t id = s->req_id(static_cast<std::uint64_t>(opts.req_id));
    JsonReply reply = [&] {
        if (s->binary_protocol()) return s->request_binary(binary_query_request(id, sql), id, "binary_query");
        JsonArgs a;
        a.add("sql", sql);
        return s->request("query", a, id);
    }();
    auto result = std::make_unique<WsResult>(s, parse_query_info(reply));
    if (const std::string db = parse_use_statement(sql); !db.empty()) {
        std::lock_guard lock(mu_);
        database_ = db;
    }
    return result;
}

void WsConnection::select_db(std::string_view db) {
    query(plugin::select_db_statement(db));
    std::lock_guard lock(mu_);
    database_ = std::string(db);
}

std::string WsConnection::database() const {
    std::lock_guard lock(mu_);
    return database_;
}

std::string WsConnection::server_version() { return session()->server_version(); }

std::int64_t WsConnection::schemaless_insert(const SchemalessRequest& request) {
    if (!request.database.empty() && request.database != database()) {
        throw NotSupportedError("taos-ws writes schemaless data into the connection's current database ('" + database() +
                                "'); select_db('" + request.database + "') first");
    }
    if (request.protocol != SchemalessProtocol::Line && request.protocol != SchemalessProtocol::Telnet &&
        request.protocol != SchemalessProtocol::Json) {
        throw UsageError(code::InvalidArgument, "schemaless insert: unknown protocol");
    }
    auto s = session();
    JsonArgs a;
    a.add("protocol", static_cast<int>(request.protocol))
        .add("precision", plugin::schemaless_precision_text(request.precision))
        .add("data", request.lines)
        .add("ttl", static_cast<std::int64_t>(request.ttl));
    if (!request.table_name_key.empty()) a.add("table_name_key", request.table_name_key);
    const JsonReply r = s->request("insert", a, static_cast<std::uint64_t>(request.options.req_id));
    return r.integer("affected_rows", -1);
}

std::unique_ptr<Stmt> WsConnection::statement() {
    auto s = session();
    const bool v2 = options_.stmt == StmtApi::V2 ||
                    (options_.stmt == StmtApi::Auto && version_at_least(s->server_version(), "3.3.3.0"));
    if (v2) return std::make_unique<WsStmt2>(std::move(s));
    return std::make_unique<WsStmt>(std::move(s));
}

void WsConnection::close() noexcept {
    if (closed_.exchange(true)) return;
    std::shared_ptr<Session> s;
    {
        std::lock_guard lock(mu_);
        s = std::move(session_);
    }
    if (s) s->close();
}

std::unique_ptr<Connection> connect_ws(const Dsn& dsn) {
    WsOptions options = options_from_dsn(dsn);
    return std::make_unique<WsConnection>(std::move(options), to_string(dsn, true));
}

}  // namespace taoslink::ws
