// What a taos-rest connection is configured with, taken from its DSN (README.md lists every key).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dsn_params.hpp"
#include "taoslink/dsn.hpp"

namespace taoslink::rest {

/// How requests authenticate (protocol.md §1.2).
enum class AuthMode : std::uint8_t {
    Basic,        ///< Authorization: Basic base64(user:password)
    CloudToken,   ///< ?token=... and no Authorization header (TDengine Cloud)
    BearerToken,  ///< Authorization: Bearer <token> (TDengine 3.4 token auth)
};

struct RestOptions {
    bool tls = false;
    std::vector<Endpoint> endpoints;  ///< hosts and ports with defaults applied, tried in order at connect
    std::string user = "root";
    std::string password = "taosdata";
    AuthMode auth = AuthMode::Basic;
    std::string token;  ///< cloud token or bearer token, per `auth`
    std::string database;
    std::chrono::microseconds connect_timeout = std::chrono::seconds(10);
    std::chrono::microseconds read_timeout = std::chrono::seconds(300);
    std::string tz;       ///< `tz` query parameter (render zone)
    std::string conn_tz;  ///< `conn_tz` query parameter (connection zone)
    std::string app;      ///< `app` query parameter
    bool tls_verify = true;
    std::string ca_file;          ///< empty: the system's default CA store
    std::size_t max_idle = 8;     ///< idle keep-alive sessions kept per connection
    bool verify_on_connect = true;  ///< run one statement at connect to check address and credentials
};

inline constexpr std::uint16_t kDefaultPort = 6041;

/// Reads a taos-rest DSN (schemes http, https, taosrest). Throws DsnError for bad values, naming
/// the key and never the password or a token.
RestOptions options_from_dsn(const Dsn& dsn);

using plugin::endpoint_label;  // plugins/common/dsn_params.hpp
using plugin::parse_seconds;

}  // namespace taoslink::rest
