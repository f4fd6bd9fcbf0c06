#include "options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "taoslink/error.hpp"

namespace taoslink::ws {

std::chrono::microseconds parse_seconds(const std::string& key, const std::string& value, bool allow_zero) {
    errno = 0;
    char* end = nullptr;
    const double secs = std::strtod(value.c_str(), &end);
    const bool ok = !value.empty() && end == value.c_str() + value.size() && errno == 0 && std::isfinite(secs) &&
                    (secs > 0 || (allow_zero && secs == 0)) && secs <= 365.0 * 24 * 3600;
    if (!ok) {
        throw DsnError("DSN parameter '" + key + "' must be a " + (allow_zero ? "non-negative" : "positive") +
                       " number of seconds, got '" + value + "'");
    }
    if (secs == 0) return std::chrono::microseconds(0);
    const auto us = static_cast<std::int64_t>(std::llround(secs * 1e6));
    return std::chrono::microseconds(us < 1 ? 1 : us);
}

std::string endpoint_label(const Endpoint& ep) {
    const bool v6 = ep.host.find(':') != std::string::npos;
    return (v6 ? "[" + ep.host + "]" : ep.host) + ":" + std::to_string(ep.port);
}

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
    for (const auto& ep : dsn.endpoints) {
        Endpoint e = ep;
        if (e.host.empty()) e.host = "localhost";
        if (e.port == 0) e.port = kDefaultPort;
        o.endpoints.push_back(std::move(e));
    }
    if (o.endpoints.empty()) o.endpoints.push_back(Endpoint{"localhost", kDefaultPort});

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

    if (auto t = dsn.param("timeout")) o.connect_timeout = o.read_timeout = parse_seconds("timeout", *t);
    if (auto t = dsn.param("connect_timeout")) o.connect_timeout = parse_seconds("connect_timeout", *t);
    if (auto t = dsn.param("read_timeout")) o.read_timeout = parse_seconds("read_timeout", *t);
    if (auto t = dsn.param("ping_interval")) o.ping_interval = parse_seconds("ping_interval", *t, true);

    if (auto tz = dsn.param("tz")) o.tz = *tz;
    if (auto tz = dsn.param("timezone")) {
        if (!o.tz.empty() && o.tz != *tz) throw DsnError("DSN parameters 'tz' and 'timezone' disagree");
        o.tz = *tz;
    }
    if (auto app = dsn.param("app")) o.app = *app;

    o.tls_verify = dsn.flag("tls_verify", dsn.flag("verify", true));
    if (auto ca = dsn.param("ca_file")) o.ca_file = *ca;
    if (auto ca = dsn.param("tls_ca")) {
        if (!o.ca_file.empty() && o.ca_file != *ca) throw DsnError("DSN parameters 'ca_file' and 'tls_ca' disagree");
        o.ca_file = *ca;
    }
    if (!o.ca_file.empty()) {
        std::error_code ec;
        if (!std::filesystem::exists(o.ca_file, ec)) {
            throw DsnError("CA file '" + o.ca_file + "' (DSN parameter ca_file) does not exist");
        }
    }

    const auto retries = dsn.integer("conn_retries", o.conn_retries);
    if (retries > 1000) throw DsnError("DSN parameter 'conn_retries' must be at most 1000");
    o.conn_retries = static_cast<int>(retries);
    const auto backoff = dsn.integer("retry_backoff_ms", o.retry_backoff.count());
    const auto backoff_max = dsn.integer("retry_backoff_max_ms", o.retry_backoff_max.count());
    if (backoff > 3600000 || backoff_max > 3600000) throw DsnError("DSN retry back-off must be at most one hour");
    o.retry_backoff = std::chrono::milliseconds(backoff);
    o.retry_backoff_max = std::chrono::milliseconds(backoff_max < backoff ? backoff : backoff_max);
    if (auto st = dsn.param("stmt")) {
        if (*st == "v1") o.stmt = StmtApi::V1;
        else if (*st == "v2") o.stmt = StmtApi::V2;
        else if (*st == "auto") o.stmt = StmtApi::Auto;
        else throw DsnError("DSN parameter 'stmt' must be v1, v2 or auto");
    }
    return o;
}

}  // namespace taoslink::ws
