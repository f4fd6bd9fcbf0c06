// The fake libtaos.so: library set-up, errors, connections and queries.
//
// taos_connect(ip, user, pass, db, port) opens taoslink::connect("ws://user:pass@ip:port/db")
// through the dispatcher, i.e. the real taos-ws plugin talking to the simulator (or any
// taosAdapter). Queries become Connection::query; results are TAOS_RES handles (result.cpp).
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "fake_taosc.hpp"
#include "taoslink/dispatcher.hpp"
#include "taoslink/dsn.hpp"
#include "taoslink/error.hpp"

namespace fake_taosc {

namespace {
thread_local std::int32_t tl_code = 0;
thread_local std::string tl_message;

int map_client_code(int code) {
    switch (code) {
        case code::DsnError:
        case code::InvalidArgument: return code::InvalidPara;
        case code::NotSupported: return kOpsNotSupport;
        case code::ConnectionClosed:
        case code::IoError:
        case code::TlsError: return code::NetworkUnavailable;
        case code::Unauthorized: return code::AuthFailure;
        default: return code >= 0xE000 ? code::Generic : code;
    }
}
}  // namespace

void set_last_error(std::int32_t code, std::string message) {
    tl_code = code;
    tl_message = std::move(message);
}
std::int32_t last_code() { return tl_code; }
const char* last_message() { return tl_code == 0 && tl_message.empty() ? "success" : tl_message.c_str(); }

ErrorInfo current_exception_info() noexcept {
    try {
        throw;
    } catch (const taoslink::Error& e) {
        return {taosc_code(map_client_code(e.code())), e.message()};
    } catch (const std::bad_alloc&) {
        return {taosc_code(0x0102), "Out of memory"};
    } catch (const std::exception& e) {
        return {taosc_code(code::Generic), e.what()};
    } catch (...) {
        return {taosc_code(code::Generic), "unknown error"};
    }
}

Res* error_res(std::int32_t code, std::string message) {
    auto* r = new Res();
    r->code = code;
    r->errstr = std::move(message);
    r->done = true;
    set_last_error(code, r->errstr);
    return r;
}

}  // namespace fake_taosc

using namespace fake_taosc;

namespace {

constexpr const char* kClientInfo = "3.3.6.0-fake";

/// Records the exception in flight as this thread's last error and returns its code.
std::int32_t record_error() {
    auto info = current_exception_info();
    set_last_error(info.code, info.message);
    return info.code;
}

std::int32_t bad_handle(const char* what) {
    set_last_error(taosc_code(code::InvalidPara), std::string("invalid ") + what + " handle");
    return taosc_code(code::InvalidPara);
}

std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v && *v ? v : fallback;
}

TAOS_RES* run_query(TAOS* taos, const char* sql, std::int64_t req_id) {
    auto* c = handle_cast<Conn>(taos);
    if (!c) return error_res(taosc_code(code::InvalidConnection), "Invalid connection");
    if (!sql) return error_res(taosc_code(code::InvalidPara), "Invalid parameters");
    try {
        taoslink::RequestOptions opts;
        opts.req_id = req_id;
        auto result = c->conn->query(sql, opts);
        auto* r = new Res();
        r->set_fields(result->fields());
        r->precision = result->precision();
        const auto affected = result->affected_rows();
        r->affected = affected < 0 ? 0 : affected;
        if (r->fields.empty()) {
            result->close();
            r->done = true;
        } else {
            r->result = std::move(result);
        }
        return r;
    } catch (...) {
        auto info = current_exception_info();
        return error_res(info.code, std::move(info.message));
    }
}

}  // namespace

// --- library ----------------------------------------------------------------------------------

FAKE_TAOSC_EXPORT int taos_init(void) { return 0; }
FAKE_TAOSC_EXPORT void taos_cleanup(void) {}
FAKE_TAOSC_EXPORT const char* taos_get_client_info(void) { return kClientInfo; }

#ifndef FAKE_TAOSC_MINIMAL
FAKE_TAOSC_EXPORT int taos_options(int option, const void* arg, ...) {
    (void)arg;
    if (option < 0 || option > 4) {
        set_last_error(taosc_code(code::InvalidPara), "Invalid option");
        return taosc_code(code::InvalidPara);
    }
    return 0;  // locale, charset, timezone, config dir: accepted, nothing to configure
}

