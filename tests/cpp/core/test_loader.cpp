// Plugin loading and dispatch, with the fake plugins built from fake_plugin.cpp.
//
// The dispatcher is process-global, so the order of these tests matters and is fixed by the suite
// (CppUnit runs a suite's tests in declaration order). No other suite touches the dispatcher.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "plugin_loader.hpp"
#include "scheme_map.hpp"
#include "taoslink/dispatcher.hpp"
#include "taoslink/error.hpp"
#include "taoslink/plugin.hpp"
#include "test_util.hpp"

using namespace taoslink;

namespace {

// An in-process transport for register_transport: counts connects, serves "select 1".
class MemConnection : public Connection {
public:
    explicit MemConnection(Dsn dsn) : dsn_(std::move(dsn)) {}
    std::unique_ptr<Result> query(std::string_view sql, const RequestOptions&) override {
        throw ServerError(0x2600, "mem has no SQL engine: " + std::string(sql));
    }
    void select_db(std::string_view db) override { dsn_.database = db; }
    std::string database() const override { return dsn_.database; }
    std::string server_version() override { return "mem"; }
    std::string describe() const override { return to_string(dsn_); }
    void close() noexcept override {}

private:
    Dsn dsn_;
};

class MemTransport : public Transport {
public:
    int connects = 0;
    std::unique_ptr<Connection> connect(const Dsn& dsn) override {
        ++connects;
        return std::make_unique<MemConnection>(dsn);
    }
};

std::int32_t select_one(Connection& conn) {
    auto result = conn.query("select 1");
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, result->fields().size());
    CPPUNIT_ASSERT(result->fields()[0].type == TypeCode::Int);
    auto block = result->next_block();
    CPPUNIT_ASSERT(block != nullptr);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, block->rows());
    CPPUNIT_ASSERT(result->next_block() == nullptr);
    return block->column(0).get<std::int32_t>(0);
}

std::string plugin_error(const std::string& path) {
    try {
        load_plugin_file(path);
    } catch (const PluginError& e) {
        CPPUNIT_ASSERT_EQUAL(code::PluginError, e.code());
        return e.what();
    }
    CPPUNIT_FAIL("no PluginError loading " + path);
    return {};
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
    return out;
}

}  // namespace

class LoaderTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LoaderTest);
    CPPUNIT_TEST(testNothingLoadedAtStart);
    CPPUNIT_TEST(testInProcessTransport);
    CPPUNIT_TEST(testConnectLoadsOnlyWhatIsUsed);
    CPPUNIT_TEST(testUnknownScheme);
    CPPUNIT_TEST(testBadPluginFiles);
    CPPUNIT_TEST(testBadPluginsBySchemeMap);
    CPPUNIT_TEST(testSchemeNotServed);
    CPPUNIT_TEST(testLoadByPathIsIdempotent);
    CPPUNIT_TEST(testNameMismatch);
    CPPUNIT_TEST(testFindWithExplicitDirs);
    CPPUNIT_TEST(testNotFoundListsPaths);
    CPPUNIT_TEST(testSearchPathOrder);
    CPPUNIT_TEST(testSchemeMapInForce);
    CPPUNIT_TEST(testVersion);
    CPPUNIT_TEST_SUITE_END();

