#include "options.hpp"

#include <algorithm>

#include "taoslink/error.hpp"

namespace taoslink::native {

namespace {

// As plugins/common's timezone_param, without linking that library's TLS (and Poco) into a
// plugin that never opens a socket itself.
std::string timezone_param(const Dsn& dsn) {
    const auto tz = dsn.param("tz"), timezone = dsn.param("timezone");
    if (tz && timezone && *tz != *timezone) throw DsnError("DSN parameters 'tz' and 'timezone' disagree");
    return tz ? *tz : timezone ? *timezone : std::string();
}

}  // namespace

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
    o.timezone = timezone_param(dsn);
    o.charset = dsn.param_or("charset", "");
    o.app = dsn.param_or("app", "");
    o.user_ip = dsn.param_or("user_ip", "");
    if (auto st = dsn.param("stmt")) {
        if (*st == "v1") o.stmt = StmtApi::V1;
        else if (*st == "v2") o.stmt = StmtApi::V2;
        else if (*st == "auto") o.stmt = StmtApi::Auto;
        else throw DsnError("DSN parameter 'stmt' must be v1, v2 or auto");
    }
    return o;
}

}  // namespace taoslink::native