FAKE_TAOSC_EXPORT int taos_options_connection(TAOS* taos, int option, const void* arg, ...) {
    (void)arg;
    if (!handle_cast<Conn>(taos)) return bad_handle("connection");
    if (option < 0 || option > 3) {
        set_last_error(taosc_code(code::InvalidPara), "Invalid option");
        return taosc_code(code::InvalidPara);
    }
    return 0;
}
#endif

FAKE_TAOSC_EXPORT int taos_set_conn_mode(TAOS* taos, int mode, int value) {
    (void)mode;
    (void)value;
    return handle_cast<Conn>(taos) ? 0 : bad_handle("connection");
}

// --- connections ------------------------------------------------------------------------------

FAKE_TAOSC_EXPORT TAOS* taos_connect(const char* ip, const char* user, const char* pass, const char* db,
                                     std::uint16_t port) {
    std::string host = ip && *ip ? ip : "127.0.0.1";
    if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
    const std::string port_text = port ? std::to_string(port) : env_or("FAKE_TAOSC_PORT", "6041");
    std::string dsn = "ws://" + taoslink::percent_encode(user ? user : "root") + ":" +
                      taoslink::percent_encode(pass ? pass : "taosdata") + "@" + host + ":" + port_text;
    if (db && *db) dsn += "/" + taoslink::percent_encode(db);
    try {
        auto conn = taoslink::connect(dsn);
        auto* c = new Conn();
        c->conn = std::move(conn);
        set_last_error(0, "");
        return c;
    } catch (...) {
        record_error();
        return nullptr;
    }
}

FAKE_TAOSC_EXPORT TAOS* taos_connect_auth(const char*, const char*, const char*, const char*, std::uint16_t) {
    set_last_error(taosc_code(kOpsNotSupport), "taos_connect_auth is not supported by the fake libtaos");
    return nullptr;
}
FAKE_TAOSC_EXPORT TAOS* taos_connect_totp(const char*, const char*, const char*, const char*, const char*,
                                          std::uint16_t) {
    set_last_error(taosc_code(kOpsNotSupport), "taos_connect_totp is not supported by the fake libtaos");
    return nullptr;
}
FAKE_TAOSC_EXPORT int taos_connect_test(const char*, const char*, const char*, const char*, const char*,
                                        std::uint16_t) {
    set_last_error(taosc_code(kOpsNotSupport), "taos_connect_test is not supported by the fake libtaos");
    return taosc_code(kOpsNotSupport);
}
FAKE_TAOSC_EXPORT TAOS* taos_connect_token(const char*, const char*, const char*, std::uint16_t) {
    set_last_error(taosc_code(kOpsNotSupport), "taos_connect_token is not supported by the fake libtaos");
    return nullptr;
}

FAKE_TAOSC_EXPORT void taos_close(TAOS* taos) {
    auto* c = handle_cast<Conn>(taos);
    if (!c) return;
    c->conn->close();
    delete c;
}

FAKE_TAOSC_EXPORT int taos_select_db(TAOS* taos, const char* db) {
    auto* c = handle_cast<Conn>(taos);
    if (!c) return bad_handle("connection");
    if (!db) {
        set_last_error(taosc_code(code::InvalidPara), "Invalid parameters");
        return taosc_code(code::InvalidPara);
    }
    try {
        c->conn->select_db(db);
        return 0;
    } catch (...) {
        return record_error();
    }
}

FAKE_TAOSC_EXPORT const char* taos_get_server_info(TAOS* taos) {
    auto* c = handle_cast<Conn>(taos);
    if (!c) {
        bad_handle("connection");
        return nullptr;
    }
    std::lock_guard lock(c->mu);
    if (c->server_info.empty()) {
        try {
            c->server_info = c->conn->server_version();
        } catch (...) {
            record_error();
            return nullptr;
        }
    }
    return c->server_info.c_str();
}

