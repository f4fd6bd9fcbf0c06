// A taos-native Connection: one TAOS* from taos_connect.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "options.hpp"
#include "taoslink/connection.hpp"
#include "taosc_library.hpp"

namespace taoslink::native {

/// A TAOS* closed (taos_close) when the last holder lets go: the connection, and every result and
/// statement made on it, so closing the connection never pulls a handle from under them.
class TaosHandle {
public:
    TaosHandle(std::shared_ptr<const Taosc> taosc, TAOS* taos) : t_(std::move(taosc)), taos_(taos) {}
    ~TaosHandle() { t_->taos_close(taos_); }
    TaosHandle(const TaosHandle&) = delete;
    TaosHandle& operator=(const TaosHandle&) = delete;
    TAOS* get() const noexcept { return taos_; }

private:
    std::shared_ptr<const Taosc> t_;
    TAOS* taos_;
};

/// A statement handle (TAOS_STMT, TAOS_STMT2) freed by `Close` (taos_stmt_close,
/// taos_stmt2_close) when the last holder (statement or result) lets go. It holds the connection,
/// which must outlive it.
template <class S, int (*Taosc::*Close)(S*)>
class StmtHandleOf {
public:
    StmtHandleOf(std::shared_ptr<const Taosc> taosc, std::shared_ptr<TaosHandle> conn, S* stmt)
        : t_(std::move(taosc)), conn_(std::move(conn)), stmt_(stmt) {}
    ~StmtHandleOf() { ((*t_).*Close)(stmt_); }
    StmtHandleOf(const StmtHandleOf&) = delete;
    StmtHandleOf& operator=(const StmtHandleOf&) = delete;
    S* get() const noexcept { return stmt_; }

private:
    std::shared_ptr<const Taosc> t_;
    std::shared_ptr<TaosHandle> conn_;
    S* stmt_;
};

/// Applies the process-wide settings taosc only takes before its first connection: `config=`
/// (OptionConfigDir) and, where taos_options_connection is missing, `tz` (OptionTimezone) and
/// `charset` (OptionCharset). A later connection asking for a different config folder than the
/// one applied throws UsageError.
void apply_process_options(const Taosc& t, const NativeOptions& o);

/// Thread-safe: taosc connections are, so any number of threads may share one NativeConnection,
/// each with its own Result (README.md "Threads"). taosc's per-thread last error is read on the
/// thread that made the failing call, right after it.
class NativeConnection final : public Connection {
public:
    /// Connects with taos_connect (host NULL when the DSN has none, port 0 for taosc's serverPort)
    /// and applies the per-connection options. `description` is the redacted DSN.
    NativeConnection(std::shared_ptr<const Taosc> taosc, NativeOptions options, std::string description);
    ~NativeConnection() override;

    std::unique_ptr<Result> query(std::string_view sql, const RequestOptions& opts = {}) override;
    void select_db(std::string_view db) override;
    /// taos_get_current_db when the library has it, else the database tracked from the DSN,
    /// select_db and `use` statements.
    std::string database() const override;
    std::string server_version() override;
    std::string client_version() const override { return t_->client_version; }
    std::int64_t schemaless_insert(const SchemalessRequest& request) override;
    /// stmt2 when the library has every taos_stmt2_* function (or `stmt=v2`), else stmt v1.
    std::unique_ptr<Stmt> statement() override;
    std::string describe() const override { return description_; }
    void close() noexcept override;

private:
    std::shared_ptr<TaosHandle> handle() const;  // throws ConnectionError once closed
    void apply_connection_options(TAOS* taos);

    std::shared_ptr<const Taosc> t_;
    NativeOptions options_;
    std::string description_;
    mutable std::mutex mu_;
    std::shared_ptr<TaosHandle> handle_;
    std::string database_;  // tracked for libraries without taos_get_current_db
};

/// Opens a connection for a taos:// DSN, loading taosc first (taosc_library.hpp).
std::unique_ptr<Connection> connect_native(const Dsn& dsn);

}  // namespace taoslink::native
