// An in-process WebSocket server on 127.0.0.1 for the taos-ws tests (Poco HTTPServer + WebSocket,
// optionally TLS). Every accepted socket runs the test's script in its own thread; the script
// reads the client's messages and answers as it likes (out of order, never, truncated, closing).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <Poco/Net/Context.h>
#include <Poco/Net/WebSocket.h>

namespace Poco::Net {
class HTTPServer;
}
namespace Poco {
class ThreadPool;
}

namespace ws_test {

/// One message (or control frame) from the client.
struct Message {
    int opcode = 0;  ///< Poco::Net::WebSocket::FRAME_OP_*
    std::string data;
    bool binary() const { return opcode == Poco::Net::WebSocket::FRAME_OP_BINARY; }
    /// The JSON action ("" for binary frames) and req_id (JSON: `"req_id":N`; binary: bytes 0..7).
    std::string action() const;
    std::uint64_t req_id() const;
    /// Binary request fields: resource id (bytes 8..15) and action number (16..23).
    std::uint64_t resource_id() const;
    std::uint64_t binary_action() const;
    /// A JSON member's raw text (`"sql"` -> its string value unescaped naively), "" when absent.
    std::string member(const std::string& key) const;
};

/// The server end of one accepted WebSocket.
class Peer {
public:
    explicit Peer(Poco::Net::WebSocket& ws, int index) : ws_(ws), index_(index) {}
    /// The next text/binary message; control frames are skipped unless `controls`. nullopt when
    /// the client closed or nothing came within `timeout_ms`.
    std::optional<Message> recv(int timeout_ms = 5000, bool controls = false);
    void send_text(const std::string& json);
    void send_binary(const std::string& bytes);
    void send_ping(const std::string& payload);
    /// Shuts the socket down without a close frame (the server "dies").
    void drop();
    /// 0 for the first connection the server accepted, 1 for the second...
    int index() const { return index_; }

    /// Answers `version` (with `version`) and `conn`; returns the conn message, nullopt when the
    /// client did not send both.
    std::optional<Message> handshake(const std::string& version = "3.3.6.0");

private:
    Poco::Net::WebSocket& ws_;
    int index_;
};

using Script = std::function<void(Peer&)>;

class WsServer {
public:
    /// Listens on 127.0.0.1, a free port; TLS when `tls` is given.
    explicit WsServer(Script script, Poco::Net::Context::Ptr tls = nullptr);
    ~WsServer();
    std::uint16_t port() const { return port_; }
    int accepted() const { return accepted_.load(); }
    /// Stops the server: open sockets are shut down, scripts end.
    void stop();

    // Used by the request handler.
    void run(Poco::Net::WebSocket& ws);

private:
    Script script_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::uint16_t port_ = 0;
    std::atomic<int> accepted_{0};
    std::atomic<bool> stopped_{false};
    std::mutex mu_;
    std::vector<Poco::Net::WebSocket*> open_;
};

/// A JSON reply with the adapter's common members (code, message, action, req_id, timing) then
/// `extra` (already JSON members, without a leading comma).
std::string reply(const Message& request, const std::string& extra = "", int code = 0, const std::string& message = "");
/// The query reply for one INT column named `name` (result id `id`).
std::string query_reply(const Message& request, std::uint64_t id, const std::string& name = "v");
/// A fetch_raw_block reply: a block of `values` in one INT column, or the finished frame when empty.
std::string raw_block_reply(std::uint64_t req_id, std::uint64_t result_id, const std::vector<std::int32_t>& values);
/// The raw block bytes for one INT column.
std::string int_block(const std::vector<std::int32_t>& values);

/// A port on 127.0.0.1 that nothing listens on.
std::uint16_t closed_port();

}  // namespace ws_test
