// The transport-neutral interfaces every plugin implements: Connection, Result, Stmt, Consumer.
//
// They are shaped by what TDengine offers, not by one client API: results are streams of columnar
// Blocks (REST builds them from JSON, WebSocket and taosc hand over raw blocks); statements bind
// whole columns; consumers poll messages that carry blocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "taoslink/block.hpp"
#include "taoslink/dsn.hpp"
#include "taoslink/types.hpp"

namespace taoslink {

/// Per-request options.
struct RequestOptions {
    std::int64_t req_id = 0;  ///< 0: none given (the server makes one)
};

/// The result of one statement: its schema and a stream of blocks. Callers never use one Result
/// from two threads at once, but may call it from different threads one after another (the
/// Python layer decodes the next block on a worker thread), so implementations must not rely on
/// thread-local state.
class Result {
public:
    virtual ~Result() = default;
    /// Columns of the result set; empty for statements without one (INSERT, DDL).
    virtual const Fields& fields() const = 0;
    virtual Precision precision() const = 0;
    /// Rows written by INSERT, 0 for DDL; -1 for queries.
    virtual std::int64_t affected_rows() const = 0;
    /// The next block, or nullptr when the result is exhausted. Blocks stay valid while held.
    /// May block on the network; throws ConnectionError/ProtocolError when the stream breaks.
    virtual std::shared_ptr<const Block> next_block() = 0;
    /// Releases server-side resources early. Idempotent; never throws.
    virtual void close() noexcept = 0;
};

/// One column of bound values for Stmt: `rows` values laid out as in a raw block column.
struct BindColumn {
    TypeCode type = TypeCode::Null;
    std::size_t rows = 0;
    std::vector<std::uint8_t> is_null;  ///< one flag per row (empty: no NULLs)
    std::vector<std::uint8_t> data;     ///< fixed: rows * fixed_size bytes; var: concatenated payloads
    std::vector<std::int32_t> lengths;  ///< var only: byte length of each row's payload
    Precision precision = Precision::Milli;  ///< TIMESTAMP only
};

/// What a statement placeholder binds: a tag (set_tags) or a column (bind).
enum class StmtFieldKind : std::uint8_t { Column = 1, Tag = 2 };

/// The target of one `?` of a prepared INSERT, as the server describes it (TAOS_FIELD_E).
struct StmtField {
    std::string name;
    TypeCode type = TypeCode::Null;
    StmtFieldKind kind = StmtFieldKind::Column;
    /// The storage width: VARCHAR(n) n + 2, NCHAR(n) 4n + 2, fixed types their size.
    std::int32_t bytes = 0;
    /// TIMESTAMP: the table's timestamp precision; DECIMAL: its precision p; else 0.
    std::uint8_t precision = 0;
    std::uint8_t scale = 0;  ///< DECIMAL only
};

/// A prepared statement with column-wise binding (taos_stmt, WS stmt/stmt2).
class Stmt {
public:
    virtual ~Stmt() = default;
    virtual void prepare(std::string_view sql) = 0;
    virtual void set_table_name(std::string_view name) = 0;
    virtual void set_tags(const std::vector<BindColumn>& tags) = 0;
    virtual void bind(const std::vector<BindColumn>& columns) = 0;
    virtual void add_batch() = 0;
    /// Executes the batches added so far; returns the rows affected.
    virtual std::int64_t execute() = 0;
    /// The result set of a prepared query, after execute().
    virtual std::unique_ptr<Result> result() = 0;
    virtual void close() noexcept = 0;
    /// The fields of a prepared INSERT's placeholders: tags first (the order set_tags takes),
    /// then columns (the order bind takes); the `?` of a table name is not among them. For
    /// `insert into ? ...` call set_table_name first (servers may need the table to know the
    /// types). UsageError for a query statement; the default throws NotSupportedError.
    virtual std::vector<StmtField> fields();
};

/// Schemaless protocols and precisions (protocol.md §7).
enum class SchemalessProtocol : std::uint8_t { Line = 1, Telnet = 2, Json = 3 };
enum class SchemalessPrecision : std::uint8_t {
    NotConfigured = 0, Hours = 1, Minutes = 2, Seconds = 3, Milli = 4, Micro = 5, Nano = 6
};

struct SchemalessRequest {
    std::string lines;  ///< the payload, lines separated by '\n' (or one JSON document)
    SchemalessProtocol protocol = SchemalessProtocol::Line;
    SchemalessPrecision precision = SchemalessPrecision::NotConfigured;
    std::int32_t ttl = 0;        ///< days; 0 = database default
    std::string table_name_key;  ///< tag whose value names the child table; empty = none
    std::string database;        ///< empty = the connection's database
    RequestOptions options;
};

/// A connection to one TDengine service. Implementations document their thread safety; the
/// core's rule is: a Connection may be shared between threads, a Result may not.
class Connection {
public:
    virtual ~Connection() = default;
    /// Runs one SQL statement and returns its result (which may have no fields).
    virtual std::unique_ptr<Result> query(std::string_view sql, const RequestOptions& opts = {}) = 0;
    /// Runs a statement for its effect and returns the affected rows.
    virtual std::int64_t execute(std::string_view sql, const RequestOptions& opts = {});
    /// Makes `db` the default database for later statements.
    virtual void select_db(std::string_view db) = 0;
    /// The current default database (empty if none).
    virtual std::string database() const = 0;
    /// The server's version string.
    virtual std::string server_version() = 0;
    /// The version of the client library doing the work (taosc's for taos-native); empty when
    /// the transport has none.
    virtual std::string client_version() const;
    /// Writes InfluxDB line, OpenTSDB telnet or OpenTSDB JSON data; returns rows written if known (-1 otherwise).
    virtual std::int64_t schemaless_insert(const SchemalessRequest& request);
    /// A new prepared statement. Throws NotSupportedError where the transport has none.
    virtual std::unique_ptr<Stmt> statement();
    /// The DSN this connection was opened with, password and token redacted.
    virtual std::string describe() const = 0;
    /// Closes the connection. Idempotent; never throws.
    virtual void close() noexcept = 0;
};

/// One topic partition position of a consumer.
struct TopicAssignment {
    std::string topic;
    std::int32_t vgroup_id = 0;
    std::int64_t offset = 0;
    std::int64_t begin = 0;
    std::int64_t end = 0;
};

/// A TMQ message: where it came from and the blocks it carries.
struct Message {
    std::string topic;
    std::string database;
    std::int32_t vgroup_id = 0;
    std::int64_t offset = 0;
    std::int32_t type = 1;  ///< 1 data, 2 meta, 3 meta+data
    Precision precision = Precision::Milli;
    Fields fields;
    std::vector<std::string> table_names;  ///< one per block when msg.with.table.name is on
    std::vector<std::shared_ptr<const Block>> blocks;
};

/// A TMQ consumer.
class Consumer {
public:
    virtual ~Consumer() = default;
    virtual void subscribe(const std::vector<std::string>& topics) = 0;
    virtual void unsubscribe() = 0;
    /// Waits up to `timeout` for a message; nullopt when none arrived.
    virtual std::optional<Message> poll(std::chrono::milliseconds timeout) = 0;
    virtual void commit(const Message* message) = 0;  ///< nullptr: everything consumed so far
    virtual void commit_offset(const std::string& topic, std::int32_t vgroup_id, std::int64_t offset) = 0;
    virtual void seek(const std::string& topic, std::int32_t vgroup_id, std::int64_t offset) = 0;
    virtual std::vector<TopicAssignment> assignment() = 0;
    virtual std::int64_t committed(const std::string& topic, std::int32_t vgroup_id) = 0;
    virtual std::int64_t position(const std::string& topic, std::int32_t vgroup_id) = 0;
    virtual std::vector<std::string> list_topics() = 0;
    virtual void close() noexcept = 0;
};

/// What a plugin provides: factories for connections and consumers on the schemes it serves.
class Transport {
public:
    virtual ~Transport() = default;
    /// Opens a connection. The DSN's scheme is one of the plugin's schemes.
    virtual std::unique_ptr<Connection> connect(const Dsn& dsn) = 0;
    /// Opens a TMQ consumer with taosAdapter/taosc configuration keys (group.id, ...).
    /// The default throws NotSupportedError.
    virtual std::unique_ptr<Consumer> consumer(const Dsn& dsn, const std::map<std::string, std::string>& config);
};

}  // namespace taoslink
