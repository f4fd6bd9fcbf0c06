#include "dsn_params.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "taoslink/error.hpp"

namespace taoslink::plugin {

std::string endpoint_label(const Endpoint& ep) {
    const bool v6 = ep.host.find(':') != std::string::npos;
    return (v6 ? "[" + ep.host + "]" : ep.host) + ":" + std::to_string(ep.port);
}

std::vector<Endpoint> endpoints_or_default(const Dsn& dsn, std::uint16_t default_port) {
    std::vector<Endpoint> out;
    for (const auto& ep : dsn.endpoints) {
        Endpoint e = ep;
        if (e.host.empty()) e.host = "localhost";
        if (e.port == 0) e.port = default_port;
        out.push_back(std::move(e));
    }
    if (out.empty()) out.push_back(Endpoint{"localhost", default_port});
    return out;
}

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
    return std::chrono::microseconds(us < 1 ? 1 : us);  // a tiny positive value still means "some"
}

std::string seconds_text(std::chrono::microseconds us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g s", static_cast<double>(us.count()) / 1e6);
    return buf;
}

void read_timeouts(const Dsn& dsn, std::chrono::microseconds& connect_timeout, std::chrono::microseconds& read_timeout) {
    if (auto t = dsn.param("timeout")) connect_timeout = read_timeout = parse_seconds("timeout", *t);
    if (auto t = dsn.param("connect_timeout")) connect_timeout = parse_seconds("connect_timeout", *t);
    if (auto t = dsn.param("read_timeout")) read_timeout = parse_seconds("read_timeout", *t);
}

std::string timezone_param(const Dsn& dsn) {
    std::string tz = dsn.param_or("tz", "");
    if (auto alias = dsn.param("timezone")) {
        if (!tz.empty() && tz != *alias) throw DsnError("DSN parameters 'tz' and 'timezone' disagree");
        tz = *alias;
    }
    return tz;
}

TlsParams tls_params(const Dsn& dsn) {
    TlsParams p;
    p.verify = dsn.flag("tls_verify", dsn.flag("verify", true));
    if (auto ca = dsn.param("ca_file")) p.ca_file = *ca;
    if (auto ca = dsn.param("tls_ca")) {
        if (!p.ca_file.empty() && p.ca_file != *ca) throw DsnError("DSN parameters 'ca_file' and 'tls_ca' disagree");
        p.ca_file = *ca;
    }
    if (!p.ca_file.empty()) {
        std::error_code ec;
        if (!std::filesystem::exists(p.ca_file, ec)) {
            throw DsnError("CA file '" + p.ca_file + "' (DSN parameter ca_file) does not exist");
        }
    }
    return p;
}

StmtApi stmt_api_param(const Dsn& dsn, StmtApi fallback) {
    const auto st = dsn.param("stmt");
    if (!st) return fallback;
    if (*st == "v1") return StmtApi::V1;
    if (*st == "v2") return StmtApi::V2;
    if (*st == "auto") return StmtApi::Auto;
    throw DsnError("DSN parameter 'stmt' must be v1, v2 or auto");
}

}  // namespace taoslink::plugin
