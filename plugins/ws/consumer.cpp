#include "consumer.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <simdjson.h>

#include "errors.hpp"
#include "failover.hpp"
#include "session.hpp"
#include "taoslink/error.hpp"
#include "tmq_payload.hpp"

namespace taoslink::ws {

namespace {

// TDengine consumer keys (protocol.md §3.2) this consumer understands.
const std::vector<std::string> kTmqKeys = {
    "auto.commit.interval.ms", "auto.offset.reset", "client.id",      "enable.auto.commit",
    "experimental.snapshot.enable", "group.id", "max.poll.interval.ms", "msg.consume.excluded",
    "msg.enable.batchmeta", "msg.with.table.name", "session.timeout.ms", "td.connect.db",
    "td.connect.ip", "td.connect.pass", "td.connect.port", "td.connect.user",
};
// taos-ws DSN parameters (options.cpp) that may also come in the configuration map.
const std::vector<std::string> kConnectionKeys = {
    "app",  "bearer_token", "ca_file",      "conn_retries", "connect_timeout", "ping_interval",
    "read_timeout", "retry_backoff_max_ms", "retry_backoff_ms", "ssl", "timeout", "timezone",
    "tls",  "tls_ca",       "tls_verify",   "token",        "tz",              "verify",
};

bool contains(const std::vector<std::string>& v, const std::string& k) {
    return std::find(v.begin(), v.end(), k) != v.end();
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

[[noreturn]] void bad_value(const std::string& key, const std::string& value, const std::string& expected) {
    throw UsageError(code::InvalidArgument,
                     "consumer configuration '" + key + "' must be " + expected + ", got '" + value + "'");
}

bool bool_value(const std::string& key, const std::string& value) {
    const std::string v = lower(value);
    if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "0" || v == "no" || v == "off") return false;
    bad_value(key, value, "true or false");
}

std::string int_value(const std::string& key, const std::string& value) {
    const bool digits = !value.empty() && value.size() <= 18 &&
                        std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!digits) bad_value(key, value, "a non-negative integer");
    return value;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

std::string topics_json(const std::vector<std::string>& topics) {
    std::string out = "[";
    for (std::size_t i = 0; i < topics.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, topics[i]);
    }
    return out + "]";
}

std::string topic_vgroup_json(const std::string& topic, std::int32_t vgroup_id) {
    std::string out = "[{\"topic\":";
    append_json_string(out, topic);
    return out + ",\"vgroup_id\":" + std::to_string(vgroup_id) + "}]";
}

const char* bool_text(bool b) { return b ? "true" : "false"; }

std::chrono::microseconds ms(std::chrono::milliseconds m) {
    return std::chrono::duration_cast<std::chrono::microseconds>(m);
}

}  // namespace

const std::vector<std::string>& accepted_consumer_keys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> k = kTmqKeys;
        k.insert(k.end(), kConnectionKeys.begin(), kConnectionKeys.end());
        return k;
    }();
    return keys;
}

