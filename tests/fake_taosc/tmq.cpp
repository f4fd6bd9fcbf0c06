// TMQ: tmq_conf_*, tmq_list_*, and a tmq_t on taoslink::open_consumer (the ws transport's consumer
// on taosAdapter's /rest/tmq). A polled message is a TAOS_RES of kind Tmq whose blocks are read
// with the ordinary fetch functions (result.cpp), one block per fetch, with tmq_get_table_name
// naming the block fetched last.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cctype>
#include <set>

#include "fake_taosc.hpp"
#include "taoslink/dispatcher.hpp"
#include "taoslink/dsn.hpp"
#include "taoslink/error.hpp"

namespace fake_taosc {
namespace {

struct Conf final : Handle {
    static constexpr Kind kKind = Kind::Conf;
    Conf() : Handle(kKind) {}
    std::map<std::string, std::string> kv;
};

struct List final : Handle {
    static constexpr Kind kKind = Kind::List;
    List() : Handle(kKind) {}
    std::vector<std::string> items;
    std::vector<char*> array;  // tmq_list_to_c_array
};

struct Tmq final : Handle {
    static constexpr Kind kKind = Kind::Tmq;
    Tmq() : Handle(kKind) {}
    std::unique_ptr<taoslink::Consumer> consumer;
    std::vector<std::string> topics;
};

// Keys taosc's tmq_conf_set knows. Those the ws consumer has no use for are accepted and dropped.
const std::set<std::string> kBoolKeys = {"enable.auto.commit", "msg.with.table.name", "experimental.snapshot.enable",
                                         "msg.enable.batchmeta", "msg.consume.excluded", "enable.replay",
                                         "msg.consume.rawdata"};
const std::set<std::string> kIntKeys = {"auto.commit.interval.ms", "td.connect.port", "session.timeout.ms",
                                        "max.poll.interval.ms", "fetch.max.wait.ms", "min.poll.rows"};
const std::set<std::string> kStringKeys = {"group.id", "client.id", "auto.offset.reset", "td.connect.ip",
                                           "td.connect.user", "td.connect.pass", "td.connect.db"};
const std::set<std::string> kDropped = {"enable.replay", "msg.consume.rawdata", "fetch.max.wait.ms", "min.poll.rows"};

bool valid_bool(const std::string& v) { return v == "true" || v == "false"; }
bool valid_int(const std::string& v) {
    if (v.empty()) return false;
    for (std::size_t i = 0; i < v.size(); ++i)
        if (!(std::isdigit(static_cast<unsigned char>(v[i])) || (i == 0 && v[i] == '-'))) return false;
    return true;
}

std::int32_t fail(std::int32_t code16_or_code, std::string message) {
    const std::int32_t code = code16_or_code < 0 ? code16_or_code : taosc_code(code16_or_code);
    set_last_error(code, std::move(message));
    return code;
}

std::int32_t record() {
    auto info = current_exception_info();
    set_last_error(info.code, std::move(info.message));
    return info.code;
}

std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

thread_local std::string tl_err2str;

}  // namespace
}  // namespace fake_taosc

using namespace fake_taosc;

// --- configuration ----------------------------------------------------------------------------

FAKE_TAOSC_EXPORT tmq_conf_t* tmq_conf_new(void) { return reinterpret_cast<tmq_conf_t*>(static_cast<Handle*>(new Conf())); }

FAKE_TAOSC_EXPORT int tmq_conf_set(tmq_conf_t* conf, const char* key, const char* value) {
    using taoslink::native::taosc::ConfResult;
    auto* c = handle_cast<Conf>(conf);
    if (!c || !key || !value) return ConfResult::ConfInvalid;
    const std::string k = key, v = value;
    if (kBoolKeys.count(k)) {
        if (!valid_bool(v)) return ConfResult::ConfInvalid;
    } else if (kIntKeys.count(k)) {
        if (!valid_int(v)) return ConfResult::ConfInvalid;
    } else if (k == "auto.offset.reset") {
        if (v != "earliest" && v != "latest" && v != "none") return ConfResult::ConfInvalid;
    } else if (!kStringKeys.count(k)) {
        return ConfResult::ConfUnknown;
    }
    c->kv[k] = v;
    return ConfResult::ConfOk;
}

