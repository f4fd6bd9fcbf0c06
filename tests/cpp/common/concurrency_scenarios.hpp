// Concurrency scenarios run alike over every transport against the simulator (tests/sim), written
// to be run under ThreadSanitizer too: threads sharing one Connection (the core's rule: any number
// of threads may share a Connection; a Result or Stmt is used by one thread at a time), and
// threads opening and closing their own connections at the same time (plugin loading, the
// dispatcher, per-connection threads). Every answer is checked; a hang fails through ctest's
// timeout.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "taoslink/connection.hpp"
#include "taoslink/error.hpp"
#include "ws_test_util.hpp"

namespace concurrency_scenarios {

constexpr int kThreads = 6;
constexpr int kRounds = 20;
constexpr int kBigRows = 9000;  // several blocks over ws, a long chunked body over REST

/// Runs work(i) on kThreads threads started together; the first failure (message) fails the test.
inline void run_threads(const std::function<void(int)>& work) {
    std::atomic<int> ready{0};
    std::vector<std::string> failures(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            ++ready;
            while (ready.load() < kThreads) std::this_thread::yield();  // maximum overlap
            try {
                work(i);
            } catch (const CppUnit::Exception& e) {
                failures[i] = std::string("assertion: ") + e.what();
            } catch (const std::exception& e) {
                failures[i] = std::string("exception: ") + e.what();
            }
        });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < kThreads; ++i)
        if (!failures[i].empty()) CPPUNIT_FAIL("thread " + std::to_string(i) + ": " + failures[i]);
}

/// Sum of column 0 (INT) over every block of `sql`, and the row count.
inline std::pair<std::int64_t, std::int64_t> sum_rows(taoslink::Connection& c, const std::string& sql) {
    auto r = c.query(sql);
    std::int64_t sum = 0, rows = 0;
    while (auto b = r->next_block()) {
        for (std::size_t i = 0; i < b->rows(); ++i) sum += b->column(0).get<std::int32_t>(i);
        rows += static_cast<std::int64_t>(b->rows());
    }
    return {sum, rows};
}

/// Creates `db` with a table per thread and one big shared table.
inline void prepare(taoslink::Connection& c, const std::string& db) {
    c.execute("drop database if exists " + db);
    c.execute("create database " + db);
    for (int i = 0; i < kThreads; ++i) c.execute("create table " + db + ".c" + std::to_string(i) + " (ts timestamp, v int)");
    c.execute("create table " + db + ".big (ts timestamp, v int)");
    std::string sql = "insert into " + db + ".big values ";
    for (int i = 0; i < kBigRows; ++i) sql += "(" + std::to_string(1700000000000LL + i) + "," + std::to_string(i) + ")";
    c.execute(sql);
}

/// kThreads threads share `c`: each inserts into its own table and checks its own count and sum
/// after every insert, while all read the big shared table (many blocks) at the same time.
inline void shared_connection(taoslink::Connection& c, const std::string& db) {
    prepare(c, db);
    const std::int64_t big_sum = std::int64_t(kBigRows) * (kBigRows - 1) / 2;
    run_threads([&](int i) {
        const std::string t = db + ".c" + std::to_string(i);
        std::int64_t sum = 0;
        for (int r = 0; r < kRounds; ++r) {
            const int v = i * 1000 + r;
            sum += v;
            CPPUNIT_ASSERT_EQUAL(std::int64_t(1), c.execute("insert into " + t + " values (" +
                                                            std::to_string(1700000000000LL + r) + "," + std::to_string(v) + ")"));
            CPPUNIT_ASSERT_EQUAL(std::int64_t(r + 1), ws_test::count_rows(c, "select count(*) from " + t));
            CPPUNIT_ASSERT_EQUAL(sum, sum_rows(c, "select v from " + t).first);
            if (r % 5 == 0) {
                const auto big = sum_rows(c, "select v from " + db + ".big");
                CPPUNIT_ASSERT_EQUAL(std::int64_t(kBigRows), big.second);
                CPPUNIT_ASSERT_EQUAL(big_sum, big.first);
            }
        }
    });
    c.execute("drop database " + db);
}

/// kThreads threads each open, use and close their own connections, several times.
inline void own_connections(const std::function<std::unique_ptr<taoslink::Connection>()>& open, const std::string& db) {
    {
        auto c = open();
        prepare(*c, db);
    }
    run_threads([&](int i) {
        for (int r = 0; r < kRounds / 4; ++r) {
            auto c = open();
            CPPUNIT_ASSERT_EQUAL(std::int64_t(kBigRows), ws_test::count_rows(*c, "select count(*) from " + db + ".big"));
            auto partial = c->query("select v from " + db + ".big");  // abandoned mid-way, then closed
            CPPUNIT_ASSERT(partial->next_block() != nullptr);
            if (r % 2 == 0) partial->close();
            c->execute("insert into " + db + ".c" + std::to_string(i) + " values (" + std::to_string(1700000000000LL + r) + ", 1)");
        }
    });
    auto c = open();
    for (int i = 0; i < kThreads; ++i)
        CPPUNIT_ASSERT_EQUAL(std::int64_t(kRounds / 4), ws_test::count_rows(*c, "select count(*) from " + db + ".c" + std::to_string(i)));
    c->execute("drop database " + db);
}

}  // namespace concurrency_scenarios
