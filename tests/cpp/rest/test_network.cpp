// taos-rest over HTTP against an in-process server on 127.0.0.1.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "connection.hpp"
#include "taoslink/dispatcher.hpp"
#include "taoslink/dsn.hpp"
#include "taoslink/error.hpp"
#include "test_server.hpp"

using namespace taoslink;
using namespace rest_test;

namespace {

const std::string kPassword = "s3cr3t-pw";

std::string dsn_for(std::uint16_t port, const std::string& extra = "") {
    return "http://root:" + kPassword + "@127.0.0.1:" + std::to_string(port) + extra;
}

std::unique_ptr<Connection> open(const std::string& dsn) { return rest::connect_rest(parse_dsn(dsn)); }

// Answers like taosAdapter: version for `select server_version()`, rows for `select`, affected rows otherwise.
void adapter(const Request& req, Reply& reply) {
    if (req.body == "select server_version()") return reply.send_chunked(200, version_body());
    if (req.body.rfind("select", 0) == 0) {
        return reply.send_chunked(
            200, R"({"code":0,"column_meta":[["ts","TIMESTAMP",8],["v","INT",4]],"data":[["2023-11-15T06:13:20.001Z",1],["2023-11-15T06:13:20.002Z",null]],"rows":2})");
    }
    reply.send_chunked(200, affected_body(3));
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

void assert_no_secret(const std::string& text) {
    CPPUNIT_ASSERT_MESSAGE(text, !contains(text, kPassword));
    CPPUNIT_ASSERT_MESSAGE(text, !contains(text, "czNjcjN0LXB3"));  // base64 of the password
}

}  // namespace

class NetworkTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(NetworkTest);
    CPPUNIT_TEST(query_and_headers);
    CPPUNIT_TEST(keep_alive_reuse);
    CPPUNIT_TEST(retry_when_idle_connection_closed);
    CPPUNIT_TEST(connection_refused);
    CPPUNIT_TEST(second_endpoint);
    CPPUNIT_TEST(read_timeout);
    CPPUNIT_TEST(close_mid_body);
    CPPUNIT_TEST(server_error_code);
    CPPUNIT_TEST(wrong_password_at_connect);
    CPPUNIT_TEST(http_401);
    CPPUNIT_TEST(http_503_memory_guard);
    CPPUNIT_TEST(use_and_select_db);
    CPPUNIT_TEST(tokens);
    CPPUNIT_TEST(schemaless);
    CPPUNIT_TEST(threads_share_connection);
    CPPUNIT_TEST(closed_connection);
    CPPUNIT_TEST(through_the_plugin);
    CPPUNIT_TEST_SUITE_END();

public:
    void query_and_headers() {
        TestServer server(adapter);
        auto conn = open(dsn_for(server.port(), "?tz=Asia/Shanghai&app=my%20app"));
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0"), conn->server_version());
        RequestOptions opts;
        opts.req_id = 12345;
        auto r = conn->query("select * from t", opts);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), r->fields().size());
        auto b = r->next_block();
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), b->rows());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1700028800001), b->column(0).get<std::int64_t>(0));
        CPPUNIT_ASSERT(b->column(1).is_null(1));
        CPPUNIT_ASSERT_EQUAL(std::int64_t(3), conn->query("insert into t values(now,1)")->affected_rows());
        const auto seen = server.seen();
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), seen.size());
        const Request& q = seen[1];
        CPPUNIT_ASSERT_EQUAL(std::string("POST"), q.method);
        CPPUNIT_ASSERT_EQUAL(std::string("/rest/sql"), q.path());
        CPPUNIT_ASSERT_EQUAL(std::string("req_id=12345&tz=Asia%2FShanghai&app=my%20app"), q.query());
        CPPUNIT_ASSERT_EQUAL(std::string("Basic cm9vdDpzM2NyM3QtcHc="), q.header("authorization"));
        CPPUNIT_ASSERT_EQUAL(std::string("select * from t"), q.body);
        CPPUNIT_ASSERT(!contains(q.header("accept-encoding"), "gzip"));
        CPPUNIT_ASSERT(contains(conn->describe(), "***"));
        assert_no_secret(conn->describe());
        CPPUNIT_ASSERT_THROW(conn->statement(), NotSupportedError);
    }
    void keep_alive_reuse() {
        TestServer server(adapter);
        auto conn = open(dsn_for(server.port()));
        for (int i = 0; i < 10; ++i) {
            auto r = conn->query("select * from t");
            while (r->next_block()) {
            }
        }
        CPPUNIT_ASSERT_EQUAL(11, server.requests());
        CPPUNIT_ASSERT_EQUAL(1, server.accepted());
    }
    void retry_when_idle_connection_closed() {
        // Promises keep-alive, then closes every connection right after answering.
        TestServer server([](const Request& req, Reply& reply) {
            adapter(req, reply);
            reply.close();
        });
        auto conn = open(dsn_for(server.port()));
        for (int i = 0; i < 3; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            CPPUNIT_ASSERT_EQUAL(std::int64_t(3), conn->query("insert into t values(now,1)")->affected_rows());
        }
        CPPUNIT_ASSERT_EQUAL(4, server.requests());
        CPPUNIT_ASSERT_EQUAL(4, server.accepted());
    }
    void connection_refused() {
        const auto port = closed_port();
        try {
            open(dsn_for(port));
            CPPUNIT_FAIL("no exception");
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT_EQUAL(code::NetworkUnavailable, e.code());
            CPPUNIT_ASSERT_MESSAGE(e.what(), contains(e.what(), "Unable to establish connection to 127.0.0.1:" + std::to_string(port)));
            assert_no_secret(e.what());
        }
    }
    void second_endpoint() {
        TestServer server(adapter);
        auto conn = open("http://root:" + kPassword + "@127.0.0.1:" + std::to_string(closed_port()) + ",127.0.0.1:" +
                         std::to_string(server.port()));
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0"), conn->server_version());
        // all endpoints down: the error names each
        const auto p1 = closed_port(), p2 = closed_port();
        try {
            open("http://127.0.0.1:" + std::to_string(p1) + ",127.0.0.1:" + std::to_string(p2));
            CPPUNIT_FAIL("no exception");
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT_EQUAL(code::NetworkUnavailable, e.code());
            CPPUNIT_ASSERT(contains(e.what(), std::to_string(p1)) && contains(e.what(), std::to_string(p2)));
        }
    }
    void read_timeout() {
        TestServer server([](const Request& req, Reply& reply) {
            if (req.body == "select server_version()") return reply.send(200, version_body());
            std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // never answers in time
            reply.close();
        });
        auto conn = open(dsn_for(server.port(), "?read_timeout=0.3"));
        const auto t0 = std::chrono::steady_clock::now();
        try {
            conn->query("select * from t");
            CPPUNIT_FAIL("no exception");
        } catch (const TimeoutError& e) {
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            CPPUNIT_ASSERT_EQUAL(code::RpcTimeout, e.code());
            CPPUNIT_ASSERT_MESSAGE(std::to_string(s), s >= 0.25 && s < 1.2);
            CPPUNIT_ASSERT(contains(e.what(), "127.0.0.1:" + std::to_string(server.port())));
            assert_no_secret(e.what());
        }
    }
    void close_mid_body() {
        TestServer server([](const Request& req, Reply& reply) {
            if (req.body == "select server_version()") return reply.send(200, version_body());
            if (req.body == "chunked") {
                reply.raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "10\r\n{\"code\":0,\"colum\r\n20\r\nn_meta\":[[\"v\",");
            } else {
                reply.raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"code\":0,");
            }
            reply.close();
        });
        auto conn = open(dsn_for(server.port()));
        for (const char* sql : {"chunked", "length"}) {
            try {
                conn->query(sql);
                CPPUNIT_FAIL("no exception");
            } catch (const ConnectionError& e) {
                CPPUNIT_ASSERT_EQUAL_MESSAGE(e.what(), code::BrokenLink, e.code());
            }
        }
    }
    void server_error_code() {
        TestServer server([](const Request& req, Reply& reply) {
            if (req.body == "select server_version()") return reply.send_chunked(200, version_body());
            reply.send(200, error_body(9728, "syntax error near \\\"selec\\\""));
        });
        auto conn = open(dsn_for(server.port()));
        try {
            conn->query("selec 1");
            CPPUNIT_FAIL("no exception");
        } catch (const ServerError& e) {
            CPPUNIT_ASSERT_EQUAL(0x2600, e.code());
            CPPUNIT_ASSERT_EQUAL(std::string("syntax error near \"selec\""), e.message());
        }
        // the connection stays usable
        CPPUNIT_ASSERT_THROW(conn->query("selec 2"), ServerError);
        CPPUNIT_ASSERT_EQUAL(1, server.accepted());
    }
    void wrong_password_at_connect() {
        TestServer server([](const Request&, Reply& reply) { reply.send(200, error_body(0x0357, "Authentication failure")); });
        try {
            open(dsn_for(server.port()));
            CPPUNIT_FAIL("no exception");
        } catch (const AuthError& e) {
            CPPUNIT_ASSERT_EQUAL(0x0357, e.code());
            assert_no_secret(e.what());
        }
    }
    void http_401() {
        TestServer server([](const Request&, Reply& reply) { reply.send(401, error_body(0x1124, "invalid basic Authorization")); });
        try {
            open(dsn_for(server.port()));
            CPPUNIT_FAIL("no exception");
        } catch (const AuthError& e) {
            CPPUNIT_ASSERT_EQUAL(0x1124, e.code());
            CPPUNIT_ASSERT_EQUAL(401, e.http_status());
            assert_no_secret(e.what());
        }
        TestServer bare([](const Request&, Reply& reply) { reply.send(401, "denied", "text/plain"); });
        try {
            open(dsn_for(bare.port()));
            CPPUNIT_FAIL("no exception");
        } catch (const AuthError& e) {
            CPPUNIT_ASSERT(contains(e.what(), "401"));
            CPPUNIT_ASSERT_EQUAL(401, e.http_status());
            assert_no_secret(e.what());
        }
    }
    void http_503_memory_guard() {
        TestServer server([](const Request& req, Reply& reply) {
            if (req.body == "select server_version()") return reply.send(200, version_body());
            reply.send(503, "\"memory exceeds threshold\"");
        });
        auto conn = open(dsn_for(server.port()));
        try {
            conn->query("select 1");
            CPPUNIT_FAIL("no exception");
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT(contains(e.what(), "memory exceeds threshold"));
            CPPUNIT_ASSERT(contains(e.what(), "503"));
        }
    }
    void use_and_select_db() {
        TestServer server([](const Request& req, Reply& reply) {
            if (req.body == "use `nosuch`") return reply.send(200, error_body(0x0388, "Database not exist"));
            adapter(req, reply);
        });
        auto conn = open(dsn_for(server.port(), "/power"));
        CPPUNIT_ASSERT_EQUAL(std::string("power"), conn->database());
        conn->query("select * from meters");
        conn->query("USE `my db`;");
        CPPUNIT_ASSERT_EQUAL(std::string("my db"), conn->database());
        conn->query("select * from t");
        conn->select_db("test");
        conn->query("select * from t");
        CPPUNIT_ASSERT_THROW(conn->select_db("nosuch"), ServerError);
        CPPUNIT_ASSERT_EQUAL(std::string("test"), conn->database());
        const auto seen = server.seen();
        CPPUNIT_ASSERT_EQUAL(std::string("use `power`"), seen[0].body);  // connect checks the database
        CPPUNIT_ASSERT_EQUAL(std::string("/rest/sql"), seen[0].path());
        CPPUNIT_ASSERT_EQUAL(std::string("/rest/sql/power"), seen[1].path());
        CPPUNIT_ASSERT_EQUAL(std::string("/rest/sql/power"), seen[2].path());
        CPPUNIT_ASSERT_EQUAL(std::string("/rest/sql/my%20db"), seen[3].path());
        CPPUNIT_ASSERT_EQUAL(std::string("use `test`"), seen[4].body);
        CPPUNIT_ASSERT_EQUAL(std::string("/rest/sql/test"), seen[5].path());
        // a database that does not exist fails at connect
        CPPUNIT_ASSERT_THROW(open(dsn_for(server.port(), "/nosuch")), ServerError);
    }
    void tokens() {
        TestServer server(adapter);
        auto cloud = open("http://127.0.0.1:" + std::to_string(server.port()) + "?token=abc%2Bdef");
        auto bearer = open("http://127.0.0.1:" + std::to_string(server.port()) + "?bearer_token=xyz");
        const auto seen = server.seen();
        CPPUNIT_ASSERT_EQUAL(std::string("token=abc%2Bdef"), seen[0].query());
        CPPUNIT_ASSERT_EQUAL(std::string(), seen[0].header("authorization"));
        CPPUNIT_ASSERT_EQUAL(std::string("Bearer xyz"), seen[1].header("authorization"));
        CPPUNIT_ASSERT_EQUAL(std::string(), seen[1].query());
        CPPUNIT_ASSERT(!contains(cloud->describe(), "abc"));
    }
    void schemaless() {
        TestServer server([](const Request& req, Reply& reply) {
            if (req.path() == "/rest/sql") return adapter(req, reply);
            if (req.body == "bad line") return reply.send(400, R"({"code":"illegal param","message":"[0x3002] invalid data format","op":"x"})");
            if (req.body == "bad telnet") return reply.send(500, R"({"code":500,"message":"something failed"})");
            reply.send(204, "");
        });
        auto conn = open(dsn_for(server.port(), "/db1"));
        SchemalessRequest r;
        r.lines = "meters,loc=a v=1 1700000000000";
        r.precision = SchemalessPrecision::Milli;
        r.ttl = 7;
        r.options.req_id = 99;
        CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), conn->schemaless_insert(r));
        r = {};
        r.protocol = SchemalessProtocol::Telnet;
        r.lines = "put meters 1700000000 1 loc=a";
        r.database = "other db";
        r.table_name_key = "tname";
        conn->schemaless_insert(r);
        r = {};
        r.protocol = SchemalessProtocol::Json;
        r.lines = R"({"metric":"m","timestamp":1700000000,"value":1,"tags":{"a":"b"}})";
        conn->schemaless_insert(r);
        const auto seen = server.seen();
        CPPUNIT_ASSERT_EQUAL(std::string("/influxdb/v1/write"), seen[1].path());
        CPPUNIT_ASSERT_EQUAL(std::string("db=db1&precision=ms&ttl=7&req_id=99"), seen[1].query());
        CPPUNIT_ASSERT_EQUAL(std::string("/opentsdb/v1/put/telnet/other%20db"), seen[2].path());
        CPPUNIT_ASSERT_EQUAL(std::string("table_name_key=tname"), seen[2].query());
        CPPUNIT_ASSERT_EQUAL(std::string("/opentsdb/v1/put/json/db1"), seen[3].path());
        CPPUNIT_ASSERT(!seen[3].header("authorization").empty());
        r = {};
        r.lines = "bad line";
        try {
            conn->schemaless_insert(r);
            CPPUNIT_FAIL("no exception");
        } catch (const ServerError& e) {
            CPPUNIT_ASSERT_EQUAL(0x3002, e.code());
        }
        r.protocol = SchemalessProtocol::Telnet;
        r.lines = "bad telnet";
        try {
            conn->schemaless_insert(r);
            CPPUNIT_FAIL("no exception");
        } catch (const ServerError& e) {
            CPPUNIT_ASSERT_EQUAL(0x3002, e.code());
            CPPUNIT_ASSERT_EQUAL(std::string("something failed"), e.message());
        }
    }
    void threads_share_connection() {
        TestServer server(adapter);
        auto conn = open(dsn_for(server.port()));
        std::atomic<int> ok{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 25; ++i) {
                    auto r = conn->query("select * from t");
                    if (r->next_block()->rows() == 2) ++ok;
                }
            });
        }
        for (auto& t : threads) t.join();
        CPPUNIT_ASSERT_EQUAL(100, ok.load());
        CPPUNIT_ASSERT(server.accepted() <= 4);
    }
    void closed_connection() {
        TestServer server(adapter);
        auto conn = open(dsn_for(server.port()));
        conn->close();
        conn->close();
        try {
            conn->query("select 1");
            CPPUNIT_FAIL("no exception");
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT_EQUAL(code::ConnectionClosed, e.code());
        }
    }
    void through_the_plugin() {
        // The built module, loaded by the core's loader: entry point, ABI checks, schemes.
        CPPUNIT_ASSERT_EQUAL(std::string("taos-rest"), load_plugin_file(REST_PLUGIN_PATH));
        TestServer server(adapter);
        for (const char* scheme : {"http", "taosrest"}) {
            auto conn = taoslink::connect(std::string(scheme) + "://root:" + kPassword + "@127.0.0.1:" + std::to_string(server.port()));
            CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0"), conn->server_version());
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NetworkTest);
