// One WebSocket to taosAdapter (/ws or /rest/tmq) with request/reply correlation.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "taoslink/dsn.hpp"

namespace Poco::Net {
class WebSocket;
}

namespace taoslink::ws {

/// One complete message received from the server. The bytes stay valid while `owner` lives, so a
/// Block can view them without copying.
struct Frame {
    bool binary = false;
    std::shared_ptr<const void> owner;
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
    std::string_view text() const noexcept { return {reinterpret_cast<const char*>(data), size}; }
};

/// How to reach one endpoint.
struct WsClientConfig {
    bool tls = false;
    bool tls_verify = true;
    std::string ca_file;
    std::string target = "/ws";  ///< path and query of the upgrade request, already URL-encoded
    std::chrono::microseconds connect_timeout = std::chrono::seconds(10);
    std::chrono::microseconds read_timeout = std::chrono::seconds(300);
    std::chrono::microseconds ping_interval = std::chrono::seconds(30);  ///< 0: never ping
};

/// What a call waits for.
struct CallOptions {
    const char* what = "request";  ///< named in timeout messages ("query", "fetch_raw_block"...)
    bool expects_binary = false;   ///< the reply is a binary frame (fetch_raw_block, fetch_block)
    /// For a legacy fetch_block request: its binary reply carries no req_id and is routed by this
    /// result id instead.
    std::uint64_t legacy_result_id = 0;
    /// 0: the configured read timeout.
    std::chrono::microseconds timeout{0};
};

/// A WebSocket client for taosAdapter. Whoever reads the socket reassembles messages, answers
/// pings and hands each reply to the request waiting for it, matched by req_id (JSON replies and
/// new-format binary replies) or by result id (legacy fetch_block replies), in whatever order they
/// arrive; a background thread sends a ping every `ping_interval`.
///
/// On a plain socket the calling thread writes its own request (one frame at a time, under a
/// lock) and, when no other thread is reading, reads the socket itself until its reply is in,
/// routing other callers' replies on the way; then it passes the reading on to another waiting
/// caller. The background thread reads only when no call was made for `kIdleBeforeBackground`
/// (pings, a server close, late replies). So a request costs no thread hand-off. Over TLS, where
/// one SSL object must not be used by two threads at once, the background thread does all the
/// reading and writing. Thread-safe: any number of threads may call at once.
///
/// Failures: a call waits at most its timeout (TimeoutError, code RpcTimeout); when the server
/// closes the socket or the link breaks, every waiting call fails at once with ConnectionError
/// (BrokenLink) and later calls fail immediately (the client is dead: open a new one); a binary
/// reply too short or corrupt to route fails the calls waiting for binary replies with
/// ProtocolError. After close(), calls fail with ConnectionError(ConnectionClosed).
class WsClient {
public:
    /// Plain sockets: how long after the last call the background thread takes over the reading.
    static constexpr std::chrono::milliseconds kIdleBeforeBackground{50};
    /// Plain sockets: the longest the background thread waits before looking again while a caller
    /// reads (it waits as long as the latest call has taken, from kIdleBeforeBackground up).
    static constexpr std::chrono::milliseconds kRecheckWhileCallerReads{1000};

    /// Called on the reader thread with every text and binary message before it is routed; return
    /// true to consume it. Must not block or call back into the client's waiting calls.
    using FrameHandler = std::function<bool(const Frame&)>;

    /// Connects and upgrades. Throws TimeoutError / ConnectionError (NetworkUnavailable, TlsError,
    /// IoError for a refused upgrade) / AuthError (HTTP 401).
    WsClient(const WsClientConfig& config, const Endpoint& endpoint);
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    /// A fresh non-zero req_id, unique on this client.
    std::uint64_t next_req_id() noexcept;

    /// Sends `payload` (text or binary) and waits for the reply correlated with `req_id`.
    /// Throws UsageError when `req_id` is 0 or already waiting on this client.
    Frame call(std::string payload, bool binary, std::uint64_t req_id, const CallOptions& options = {});

