// End to end: the taos-native plugin as the loader sees it, over tests/fake_taosc's libtaos.so,
// which talks to the simulator (tests/sim). Query path, every type, req_id, statements v1 and v2,
// schemaless, TMQ, server errors, and one connection shared by four threads.
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "all_types.hpp"
#include "sim_process.hpp"
#include "sim_scenarios.hpp"
#include "taoslink/dispatcher.hpp"
#include "taoslink/error.hpp"
#include "test_util.hpp"
#include "ws_test_util.hpp"

using namespace taoslink;
using test::contains;
using test::server_code;
using ws_test::all_blocks;
using ws_test::count_rows;
using ws_test::fixed;
using ws_test::ucs4_to_utf8;
using ws_test::var;

namespace {

const std::string kLibtaos = FAKE_TAOSC_DIR "/libtaos.so";

std::string dsn(const std::string& params = "") {
    return ws_test::sim_url("taos") + "?libtaos=" + kLibtaos + (params.empty() ? "" : "&" + params);
}

std::unique_ptr<Connection> open(const std::string& params = "") {
    return ws_test::connect_with_plugin(NATIVE_PLUGIN_PATH, dsn(params));
}

}  // namespace

class NativeSimTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(NativeSimTest);
    CPPUNIT_TEST(connects_and_describes);
    CPPUNIT_TEST(every_type_round_trips);
    CPPUNIT_TEST(many_blocks_and_req_id);
    CPPUNIT_TEST(server_errors_are_typed);
    CPPUNIT_TEST(stmt_v1_insert_and_query);
    CPPUNIT_TEST(stmt_v2_insert_and_query);
    CPPUNIT_TEST(stmt_fields_v1_and_v2);
    CPPUNIT_TEST(schemaless_protocols);
    CPPUNIT_TEST(tmq_round_trip);
    CPPUNIT_TEST(shared_by_four_threads);
    CPPUNIT_TEST_SUITE_END();

