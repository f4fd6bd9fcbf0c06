#include "options.hpp"

#include <algorithm>

#include "taoslink/error.hpp"

namespace taoslink::native {

const std::vector<std::string>& accepted_parameters() {
    static const std::vector<std::string> keys = {"app",  "charset", "config",   "libtaos",
                                                  "stmt", "timezone", "tz",      "user_ip"};
    return keys;
}

NativeOptions options_from_dsn(const Dsn& dsn) {
    if (dsn.scheme != "taos") throw DsnError("the taos-native plugin does not serve the scheme '" + dsn.scheme + "'");
    for (const auto& [key, value] : dsn.params) {
        const auto& keys = accepted_parameters();
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            std::string list;
            for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
            throw DsnError("unknown DSN parameter '" + key + "' for taos://; taos-native accepts: " + list);
        }
    }
    if (dsn.endpoints.size() > 1) {
        // taosc takes one endpoint; its fail-over list is firstEp/secondEp in taos.cfg.
        throw DsnError("taos:// takes one host[:port]; put a second endpoint in taos.cfg (secondEp, see config=)");
    }
    NativeOptions o;
    if (!dsn.endpoints.empty()) {
        o.host = dsn.endpoints.front().host;
        o.port = dsn.endpoints.front().port;
    }
    if (dsn.user) o.user = *dsn.user;
    if (dsn.password) o.password = *dsn.password;
    o.database = dsn.database;
    o.libtaos = dsn.param_or("libtaos", "");
    o.config_dir = dsn.param_or("config", "");
    o.timezone = plugin::timezone_param(dsn);
    o.charset = dsn.param_or("charset", "");
    o.app = dsn.param_or("app", "");
    o.user_ip = dsn.param_or("user_ip", "");
    o.stmt = plugin::stmt_api_param(dsn, o.stmt);
    return o;
}

}  // namespace taoslink::native
