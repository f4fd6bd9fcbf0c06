// Entry point of the C++ test executables that need no set-up of their own (all but core's).
#include "cppunit_main.hpp"

int main(int argc, char** argv) { return taoslink_test::run_registered_tests(argc, argv); }
