#include "connection.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "errors.hpp"
#include "result.hpp"
#include "stmt.hpp"
#include "stmt2.hpp"
#include "taoslink/error.hpp"

namespace taoslink::native {

namespace {

// What the process has told taosc so far (taos_options is process-wide).
struct ProcessOptions {
    std::mutex mutex;
    bool config_applied = false;
    std::string config_dir;
    bool connected = false;  // once taosc is initialised, taos_options(OptionConfigDir) no longer applies
};

ProcessOptions& process_options() {
    static ProcessOptions* p = new ProcessOptions;
    return *p;
}

std::string endpoint_text(const NativeOptions& o) {
    std::string host = o.host.empty() ? "taos.cfg's firstEp" : o.host;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return o.port == 0 ? host : host + ":" + std::to_string(o.port);
}

// "use db", "USE `db`;" → "db"; empty when `sql` is something else.
std::string used_database(std::string_view sql) {
    auto trim = [](std::string_view s) {
        while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.front())) || s.front() == '`')) s.remove_prefix(1);
        while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == ';' || s.back() == '`'))
            s.remove_suffix(1);
        return s;
    };
    std::string_view s = sql;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    if (s.size() < 4) return {};
    std::string head(s.substr(0, 3));
    std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
    if (head != "use" || !std::isspace(static_cast<unsigned char>(s[3]))) return {};
    const std::string_view name = trim(s.substr(4));
    if (name.empty() || name.find_first_of(" \t\r\n`") != std::string_view::npos) return {};
    return std::string(name);
}

}  // namespace

void apply_process_options(const Taosc& t, const NativeOptions& o) {
    ProcessOptions& p = process_options();
    std::lock_guard lock(p.mutex);
    if (!o.config_dir.empty()) {
        if (p.config_applied) {
            if (p.config_dir != o.config_dir)
                throw UsageError(code::InvalidArgument, "config=" + o.config_dir +
                                                            ": taosc's configuration folder is process-wide and "
                                                            "already set to " + p.config_dir);
        } else {
            if (p.connected)
                throw UsageError(code::InvalidArgument, "config=" + o.config_dir +
                                                            ": taosc reads its configuration folder before the "
                                                            "first connection of the process, which was already made");
            if (!t.taos_options) raise_missing(t, "taos_options", "config=");
            if (const int rc = t.taos_options(taosc::OptionConfigDir, o.config_dir.c_str()); rc != 0)
                raise_taosc_error(rc, "taosc refused the configuration folder", "config=" + o.config_dir);
            p.config_applied = true;
            p.config_dir = o.config_dir;
        }
    }
    // Without per-connection options, these are process-wide (README.md "DSN").
    if (!t.taos_options_connection) {
        if (!o.timezone.empty()) {
            if (!t.taos_options) raise_missing(t, "taos_options", "tz=");
            if (const int rc = t.taos_options(taosc::OptionTimezone, o.timezone.c_str()); rc != 0)
                raise_taosc_error(rc, "taosc refused the time zone", "tz=" + o.timezone);
        }
        if (!o.charset.empty()) {
            if (!t.taos_options) raise_missing(t, "taos_options", "charset=");
            if (const int rc = t.taos_options(taosc::OptionCharset, o.charset.c_str()); rc != 0)
                raise_taosc_error(rc, "taosc refused the character set", "charset=" + o.charset);
        }
        if (!o.app.empty()) raise_missing(t, "taos_options_connection", "app=");
        if (!o.user_ip.empty()) raise_missing(t, "taos_options_connection", "user_ip=");
    }
    p.connected = true;
}

NativeConnection::NativeConnection(std::shared_ptr<const Taosc> taosc, NativeOptions options, std::string description)
    : t_(std::move(taosc)), options_(std::move(options)), description_(std::move(description)) {
    apply_process_options(*t_, options_);
    const auto& o = options_;
    TAOS* taos = t_->taos_connect(o.host.empty() ? nullptr : o.host.c_str(), o.user.c_str(), o.password.c_str(),
                                  o.database.empty() ? nullptr : o.database.c_str(), o.port);
    // The password never goes into the message; the description is the redacted DSN.
    if (taos == nullptr) raise_last_error(*t_, nullptr, "cannot connect to " + endpoint_text(o) + " (" + description_ + ")", true);
    handle_ = std::make_shared<TaosHandle>(t_, taos);
    database_ = o.database;
    apply_connection_options(taos);
}

NativeConnection::~NativeConnection() { close(); }

void NativeConnection::apply_connection_options(TAOS* taos) {
    if (!t_->taos_options_connection) return;  // handled process-wide before connecting
    auto set = [&](int option, const std::string& value, const char* key) {
        if (value.empty()) return;
        if (const int rc = t_->taos_options_connection(taos, option, value.c_str()); rc != 0)
            raise_last_error(*t_, nullptr, std::string(key) + "=" + value);
    };
    set(taosc::ConnTimezone, options_.timezone, "tz");
    set(taosc::ConnCharset, options_.charset, "charset");
    set(taosc::ConnUserApp, options_.app, "app");
    set(taosc::ConnUserIp, options_.user_ip, "user_ip");
}

std::shared_ptr<TaosHandle> NativeConnection::handle() const {
    std::lock_guard lock(mu_);
    if (!handle_) throw ConnectionError(code::ConnectionClosed, "the connection is closed");
    return handle_;
}

