// How taos-ws turns what taosAdapter said into taoslink exceptions (README.md "Errors").
#pragma once

#include <string>

#include "error_codes.hpp"  // plugins/common

namespace taoslink::ws {

using plugin::is_auth_code;  // plugins/common/error_codes.hpp

/// Throws the exception for an error reported by taosAdapter or TDengine: AuthError for
/// 0x0357 (and, with `at_login`, every user/authentication code), ServerError otherwise.
/// `code` is masked to 16 bits; an empty message becomes "unknown error".
[[noreturn]] void raise_server_error(int code, std::string message, bool at_login = false);

}  // namespace taoslink::ws
