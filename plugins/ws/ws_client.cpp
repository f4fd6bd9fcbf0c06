#include "ws_client.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <random>

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/Timespan.h>

#include "codec.hpp"
#include "dsn_params.hpp"   // plugins/common: seconds_text
#include "json.hpp"
#include "poco_errors.hpp"  // plugins/common: is<E>
#include "taoslink/error.hpp"
#include "taoslink/version.hpp"
#include "tls.hpp"  // plugins/common: the TLS client context both plugins use
#include "ws_frame.hpp"

namespace taoslink::ws {

using Poco::Net::WebSocket;
using plugin::is;
using plugin::seconds_text;

namespace {

// The link's own failures as taoslink exceptions.
std::exception_ptr link_error(const std::string& label, const Poco::Exception& e) {
    if (is<Poco::TimeoutException>(e)) {
        return std::make_exception_ptr(TimeoutError(code::RpcTimeout, "Timed out in the middle of a frame from " + label));
    }
    return std::make_exception_ptr(ConnectionError(code::BrokenLink, "Connection to " + label + " broken: " + e.displayText()));
}

// Called inside a catch handler: whatever stopped a reader of the socket, as the error that
// breaks the link for every waiting call.
std::exception_ptr current_link_error(const std::string& label) {
    try {
        throw;
    } catch (const Poco::Exception& e) {
        return link_error(label, e);
    } catch (const std::exception& e) {
        return std::make_exception_ptr(ConnectionError(code::BrokenLink, "Connection to " + label + " broken: " + e.what()));
    } catch (...) {
        return std::make_exception_ptr(ConnectionError(code::BrokenLink, "Connection to " + label + " broken"));
    }
}

// The server's close frame, as the error every waiting call gets.
std::exception_ptr closed_by_server(const std::string& label) {
    return std::make_exception_ptr(
        ConnectionError(code::BrokenLink, "Connection to " + label + " broken: taosAdapter closed the WebSocket"));
}

constexpr int kFin = WebSocket::FRAME_FLAG_FIN;
constexpr int kPing = kFin | static_cast<int>(WebSocket::FRAME_OP_PING);
constexpr int kPong = kFin | static_cast<int>(WebSocket::FRAME_OP_PONG);
constexpr int kClose = kFin | static_cast<int>(WebSocket::FRAME_OP_CLOSE);

// Poco sessions with their TCP (and TLS) connect reachable, so a failed connect can be told apart
// from a failed upgrade.
template <class Base>
class OpenableSession final : public Base {
public:
    using Base::Base;
    void open() {
        if (!this->connected()) this->reconnect();
    }
};

std::uint64_t random_seed() {
    std::random_device rd;
    // A random start keeps our ids apart from ids a caller picks and from other clients' in logs.
    const std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 20) ^ rd();
    return (v & 0x0000FFFFFFFFFFFFull) | 1;
}

}  // namespace

struct WsClient::Pending {
    std::condition_variable cv;
    bool done = false;
    bool expects_binary = false;
    std::uint64_t legacy_result_id = 0;
    Frame frame;
    std::exception_ptr error;
};

