// The CppUnit runner shared by every C++ test executable: runs the registered suites (or the one
// named by the first argument, e.g. "DsnTest"), prints a final "N passed, N failed" line and exits
// non-zero on any failure or when nothing ran.
#include "cppunit_main.hpp"

#include <cstdlib>
#include <iostream>
#include <string>

#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <cppunit/ui/text/TestRunner.h>

int taoslink_test::run_registered_tests(int argc, char** argv) {
    CppUnit::TextUi::TestRunner runner;
    runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
    const std::string only = argc > 1 ? argv[1] : "";
    runner.run(only, false, true, false);
    const auto& result = runner.result();
    const int failed = result.testFailuresTotal();
    const int passed = result.runTests() - failed;
    std::cout << passed << " passed, " << failed << " failed" << std::endl;
    return failed == 0 && result.runTests() > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
