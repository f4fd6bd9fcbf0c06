// Unit tests of taos-native over a hand-made Taosc table (fake_table.hpp): error mapping, DSN
// parameters, missing optional functions, raw block checks, consumer configuration errors.
#include <cstring>

#include <cppunit/extensions/HelperMacros.h>

#include "connection.hpp"
#include "consumer.hpp"
#include "errors.hpp"
#include "fake_table.hpp"
#include "options.hpp"
#include "raw_block.hpp"
#include "stmt.hpp"
#include "stmt2.hpp"
#include "taoslink/error.hpp"
#include "test_util.hpp"

using namespace taoslink;
using namespace taoslink::native;
using test::contains;
using native_test::make_table;
using native_test::script;

namespace {

std::unique_ptr<NativeConnection> open(std::shared_ptr<Taosc> t, const std::string& dsn = "taos://root:pw@h:6030") {
    return std::make_unique<NativeConnection>(std::move(t), options_from_dsn(parse_dsn(dsn)), to_string(parse_dsn(dsn)));
}

// One INT column block of `n` rows, as a server would send it.
std::string int_block(int n) {
    BlockBuilder b(Fields{Field{"v", TypeCode::Int, 4}});
    for (int i = 0; i < n; ++i) b.append_int(0, i);
    return std::string(b.finish()->raw());
}

void set_int_fields() {
    TAOS_FIELD f{};
    std::strcpy(f.name, "v");
    f.type = static_cast<std::int8_t>(TypeCode::Int);
    f.bytes = 4;
    script().fields = {f};
}

}  // namespace

class UnitTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(UnitTest);
    CPPUNIT_TEST(error_codes_are_typed);
    CPPUNIT_TEST(dsn_parameters);
    CPPUNIT_TEST(connect_failure_hides_password);
    CPPUNIT_TEST(query_error_frees_result);
    CPPUNIT_TEST(query_reads_copied_blocks);
    CPPUNIT_TEST(corrupt_block_lengths_are_refused);
    CPPUNIT_TEST(req_id_goes_to_query_with_reqid);
    CPPUNIT_TEST(missing_optional_functions);
    CPPUNIT_TEST(consumer_configuration_errors);
    CPPUNIT_TEST(client_version_checks);
    CPPUNIT_TEST(multibind_layout);
    CPPUNIT_TEST_SUITE_END();