WsClient::WsClient(const WsClientConfig& config, const Endpoint& endpoint)
    : label_((endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host) + ":" +
             std::to_string(endpoint.port)),
      read_timeout_(config.read_timeout),
      ping_interval_(config.ping_interval),
      next_id_(random_seed()) {
    using Poco::Net::HTTPMessage;
    using Poco::Net::HTTPRequest;
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    std::function<void()> open;
    bool connecting = true;
    tls::take_verify_error();
    Poco::Net::HTTPResponse response;
    try {
        if (config.tls) {
            auto ctx = tls::make_client_context(endpoint.host, config.tls_verify, config.ca_file);
            auto tls = std::make_unique<OpenableSession<Poco::Net::HTTPSClientSession>>(endpoint.host, endpoint.port, ctx);
            open = [p = tls.get()] { p->open(); };
            session = std::move(tls);
        } else {
            auto plain = std::make_unique<OpenableSession<Poco::Net::HTTPClientSession>>(endpoint.host, endpoint.port);
            open = [p = plain.get()] { p->open(); };
            session = std::move(plain);
        }
        const Poco::Timespan connect(config.connect_timeout.count());
        session->setTimeout(connect, connect, connect);
        session->setKeepAlive(true);
        HTTPRequest request(HTTPRequest::HTTP_GET, config.target, HTTPMessage::HTTP_1_1);
        request.set("User-Agent", "taoslink/" TAOSLINK_VERSION);
        open();
        connecting = false;
        socket_ = std::make_unique<WebSocket>(*session, request, response);
    } catch (const Poco::Net::WebSocketException& e) {
        const int status = static_cast<int>(response.getStatus());
        const std::string http = status ? " (HTTP " + std::to_string(status) + " " + response.getReason() + ")" : "";
        if (e.code() == WebSocket::WS_ERR_UNAUTHORIZED || status == 401) {
            throw AuthError(code::Unauthorized, "taosAdapter at " + label_ + " refused the WebSocket upgrade" + http);
        }
        throw ConnectionError(code::IoError, "taosAdapter at " + label_ + " did not accept the WebSocket upgrade to " +
                                                 config.target.substr(0, config.target.find('?')) + http + ": " + e.displayText());
    } catch (const Poco::TimeoutException&) {
        throw TimeoutError(code::RpcTimeout, "Timed out connecting to " + label_ + " (connect timeout " +
                                                 seconds_text(config.connect_timeout) + ")");
    } catch (const Poco::Net::SSLException& e) {
        const std::string why = tls::take_verify_error();
        throw ConnectionError(code::TlsError,
                              "TLS error with " + label_ + ": " + e.displayText() + (why.empty() ? "" : " (" + why + ")"));
    } catch (const Poco::Exception& e) {
        if (connecting) {
            throw ConnectionError(code::NetworkUnavailable, "Unable to establish connection to " + label_ + ": " + e.displayText());
        }
        throw ConnectionError(code::BrokenLink, "Connection to " + label_ + " broken during the WebSocket upgrade: " + e.displayText());
    }
    socket_->setMaxPayloadSize(std::numeric_limits<int>::max());
    const Poco::Timespan rw(read_timeout_.count());
    socket_->setReceiveTimeout(rw);
    socket_->setSendTimeout(rw);
    socket_->setNoDelay(true);
    plain_ = !config.tls;
    fd_ = socket_->impl()->sockfd();
    mask_state_ = random_seed();
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) throw ConnectionError(code::IoError, "eventfd failed");
    thread_ = std::thread([this] { run(); });
}

WsClient::~WsClient() {
    close();
    if (wake_fd_ >= 0) ::close(wake_fd_);
}

std::uint64_t WsClient::next_req_id() noexcept {
    std::uint64_t id;
    do {
        id = next_id_.fetch_add(1);
    } while (id == 0);
    return id;
}

void WsClient::wake() noexcept {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
}

void WsClient::enqueue(std::string payload, int flags) {
    queue_.push_back(Outgoing{std::move(payload), flags});
}

Frame WsClient::call(std::string payload, bool binary, std::uint64_t req_id, const CallOptions& options) {
    if (req_id == 0) throw UsageError(code::InvalidArgument, "req_id 0 cannot be waited for");
    auto p = std::make_shared<Pending>();
    p->expects_binary = options.expects_binary;
    p->legacy_result_id = options.legacy_result_id;
    std::unique_lock lock(mu_);
    if (dead_) std::rethrow_exception(dead_);
    if (pending_.count(req_id)) {
        throw UsageError(code::InvalidArgument, "req_id " + std::to_string(req_id) + " is already in use on this connection");
    }
    pending_.emplace(req_id, p);
    if (options.legacy_result_id) legacy_[options.legacy_result_id] = req_id;
    last_call_ = std::chrono::steady_clock::now();
    const int flags = binary ? WebSocket::FRAME_BINARY : WebSocket::FRAME_TEXT;
    if (plain_) {
        // Registered first, so a reply that beats us back to the lock still finds its waiter. A
        // failed write fails every waiter, this one included.
        lock.unlock();
        send_direct(std::move(payload), flags);
        lock.lock();
    } else {
        enqueue(std::move(payload), flags);
        wake();
    }
    const auto timeout = options.timeout.count() > 0 ? options.timeout : read_timeout_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!p->done) {
        if (may_lead(deadline)) {
            reading_ = caller_reading_ = true;
            lock.unlock();
            lead(*p, deadline);
            lock.lock();
            reading_ = caller_reading_ = false;
            caller_left_.notify_all();
            pass_reading_on();
            if (pending_.empty() && has_handler_.load()) wake();  // handler frames must not wait for a recheck
            continue;
        }
        if (p->cv.wait_until(lock, deadline) == std::cv_status::timeout && !p->done) {
            pending_.erase(req_id);
            pass_reading_on();  // we may have been the one told to read next
            if (options.legacy_result_id) legacy_.erase(options.legacy_result_id);
            abandoned_.insert(req_id);
            abandoned_order_.push_back(req_id);
            if (abandoned_order_.size() > 4096) {
                abandoned_.erase(abandoned_order_.front());
                abandoned_order_.pop_front();
            }
            throw TimeoutError(code::RpcTimeout, std::string("Timed out waiting for taosAdapter at ") + label_ +
                                                     " to answer " + options.what + " (read timeout " +
                                                     seconds_text(timeout) + ")");
        }
    }
    if (p->error) std::rethrow_exception(p->error);
    return std::move(p->frame);
}

