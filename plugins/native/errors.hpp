// How taos-native turns taosc's error codes into taoslink exceptions (README.md "Errors").
#pragma once

#include <string>

#include "taosc_library.hpp"

namespace taoslink::native {

/// Throws the exception for a taosc error: AuthError for 0x0357 (and, `at_connect`, every
/// user/authentication code 0x0350..0x0357), TimeoutError for 0x0019, ConnectionError for network
/// codes, ServerError otherwise. `code` is masked to 16 bits (taosc returns 0x8000xxxx);
/// `context` ("query", "connect to 127.0.0.1:6030") prefixes the message.
[[noreturn]] void raise_taosc_error(int code, const std::string& message, const std::string& context = "",
                                    bool at_connect = false);

/// Throws for the error of `res` (NULL: the calling thread's last error), read with taos_errno and
/// taos_errstr right away, because taosc keeps the NULL form per thread.
[[noreturn]] void raise_last_error(const Taosc& t, TAOS_RES* res, const std::string& context = "",
                                   bool at_connect = false);

/// Throws NotSupportedError saying which taosc function this library lacks.
[[noreturn]] void raise_missing(const Taosc& t, const char* function, const std::string& what);

}  // namespace taoslink::native
