// CppUnit runner for the taos-rest tests. Prints a final "N passed, N failed" line; exits non-zero
// on any failure. An optional argument runs one suite or test ("DecoderTest").
#include <cstdlib>
#include <iostream>

#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <cppunit/ui/text/TestRunner.h>

int main(int argc, char** argv) {
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
