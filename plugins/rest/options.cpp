#include "options.hpp"

#include "taoslink/error.hpp"

namespace taoslink::rest {

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

    o.endpoints = plugin::endpoints_or_default(dsn, kDefaultPort);

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

    plugin::read_timeouts(dsn, o.connect_timeout, o.read_timeout);
    o.tz = plugin::timezone_param(dsn);
    if (auto tz = dsn.param("conn_tz")) o.conn_tz = *tz;
    if (auto app = dsn.param("app")) o.app = *app;

    auto tls = plugin::tls_params(dsn);
    o.tls_verify = tls.verify;
    o.ca_file = std::move(tls.ca_file);
    o.max_idle = static_cast<std::size_t>(dsn.integer("pool_size", static_cast<std::int64_t>(o.max_idle)));
    o.verify_on_connect = dsn.flag("verify_connection", true);
    return o;
}

}  // namespace taoslink::rest
