// The taos-ws TMQ consumer end to end against the simulator's /rest/tmq: reading messages (both
// fetch_raw_data and fetch + fetch_block), commit / committed / position / seek / assignment,
// resuming from the committed offset after unsubscribe, close and a dropped link, and errors.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "connection.hpp"
#include "consumer.hpp"
#include "sim_process.hpp"
#include "taoslink/dispatcher.hpp"
#include "taoslink/error.hpp"
#include "test_util.hpp"
#include "tmq_payload.hpp"
#include "ws_test_util.hpp"

using namespace taoslink;
using taoslink::ws::WsConsumer;
using test::server_code;
using ws_test::ucs4_to_utf8;

namespace {

std::string base_dsn(const std::string& user = "root", const std::string& pass = "taosdata") {
    return ws_test::sim_url("ws", user, pass);
}

std::unique_ptr<Connection> sql() { return ws::connect_ws(parse_dsn(base_dsn())); }

std::unique_ptr<WsConsumer> consumer(const std::string& group, std::map<std::string, std::string> config = {},
                                     const std::string& dsn = base_dsn()) {
    config["group.id"] = group;
    if (!config.count("auto.offset.reset")) config["auto.offset.reset"] = "earliest";
    auto [options, settings] = ws::consumer_options(parse_dsn(dsn), config);
    return std::make_unique<WsConsumer>(std::move(options), std::move(settings));
}

/// One row of the test topics: (table, ts, v, s or "<null>", n or "<null>"), plus its vgroup.
using Row = std::tuple<std::string, std::int64_t, std::int32_t, std::string, std::string>;

struct Drained {
    std::vector<Row> rows;
    std::map<std::int32_t, std::size_t> rows_per_vgroup;
    std::vector<Message> messages;
};

/// A consumer of group `group` (reading from the earliest offset), subscribed to `topic`.
std::unique_ptr<WsConsumer> subscribed(const std::string& group, const std::string& topic) {
    auto k = consumer(group);
    k->subscribe({topic});
    return k;
}

/// Rows of one message of a `select ts, v, s, n from st` topic, with its shape checked.
void collect(const Message& m, Drained& out) {
    CPPUNIT_ASSERT_EQUAL(1, m.type);
    CPPUNIT_ASSERT(m.vgroup_id == 2 || m.vgroup_id == 3);
    CPPUNIT_ASSERT(m.precision == Precision::Milli);
    CPPUNIT_ASSERT_EQUAL(std::size_t(4), m.fields.size());
    CPPUNIT_ASSERT_EQUAL(std::string("ts"), m.fields[0].name);
    CPPUNIT_ASSERT_EQUAL(std::string("v"), m.fields[1].name);
    CPPUNIT_ASSERT(m.fields[2].type == TypeCode::VarChar);
    CPPUNIT_ASSERT_EQUAL(std::int32_t(10), m.fields[2].length);
    CPPUNIT_ASSERT(m.fields[3].type == TypeCode::NChar);
    CPPUNIT_ASSERT_EQUAL(std::int32_t(5), m.fields[3].length);
    CPPUNIT_ASSERT(!m.blocks.empty());
    CPPUNIT_ASSERT_EQUAL(m.blocks.size(), m.table_names.size());
    for (std::size_t i = 0; i < m.blocks.size(); ++i) {
        const Block& b = *m.blocks[i];
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), b.columns());
        for (std::size_t r = 0; r < b.rows(); ++r) {
            const auto& s = b.column(2);
            const auto& n = b.column(3);
            out.rows.emplace_back(m.table_names[i], b.column(0).get<std::int64_t>(r), b.column(1).get<std::int32_t>(r),
                                  s.is_null(r) ? "<null>" : std::string(s.bytes(r)),
                                  n.is_null(r) ? "<null>" : ucs4_to_utf8(n.bytes(r)));
            ++out.rows_per_vgroup[m.vgroup_id];
        }
    }
    out.messages.push_back(m);
}

/// Polls until `expect` rows arrived (at most 15 s), then checks that nothing more comes.
Drained drain(Consumer& c, std::size_t expect) {
    Drained d;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (d.rows.size() < expect && std::chrono::steady_clock::now() < deadline) {
        if (auto m = c.poll(std::chrono::milliseconds(500))) collect(*m, d);
    }
    CPPUNIT_ASSERT_EQUAL(expect, d.rows.size());
    if (auto m = c.poll(std::chrono::milliseconds(300))) {
        collect(*m, d);
        CPPUNIT_FAIL("a poll after the last expected row returned " + std::to_string(d.rows.size() - expect) + " more rows");
    }
    std::sort(d.rows.begin(), d.rows.end());
    return d;
}