std::pair<WsOptions, TmqSettings> consumer_options(const Dsn& dsn, const std::map<std::string, std::string>& config) {
    Dsn d = dsn;
    std::map<std::string, std::string> tmq;
    for (const auto& [k, v] : dsn.params) {
        if (contains(kTmqKeys, k)) tmq[k] = v;
    }
    for (const auto& [k, v] : config) {
        if (contains(kTmqKeys, k)) {
            tmq[k] = v;
        } else if (contains(kConnectionKeys, k)) {
            d.params[k] = v;
        } else {
            throw UsageError(code::InvalidArgument, "unknown consumer configuration key '" + k +
                                                        "'; taos-ws accepts: " + join(accepted_consumer_keys()));
        }
    }
    for (const auto& k : kTmqKeys) d.params.erase(k);
    auto get = [&](const char* k) -> const std::string* {
        auto it = tmq.find(k);
        return it == tmq.end() ? nullptr : &it->second;
    };

    if (auto v = get("td.connect.user")) d.user = *v;
    if (auto v = get("td.connect.pass")) d.password = *v;
    if (auto v = get("td.connect.db")) d.database = *v;
    if (auto v = get("td.connect.ip")) {
        if (v->empty()) bad_value("td.connect.ip", *v, "a host name or address");
        const std::uint16_t port = d.endpoints.empty() ? 0 : d.endpoints.front().port;
        d.endpoints = {Endpoint{*v, port}};
    }
    if (auto v = get("td.connect.port")) {
        const auto port = std::stol(int_value("td.connect.port", *v));
        if (port < 1 || port > 65535) bad_value("td.connect.port", *v, "a port number (1-65535)");
        if (d.endpoints.empty()) d.endpoints.push_back(Endpoint{});
        for (auto& ep : d.endpoints) ep.port = static_cast<std::uint16_t>(port);
    }

    WsOptions o = options_from_dsn(d);
    o.path = "/rest/tmq";

    TmqSettings s;
    if (auto v = get("group.id")) s.group_id = *v;
    if (s.group_id.empty()) {
        throw UsageError(code::InvalidArgument, "a TMQ consumer needs a 'group.id' in its configuration");
    }
    if (auto v = get("client.id")) s.client_id = *v;
    if (auto v = get("auto.offset.reset")) {
        const std::string r = lower(*v);
        if (r != "earliest" && r != "latest" && r != "none") bad_value("auto.offset.reset", *v, "earliest, latest or none");
        s.offset_reset = r;
    }
    if (auto v = get("enable.auto.commit")) s.auto_commit = bool_value("enable.auto.commit", *v);
    if (auto v = get("auto.commit.interval.ms")) s.auto_commit_interval = int_value("auto.commit.interval.ms", *v);
    if (auto v = get("msg.with.table.name")) s.with_table_name = bool_value("msg.with.table.name", *v);
    if (auto v = get("experimental.snapshot.enable")) s.snapshot = bool_value("experimental.snapshot.enable", *v);
    if (auto v = get("msg.enable.batchmeta")) s.enable_batch_meta = int_value("msg.enable.batchmeta", *v);
    if (auto v = get("msg.consume.excluded")) s.consume_excluded = int_value("msg.consume.excluded", *v);
    if (auto v = get("session.timeout.ms")) s.session_timeout = int_value("session.timeout.ms", *v);
    if (auto v = get("max.poll.interval.ms")) s.max_poll_interval = int_value("max.poll.interval.ms", *v);
    if (d.param("read_timeout") || d.param("timeout")) s.request_timeout = o.read_timeout;
    return {std::move(o), std::move(s)};
}

// ---------------------------------------------------------------------------------------------

WsConsumer::WsConsumer(WsOptions options, TmqSettings settings)
    : options_(std::move(options)), settings_(std::move(settings)) {
    link_ = open_any(true);
}

WsConsumer::~WsConsumer() { close(); }

std::shared_ptr<WsConsumer::Link> WsConsumer::open_link(const Endpoint& ep) {
    WsClientConfig c = client_config(options_);
    c.read_timeout = settings_.request_timeout;
    auto link = std::make_shared<Link>();
    link->client = std::make_shared<WsClient>(c, ep);
    try {
        link->version = ask_version(*link->client, options_.connect_timeout, " on /rest/tmq");
        link->raw_data = version_at_least(link->version, "3.3.2.0");
        link->offset_api = version_at_least(link->version, "3.2.2.0");
    } catch (...) {
        link->client->close();
        throw;
    }
    connects_.fetch_add(1);
    return link;
}

std::shared_ptr<WsConsumer::Link> WsConsumer::open_any(bool initial) {
    static constexpr FailoverText text{"the consumer is closed", "no endpoint answered on /rest/tmq: ",
                                       "could not reconnect the consumer after "};
    const std::size_t n = options_.endpoints.size();
    return open_with_failover(
        options_, initial, closed_, text, [&] { return open_link(options_.endpoints[next_endpoint_ % n]); },
        [&] { next_endpoint_ = (next_endpoint_ + 1) % n; });
}

std::shared_ptr<WsConsumer::Link> WsConsumer::live() {
    if (closed_.load()) throw ConnectionError(code::ConnectionClosed, "the consumer is closed");
    std::shared_ptr<Link> link;
    {
        std::lock_guard lock(mu_);
        link = link_;
    }
    if (link && link->client->alive()) {
        if (!topics_.empty() && !link->subscribed) send_subscribe(*link, topics_);  // an earlier attempt failed
        return link;
    }
    link = open_any(false);
    {
        std::lock_guard lock(mu_);
        if (closed_.load()) {
            link->client->close();
            throw ConnectionError(code::ConnectionClosed, "the consumer is closed");
        }
        if (link_) link_->client->close();
        link_ = link;
    }
    // The old socket's consumer left the group when the socket closed; join again with the same
    // group and topics, so reading restarts at the committed offsets.
    if (!topics_.empty()) send_subscribe(*link, topics_);
    return link;
}

