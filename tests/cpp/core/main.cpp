// CppUnit runner for the core tests. Prints a final "N passed, N failed" line; exits non-zero on
// any failure.
#include <cstdlib>
#include <iostream>

#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <cppunit/ui/text/TestRunner.h>

int main(int argc, char** argv) {
    // The loader tests use the fake plugins and scheme map; set the environment before anything
    // in libtaoslink reads it (the dispatcher reads it once, on first use).
    setenv("TAOSLINK_PLUGIN_PATH", FAKE_PLUGIN_DIR, 1);
    setenv("TAOSLINK_CONF", FAKE_CONF, 1);

    CppUnit::TextUi::TestRunner runner;
    runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
    const std::string only = argc > 1 ? argv[1] : "";  // optional test path, e.g. "DsnTest"
    runner.run(only, false, true, false);
    const auto& result = runner.result();
    const int failed = result.testFailuresTotal();
    const int passed = result.runTests() - failed;
    std::cout << passed << " passed, " << failed << " failed" << std::endl;
    return failed == 0 && result.runTests() > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
