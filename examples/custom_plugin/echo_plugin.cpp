// A minimal third-party transport: every query returns one VARCHAR column holding the SQL text.
// It shows the whole plugin contract: a Transport, a Connection, a Result, and TAOSLINK_PLUGIN.
#include <taoslink/block.hpp>
#include <taoslink/connection.hpp>
#include <taoslink/dsn.hpp>
#include <taoslink/error.hpp>
#include <taoslink/plugin.hpp>

#include <memory>
#include <string>

namespace {

class EchoResult : public taoslink::Result {
public:
    explicit EchoResult(std::string_view sql) {
        fields_.push_back({"echo", taoslink::TypeCode::VarChar, static_cast<std::int32_t>(sql.size())});
        taoslink::BlockBuilder builder(fields_);
        builder.append_bytes(0, sql);
        block_ = builder.finish();
    }
    const taoslink::Fields& fields() const override { return fields_; }
    taoslink::Precision precision() const override { return taoslink::Precision::Milli; }
    std::int64_t affected_rows() const override { return -1; }
    std::shared_ptr<const taoslink::Block> next_block() override { return std::exchange(block_, nullptr); }
    void close() noexcept override { block_.reset(); }

private:
    taoslink::Fields fields_;
    std::shared_ptr<const taoslink::Block> block_;
};

class EchoConnection : public taoslink::Connection {
public:
    explicit EchoConnection(taoslink::Dsn dsn) : dsn_(std::move(dsn)), db_(dsn_.database) {}
    std::unique_ptr<taoslink::Result> query(std::string_view sql, const taoslink::RequestOptions&) override {
        if (closed_) throw taoslink::ConnectionError(taoslink::code::InvalidConnection, "connection is closed");
        return std::make_unique<EchoResult>(sql);
    }
    void select_db(std::string_view db) override { db_ = db; }
    std::string database() const override { return db_; }
    std::string server_version() override { return "echo-1"; }
    std::string describe() const override { return taoslink::to_string(dsn_); }
    void close() noexcept override { closed_ = true; }

private:
    taoslink::Dsn dsn_;
    std::string db_;
    bool closed_ = false;
};

class EchoTransport : public taoslink::Transport {
public:
    std::unique_ptr<taoslink::Connection> connect(const taoslink::Dsn& dsn) override {
        return std::make_unique<EchoConnection>(dsn);
    }
};

}  // namespace

TAOSLINK_PLUGIN("echo", EchoTransport, "echo")
