// How taos-ws turns what taosAdapter said into taoslink exceptions (README.md "Errors").
#pragma once

#include <string>

namespace taoslink::ws {

/// Whether `code` is one of TDengine's user/authentication codes (0x0350..0x0357).
bool is_auth_code(int code) noexcept;

/// Throws the exception for an error reported by taosAdapter or TDengine: AuthError for
/// 0x0357 (and, with `at_login`, every user/authentication code), ServerError otherwise.
/// `code` is masked to 16 bits; an empty message becomes "unknown error".
[[noreturn]] void raise_server_error(int code, std::string message, bool at_login = false);

}  // namespace taoslink::ws
