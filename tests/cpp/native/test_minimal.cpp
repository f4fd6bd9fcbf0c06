// The taos-native plugin over tests/fake_taosc's minimal libtaos.so, which lacks every optional
// function (an old taosc 3.0): queries work, statements fall back to v1, stmt=v2 and the TMQ
// offset calls raise NotSupportedError naming the missing function.
#include <cppunit/extensions/HelperMacros.h>

#include "connection.hpp"
#include "consumer.hpp"
#include "sim_process.hpp"
#include "stmt.hpp"
#include "taoslink/error.hpp"
#include "taosc_library.hpp"
#include "test_util.hpp"
#include "ws_test_util.hpp"

using namespace taoslink;
using namespace taoslink::native;
using test::contains;

namespace {

const std::string kLibtaos = FAKE_TAOSC_DIR "/minimal/libtaos.so";

std::string dsn(const std::string& params = "") {
    return ws_test::sim_url("taos") + "?libtaos=" + kLibtaos + (params.empty() ? "" : "&" + params);
}

}  // namespace

class MinimalTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MinimalTest);
    CPPUNIT_TEST(loads_without_optional_functions);
    CPPUNIT_TEST(statements_fall_back_to_v1);
    CPPUNIT_TEST(tmq_offset_calls_are_not_supported);
    CPPUNIT_TEST_SUITE_END();

public:
    void loads_without_optional_functions() {
        auto t = load_taosc(kLibtaos);
        CPPUNIT_ASSERT(!t->has_stmt2());
        CPPUNIT_ASSERT(t->taos_query_with_reqid == nullptr);
        CPPUNIT_ASSERT(t->tmq_commit_offset_sync == nullptr);
        auto c = connect_native(parse_dsn(dsn()));
        RequestOptions o;
        o.req_id = 5;  // without taos_query_with_reqid the id is dropped, the query still runs
        auto r = c->query("select server_version()", o);
        CPPUNIT_ASSERT(r->next_block() != nullptr);
        c->execute("create database if not exists nmin");
        c->select_db("nmin");
        CPPUNIT_ASSERT_EQUAL(std::string("nmin"), c->database());
        SchemalessRequest req;
        req.lines = "m,t=1 v=1i 1700000000000";
        req.precision = SchemalessPrecision::Milli;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), c->schemaless_insert(req));
        req.ttl = 1;
        EXPECT_THROW_AS(NotSupportedError, c->schemaless_insert(req), e,
                        CPPUNIT_ASSERT(contains(e.what(), "taos_schemaless_insert_raw_ttl_with_reqid")));
    }

    void statements_fall_back_to_v1() {
        auto c = connect_native(parse_dsn(dsn()));
        c->execute("create database if not exists nmin");
        c->select_db("nmin");
        c->execute("create table if not exists t (ts timestamp, v int)");
        auto st = c->statement();
        CPPUNIT_ASSERT(dynamic_cast<NativeStmt*>(st.get()) != nullptr);
        st->prepare("insert into t values (?, ?)");
        st->bind({ws_test::fixed<std::int64_t>(TypeCode::Timestamp, {1700000000000, 1700000000001}),
                  ws_test::fixed<std::int32_t>(TypeCode::Int, {1, 2})});
        st->add_batch();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(2), st->execute());
        EXPECT_THROW_AS(NotSupportedError, st->fields(), e, CPPUNIT_ASSERT(contains(e.what(), "taos_stmt_get_tag_fields")));
        auto v2 = connect_native(parse_dsn(dsn("stmt=v2")));
        EXPECT_THROW_AS(NotSupportedError, v2->statement(), e, CPPUNIT_ASSERT(contains(e.what(), "taos_stmt2")));
    }

    void tmq_offset_calls_are_not_supported() {
        auto c = connect_native(parse_dsn(dsn()));
        c->execute("create database if not exists nmin");
        c->execute("create table if not exists nmin.t (ts timestamp, v int)");
        c->execute("create topic if not exists nmintopic as select ts, v from nmin.t");
        auto consumer = open_native_consumer(parse_dsn(dsn()), {{"group.id", "gmin"}});
        consumer->subscribe({"nmintopic"});
        EXPECT_THROW_AS(NotSupportedError, consumer->commit_offset("nmintopic", 2, 0), e,
                        CPPUNIT_ASSERT(contains(e.what(), "tmq_commit_offset_sync")));
        EXPECT_THROW_AS(NotSupportedError, consumer->seek("nmintopic", 2, 0), e,
                        CPPUNIT_ASSERT(contains(e.what(), "tmq_offset_seek")));
        EXPECT_THROW_AS(NotSupportedError, consumer->assignment(), e,
                        CPPUNIT_ASSERT(contains(e.what(), "tmq_get_topic_assignment")));
        EXPECT_THROW_AS(NotSupportedError, consumer->committed("nmintopic", 2), e,
                        CPPUNIT_ASSERT(contains(e.what(), "tmq_committed")));
        EXPECT_THROW_AS(NotSupportedError, consumer->position("nmintopic", 2), e,
                        CPPUNIT_ASSERT(contains(e.what(), "tmq_position")));
        consumer->close();
        c->execute("drop topic nmintopic force");
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MinimalTest);
