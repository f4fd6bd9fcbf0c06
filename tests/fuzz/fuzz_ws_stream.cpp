// WebSocket frame handling (plugins/ws/ws_client.cpp over Poco's framing): a loopback server
// answers the upgrade, waits for the client's three requests, then writes the fuzz input as the
// raw byte stream of frames (pings, fragments, close, garbage) and shuts its side down. The client
// must route what it can to the waiting calls (a JSON reply, a new-format binary reply, a legacy
// fetch_block reply) and fail the rest with a taoslink::Error, never crash or hang. Delivered
// messages are then decoded as the plugin would (ws_messages.hpp).
//
// With the first input byte odd, the rest replaces the whole HTTP upgrade response instead.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <future>
#include <string>
#include <string_view>
#include <thread>

#include <Poco/Base64Encoder.h>
#include <Poco/SHA1Engine.h>

#include <sstream>

#include "codec.hpp"
#include "taoslink/dsn.hpp"
#include "taoslink/error.hpp"
#include "ws_client.hpp"
#include "ws_messages.hpp"

namespace {

using namespace std::chrono_literals;

// The req_ids the three calls wait on, and the result id the legacy call is routed by; seeds
// (make_corpus.py) answer these.
constexpr std::uint64_t kTextReq = 1, kBinaryReq = 2, kLegacyReq = 3, kLegacyResult = 7;

int listener() {
    static const int fd = [] {
        const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(s, 8) != 0) std::abort();
        return s;
    }();
    return fd;
}

std::uint16_t listener_port() {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    if (::getsockname(listener(), reinterpret_cast<sockaddr*>(&a), &len) != 0) std::abort();
    return ntohs(a.sin_port);
}

bool send_all(int fd, const char* p, std::size_t n) {
    while (n) {
        const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

std::string accept_key(const std::string& key) {
    Poco::SHA1Engine sha1;
    sha1.update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");  // RFC 6455's GUID
    const auto& digest = sha1.digest();
    std::ostringstream out;
    Poco::Base64Encoder b64(out);
    b64.write(reinterpret_cast<const char*>(digest.data()), static_cast<std::streamsize>(digest.size()));
    b64.close();
    return out.str();
}

// Reads until `n` client messages (masked frames with FIN) have arrived; false on EOF.
bool await_messages(int fd, std::string& in, int n) {
    std::size_t at = 0;
    int seen = 0;
    char buf[4096];
    for (;;) {
        // Parse what we have.
        while (in.size() - at >= 2) {
            const auto b0 = static_cast<std::uint8_t>(in[at]), b1 = static_cast<std::uint8_t>(in[at + 1]);
            std::size_t head = 2, len = b1 & 0x7F;
            if (len == 126) head += 2;
            if (len == 127) head += 8;
            if (in.size() - at < head + 4) break;
            if (len == 126) len = (static_cast<std::uint8_t>(in[at + 2]) << 8) | static_cast<std::uint8_t>(in[at + 3]);
            if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; ++i) len = (len << 8) | static_cast<std::uint8_t>(in[at + 2 + i]);
            }
            if (in.size() - at < head + 4 + len) break;
            at += head + 4 + len;
            if ((b0 & 0x80) && (b0 & 0x0F) != 0) ++seen;
        }
        if (seen >= n) return true;
        const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
        if (r <= 0) return false;
        in.append(buf, static_cast<std::size_t>(r));
    }
}

void serve(std::string_view script, bool raw_upgrade) {
    const int fd = ::accept4(listener(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const int one = 1;  // small writes go out at once (no Nagle wait for the client's ACK)
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::string in;
    char buf[4096];
    while (in.find("\r\n\r\n") == std::string::npos) {
        const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
        if (r <= 0) break;
        in.append(buf, static_cast<std::size_t>(r));
    }
    const auto head_end = in.find("\r\n\r\n");
    if (raw_upgrade) {
        send_all(fd, script.data(), script.size());
    } else if (head_end != std::string::npos) {
        std::string key;
        const auto k = in.find("Sec-WebSocket-Key: ");
        if (k != std::string::npos) key = in.substr(k + 19, in.find("\r\n", k) - k - 19);
        const std::string reply = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                  "Sec-WebSocket-Accept: " + accept_key(key) + "\r\n\r\n";
        in.erase(0, head_end + 4);
        if (send_all(fd, reply.data(), reply.size()) && await_messages(fd, in, 3)) {
            send_all(fd, script.data(), script.size());
        }
    }
    ::shutdown(fd, SHUT_WR);
    while (::recv(fd, buf, sizeof buf, 0) > 0) {
    }
    ::close(fd);
}

// One call on its own thread; the delivered message is decoded as the plugin would.
void call(taoslink::ws::WsClient& client, std::uint64_t req_id, bool binary, std::uint64_t legacy_result) {
    taoslink::ws::CallOptions options;
    options.expects_binary = binary;
    options.legacy_result_id = legacy_result;
    std::string request;
    if (binary) {
        request = legacy_result ? taoslink::ws::binary_request(req_id, legacy_result, 5)
                                : taoslink::ws::fetch_raw_block_request(req_id, 9);
    } else {
        request = "{\"action\":\"query\",\"args\":{\"req_id\":" + std::to_string(req_id) + "}}";
    }
    try {
        const taoslink::ws::Frame f = client.call(std::move(request), binary, req_id, options);
        // A binary request may be answered by a JSON error: the plugin reads it as one.
        if (f.binary) {
            taoslink_fuzz::binary_message(f.data, f.size);
        } else {
            taoslink_fuzz::text_message(f.text());
        }
    } catch (const taoslink::Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const bool raw_upgrade = data[0] & 1;
    const std::string_view script(reinterpret_cast<const char*>(data + 1), size - 1);
    std::thread server([&] { serve(script, raw_upgrade); });

    taoslink::ws::WsClientConfig config;
    config.connect_timeout = 5s;
    config.read_timeout = 10s;  // only a hang reaches it: the server always shuts its side down
    config.ping_interval = 0s;
    try {
        taoslink::ws::WsClient client(config, taoslink::Endpoint{"127.0.0.1", listener_port()});
        std::thread text([&] { call(client, kTextReq, false, 0); });
        std::thread binary([&] { call(client, kBinaryReq, true, 0); });
        std::thread legacy([&] { call(client, kLegacyReq, true, kLegacyResult); });
        text.join();
        binary.join();
        legacy.join();
        if (client.pending() != 0) std::abort();  // every call has its answer or its error
    } catch (const taoslink::Error&) {
    }
    server.join();
    return 0;
}