/// A database `db` with super table st (ts, v INT, s VARCHAR(10), n NCHAR(5)) TAGS (g INT) and a
/// topic over it, `db`_topic, whose name it returns. Child tables are created by insert_rows.
std::string make_topic(Connection& c, const std::string& db) {
    const std::string topic = db + "_topic";
    c.execute("drop topic if exists " + topic + " force");
    c.execute("drop database if exists " + db);
    c.execute("create database " + db);
    c.execute("create stable " + db + ".st (ts timestamp, v int, s varchar(10), n nchar(5)) tags (g int)");
    c.execute("create topic " + topic + " as select ts, v, s, n from " + db + ".st");
    return topic;
}

/// Inserts rows v = first..first+count-1 spread over tables t0..t5 (both vgroups); returns them.
std::vector<Row> insert_rows(Connection& c, const std::string& db, int first, int count) {
    std::vector<Row> rows;
    for (int v = first; v < first + count; ++v) {
        const std::string table = "t" + std::to_string(v % 6);
        const std::int64_t ts = 1700000000000 + v;
        const std::string s = v % 5 == 0 ? "<null>" : "s" + std::to_string(v);
        const std::string n = v % 7 == 0 ? "<null>" : "甲" + std::to_string(v % 10);
        c.execute("insert into " + db + "." + table + " using " + db + ".st tags (" + std::to_string(v % 6) + ") values (" +
                  std::to_string(ts) + ", " + std::to_string(v) + ", " + (s == "<null>" ? "null" : "'" + s + "'") + ", " +
                  (n == "<null>" ? "null" : "'" + n + "'") + ")");
        rows.emplace_back(table, ts, v, s, n);
    }
    std::sort(rows.begin(), rows.end());
    return rows;
}

}  // namespace

class ConsumerSimTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConsumerSimTest);
    CPPUNIT_TEST(poll_reads_rows_with_fetch_raw_data);
    CPPUNIT_TEST(poll_reads_rows_with_fetch_block);
    CPPUNIT_TEST(through_the_plugin);
    CPPUNIT_TEST(commit_committed_position_seek_assignment);
    CPPUNIT_TEST(resubscribe_resumes_from_committed);
    CPPUNIT_TEST(reconnect_resubscribes_after_a_drop);
    CPPUNIT_TEST(poll_fails_clearly_when_the_link_breaks);
    CPPUNIT_TEST(error_paths);
    CPPUNIT_TEST_SUITE_END();

