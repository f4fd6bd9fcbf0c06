// Schemaless writes: every taos_schemaless_insert* variant maps to Connection::schemaless_insert.
// The result is a TAOS_RES with the error (if any) and the rows written as affected rows.
#include <string>

#include "fake_taosc.hpp"

using namespace fake_taosc;

namespace {

TAOS_RES* insert(TAOS* taos, std::string lines, int protocol, int precision, std::int32_t ttl, std::int64_t req_id,
                 const char* tbname_key, std::int32_t* total_rows) {
    if (total_rows) *total_rows = 0;
    auto* c = handle_cast<Conn>(taos);
    if (!c) return error_res(taosc_code(code::InvalidConnection), "Invalid connection");
    if (protocol < 1 || protocol > 3) return error_res(taosc_code(0x3000), "Invalid line protocol type");
    if (precision < 0 || precision > 6) return error_res(taosc_code(code::InvalidPara), "Invalid precision");
    try {
        taoslink::SchemalessRequest req;
        req.lines = std::move(lines);
        req.protocol = static_cast<taoslink::SchemalessProtocol>(protocol);
        req.precision = static_cast<taoslink::SchemalessPrecision>(precision);
        req.ttl = ttl;
        req.options.req_id = req_id;
        if (tbname_key) req.table_name_key = tbname_key;
        const auto n = c->conn->schemaless_insert(req);
        auto* r = new Res();
        r->affected = n < 0 ? 0 : n;
        r->done = true;
        if (total_rows) *total_rows = static_cast<std::int32_t>(r->affected);
        return r;
    } catch (...) {
        auto info = current_exception_info();
        return error_res(info.code, std::move(info.message));
    }
}

std::string join(char* lines[], int num_lines) {
    std::string out;
    for (int i = 0; lines && i < num_lines; ++i) {
        if (!lines[i]) continue;
        if (!out.empty()) out += '\n';
        out += lines[i];
    }
    return out;
}

std::string raw(const char* lines, int len) { return lines && len > 0 ? std::string(lines, static_cast<std::size_t>(len)) : std::string(); }

}  // namespace

FAKE_TAOSC_EXPORT TAOS_RES* taos_schemaless_insert(TAOS* taos, char* lines[], int num_lines, int protocol,
                                                   int precision) {
    return insert(taos, join(lines, num_lines), protocol, precision, 0, 0, nullptr, nullptr);
}
FAKE_TAOSC_EXPORT TAOS_RES* taos_schemaless_insert_with_reqid(TAOS* taos, char* lines[], int num_lines,
                                                              int protocol, int precision, std::int64_t req_id) {
    return insert(taos, join(lines, num_lines), protocol, precision, 0, req_id, nullptr, nullptr);
}
FAKE_TAOSC_EXPORT TAOS_RES* taos_schemaless_insert_ttl(TAOS* taos, char* lines[], int num_lines, int protocol,
                                                       int precision, std::int32_t ttl) {
    return insert(taos, join(lines, num_lines), protocol, precision, ttl, 0, nullptr, nullptr);
}
FAKE_TAOSC_EXPORT TAOS_RES* taos_schemaless_insert_ttl_with_reqid(TAOS* taos, char* lines[], int num_lines,
                                                                  int protocol, int precision, std::int32_t ttl,
                                                                  std::int64_t req_id) {
    return insert(taos, join(lines, num_lines), protocol, precision, ttl, req_id, nullptr, nullptr);
}
FAKE_TAOSC_EXPORT TAOS_RES* taos_schemaless_insert_ttl_with_reqid_tbname_key(TAOS* taos, char* lines[],
                                                                             int num_lines, int protocol,
                                                                             int precision, std::int32_t ttl,
                                                                             std::int64_t req_id,
                                                                             char* tbname_key) {
    return insert(taos, join(lines, num_lines), protocol, precision, ttl, req_id, tbname_key, nullptr);
}

FAKE_TAOSC_EXPORT TAOS_RES* taos_schemaless_insert_raw(TAOS* taos, char* lines, int len, std::int32_t* total_rows,
                                                       int protocol, int precision) {
    return insert(taos, raw(lines, len), protocol, precision, 0, 0, nullptr, total_rows);
}
FAKE_TAOSC_EXPORT TAOS_RES* taos_schemaless_insert_raw_with_reqid(TAOS* taos, char* lines, int len,
                                                                  std::int32_t* total_rows, int protocol,
                                                                  int precision, std::int64_t req_id) {
    return insert(taos, raw(lines, len), protocol, precision, 0, req_id, nullptr, total_rows);
}
FAKE_TAOSC_EXPORT TAOS_RES* taos_schemaless_insert_raw_ttl(TAOS* taos, char* lines, int len,
                                                           std::int32_t* total_rows, int protocol, int precision,
                                                           std::int32_t ttl) {
    return insert(taos, raw(lines, len), protocol, precision, ttl, 0, nullptr, total_rows);
}

#ifndef FAKE_TAOSC_MINIMAL
FAKE_TAOSC_EXPORT TAOS_RES* taos_schemaless_insert_raw_ttl_with_reqid(TAOS* taos, char* lines, int len,
                                                                      std::int32_t* total_rows, int protocol,
                                                                      int precision, std::int32_t ttl,
                                                                      std::int64_t req_id) {
    return insert(taos, raw(lines, len), protocol, precision, ttl, req_id, nullptr, total_rows);
}
FAKE_TAOSC_EXPORT TAOS_RES* taos_schemaless_insert_raw_ttl_with_reqid_tbname_key(
    TAOS* taos, char* lines, int len, std::int32_t* total_rows, int protocol, int precision, std::int32_t ttl,
    std::int64_t req_id, char* tbname_key) {
    return insert(taos, raw(lines, len), protocol, precision, ttl, req_id, tbname_key, total_rows);
}
#endif