public:
    void testNothingLoadedAtStart() { CPPUNIT_ASSERT_EQUAL(std::string(""), joined(loaded_plugins())); }

    void testInProcessTransport() {
        auto mem = std::make_shared<MemTransport>();
        register_transport({"mem", "MEM2"}, mem);
        auto conn = connect("mem://u:secret@somewhere:1/db");
        CPPUNIT_ASSERT_EQUAL(1, mem->connects);
        CPPUNIT_ASSERT_EQUAL(std::string("db"), conn->database());
        CPPUNIT_ASSERT_EQUAL(std::string("mem://u:***@somewhere:1/db"), conn->describe());
        connect("mem2://");  // schemes are case-insensitive
        CPPUNIT_ASSERT_EQUAL(2, mem->connects);
        CPPUNIT_ASSERT(transport_for("MEM") == mem);
        EXPECT_THROW_AS(ServerError, conn->execute("select 1"), e, CPPUNIT_ASSERT_EQUAL(0x2600, e.code()));
        EXPECT_THROW_AS(NotSupportedError, conn->statement(), e, (void)e);
        EXPECT_THROW_AS(NotSupportedError, conn->schemaless_insert({}), e, (void)e);
        EXPECT_THROW_AS(NotSupportedError, open_consumer(parse_dsn("mem://"), {}), e, (void)e);
        // In-process registration takes precedence over the scheme map.
        register_transport({"taos"}, mem);
        connect("taos://localhost");
        CPPUNIT_ASSERT_EQUAL(3, mem->connects);
        unregister_transport({"mem", "mem2", "taos"});
        EXPECT_THROW_AS(DsnError, connect("mem://"), e, CPPUNIT_ASSERT(test::contains(e.what(), "unknown scheme")));
        CPPUNIT_ASSERT_THROW(register_transport({"x"}, nullptr), UsageError);
        // Nothing was loaded from a file for any of that.
        CPPUNIT_ASSERT_EQUAL(std::string(""), joined(loaded_plugins()));
    }

    void testConnectLoadsOnlyWhatIsUsed() {
        auto conn = connect("fake://root:taosdata@localhost:6041/db");
        CPPUNIT_ASSERT_EQUAL(std::int32_t{1}, select_one(*conn));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, conn->execute("insert into t values (now, 1)"));
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0-fake"), conn->server_version());
        // A server error from inside the plugin is caught by type here: the exception types live
        // in the core library.
        EXPECT_THROW_AS(ServerError, conn->query("selec 1"), e, CPPUNIT_ASSERT_EQUAL(0x2600, e.code()));
        CPPUNIT_ASSERT_EQUAL(std::string("fake-good"), joined(loaded_plugins()));
        // Second use: loaded once.
        connect("fake://");
        CPPUNIT_ASSERT_EQUAL(std::string("fake-good"), joined(loaded_plugins()));
    }

    void testUnknownScheme() {
        EXPECT_THROW_AS(DsnError, connect("nosuch://h"), e, {
            const std::string msg = e.what();
            CPPUNIT_ASSERT_MESSAGE(msg, test::contains(msg, "unknown scheme \"nosuch\"; known schemes: "));
            CPPUNIT_ASSERT_MESSAGE(msg, test::contains(msg, "fake, fakeabi"));
        });
        EXPECT_THROW_AS(DsnError, transport_for("nosuch"), e, (void)e);
    }

    void testBadPluginFiles() {
        // Each bad file and what its error must say.
        const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
            {FAKE_BADABI_PATH, {"plugin " FAKE_BADABI_PATH " has ABI version 4; this libtaoslink speaks 3"}},
            {FAKE_NOENTRY_PATH, {FAKE_NOENTRY_PATH, "does not export taoslink_plugin_entry"}},
            {FAKE_BADTAG_PATH, {FAKE_BADTAG_PATH, "\"taoslink-abi1/bogus-stdlib\"", "\"" TAOSLINK_BUILD_TAG "\""}},
            {FAKE_THROWS_PATH,
             {FAKE_THROWS_PATH, "failed to create its transport: fake transport refuses to start: boom"}},
            {FAKE_REFUSE_PATH, {FAKE_REFUSE_PATH, "returned 7"}},
            {FAKE_PLUGIN_DIR "/libtaoslink-nonexistent.so", {"does not exist"}},
            // A file that is not a shared library at all: dlopen's reason is passed on.
            {FAKE_CONF, {"could not be loaded", FAKE_CONF}},
        };
        for (const auto& [path, needles] : cases) {
            const std::string msg = plugin_error(path);
            for (const auto& needle : needles) CPPUNIT_ASSERT_MESSAGE(msg, test::contains(msg, needle));
        }

        // A failed load registers nothing and retrying fails the same way.
        CPPUNIT_ASSERT_EQUAL(std::string("fake-good"), joined(loaded_plugins()));
        CPPUNIT_ASSERT(test::contains(plugin_error(FAKE_BADABI_PATH), "ABI version 4"));
    }

    void testBadPluginsBySchemeMap() {
        EXPECT_THROW_AS(PluginError, connect("fakethrow://"), e, CPPUNIT_ASSERT(test::contains(e.what(), "boom")));
        EXPECT_THROW_AS(PluginError, connect("fakeabi://"), e,
                        CPPUNIT_ASSERT(test::contains(e.what(), "has ABI version 4")));
        EXPECT_THROW_AS(PluginError, connect("fakemissing://"), e, {
            const std::string msg = e.what();
            CPPUNIT_ASSERT_MESSAGE(msg, test::contains(msg, "\"fake-missing\" not found; tried:"));
            for (const auto& dir : plugin_search_path())
                CPPUNIT_ASSERT_MESSAGE(msg, test::contains(msg, dir + "/libtaoslink-fake-missing.so"));
        });
        CPPUNIT_ASSERT_EQUAL(std::string("fake-good"), joined(loaded_plugins()));
    }

    void testSchemeNotServed() {
        EXPECT_THROW_AS(PluginError, connect("fakewrong://"), e, {
            const std::string msg = e.what();
            CPPUNIT_ASSERT_MESSAGE(msg, test::contains(msg, "sends \"fakewrong\" to plugin \"fake-good\""));
            CPPUNIT_ASSERT_MESSAGE(msg, test::contains(msg, FAKE_CONF));
        });
    }

    void testLoadByPathIsIdempotent() {
        CPPUNIT_ASSERT_EQUAL(std::string("fake-good"), load_plugin_file(FAKE_GOOD_PATH));
        CPPUNIT_ASSERT_EQUAL(std::string("fake-good"),
                             load_plugin_file(FAKE_PLUGIN_DIR "/./" + std::string("libtaoslink-fake-good.so")));
        CPPUNIT_ASSERT_EQUAL(std::string("fake-good"), joined(loaded_plugins()));
        auto conn = connect("fake://");
        CPPUNIT_ASSERT_EQUAL(std::int32_t{1}, select_one(*conn));
    }

    void testNameMismatch() {
        EXPECT_THROW_AS(PluginError, detail::load_plugin(FAKE_GOOD_PATH, "other-name"), e,
                        CPPUNIT_ASSERT(test::contains(e.what(), "calls itself \"fake-good\", expected \"other-name\"")));
        // Fresh load of a file whose name does not match what the scheme map asked for.
        EXPECT_THROW_AS(PluginError, detail::load_plugin(FAKE_BADTAG_PATH, "fake-x"), e, (void)e);
    }

    void testFindWithExplicitDirs() {
        CPPUNIT_ASSERT_EQUAL(std::string("libtaoslink-fake-good.so"), detail::plugin_file_name("fake-good"));
        const std::string found = detail::find_plugin_file("fake-good", {"/nonexistent-dir", FAKE_PLUGIN_DIR});
        CPPUNIT_ASSERT_EQUAL(std::string(FAKE_PLUGIN_DIR "/libtaoslink-fake-good.so"), found);
        // Listing finds the fixtures by file name alone, and loads none of them.
        const auto before = loaded_plugins();
        const auto names = detail::available_plugin_names({"/nonexistent-dir", FAKE_PLUGIN_DIR, FAKE_PLUGIN_DIR});
        CPPUNIT_ASSERT(std::find(names.begin(), names.end(), "fake-good") != names.end());
        CPPUNIT_ASSERT(std::find(names.begin(), names.end(), "fake-badabi") != names.end());
        CPPUNIT_ASSERT(std::is_sorted(names.begin(), names.end()));
        CPPUNIT_ASSERT(std::adjacent_find(names.begin(), names.end()) == names.end());
        CPPUNIT_ASSERT(before == loaded_plugins());
        // The plugin-name guard: a name is never a path.
        CPPUNIT_ASSERT(!detail::try_find_plugin_file("../core/fake-good", {FAKE_PLUGIN_DIR}));
    }

    void testNotFoundListsPaths() {
        EXPECT_THROW_AS(PluginError, detail::find_plugin_file("taos-native", {"/nonexistent-a", FAKE_PLUGIN_DIR}), e, {
            const std::string msg = e.what();
            CPPUNIT_ASSERT_MESSAGE(msg, test::contains(msg, "/nonexistent-a/libtaoslink-taos-native.so"));
            CPPUNIT_ASSERT_MESSAGE(msg, test::contains(msg, FAKE_PLUGIN_DIR "/libtaoslink-taos-native.so"));
            CPPUNIT_ASSERT_MESSAGE(msg, test::contains(msg, "http://"));
            CPPUNIT_ASSERT_MESSAGE(msg, test::contains(msg, "ws://"));
        });
        EXPECT_THROW_AS(PluginError, detail::find_plugin_file("x", {}), e,
                        CPPUNIT_ASSERT(test::contains(e.what(), "no directories")));
    }

    void testSearchPathOrder() {
        const auto path = plugin_search_path();
        const std::string core = detail::core_library_dir().string();
        CPPUNIT_ASSERT(!core.empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t{4}, path.size());
        CPPUNIT_ASSERT_EQUAL(std::string(FAKE_PLUGIN_DIR), path[0]);  // TAOSLINK_PLUGIN_PATH first
        CPPUNIT_ASSERT_EQUAL(core, path[1]);
        CPPUNIT_ASSERT_EQUAL(core + "/taoslink/plugins", path[2]);
        CPPUNIT_ASSERT(test::contains(path[3], "taoslink/plugins"));

        // Several ':'-separated entries, empty ones skipped, duplicates removed.
        const char* saved = std::getenv("TAOSLINK_PLUGIN_PATH");
        const std::string keep = saved ? saved : "";
        setenv("TAOSLINK_PLUGIN_PATH", ("/a::/b/:" + core).c_str(), 1);
        const auto multi = plugin_search_path();
        setenv("TAOSLINK_PLUGIN_PATH", keep.c_str(), 1);
        CPPUNIT_ASSERT_EQUAL(std::string("/a"), multi.at(0));
        CPPUNIT_ASSERT_EQUAL(std::string("/b"), multi.at(1));
        CPPUNIT_ASSERT_EQUAL(core, multi.at(2));
        CPPUNIT_ASSERT_EQUAL(core + "/taoslink/plugins", multi.at(3));
    }

    void testSchemeMapInForce() {
        const auto map = scheme_map();
        CPPUNIT_ASSERT_EQUAL(std::string("fake-good"), map.at("fake"));
        CPPUNIT_ASSERT_EQUAL(std::string("taos-native"), map.at("taos"));
        CPPUNIT_ASSERT(map.find("http") == map.end());  // TAOSLINK_CONF replaces the default map
    }

    void testVersion() {
        CPPUNIT_ASSERT_EQUAL(std::string(TAOSLINK_VERSION), std::string(version()));
        CPPUNIT_ASSERT(!version().empty());
    }
};

class SchemeMapTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SchemeMapTest);
    CPPUNIT_TEST(testParse);
    CPPUNIT_TEST(testMalformed);
    CPPUNIT_TEST(testFileChoice);
    CPPUNIT_TEST_SUITE_END();

public:
    void testParse() {
        const auto map = detail::parse_scheme_map("# comment\n\n  HTTP = taos-rest  # trailing\r\nws=taos-ws\n", "t");
        CPPUNIT_ASSERT_EQUAL(std::size_t{2}, map.size());
        CPPUNIT_ASSERT_EQUAL(std::string("taos-rest"), map.at("http"));
        CPPUNIT_ASSERT_EQUAL(std::string("taos-ws"), map.at("ws"));
        CPPUNIT_ASSERT(detail::parse_scheme_map("", "t").empty());
    }

    void testMalformed() {
        struct {
            const char* text;
            const char* error;
        } table[] = {
            {"http = taos-rest\nno equals here\n", "f.conf:2: malformed"},
            {"= taos-rest", "f.conf:1: invalid scheme"},
            {"http =", "f.conf:1: invalid plugin name"},
            {"http = ../evil", "f.conf:1: invalid plugin name"},
            {"http = a/b", "invalid plugin name"},
            {"ht tp = x", "invalid scheme"},
            {"a = x\n\n# c\na = y", "f.conf:4: scheme \"a\" is mapped twice"},
        };
        for (const auto& row : table) {
            EXPECT_THROW_AS(PluginError, detail::parse_scheme_map(row.text, "f.conf"), e,
                            CPPUNIT_ASSERT_MESSAGE(e.what(), test::contains(e.what(), row.error)));
        }
    }

    void testFileChoice() {
        const char* saved = std::getenv("TAOSLINK_CONF");
        const std::string keep = saved ? saved : "";
        std::string origin;

        // TAOSLINK_CONF wins.
        auto map = detail::load_scheme_map("/nonexistent", &origin);
        CPPUNIT_ASSERT_EQUAL(std::string(FAKE_CONF), origin);
        CPPUNIT_ASSERT_EQUAL(std::string("fake-good"), map.at("fake"));

        setenv("TAOSLINK_CONF", FAKE_BAD_CONF, 1);
        EXPECT_THROW_AS(PluginError, detail::load_scheme_map("/nonexistent"), e,
                        CPPUNIT_ASSERT(test::contains(e.what(), FAKE_BAD_CONF ":3: malformed")));
        setenv("TAOSLINK_CONF", "/nonexistent/taoslink.conf", 1);
        EXPECT_THROW_AS(PluginError, detail::load_scheme_map("/nonexistent"), e,
                        CPPUNIT_ASSERT(test::contains(e.what(), "/nonexistent/taoslink.conf")));

        // Without it: the conf beside the core library (present in the build tree)...
        unsetenv("TAOSLINK_CONF");
        map = detail::load_scheme_map(detail::core_library_dir(), &origin);
        CPPUNIT_ASSERT_MESSAGE(origin, test::contains(origin, "share/taoslink/taoslink.conf"));
        CPPUNIT_ASSERT_EQUAL(std::string("taos-rest"), map.at("http"));
        // ...else the built-in copy of conf/taoslink.conf.
        map = detail::load_scheme_map("/nonexistent", &origin);
        setenv("TAOSLINK_CONF", keep.c_str(), 1);
        CPPUNIT_ASSERT(test::contains(origin, "built-in"));
        CPPUNIT_ASSERT_EQUAL(std::string("taos-rest"), map.at("http"));
        CPPUNIT_ASSERT_EQUAL(std::string("taos-native"), map.at("taos"));
        CPPUNIT_ASSERT_EQUAL(std::string("taos-ws"), map.at("taos+wss"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoaderTest);
CPPUNIT_TEST_SUITE_REGISTRATION(SchemeMapTest);