public:
    void connects_and_describes() {
        auto c = open();
        CPPUNIT_ASSERT(!c->server_version().empty());
        CPPUNIT_ASSERT(!c->client_version().empty());
        CPPUNIT_ASSERT(!contains(c->describe(), "taosdata"));
        CPPUNIT_ASSERT(contains(c->describe(), "taos://"));
        // The loaded taosc is the process's: another file is refused, naming the loaded one.
        EXPECT_THROW_AS(UsageError, connect("taos://127.0.0.1:1?libtaos=/other/libtaos.so"), e,
                        CPPUNIT_ASSERT(contains(e.what(), kLibtaos)));
        EXPECT_THROW_AS(DsnError, connect(dsn("nonsense=1")), e, (void)e);
        EXPECT_THROW_AS(AuthError, connect(ws_test::sim_url("taos", "root", "wrong")), e,
                        CPPUNIT_ASSERT(!contains(e.what(), "wrong")));
        c->close();
        c->close();
        EXPECT_THROW_AS(ConnectionError, c->query("select 1"), e, (void)e);
    }

    void every_type_round_trips() {
        auto c = open();
        all_types::create_table(*c, "nall");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), c->execute(all_types::kInsertRows));
        const auto got = all_types::select_all(*c);
        CPPUNIT_ASSERT_EQUAL(std::int32_t(20), got.fields[12].length);
        CPPUNIT_ASSERT_EQUAL(std::uint8_t(2), got.block->column(16).decimal_scale());
        c->execute("drop database nall");
    }

    void many_blocks_and_req_id() {
        auto c = open();
        RequestOptions o;
        o.req_id = 0x1234567;
        sim_scenarios::many_blocks(*c, "nmany", o);
    }

    void server_errors_are_typed() {
        auto c = open();
        c->execute("create database if not exists nerr");
        CPPUNIT_ASSERT_EQUAL(0x2603, server_code([&] { c->query("select * from nerr.nope"); }));
        CPPUNIT_ASSERT_EQUAL(0x0388, server_code([&] { c->select_db("no_such_db"); }));
        CPPUNIT_ASSERT(server_code([&] { c->execute("this is not sql"); }) > 0);
        // "Table does not exist" as TDengine reports it for a select (the simulator follows it).
        // The connection stays usable after errors.
        CPPUNIT_ASSERT_EQUAL(std::int64_t(0), c->execute("drop database nerr"));
    }

    void stmt_insert_and_query(const std::string& api) {
        auto c = open("stmt=" + api);
        const std::string db = "nstmt" + api;
        c->execute("drop database if exists " + db);
        c->execute("create database " + db);
        c->select_db(db);
        c->execute("create stable st (ts timestamp, v int, n nchar(8), s varchar(8)) tags (loc nchar(8), gid int)");
        auto st = c->statement();
        st->prepare("insert into ? using st tags (?, ?) values (?, ?, ?, ?)");
        st->set_table_name("d1");
        st->set_tags({var(TypeCode::NChar, {"北京"}), fixed<std::int32_t>(TypeCode::Int, {7})});
        st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1700000000000, 1700000000001, 1700000000002}),
                  fixed<std::int32_t>(TypeCode::Int, {1, 2, 3}, {0, 1, 0}),
                  var(TypeCode::NChar, {"一", "", "三三"}, {0, 1, 0}),
                  var(TypeCode::VarChar, {"a", "bb", ""}, {0, 0, 1})});
        st->add_batch();
        st->set_table_name("d2");
        st->set_tags({var(TypeCode::NChar, {"上海"}), fixed<std::int32_t>(TypeCode::Int, {8})});
        st->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1700000000005}), fixed<std::int32_t>(TypeCode::Int, {9}),
                  var(TypeCode::NChar, {"九"}), var(TypeCode::VarChar, {"z"})});
        st->add_batch();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), st->execute());
        st->close();

        auto q = c->statement();
        q->prepare("select ts, v, n, s from st where v >= ? order by ts");
        q->bind({fixed<std::int32_t>(TypeCode::Int, {3})});
        q->add_batch();
        q->execute();
        auto r = q->result();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), r->fields().size());
        auto blocks = all_blocks(*r);
        std::size_t rows = 0;
        std::vector<std::string> names;
        for (const auto& b : blocks) {
            for (std::size_t i = 0; i < b->rows(); ++i) names.push_back(ucs4_to_utf8(b->column(2).bytes(i)));
            rows += b->rows();
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), rows);
        CPPUNIT_ASSERT_EQUAL(std::string("三三"), names[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("九"), names[1]);
        r.reset();
        q.reset();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(4), count_rows(*c, "select count(*) from st"));
        // A bad statement reports taosc's statement error.
        auto bad = c->statement();
        CPPUNIT_ASSERT_THROW((bad->prepare("insert into nope_table values (?, ?)"), bad->execute()), Error);
        c->execute("drop database " + db);
    }

    void stmt_v1_insert_and_query() { stmt_insert_and_query("v1"); }
    void stmt_v2_insert_and_query() { stmt_insert_and_query("v2"); }

    void stmt_fields_v1_and_v2() {
        for (const std::string api : {"v1", "v2"}) {
            auto c = open("stmt=" + api);
            const std::string db = "nfields" + api;
            c->execute("drop database if exists " + db);
            c->execute("create database " + db + " precision 'ns'");
            c->select_db(db);
            c->execute("create stable st (ts timestamp, v int, n nchar(8), d decimal(12,3)) tags (loc nchar(8), gid int)");
            c->execute("create table plain (ts timestamp, s varchar(5))");
            auto st = c->statement();
            st->prepare("insert into ? using st tags (?, 7) values (?, ?, ?, ?)");
            st->set_table_name("d9");
            const auto f = st->fields();
            CPPUNIT_ASSERT_EQUAL(std::size_t(5), f.size());
            CPPUNIT_ASSERT_EQUAL(std::string("loc"), f[0].name);
            CPPUNIT_ASSERT(f[0].kind == StmtFieldKind::Tag && f[0].type == TypeCode::NChar);
            CPPUNIT_ASSERT_EQUAL(std::int32_t(34), f[0].bytes);
            CPPUNIT_ASSERT(f[1].kind == StmtFieldKind::Column && f[1].type == TypeCode::Timestamp);
            CPPUNIT_ASSERT_EQUAL(std::uint8_t(2), f[1].precision);  // the database's 'ns'
            CPPUNIT_ASSERT(f[4].type == TypeCode::Decimal64);
            CPPUNIT_ASSERT_EQUAL(std::uint8_t(12), f[4].precision);
            CPPUNIT_ASSERT_EQUAL(std::uint8_t(3), f[4].scale);
            st->close();

            auto plain = c->statement();
            plain->prepare("insert into plain values (?, ?)");
            const auto pf = plain->fields();
            CPPUNIT_ASSERT_EQUAL(std::size_t(2), pf.size());
            CPPUNIT_ASSERT(pf[1].type == TypeCode::VarChar && pf[1].kind == StmtFieldKind::Column);
            plain->bind({fixed<std::int64_t>(TypeCode::Timestamp, {1700000000000000000}), var(TypeCode::VarChar, {"abc"})});
            plain->add_batch();
            CPPUNIT_ASSERT_EQUAL(std::int64_t(1), plain->execute());

            auto q = c->statement();
            q->prepare("select * from plain where ts > ?");
            CPPUNIT_ASSERT_THROW(q->fields(), Error);
            c->execute("drop database " + db);
        }
    }

    void schemaless_protocols() {
        auto c = open();
        sim_scenarios::schemaless_protocols(*c, "nsml");
    }

    void tmq_round_trip() {
        auto c = open();
        c->execute("drop topic if exists ntopic force");
        c->execute("drop database if exists ntmq");
        c->execute("create database ntmq");
        c->execute("create stable ntmq.st (ts timestamp, v int, n nchar(5)) tags (g int)");
        c->execute("create topic ntopic as select ts, v, n from ntmq.st");
        for (int v = 0; v < 12; ++v)
            c->execute("insert into ntmq.t" + std::to_string(v % 6) + " using ntmq.st tags (" + std::to_string(v % 6) +
                       ") values (" + std::to_string(1700000000000 + v) + ", " + std::to_string(v) + ", '甲')");

        auto consumer = open_consumer(parse_dsn(dsn()), {{"group.id", "ng1"}, {"auto.offset.reset", "earliest"}});
        consumer->subscribe({"ntopic"});
        CPPUNIT_ASSERT(consumer->list_topics() == std::vector<std::string>{"ntopic"});
        std::set<int> values;
        std::vector<Message> messages;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        while (values.size() < 12 && std::chrono::steady_clock::now() < deadline) {
            auto m = consumer->poll(std::chrono::milliseconds(500));
            if (!m) continue;
            CPPUNIT_ASSERT_EQUAL(std::string("ntopic"), m->topic);
            CPPUNIT_ASSERT_EQUAL(std::string("ntmq"), m->database);
            CPPUNIT_ASSERT_EQUAL(std::size_t(3), m->fields.size());
            CPPUNIT_ASSERT_EQUAL(m->blocks.size(), m->table_names.size());
            for (const auto& b : m->blocks) {
                for (std::size_t r = 0; r < b->rows(); ++r) {
                    values.insert(b->column(1).get<std::int32_t>(r));
                    CPPUNIT_ASSERT_EQUAL(std::string("甲"), ucs4_to_utf8(b->column(2).bytes(r)));
                }
            }
            consumer->commit(&*m);
            messages.push_back(std::move(*m));
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(12), values.size());
        const auto assignment = consumer->assignment();
        CPPUNIT_ASSERT(!assignment.empty());
        for (const auto& a : assignment) {
            CPPUNIT_ASSERT_EQUAL(std::string("ntopic"), a.topic);
            CPPUNIT_ASSERT_EQUAL(a.end, consumer->position("ntopic", a.vgroup_id));
            CPPUNIT_ASSERT_EQUAL(a.end, consumer->committed("ntopic", a.vgroup_id));
        }
        // Seek back to the beginning of one vgroup: its rows come again.
        const auto& first = assignment.front();
        consumer->seek("ntopic", first.vgroup_id, first.begin);
        CPPUNIT_ASSERT_EQUAL(first.begin, consumer->position("ntopic", first.vgroup_id));
        std::size_t again = 0;
        const auto deadline2 = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (again == 0 && std::chrono::steady_clock::now() < deadline2) {
            if (auto m = consumer->poll(std::chrono::milliseconds(500))) {
                CPPUNIT_ASSERT_EQUAL(first.vgroup_id, m->vgroup_id);
                for (const auto& b : m->blocks) again += b->rows();
            }
        }
        CPPUNIT_ASSERT(again > 0);
        consumer->commit_offset("ntopic", first.vgroup_id, first.end);
        CPPUNIT_ASSERT_EQUAL(first.end, consumer->committed("ntopic", first.vgroup_id));
        consumer->commit(nullptr);
        consumer->unsubscribe();
        consumer->close();
        consumer->close();
        // Configuration errors are typed and name the key.
        EXPECT_THROW_AS(UsageError, open_consumer(parse_dsn(dsn()), {{"group.id", "g"}, {"no.such.key", "1"}}), e,
                        CPPUNIT_ASSERT(contains(e.what(), "no.such.key")));
        c->execute("drop topic ntopic force");
        c->execute("drop database ntmq");
    }

    void shared_by_four_threads() {
        auto c = open();
        c->execute("drop database if exists nthreads");
        c->execute("create database nthreads");
        c->execute("create table nthreads.t (ts timestamp, v int)");
        std::string sql = "insert into nthreads.t values ";
        for (int i = 0; i < 100; ++i) sql += "(" + std::to_string(1700000000000LL + i) + "," + std::to_string(i) + ")";
        c->execute(sql);
        std::atomic<int> failures{0};
        std::vector<std::string> errors(4);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                try {
                    for (int i = 0; i < 25; ++i) {
                        auto r = c->query("select v from nthreads.t where v >= " + std::to_string(t * 25));
                        std::size_t rows = 0;
                        while (auto b = r->next_block()) rows += b->rows();
                        if (rows != static_cast<std::size_t>(100 - t * 25)) throw std::runtime_error("wrong row count");
                        if (server_code([&] { c->query("select * from nthreads.nope"); }) != 0x2603)
                            throw std::runtime_error("wrong error code");
                    }
                } catch (const std::exception& e) {
                    errors[t] = e.what();
                    ++failures;
                }
            });
        }
        for (auto& th : threads) th.join();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(errors[0] + errors[1] + errors[2] + errors[3], 0, failures.load());
        c->execute("drop database nthreads");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NativeSimTest);