void WsClient::send(std::string payload, bool binary) {
    const int flags = binary ? WebSocket::FRAME_BINARY : WebSocket::FRAME_TEXT;
    {
        std::lock_guard lock(mu_);
        if (dead_) std::rethrow_exception(dead_);
        if (!plain_) {
            enqueue(std::move(payload), flags);
            wake();
            return;
        }
    }
    if (!send_direct(std::move(payload), flags)) {
        std::lock_guard lock(mu_);
        std::rethrow_exception(dead_);
    }
}

// Every frame the I/O thread writes: queued requests (TLS), pongs, pings, the close frame; and,
// through send_direct, callers' requests on a plain socket. Poco exceptions on failure.
void WsClient::write_frame(std::string& payload, int flags) {
    if (!plain_) {
        socket_->sendFrame(payload.data(), static_cast<int>(payload.size()), flags);
        return;
    }
    std::lock_guard lock(write_mu_);
    if (fd_closed_) throw Poco::IOException("the socket is closed");
    // splitmix64: a fresh mask per frame; it only has to be unpredictable to proxies, not secret.
    std::uint64_t z = (mask_state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    const auto key = static_cast<std::uint32_t>(z ^ (z >> 31));
    const int err = send_client_frame(fd_, flags, reinterpret_cast<std::uint8_t*>(payload.data()), payload.size(), key);
    if (err == EAGAIN || err == EWOULDBLOCK) throw Poco::TimeoutException("sending a frame timed out");
    if (err) throw Poco::IOException(std::string("send failed: ") + std::strerror(err));
}

bool WsClient::send_direct(std::string payload, int flags) {
    try {
        write_frame(payload, flags);
        keep_frame_buffer(std::move(payload));
        return true;
    } catch (const Poco::Exception& e) {
        // A frame cut short leaves the stream unusable: the link is broken for every caller.
        break_link(link_error(label_, e));
        return false;
    }
}

void WsClient::keep_frame_buffer(std::string&& sent) noexcept {
    constexpr std::size_t kMin = 64 * 1024, kMax = 8 * 1024 * 1024;  // small ones are cheap; huge ones not worth holding
    if (sent.capacity() < kMin || sent.capacity() > kMax) return;
    std::lock_guard lock(spare_mu_);
    if (sent.capacity() > spare_.capacity()) spare_.swap(sent);
}

std::string WsClient::take_frame_buffer() {
    std::string out;
    {
        std::lock_guard lock(spare_mu_);
        out.swap(spare_);
    }
    out.clear();
    return out;
}

void WsClient::break_link(std::exception_ptr error) noexcept {
    fail_all(std::move(error));
    std::lock_guard lock(write_mu_);
    if (!fd_closed_) ::shutdown(fd_, SHUT_RDWR);  // wakes the background thread, which then ends
}

// mu_ held. A caller reads the socket itself when it is plain, nobody else reads it, its time is
// not up, and no frame handler expects every frame on the background thread.
bool WsClient::may_lead(std::chrono::steady_clock::time_point deadline) const {
    return plain_ && !reading_ && !dead_ && !has_handler_.load() && std::chrono::steady_clock::now() < deadline;
}

// Reads and routes frames until `mine` is answered, `deadline` passes or the link fails; the
// caller holds the read role meanwhile. Link failures fail every waiter, as on the background
// thread.
void WsClient::lead(const Pending& mine, std::chrono::steady_clock::time_point deadline) noexcept {
    try {
        for (;;) {
            {
                std::lock_guard lock(mu_);
                if (mine.done || dead_) return;
            }
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
            if (left <= 0) return;
            pollfd pfd{fd_, POLLIN, 0};
            const int r = ::poll(&pfd, 1, left > 60000 ? 60000 : static_cast<int>(left));
            if (r < 0) {
                if (errno == EINTR) continue;
                throw Poco::IOException("poll failed");
            }
            if (r == 0) continue;
            Frame frame;
            const Received got = receive_message(frame);
            if (got == Received::Control) continue;
            if (got == Received::Closed) {
                break_link(closed_by_server(label_));
                return;
            }
            dispatch(frame);
        }
    } catch (...) {
        break_link(current_link_error(label_));
    }
}

// mu_ held. The read role is free: wake one waiting caller to take it (replies for the others may
// be on their way, and the background thread waits for the callers to go quiet).
void WsClient::pass_reading_on() {
    if (reading_ || pending_.empty()) return;
    pending_.begin()->second->cv.notify_all();
}

// Background thread, plain sockets: whether it reads now. It does when no caller is reading and
// none called for kIdleBeforeBackground; otherwise `timeout_ms` is cut to when to look again.
bool WsClient::background_may_read(int& timeout_ms) {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (reading_) {
        // A caller reads: look again after as long as the latest call has taken so far (50 ms to
        // 1 s). After short calls a server close is still seen within ~50 ms of going quiet (the
        // next call then reconnects); a long wait for a slow server costs a few wake-ups instead
        // of twenty a second (a quarter of the client's CPU during large binds). A caller that
        // stops with a frame handler set wakes us at once (call()).
        const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_call_);
        const int recheck = static_cast<int>(std::clamp(since, kIdleBeforeBackground, kRecheckWhileCallerReads).count());
        timeout_ms = timeout_ms < 0 ? recheck : std::min(timeout_ms, recheck);
        return false;
    }
    const auto quiet = now - last_call_;
    if (!has_handler_.load() && quiet < kIdleBeforeBackground) {
        const int left = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(kIdleBeforeBackground - quiet).count());
        timeout_ms = timeout_ms < 0 ? left : std::min(timeout_ms, left);
        return false;
    }
    reading_ = true;
    return true;
}