    /// Sends a JSON request and waits for its reply (a text frame, normally).
    Frame call_json(std::string json, std::uint64_t req_id, const CallOptions& options = {}) {
        return call(std::move(json), false, req_id, options);
    }

    /// Queues a message for which no reply is expected (free_result, stmt close). Throws
    /// ConnectionError when the client is dead.
    void send(std::string payload, bool binary);

    /// An empty string with the capacity of the last large request frame sent on a plain socket,
    /// for building the next one: back-to-back large binds then write into warm pages instead of
    /// having the allocator unmap and fault in fresh ones for every frame.
    std::string take_frame_buffer();

    /// Installs (or with nullptr removes) the frame handler.
    void set_frame_handler(FrameHandler handler);

    /// False once the link broke or close() was called.
    bool alive() const noexcept { return alive_.load(); }
    /// "host:port".
    const std::string& label() const noexcept { return label_; }
    /// Requests waiting for a reply (tests).
    std::size_t pending() const;

    /// Sends a close frame (best effort), stops the thread and fails waiting calls. Idempotent.
    void close() noexcept;

private:
    struct Pending;
    struct Outgoing {
        std::string payload;
        int flags;
    };

    void run() noexcept;
    void loop();
    void flush_queue();
    enum class Received { Data, Control, Closed };
    Received receive_message(Frame& out);
    void dispatch(const Frame& frame);
    void complete(std::uint64_t req_id, const Frame* frame, std::exception_ptr error);
    void fail_binary_waiters(const std::string& why);
    void fail_text_waiters(const std::string& why);
    void fail_all(std::exception_ptr error);
    void wake() noexcept;
    void enqueue(std::string payload, int flags);
    void write_frame(std::string& payload, int flags);
    bool send_direct(std::string payload, int flags);
    bool may_lead(std::chrono::steady_clock::time_point deadline) const;
    void lead(const Pending& mine, std::chrono::steady_clock::time_point deadline) noexcept;
    void pass_reading_on();
    void break_link(std::exception_ptr error) noexcept;
    bool background_may_read(int& timeout_ms);

    std::string label_;
    std::chrono::microseconds read_timeout_;
    std::chrono::microseconds ping_interval_;
    std::unique_ptr<Poco::Net::WebSocket> socket_;
    int wake_fd_ = -1;
    bool plain_ = false;  // plain socket: callers write their own frames and may read (above)
    int fd_ = -1;

    // Serialises writes on a plain socket; guards fd_closed_ and mask_state_.
    std::mutex write_mu_;
    bool fd_closed_ = false;
    std::uint64_t mask_state_ = 0;

    // A sent frame's buffer kept for take_frame_buffer() (64 KiB to 8 MiB of capacity).
    void keep_frame_buffer(std::string&& sent) noexcept;
    std::mutex spare_mu_;
    std::string spare_;

    mutable std::mutex mu_;
    std::map<std::uint64_t, std::shared_ptr<Pending>> pending_;
    std::map<std::uint64_t, std::uint64_t> legacy_;  // result id -> req_id
    std::set<std::uint64_t> abandoned_;             // req_ids whose callers timed out
    std::deque<std::uint64_t> abandoned_order_;
    std::deque<Outgoing> queue_;
    std::exception_ptr dead_;  // why the client is dead, once it is
    bool reading_ = false;         // a thread is reading the socket (plain sockets)
    bool caller_reading_ = false;  // ... and it is a caller, not the background thread
    std::chrono::steady_clock::time_point last_call_{};
    std::condition_variable caller_left_;  // close() waits for a reading caller to leave the socket
    FrameHandler handler_;
    std::atomic<bool> has_handler_{false};

    std::atomic<bool> alive_{true};
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> next_id_;
    std::mutex close_mu_;
    std::thread thread_;
};

}  // namespace taoslink::ws