#ifndef FAKE_TAOSC_MINIMAL
FAKE_TAOSC_EXPORT int taos_get_current_db(TAOS* taos, char* database, int len, int* required) {
    auto* c = handle_cast<Conn>(taos);
    if (!c) return bad_handle("connection");
    if (!database || len <= 0) {
        set_last_error(taosc_code(code::InvalidPara), "Invalid parameters");
        return taosc_code(code::InvalidPara);
    }
    std::string db;
    try {
        db = c->conn->database();
    } catch (...) {
        return record_error();
    }
    if (static_cast<int>(db.size()) >= len) {
        // taosc copies what fits and reports the size needed
        std::memcpy(database, db.data(), static_cast<std::size_t>(len - 1));
        database[len - 1] = '\0';
        if (required) *required = static_cast<int>(db.size()) + 1;
        set_last_error(taosc_code(code::InvalidPara), "Invalid parameters");
        return taosc_code(code::InvalidPara);
    }
    std::memcpy(database, db.c_str(), db.size() + 1);
    return 0;
}
#endif

// --- errors -----------------------------------------------------------------------------------

FAKE_TAOSC_EXPORT int taos_errno(TAOS_RES* res) {
    if (!res) return last_code();
    if (auto* r = handle_cast<Res>(res)) return r->code;
    return taosc_code(code::InvalidPara);
}

FAKE_TAOSC_EXPORT const char* taos_errstr(TAOS_RES* res) {
    if (!res) return last_message();
    if (auto* r = handle_cast<Res>(res)) return r->code == 0 && r->errstr.empty() ? "success" : r->errstr.c_str();
    return "Invalid parameters: not a TAOS_RES";
}

// --- queries ----------------------------------------------------------------------------------

FAKE_TAOSC_EXPORT TAOS_RES* taos_query(TAOS* taos, const char* sql) { return run_query(taos, sql, 0); }

#ifndef FAKE_TAOSC_MINIMAL
FAKE_TAOSC_EXPORT TAOS_RES* taos_query_with_reqid(TAOS* taos, const char* sql, std::int64_t req_id) {
    return run_query(taos, sql, req_id);
}
#endif

// Async queries run synchronously and call back before returning (enough for tests).
FAKE_TAOSC_EXPORT void taos_query_a(TAOS* taos, const char* sql, taosc_async_fn fp, void* param) {
    TAOS_RES* res = run_query(taos, sql, 0);
    if (fp) fp(param, res, taos_errno(res));
}
FAKE_TAOSC_EXPORT void taos_query_a_with_reqid(TAOS* taos, const char* sql, taosc_async_fn fp, void* param,
                                               std::int64_t req_id) {
    TAOS_RES* res = run_query(taos, sql, req_id);
    if (fp) fp(param, res, taos_errno(res));
}

FAKE_TAOSC_EXPORT int taos_validate_sql(TAOS* taos, const char*) {
    if (!handle_cast<Conn>(taos)) return bad_handle("connection");
    set_last_error(taosc_code(kOpsNotSupport), "taos_validate_sql is not supported by the fake libtaos");
    return taosc_code(kOpsNotSupport);
}

FAKE_TAOSC_EXPORT int taos_load_table_info(TAOS* taos, const char*) {
    if (!handle_cast<Conn>(taos)) return bad_handle("connection");
    return 0;  // taosc only warms its meta cache; nothing to do
}

FAKE_TAOSC_EXPORT int taos_get_table_vgId(TAOS* taos, const char*, const char*, int*) {
    if (!handle_cast<Conn>(taos)) return bad_handle("connection");
    set_last_error(taosc_code(kOpsNotSupport), "taos_get_table_vgId is not supported by the fake libtaos");
    return taosc_code(kOpsNotSupport);
}

// Legacy (2.x) subscriptions: gone in 3.x taosc too.
FAKE_TAOSC_EXPORT void* taos_subscribe(TAOS*, int, const char*, const char*, void*, void*, int) {
    set_last_error(taosc_code(kOpsNotSupport), "taos_subscribe is not supported (use TMQ)");
    return nullptr;
}
FAKE_TAOSC_EXPORT TAOS_RES* taos_consume(void*) {
    set_last_error(taosc_code(kOpsNotSupport), "taos_consume is not supported (use TMQ)");
    return nullptr;
}
FAKE_TAOSC_EXPORT void taos_unsubscribe(void*, int) {}
