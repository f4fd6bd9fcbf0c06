// Entry point of the core tests.
#include <cstdlib>

#include "cppunit_main.hpp"

int main(int argc, char** argv) {
    // The loader tests use the fake plugins and scheme map; set the environment before anything
    // in libtaoslink reads it (the dispatcher reads it once, on first use).
    setenv("TAOSLINK_PLUGIN_PATH", FAKE_PLUGIN_DIR, 1);
    setenv("TAOSLINK_CONF", FAKE_CONF, 1);
    return taoslink_test::run_registered_tests(argc, argv);
}
