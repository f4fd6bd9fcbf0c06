// Scenarios the end-to-end suites run alike over the simulator (taos-ws directly, taos-native
// through the fake taosc): a result of many blocks, and schemaless inserts in every protocol.
// Each takes an open connection and the database to use; what differs by transport (request
// options, the exact block count) is a parameter or left to the suite.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "taoslink/connection.hpp"
#include "taoslink/error.hpp"
#include "ws_test_util.hpp"

namespace sim_scenarios {

/// Inserts 5000 rows into `db`.t (v = 0..4999) in one statement and reads them back, both with
/// `o`: several blocks, every value in order, each block still valid after later fetches. Then a
/// result abandoned after its first block is closed, the connection goes on and `db` is dropped.
/// Returns the number of blocks.
inline std::size_t many_blocks(taoslink::Connection& c, const std::string& db, const taoslink::RequestOptions& o = {}) {
    c.execute("create database if not exists " + db);
    c.execute("create table if not exists " + db + ".t (ts timestamp, v int)");
    std::string sql = "insert into " + db + ".t values ";
    for (int i = 0; i < 5000; ++i) sql += "(" + std::to_string(1700000000000LL + i) + "," + std::to_string(i) + ")";
    CPPUNIT_ASSERT_EQUAL(std::int64_t(5000), c.execute(sql, o));
    auto r = c.query("select v from " + db + ".t", o);
    std::size_t rows = 0;
    std::vector<std::shared_ptr<const taoslink::Block>> held;
    while (auto b = r->next_block()) {
        held.push_back(b);  // blocks are copies: still valid after later fetches
        rows += b->rows();
    }
    CPPUNIT_ASSERT_EQUAL(std::size_t(5000), rows);
    CPPUNIT_ASSERT(held.size() >= 2);
    std::size_t seen = 0;
    for (const auto& b : held)
        for (std::size_t i = 0; i < b->rows(); ++i, ++seen)
            CPPUNIT_ASSERT_EQUAL(std::int32_t(seen), b->column(0).get<std::int32_t>(i));
    // An abandoned result: close() frees it server-side and the connection stays usable.
    auto abandoned = c.query("select v from " + db + ".t");
    CPPUNIT_ASSERT(abandoned->next_block() != nullptr);
    abandoned->close();
    CPPUNIT_ASSERT(abandoned->next_block() == nullptr);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(0), c.execute("drop database " + db));
    return held.size();
}

/// Schemaless inserts into `db` (created afresh, selected, dropped at the end): line protocol (two
/// rows, ms), telnet (s), JSON, and line again with a ttl and a req_id, each counted; a bad line is
/// a ServerError and a request naming another database a NotSupportedError.
inline void schemaless_protocols(taoslink::Connection& c, const std::string& db) {
    using namespace taoslink;
    using ws_test::count_rows;
    c.execute("drop database if exists " + db);
    c.execute("create database " + db);
    c.select_db(db);
    SchemalessRequest req;
    req.lines = "meters,loc=a v=1i 1700000000000\nmeters,loc=b v=2i 1700000000001";
    req.precision = SchemalessPrecision::Milli;
    CPPUNIT_ASSERT_EQUAL(std::int64_t(2), c.schemaless_insert(req));
    req.protocol = SchemalessProtocol::Telnet;
    req.lines = "cpu 1700000000 3.5 host=h1";
    req.precision = SchemalessPrecision::Seconds;
    c.schemaless_insert(req);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(2), count_rows(c, "select count(*) from meters"));
    req.protocol = SchemalessProtocol::Json;
    req.lines = R"([{"metric":"mem","timestamp":1700000000,"value":1.5,"tags":{"host":"h2"}}])";
    c.schemaless_insert(req);
    req.protocol = SchemalessProtocol::Line;
    req.precision = SchemalessPrecision::Milli;
    req.lines = "meters,loc=c v=3i 1700000000002";
    req.ttl = 10;
    req.options.req_id = 99;
    c.schemaless_insert(req);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(3), count_rows(c, "select count(*) from meters"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count_rows(c, "select count(*) from cpu"));
    CPPUNIT_ASSERT_EQUAL(std::int64_t(1), count_rows(c, "select count(*) from mem"));
    req.lines = "garbage";
    CPPUNIT_ASSERT_THROW(c.schemaless_insert(req), ServerError);
    req.database = "other";
    CPPUNIT_ASSERT_THROW(c.schemaless_insert(req), NotSupportedError);
    c.execute("drop database " + db);
}

}  // namespace sim_scenarios
