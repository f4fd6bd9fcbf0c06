// TLS client contexts for the plugins' https:// and wss:// connections, through Poco NetSSL.
#pragma once

#include <string>

#include <Poco/Net/Context.h>

namespace taoslink::tls {

/// Initialises Poco NetSSL (and OpenSSL) once per process; thread-safe, never undone.
void ensure_ssl_initialized();

/// A client context for connections to `host`.
///
/// With `verify`, the server's chain must lead to a trusted CA (the file or directory `ca_file`,
/// else the system's default store) and the certificate must name `host` (DNS name or IP address,
/// checked by OpenSSL during the handshake). Without `verify` nothing is checked. The context
/// installs its own OpenSSL verify callback, so no process-wide Poco certificate handler can
/// weaken it. Throws ConnectionError(code::TlsError) when the CA file cannot be loaded.
Poco::Net::Context::Ptr make_client_context(const std::string& host, bool verify, const std::string& ca_file);

/// Why the last certificate check in this thread failed ("hostname mismatch", ...), then clears
/// it; empty when none failed.
std::string take_verify_error();

}  // namespace taoslink::tls