std::unique_ptr<Result> NativeConnection::query(std::string_view sql, const RequestOptions& opts) {
    auto h = handle();
    const std::string text(sql);  // taosc wants a NUL-terminated string
    TAOS_RES* res = opts.req_id != 0 && t_->taos_query_with_reqid
                        ? t_->taos_query_with_reqid(h->get(), text.c_str(), opts.req_id)
                        : t_->taos_query(h->get(), text.c_str());
    if (res == nullptr) raise_last_error(*t_, nullptr, "query");
    if (const int code = t_->taos_errno(res); code != 0) {
        const char* msg = t_->taos_errstr(res);
        std::string message = msg ? msg : "";
        t_->taos_free_result(res);
        raise_taosc_error(code, message);
    }
    auto result = std::make_unique<NativeResult>(t_, h, res, ResultOwnership::Owned);
    if (auto db = used_database(sql); !db.empty()) {
        std::lock_guard lock(mu_);
        database_ = std::move(db);
    }
    return result;
}

void NativeConnection::select_db(std::string_view db) {
    if (db.empty()) throw UsageError(code::InvalidArgument, "select_db: the database name is empty");
    auto h = handle();
    const std::string name(db);
    if (const int rc = t_->taos_select_db(h->get(), name.c_str()); rc != 0) {
        const char* msg = t_->taos_errstr(nullptr);
        raise_taosc_error(rc, msg ? msg : "", "select_db('" + name + "')");
    }
    std::lock_guard lock(mu_);
    database_ = name;
}

std::string NativeConnection::database() const {
    if (t_->taos_get_current_db) {
        auto h = handle();
        std::vector<char> buf(256);
        for (int attempt = 0; attempt < 2; ++attempt) {
            int required = 0;
            const int rc = t_->taos_get_current_db(h->get(), buf.data(), static_cast<int>(buf.size()), &required);
            if (rc == 0) return std::string(buf.data(), strnlen(buf.data(), buf.size()));
            if (required <= static_cast<int>(buf.size())) break;
            buf.resize(static_cast<std::size_t>(required) + 1);
        }
    }
    std::lock_guard lock(mu_);
    return database_;
}

std::string NativeConnection::server_version() {
    auto h = handle();
    const char* v = t_->taos_get_server_info(h->get());
    if (v == nullptr) raise_last_error(*t_, nullptr, "server_version");
    return v;
}

std::int64_t NativeConnection::schemaless_insert(const SchemalessRequest& request) {
    if (!request.database.empty() && request.database != database()) {
        throw NotSupportedError("taos-native writes schemaless data into the connection's current database ('" +
                                database() + "'); select_db('" + request.database + "') first");
    }
    if (request.protocol != SchemalessProtocol::Line && request.protocol != SchemalessProtocol::Telnet &&
        request.protocol != SchemalessProtocol::Json) {
        throw UsageError(code::InvalidArgument, "schemaless insert: unknown protocol");
    }
    if (request.lines.size() > static_cast<std::size_t>(INT32_MAX))
        throw UsageError(code::InvalidArgument, "schemaless insert: payload over 2 GiB");
    auto h = handle();
    std::string lines = request.lines;  // taosc takes a mutable buffer
    const int len = static_cast<int>(lines.size());
    const int protocol = static_cast<int>(request.protocol), precision = static_cast<int>(request.precision);
    std::int32_t total_rows = 0;
    TAOS_RES* res = nullptr;
    if (!request.table_name_key.empty()) {
        if (!t_->taos_schemaless_insert_raw_ttl_with_reqid_tbname_key)
            raise_missing(*t_, "taos_schemaless_insert_raw_ttl_with_reqid_tbname_key", "schemaless table_name_key");
        std::string key = request.table_name_key;
        res = t_->taos_schemaless_insert_raw_ttl_with_reqid_tbname_key(h->get(), lines.data(), len, &total_rows, protocol,
                                                                      precision, request.ttl, request.options.req_id,
                                                                      key.data());
    } else if (t_->taos_schemaless_insert_raw_ttl_with_reqid) {
        res = t_->taos_schemaless_insert_raw_ttl_with_reqid(h->get(), lines.data(), len, &total_rows, protocol, precision,
                                                            request.ttl, request.options.req_id);
    } else {
        if (request.ttl != 0) raise_missing(*t_, "taos_schemaless_insert_raw_ttl_with_reqid", "schemaless ttl");
        if (request.options.req_id != 0)
            raise_missing(*t_, "taos_schemaless_insert_raw_ttl_with_reqid", "schemaless req_id");
        res = t_->taos_schemaless_insert_raw(h->get(), lines.data(), len, &total_rows, protocol, precision);
    }
    if (res == nullptr) raise_last_error(*t_, nullptr, "schemaless insert");
    const int code = t_->taos_errno(res);
    if (code != 0) {
        const char* msg = t_->taos_errstr(res);
        std::string message = msg ? msg : "";
        t_->taos_free_result(res);
        raise_taosc_error(code, message, "schemaless insert");
    }
    const std::int64_t rows = affected_rows_of(*t_, res);
    t_->taos_free_result(res);
    return rows;
}

std::unique_ptr<Stmt> NativeConnection::statement() {
    auto h = handle();
    const bool v2 = options_.stmt == StmtApi::V2 || (options_.stmt == StmtApi::Auto && t_->has_stmt2());
    if (v2) {
        if (!t_->has_stmt2()) raise_missing(*t_, "taos_stmt2_*", "stmt=v2");
        return std::make_unique<NativeStmt2>(t_, std::move(h));
    }
    return std::make_unique<NativeStmt>(t_, std::move(h));
}

void NativeConnection::close() noexcept {
    std::shared_ptr<TaosHandle> h;
    {
        std::lock_guard lock(mu_);
        h = std::move(handle_);
    }
    // taos_close runs here unless results or statements still hold the handle.
}

std::unique_ptr<Connection> connect_native(const Dsn& dsn) {
    NativeOptions o = options_from_dsn(dsn);
    auto t = load_taosc(o.libtaos);
    return std::make_unique<NativeConnection>(std::move(t), std::move(o), to_string(dsn));
}

}  // namespace taoslink::native
