// The taos-ws TMQ consumer: taoslink::Consumer over taosAdapter's /rest/tmq WebSocket (README.md "TMQ").
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "json.hpp"
#include "options.hpp"
#include "taoslink/connection.hpp"
#include "ws_client.hpp"

namespace taoslink::ws {

/// What a consumer sends in `subscribe`, read from TDengine configuration keys.
struct TmqSettings {
    std::string group_id;              ///< group.id (required)
    std::string client_id;             ///< client.id
    std::string offset_reset;          ///< auto.offset.reset: earliest / latest / none; empty = server default (latest)
    bool auto_commit = false;          ///< enable.auto.commit (the adapter commits before each poll)
    std::string auto_commit_interval;  ///< auto.commit.interval.ms; empty = server default (5000)
    bool with_table_name = true;       ///< msg.with.table.name
    bool snapshot = false;             ///< experimental.snapshot.enable
    std::string enable_batch_meta;     ///< msg.enable.batchmeta
    std::string consume_excluded;      ///< msg.consume.excluded
    std::string session_timeout;       ///< session.timeout.ms
    std::string max_poll_interval;     ///< max.poll.interval.ms
    /// Timeout of every request but poll (poll waits its own timeout plus this): the DSN's
    /// read_timeout/timeout when given, else 30 s. /rest/tmq drops malformed requests silently,
    /// so nothing waits forever.
    std::chrono::microseconds request_timeout = std::chrono::seconds(30);
};

/// The configuration keys a taos-ws consumer accepts, sorted (TDengine keys, then the taos-ws
/// DSN parameters that may also be given as configuration).
const std::vector<std::string>& accepted_consumer_keys();

/// Reads a consumer's DSN and configuration. DSN query parameters that are TDengine consumer keys
/// count as configuration; `config` wins over them. `td.connect.user/pass/db/ip/port` override
/// the DSN's user, password, database, host and port; taos-ws DSN parameters (timeout, token...)
/// may appear in either. Throws UsageError listing the accepted keys for an unknown key, and
/// UsageError/DsnError for a value that does not parse or a missing group.id.
std::pair<WsOptions, TmqSettings> consumer_options(const Dsn& dsn, const std::map<std::string, std::string>& config);

/// A TMQ consumer on one /rest/tmq socket at a time.
///
/// Not thread-safe: use one consumer from one thread at a time (close() alone may be called from
/// any thread, and makes a blocked poll fail). Messages and their blocks are plain values that
/// may outlive the consumer and move between threads.
///
/// Reading: a poll that returns a data message also reads all its blocks before returning
/// (`fetch_raw_data` on servers >= 3.3.2.0, whose raw type-2 payload is parsed in place; else, or
/// for metadata messages, `fetch` + `fetch_block` per block). Meta-only messages (type 2) come
/// back with no blocks.
///
/// Errors: the server's errors throw ServerError with TDengine's code (0xFFFF `tmq not init`
/// for offset calls before subscribe, 0x4009/0x4008/0x4007 for a foreign topic, vgroup or an
/// offset out of range...); transport failures throw ConnectionError (TimeoutError when a reply
/// does not come in time); undecodable replies throw ProtocolError.
///
/// A dropped link: the call that was in flight fails with ConnectionError (a poll says so and
/// returns nothing; it never returns half a message). The next call opens a new socket (cycling
/// through the DSN's endpoints, `conn_retries` attempts with back-off) and, if the consumer was
/// subscribed, subscribes again with the same group and topics before doing its work, so
/// consumption resumes from the group's committed offsets: nothing committed is read again and
/// nothing uncommitted is lost (what was polled but not committed is delivered again).
class WsConsumer final : public Consumer {
public:
    /// Connects and asks the server's version (bounded by the connect timeout). Subscribes nothing.
    WsConsumer(WsOptions options, TmqSettings settings);
    ~WsConsumer() override;

