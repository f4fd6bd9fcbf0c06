// HTTP/1.1 with keep-alive for one taosAdapter endpoint: a small pool of Poco sessions.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <Poco/Net/Context.h>

#include "byte_source.hpp"
#include "options.hpp"

namespace taoslink::rest {

struct HttpRequest {
    std::string target;  ///< path and query, already URL-encoded
    std::string body;
    std::string content_type = "text/plain; charset=utf-8";
};

struct HttpResponse {
    int status = 0;
    std::string reason;
    std::string body;  ///< the complete body (dechunked)
};

/// A response whose body is still to be read.
struct HttpReply {
    int status = 0;
    std::string reason;
    /// The body, dechunked, read as it arrives. Reading it to its end hands the connection back
    /// to the pool; destroying it earlier closes the connection. A body cut short throws
    /// ConnectionError(BrokenLink), a stalled one TimeoutError.
    std::unique_ptr<ByteSource> body;
};

class SessionPool;

/// Sends requests to one endpoint over reused keep-alive connections.
///
/// Thread-safe: each call borrows an idle session (or opens one) and returns it afterwards, so a
/// client can serve several threads at once. When a reused idle connection turns out to have
/// been closed by the server before any byte of the response arrived, the request is sent once
/// more on a fresh connection.
///
/// Network failures become taoslink exceptions: ConnectionError(NetworkUnavailable) when the
/// endpoint cannot be reached, TimeoutError(RpcTimeout) when a deadline passes,
/// ConnectionError(BrokenLink) when the server closes mid-exchange or truncates the body,
/// ConnectionError(TlsError) for TLS failures, ProtocolError for a malformed HTTP response.
/// Messages name host:port, never credentials.
class HttpClient {
public:
    HttpClient(const RestOptions& options, Endpoint endpoint);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    /// POSTs `request` and returns the response, whatever its status, with its whole body.
    HttpResponse post(const HttpRequest& request);
    /// POSTs `request`; the body is left to the caller to stream.
    HttpReply send(const HttpRequest& request);

    /// "host:port".
    const std::string& label() const noexcept { return label_; }
    const Endpoint& endpoint() const noexcept { return endpoint_; }

    /// Drops idle sessions; later posts fail with ConnectionError(ConnectionClosed).
    void close() noexcept;

    class Session;

private:
    std::unique_ptr<Session> acquire();
    std::unique_ptr<Session> open_session();

    Endpoint endpoint_;
    std::string label_;
    bool tls_;
    Poco::Net::Context::Ptr context_;
    std::string authorization_;  // the Authorization header value, or empty
    std::chrono::microseconds connect_timeout_, read_timeout_;
    std::shared_ptr<SessionPool> pool_;  // shared with the bodies being read
};

}  // namespace taoslink::rest