void WsClient::set_frame_handler(FrameHandler handler) {
    std::lock_guard lock(mu_);
    handler_ = std::move(handler);
    has_handler_.store(static_cast<bool>(handler_));
}

std::size_t WsClient::pending() const {
    std::lock_guard lock(mu_);
    return pending_.size();
}

void WsClient::complete(std::uint64_t req_id, const Frame* frame, std::exception_ptr error) {
    // mu_ held by the caller.
    auto it = pending_.find(req_id);
    if (it == pending_.end()) return;
    auto p = it->second;
    pending_.erase(it);
    if (p->legacy_result_id) legacy_.erase(p->legacy_result_id);
    if (frame) p->frame = *frame;
    p->error = std::move(error);
    p->done = true;
    p->cv.notify_all();
}

void WsClient::fail_binary_waiters(const std::string& why) {
    std::lock_guard lock(mu_);
    std::vector<std::uint64_t> ids;
    for (const auto& [id, p] : pending_) {
        if (p->expects_binary) ids.push_back(id);
    }
    for (auto id : ids) complete(id, nullptr, std::make_exception_ptr(ProtocolError(why)));
}

void WsClient::fail_text_waiters(const std::string& why) {
    std::lock_guard lock(mu_);
    std::vector<std::uint64_t> ids;
    for (const auto& [id, p] : pending_) {
        if (!p->expects_binary) ids.push_back(id);
    }
    for (auto id : ids) complete(id, nullptr, std::make_exception_ptr(ProtocolError(why)));
}

void WsClient::fail_all(std::exception_ptr error) {
    std::lock_guard lock(mu_);
    if (!dead_) dead_ = error;
    alive_.store(false);
    while (!pending_.empty()) complete(pending_.begin()->first, nullptr, dead_);
    legacy_.clear();
    queue_.clear();
}

