// stmt2 end to end against the simulator: every type inserted through WsStmt2 and read back,
// several tables in one execute, a query statement, errors, and the v1/v2 choice.
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "all_types.hpp"
#include "connection.hpp"
#include "sim_process.hpp"
#include "stmt.hpp"
#include "stmt2.hpp"
#include "taoslink/dispatcher.hpp"
#include "taoslink/error.hpp"
#include "ws_test_util.hpp"

using namespace taoslink;
using ws_test::all_blocks;
using ws_test::fixed;
using ws_test::ucs4_to_utf8;
using ws_test::var;

namespace {

std::unique_ptr<Connection> open2(const std::string& tail = "?stmt=v2") {
    return ws_test::connect_with_plugin(WS_PLUGIN_PATH, ws_test::sim_url("ws") + tail);
}

std::string wkb_point(double x, double y) {
    std::string s("\x01\x01\x00\x00\x00", 5);
    s.append(reinterpret_cast<const char*>(&x), 8);
    s.append(reinterpret_cast<const char*>(&y), 8);
    return s;
}

}  // namespace

class SimStmt2Test : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SimStmt2Test);
    CPPUNIT_TEST(auto_picks_stmt2_and_v1_can_be_forced);
    CPPUNIT_TEST(every_type_round_trips);
    CPPUNIT_TEST(several_tables_in_one_execute);
    CPPUNIT_TEST(query_statement);
    CPPUNIT_TEST(errors);
    CPPUNIT_TEST_SUITE_END();

