// One source, several fake plugins for the loader tests, chosen by a compile definition:
//   FAKE_PLUGIN_GOOD     an in-memory transport for scheme "fake" ("select 1" -> one INT column)
//   FAKE_PLUGIN_NOENTRY  no entry symbol
//   FAKE_PLUGIN_BADABI   entry reports the next ABI version (host + 1)
//   FAKE_PLUGIN_BADTAG   entry reports a foreign build tag
//   FAKE_PLUGIN_THROWS   the transport's constructor throws
//   FAKE_PLUGIN_REFUSE   entry returns non-zero
#include <stdexcept>
#include <string>
#include <utility>

#include "taoslink/error.hpp"
#include "taoslink/plugin.hpp"

namespace {

class FakeResult : public taoslink::Result {
public:
    FakeResult(taoslink::Fields fields, std::shared_ptr<const taoslink::Block> block, std::int64_t affected)
        : fields_(std::move(fields)), block_(std::move(block)), affected_(affected) {}
    const taoslink::Fields& fields() const override { return fields_; }
    taoslink::Precision precision() const override { return taoslink::Precision::Milli; }
    std::int64_t affected_rows() const override { return affected_; }
    std::shared_ptr<const taoslink::Block> next_block() override { return std::exchange(block_, nullptr); }
    void close() noexcept override { block_.reset(); }

private:
    taoslink::Fields fields_;
    std::shared_ptr<const taoslink::Block> block_;
    std::int64_t affected_;
};

class FakeConnection : public taoslink::Connection {
public:
    explicit FakeConnection(const taoslink::Dsn& dsn) : dsn_(dsn), db_(dsn.database) {}
    std::unique_ptr<taoslink::Result> query(std::string_view sql, const taoslink::RequestOptions&) override {
        if (sql == "select 1") {
            taoslink::Fields fields{{"1", taoslink::TypeCode::Int, 4}};
            taoslink::BlockBuilder b(fields);
            b.append_int(0, 1);
            return std::make_unique<FakeResult>(fields, b.finish(), -1);
        }
        if (sql.rfind("insert", 0) == 0) return std::make_unique<FakeResult>(taoslink::Fields{}, nullptr, 3);
        throw taoslink::ServerError(0x2600, "syntax error near \"" + std::string(sql) + "\"");
    }
    void select_db(std::string_view db) override { db_ = db; }
    std::string database() const override { return db_; }
    std::string server_version() override { return "3.3.6.0-fake"; }
    std::string describe() const override { return taoslink::to_string(dsn_); }
    void close() noexcept override {}

private:
    taoslink::Dsn dsn_;
    std::string db_;
};

class FakeTransport : public taoslink::Transport {
public:
    FakeTransport() {
#if defined(FAKE_PLUGIN_THROWS)
        throw std::runtime_error("fake transport refuses to start: boom");
#endif
    }
    std::unique_ptr<taoslink::Connection> connect(const taoslink::Dsn& dsn) override {
        return std::make_unique<FakeConnection>(dsn);
    }
};

}  // namespace

#if defined(FAKE_PLUGIN_GOOD)
TAOSLINK_PLUGIN("fake-good", FakeTransport, "fake")
#elif defined(FAKE_PLUGIN_THROWS)
TAOSLINK_PLUGIN("fake-throws", FakeTransport, "fakethrow")
#elif defined(FAKE_PLUGIN_NOENTRY)
// Exports something, just not the entry point.
extern "C" __attribute__((visibility("default"))) int taoslink_not_the_entry() { return 0; }
#else
namespace {
const char* const fake_schemes[] = {"fakeabi", nullptr};
taoslink::Transport* fake_create(char*, std::size_t) { return new FakeTransport(); }
void fake_destroy(taoslink::Transport* t) { delete t; }
}  // namespace
extern "C" __attribute__((visibility("default"))) int taoslink_plugin_entry(std::uint32_t,
                                                                            taoslink_plugin_descriptor* out) {
#if defined(FAKE_PLUGIN_REFUSE)
    (void)out;
    return 7;
#else
    out->abi_version = TAOSLINK_PLUGIN_ABI_VERSION;
    out->struct_size = sizeof(taoslink_plugin_descriptor);
    out->name = "fake-badabi";
    out->schemes = fake_schemes;
    out->build_tag = TAOSLINK_BUILD_TAG;
    out->version = "0";
    out->create = &fake_create;
    out->destroy = &fake_destroy;
#if defined(FAKE_PLUGIN_BADABI)
    out->abi_version = TAOSLINK_PLUGIN_ABI_VERSION + 1;
#elif defined(FAKE_PLUGIN_BADTAG)
    out->name = "fake-badtag";
    out->build_tag = "taoslink-abi1/bogus-stdlib";
#endif
    return 0;
#endif
}
#endif