public:
    void error_codes_are_typed() {
        EXPECT_THROW_AS(AuthError, raise_taosc_error(static_cast<int>(0x80000357u), "bad password"), e,
                        CPPUNIT_ASSERT_EQUAL(0x0357, e.code()));
        EXPECT_THROW_AS(AuthError, raise_taosc_error(0x0350, "no user", "", true), e, (void)e);
        EXPECT_THROW_AS(ServerError, raise_taosc_error(0x0350, "no user"), e, (void)e);
        EXPECT_THROW_AS(TimeoutError, raise_taosc_error(static_cast<int>(0x80000019u), "slow"), e,
                        CPPUNIT_ASSERT_EQUAL(0x0019, e.code()));
        EXPECT_THROW_AS(ConnectionError, raise_taosc_error(static_cast<int>(0x8000000Bu), "down"), e,
                        CPPUNIT_ASSERT_EQUAL(0x000B, e.code()));
        EXPECT_THROW_AS(ServerError, raise_taosc_error(static_cast<int>(0x80002662u), "Table does not exist", "query"), e, {
            CPPUNIT_ASSERT_EQUAL(0x2662, e.code());
            CPPUNIT_ASSERT_EQUAL(std::string("query: Table does not exist"), e.message());
        });
        EXPECT_THROW_AS(ServerError, raise_taosc_error(0x2600, ""), e,
                        CPPUNIT_ASSERT_EQUAL(std::string("unknown error"), e.message()));
    }

    void dsn_parameters() {
        auto o = options_from_dsn(parse_dsn("taos://u:p@h:6030/db?tz=UTC&app=a&charset=UTF-8&user_ip=1.2.3.4&stmt=v1&libtaos=/x/libtaos.so&config=/etc/taos"));
        CPPUNIT_ASSERT_EQUAL(std::string("h"), o.host);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(6030), o.port);
        CPPUNIT_ASSERT_EQUAL(std::string("db"), o.database);
        CPPUNIT_ASSERT_EQUAL(std::string("UTC"), o.timezone);
        CPPUNIT_ASSERT_EQUAL(std::string("/x/libtaos.so"), o.libtaos);
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/taos"), o.config_dir);
        CPPUNIT_ASSERT(o.stmt == StmtApi::V1);
        auto d = options_from_dsn(parse_dsn("taos://"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), d.host);
        CPPUNIT_ASSERT_EQUAL(std::uint16_t(0), d.port);
        CPPUNIT_ASSERT_EQUAL(std::string("root"), d.user);
        CPPUNIT_ASSERT_EQUAL(std::string("taosdata"), d.password);
        EXPECT_THROW_AS(DsnError, options_from_dsn(parse_dsn("taos://h?timeout=3")), e,
                        CPPUNIT_ASSERT(contains(e.what(), "'timeout'")));
        EXPECT_THROW_AS(DsnError, options_from_dsn(parse_dsn("taos://h?stmt=v3")), e, (void)e);
        EXPECT_THROW_AS(DsnError, options_from_dsn(parse_dsn("taos://a:1,b:2")), e, (void)e);
    }

    void connect_failure_hides_password() {
        auto t = make_table();
        script().connect_fails = true;
        EXPECT_THROW_AS(AuthError, open(t, "taos://root:s3cret@h:6030"), e, {
            CPPUNIT_ASSERT_EQUAL(0x0357, e.code());
            CPPUNIT_ASSERT_MESSAGE(e.what(), !contains(e.what(), "s3cret"));
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "h:6030"));
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "Authentication failure"));
        });
        CPPUNIT_ASSERT_EQUAL(std::string("s3cret"), script().seen_password);
    }

    void query_error_frees_result() {
        auto c = open(make_table());
        script().query_errno = static_cast<int>(0x80002662u);
        script().query_errstr = "Table does not exist";
        EXPECT_THROW_AS(ServerError, c->query("select * from nope"), e, CPPUNIT_ASSERT_EQUAL(0x2662, e.code()));
        CPPUNIT_ASSERT_EQUAL(1, script().frees);
    }

    void query_reads_copied_blocks() {
        auto c = open(make_table());
        set_int_fields();
        script().blocks = {int_block(3), int_block(2)};
        auto r = c->query("select v from t");
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), r->fields().size());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), r->affected_rows());
        auto b1 = r->next_block();
        script().blocks[0].assign(script().blocks[0].size(), '\xff');  // taosc reuses its buffer
        auto b2 = r->next_block();
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), b1->rows());
        CPPUNIT_ASSERT_EQUAL(2, b1->column(0).get<std::int32_t>(2));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), b2->rows());
        CPPUNIT_ASSERT(!r->next_block());
        r->close();
        r->close();
        CPPUNIT_ASSERT_EQUAL(1, script().frees);
        script().fields.clear();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), c->execute("insert into t values (now, 1)"));
    }

    void corrupt_block_lengths_are_refused() {
        const std::string good = int_block(4);
        auto with_length = [&](std::int32_t len) {
            std::string b = good;
            std::memcpy(b.data() + 4, &len, 4);
            return b;
        };
        for (std::int32_t bad : {std::int32_t(0x7fffffff), std::int32_t(-5), std::int32_t(12),
                                 static_cast<std::int32_t>(good.size() - 1)}) {
            auto c = open(make_table());
            set_int_fields();
            script().blocks = {with_length(bad)};
            auto r = c->query("select v from t");
            EXPECT_THROW_AS(ProtocolError, r->next_block(), e, CPPUNIT_ASSERT(contains(e.what(), "corrupt raw block")));
            // A failed result stays failed and has been freed.
            EXPECT_THROW_AS(ProtocolError, r->next_block(), e, (void)e);
            CPPUNIT_ASSERT_EQUAL(1, script().frees);
        }
        // Rows disagreeing with taos_fetch_raw_block's count.
        auto c = open(make_table());
        set_int_fields();
        script().blocks = {good};
        script().block_rows = {9};
        auto r = c->query("select v from t");
        EXPECT_THROW_AS(ProtocolError, r->next_block(), e, CPPUNIT_ASSERT(contains(e.what(), "rows")));
        // Column type disagreeing with the fields.
        auto c2 = open(make_table());
        set_int_fields();
        script().fields[0].type = static_cast<std::int8_t>(TypeCode::BigInt);
        script().blocks = {good};
        auto r2 = c2->query("select v from t");
        EXPECT_THROW_AS(ProtocolError, r2->next_block(), e, (void)e);
    }

    void req_id_goes_to_query_with_reqid() {
        auto c = open(make_table());
        RequestOptions o;
        o.req_id = 42;
        c->execute("create database x", o);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(42), script().req_id_seen);
    }

    void missing_optional_functions() {
        auto t = make_table();
        auto c = open(t);
        // No stmt2: auto falls back to v1, v2 is refused by name.
        auto s = c->statement();
        CPPUNIT_ASSERT(dynamic_cast<NativeStmt*>(s.get()) != nullptr);
        auto v2 = open(t, "taos://h?stmt=v2");
        EXPECT_THROW_AS(NotSupportedError, v2->statement(), e, CPPUNIT_ASSERT(contains(e.what(), "taos_stmt2")));
        // Schemaless without ttl/req_id support: refused only when asked for.
        SchemalessRequest req;
        req.lines = "m,t=1 v=1i 1";
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), c->schemaless_insert(req));
        req.ttl = 3;
        EXPECT_THROW_AS(NotSupportedError, c->schemaless_insert(req), e,
                        CPPUNIT_ASSERT(contains(e.what(), "taos_schemaless_insert_raw_ttl_with_reqid")));
        req.ttl = 0;
        req.table_name_key = "tn";
        EXPECT_THROW_AS(NotSupportedError, c->schemaless_insert(req), e,
                        CPPUNIT_ASSERT(contains(e.what(), "tbname_key")));
        req.table_name_key.clear();
        req.database = "other";
        EXPECT_THROW_AS(NotSupportedError, c->schemaless_insert(req), e, (void)e);
        // Per-connection options without taos_options_connection.
        EXPECT_THROW_AS(NotSupportedError, open(t, "taos://h?app=x"), e,
                        CPPUNIT_ASSERT(contains(e.what(), "taos_options_connection")));
        // TMQ offset calls.
        auto consumer = open_native_consumer(t, parse_dsn("taos://h"), {{"group.id", "g"}});
        EXPECT_THROW_AS(NotSupportedError, consumer->commit_offset("t", 1, 5), e,
                        CPPUNIT_ASSERT(contains(e.what(), "tmq_commit_offset_sync")));
        EXPECT_THROW_AS(NotSupportedError, consumer->seek("t", 1, 5), e, CPPUNIT_ASSERT(contains(e.what(), "tmq_offset_seek")));
        EXPECT_THROW_AS(NotSupportedError, consumer->assignment(), e, (void)e);
        EXPECT_THROW_AS(NotSupportedError, consumer->committed("t", 1), e, (void)e);
        EXPECT_THROW_AS(NotSupportedError, consumer->position("t", 1), e, (void)e);
        CPPUNIT_ASSERT(!consumer->poll(std::chrono::milliseconds(1)));
        consumer->close();
        consumer->close();
    }

    void consumer_configuration_errors() {
        auto t = make_table();
        script().conf_results["bogus.key"] = taosc::ConfUnknown;
        EXPECT_THROW_AS(UsageError, open_native_consumer(t, parse_dsn("taos://h"), {{"bogus.key", "1"}}), e,
                        CPPUNIT_ASSERT(contains(e.what(), "'bogus.key'")));
        t = make_table();
        script().conf_results["td.connect.pass"] = taosc::ConfInvalid;
        EXPECT_THROW_AS(UsageError, open_native_consumer(t, parse_dsn("taos://u:topsecret@h:6030/db"), {{"group.id", "g"}}), e, {
            CPPUNIT_ASSERT(contains(e.what(), "td.connect.pass"));
            CPPUNIT_ASSERT(!contains(e.what(), "topsecret"));
        });
        // The DSN fills what the map lacks; the map wins.
        t = make_table();
        open_native_consumer(t, parse_dsn("taos://u:pw@h:6030/db?auto.offset.reset=earliest"),
                             {{"group.id", "g"}, {"td.connect.user", "other"}});
        std::map<std::string, std::string> seen(script().conf_seen.begin(), script().conf_seen.end());
        CPPUNIT_ASSERT_EQUAL(std::string("h"), seen["td.connect.ip"]);
        CPPUNIT_ASSERT_EQUAL(std::string("6030"), seen["td.connect.port"]);
        CPPUNIT_ASSERT_EQUAL(std::string("other"), seen["td.connect.user"]);
        CPPUNIT_ASSERT_EQUAL(std::string("pw"), seen["td.connect.pass"]);
        CPPUNIT_ASSERT_EQUAL(std::string("db"), seen["td.connect.db"]);
        CPPUNIT_ASSERT_EQUAL(std::string("earliest"), seen["auto.offset.reset"]);
    }

    void client_version_checks() {
        EXPECT_THROW_AS(PluginError, check_client_version("2.6.0.34", "/x/libtaos.so"), e, {
            CPPUNIT_ASSERT(contains(e.what(), "2.6.0.34"));
            CPPUNIT_ASSERT(contains(e.what(), "3.x"));
        });
        check_client_version("3.0.0.0", "/x");
        check_client_version("3.3.6.0-unit", "/x");
        auto c = open(make_table());
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0-unit"), c->client_version());
    }

    void multibind_layout() {
        BindColumn ints;
        ints.type = TypeCode::Int;
        ints.rows = 2;
        ints.data.resize(8);
        ints.is_null = {0, 1};
        BindColumn text;
        text.type = TypeCode::VarChar;
        text.rows = 3;
        const std::string payload = "abcdefgh";
        text.data.assign(payload.begin(), payload.end());
        text.lengths = {3, 0, 5};
        text.is_null = {0, 1, 0};
        MultiBind b({ints, text});
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), b.size());
        CPPUNIT_ASSERT_EQUAL(std::uintptr_t(4), b.data()[0].buffer_length);
        CPPUNIT_ASSERT_EQUAL(1, static_cast<int>(b.data()[0].is_null[1]));
        CPPUNIT_ASSERT_EQUAL(std::uintptr_t(5), b.data()[1].buffer_length);
        const char* slots = static_cast<const char*>(b.data()[1].buffer);
        CPPUNIT_ASSERT_EQUAL(std::string("abc"), std::string(slots, 3));
        CPPUNIT_ASSERT_EQUAL(std::string("defgh"), std::string(slots + 10, 5));
        CPPUNIT_ASSERT_EQUAL(5, b.data()[1].length[2]);
        text.lengths = {3, 0, 50};
        EXPECT_THROW_AS(UsageError, MultiBind({text}), e, (void)e);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(UnitTest);