    /// Subscribes to `topics` (at least one). An existing subscription is replaced (unsubscribe,
    /// then subscribe), as tmq_subscribe does.
    void subscribe(const std::vector<std::string>& topics) override;
    /// Leaves the group's assignment. A no-op when not subscribed.
    void unsubscribe() override;
    /// Waits up to `timeout` (negative: until a message arrives) for the next message. Throws
    /// UsageError before subscribe().
    std::optional<Message> poll(std::chrono::milliseconds timeout) override;
    /// Commits the positions of every assigned vgroup (taosAdapter's `commit` ignores which
    /// message is given): everything polled so far, `message` included.
    void commit(const Message* message) override;
    void commit_offset(const std::string& topic, std::int32_t vgroup_id, std::int64_t offset) override;
    void seek(const std::string& topic, std::int32_t vgroup_id, std::int64_t offset) override;
    /// The vgroups assigned to this consumer, for every subscribed topic.
    std::vector<TopicAssignment> assignment() override;
    /// The group's committed offset, or kNoCommittedOffset (-2147467247) when there is none.
    std::int64_t committed(const std::string& topic, std::int32_t vgroup_id) override;
    std::int64_t position(const std::string& topic, std::int32_t vgroup_id) override;
    /// The subscribed topics (asked from the server when it can say, >= 3.2.2.0).
    std::vector<std::string> list_topics() override;
    /// Closes the socket (the server then unsubscribes and drops the consumer; nothing is
    /// committed implicitly). Idempotent; never throws.
    void close() noexcept override;

    /// The server's version string (from the `version` action).
    std::string server_version() const;
    /// Sockets opened so far (1 after construction; +1 per reconnect).
    std::size_t connects() const noexcept { return connects_.load(); }
    /// Closes the current socket as a network failure would, leaving the consumer open: the next
    /// call rejoins the group at the committed offsets (after an unreadable message; tests).
    void break_link() noexcept;
    /// With false, data messages are read with `fetch` + `fetch_block` even where the server has
    /// `fetch_raw_data` (tests of the pre-3.3.2.0 path).
    void use_fetch_raw_data(bool enabled) noexcept { use_raw_data_ = enabled; }

private:
    struct Link {
        std::shared_ptr<WsClient> client;
        std::string version;
        bool raw_data = false;        // fetch_raw_data (>= 3.3.2.0)
        bool offset_api = false;      // commit_offset/committed/position/list_topics (>= 3.2.2.0)
        bool subscribed = false;      // the socket's consumer is subscribed (subscribe ok, no unsubscribe since)
        std::uint64_t last_message_id = 0;
    };

    std::shared_ptr<Link> open_link(const Endpoint& ep);
    std::shared_ptr<Link> open_any(bool initial);
    /// The current link, reconnecting and re-subscribing when it is gone.
    std::shared_ptr<Link> live();
    /// Sends a request and waits for its reply; a broken link says how the consumer recovers.
    /// `id` 0: a fresh req_id.
    Frame call(Link& link, std::string_view action, const JsonArgs& args, CallOptions options, std::uint64_t id = 0);
    /// Sends a request and checks its reply's code.
    JsonReply request(Link& link, std::string_view action, const JsonArgs& args,
                      std::chrono::microseconds timeout = std::chrono::microseconds(0), bool at_login = false);
    void send_subscribe(Link& link, const std::vector<std::string>& topics);
    void require_offset_api(const Link& link, const char* action) const;
    std::optional<Message> poll_once(std::chrono::milliseconds wait);
    void read_raw_data(Link& link, Message& m, std::uint64_t message_id, bool& fallback);
    void read_fetch_blocks(Link& link, Message& m, std::uint64_t message_id);
    std::vector<std::int64_t> offsets(const char* action, const std::string& topic, std::int32_t vgroup_id);

    WsOptions options_;
    TmqSettings settings_;
    std::vector<std::string> topics_;  // what we are (or should be, after a reconnect) subscribed to
    mutable std::mutex mu_;            // link_ (close() may come from another thread)
    std::shared_ptr<Link> link_;
    std::size_t next_endpoint_ = 0;
    std::atomic<std::size_t> connects_{0};
    std::atomic<bool> closed_{false};
    bool use_raw_data_ = true;
};

/// Opens a taos-ws consumer (Transport::consumer).
std::unique_ptr<Consumer> open_ws_consumer(const Dsn& dsn, const std::map<std::string, std::string>& config);

}  // namespace taoslink::ws
