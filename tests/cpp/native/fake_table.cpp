#include "fake_table.hpp"

#include <cstring>

namespace native_test {

namespace {

int kConnection = 1, kResult = 2, kStmt = 3, kTmq = 4, kConf = 5;
const char* cstr(const std::string& s) { return s.c_str(); }

}  // namespace

Script& script() {
    static Script s;
    return s;
}

std::shared_ptr<taoslink::native::Taosc> make_table() {
    script() = Script{};
    auto t = std::make_shared<taoslink::native::Taosc>();
    t->client_version = "3.3.6.0-unit";
    t->taos_init = [] { return 0; };
    t->taos_get_client_info = [] { return "3.3.6.0-unit"; };
    t->taos_connect = [](const char*, const char*, const char* pass, const char*, std::uint16_t) -> TAOS* {
        script().seen_password = pass ? pass : "";
        if (!script().connect_fails) return &kConnection;
        script().last_errno = static_cast<int>(0x80000357u);
        script().last_errstr = "Authentication failure";
        return nullptr;
    };
    t->taos_close = [](TAOS*) {};
    t->taos_errno = [](TAOS_RES* res) { return res ? script().query_errno : script().last_errno; };
    t->taos_errstr = [](TAOS_RES* res) { return res ? cstr(script().query_errstr) : cstr(script().last_errstr); };
    t->taos_select_db = [](TAOS*, const char*) { return 0; };
    t->taos_get_server_info = [](TAOS*) { return "3.3.6.0"; };
    t->taos_query = [](TAOS*, const char*) -> TAOS_RES* { return &kResult; };
    t->taos_query_with_reqid = [](TAOS*, const char*, std::int64_t id) -> TAOS_RES* {
        script().req_id_seen = id;
        return &kResult;
    };
    t->taos_free_result = [](TAOS_RES*) { ++script().frees; };
    t->taos_field_count = [](TAOS_RES*) { return static_cast<int>(script().fields.size()); };
    t->taos_fetch_fields = [](TAOS_RES*) { return script().fields.data(); };
    t->taos_result_precision = [](TAOS_RES*) { return 0; };
    t->taos_affected_rows = [](TAOS_RES*) { return 7; };
    t->taos_fetch_raw_block = [](TAOS_RES*, int* rows, void** data) {
        Script& s = script();
        if (s.next_block >= s.blocks.size()) {
            *rows = 0;
            *data = nullptr;
            return 0;
        }
        const std::size_t i = s.next_block++;
        std::string& b = s.blocks[i];
        std::int32_t header_rows;
        std::memcpy(&header_rows, b.data() + 8, 4);
        *rows = i < s.block_rows.size() ? s.block_rows[i] : header_rows;
        *data = b.data();
        return 0;
    };
    t->taos_stop_query = [](TAOS_RES*) {};
    t->taos_stmt_init = [](TAOS*) -> TAOS_STMT* { return &kStmt; };
    t->taos_stmt_prepare = [](TAOS_STMT*, const char*, unsigned long) { return 0; };
    t->taos_stmt_set_tbname = [](TAOS_STMT*, const char*) { return 0; };
    t->taos_stmt_set_tags = [](TAOS_STMT*, TAOS_MULTI_BIND*) { return 0; };
    t->taos_stmt_bind_param_batch = [](TAOS_STMT*, TAOS_MULTI_BIND*) { return 0; };
    t->taos_stmt_add_batch = [](TAOS_STMT*) { return 0; };
    t->taos_stmt_execute = [](TAOS_STMT*) { return 0; };
    t->taos_stmt_use_result = [](TAOS_STMT*) -> TAOS_RES* { return &kResult; };
    t->taos_stmt_affected_rows = [](TAOS_STMT*) { return 0; };
    t->taos_stmt_errstr = [](TAOS_STMT*) { return const_cast<char*>("stmt error"); };
    t->taos_stmt_close = [](TAOS_STMT*) { return 0; };
    t->taos_schemaless_insert_raw = [](TAOS*, char*, int, std::int32_t* total, int, int) -> TAOS_RES* {
        *total = 1;
        return &kResult;
    };
    t->tmq_conf_new = []() -> tmq_conf_t* { return reinterpret_cast<tmq_conf_t*>(&kConf); };
    t->tmq_conf_set = [](tmq_conf_t*, const char* key, const char* value) {
        script().conf_seen.emplace_back(key, value);
        auto it = script().conf_results.find(key);
        return it == script().conf_results.end() ? 0 : it->second;
    };
    t->tmq_conf_destroy = [](tmq_conf_t*) {};
    t->tmq_list_new = []() -> tmq_list_t* { return nullptr; };
    t->tmq_list_append = [](tmq_list_t*, const char*) -> std::int32_t { return 0; };
    t->tmq_list_destroy = [](tmq_list_t*) {};
    t->tmq_list_get_size = [](const tmq_list_t*) -> std::int32_t { return 0; };
    t->tmq_list_to_c_array = [](const tmq_list_t*) -> char** { return nullptr; };
    t->tmq_consumer_new = [](tmq_conf_t*, char*, std::int32_t) -> tmq_t* { return reinterpret_cast<tmq_t*>(&kTmq); };
    t->tmq_subscribe = [](tmq_t*, const tmq_list_t*) -> std::int32_t { return 0; };
    t->tmq_unsubscribe = [](tmq_t*) -> std::int32_t { return 0; };
    t->tmq_subscription = [](tmq_t*, tmq_list_t** l) -> std::int32_t {
        *l = nullptr;
        return 0;
    };
    t->tmq_consumer_poll = [](tmq_t*, std::int64_t) -> TAOS_RES* { return nullptr; };
    t->tmq_consumer_close = [](tmq_t*) -> std::int32_t { return 0; };
    t->tmq_commit_sync = [](tmq_t*, const TAOS_RES*) -> std::int32_t { return 0; };
    t->tmq_get_res_type = [](TAOS_RES*) { return 1; };
    t->tmq_get_topic_name = [](TAOS_RES*) { return "t"; };
    t->tmq_get_db_name = [](TAOS_RES*) { return "d"; };
    t->tmq_get_vgroup_id = [](TAOS_RES*) -> std::int32_t { return 2; };
    t->tmq_get_table_name = [](TAOS_RES*) { return "tb"; };
    t->tmq_err2str = [](std::int32_t) { return "tmq error"; };
    return t;
}

}  // namespace native_test
