#include "errors.hpp"

#include "taoslink/error.hpp"

namespace taoslink::ws {

void raise_server_error(int code, std::string message, bool at_login) {
    code &= 0xFFFF;
    if (message.empty()) message = "unknown error";
    if (code == code::AuthFailure || (at_login && is_auth_code(code))) throw AuthError(code, std::move(message));
    throw ServerError(code, std::move(message));
}

}  // namespace taoslink::ws
