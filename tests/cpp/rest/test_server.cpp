#include "test_server.hpp"

#include <cctype>

#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>

namespace rest_test {

namespace {

const char* reason(int status) {
    switch (status) {
        case 200: return "OK";
        case 204: return "No Content";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 500: return "Internal Server Error";
        case 503: return "Service Unavailable";
        default: return "Status";
    }
}

// Reads one request; false when the peer closed before a complete one.
bool read_request(Poco::Net::StreamSocket& s, std::string& buffer, Request& req) {
    char tmp[8192];
    std::size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        const int n = s.receiveBytes(tmp, sizeof tmp);
        if (n <= 0) return false;
        buffer.append(tmp, static_cast<std::size_t>(n));
    }
    const std::string head = buffer.substr(0, end);
    buffer.erase(0, end + 4);
    std::size_t line_end = head.find("\r\n");
    const std::string first = head.substr(0, line_end);
    const auto sp1 = first.find(' '), sp2 = first.rfind(' ');
    req.method = first.substr(0, sp1);
    req.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
    std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
        std::size_t e = head.find("\r\n", pos);
        if (e == std::string::npos) e = head.size();
        const std::string line = head.substr(pos, e - pos);
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            req.headers[name] = value;
        }
        pos = e + 2;
    }
    const std::size_t length = req.headers.count("content-length") ? std::stoul(req.headers["content-length"]) : 0;
    while (buffer.size() < length) {
        const int n = s.receiveBytes(tmp, sizeof tmp);
        if (n <= 0) return false;
        buffer.append(tmp, static_cast<std::size_t>(n));
    }
    req.body = buffer.substr(0, length);
    buffer.erase(0, length);
    return true;
}

}  // namespace

void Reply::raw(const std::string& bytes) {
    std::size_t at = 0;
    while (at < bytes.size()) {
        const int n = socket_.sendBytes(bytes.data() + at, static_cast<int>(bytes.size() - at));
        if (n <= 0) return;
        at += static_cast<std::size_t>(n);
    }
}

void Reply::send(int status, const std::string& body, const std::string& content_type) {
    std::string r = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n";
    if (status != 204) r += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    r += "\r\n";
    if (status != 204) r += body;
    raw(r);
}

void Reply::send_chunked(int status, const std::string& body, std::size_t chunk) {
    std::string r = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) +
                    "\r\nContent-Type: application/json; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n";
    char hex[32];
    for (std::size_t at = 0; at < body.size(); at += chunk) {
        const std::size_t n = std::min(chunk, body.size() - at);
        std::snprintf(hex, sizeof hex, "%zx\r\n", n);
        r += hex;
        r += body.substr(at, n);
        r += "\r\n";
    }
    r += "0\r\n\r\n";
    raw(r);
}

TestServer::TestServer(Handler handler, Poco::Net::Context::Ptr tls) : handler_(std::move(handler)) {
    const Poco::Net::SocketAddress addr("127.0.0.1", 0);
    if (tls) listener_ = std::make_unique<Poco::Net::SecureServerSocket>(addr, 64, tls);
    else listener_ = std::make_unique<Poco::Net::ServerSocket>(addr, 64);
    port_ = listener_->address().port();
    acceptor_ = std::thread([this] { accept_loop(); });
}

TestServer::~TestServer() { stop(); }

void TestServer::accept_loop() {
    while (!stop_.load()) {
        try {
            if (!listener_->poll(Poco::Timespan(0, 20000), Poco::Net::Socket::SELECT_READ)) continue;
            Poco::Net::StreamSocket s = listener_->acceptConnection();
            if (stop_.load()) break;
            ++accepted_;
            std::lock_guard lock(mu_);
            open_.push_back(s);
            workers_.emplace_back([this, s] { serve(s); });
        } catch (...) {
            // a failed TLS handshake or a stop: keep accepting until told to stop
        }
    }
}

void TestServer::serve(Poco::Net::StreamSocket s) {
    std::string buffer;
    try {
        s.setReceiveTimeout(Poco::Timespan(10, 0));
        for (;;) {
            Request req;
            if (!read_request(s, buffer, req)) break;
            ++requests_;
            {
                std::lock_guard lock(mu_);
                seen_.push_back(req);
            }
            Reply reply(s);
            handler_(req, reply);
            if (reply.closing() || stop_.load()) break;
        }
    } catch (...) {
    }
    try {
        s.shutdown();
    } catch (...) {
    }
    try {
        s.close();
    } catch (...) {
    }
}

std::vector<Request> TestServer::seen() const {
    std::lock_guard lock(const_cast<std::mutex&>(mu_));
    return seen_;
}

void TestServer::stop() {
    if (stop_.exchange(true)) return;
    if (acceptor_.joinable()) acceptor_.join();
    std::vector<std::thread> workers;
    {
        std::lock_guard lock(mu_);
        for (auto& s : open_) {
            try {
                s.shutdownReceive();
            } catch (...) {
            }
        }
        workers.swap(workers_);
    }
    for (auto& t : workers) t.join();
    try {
        listener_->close();
    } catch (...) {
    }
}

std::string version_body(const std::string& version) {
    return R"J({"code":0,"column_meta":[["server_version()","VARCHAR",7]],"data":[[")J" + version + R"("]],"rows":1})";
}

std::string affected_body(long long n) {
    return R"({"code":0,"column_meta":[["affected_rows","INT",4]],"data":[[)" + std::to_string(n) + "]],\"rows\":1}";
}

std::string error_body(int code, const std::string& desc) {
    return R"({"code":)" + std::to_string(code) + R"(,"desc":")" + desc + R"(","timing":1234})";
}

std::uint16_t closed_port() {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0), 1);
    const std::uint16_t port = s.address().port();
    s.close();
    return port;
}

}  // namespace rest_test
