// What a taos-ws connection is configured with, taken from its DSN (README.md lists every key).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "dsn_params.hpp"
#include "taoslink/dsn.hpp"

namespace taoslink::ws {

inline constexpr std::uint16_t kDefaultPort = 6041;

/// Which statement API Connection::statement() uses (DSN `stmt=v1|v2`; default auto).
using StmtApi = plugin::StmtApi;

/// How a taos-ws connection reaches taosAdapter and logs in.
struct WsOptions {
    bool tls = false;
    std::vector<Endpoint> endpoints;  ///< with defaults applied; tried in order, cycled on reconnect
    std::string path = "/ws";
    std::string user = "root";
    std::string password = "taosdata";
    std::string token;         ///< cloud token, sent as `?token=` on the upgrade URL
    std::string bearer_token;  ///< TDengine 3.4 token, sent in `conn`
    std::string database;
    std::string tz;   ///< `tz` in `conn` (connection time zone)
    std::string app;  ///< `app` in `conn`
    std::chrono::microseconds connect_timeout = std::chrono::seconds(10);
    std::chrono::microseconds read_timeout = std::chrono::seconds(300);
    std::chrono::microseconds ping_interval = std::chrono::seconds(30);  ///< 0: no client pings
    bool tls_verify = true;
    std::string ca_file;  ///< empty: the system's default CA store
    int conn_retries = 5;  ///< reconnect attempts after a dropped link (each cycles to the next endpoint)
    std::chrono::milliseconds retry_backoff{200};
    std::chrono::milliseconds retry_backoff_max{2000};
    StmtApi stmt = StmtApi::Auto;  ///< auto: stmt2 when the server version is >= 3.3.3.0
};

/// Reads a taos-ws DSN (schemes ws, wss, taosws, taos+ws, taos+wss). Throws DsnError for bad
/// values, naming the key and never the password or a token.
WsOptions options_from_dsn(const Dsn& dsn);

using plugin::endpoint_label;  // plugins/common/dsn_params.hpp
using plugin::parse_seconds;

}  // namespace taoslink::ws