void WsClient::dispatch(const Frame& frame) {
    if (has_handler_.load()) {
        FrameHandler h;
        {
            std::lock_guard lock(mu_);
            h = handler_;
        }
        if (h && h(frame)) return;
    }
    if (!frame.binary) {
        const std::uint64_t id = peek_req_id(frame.text());
        if (id == 0 && !is_json_object(frame.text())) {
            // Truncated or garbled: it cannot say whose reply it is, and without this its
            // caller would wait until read_timeout (taosc-style callers have none).
            fail_text_waiters("taosAdapter sent a text frame that is not JSON (" + std::to_string(frame.size) + " bytes)");
            return;
        }
        std::lock_guard lock(mu_);
        if (pending_.count(id)) complete(id, &frame, nullptr);
        // Anything else (a late reply to a timed-out call, an error for req_id 0) has no taker.
        return;
    }
    const auto route = route_binary(frame.data, frame.size);
    if (!route) {
        fail_binary_waiters("taosAdapter sent a truncated binary frame (" + std::to_string(frame.size) + " bytes)");
        return;
    }
    std::lock_guard lock(mu_);
    std::uint64_t req_id = route->key;
    if (!route->new_format) {
        auto it = legacy_.find(route->key);
        if (it == legacy_.end()) {
            req_id = 0;
        } else {
            req_id = it->second;
        }
    }
    if (req_id != 0 && pending_.count(req_id)) {
        complete(req_id, &frame, nullptr);
        return;
    }
    if (route->new_format && abandoned_.erase(req_id)) return;  // its caller gave up (timeout)
    // A binary frame nobody asked for: its header must be corrupt. Whoever waits for a binary
    // reply would otherwise wait for one that never comes.
    std::vector<std::uint64_t> ids;
    for (const auto& [id, p] : pending_) {
        if (p->expects_binary) ids.push_back(id);
    }
    for (auto id : ids) {
        complete(id, nullptr,
                 std::make_exception_ptr(ProtocolError("taosAdapter sent a binary frame (" + std::to_string(frame.size) +
                                                       " bytes) that matches no request: corrupt header")));
    }
}

void WsClient::flush_queue() {
    for (;;) {
        Outgoing out;
        {
            std::lock_guard lock(mu_);
            if (queue_.empty()) return;
            out = std::move(queue_.front());
            queue_.pop_front();
        }
        if (out.payload.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
            // Poco's frame API takes an int; the request cannot be sent at all.
            throw Poco::IOException("a request of " + std::to_string(out.payload.size()) + " bytes is too large");
        }
        write_frame(out.payload, out.flags);
    }
}

// Reads one frame, or the rest of a fragmented message (answering pings meanwhile). Returns
// Closed when the server closed the connection, Control after a lone control frame (so the loop
// goes back to polling instead of blocking for the next frame), else Data with `out` filled.
WsClient::Received WsClient::receive_message(Frame& out) {
    std::shared_ptr<Poco::Buffer<char>> message;
    int message_op = 0;
    for (;;) {
        auto buf = std::make_shared<Poco::Buffer<char>>(0);
        int flags = 0;
        const int n = socket_->receiveFrame(*buf, flags);
        const int op = flags & WebSocket::FRAME_OP_BITMASK;
        if (n == 0 && flags == 0) return Received::Closed;
        if (op == WebSocket::FRAME_OP_PING) {
            std::string pong(buf->begin(), static_cast<std::size_t>(n));
            write_frame(pong, kPong);
        }
        if (op == WebSocket::FRAME_OP_PING || op == WebSocket::FRAME_OP_PONG) {
            if (message) continue;  // in the middle of a fragmented message: read on
            return Received::Control;
        }
        if (op == WebSocket::FRAME_OP_CLOSE) {
            try {
                std::string echo(buf->begin(), static_cast<std::size_t>(n));
                write_frame(echo, kClose);
            } catch (...) {
            }
            return Received::Closed;
        }
        const bool fin = (flags & WebSocket::FRAME_FLAG_FIN) != 0;
        if (op == WebSocket::FRAME_OP_TEXT || op == WebSocket::FRAME_OP_BINARY) {
            message_op = op;
            if (fin) {
                message = std::move(buf);
                break;
            }
            message = std::move(buf);
            continue;
        }
        if (op == WebSocket::FRAME_OP_CONT && message) {
            message->append(buf->begin(), static_cast<std::size_t>(n));
            if (fin) break;
            continue;
        }
        throw Poco::Net::WebSocketException("unexpected WebSocket frame (opcode " + std::to_string(op) + ")");
    }
    out.binary = message_op == WebSocket::FRAME_OP_BINARY;
    out.data = reinterpret_cast<const std::uint8_t*>(message->begin());
    out.size = message->size();
    out.owner = std::move(message);
    return Received::Data;
}

