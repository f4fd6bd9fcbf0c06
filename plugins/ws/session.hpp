// One logged-in /ws socket: a WsClient after `version` and `conn`, with JSON/binary request helpers.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "json.hpp"
#include "options.hpp"
#include "ws_client.hpp"

namespace taoslink::ws {

/// Whether version string `v` compares >= `min` (numeric compare of the first four '.'/'-'
/// separated components; "3.x" counts as new).
bool version_at_least(std::string_view v, std::string_view min);

/// The upgrade target for `options` ("/ws", plus "?token=..." for a cloud token).
std::string upgrade_target(const WsOptions& options);

/// The socket settings `options` give: TLS, upgrade target, timeouts, pings.
WsClientConfig client_config(const WsOptions& options);

/// Sends `version` on a new socket, waiting at most `timeout`; the server's version string.
/// `where` goes into the ProtocolError for a binary answer (" on /rest/tmq").
std::string ask_version(WsClient& client, std::chrono::microseconds timeout, std::string_view where = "");

/// A connected, authenticated socket. Results and statements keep their Session alive; once its
/// link breaks they fail with ConnectionError and the Connection opens a new Session.
class Session {
public:
    /// Connects to `endpoint`, sends `version` then `conn` (user, password, `database`, tz, app).
    /// Throws AuthError for rejected credentials, ConnectionError/TimeoutError otherwise.
    static std::shared_ptr<Session> open(const WsOptions& options, const Endpoint& endpoint, const std::string& database);

    WsClient& client() noexcept { return *client_; }
    const std::shared_ptr<WsClient>& client_ptr() const noexcept { return client_; }
    bool alive() const noexcept { return client_->alive(); }
    const std::string& server_version() const noexcept { return version_; }
    /// The server takes binary queries (action 6) and fetch_raw_block (action 7): version >= 3.3.2.0.
    bool binary_protocol() const noexcept { return binary_; }

    /// `req_id` when non-zero, else a fresh one.
    std::uint64_t req_id(std::uint64_t given) noexcept { return given ? given : client_->next_req_id(); }

    /// Sends a JSON request, waits for its reply and throws the server's error when code != 0.
    JsonReply request(std::string_view action, const JsonArgs& args, std::uint64_t req_id = 0, bool at_login = false);
    /// Sends a binary request whose reply is JSON; checks the code as request() does.
    JsonReply request_binary(std::string frame, std::uint64_t req_id, const char* what);

    void close() noexcept { client_->close(); }

private:
    explicit Session(std::shared_ptr<WsClient> client) : client_(std::move(client)) {}
    std::shared_ptr<WsClient> client_;
    std::string version_;
    bool binary_ = false;
};

}  // namespace taoslink::ws