Frame WsConsumer::call(Link& link, std::string_view action, const JsonArgs& args, CallOptions options, std::uint64_t id) {
    if (id == 0) id = link.client->next_req_id();
    if (options.timeout.count() <= 0) options.timeout = settings_.request_timeout;
    try {
        return link.client->call_json(args.request(action, id), id, options);
    } catch (const TimeoutError&) {
        throw;
    } catch (const ConnectionError& e) {
        if (closed_.load() || link.client->alive()) throw;
        throw ConnectionError(e.code(), e.message() + " (during " + std::string(action) +
                                            "; the next call reconnects and subscribes again, resuming from the "
                                            "committed offsets)");
    }
}

JsonReply WsConsumer::request(Link& link, std::string_view action, const JsonArgs& args,
                              std::chrono::microseconds timeout, bool at_login) {
    const std::string name(action);
    CallOptions opts;
    opts.what = name.c_str();
    opts.timeout = timeout;
    const Frame f = call(link, action, args, opts);
    if (f.binary) throw ProtocolError("taosAdapter answered `" + name + "` on /rest/tmq with a binary frame");
    JsonReply r(f.text());
    r.check(at_login);
    return r;
}

void WsConsumer::send_subscribe(Link& link, const std::vector<std::string>& topics) {
    JsonArgs a;
    a.add("user", options_.user).add("password", options_.password).add("db", options_.database);
    a.add("group_id", settings_.group_id);
    if (!settings_.client_id.empty()) a.add("client_id", settings_.client_id);
    if (!settings_.offset_reset.empty()) {
        // `offset_reset` (3.2.2.0+) wins over the historical `offset_rest`, the only spelling
        // older adapters read; Go ignores the member it does not know.
        a.add("offset_reset", settings_.offset_reset).add("offset_rest", settings_.offset_reset);
    }
    a.add_raw("topics", topics_json(topics));
    a.add("auto_commit", bool_text(settings_.auto_commit));
    if (!settings_.auto_commit_interval.empty()) a.add("auto_commit_interval_ms", settings_.auto_commit_interval);
    a.add("snapshot_enable", bool_text(settings_.snapshot));
    a.add("with_table_name", bool_text(settings_.with_table_name));
    if (!settings_.enable_batch_meta.empty()) a.add("enable_batch_meta", settings_.enable_batch_meta);
    if (!settings_.consume_excluded.empty()) a.add("msg_consume_excluded", settings_.consume_excluded);
    if (!settings_.session_timeout.empty()) a.add("session_timeout_ms", settings_.session_timeout);
    if (!settings_.max_poll_interval.empty()) a.add("max_poll_interval_ms", settings_.max_poll_interval);
    if (!options_.tz.empty()) a.add("tz", options_.tz);
    if (!options_.app.empty()) a.add("app", options_.app);
    if (!options_.bearer_token.empty()) a.add("bearer_token", options_.bearer_token);
    request(link, "subscribe", a, {}, true);
    link.subscribed = true;
}

void WsConsumer::subscribe(const std::vector<std::string>& topics) {
    if (topics.empty()) throw UsageError(code::InvalidArgument, "subscribe: the topic list is empty");
    for (const auto& t : topics) {
        if (t.empty()) throw UsageError(code::InvalidArgument, "subscribe: a topic name is empty");
    }
    const std::vector<std::string> old = std::move(topics_);
    topics_.clear();  // so that a reconnect in live() does not subscribe the old topics first
    try {
        auto link = live();
        if (link->subscribed) {
            request(*link, "unsubscribe", JsonArgs());  // the adapter wants this before a new subscribe
            link->subscribed = false;
        }
        send_subscribe(*link, topics);
    } catch (...) {
        // Still (or again, after a reconnect) subscribed to `old` unless the unsubscribe went through.
        std::shared_ptr<Link> link;
        {
            std::lock_guard lock(mu_);
            link = link_;
        }
        if (link && link->subscribed) topics_ = old;
        throw;
    }
    topics_ = topics;
}

