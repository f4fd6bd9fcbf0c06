// DSN parameters the plugins read the same way: endpoints, timeouts, time zone, TLS, statement API.
// Needs no Poco: taos-native links it too (taoslink_plugin_base).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "taoslink/dsn.hpp"

namespace taoslink::plugin {

/// "host:port", IPv6 hosts in brackets; for messages (never carries credentials).
std::string endpoint_label(const Endpoint& ep);

/// The DSN's endpoints with an empty host as "localhost" and port 0 as `default_port`; one
/// localhost endpoint when the DSN names none.
std::vector<Endpoint> endpoints_or_default(const Dsn& dsn, std::uint16_t default_port);

/// A duration given in (possibly fractional) seconds. Throws DsnError naming `key` unless it is a
/// positive number of at most a year (or 0, with `allow_zero`).
std::chrono::microseconds parse_seconds(const std::string& key, const std::string& value, bool allow_zero = false);

/// A duration for messages: "2.5 s".
std::string seconds_text(std::chrono::microseconds us);

/// Applies `timeout` (both), then `connect_timeout` and `read_timeout`, to the given defaults.
void read_timeouts(const Dsn& dsn, std::chrono::microseconds& connect_timeout, std::chrono::microseconds& read_timeout);

/// `tz` or its alias `timezone` (DsnError when both are given and differ); empty when neither.
std::string timezone_param(const Dsn& dsn);

/// Certificate checks: `tls_verify` (alias `verify`, default true) and `ca_file` (alias `tls_ca`),
/// which must exist when given.
struct TlsParams {
    bool verify = true;
    std::string ca_file;
};
TlsParams tls_params(const Dsn& dsn);

/// Which statement API Connection::statement() uses (DSN `stmt=v1|v2|auto`; default auto).
enum class StmtApi { Auto, V1, V2 };

/// `stmt`, `fallback` when absent. Throws DsnError for any value but v1, v2 and auto.
StmtApi stmt_api_param(const Dsn& dsn, StmtApi fallback = StmtApi::Auto);

}  // namespace taoslink::plugin
