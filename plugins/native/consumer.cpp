#include "consumer.hpp"

#include <algorithm>

#include "errors.hpp"
#include "options.hpp"
#include "raw_block.hpp"
#include "taoslink/error.hpp"

namespace taoslink::native {

namespace {

constexpr std::size_t kRememberedSuccessors = 64;  // per vgroup, for commit() of older messages

// A tmq_conf_t destroyed on scope exit (taosc copies it into the consumer).
struct Conf {
    const Taosc& t;
    tmq_conf_t* conf;
    ~Conf() {
        if (conf) t.tmq_conf_destroy(conf);
    }
};

struct List {
    const Taosc& t;
    tmq_list_t* list;
    ~List() {
        if (list) t.tmq_list_destroy(list);
    }
};

std::vector<std::string> names_of(const Taosc& t, tmq_list_t* list) {
    std::vector<std::string> out;
    const std::int32_t n = t.tmq_list_get_size(list);
    char** items = n > 0 ? t.tmq_list_to_c_array(list) : nullptr;
    for (std::int32_t i = 0; items && i < n; ++i) out.emplace_back(items[i] ? items[i] : "");
    return out;
}

std::string text(const char* s) { return s ? s : ""; }

}  // namespace

std::vector<std::pair<std::string, std::string>> tmq_settings(const Dsn& dsn,
                                                              const std::map<std::string, std::string>& config) {
    std::map<std::string, std::string> merged;
    const auto& own = accepted_parameters();
    for (const auto& [k, v] : dsn.params)
        if (std::find(own.begin(), own.end(), k) == own.end()) merged[k] = v;
    for (const auto& [k, v] : config) merged[k] = v;
    auto fill = [&](const char* key, const std::string& value) {
        if (!value.empty() && !merged.count(key)) merged[key] = value;
    };
    if (!dsn.endpoints.empty()) {
        fill("td.connect.ip", dsn.endpoints.front().host);
        if (dsn.endpoints.front().port != 0) fill("td.connect.port", std::to_string(dsn.endpoints.front().port));
    }
    if (dsn.user) fill("td.connect.user", *dsn.user);
    if (dsn.password) fill("td.connect.pass", *dsn.password);
    fill("td.connect.db", dsn.database);
    return {merged.begin(), merged.end()};
}

std::unique_ptr<Consumer> open_native_consumer(std::shared_ptr<const Taosc> taosc, const Dsn& dsn,
                                               const std::map<std::string, std::string>& config) {
    const Taosc& t = *taosc;
    Conf conf{t, t.tmq_conf_new()};
    if (!conf.conf) raise_last_error(t, nullptr, "tmq_conf_new");
    for (const auto& [key, value] : tmq_settings(dsn, config)) {
        const int rc = t.tmq_conf_set(conf.conf, key.c_str(), value.c_str());
        if (rc == taosc::ConfUnknown)
            throw UsageError(code::InvalidArgument, "taosc does not know the TMQ configuration key '" + key + "'");
        if (rc != taosc::ConfOk) {
            const bool secret = key == "td.connect.pass";  // never echo a password
            throw UsageError(code::InvalidArgument, "taosc refused the TMQ configuration " + key +
                                                        (secret ? std::string(" (value not shown)") : "=" + value));
        }
    }
    char err[512] = {0};
    tmq_t* tmq = t.tmq_consumer_new(conf.conf, err, static_cast<std::int32_t>(sizeof err));
    if (tmq == nullptr) {
        const int code = t.taos_errno(nullptr);
        raise_taosc_error(code == 0 ? code::Generic : code, err[0] ? err : text(t.taos_errstr(nullptr)),
                          "tmq_consumer_new", true);
    }
    return std::make_unique<NativeConsumer>(std::move(taosc), tmq);
}

std::unique_ptr<Consumer> open_native_consumer(const Dsn& dsn, const std::map<std::string, std::string>& config) {
    if (dsn.scheme != "taos") throw DsnError("the taos-native plugin does not serve the scheme '" + dsn.scheme + "'");
    const NativeOptions o = options_from_dsn([&] {
        Dsn own = dsn;  // only taos-native's parameters are checked here; the rest are TMQ keys
        const auto& keys = accepted_parameters();
        for (auto it = own.params.begin(); it != own.params.end();)
            it = std::find(keys.begin(), keys.end(), it->first) == keys.end() ? own.params.erase(it) : std::next(it);
        return own;
    }());
    return open_native_consumer(load_taosc(o.libtaos), dsn, config);
}

NativeConsumer::NativeConsumer(std::shared_ptr<const Taosc> taosc, tmq_t* tmq) : t_(std::move(taosc)), tmq_(tmq) {}

NativeConsumer::~NativeConsumer() { close(); }

tmq_t* NativeConsumer::tmq() const {
    if (!tmq_) throw ConnectionError(code::ConnectionClosed, "the consumer is closed");
    return tmq_;
}

void NativeConsumer::check(std::int32_t rc, const std::string& what) const {
    if (rc == 0) return;
    raise_taosc_error(rc, text(t_->tmq_err2str(rc)), what);
}

void NativeConsumer::release_held() noexcept {
    for (auto& [key, held] : held_)
        if (held.handle) t_->taos_free_result(held.handle);
    held_.clear();
}

void NativeConsumer::subscribe(const std::vector<std::string>& topics) {
    List list{*t_, t_->tmq_list_new()};
    for (const auto& topic : topics) check(t_->tmq_list_append(list.list, topic.c_str()), "subscribe");
    check(t_->tmq_subscribe(tmq(), list.list), "subscribe");
}

void NativeConsumer::unsubscribe() {
    release_held();
    check(t_->tmq_unsubscribe(tmq()), "unsubscribe");
}

Message NativeConsumer::read_message(TAOS_RES* msg) {
    Message m;
    m.type = t_->tmq_get_res_type(msg);
    m.topic = text(t_->tmq_get_topic_name(msg));
    m.database = text(t_->tmq_get_db_name(msg));
    m.vgroup_id = t_->tmq_get_vgroup_id(msg);
    m.offset = t_->tmq_get_vgroup_offset ? t_->tmq_get_vgroup_offset(msg) : -1;
    if (m.type == taosc::TmqResTableMeta) return m;  // meta only: no blocks
    m.precision = read_precision(*t_, msg);
    while (true) {
        int rows = 0;
        void* data = nullptr;
        if (const int rc = t_->taos_fetch_raw_block(msg, &rows, &data); rc != 0)
            raise_taosc_error(rc, text(t_->taos_errstr(msg)), "poll (fetch)");
        if (rows <= 0) break;
        // Blocks of a database or super table topic may differ: read each block's own schema.
        const Fields fields = read_fields(*t_, msg);
        m.blocks.push_back(copy_block(data, rows, fields));
        m.table_names.push_back(text(t_->tmq_get_table_name(msg)));
        if (m.blocks.size() == 1) m.fields = fields;
    }
    return m;
}

std::optional<Message> NativeConsumer::poll(std::chrono::milliseconds timeout) {
    tmq_t* q = tmq();
    TAOS_RES* msg = t_->tmq_consumer_poll(q, static_cast<std::int64_t>(timeout.count()));
    if (msg == nullptr) {
        // taosc (3.x) clears its per-thread error at the start of a poll: a code now is this poll's.
        if (const int code = t_->taos_errno(nullptr); code != 0) raise_taosc_error(code, text(t_->taos_errstr(nullptr)), "poll");
        return std::nullopt;
    }
    Message m;
    try {
        m = read_message(msg);
    } catch (...) {
        t_->taos_free_result(msg);
        throw;
    }
    Held& h = held_[Key{m.topic, m.vgroup_id}];
    if (h.handle) {
        t_->taos_free_result(h.handle);
        h.followed_by.emplace_back(h.offset, m.offset);
        if (h.followed_by.size() > kRememberedSuccessors) h.followed_by.pop_front();
    }
    h.handle = msg;
    h.offset = m.offset;
    return m;
}

void NativeConsumer::commit(const Message* message) {
    tmq_t* q = tmq();
    if (message == nullptr) {
        check(t_->tmq_commit_sync(q, nullptr), "commit");
        release_held();
        return;
    }
    auto it = held_.find(Key{message->topic, message->vgroup_id});
    if (it != held_.end() && it->second.handle && it->second.offset == message->offset) {
        check(t_->tmq_commit_sync(q, it->second.handle), "commit");
        t_->taos_free_result(it->second.handle);
        it->second.handle = nullptr;
        return;
    }
    if (it != held_.end()) {
        for (const auto& [offset, next] : it->second.followed_by) {
            if (offset == message->offset && offset >= 0) {
                commit_offset(message->topic, message->vgroup_id, next);
                return;
            }
        }
    }
    throw UsageError(code::InvalidArgument, "commit: the message of topic '" + message->topic + "' vgroup " +
                                                std::to_string(message->vgroup_id) + " offset " +
                                                std::to_string(message->offset) +
                                                " is no longer held by this consumer; use commit_offset() or commit(nullptr)");
}

void NativeConsumer::commit_offset(const std::string& topic, std::int32_t vgroup_id, std::int64_t offset) {
    tmq_t* q = tmq();
    if (!t_->tmq_commit_offset_sync) raise_missing(*t_, "tmq_commit_offset_sync", "commit_offset");
    check(t_->tmq_commit_offset_sync(q, topic.c_str(), vgroup_id, offset), "commit_offset");
}

void NativeConsumer::seek(const std::string& topic, std::int32_t vgroup_id, std::int64_t offset) {
    tmq_t* q = tmq();
    if (!t_->tmq_offset_seek) raise_missing(*t_, "tmq_offset_seek", "seek");
    check(t_->tmq_offset_seek(q, topic.c_str(), vgroup_id, offset), "seek");
    held_.erase(Key{topic, vgroup_id});  // offsets after a seek no longer follow the held ones
}

std::vector<TopicAssignment> NativeConsumer::assignment() {
    tmq_t* q = tmq();
    if (!t_->tmq_get_topic_assignment) raise_missing(*t_, "tmq_get_topic_assignment", "assignment");
    std::vector<TopicAssignment> out;
    for (const auto& topic : list_topics()) {
        tmq_topic_assignment* items = nullptr;
        std::int32_t count = 0;
        check(t_->tmq_get_topic_assignment(q, topic.c_str(), &items, &count), "assignment of '" + topic + "'");
        for (std::int32_t i = 0; items && i < count; ++i)
            out.push_back({topic, items[i].vgId, items[i].currentOffset, items[i].begin, items[i].end});
        if (items && t_->tmq_free_assignment) t_->tmq_free_assignment(items);
    }
    return out;
}

std::int64_t NativeConsumer::committed(const std::string& topic, std::int32_t vgroup_id) {
    tmq_t* q = tmq();
    if (!t_->tmq_committed) raise_missing(*t_, "tmq_committed", "committed");
    const std::int64_t v = t_->tmq_committed(q, topic.c_str(), vgroup_id);
    if (v == kNoCommittedOffset) return v;
    if (v < 0) check(static_cast<std::int32_t>(v), "committed");
    return v;
}

std::int64_t NativeConsumer::position(const std::string& topic, std::int32_t vgroup_id) {
    tmq_t* q = tmq();
    if (!t_->tmq_position) raise_missing(*t_, "tmq_position", "position");
    const std::int64_t v = t_->tmq_position(q, topic.c_str(), vgroup_id);
    if (v < 0) check(static_cast<std::int32_t>(v), "position");
    return v;
}

std::vector<std::string> NativeConsumer::list_topics() {
    tmq_list_t* raw = nullptr;
    check(t_->tmq_subscription(tmq(), &raw), "list_topics");
    List list{*t_, raw};
    return raw ? names_of(*t_, raw) : std::vector<std::string>{};
}

void NativeConsumer::close() noexcept {
    if (!tmq_) return;
    release_held();
    t_->tmq_consumer_close(tmq_);
    tmq_ = nullptr;
}

}  // namespace taoslink::native