void WsConsumer::unsubscribe() {
    if (closed_.load()) throw ConnectionError(code::ConnectionClosed, "the consumer is closed");
    std::shared_ptr<Link> link;
    {
        std::lock_guard lock(mu_);
        link = link_;
    }
    if (link && link->client->alive() && link->subscribed) {
        try {
            request(*link, "unsubscribe", JsonArgs());
        } catch (const ConnectionError&) {
            // A socket that dropped took its consumer with it: the goal is reached.
            if (link->client->alive()) throw;
        }
        link->subscribed = false;
    }
    // Otherwise nothing to tell the server: never subscribed, or the socket (and with it the
    // server's consumer) is gone.
    topics_.clear();
}

std::optional<Message> WsConsumer::poll(std::chrono::milliseconds timeout) {
    if (closed_.load()) throw ConnectionError(code::ConnectionClosed, "the consumer is closed");
    if (topics_.empty()) {
        throw UsageError(code::InvalidOperation, "poll: the consumer is not subscribed to any topic; call subscribe() first");
    }
    if (timeout.count() >= 0) return poll_once(timeout);
    for (;;) {  // until a message arrives; one-second polls notice close() and dropped links
        if (auto m = poll_once(std::chrono::milliseconds(1000))) return m;
    }
}

std::optional<Message> WsConsumer::poll_once(std::chrono::milliseconds wait) {
    auto link = live();
    JsonArgs a;
    a.add("blocking_time", static_cast<std::int64_t>(wait.count()));
    // 3.3.6.0+: when the server holds a message other than this one (its poll reply was lost),
    // it sends that message's description again instead of polling.
    a.add("message_id", link->last_message_id);
    const JsonReply r = request(*link, "poll", a, ms(wait) + settings_.request_timeout);
    if (!r.boolean("have_message", false)) return std::nullopt;

    const std::uint64_t message_id = r.uinteger("message_id", 0);
    link->last_message_id = message_id;
    Message m;
    m.topic = r.string("topic");
    m.database = r.string("database");
    m.vgroup_id = static_cast<std::int32_t>(r.integer("vgroup_id", 0));
    m.offset = r.integer("offset", 0);
    m.type = static_cast<std::int32_t>(r.integer("message_type", 1));
    if (m.type == 1 || m.type == 3) {
        try {
            bool fallback = true;
            if (m.type == 1 && link->raw_data && use_raw_data_) read_raw_data(*link, m, message_id, fallback);
            if (fallback) read_fetch_blocks(*link, m, message_id);
        } catch (const ConnectionError&) {
            throw;  // the link is gone already; the next call resubscribes
        } catch (const Error&) {
            // The server has moved past a message we could not read (corrupt, truncated, freed).
            // Polling on would skip it, and a later commit would lose its rows for good: drop the
            // link instead, so the next call rejoins the group at the committed offsets.
            break_link();
            throw;
        }
    }
    return m;
}

void WsConsumer::read_raw_data(Link& link, Message& m, std::uint64_t message_id, bool& fallback) {
    JsonArgs a;
    a.add("message_id", message_id);
    CallOptions opts;
    opts.what = "fetch_raw_data";
    opts.expects_binary = true;
    const Frame f = call(link, "fetch_raw_data", a, opts);
    if (!f.binary) {
        JsonReply(f.text()).check();
        throw ProtocolError("taosAdapter answered fetch_raw_data with a JSON success reply");
    }
    // The blocks view the frame's bytes and keep it alive through `f.owner`.
    const FetchRawDataReply reply = decode_fetch_raw_data_reply(f.data, f.size);
    if (reply.code != 0) raise_server_error(static_cast<int>(reply.code), reply.message);
    if (reply.message_id != message_id) {
        throw ProtocolError("taosAdapter answered fetch_raw_data for message " + std::to_string(message_id) +
                            " with message " + std::to_string(reply.message_id));
    }
    if (reply.raw_type != kRawTypeTmqData) return;  // another container: read block by block
    fallback = false;
    TmqData data = parse_tmq_data(f.owner, reply.raw, reply.raw_len);
    for (std::size_t i = 0; i < data.blocks.size(); ++i) {
        TmqBlock& b = data.blocks[i];
        if (i == 0) {
            m.precision = b.precision;
            m.fields = std::move(b.fields);
        }
        if (data.with_table_name) m.table_names.push_back(std::move(b.table_name));
        m.blocks.push_back(std::move(b.block));
    }
}