public:
    void auto_picks_stmt2_and_v1_can_be_forced() {
        auto pick = [](const std::string& tail) {
            auto c = ws::connect_ws(parse_dsn(ws_test::sim_url("ws") + tail));
            auto st = c->statement();
            const int v = dynamic_cast<ws::WsStmt2*>(st.get()) ? 2 : dynamic_cast<ws::WsStmt*>(st.get()) ? 1 : 0;
            st->close();
            return v;
        };
        CPPUNIT_ASSERT_EQUAL(2, pick(""));  // the simulator reports 3.3.6.0
        CPPUNIT_ASSERT_EQUAL(2, pick("?stmt=auto"));
        CPPUNIT_ASSERT_EQUAL(1, pick("?stmt=v1"));
        CPPUNIT_ASSERT_EQUAL(2, pick("?stmt=v2"));
    }

    void every_type_round_trips() {
        auto c = open2();
        all_types::create_table(*c, "s2all");
        auto st = c->statement();
        st->prepare("insert into ? using st tags (?) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st->set_table_name("t1");
        st->set_tags({var(TypeCode::Json, {"{\"k\":1}"})});
        const std::vector<std::uint8_t> second_null = {0, 1};
        st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1700000000000000, 1700000000000001}),
                  fixed<std::uint8_t>(TypeCode::Bool, {1, 0}, second_null),
                  fixed<std::int8_t>(TypeCode::TinyInt, {-8, 0}, second_null),
                  fixed<std::int16_t>(TypeCode::SmallInt, {-16, 0}, second_null),
                  fixed<std::int32_t>(TypeCode::Int, {-32, 0}, second_null),
                  fixed<std::int64_t>(TypeCode::BigInt, {-64, 0}, second_null),
                  fixed<std::uint8_t>(TypeCode::UTinyInt, {8, 0}, second_null),
                  fixed<std::uint16_t>(TypeCode::USmallInt, {16, 0}, second_null),
                  fixed<std::uint32_t>(TypeCode::UInt, {32, 0}, second_null),
                  fixed<std::uint64_t>(TypeCode::UBigInt, {18446744073709551615ull, 0}, second_null),
                  fixed<float>(TypeCode::Float, {1.5f, 0}, second_null),
                  fixed<double>(TypeCode::Double, {2.25, 0}, second_null),
                  var(TypeCode::VarChar, {"hello", ""}, second_null),
                  var(TypeCode::NChar, {"你好🙂", ""}, second_null),
                  var(TypeCode::VarBinary, {std::string("\x0a\x0b", 2), ""}, second_null),
                  var(TypeCode::Geometry, {wkb_point(1, 2), ""}, second_null),
                  var(TypeCode::Decimal64, {"12.34", ""}, second_null),
                  var(TypeCode::Decimal, {"-123456789012345.6789", ""}, second_null)});
        st->add_batch();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), st->execute());
        st->close();

        const auto got = all_types::select_all(*c);
        CPPUNIT_ASSERT_EQUAL(wkb_point(1, 2), std::string(got.block->column(15).bytes(0)));
        c->execute("drop database s2all");
    }

    void several_tables_in_one_execute() {
        auto c = open2();
        c->execute("create database if not exists s2multi");
        c->select_db("s2multi");
        c->execute("create stable if not exists st (ts timestamp, v int) tags (g int)");
        c->execute("create table if not exists plain (ts timestamp, v int)");
        c->execute("create table if not exists d9 using st tags (9)");
        auto st = c->statement();
        st->prepare("insert into ? using st tags (?) values (?, ?)");
        for (int t = 1; t <= 3; ++t) {
            st->set_table_name("d" + std::to_string(t));
            st->set_tags({fixed<std::int32_t>(TypeCode::Int, {t})});
            st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1700000000000 + t}), fixed<std::int32_t>(TypeCode::Int, {t * 10})});
            // a second bind of the same table appends rows
            st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1700000001000 + t}), fixed<std::int32_t>(TypeCode::Int, {t * 10 + 1})});
            st->add_batch();
        }
        st->set_table_name("d9");  // an existing table, no tags: another frame shape in the same execute
        st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1700000002000}), fixed<std::int32_t>(TypeCode::Int, {99})});
        st->add_batch();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(7), st->execute());
        // the statement is reusable after execute
        st->set_table_name("d2");
        st->set_tags({fixed<std::int32_t>(TypeCode::Int, {2})});
        st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1700000003000}), fixed<std::int32_t>(TypeCode::Int, {5})});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), st->execute());  // bound rows run without add_batch, as in v1
        st->close();

        auto plain = c->statement();
        plain->prepare("insert into plain values (?, ?)");
        plain->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1, 2}), fixed<std::int32_t>(TypeCode::Int, {1, 2}, {0, 1})});
        plain->add_batch();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), plain->execute());
        plain->close();

        auto values_of = [&](const std::string& table) {
            std::vector<std::int32_t> out;
            auto r = c->query("select v from " + table + " order by ts");
            for (const auto& blk : all_blocks(*r)) {
                for (std::size_t i = 0; i < blk->rows(); ++i) out.push_back(blk->column(0).get<std::int32_t>(i));
            }
            return out;
        };
        CPPUNIT_ASSERT(values_of("d1") == std::vector<std::int32_t>({10, 11}));
        CPPUNIT_ASSERT(values_of("d2") == std::vector<std::int32_t>({20, 21, 5}));
        CPPUNIT_ASSERT(values_of("d3") == std::vector<std::int32_t>({30, 31}));
        CPPUNIT_ASSERT(values_of("d9") == std::vector<std::int32_t>({99}));
        auto n = c->query("select v from plain order by ts");
        auto pb = all_blocks(*n);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), pb[0]->rows());
        CPPUNIT_ASSERT(pb[0]->column(0).is_null(1));
        c->execute("drop database s2multi");
    }

    void query_statement() {
        auto c = open2();
        c->execute("create database if not exists s2q");
        c->select_db("s2q");
        c->execute("create table if not exists q (ts timestamp, v int, s nchar(4))");
        c->execute("insert into q values (1700000000000, 1, 'a') (1700000000001, 2, 'bé') (1700000000002, 3, 'c')");
        auto st = c->statement();
        st->prepare("select v, s from q where ts > ? and s = ?");
        st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1700000000000}), var(TypeCode::VarChar, {"bé"})});
        st->add_batch();
        st->execute();
        auto r = st->result();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r->fields().size());
        auto blocks = all_blocks(*r);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), blocks.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), blocks[0]->rows());
        CPPUNIT_ASSERT_EQUAL(std::int32_t(2), blocks[0]->column(0).get<std::int32_t>(0));
        CPPUNIT_ASSERT_EQUAL(std::string("bé"), ucs4_to_utf8(blocks[0]->column(1).bytes(0)));
        // rebind and run again
        st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {0}), var(TypeCode::VarChar, {"a"})});
        st->execute();
        auto r2 = st->result();
        auto b2 = all_blocks(*r2);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), b2[0]->rows());
        CPPUNIT_ASSERT_EQUAL(std::int32_t(1), b2[0]->column(0).get<std::int32_t>(0));
        st->close();
        c->execute("drop database s2q");
    }

    void errors() {
        auto c = open2();
        c->execute("create database if not exists s2err");
        c->select_db("s2err");
        c->execute("create table if not exists e (ts timestamp, v int)");
        auto st = c->statement();
        CPPUNIT_ASSERT_THROW(st->bind({fixed<std::int32_t>(TypeCode::Int, {1})}), UsageError);  // not prepared
        CPPUNIT_ASSERT_THROW(st->prepare("insert into nosuch values (?, ?)"), Error);
        st->prepare("insert into e values (?, ?)");
        CPPUNIT_ASSERT_THROW(st->result(), UsageError);
        // a column of the wrong type: the server refuses, nothing is written
        st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1}), var(TypeCode::VarChar, {"x"})});
        bool server_error = false;
        try {
            st->execute();
        } catch (const ServerError& e) {
            server_error = e.code() == 0x0200;
        }
        CPPUNIT_ASSERT(server_error);
        // bad input is caught before anything is sent
        st->prepare("insert into e values (?, ?)");
        BindColumn broken = fixed<std::int32_t>(TypeCode::Int, {1});
        broken.data.pop_back();
        st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1}), broken});
        CPPUNIT_ASSERT_THROW(st->execute(), UsageError);
        // the statement still works
        st->prepare("insert into e values (?, ?)");
        st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {5}), fixed<std::int32_t>(TypeCode::Int, {5})});
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), st->execute());
        auto q = c->statement();
        CPPUNIT_ASSERT_THROW(q->prepare("selec nonsense ?"), Error);
        st->close();
        q->close();
        CPPUNIT_ASSERT_THROW(st->execute(), UsageError);
        c->execute("drop database s2err");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SimStmt2Test);