FAKE_TAOSC_EXPORT void tmq_conf_destroy(tmq_conf_t* conf) {
    if (auto* c = handle_cast<Conf>(conf)) delete c;
}

// taosc calls this after each auto commit; taosAdapter commits on the server side, so it is never
// called here.
FAKE_TAOSC_EXPORT void tmq_conf_set_auto_commit_cb(tmq_conf_t*, void (*)(tmq_t*, std::int32_t, void*), void*) {}

// --- lists ------------------------------------------------------------------------------------

FAKE_TAOSC_EXPORT tmq_list_t* tmq_list_new(void) { return reinterpret_cast<tmq_list_t*>(static_cast<Handle*>(new List())); }

FAKE_TAOSC_EXPORT std::int32_t tmq_list_append(tmq_list_t* list, const char* item) {
    auto* l = handle_cast<List>(list);
    if (!l || !item) return -1;
    l->items.emplace_back(item);
    return 0;
}

FAKE_TAOSC_EXPORT void tmq_list_destroy(tmq_list_t* list) {
    if (auto* l = handle_cast<List>(list)) delete l;
}

FAKE_TAOSC_EXPORT std::int32_t tmq_list_get_size(const tmq_list_t* list) {
    auto* l = handle_cast<List>(list);
    return l ? static_cast<std::int32_t>(l->items.size()) : -1;
}

FAKE_TAOSC_EXPORT char** tmq_list_to_c_array(const tmq_list_t* list) {
    auto* l = handle_cast<List>(list);
    if (!l) return nullptr;
    l->array.clear();
    for (auto& s : l->items) l->array.push_back(s.data());
    l->array.push_back(nullptr);
    return l->array.data();
}

// --- consumer ---------------------------------------------------------------------------------

FAKE_TAOSC_EXPORT tmq_t* tmq_consumer_new(tmq_conf_t* conf, char* errstr, std::int32_t errstr_len) {
    auto report = [&](const std::string& msg) {
        if (errstr && errstr_len > 0) std::snprintf(errstr, static_cast<std::size_t>(errstr_len), "%s", msg.c_str());
    };
    auto* c = handle_cast<Conf>(conf);
    if (!c) {
        fail(code::InvalidPara, "invalid tmq_conf_t handle");
        report("invalid tmq_conf_t handle");
        return nullptr;
    }
    auto get = [&](const char* k, const char* fallback) {
        auto it = c->kv.find(k);
        return it != c->kv.end() && !it->second.empty() ? it->second : std::string(fallback);
    };
    std::string host = get("td.connect.ip", "127.0.0.1");
    if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
    std::string port = get("td.connect.port", "0");
    if (port == "0") port = env_or("FAKE_TAOSC_PORT", "6041");
    const std::string dsn_text = "ws://" + taoslink::percent_encode(get("td.connect.user", "root")) + ":" +
                                 taoslink::percent_encode(get("td.connect.pass", "taosdata")) + "@" + host + ":" +
                                 port;
    // taosc's defaults where the ws consumer's differ
    std::map<std::string, std::string> config = {{"enable.auto.commit", "true"},
                                                 {"msg.with.table.name", "false"}};
    for (const auto& [k, v] : c->kv) {
        if (k == "td.connect.ip" || k == "td.connect.port" || k == "td.connect.user" || k == "td.connect.pass" ||
            kDropped.count(k))
            continue;
        config[k] = v;
    }
    try {
        auto consumer = taoslink::open_consumer(taoslink::parse_dsn(dsn_text), config);
        auto* t = new Tmq();
        t->consumer = std::move(consumer);
        return reinterpret_cast<tmq_t*>(static_cast<Handle*>(t));
    } catch (...) {
        auto info = current_exception_info();
        report(info.message);
        set_last_error(info.code, std::move(info.message));
        return nullptr;
    }
}

