#include "options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "taoslink/error.hpp"

namespace taoslink::rest {

std::chrono::microseconds parse_seconds(const std::string& key, const std::string& value) {
    errno = 0;
    char* end = nullptr;
    const double secs = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || errno != 0 || !std::isfinite(secs) || secs <= 0 ||
        secs > 365.0 * 24 * 3600) {
        throw DsnError("DSN parameter '" + key + "' must be a positive number of seconds, got '" + value + "'");
    }
    auto us = static_cast<std::int64_t>(std::llround(secs * 1e6));
    if (us < 1) us = 1;
    return std::chrono::microseconds(us);
}

std::string endpoint_label(const Endpoint& ep) {
    const bool v6 = ep.host.find(':') != std::string::npos;
    return (v6 ? "[" + ep.host + "]" : ep.host) + ":" + std::to_string(ep.port);
}

RestOptions options_from_dsn(const Dsn& dsn) {
    RestOptions o;
    if (dsn.scheme == "https") {
        o.tls = true;
    } else if (dsn.scheme == "http") {
        o.tls = false;
    } else if (dsn.scheme == "taosrest") {
        // taosrest://host:6041 is plain HTTP unless asked otherwise.
        o.tls = dsn.flag("ssl", dsn.flag("tls", false));
    } else {
        throw DsnError("the taos-rest plugin does not serve the scheme '" + dsn.scheme + "'");
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

    const auto token = dsn.param("token");
    const auto bearer = dsn.param("bearer_token");
    if (token && bearer) throw DsnError("DSN parameters 'token' and 'bearer_token' cannot be used together");
    if (token) {
        if (token->empty()) throw DsnError("DSN parameter 'token' is empty");
        o.auth = AuthMode::CloudToken;
        o.token = *token;
    } else if (bearer) {
        if (bearer->empty()) throw DsnError("DSN parameter 'bearer_token' is empty");
        o.auth = AuthMode::BearerToken;
        o.token = *bearer;
    } else if (o.user.empty() || o.password.empty()) {
        // taosAdapter rejects Basic credentials with an empty part (0x1124); say so up front.
        throw DsnError("user name and password must both be non-empty for Basic authentication");
    }

    if (auto t = dsn.param("timeout")) {
        o.connect_timeout = o.read_timeout = parse_seconds("timeout", *t);
    }
    if (auto t = dsn.param("connect_timeout")) o.connect_timeout = parse_seconds("connect_timeout", *t);
    if (auto t = dsn.param("read_timeout")) o.read_timeout = parse_seconds("read_timeout", *t);

    if (auto tz = dsn.param("tz")) o.tz = *tz;
    if (auto tz = dsn.param("timezone")) {
        if (!o.tz.empty() && o.tz != *tz) throw DsnError("DSN parameters 'tz' and 'timezone' disagree");
        o.tz = *tz;
    }
    if (auto tz = dsn.param("conn_tz")) o.conn_tz = *tz;
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
    o.max_idle = static_cast<std::size_t>(dsn.integer("pool_size", static_cast<std::int64_t>(o.max_idle)));
    o.verify_on_connect = dsn.flag("verify_connection", true);
    return o;
}

}  // namespace taoslink::rest
