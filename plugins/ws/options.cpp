#include "options.hpp"

#include "taoslink/error.hpp"

namespace taoslink::ws {

WsOptions options_from_dsn(const Dsn& dsn) {
    WsOptions o;
    if (dsn.scheme == "wss" || dsn.scheme == "taos+wss") {
        o.tls = true;
    } else if (dsn.scheme == "ws" || dsn.scheme == "taos+ws") {
        o.tls = false;
    } else if (dsn.scheme == "taosws") {
        o.tls = dsn.flag("ssl", dsn.flag("tls", false));
    } else {
        throw DsnError("the taos-ws plugin does not serve the scheme '" + dsn.scheme + "'");
    }
    o.endpoints = plugin::endpoints_or_default(dsn, kDefaultPort);

    if (dsn.user) o.user = *dsn.user;
    if (dsn.password) o.password = *dsn.password;
    o.database = dsn.database;
    if (auto t = dsn.param("token")) {
        if (t->empty()) throw DsnError("DSN parameter 'token' is empty");
        o.token = *t;
    }
    if (auto t = dsn.param("bearer_token")) {
        if (t->empty()) throw DsnError("DSN parameter 'bearer_token' is empty");
        o.bearer_token = *t;
    }

    plugin::read_timeouts(dsn, o.connect_timeout, o.read_timeout);
    if (auto t = dsn.param("ping_interval")) o.ping_interval = parse_seconds("ping_interval", *t, true);

    o.tz = plugin::timezone_param(dsn);
    if (auto app = dsn.param("app")) o.app = *app;

    auto tls = plugin::tls_params(dsn);
    o.tls_verify = tls.verify;
    o.ca_file = std::move(tls.ca_file);

    const auto retries = dsn.integer("conn_retries", o.conn_retries);
    if (retries > 1000) throw DsnError("DSN parameter 'conn_retries' must be at most 1000");
    o.conn_retries = static_cast<int>(retries);
    const auto backoff = dsn.integer("retry_backoff_ms", o.retry_backoff.count());
    const auto backoff_max = dsn.integer("retry_backoff_max_ms", o.retry_backoff_max.count());
    if (backoff > 3600000 || backoff_max > 3600000) throw DsnError("DSN retry back-off must be at most one hour");
    o.retry_backoff = std::chrono::milliseconds(backoff);
    o.retry_backoff_max = std::chrono::milliseconds(backoff_max < backoff ? backoff : backoff_max);
    o.stmt = plugin::stmt_api_param(dsn, o.stmt);
    return o;
}

}  // namespace taoslink::ws
