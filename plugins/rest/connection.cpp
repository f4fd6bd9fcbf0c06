#include "connection.hpp"

#include <exception>

#include "codec.hpp"
#include "errors.hpp"
#include "result.hpp"
#include "request_text.hpp"  // plugins/common
#include "taoslink/error.hpp"

namespace taoslink::rest {

namespace {

std::string http_status_text(const HttpResponse& r) {
    return "HTTP " + std::to_string(r.status) + (r.reason.empty() ? "" : " " + r.reason);
}

}  // namespace

RestConnection::RestConnection(RestOptions options, std::string description)
    : options_(std::move(options)), description_(std::move(description)), database_(options_.database) {
    std::string failures;
    std::exception_ptr last;
    for (const auto& ep : options_.endpoints) {
        try {
            auto client = std::make_unique<HttpClient>(options_, ep);
            http_ = std::move(client);
            if (options_.verify_on_connect) {
                // One cheap statement checks the address, TLS and the credentials (taosAdapter
                // only learns a password is wrong when it runs SQL), and the database if given.
                if (!database_.empty()) {
                    run_sql("use " + plugin::quote_identifier(database_), std::string(), {});
                } else {
                    auto r = run_sql("select server_version()", std::string(), {});
                    if (auto b = r->next_block(); b && b->rows() > 0 && b->columns() > 0 && !b->column(0).is_null(0)) {
                        version_ = std::string(b->column(0).bytes(0));
                    }
                }
            }
            return;
        } catch (const AuthError&) {
            throw;
        } catch (const ServerError& e) {
            // TDengine's user errors at login are authentication failures.
            if (is_auth_code(e.code())) throw AuthError(e.code(), e.message(), e.http_status());
            throw;
        } catch (const ConnectionError& e) {
            http_.reset();
            if (!failures.empty()) failures += "; ";
            failures += e.message();
            last = std::current_exception();
        }
    }
    if (options_.endpoints.size() == 1 && last) std::rethrow_exception(last);
    try {
        std::rethrow_exception(last);
    } catch (const TimeoutError& e) {
        throw TimeoutError(e.code(), "no endpoint answered: " + failures);
    } catch (const ConnectionError& e) {
        throw ConnectionError(e.code(), "no endpoint answered: " + failures);
    }
}

RestConnection::~RestConnection() { close(); }

HttpClient& RestConnection::client() {
    if (closed_.load() || !http_) throw ConnectionError(code::ConnectionClosed, "the connection is closed");
    return *http_;
}

std::string RestConnection::query_string(const RequestOptions& opts, bool first) const {
    std::string q;
    auto add = [&](const char* key, const std::string& value) {
        q += first && q.empty() ? '?' : '&';
        q += key;
        q += '=';
        q += url_encode(value);
    };
    if (opts.req_id != 0) add("req_id", std::to_string(opts.req_id));
    if (!options_.tz.empty()) add("tz", options_.tz);
    if (!options_.conn_tz.empty()) add("conn_tz", options_.conn_tz);
    if (!options_.app.empty()) add("app", options_.app);
    if (options_.auth == AuthMode::CloudToken) add("token", options_.token);
    return q;
}

void RestConnection::raise_http_error(const HttpResponse& r) const {
    const ErrorBody eb = parse_error_body(r.body);
    const std::string status = http_status_text(r);
    const bool unavailable = r.status == 502 || r.status == 503 || r.status == 504;
    if (eb.shape == ErrorBody::Shape::Object && eb.code) {
        const int c = static_cast<int>(*eb.code & 0xFFFF);
        const std::string msg = eb.message.empty() ? status : eb.message;
        if (r.status == 401) throw AuthError(c, msg, r.status);
        if (unavailable) throw ConnectionError(c, msg + " (" + status + ")", r.status);
        raise_server_error(c, msg, r.status);
    }
    const std::string detail =
        eb.shape == ErrorBody::Shape::BareString ? ": " + snippet(eb.message)
        : r.body.empty()                         ? std::string()
                                                 : ": " + snippet(r.body);
    if (r.status == 401) throw AuthError(code::Unauthorized, status + detail, r.status);
    if (unavailable) {
        throw ConnectionError(r.status == 503 ? code::Generic : code::NetworkUnavailable,
                              "taosAdapter at " + http_->label() + " is unavailable: " + status + detail, r.status);
    }
    if (r.status >= 500) throw ServerError(code::Generic, status + detail, r.status);
    if (r.status == 404) {
        throw ServerError(code::Generic, status + " for a taosAdapter route; is " + http_->label() + " a taosAdapter?", r.status);
    }
    throw ServerError(code::Generic, status + detail, r.status);
}

std::unique_ptr<Result> RestConnection::run_sql(std::string_view sql, const std::string& db, const RequestOptions& opts) {
    HttpRequest req;
    req.target = "/rest/sql";
    if (!db.empty()) req.target += "/" + url_encode(db);
    req.target += query_string(opts, true);
    req.body = std::string(sql);
    HttpReply reply = client().send(req);
    if (reply.status != 200) {
        // Error bodies are small; read at most 1 MB of one for the message.
        HttpResponse r{reply.status, std::move(reply.reason), {}};
        char buf[16384];
        for (std::size_t n; r.body.size() < (1u << 20) && (n = reply.body->read(buf, sizeof buf)) > 0;) r.body.append(buf, n);
        raise_http_error(r);
    }
    return std::make_unique<RestResult>(std::move(reply.body));
}

std::unique_ptr<Result> RestConnection::query(std::string_view sql, const RequestOptions& opts) {
    const std::string use_db = parse_use_statement(sql);
    auto result = run_sql(sql, database(), opts);
    if (!use_db.empty()) {
        std::lock_guard lock(mu_);
        database_ = use_db;
    }
    return result;
}

void RestConnection::select_db(std::string_view db) {
    run_sql(plugin::select_db_statement(db), std::string(), {});
    std::lock_guard lock(mu_);
    database_ = std::string(db);
}

std::string RestConnection::database() const {
    std::lock_guard lock(mu_);
    return database_;
}

std::string RestConnection::server_version() {
    {
        std::lock_guard lock(mu_);
        if (!version_.empty()) return version_;
    }
    auto r = run_sql("select server_version()", std::string(), {});
    auto b = r->next_block();
    if (!b || b->rows() == 0 || b->columns() == 0 || b->column(0).is_null(0)) {
        throw ProtocolError("select server_version() returned no value");
    }
    std::lock_guard lock(mu_);
    version_ = std::string(b->column(0).bytes(0));
    return version_;
}

std::int64_t RestConnection::schemaless_insert(const SchemalessRequest& request) {
    const std::string db = request.database.empty() ? database() : request.database;
    if (db.empty()) {
        throw UsageError(code::InvalidArgument, "schemaless insert needs a database: give one in the request, the DSN or select_db()");
    }
    HttpRequest req;
    bool first = true;
    auto add = [&](const char* key, const std::string& value) {
        req.target += first ? '?' : '&';
        first = false;
        req.target += key;
        req.target += '=';
        req.target += url_encode(value);
    };
    switch (request.protocol) {
        case SchemalessProtocol::Line:
            req.target = "/influxdb/v1/write";
            add("db", db);
            if (const char* p = plugin::schemaless_precision_text(request.precision); *p) add("precision", p);
            break;
        case SchemalessProtocol::Telnet:
            req.target = "/opentsdb/v1/put/telnet/" + url_encode(db);
            break;
        case SchemalessProtocol::Json:
            req.target = "/opentsdb/v1/put/json/" + url_encode(db);
            req.content_type = "application/json";
            break;
        default:
            throw UsageError(code::InvalidArgument, "schemaless insert: unknown protocol");
    }
    if (request.ttl != 0) add("ttl", std::to_string(request.ttl));
    if (!request.table_name_key.empty()) add("table_name_key", request.table_name_key);
    if (request.options.req_id != 0) add("req_id", std::to_string(static_cast<std::uint64_t>(request.options.req_id)));
    if (!options_.app.empty()) add("app", options_.app);
    if (options_.auth == AuthMode::CloudToken) add("token", options_.token);
    req.body = request.lines;

    const HttpResponse r = client().post(req);
    if (r.status >= 200 && r.status < 300) return -1;  // 204: written, row count not reported

    const ErrorBody eb = parse_error_body(r.body);
    const std::string status = http_status_text(r);
    std::string msg = eb.shape != ErrorBody::Shape::None && !eb.message.empty() ? eb.message
                      : r.body.empty()                                          ? status
                                                                                : status + ": " + snippet(r.body);
    const auto code_in_msg = code_from_message(msg);
    if (r.status == 401) throw AuthError(code_in_msg.value_or(code::Unauthorized), msg, r.status);
    if (r.status == 502 || r.status == 503 || r.status == 504) {
        throw ConnectionError(code_in_msg.value_or(code::Generic), msg + " (" + status + ")", r.status);
    }
    raise_server_error(code_in_msg.value_or(kSmlInvalidData), msg, r.status);
}

std::unique_ptr<Stmt> RestConnection::statement() {
    throw NotSupportedError("prepared statements are not available over REST (taos-rest); use a ws:// or taos:// DSN");
}

void RestConnection::close() noexcept {
    if (closed_.exchange(true)) return;
    if (http_) http_->close();
}

std::unique_ptr<Connection> connect_rest(const Dsn& dsn) {
    RestOptions options = options_from_dsn(dsn);
    return std::make_unique<RestConnection>(std::move(options), to_string(dsn, true));
}

}  // namespace taoslink::rest
