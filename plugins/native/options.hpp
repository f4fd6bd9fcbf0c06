// The taos-native DSN: taos://[user[:password]@][host][:port][/database][?key=value&...]
// (README.md "DSN"). Parsing is a pure function; unknown parameters are refused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dsn_params.hpp"  // plugins/common (taoslink_plugin_base: no Poco)
#include "taoslink/dsn.hpp"

namespace taoslink::native {

using StmtApi = plugin::StmtApi;  // DSN `stmt=v1|v2|auto`

struct NativeOptions {
    std::string host;        ///< empty: taosc's firstEp (taos.cfg)
    std::uint16_t port = 0;  ///< 0: taosc's serverPort
    std::string user = "root";
    std::string password = "taosdata";
    std::string database;
    std::string libtaos;     ///< `libtaos=`: the client library file, empty to search
    std::string config_dir;  ///< `config=`: taos.cfg's folder (process-global)
    std::string timezone;    ///< `tz` / `timezone`
    std::string charset;     ///< `charset`
    std::string app;         ///< `app`
    std::string user_ip;     ///< `user_ip`
    StmtApi stmt = StmtApi::Auto;
};

/// The parameters a taos:// DSN accepts.
const std::vector<std::string>& accepted_parameters();

/// Reads a taos:// DSN. Throws DsnError for more than one endpoint, an unknown parameter or a bad
/// value (never quoting the password).
NativeOptions options_from_dsn(const Dsn& dsn);

}  // namespace taoslink::native
