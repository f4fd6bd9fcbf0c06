// Entry point of the taos-native test executables.
#include "cppunit_main.hpp"

int main(int argc, char** argv) { return taoslink_test::run_registered_tests(argc, argv); }
