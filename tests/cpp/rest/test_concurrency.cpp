// taos-rest under concurrency, against the simulator: threads sharing one connection (its pool of
// keep-alive HTTP sessions) and threads with their own connections. ctest name:
// taoslink_rest_concurrency_tests (meant for ThreadSanitizer runs too).
#include <cppunit/extensions/HelperMacros.h>

#include "concurrency_scenarios.hpp"
#include "sim_process.hpp"

namespace {

std::unique_ptr<taoslink::Connection> open() {
    return ws_test::connect_with_plugin(REST_PLUGIN_PATH, ws_test::sim_url("http") + "?read_timeout=60&pool_size=3");
}

}  // namespace

class RestConcurrencyTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(RestConcurrencyTest);
    CPPUNIT_TEST(threads_share_one_connection);
    CPPUNIT_TEST(threads_with_own_connections);
    CPPUNIT_TEST_SUITE_END();

public:
    void threads_share_one_connection() {
        auto c = open();  // pool_size 3 < threads: sessions are made, reused and dropped
        concurrency_scenarios::shared_connection(*c, "rest_conc_shared");
    }
    void threads_with_own_connections() { concurrency_scenarios::own_connections(open, "rest_conc_own"); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RestConcurrencyTest);
