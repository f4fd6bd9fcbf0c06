#include "errors.hpp"

#include "error_codes.hpp"  // plugins/common
#include "taoslink/error.hpp"

namespace taoslink::native {

namespace {

// taosc's RPC codes for an unreachable or broken server (taoserror.h TSDB_CODE_RPC_*), and an
// invalid connection handle.
bool is_network_code(int code) noexcept {
    switch (code) {
        case code::NetworkUnavailable:  // 0x000B
        case 0x0015:                    // FQDN error
        case code::BrokenLink:          // 0x0018
        case 0x0020:                    // some node not connected
        case 0x0021:                    // max sessions / retries
        case code::InvalidConnection:   // 0x020B
            return true;
        default:
            return false;
    }
}

}  // namespace

void raise_taosc_error(int code, const std::string& message, const std::string& context, bool at_connect) {
    code &= 0xFFFF;
    std::string text = message.empty() ? "unknown error" : message;
    if (!context.empty()) text = context + ": " + text;
    if (code == code::AuthFailure || (at_connect && plugin::is_auth_code(code))) throw AuthError(code, std::move(text));
    if (code == code::RpcTimeout) throw TimeoutError(code, std::move(text));
    if (is_network_code(code)) throw ConnectionError(code, std::move(text));
    throw ServerError(code, std::move(text));
}

void raise_last_error(const Taosc& t, TAOS_RES* res, const std::string& context, bool at_connect) {
    const int code = t.taos_errno(res);
    const char* msg = t.taos_errstr(res);
    raise_taosc_error(code == 0 ? code::Generic : code, msg ? msg : "", context, at_connect);
}

void raise_missing(const Taosc& t, const char* function, const std::string& what) {
    throw NotSupportedError(what + " needs taosc's " + function + ", which " +
                            (t.path.empty() ? std::string("this client library") : t.path) + " (version " +
                            (t.client_version.empty() ? std::string("unknown") : t.client_version) +
                            ") does not export");
}

}  // namespace taoslink::native
