// End to end against the simulator (tests/sim): the plugin as the loader sees it, every type
// through binary query + fetch_raw_block, many blocks, stmt v1 insert and query, schemaless in
// every protocol, errors.
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "all_types.hpp"
#include "bind_block.hpp"
#include "sim_process.hpp"
#include "sim_scenarios.hpp"
#include "taoslink/dispatcher.hpp"
#include "taoslink/error.hpp"
#include "ws_test_util.hpp"

using namespace taoslink;
using ws_test::all_blocks;
using ws_test::fixed;
using ws_test::ucs4_to_utf8;
using ws_test::var;

namespace {

std::string dsn(const std::string& tail = "") { return ws_test::sim_url("ws") + tail; }

std::unique_ptr<Connection> open(const std::string& tail = "") {
    return ws_test::connect_with_plugin(WS_PLUGIN_PATH, dsn(tail));
}

}  // namespace

class SimTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SimTest);
    CPPUNIT_TEST(every_type_round_trips);
    CPPUNIT_TEST(many_blocks);
    CPPUNIT_TEST(stmt_insert_and_query);
    CPPUNIT_TEST(stmt_fields_v1_and_v2);
    CPPUNIT_TEST(schemaless_protocols);
    CPPUNIT_TEST(errors_are_typed);
    CPPUNIT_TEST_SUITE_END();

public:
    void every_type_round_trips() {
        auto c = open();
        all_types::create_table(*c, "wsall");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), c->execute(all_types::kInsertRows));
        const auto got = all_types::select_all(*c);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(10), got.fields[16].decimal_precision);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(2), got.fields[16].decimal_scale);
        c->execute("drop database wsall");
    }

    void many_blocks() {
        auto c = open();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), sim_scenarios::many_blocks(*c, "wsmany"));
    }

    void stmt_insert_and_query() {
        auto c = open("?stmt=v1");  // stmt v1 specifics (the simulator's 3.3.6.0 would pick stmt2)
        c->execute("create database if not exists wsstmt");
        c->select_db("wsstmt");
        c->execute("create stable if not exists st (ts timestamp, v int, n nchar(8), s varchar(8)) tags (loc nchar(8), gid int)");
        auto st = c->statement();
        st->prepare("insert into ? using st tags (?, ?) values (?, ?, ?, ?)");
        st->set_table_name("d1");
        st->set_tags({var(TypeCode::NChar, {"北京"}), fixed<std::int32_t>(TypeCode::Int, {7})});
        st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1700000000000, 1700000000001, 1700000000002}),
                  fixed<std::int32_t>(TypeCode::Int, {1, 2, 3}, {0, 1, 0}),
                  var(TypeCode::NChar, {"ä", "", "日本"}, {0, 1, 0}), var(TypeCode::VarChar, {"a", "bb", ""})});
        st->add_batch();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), st->execute());
        st->close();

        auto q = c->statement();
        q->prepare("select v, n, loc from st where ts > ? and gid = ?");
        q->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1700000000000}), fixed<std::int32_t>(TypeCode::Int, {7})});
        q->add_batch();
        q->execute();
        auto r = q->result();
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), r->fields().size());
        auto blocks = all_blocks(*r);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), blocks.size());
        const Block& b = *blocks[0];
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), b.rows());
        CPPUNIT_ASSERT(b.column(0).is_null(0));
        CPPUNIT_ASSERT_EQUAL(std::int32_t(3), b.column(0).get<std::int32_t>(1));
        CPPUNIT_ASSERT(b.column(1).is_null(0));
        CPPUNIT_ASSERT_EQUAL(std::string("日本"), ucs4_to_utf8(b.column(1).bytes(1)));
        CPPUNIT_ASSERT_EQUAL(std::string("北京"), ucs4_to_utf8(b.column(2).bytes(1)));
        q->close();
        c->execute("drop database wsstmt");
    }

    void stmt_fields_v1_and_v2() {
        for (const char* api : {"?stmt=v1", "?stmt=v2"}) {
            auto c = open(api);
            c->execute("create database if not exists wsfields precision 'us'");
            c->select_db("wsfields");
            c->execute("create stable if not exists st (ts timestamp, v int, n nchar(8), d decimal(12,3)) tags (loc nchar(8), gid int)");
            c->execute("create table if not exists plain (ts timestamp, s varchar(5))");
            auto st = c->statement();
            st->prepare("insert into ? using st tags (?, 'x') values (?, ?, ?, ?)");
            st->set_table_name("d9");
            const auto f = st->fields();
            CPPUNIT_ASSERT_EQUAL(std::size_t(5), f.size());
            CPPUNIT_ASSERT_EQUAL(std::string("loc"), f[0].name);
            CPPUNIT_ASSERT(f[0].kind == StmtFieldKind::Tag);
            CPPUNIT_ASSERT(f[0].type == TypeCode::NChar);
            CPPUNIT_ASSERT_EQUAL(std::int32_t(34), f[0].bytes);  // 4n + 2
            CPPUNIT_ASSERT_EQUAL(std::string("ts"), f[1].name);
            CPPUNIT_ASSERT(f[1].kind == StmtFieldKind::Column);
            CPPUNIT_ASSERT(f[1].type == TypeCode::Timestamp);
            CPPUNIT_ASSERT_EQUAL(std::uint8_t(1), f[1].precision);  // the database's 'us'
            CPPUNIT_ASSERT(f[2].type == TypeCode::Int);
            CPPUNIT_ASSERT(f[4].type == TypeCode::Decimal64);
            CPPUNIT_ASSERT_EQUAL(std::uint8_t(12), f[4].precision);
            CPPUNIT_ASSERT_EQUAL(std::uint8_t(3), f[4].scale);
            st->close();

            auto plain = c->statement();
            plain->prepare("insert into plain values (?, ?)");
            const auto pf = plain->fields();
            CPPUNIT_ASSERT_EQUAL(std::size_t(2), pf.size());
            CPPUNIT_ASSERT(pf[1].type == TypeCode::VarChar && pf[1].kind == StmtFieldKind::Column);
            CPPUNIT_ASSERT_EQUAL(std::int32_t(7), pf[1].bytes);  // n + 2
            // the statement still binds and executes after describing itself
            plain->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1700000000000000}), var(TypeCode::VarChar, {"abc"})});
            plain->add_batch();
            CPPUNIT_ASSERT_EQUAL(std::int64_t(1), plain->execute());

            auto q = c->statement();
            q->prepare("select * from plain where ts > ?");
            CPPUNIT_ASSERT_THROW(q->fields(), UsageError);
            c->execute("drop database wsfields");
        }
    }

    void schemaless_protocols() {
        auto c = open();
        sim_scenarios::schemaless_protocols(*c, "wssml");
    }

    void errors_are_typed() {
        auto c = open();
        try {
            c->query("selec 1");
            CPPUNIT_FAIL("no error");
        } catch (const ServerError& e) {
            CPPUNIT_ASSERT_EQUAL(0x2600, e.code());
        }
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0"), c->server_version());
        CPPUNIT_ASSERT_THROW(connect(ws_test::sim_url("ws", "root", "wrong")), AuthError);
        try {
            connect(dsn("/nosuchdb"));
            CPPUNIT_FAIL("no error");
        } catch (const ServerError& e) {
            CPPUNIT_ASSERT_EQUAL(0x0388, e.code());
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SimTest);