void WsConsumer::read_fetch_blocks(Link& link, Message& m, std::uint64_t message_id) {
    for (std::size_t i = 0;; ++i) {
        const std::uint64_t fetch_id = link.client->next_req_id();
        JsonArgs a;
        a.add("message_id", message_id);
        CallOptions opts;
        opts.what = "fetch";
        const Frame ff = call(link, "fetch", a, opts, fetch_id);
        if (ff.binary) throw ProtocolError("taosAdapter answered the TMQ `fetch` with a binary frame");
        const JsonReply fr(ff.text());
        fr.check();
        if (fr.boolean("completed", false)) return;

        const auto names = fr.strings("fields_names");
        const auto types = fr.integers("fields_types");
        const auto lengths = fr.integers("fields_lengths");
        const auto count = static_cast<std::size_t>(fr.integer("fields_count", static_cast<std::int64_t>(names.size())));
        if (names.size() != count || types.size() != count || (!lengths.empty() && lengths.size() != count)) {
            throw ProtocolError("taosAdapter's TMQ fetch reply describes " + std::to_string(count) + " fields but lists " +
                                std::to_string(names.size()) + " names and " + std::to_string(types.size()) + " types");
        }
        const auto prec = fr.integer("precision", 0);
        if (prec < 0 || prec > 2) throw ProtocolError("taosAdapter's TMQ fetch reply has precision " + std::to_string(prec));

        // The block comes back with the fetch's req_id in its prefix: route it by that id.
        CallOptions bopts;
        bopts.what = "fetch_block";
        bopts.expects_binary = true;
        bopts.legacy_result_id = fetch_id;
        const Frame bf = call(link, "fetch_block", a, bopts);
        if (!bf.binary) {
            JsonReply(bf.text()).check();
            throw ProtocolError("taosAdapter answered the TMQ fetch_block with a JSON success reply");
        }
        const TmqBlockReply br = decode_tmq_block_reply(bf.data, bf.size);
        if (br.message_id != message_id) {
            throw ProtocolError("taosAdapter sent a TMQ block of message " + std::to_string(br.message_id) + ", expected " +
                                std::to_string(message_id));
        }
        auto block = Block::decode(bf.owner, br.block, br.block_len, TextEncoding::Ucs4);
        if (block->columns() != count) {
            throw ProtocolError("taosAdapter sent a TMQ block with " + std::to_string(block->columns()) +
                                " columns for a fetch that described " + std::to_string(count));
        }
        Fields fields;
        for (std::size_t c = 0; c < count; ++c) {
            if (!is_known_type(static_cast<int>(types[c])) || block->column(c).type() != static_cast<TypeCode>(types[c])) {
                throw ProtocolError("taosAdapter sent a TMQ block whose column " + std::to_string(c) +
                                    " disagrees with the fetch reply's type " + std::to_string(types[c]));
            }
            Field f;
            f.name = names[c];
            f.type = static_cast<TypeCode>(types[c]);
            f.length = lengths.empty() ? 0 : static_cast<std::int32_t>(lengths[c]);
            if (f.type == TypeCode::Decimal || f.type == TypeCode::Decimal64) {
                // The column info "bytes" of the block holds the [scale, precision, 0, size] descriptor.
                std::int32_t desc = 0;
                std::memcpy(&desc, block->raw().data() + 28 + 5 * c + 1, 4);
                set_field_width(f, desc);
            }
            fields.push_back(std::move(f));
        }
        if (i == 0) {
            m.precision = static_cast<Precision>(prec);
            m.fields = std::move(fields);
        }
        const std::string table = fr.string("table_name");
        if (settings_.with_table_name) m.table_names.push_back(table);
        m.blocks.push_back(std::move(block));
    }
}

void WsConsumer::commit(const Message* message) {
    (void)message;  // taosAdapter commits every assigned vgroup's position whatever the message
    auto link = live();
    JsonArgs a;
    a.add("message_id", link->last_message_id);
    request(*link, "commit", a);
}

void WsConsumer::require_offset_api(const Link& link, const char* action) const {
    if (!link.offset_api) {
        throw NotSupportedError(std::string(action) + " needs taosAdapter 3.2.2.0 or later; this server is " + link.version);
    }
}

