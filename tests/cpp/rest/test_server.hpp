// A tiny in-process HTTP/1.1 server on 127.0.0.1 for the taos-rest network tests. Each accepted
// connection runs in its own thread; a handler decides what each request gets (a canned reply, a
// stall, a truncated body, a close). Optionally TLS (Poco SecureServerSocket).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

namespace rest_test {

struct Request {
    std::string method;
    std::string target;  ///< path and query as sent
    std::map<std::string, std::string> headers;  ///< names lower-cased
    std::string body;
    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
    std::string path() const { return target.substr(0, target.find('?')); }
    std::string query() const {
        auto q = target.find('?');
        return q == std::string::npos ? std::string() : target.substr(q + 1);
    }
};

/// What the handler does on one connection after seeing a request.
class Reply {
public:
    explicit Reply(Poco::Net::StreamSocket& s) : socket_(s) {}
    /// Writes raw bytes.
    void raw(const std::string& bytes);
    /// A complete response with Content-Length.
    void send(int status, const std::string& body, const std::string& content_type = "application/json; charset=utf-8");
    /// A complete chunked response (the body split into chunks of `chunk` bytes).
    void send_chunked(int status, const std::string& body, std::size_t chunk = 7);
    /// Closes the connection after this request.
    void close() { close_ = true; }
    bool closing() const { return close_; }

private:
    Poco::Net::StreamSocket& socket_;
    bool close_ = false;
};

using Handler = std::function<void(const Request&, Reply&)>;

class TestServer {
public:
    /// Listens on 127.0.0.1 on a free port. With `tls`, connections are TLS.
    explicit TestServer(Handler handler, Poco::Net::Context::Ptr tls = nullptr);
    ~TestServer();
    std::uint16_t port() const { return port_; }
    int accepted() const { return accepted_.load(); }
    int requests() const { return requests_.load(); }
    std::vector<Request> seen() const;
    void stop();

private:
    void accept_loop();
    void serve(Poco::Net::StreamSocket socket);

    Handler handler_;
    std::unique_ptr<Poco::Net::ServerSocket> listener_;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0}, requests_{0};
    std::thread acceptor_;
    std::mutex mu_;
    std::vector<std::thread> workers_;
    std::vector<Poco::Net::StreamSocket> open_;
    std::vector<Request> seen_;
};

/// taosAdapter's reply to `select server_version()`.
std::string version_body(const std::string& version = "3.3.6.0");
/// taosAdapter's reply to a statement without a result set.
std::string affected_body(long long n);
/// taosAdapter's error body.
std::string error_body(int code, const std::string& desc);

/// A port on 127.0.0.1 that nothing listens on (bound, read, closed).
std::uint16_t closed_port();

}  // namespace rest_test