FAKE_TAOSC_EXPORT std::int32_t tmq_subscribe(tmq_t* tmq, const tmq_list_t* topics) {
    auto* t = handle_cast<Tmq>(tmq);
    auto* l = handle_cast<List>(topics);
    if (!t || !l) return fail(code::InvalidPara, "Invalid parameters");
    try {
        t->consumer->subscribe(l->items);
        t->topics = l->items;
        return 0;
    } catch (...) {
        return record();
    }
}

FAKE_TAOSC_EXPORT std::int32_t tmq_unsubscribe(tmq_t* tmq) {
    auto* t = handle_cast<Tmq>(tmq);
    if (!t) return fail(code::InvalidPara, "Invalid parameters");
    try {
        t->consumer->unsubscribe();
        t->topics.clear();
        return 0;
    } catch (...) {
        return record();
    }
}

FAKE_TAOSC_EXPORT std::int32_t tmq_subscription(tmq_t* tmq, tmq_list_t** topics) {
    auto* t = handle_cast<Tmq>(tmq);
    if (!t || !topics) return fail(code::InvalidPara, "Invalid parameters");
    if (!*topics) *topics = tmq_list_new();
    auto* l = handle_cast<List>(*topics);
    if (!l) return fail(code::InvalidPara, "Invalid parameters");
    for (const auto& s : t->topics) l->items.push_back(s);
    return 0;
}

FAKE_TAOSC_EXPORT TAOS_RES* tmq_consumer_poll(tmq_t* tmq, std::int64_t timeout_ms) {
    auto* t = handle_cast<Tmq>(tmq);
    if (!t) {
        fail(code::InvalidPara, "Invalid parameters");
        return nullptr;
    }
    set_last_error(0, "");  // as taosc 3.3 (terrno = 0): a NULL without an error is a timeout
    try {
        auto msg = t->consumer->poll(std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms));
        if (!msg) return nullptr;
        auto* r = new Res();
        r->res_kind = ResKind::Tmq;
        r->set_fields(msg->fields);
        r->precision = msg->precision;
        r->topic = msg->topic;
        r->db = msg->database;
        r->msg = std::move(*msg);
        return r;
    } catch (...) {
        record();
        return nullptr;
    }
}

FAKE_TAOSC_EXPORT std::int32_t tmq_consumer_close(tmq_t* tmq) {
    auto* t = handle_cast<Tmq>(tmq);
    if (!t) return fail(code::InvalidPara, "Invalid parameters");
    t->consumer->close();
    delete t;
    return 0;
}

FAKE_TAOSC_EXPORT std::int32_t tmq_commit_sync(tmq_t* tmq, const TAOS_RES* msg) {
    auto* t = handle_cast<Tmq>(tmq);
    if (!t) return fail(code::InvalidPara, "Invalid parameters");
    const taoslink::Message* m = nullptr;
    if (msg) {
        auto* r = handle_cast<Res>(msg);
        if (!r || r->res_kind != ResKind::Tmq || !r->msg) return fail(code::InvalidPara, "Invalid parameters: not a TMQ message");
        m = &*r->msg;
    }
    try {
        t->consumer->commit(m);
        return 0;
    } catch (...) {
        return record();
    }
}

#ifndef FAKE_TAOSC_MINIMAL
FAKE_TAOSC_EXPORT std::int32_t tmq_commit_offset_sync(tmq_t* tmq, const char* topic, std::int32_t vg_id,
                                                      std::int64_t offset) {
    auto* t = handle_cast<Tmq>(tmq);
    if (!t || !topic) return fail(code::InvalidPara, "Invalid parameters");
    try {
        t->consumer->commit_offset(topic, vg_id, offset);
        return 0;
    } catch (...) {
        return record();
    }
}