void WsConsumer::commit_offset(const std::string& topic, std::int32_t vgroup_id, std::int64_t offset) {
    auto link = live();
    require_offset_api(*link, "commit_offset");
    JsonArgs a;
    a.add("topic", topic).add("vgroup_id", static_cast<std::int64_t>(vgroup_id)).add("offset", offset);
    request(*link, "commit_offset", a);
}

void WsConsumer::seek(const std::string& topic, std::int32_t vgroup_id, std::int64_t offset) {
    auto link = live();
    JsonArgs a;
    a.add("topic", topic).add("vgroup_id", static_cast<std::int64_t>(vgroup_id)).add("offset", offset);
    request(*link, "seek", a);
}

std::vector<TopicAssignment> WsConsumer::assignment() {
    auto link = live();
    std::vector<TopicAssignment> out;
    for (const auto& topic : topics_) {
        JsonArgs a;
        a.add("topic", topic);
        const JsonReply r = request(*link, "assignment", a);
        simdjson::dom::parser parser;
        simdjson::dom::element doc;
        if (parser.parse(r.text()).get(doc)) throw ProtocolError("taosAdapter's assignment reply is not JSON");
        simdjson::dom::element list;
        if (doc["assignment"].get(list) || list.is_null()) continue;
        simdjson::dom::array items;
        if (list.get_array().get(items)) throw ProtocolError("taosAdapter's assignment reply has no array");
        for (simdjson::dom::element item : items) {
            TopicAssignment t;
            t.topic = topic;
            std::int64_t vg = 0;
            if (item["vgroup_id"].get_int64().get(vg) || item["offset"].get_int64().get(t.offset) ||
                item["begin"].get_int64().get(t.begin) || item["end"].get_int64().get(t.end)) {
                throw ProtocolError("taosAdapter's assignment reply has an entry without vgroup_id/offset/begin/end");
            }
            t.vgroup_id = static_cast<std::int32_t>(vg);
            out.push_back(std::move(t));
        }
    }
    return out;
}

std::vector<std::int64_t> WsConsumer::offsets(const char* action, const std::string& topic, std::int32_t vgroup_id) {
    auto link = live();
    require_offset_api(*link, action);
    JsonArgs a;
    a.add_raw("topic_vgroup_ids", topic_vgroup_json(topic, vgroup_id));
    const JsonReply r = request(*link, action, a);
    auto v = r.integers(action);
    if (v.size() != 1) {
        throw ProtocolError(std::string("taosAdapter's ") + action + " reply has " + std::to_string(v.size()) +
                            " offsets for one vgroup");
    }
    return v;
}

std::int64_t WsConsumer::committed(const std::string& topic, std::int32_t vgroup_id) {
    const std::int64_t v = offsets("committed", topic, vgroup_id).front();
    if (v < 0 && v != kNoCommittedOffset) {
        raise_server_error(static_cast<int>(v & 0xFFFF), "committed failed for " + topic + " vgroup " + std::to_string(vgroup_id));
    }
    return v;
}

std::int64_t WsConsumer::position(const std::string& topic, std::int32_t vgroup_id) {
    const std::int64_t v = offsets("position", topic, vgroup_id).front();
    if (v < 0) raise_server_error(static_cast<int>(v & 0xFFFF), "position failed for " + topic + " vgroup " + std::to_string(vgroup_id));
    return v;
}

std::vector<std::string> WsConsumer::list_topics() {
    auto link = live();
    if (!link->offset_api || !link->subscribed) return topics_;
    return request(*link, "list_topics", JsonArgs()).strings("topics");
}

std::string WsConsumer::server_version() const {
    std::lock_guard lock(mu_);
    return link_ ? link_->version : std::string();
}

void WsConsumer::break_link() noexcept {
    std::shared_ptr<Link> link;
    {
        std::lock_guard lock(mu_);
        link = link_;
    }
    if (link) link->client->close();
}

void WsConsumer::close() noexcept {
    if (closed_.exchange(true)) return;
    std::shared_ptr<Link> link;
    {
        std::lock_guard lock(mu_);
        link = std::move(link_);
    }
    if (link) link->client->close();
}

std::unique_ptr<Consumer> open_ws_consumer(const Dsn& dsn, const std::map<std::string, std::string>& config) {
    auto [options, settings] = consumer_options(dsn, config);
    return std::make_unique<WsConsumer>(std::move(options), std::move(settings));
}

}  // namespace taoslink::ws
