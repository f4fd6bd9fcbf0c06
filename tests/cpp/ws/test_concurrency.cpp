// taos-ws under concurrency, against the simulator: threads sharing one connection (one socket,
// one reader thread, replies matched by req_id) and threads with their own connections. ctest
// name: taoslink_ws_concurrency_tests (meant for ThreadSanitizer runs too).
#include <cppunit/extensions/HelperMacros.h>

#include "concurrency_scenarios.hpp"
#include "sim_process.hpp"

namespace {

std::unique_ptr<taoslink::Connection> open() {
    return ws_test::connect_with_plugin(WS_PLUGIN_PATH, ws_test::sim_url("ws") + "?read_timeout=60");
}

}  // namespace

class WsConcurrencyTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WsConcurrencyTest);
    CPPUNIT_TEST(threads_share_one_connection);
    CPPUNIT_TEST(threads_with_own_connections);
    CPPUNIT_TEST_SUITE_END();

public:
    void threads_share_one_connection() {
        auto c = open();
        concurrency_scenarios::shared_connection(*c, "ws_conc_shared");
    }
    void threads_with_own_connections() { concurrency_scenarios::own_connections(open, "ws_conc_own"); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WsConcurrencyTest);
