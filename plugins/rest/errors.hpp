// How taos-rest turns what the server said into taoslink exceptions (README.md "Errors").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "error_codes.hpp"  // plugins/common

namespace taoslink::rest {

/// TDengine's "invalid data format" schemaless code, used when an Influx/OpenTSDB error body
/// carries no TDengine code of its own.
inline constexpr int kSmlInvalidData = 0x3002;
/// Authentication failure: the user is unknown or the password wrong (TDengine 0x0357).
inline constexpr int kAuthFailure = 0x0357;

using plugin::is_auth_code;  // plugins/common/error_codes.hpp

/// Throws the exception for a TDengine error reported by the server: AuthError for 0x0357,
/// ServerError otherwise. `code` is masked to 16 bits.
[[noreturn]] void raise_server_error(int code, std::string message, int http_status = 0);

/// What a JSON error body says. taosAdapter has three shapes: REST `{"code":int,"desc":str}`,
/// Influx `{"code":str,"message":str}`, OpenTSDB `{"code":http_status,"message":str}`; and the
/// memory guard's bare JSON string.
struct ErrorBody {
    enum class Shape { None, Object, BareString } shape = Shape::None;
    std::optional<long long> code;  ///< numeric `code`
    std::string code_text;          ///< string `code` (Influx)
    std::string message;            ///< `desc` or `message`, or the bare string
};

/// Parses an error body; Shape::None when it is not JSON of one of the shapes above.
ErrorBody parse_error_body(std::string_view body);

/// Extracts the TDengine code that taosAdapter's Go driver prefixes to messages ("[0x3002] ...").
std::optional<int> code_from_message(std::string_view message) noexcept;

/// Cuts `text` to at most `max` bytes for an error message ("..." appended when cut).
std::string snippet(std::string_view text, std::size_t max = 200);

}  // namespace taoslink::rest