public:
    void read_all(bool raw_data, const std::string& db) {
        auto c = sql();
        const std::string topic = make_topic(*c, db);
        const auto expected = insert_rows(*c, db, 1, 20);
        auto k = consumer(db + "_group");
        k->use_fetch_raw_data(raw_data);
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0"), k->server_version());
        k->subscribe({topic});
        const Drained d = drain(*k, expected.size());
        CPPUNIT_ASSERT(d.rows == expected);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), d.rows_per_vgroup.size());  // tables t0..t5 span both vgroups
        for (const auto& m : d.messages) {
            CPPUNIT_ASSERT_EQUAL(topic, m.topic);
            CPPUNIT_ASSERT_EQUAL(db, m.database);
        }
        CPPUNIT_ASSERT(k->list_topics() == std::vector<std::string>{topic});
        k->close();
        k->close();  // idempotent
    }

    void poll_reads_rows_with_fetch_raw_data() { read_all(true, "tmq_raw"); }
    void poll_reads_rows_with_fetch_block() { read_all(false, "tmq_fetch"); }

    void through_the_plugin() {
        load_plugin_file(WS_PLUGIN_PATH);
        auto c = sql();
        const std::string topic = make_topic(*c, "tmq_plugin");
        const auto expected = insert_rows(*c, "tmq_plugin", 1, 5);
        CPPUNIT_ASSERT_THROW(open_consumer(parse_dsn(base_dsn()), {{"group.id", "g"}, {"no.such.key", "1"}}), UsageError);
        auto k = open_consumer(parse_dsn(base_dsn() + "?group.id=pg"), {{"auto.offset.reset", "earliest"}});
        k->subscribe({topic});
        const Drained d = drain(*k, expected.size());
        CPPUNIT_ASSERT(d.rows == expected);
        k->commit(&d.messages.back());
        k->close();
    }

    void commit_committed_position_seek_assignment() {
        auto c = sql();
        const std::string topic = make_topic(*c, "tmq_off");
        const auto expected = insert_rows(*c, "tmq_off", 1, 12);
        auto k = subscribed("off_group", topic);

        auto before = k->assignment();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), before.size());  // the only member gets both vgroups
        for (const auto& a : before) {
            CPPUNIT_ASSERT_EQUAL(topic, a.topic);
            CPPUNIT_ASSERT_EQUAL(std::int64_t(0), a.begin);
            CPPUNIT_ASSERT_EQUAL(a.begin, a.offset);  // earliest
            CPPUNIT_ASSERT(a.end > a.begin);
            CPPUNIT_ASSERT_EQUAL(ws::kNoCommittedOffset, k->committed(topic, a.vgroup_id));
            CPPUNIT_ASSERT_EQUAL(a.begin, k->position(topic, a.vgroup_id));
        }

        const Drained d = drain(*k, expected.size());
        CPPUNIT_ASSERT(d.rows == expected);
        for (const auto& a : k->assignment()) {
            CPPUNIT_ASSERT_EQUAL(a.end, a.offset);  // everything read
            CPPUNIT_ASSERT_EQUAL(a.end, k->position(topic, a.vgroup_id));
            CPPUNIT_ASSERT_EQUAL(ws::kNoCommittedOffset, k->committed(topic, a.vgroup_id));
        }
        k->commit(nullptr);
        for (const auto& a : k->assignment()) CPPUNIT_ASSERT_EQUAL(a.end, k->committed(topic, a.vgroup_id));

        // Seek one vgroup back to its start: exactly its rows come again.
        const TopicAssignment first = before.front();
        k->seek(topic, first.vgroup_id, first.begin);
        CPPUNIT_ASSERT_EQUAL(first.begin, k->position(topic, first.vgroup_id));
        const Drained again = drain(*k, d.rows_per_vgroup.at(first.vgroup_id));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), again.rows_per_vgroup.size());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), again.rows_per_vgroup.count(first.vgroup_id));
        for (const auto& m : again.messages) CPPUNIT_ASSERT_EQUAL(first.begin, m.offset);

        k->commit_offset(topic, first.vgroup_id, 1);
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), k->committed(topic, first.vgroup_id));
        k->close();
    }

    void resubscribe_resumes_from_committed() {
        auto c = sql();
        const std::string topic = make_topic(*c, "tmq_resume");
        const auto first = insert_rows(*c, "tmq_resume", 1, 8);
        auto k = subscribed("resume_group", topic);
        CPPUNIT_ASSERT(drain(*k, first.size()).rows == first);
        k->commit(nullptr);

        const auto second = insert_rows(*c, "tmq_resume", 9, 5);
        k->unsubscribe();
        CPPUNIT_ASSERT(k->list_topics().empty());
        k->unsubscribe();  // a no-op when not subscribed
        CPPUNIT_ASSERT_THROW(k->poll(std::chrono::milliseconds(10)), UsageError);
        k->subscribe({topic});
        CPPUNIT_ASSERT(drain(*k, second.size()).rows == second);  // no loss, no duplicate

        // Not committed: a new member of the group gets the same rows again (at-least-once).
        k->close();
        auto k2 = subscribed("resume_group", topic);
        CPPUNIT_ASSERT(drain(*k2, second.size()).rows == second);
        k2->commit(nullptr);
        k2->close();
        auto k3 = subscribed("resume_group", topic);
        drain(*k3, 0);
        // subscribe() again replaces the subscription (unsubscribe + subscribe) without error.
        k3->subscribe({topic});
        drain(*k3, 0);
    }

    void reconnect_resubscribes_after_a_drop() {
        auto c = sql();
        const std::string topic = make_topic(*c, "tmq_drop");
        const auto first = insert_rows(*c, "tmq_drop", 1, 6);
        auto k = subscribed("drop_group", topic);
        CPPUNIT_ASSERT(drain(*k, first.size()).rows == first);
        k->commit(nullptr);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), k->connects());

        const auto second = insert_rows(*c, "tmq_drop", 7, 4);
        k->break_link();
        CPPUNIT_ASSERT(drain(*k, second.size()).rows == second);  // reconnected, re-subscribed, resumed
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), k->connects());

        // Uncommitted rows come again after a drop; committed ones do not.
        k->break_link();
        CPPUNIT_ASSERT(drain(*k, second.size()).rows == second);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), k->connects());
        k->commit(nullptr);
        k->break_link();
        drain(*k, 0);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), k->connects());
        CPPUNIT_ASSERT(k->list_topics() == std::vector<std::string>{topic});
        // A dropped link is not an error for unsubscribe: the server already dropped the consumer.
        k->break_link();
        k->unsubscribe();
        k->close();
    }

    void poll_fails_clearly_when_the_link_breaks() {
        auto c = sql();
        const std::string topic = make_topic(*c, "tmq_mid");
        auto k = subscribed("mid_group", topic);
        std::thread breaker([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            k->break_link();
        });
        try {
            k->poll(std::chrono::milliseconds(5000));
            breaker.join();
            CPPUNIT_FAIL("poll survived a broken link");
        } catch (const ConnectionError& e) {
            breaker.join();
            CPPUNIT_ASSERT(std::string(e.what()).find("reconnects") != std::string::npos);
        }
        const auto rows = insert_rows(*c, "tmq_mid", 1, 3);
        CPPUNIT_ASSERT(drain(*k, rows.size()).rows == rows);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), k->connects());

        // close() from another thread ends a waiting poll.
        std::thread closer([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            k->close();
        });
        CPPUNIT_ASSERT_THROW(k->poll(std::chrono::milliseconds(-1)), ConnectionError);
        closer.join();
        CPPUNIT_ASSERT_THROW(k->poll(std::chrono::milliseconds(10)), ConnectionError);
        CPPUNIT_ASSERT_THROW(k->commit(nullptr), ConnectionError);
    }

    void error_paths() {
        auto c = sql();
        const std::string topic = make_topic(*c, "tmq_err");
        auto k = consumer("err_group");

        // Before subscribe the adapter has no consumer on the socket: `tmq not init`.
        try {
            k->commit(nullptr);
            CPPUNIT_FAIL("commit before subscribe succeeded");
        } catch (const ServerError& e) {
            CPPUNIT_ASSERT_EQUAL(0xFFFF, e.code());
            CPPUNIT_ASSERT_EQUAL(std::string("tmq not init"), e.message());
        }
        CPPUNIT_ASSERT_EQUAL(0xFFFF, server_code([&] { k->committed(topic, 2); }));
        CPPUNIT_ASSERT_EQUAL(0xFFFF, server_code([&] { k->seek(topic, 2, 0); }));
        CPPUNIT_ASSERT_THROW(k->poll(std::chrono::milliseconds(10)), UsageError);
        CPPUNIT_ASSERT(k->list_topics().empty());
        CPPUNIT_ASSERT(k->assignment().empty());

        CPPUNIT_ASSERT_EQUAL(0x03E1, server_code([&] { k->subscribe({"tmq_no_such_topic"}); }));
        CPPUNIT_ASSERT_THROW(k->subscribe({}), UsageError);
        k->subscribe({topic});
        CPPUNIT_ASSERT_EQUAL(0x4008, server_code([&] { k->seek(topic, 99, 0); }));
        CPPUNIT_ASSERT_EQUAL(0x4009, server_code([&] { k->committed("tmq_other_topic", 2); }));
        CPPUNIT_ASSERT_EQUAL(0x4007, server_code([&] { k->commit_offset(topic, 2, 1000000); }));
        k->close();

        // Wrong credentials surface at subscribe (3.3.x says 0xFFFF `init tscObj failed`).
        auto bad = consumer("err_group", {}, base_dsn("root", "wrong"));
        try {
            bad->subscribe({topic});
            CPPUNIT_FAIL("subscribe with a wrong password succeeded");
        } catch (const Error& e) {
            CPPUNIT_ASSERT(dynamic_cast<const ServerError*>(&e) || dynamic_cast<const AuthError*>(&e));
        }
        // Nothing listens: ConnectionError at construction.
        CPPUNIT_ASSERT_THROW(consumer("g", {{"connect_timeout", "2"}}, "ws://127.0.0.1:1"), ConnectionError);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConsumerSimTest);
