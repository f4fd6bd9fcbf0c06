// DSN parsing, printing, redaction and taospy keyword options: table tests.
#include <cppunit/extensions/HelperMacros.h>

#include "taoslink/dsn.hpp"
#include "taoslink/error.hpp"
#include "test_util.hpp"

using namespace taoslink;

namespace {

// An unambiguous rendering of every field: scheme|user|password|[host]:port,...|database|k=v&...
// ("-" for an absent user or password).
std::string render(const Dsn& d) {
    std::string out = d.scheme + "|" + d.user.value_or("-") + "|" + d.password.value_or("-") + "|";
    for (std::size_t i = 0; i < d.endpoints.size(); ++i)
        out += (i ? "," : "") + ("[" + d.endpoints[i].host + "]:" + std::to_string(d.endpoints[i].port));
    out += "|" + d.database + "|";
    bool first = true;
    for (const auto& [k, v] : d.params) {
        out += (first ? "" : "&") + k + "=" + v;
        first = false;
    }
    return out;
}

struct Valid {
    const char* input;
    const char* expected;
};

const Valid kValid[] = {
    {"taos://", "taos|-|-|[]:0||"},
    {"TAOS://localhost:6030", "taos|-|-|[localhost]:6030||"},
    {"http://root:taosdata@localhost:6041/db", "http|root|taosdata|[localhost]:6041|db|"},
    {"ws://u:p%40ss@h:1/d?timezone=Asia%2FShanghai", "ws|u|p@ss|[h]:1|d|timezone=Asia/Shanghai"},
    {"ws://u:p@ss@h", "ws|u|p@ss|[h]:0||"},  // the userinfo ends at the last '@'
    {"taos://[::1]:6030", "taos|-|-|[::1]:6030||"},
    {"taos://[fe80::1]", "taos|-|-|[fe80::1]:0||"},
    {"taos://[::ffff:127.0.0.1]:1", "taos|-|-|[::ffff:127.0.0.1]:1||"},
    {"taosws://h1:6041,h2:6042,[::1]:6043/db", "taosws|-|-|[h1]:6041,[h2]:6042,[::1]:6043|db|"},
    {"taosws://h1,h2", "taosws|-|-|[h1]:0,[h2]:0||"},
    {"http://h?token=abc", "http|-|-|[h]:0||token=abc"},
    {"http://h/db/", "http|-|-|[h]:0|db|"},
    {"http://h/", "http|-|-|[h]:0||"},
    {"http://h?a=1&b=&c", "http|-|-|[h]:0||a=1&b=&c="},
    {"http://h?x=a+b", "http|-|-|[h]:0||x=a+b"},  // '+' is not a space
    {"http://h?x=a%2Bb%20c", "http|-|-|[h]:0||x=a+b c"},
    {"taos+ws://h", "taos+ws|-|-|[h]:0||"},
    {"taos://:6030", "taos|-|-|[]:6030||"},
    {"http://user@h", "http|user|-|[h]:0||"},
    {"http://user:@h", "http|user||[h]:0||"},
    {"http://:pw@h", "http||pw|[h]:0||"},
    {"http://h:65535", "http|-|-|[h]:65535||"},
    {"http://h:1", "http|-|-|[h]:1||"},
    {"http://h/my%20db", "http|-|-|[h]:0|my db|"},
    {"http://h?k=v=w", "http|-|-|[h]:0||k=v=w"},
    {"http://h?&&a=1&", "http|-|-|[h]:0||a=1"},
    {"http://us%3Aer:pa%3Ass@h", "http|us:er|pa:ss|[h]:0||"},
    {"http://u:a:b@h", "http|u|a:b|[h]:0||"},
    {"wss://host.example.com:443/power?read_timeout=30&conn_retries=3",
     "wss|-|-|[host.example.com]:443|power|conn_retries=3&read_timeout=30"},
    {"http://h?%6Bey=v", "http|-|-|[h]:0||key=v"},
    {"http://my_host-1.local", "http|-|-|[my_host-1.local]:0||"},
    {"taos://root:taosdata@/db", "taos|root|taosdata|[]:0|db|"},
};

struct Invalid {
    const char* input;
    const char* error;      // must appear in the message
    const char* forbidden;  // must not appear (a password or secret), or nullptr
};

const Invalid kInvalid[] = {
    {"localhost:6030", "missing \"scheme://\"", nullptr},
    {"://h", "empty scheme", nullptr},
    {"1taos://h", "invalid scheme", nullptr},
    {"ta_os://h", "invalid scheme \"ta_os\"", nullptr},
    {"http://h:99999", "invalid port \"99999\" in DSN", nullptr},
    {"http://h:0", "invalid port \"0\"", nullptr},
    {"http://h:", "invalid port", nullptr},
    {"http://h:-1", "invalid port", nullptr},
    {"http://h:12a", "invalid port", nullptr},
    {"http://h:000000000001", "invalid port", nullptr},
    {"http://h1,,h2", "empty host", nullptr},
    {"http://,h", "empty host", nullptr},
    {"http://::1:6030", "IPv6 addresses in brackets", nullptr},
    {"http://[::1", "unterminated IPv6", nullptr},
    {"http://[zz::1]", "invalid IPv6", nullptr},
    {"http://[]:1", "invalid IPv6", nullptr},
    {"http://[::1]x", "unexpected text after IPv6", nullptr},
    {"http://ho st", "invalid host \"ho st\"", nullptr},
    {"http://h?a=1&a=2", "duplicate parameter \"a\"", nullptr},
    {"http://h?=1", "empty parameter name", nullptr},
    {"http://h?a=%zz", "invalid percent-escape \"%zz\"", nullptr},
    {"http://h/d%4", "invalid percent-escape", nullptr},
    {"http://u:se%zzcret@h", "password", "cret"},
    {"http://h/db/x", "invalid database", nullptr},
    {"http://u:sec/ret@h/db", "unexpected '@'", "sec"},
    {"http://h?token=%zzsecret", "parameter \"token\"", "secret"},
    {"http://u:hunter2@h:bad", "invalid port", "hunter2"},
    {"http://u:hunter2@h:99999999999999", "invalid port", "hunter2"},
};

}  // namespace

class DsnTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DsnTest);
    CPPUNIT_TEST(testValidTable);
    CPPUNIT_TEST(testInvalidTable);
    CPPUNIT_TEST(testRoundTrip);
    CPPUNIT_TEST(testRedaction);
    CPPUNIT_TEST(testSpecialCharactersRoundTrip);
    CPPUNIT_TEST(testPercentCoding);
    CPPUNIT_TEST(testAccessors);
    CPPUNIT_TEST(testFromOptions);
    CPPUNIT_TEST(testFromOptionsErrors);
    CPPUNIT_TEST_SUITE_END();

public:
    void testValidTable() {
        CPPUNIT_ASSERT(std::size(kValid) + std::size(kInvalid) >= 30);
        for (const auto& c : kValid) {
            Dsn d;
            try {
                d = parse_dsn(c.input);
            } catch (const Error& e) {
                CPPUNIT_FAIL(std::string(c.input) + " threw " + e.what());
            }
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.input, std::string(c.expected), render(d));
            CPPUNIT_ASSERT_MESSAGE(c.input, !d.endpoints.empty());
        }
    }

    void testInvalidTable() {
        for (const auto& c : kInvalid) {
            try {
                parse_dsn(c.input);
                CPPUNIT_FAIL(std::string("no error for ") + c.input);
            } catch (const DsnError& e) {
                const std::string msg = e.what();
                CPPUNIT_ASSERT_MESSAGE(std::string(c.input) + " -> " + msg, test::contains(msg, c.error));
                if (c.forbidden)
                    CPPUNIT_ASSERT_MESSAGE(std::string(c.input) + " leaks a secret: " + msg,
                                           !test::contains(msg, c.forbidden));
                CPPUNIT_ASSERT_EQUAL(code::DsnError, e.code());
            }
        }
    }

    void testRoundTrip() {
        for (const auto& c : kValid) {
            const Dsn d = parse_dsn(c.input);
            const std::string printed = to_string(d, false);
            Dsn again;
            try {
                again = parse_dsn(printed);
            } catch (const Error& e) {
                CPPUNIT_FAIL(std::string(c.input) + " printed as " + printed + " which does not parse: " + e.what());
            }
            CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(c.input) + " -> " + printed, render(d), render(again));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("taos://[::1]:6030,h:1/db?timezone=Asia/Shanghai"),
                             to_string(parse_dsn("taos://[::1]:6030,h:1/db?timezone=Asia%2FShanghai")));
        CPPUNIT_ASSERT_EQUAL(std::string("taos://"), to_string(parse_dsn("taos://")));
        CPPUNIT_ASSERT_EQUAL(std::string("taos://:6030"), to_string(parse_dsn("taos://:6030")));
    }

    void testRedaction() {
        const Dsn d = parse_dsn("http://u:secret@h:6041/db?token=tok123&a=1&bearer_token=bt");
        const std::string redacted = to_string(d);
        CPPUNIT_ASSERT_EQUAL(std::string("http://u:***@h:6041/db?a=1&bearer_token=***&token=***"), redacted);
        CPPUNIT_ASSERT(!test::contains(redacted, "secret"));
        CPPUNIT_ASSERT(!test::contains(redacted, "tok123"));
        CPPUNIT_ASSERT_EQUAL(std::string("http://u:secret@h:6041/db?a=1&bearer_token=bt&token=tok123"),
                             to_string(d, false));
        // No password: nothing to redact, and no stray ':'.
        CPPUNIT_ASSERT_EQUAL(std::string("http://u@h"), to_string(parse_dsn("http://u@h")));
    }

    void testSpecialCharactersRoundTrip() {
        Dsn d;
        d.scheme = "ws";
        d.user = "us er:@";
        d.password = "p@:/?#%&= x+";
        d.endpoints = {{"::1", 6041}, {"h", 0}};
        d.database = "d b/?";
        d.params = {{"k&=", "v&=?#%+ /"}, {"timezone", "Asia/Shanghai"}};
        const std::string printed = to_string(d, false);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(printed, render(d), render(parse_dsn(printed)));
        CPPUNIT_ASSERT(!test::contains(to_string(d), "p@"));
    }

    void testPercentCoding() {
        CPPUNIT_ASSERT_EQUAL(std::string("a%20b%2Fc%40d~-._"), percent_encode("a b/c@d~-._"));
        CPPUNIT_ASSERT_EQUAL(std::string("%C3%A9"), percent_encode("\xC3\xA9"));
        CPPUNIT_ASSERT_EQUAL(std::string("Ab+"), percent_decode("%41%62+"));
        CPPUNIT_ASSERT_EQUAL(std::string("\xC3\xA9"), percent_decode("%c3%A9"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), percent_decode(""));
        for (const char* bad : {"%", "%4", "%g0", "a%0"}) {
            EXPECT_THROW_AS(DsnError, percent_decode(bad), e, CPPUNIT_ASSERT(test::contains(e.what(), "percent")));
        }
        const std::string all = [] {
            std::string s;
            for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
            return s;
        }();
        CPPUNIT_ASSERT(all == percent_decode(percent_encode(all)));
    }

    void testAccessors() {
        const Dsn d = parse_dsn("ws://h?a=1&t=TRUE&f=off&y=yes&n=0&bad=maybe&big=99999999999999999999&neg=-1&e=");
        CPPUNIT_ASSERT(d.param("a") == std::optional<std::string>("1"));
        CPPUNIT_ASSERT(!d.param("zzz"));
        CPPUNIT_ASSERT_EQUAL(std::string("1"), d.param_or("a", "x"));
        CPPUNIT_ASSERT_EQUAL(std::string("x"), d.param_or("zzz", "x"));
        CPPUNIT_ASSERT_EQUAL(true, d.flag("t", false));
        CPPUNIT_ASSERT_EQUAL(false, d.flag("f", true));
        CPPUNIT_ASSERT_EQUAL(true, d.flag("y", false));
        CPPUNIT_ASSERT_EQUAL(false, d.flag("n", true));
        CPPUNIT_ASSERT_EQUAL(true, d.flag("a", false));
        CPPUNIT_ASSERT_EQUAL(true, d.flag("absent", true));
        EXPECT_THROW_AS(DsnError, d.flag("bad", false), e, CPPUNIT_ASSERT(test::contains(e.what(), "\"bad\"")));
        EXPECT_THROW_AS(DsnError, d.flag("e", false), e, (void)e);
        CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, d.integer("a", 7));
        CPPUNIT_ASSERT_EQUAL(std::int64_t{7}, d.integer("absent", 7));
        EXPECT_THROW_AS(DsnError, d.integer("big", 0), e, (void)e);
        EXPECT_THROW_AS(DsnError, d.integer("neg", 0), e, (void)e);
        EXPECT_THROW_AS(DsnError, d.integer("bad", 0), e, CPPUNIT_ASSERT(test::contains(e.what(), "maybe")));
        EXPECT_THROW_AS(DsnError, d.integer("e", 0), e, (void)e);
        const Dsn s = parse_dsn("ws://h?token=sekrit");
        EXPECT_THROW_AS(DsnError, s.integer("token", 0), e, CPPUNIT_ASSERT(!test::contains(e.what(), "sekrit")));
    }

    void testFromOptions() {
        using Opts = std::vector<std::pair<std::string, std::string>>;
        struct {
            const char* scheme;
            Opts options;
            const char* expected;
        } table[] = {
            {"http", {}, "http|-|-|[]:0||"},
            {"http", {{"url", "http://localhost:6041"}}, "http|-|-|[localhost]:6041||"},
            {"http", {{"url", "localhost:6041/"}}, "http|-|-|[localhost]:6041||"},
            {"http", {{"url", "https://cloud.example.com"}, {"token", "abc"}}, "https|-|-|[cloud.example.com]:0||token=abc"},
            {"ws",
             {{"host", "h"}, {"port", "6041"}, {"user", "root"}, {"password", "taosdata"}, {"database", "db"},
              {"timeout", "30"}, {"timezone", "UTC"}, {"convert_timestamp", "false"}},
             "ws|root|taosdata|[h]:6041|db|convert_timestamp=false&timeout=30&timezone=UTC"},
            {"ws", {{"db", "x"}}, "ws|-|-|[]:0|x|"},
            {"ws", {{"dsn", "ws://a:1/db?x=1"}, {"port", "2"}, {"y", "z"}}, "ws|-|-|[a]:2|db|x=1&y=z"},
            {"ws", {{"dsn", "ws://a:1,b:3"}, {"port", "2"}}, "ws|-|-|[a]:2,[b]:2||"},
            {"ws", {{"dsn", "ws://u:p@a:1/db"}, {"host", "b"}, {"user", "v"}}, "ws|v|p|[b]:1|db|"},
            {"ws", {{"host", "::1"}}, "ws|-|-|[::1]:0||"},
            {"ws", {{"host", "[::1]"}, {"port", "6041"}}, "ws|-|-|[::1]:6041||"},
            {"WS", {{"username", "u"}, {"pass", "p"}}, "ws|u|p|[]:0||"},
            {"http", {{"url", "http://h:6041"}, {"database", ""}, {"user", "root"}}, "http|root|-|[h]:6041||"},
        };
        for (const auto& row : table) {
            Dsn d;
            try {
                d = dsn_from_options(row.scheme, row.options);
            } catch (const Error& e) {
                CPPUNIT_FAIL(std::string(row.expected) + ": threw " + e.what());
            }
            CPPUNIT_ASSERT_EQUAL(std::string(row.expected), render(d));
        }
    }

    void testFromOptionsErrors() {
        using Opts = std::vector<std::pair<std::string, std::string>>;
        struct {
            const char* scheme;
            Opts options;
            const char* error;
        } table[] = {
            {"ws", {{"dsn", "ws://a"}, {"url", "http://b"}}, "not both"},
            {"ws", {{"port", "0"}}, "invalid port"},
            {"ws", {{"port", "x"}}, "invalid port"},
            {"ws", {{"host", "bad host"}}, "invalid host"},
            {"ws", {{"host", "[zz::]"}}, "invalid IPv6"},
            {"1bad", {}, "invalid scheme"},
            {"", {}, "empty scheme"},
            {"ws", {{"url", "ws://h:99999"}}, "invalid port \"99999\""},
            {"ws", {{"", "v"}}, "empty option name"},
        };
        for (const auto& row : table) {
            EXPECT_THROW_AS(DsnError, dsn_from_options(row.scheme, row.options), e,
                            CPPUNIT_ASSERT_MESSAGE(std::string(row.error) + " vs " + e.what(),
                                                   test::contains(e.what(), row.error)));
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DsnTest);
