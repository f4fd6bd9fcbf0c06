#include "http_client.hpp"

#include <pthread.h>
#include <signal.h>

#include <typeinfo>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Timespan.h>

#include "codec.hpp"
#include "dsn_params.hpp"   // plugins/common: seconds_text
#include "poco_errors.hpp"  // plugins/common: is<E>
#include "taoslink/error.hpp"
#include "taoslink/version.hpp"
#include "tls.hpp"

namespace taoslink::rest {

using plugin::is;
using plugin::seconds_text;

namespace {

// Poco writes with plain send(2), so a write to a connection the server has closed raises
// SIGPIPE, which kills a process that did not ignore it (Python ignores it; C++ programs often
// don't). Like libpq, block SIGPIPE in this thread for the duration of a request and swallow one
// raised meanwhile, leaving the process's signal disposition alone.
class SigpipeGuard {
public:
    SigpipeGuard() noexcept {
        sigset_t block;
        sigemptyset(&block);
        sigaddset(&block, SIGPIPE);
        active_ = pthread_sigmask(SIG_BLOCK, &block, &old_) == 0;
        if (!active_) return;
        sigset_t pending;
        sigemptyset(&pending);
        was_pending_ = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
    }
    ~SigpipeGuard() {
        if (!active_) return;
        if (!was_pending_) {
            sigset_t pending;
            sigemptyset(&pending);
            if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1) {
                sigset_t only;
                sigemptyset(&only);
                sigaddset(&only, SIGPIPE);
                const timespec zero{0, 0};
                while (sigtimedwait(&only, nullptr, &zero) < 0 && errno == EINTR) {
                }
            }
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeGuard(const SigpipeGuard&) = delete;
    SigpipeGuard& operator=(const SigpipeGuard&) = delete;

private:
    sigset_t old_{};
    bool active_ = false;
    bool was_pending_ = false;
};

enum class Phase { Connect, Send, Receive, Body };

// A reused keep-alive connection the server closed while it sat idle fails like this, before
// any byte of the response; sending again on a fresh connection is safe.
bool stale_connection(const Poco::Exception& e) {
    if (is<Poco::TimeoutException>(e)) return false;
    if (is<Poco::Net::NoMessageException>(e) || is<Poco::Net::ConnectionResetException>(e) ||
        is<Poco::Net::ConnectionAbortedException>(e) || is<Poco::Net::SSLConnectionUnexpectedlyClosedException>(e)) {
        return true;
    }
    // EPIPE and friends surface as plain IOException/NetException.
    return typeid(e) == typeid(Poco::IOException) || typeid(e) == typeid(Poco::Net::NetException);
}

}  // namespace

// One keep-alive connection. Wraps a Poco session type to reach the raw, buffered reads of
// HTTPSession: Poco's own body streams silently stop at a premature EOF, which would turn a
// truncated chunked body into a short, "complete" one.
class HttpClient::Session {
public:
    virtual ~Session() = default;
    virtual Poco::Net::HTTPClientSession& http() = 0;
    virtual void open() = 0;
    /// Up to `n` bytes of the body; 0 at EOF.
    virtual int read_some(char* buf, std::streamsize n) = 0;
    /// One byte, or -1 at EOF.
    virtual int read_byte() = 0;
    unsigned requests = 0;
};

namespace {

template <class Base>
class SessionImpl final : public Base, public HttpClient::Session {
public:
    template <class... Args>
    explicit SessionImpl(Args&&... args) : Base(std::forward<Args>(args)...) {}
    Poco::Net::HTTPClientSession& http() override { return *this; }
    void open() override {
        if (!this->connected()) this->reconnect();
    }
    int read_some(char* buf, std::streamsize n) override {
        try {
            return this->read(buf, n);
        } catch (const Poco::Net::SSLConnectionUnexpectedlyClosedException&) {
            return 0;
        }
    }
    int read_byte() override {
        try {
            return this->get();
        } catch (const Poco::Net::SSLConnectionUnexpectedlyClosedException&) {
            return -1;
        }
    }
};

using PlainSession = SessionImpl<Poco::Net::HTTPClientSession>;
using TlsSession = SessionImpl<Poco::Net::HTTPSClientSession>;

[[noreturn]] void truncated(const std::string& label, const std::string& what) {
    throw ConnectionError(code::BrokenLink, "Connection to " + label + " broken: the server closed it " + what);
}

std::string read_line(HttpClient::Session& s, const std::string& label) {
    std::string line;
    for (;;) {
        const int c = s.read_byte();
        if (c < 0) truncated(label, "in the middle of a chunked response body");
        if (c == '\n') break;
        line += static_cast<char>(c);
        if (line.size() > 4096) throw ProtocolError("invalid HTTP response from " + label + ": chunk header too long");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::size_t chunk_size(const std::string& line, const std::string& label) {
    std::size_t size = 0, i = 0;
    for (; i < line.size(); ++i) {
        const char c = line[i];
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else break;
        if (size > (std::size_t(1) << 40)) throw ProtocolError("invalid HTTP response from " + label + ": chunk too large");
        size = size * 16 + static_cast<std::size_t>(v);
    }
    if (i == 0 || (i < line.size() && line[i] != ';' && line[i] != ' ' && line[i] != '\t')) {
        throw ProtocolError("invalid HTTP response from " + label + ": bad chunk header");
    }
    return size;
}

// What a Poco exception during a request means for the caller.
[[noreturn]] void raise_network_error(const Poco::Exception& e, Phase phase, const std::string& label,
                                      std::chrono::microseconds connect_timeout, std::chrono::microseconds read_timeout) {
    const std::string text = e.displayText();
    if (is<Poco::TimeoutException>(e)) {
        if (phase == Phase::Connect) {
            throw TimeoutError(code::RpcTimeout,
                               "Timed out connecting to " + label + " (connect timeout " + seconds_text(connect_timeout) + ")");
        }
        throw TimeoutError(code::RpcTimeout, "Timed out waiting for " + label + " (read timeout " + seconds_text(read_timeout) + ")");
    }
    if (phase != Phase::Body && (is<Poco::Net::ConnectionRefusedException>(e) || is<Poco::Net::DNSException>(e) ||
                                 is<Poco::Net::InvalidAddressException>(e) ||
                                 (phase == Phase::Connect && !is<Poco::Net::SSLException>(e)))) {
        throw ConnectionError(code::NetworkUnavailable, "Unable to establish connection to " + label + ": " + text);
    }
    if (is<Poco::Net::SSLConnectionUnexpectedlyClosedException>(e) && phase != Phase::Connect) {
        throw ConnectionError(code::BrokenLink, "Connection to " + label + " broken: " + text);
    }
    if (is<Poco::Net::SSLException>(e)) {
        const std::string why = tls::take_verify_error();
        throw ConnectionError(code::TlsError, "TLS error with " + label + ": " + text + (why.empty() ? "" : " (" + why + ")"));
    }
    if (is<Poco::Net::NoMessageException>(e)) {
        throw ConnectionError(code::BrokenLink, "Connection to " + label + " broken: the server closed it without a response");
    }
    if (is<Poco::Net::MessageException>(e) || is<Poco::Net::HTTPException>(e)) {
        throw ProtocolError("invalid HTTP response from " + label + ": " + text);
    }
    throw ConnectionError(code::BrokenLink, "Connection to " + label + " broken: " + text);
}

}  // namespace

// Idle keep-alive sessions of one HttpClient. Shared with the bodies being read, so a result
// may outlive its connection and still hand its session back (or drop it, once closed).
class SessionPool {
public:
    explicit SessionPool(std::size_t max_idle) : max_idle_(max_idle) {}
    std::unique_ptr<HttpClient::Session> take(const std::string& label) {
        std::lock_guard lock(mu_);
        if (closed_) throw ConnectionError(code::ConnectionClosed, "the connection to " + label + " is closed");
        if (idle_.empty()) return nullptr;
        auto s = std::move(idle_.back());
        idle_.pop_back();
        return s;
    }
    void give_back(std::unique_ptr<HttpClient::Session> s) {
        std::lock_guard lock(mu_);
        if (!closed_ && idle_.size() < max_idle_) idle_.push_back(std::move(s));
    }
    std::vector<std::unique_ptr<HttpClient::Session>> close() {
        std::lock_guard lock(mu_);
        closed_ = true;
        return std::move(idle_);
    }

private:
    std::size_t max_idle_;
    std::mutex mu_;
    std::vector<std::unique_ptr<HttpClient::Session>> idle_;
    bool closed_ = false;
};

namespace {

// A response body read as the caller asks for bytes (chunked, Content-Length, or up to the end
// of the connection). The session goes back to the pool once the body's end has been read.
class HttpBody final : public ByteSource {
public:
    enum class Framing { Empty, Chunked, Length, UntilClose };

    HttpBody(std::unique_ptr<HttpClient::Session> s, std::shared_ptr<SessionPool> pool, Framing framing,
             std::uint64_t length, bool reusable, std::string label, std::chrono::microseconds read_timeout, bool tls)
        : s_(std::move(s)), pool_(std::move(pool)), framing_(framing), left_(length), reusable_(reusable),
          label_(std::move(label)), read_timeout_(read_timeout), tls_(tls) {
        if (framing_ == Framing::Empty || (framing_ == Framing::Length && left_ == 0)) end();
    }

    std::size_t read(char* buf, std::size_t n) override {
        if (!s_) return 0;
        try {
            if (tls_) {
                SigpipeGuard sigpipe;  // OpenSSL may write (alerts, key updates) while reading
                return read_framed(buf, n);
            }
            return read_framed(buf, n);
        } catch (const Poco::Exception& e) {
            s_.reset();
            raise_network_error(e, Phase::Body, label_, {}, read_timeout_);
        } catch (...) {
            s_.reset();
            throw;
        }
    }

private:
    std::size_t read_framed(char* buf, std::size_t n) {
        if (framing_ == Framing::UntilClose) {
            // Nothing tells a truncated body apart here; the JSON decoder checks the end.
            const int got = s_->read_some(buf, clamp(n));
            if (got > 0) return static_cast<std::size_t>(got);
            reusable_ = false;
            end();
            return 0;
        }
        if (framing_ == Framing::Chunked) {
            while (left_ == 0) {
                if (in_chunk_ && !read_line(*s_, label_).empty()) {
                    throw ProtocolError("invalid HTTP response from " + label_ + ": bad chunk end");
                }
                left_ = chunk_size(read_line(*s_, label_), label_);
                in_chunk_ = true;
                if (left_ == 0) {
                    while (!read_line(*s_, label_).empty()) {
                    }  // trailers, up to the empty line
                    end();
                    return 0;
                }
            }
        }
        const int got = s_->read_some(buf, clamp(std::min<std::uint64_t>(n, left_)));
        if (got <= 0) {
            truncated(label_, framing_ == Framing::Chunked ? "in the middle of a chunked response body"
                                                           : "before the end of the response body (Content-Length)");
        }
        left_ -= static_cast<std::uint64_t>(got);
        if (framing_ == Framing::Length && left_ == 0) end();
        return static_cast<std::size_t>(got);
    }

    static std::streamsize clamp(std::uint64_t n) { return static_cast<std::streamsize>(std::min<std::uint64_t>(n, 1u << 30)); }

    void end() {
        if (reusable_) pool_->give_back(std::move(s_));
        s_.reset();
    }

    std::unique_ptr<HttpClient::Session> s_;  // null once the body has ended (or failed)
    std::shared_ptr<SessionPool> pool_;
    Framing framing_;
    std::uint64_t left_;  // bytes left in the body (Length) or the current chunk (Chunked)
    bool in_chunk_ = false;
    bool reusable_;
    std::string label_;
    std::chrono::microseconds read_timeout_;
    bool tls_;
};

}  // namespace

HttpClient::HttpClient(const RestOptions& o, Endpoint endpoint)
    : endpoint_(std::move(endpoint)),
      label_(endpoint_label(endpoint_)),
      tls_(o.tls),
      connect_timeout_(o.connect_timeout),
      read_timeout_(o.read_timeout),
      pool_(std::make_shared<SessionPool>(o.max_idle)) {
    switch (o.auth) {
        case AuthMode::Basic: authorization_ = "Basic " + base64_encode(o.user + ":" + o.password); break;
        case AuthMode::BearerToken: authorization_ = "Bearer " + o.token; break;
        case AuthMode::CloudToken: break;  // ?token= on every URL
    }
    if (tls_) context_ = tls::make_client_context(endpoint_.host, o.tls_verify, o.ca_file);
}

HttpClient::~HttpClient() { close(); }

void HttpClient::close() noexcept {
    auto idle = pool_->close();
    for (auto& s : idle) {
        try {
            s->http().reset();
        } catch (...) {
        }
    }
}

std::unique_ptr<HttpClient::Session> HttpClient::open_session() {
    std::unique_ptr<Session> s;
    if (tls_) s = std::make_unique<TlsSession>(endpoint_.host, endpoint_.port, context_);
    else s = std::make_unique<PlainSession>(endpoint_.host, endpoint_.port);
    auto& h = s->http();
    h.setKeepAlive(true);
    const Poco::Timespan read(read_timeout_.count());
    h.setTimeout(Poco::Timespan(connect_timeout_.count()), read, read);
    return s;
}

std::unique_ptr<HttpClient::Session> HttpClient::acquire() {
    if (auto s = pool_->take(label_)) return s;
    return open_session();
}

HttpResponse HttpClient::post(const HttpRequest& req) {
    HttpReply reply = send(req);
    HttpResponse out;
    out.status = reply.status;
    out.reason = std::move(reply.reason);
    char buf[16384];
    for (std::size_t n; (n = reply.body->read(buf, sizeof buf)) > 0;) out.body.append(buf, n);
    return out;
}

HttpReply HttpClient::send(const HttpRequest& req) {
    using Poco::Net::HTTPMessage;
    using Poco::Net::HTTPRequest;
    SigpipeGuard sigpipe;
    if (tls_) tls::take_verify_error();
    for (int attempt = 0;; ++attempt) {
        std::unique_ptr<Session> s = acquire();
        const bool reused = s->requests > 0;
        Phase phase = Phase::Connect;
        try {
            s->open();
            phase = Phase::Send;
            HTTPRequest hr(HTTPRequest::HTTP_POST, req.target, HTTPMessage::HTTP_1_1);
            hr.setContentType(req.content_type);
            hr.setContentLength64(static_cast<Poco::Int64>(req.body.size()));
            hr.setKeepAlive(true);
            hr.set("User-Agent", "taoslink/" TAOSLINK_VERSION);
            if (!authorization_.empty()) hr.set("Authorization", authorization_);
            std::ostream& os = s->http().sendRequest(hr);
            os.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
            phase = Phase::Receive;
            Poco::Net::HTTPResponse resp;
            s->http().receiveResponse(resp);  // also rethrows a failure while sending

            HttpReply out;
            out.status = static_cast<int>(resp.getStatus());
            out.reason = resp.getReason();
            HttpBody::Framing framing = HttpBody::Framing::UntilClose;
            std::uint64_t length = 0;
            if (out.status < 200 || out.status == 204 || out.status == 304) {
                framing = HttpBody::Framing::Empty;
            } else if (resp.getChunkedTransferEncoding()) {
                framing = HttpBody::Framing::Chunked;
            } else if (resp.hasContentLength()) {
                const auto n = resp.getContentLength64();
                if (n < 0) throw ProtocolError("invalid HTTP response from " + label_ + ": bad Content-Length");
                framing = HttpBody::Framing::Length;
                length = static_cast<std::uint64_t>(n);
            }
            ++s->requests;
            out.body = std::make_unique<HttpBody>(std::move(s), pool_, framing, length, resp.getKeepAlive(), label_,
                                                  read_timeout_, tls_);
            return out;
        } catch (const Poco::Exception& e) {
            s.reset();
            if (attempt == 0 && reused && (phase == Phase::Send || phase == Phase::Receive) && stale_connection(e)) {
                continue;  // the idle connection was closed by the server: once more, on a new one
            }
            raise_network_error(e, phase, label_, connect_timeout_, read_timeout_);
        }
    }
}

}  // namespace taoslink::rest