void WsClient::loop() {
    using clock = std::chrono::steady_clock;
    const int fd = socket_->impl()->sockfd();
    const bool pinging = ping_interval_.count() > 0;
    auto next_ping = clock::now() + ping_interval_;
    for (;;) {
        flush_queue();
        if (stop_.load()) return;
        if (pinging && clock::now() >= next_ping) {
            std::string ping("TAOS");
            write_frame(ping, kPing);
            next_ping = clock::now() + ping_interval_;
        }
        int timeout_ms = -1;
        if (pinging) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_ping - clock::now()).count();
            timeout_ms = left < 0 ? 0 : static_cast<int>(left + 1);
        }
        // Plain: read only while the callers are quiet (a negative fd is ignored by poll). TLS:
        // always, and look first at what the SSL object already decrypted (poll cannot see it).
        const bool reads = plain_ ? background_may_read(timeout_ms) : true;
        bool readable = !plain_ && socket_->available() > 0;
        if (!readable) {
            pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {reads ? fd : -1, POLLIN, 0}};
            const int r = ::poll(fds, 2, timeout_ms);
            if (r < 0 && errno != EINTR) throw Poco::IOException("poll failed");
            if (r > 0 && (fds[0].revents & POLLIN)) {
                std::uint64_t v;
                [[maybe_unused]] const auto n = ::read(wake_fd_, &v, sizeof v);
            }
            readable = r > 0 && reads && (fds[1].revents & (POLLIN | POLLHUP | POLLERR));
        }
        if (readable) {
            Frame frame;
            const Received got = receive_message(frame);
            if (got == Received::Closed) {
                fail_all(closed_by_server(label_));
                return;
            }
            if (got == Received::Data) dispatch(frame);
        }
        if (plain_ && reads) {
            std::lock_guard lock(mu_);
            reading_ = false;
            pass_reading_on();
        }
    }
}

void WsClient::run() noexcept {
    // Writes to a socket the server closed raise SIGPIPE; this thread never wants it.
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, nullptr);
    try {
        loop();
    } catch (...) {
        fail_all(current_link_error(label_));
    }
    if (stop_.load()) {
        // Callers still waiting learn that the client was closed, not that the link broke.
        fail_all(std::make_exception_ptr(ConnectionError(code::ConnectionClosed, "the connection to " + label_ + " is closed")));
        if (plain_) {
            std::lock_guard lock(write_mu_);
            ::shutdown(fd_, SHUT_RDWR);  // wakes a caller reading the socket
        } else {
            try {
                socket_->shutdown();
            } catch (...) {
            }
        }
    }
    fail_all(std::make_exception_ptr(ConnectionError(code::ConnectionClosed, "the connection to " + label_ + " is closed")));
}

void WsClient::close() noexcept {
    std::lock_guard guard(close_mu_);
    if (!thread_.joinable()) return;
    bool was_alive;
    {
        std::lock_guard lock(mu_);
        was_alive = !dead_;
    }
    // Waiting calls fail as closed now, before a caller reading the socket can see the server
    // answer the close frame and call it a broken link.
    fail_all(std::make_exception_ptr(ConnectionError(code::ConnectionClosed, "the connection to " + label_ + " is closed")));
    {
        // A polite close frame goes out (from the background thread) before the thread stops.
        std::lock_guard lock(mu_);
        if (was_alive) {
            try {
                enqueue(std::string("\x03\xe8", 2), kClose);
            } catch (...) {
            }
        }
        stop_.store(true);
    }
    wake();
    if (thread_.get_id() == std::this_thread::get_id()) {
        thread_.detach();  // closed from a frame handler: the thread ends after the handler returns
        return;
    }
    thread_.join();
    {
        std::unique_lock lock(mu_);
        caller_left_.wait(lock, [this] { return !caller_reading_; });
    }
    {
        std::lock_guard lock(write_mu_);
        fd_closed_ = true;  // a caller still writing must not touch a closed (or reused) descriptor
    }
    try {
        socket_->close();
    } catch (...) {
    }
}

}  // namespace taoslink::ws
