// Errors: one exception tree, typed by what the caller should do next, each carrying
// TDengine's error code (the 16-bit code as it travels on the wire) and message.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace taoslink {

/// TDengine and client-side codes the library itself raises (protocol.md §6).
namespace code {
inline constexpr int Success = 0x0000;
inline constexpr int NetworkUnavailable = 0x000B;  ///< connect refused / host unreachable
inline constexpr int BrokenLink = 0x0018;          ///< the peer closed mid-exchange
inline constexpr int RpcTimeout = 0x0019;          ///< read or connect timeout
inline constexpr int InvalidPara = 0x0118;
inline constexpr int OperationTimeout = 0x012C;
inline constexpr int InvalidOperation = 0x0200;
inline constexpr int InvalidConnection = 0x020B;
inline constexpr int AuthFailure = 0x0357;
inline constexpr int Generic = 0xFFFF;  ///< taosAdapter's code for non-native failures
// Client-side codes (>= 0xE000), shared with the Rust/WebSocket connector's numbering.
inline constexpr int DsnError = 0xE000;
inline constexpr int ConnectionClosed = 0xE002;
inline constexpr int IoError = 0xE005;
inline constexpr int Unauthorized = 0xE006;
inline constexpr int ProtocolError = 0xE007;  ///< a reply we cannot decode
inline constexpr int TlsError = 0xE009;
inline constexpr int PluginError = 0xE100;
inline constexpr int NotSupported = 0xE101;
inline constexpr int Interrupted = 0xE102;
inline constexpr int InvalidArgument = 0xE103;
}  // namespace code

/// Root of every exception taoslink throws. `code()` is TDengine's code masked to 16 bits.
class Error : public std::runtime_error {
public:
    /// `http_status` is the HTTP status of the reply that carried the error (REST), 0 otherwise.
    Error(int code, std::string message, int http_status = 0);
    int code() const noexcept { return code_; }
    /// The message alone, without the "[0x....]" prefix that what() carries.
    const std::string& message() const noexcept { return message_; }
    /// The HTTP status of the reply that carried this error, 0 when none (not HTTP, or no reply).
    int http_status() const noexcept { return http_status_; }

private:
    int code_;
    std::string message_;
    int http_status_;
};

/// The caller passed something invalid (a bad DSN, a wrong bind type): fix the call.
class UsageError : public Error {
    using Error::Error;
};
/// A DSN that does not parse. Its message names the offending part, never the password.
class DsnError : public UsageError {
public:
    explicit DsnError(std::string message) : UsageError(code::DsnError, std::move(message)) {}
};
/// The operation is not offered by this transport.
class NotSupportedError : public UsageError {
public:
    explicit NotSupportedError(std::string message) : UsageError(code::NotSupported, std::move(message)) {}
};
/// A transport plugin could not be found, loaded or trusted. Fix the installation.
class PluginError : public Error {
public:
    explicit PluginError(std::string message) : Error(code::PluginError, std::move(message)) {}
};

/// The server could not be reached or the link broke: retry or reconnect.
class ConnectionError : public Error {
    using Error::Error;
};
/// A connect or read deadline passed.
class TimeoutError : public ConnectionError {
    using ConnectionError::ConnectionError;
};
/// The server refused our credentials.
class AuthError : public ConnectionError {
    using ConnectionError::ConnectionError;
};
/// The server answered with bytes we cannot decode (truncated or corrupt): reconnect.
class ProtocolError : public Error {
public:
    explicit ProtocolError(std::string message) : Error(code::ProtocolError, std::move(message)) {}
};
/// TDengine executed the request and reported an error (bad SQL, missing table...): fix the SQL.
class ServerError : public Error {
    using Error::Error;
};
/// A long operation was interrupted by the caller (Ctrl-C in Python).
class InterruptedError : public Error {
public:
    InterruptedError() : Error(code::Interrupted, "interrupted") {}
};

/// "[0x2600]: message", the form taospy prints.
std::string format_error(int code, const std::string& message);

}  // namespace taoslink
