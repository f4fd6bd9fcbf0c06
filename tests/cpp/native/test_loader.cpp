// The libtaos loader on files that cannot serve: a path that does not exist, and the fake's
// broken build (no required symbols). Nothing is loaded successfully in this process, so every
// case exercises a first load.
#include <cppunit/extensions/HelperMacros.h>

#include "taoslink/error.hpp"
#include "taosc_library.hpp"
#include "test_util.hpp"

using namespace taoslink;
using namespace taoslink::native;
using test::contains;

class LoaderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LoaderTest);
    CPPUNIT_TEST(missing_file_lists_paths_and_suggests_websocket);
    CPPUNIT_TEST(search_order);
    CPPUNIT_TEST(broken_library_names_missing_symbols);
    CPPUNIT_TEST_SUITE_END();

public:
    void missing_file_lists_paths_and_suggests_websocket() {
        EXPECT_THROW_AS(PluginError, load_taosc("/nonexistent/dir/libtaos.so"), e, {
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "/nonexistent/dir/libtaos.so"));
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "No such file"));
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "ws://"));
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "http://"));
        });
    }

    void search_order() {
        unsetenv("TAOSLINK_LIBTAOS");
        const auto system = libtaos_candidates("");
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), system.size());
        CPPUNIT_ASSERT_EQUAL(std::string("libtaos.so"), system[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("/usr/local/taos/driver/libtaos.so"), system[1]);
        CPPUNIT_ASSERT_EQUAL(std::string("/usr/lib/libtaos.so"), system[2]);
        setenv("TAOSLINK_LIBTAOS", "/env/libtaos.so", 1);
        CPPUNIT_ASSERT_EQUAL(std::string("/env/libtaos.so"), libtaos_candidates("")[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("/dsn/libtaos.so"), libtaos_candidates("/dsn/libtaos.so")[0]);
        EXPECT_THROW_AS(PluginError, load_taosc(""), e, CPPUNIT_ASSERT(contains(e.what(), "/env/libtaos.so")));
        unsetenv("TAOSLINK_LIBTAOS");
    }

    void broken_library_names_missing_symbols() {
#ifdef FAKE_TAOSC_DIR
        const std::string path = FAKE_TAOSC_DIR "/broken/libtaos.so";
        EXPECT_THROW_AS(PluginError, load_taosc(path), e, {
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), path));
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "taos_connect"));
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "taos_fetch_raw_block"));
        });
#else
        CPPUNIT_FAIL("the fake libtaos (tests/fake_taosc) is not part of this build");
#endif
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoaderTest);
