// The CppUnit runner shared by the C++ test executables.
#pragma once

namespace taoslink_test {
/// Runs the registered CppUnit suites and returns the process exit code.
int run_registered_tests(int argc, char** argv);
}
