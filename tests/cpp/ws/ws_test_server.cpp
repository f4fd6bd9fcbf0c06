#include "ws_test_server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>

#include "taoslink/block.hpp"

using Poco::Net::WebSocket;

namespace ws_test {

namespace {

std::uint64_t le64(const std::string& s, std::size_t at) {
    if (s.size() < at + 8) return 0;
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
    return v;
}

void put(std::string& out, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

class Handler final : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(WsServer& s) : server_(s) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
        if (req.getURI().rfind("/ws", 0) != 0) {
            resp.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
            resp.send() << "404 page not found";
            return;
        }
        try {
            WebSocket ws(req, resp);
            server_.run(ws);
        } catch (const Poco::Exception&) {
        }
    }

private:
    WsServer& server_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(WsServer& s) : server_(s) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(server_);
    }

private:
    WsServer& server_;
};

}  // namespace

std::string Message::action() const {
    if (binary()) return "";
    return member("action");
}

std::uint64_t Message::req_id() const {
    if (binary()) return le64(data, 0);
    const auto at = data.find("\"req_id\":");
    if (at == std::string::npos) return 0;
    return std::stoull(data.substr(at + 9));
}

std::uint64_t Message::resource_id() const { return le64(data, 8); }
std::uint64_t Message::binary_action() const { return le64(data, 16); }

std::string Message::member(const std::string& key) const {
    const std::string k = "\"" + key + "\":";
    const auto at = data.find(k);
    if (at == std::string::npos) return "";
    std::size_t i = at + k.size();
    if (i < data.size() && data[i] == '"') {
        std::string out;
        for (++i; i < data.size() && data[i] != '"'; ++i) {
            if (data[i] == '\\' && i + 1 < data.size()) ++i;
            out += data[i];
        }
        return out;
    }
    std::size_t end = i;
    int depth = 0;
    while (end < data.size() && (depth > 0 || (data[end] != ',' && data[end] != '}'))) {
        if (data[end] == '[' || data[end] == '{') ++depth;
        if (data[end] == ']' || data[end] == '}') --depth;
        ++end;
    }
    return data.substr(i, end - i);
}

std::optional<Message> Peer::recv(int timeout_ms, bool controls) {
    ws_.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeout_ms) * 1000));
    for (;;) {
        Poco::Buffer<char> buf(0);
        int flags = 0;
        int n;
        try {
            n = ws_.receiveFrame(buf, flags);
        } catch (const Poco::Exception&) {
            return std::nullopt;
        }
        const int op = flags & WebSocket::FRAME_OP_BITMASK;
        if (n == 0 && flags == 0) return std::nullopt;
        if (op == WebSocket::FRAME_OP_CLOSE) return std::nullopt;
        Message m{op, std::string(buf.begin(), buf.size())};
        if (op == WebSocket::FRAME_OP_PING) {
            ws_.sendFrame(buf.begin(), n, WebSocket::FRAME_FLAG_FIN | static_cast<int>(WebSocket::FRAME_OP_PONG));
        }
        if ((op == WebSocket::FRAME_OP_PING || op == WebSocket::FRAME_OP_PONG) && !controls) continue;
        return m;
    }
}

void Peer::send_text(const std::string& json) { ws_.sendFrame(json.data(), static_cast<int>(json.size()), WebSocket::FRAME_TEXT); }
void Peer::send_binary(const std::string& b) { ws_.sendFrame(b.data(), static_cast<int>(b.size()), WebSocket::FRAME_BINARY); }
void Peer::send_ping(const std::string& p) {
    ws_.sendFrame(p.data(), static_cast<int>(p.size()), WebSocket::FRAME_FLAG_FIN | static_cast<int>(WebSocket::FRAME_OP_PING));
}

void Peer::drop() {
    try {
        ws_.shutdownReceive();
        ws_.shutdownSend();
    } catch (...) {
    }
}

std::optional<Message> Peer::handshake(const std::string& version) {
    auto v = recv();
    if (!v || v->action() != "version") return std::nullopt;
    send_text(reply(*v, "\"version\":\"" + version + "\""));
    auto c = recv();
    if (!c || c->action() != "conn") return std::nullopt;
    send_text(reply(*c, "\"version\":\"" + version + "\""));
    return c;
}

WsServer::WsServer(Script script, Poco::Net::Context::Ptr tls) : script_(std::move(script)) {
    const Poco::Net::SocketAddress addr("127.0.0.1", 0);
    Poco::Net::ServerSocket socket = tls ? Poco::Net::SecureServerSocket(addr, 64, tls) : Poco::Net::ServerSocket(addr, 64);
    port_ = socket.address().port();
    pool_ = std::make_unique<Poco::ThreadPool>(2, 32);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(32);
    params->setKeepAlive(false);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *pool_, socket, params);
    server_->start();
}

WsServer::~WsServer() { stop(); }

void WsServer::stop() {
    if (stopped_.exchange(true)) return;
    {
        std::lock_guard lock(mu_);
        for (auto* ws : open_) {
            try {
                ws->shutdown();
            } catch (...) {
            }
        }
    }
    server_->stopAll(true);
    pool_->joinAll();
}

void WsServer::run(WebSocket& ws) {
    {
        std::lock_guard lock(mu_);
        if (stopped_) return;
        open_.push_back(&ws);
    }
    Peer peer(ws, accepted_.fetch_add(1));
    try {
        script_(peer);
    } catch (...) {
    }
    std::lock_guard lock(mu_);
    std::erase(open_, &ws);
}

std::string reply(const Message& req, const std::string& extra, int code, const std::string& message) {
    std::string action = req.binary() ? (req.binary_action() == 6 ? "binary_query" : "binary") : req.action();
    std::string out = "{\"code\":" + std::to_string(code) + ",\"message\":\"" + message + "\",\"action\":\"" + action +
                      "\",\"req_id\":" + std::to_string(req.req_id()) + ",\"timing\":1000";
    if (!extra.empty()) out += "," + extra;
    return out + "}";
}

std::string query_reply(const Message& req, std::uint64_t id, const std::string& name) {
    return reply(req, "\"id\":" + std::to_string(id) +
                          ",\"is_update\":false,\"affected_rows\":0,\"fields_count\":1,\"fields_names\":[\"" + name +
                          "\"],\"fields_types\":[4],\"fields_lengths\":[4],\"precision\":0,\"fields_precisions\":[0],"
                          "\"fields_scales\":[0]");
}

std::string int_block(const std::vector<std::int32_t>& values) {
    taoslink::BlockBuilder b({taoslink::Field{"v", taoslink::TypeCode::Int, 4}}, taoslink::TextEncoding::Ucs4);
    for (auto v : values) b.append_int(0, v);
    return std::string(b.finish()->raw());
}

std::string raw_block_reply(std::uint64_t req_id, std::uint64_t result_id, const std::vector<std::int32_t>& values) {
    std::string out;
    put(out, ~0ull, 8);
    put(out, 7, 8);
    put(out, 1, 2);
    put(out, 1000, 8);
    put(out, req_id, 8);
    put(out, 0, 4);
    put(out, 0, 4);
    put(out, result_id, 8);
    if (values.empty()) {
        out += '\x01';
        return out;
    }
    out += '\x00';
    const std::string block = int_block(values);
    put(out, block.size(), 4);
    return out + block;
}

std::uint16_t closed_port() {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    const auto port = s.address().port();
    s.close();
    return port;
}

}  // namespace ws_test