FAKE_TAOSC_EXPORT std::int32_t tmq_get_topic_assignment(tmq_t* tmq, const char* topic,
                                                        tmq_topic_assignment** assignment,
                                                        std::int32_t* count) {
    auto* t = handle_cast<Tmq>(tmq);
    if (!t || !topic || !assignment || !count) return fail(code::InvalidPara, "Invalid parameters");
    *assignment = nullptr;
    *count = 0;
    try {
        std::vector<tmq_topic_assignment> out;
        for (const auto& a : t->consumer->assignment())
            if (a.topic == topic) out.push_back({a.vgroup_id, a.offset, a.begin, a.end});
        if (!out.empty()) {
            *assignment = static_cast<tmq_topic_assignment*>(std::malloc(out.size() * sizeof(tmq_topic_assignment)));
            if (!*assignment) throw std::bad_alloc();
            std::memcpy(*assignment, out.data(), out.size() * sizeof(tmq_topic_assignment));
        }
        *count = static_cast<std::int32_t>(out.size());
        return 0;
    } catch (...) {
        return record();
    }
}

FAKE_TAOSC_EXPORT void tmq_free_assignment(tmq_topic_assignment* assignment) { std::free(assignment); }

FAKE_TAOSC_EXPORT std::int32_t tmq_offset_seek(tmq_t* tmq, const char* topic, std::int32_t vg_id,
                                               std::int64_t offset) {
    auto* t = handle_cast<Tmq>(tmq);
    if (!t || !topic) return fail(code::InvalidPara, "Invalid parameters");
    try {
        t->consumer->seek(topic, vg_id, offset);
        return 0;
    } catch (...) {
        return record();
    }
}

FAKE_TAOSC_EXPORT std::int64_t tmq_position(tmq_t* tmq, const char* topic, std::int32_t vg_id) {
    auto* t = handle_cast<Tmq>(tmq);
    if (!t || !topic) return fail(code::InvalidPara, "Invalid parameters");
    try {
        return t->consumer->position(topic, vg_id);
    } catch (...) {
        return record();
    }
}

FAKE_TAOSC_EXPORT std::int64_t tmq_committed(tmq_t* tmq, const char* topic, std::int32_t vg_id) {
    auto* t = handle_cast<Tmq>(tmq);
    if (!t || !topic) return fail(code::InvalidPara, "Invalid parameters");
    try {
        return t->consumer->committed(topic, vg_id);
    } catch (...) {
        return record();
    }
}

FAKE_TAOSC_EXPORT std::int64_t tmq_get_vgroup_offset(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    if (!r || r->res_kind != ResKind::Tmq || !r->msg) return fail(code::InvalidPara, "Invalid parameters: not a TMQ message");
    return r->msg->offset;
}
#endif  // FAKE_TAOSC_MINIMAL

// --- messages ---------------------------------------------------------------------------------

FAKE_TAOSC_EXPORT int tmq_get_res_type(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    if (!r || r->res_kind != ResKind::Tmq || !r->msg) return taoslink::native::taosc::TmqResInvalid;
    return r->msg->type;
}

FAKE_TAOSC_EXPORT const char* tmq_get_topic_name(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    return r && r->res_kind == ResKind::Tmq ? r->topic.c_str() : nullptr;
}

FAKE_TAOSC_EXPORT const char* tmq_get_db_name(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    return r && r->res_kind == ResKind::Tmq ? r->db.c_str() : nullptr;
}

FAKE_TAOSC_EXPORT std::int32_t tmq_get_vgroup_id(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    if (!r || r->res_kind != ResKind::Tmq || !r->msg) return fail(code::InvalidPara, "Invalid parameters: not a TMQ message");
    return r->msg->vgroup_id;
}

FAKE_TAOSC_EXPORT const char* tmq_get_table_name(TAOS_RES* res) {
    auto* r = handle_cast<Res>(res);
    if (!r || r->res_kind != ResKind::Tmq || r->table_name.empty()) return nullptr;
    return r->table_name.c_str();
}

FAKE_TAOSC_EXPORT const char* tmq_err2str(std::int32_t code) {
    if (code == 0) return "success";
    if (code == -1) return "fail";
    if ((code & 0xFFFF) == 0x4011 && code < 0) {
        tl_err2str = "No committed info";
    } else if (code == last_code()) {
        tl_err2str = last_message();
    } else {
        char buf[64];
        std::snprintf(buf, sizeof buf, "error 0x%08X", static_cast<unsigned>(code));
        tl_err2str = buf;
    }
    return tl_err2str.c_str();
}
