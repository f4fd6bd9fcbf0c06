// taos-rest over HTTPS: certificates made at test time with the `openssl` command, served by an
// in-process Poco SecureServerSocket on 127.0.0.1. A missing `openssl` fails the suite loudly.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "connection.hpp"
#include "taoslink/dsn.hpp"
#include "taoslink/error.hpp"
#include "test_server.hpp"
#include "tls_certs.hpp"

using namespace taoslink;
using namespace rest_test;
using tls_test::Certs;

namespace {

// A CA, a server certificate for localhost/127.0.0.1 and one for another name.
const Certs& certs() {
    static Certs c("rest",
                   {tls_test::localhost_leaf("good"), {"wrong", "wrong.example.invalid", "DNS:wrong.example.invalid"}});
    return c;
}

void adapter(const Request& req, Reply& reply) {
    if (req.body == "select server_version()") return reply.send_chunked(200, version_body("3.3.6.0-tls"));
    reply.send_chunked(200, affected_body(1));
}

std::unique_ptr<Connection> open_tls(const std::string& host, std::uint16_t port, const std::string& params) {
    return rest::connect_rest(parse_dsn("https://root:taosdata@" + host + ":" + std::to_string(port) + params));
}

void expect_tls_error(const std::string& host, std::uint16_t port, const std::string& params) {
    try {
        open_tls(host, port, params);
        CPPUNIT_FAIL("TLS connection was accepted: " + params);
    } catch (const ConnectionError& e) {
        if (std::getenv("REST_TEST_VERBOSE")) std::fprintf(stderr, "%s\n", e.what());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(e.what(), code::TlsError, e.code());
        CPPUNIT_ASSERT_MESSAGE(e.what(), std::string(e.what()).find(std::to_string(port)) != std::string::npos);
    }
}

}  // namespace

class TlsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TlsTest);
    CPPUNIT_TEST(verified_with_ca_file);
    CPPUNIT_TEST(refused_without_ca);
    CPPUNIT_TEST(wrong_host_name_refused);
    CPPUNIT_TEST(verification_off);
    CPPUNIT_TEST(missing_ca_file);
    CPPUNIT_TEST_SUITE_END();

public:
    void verified_with_ca_file() {
        TestServer server(adapter, certs().server_context("good"));
        auto conn = open_tls("127.0.0.1", server.port(), "?ca_file=" + certs().ca());
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0-tls"), conn->server_version());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), conn->query("insert into t values(now,1)")->affected_rows());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), conn->query("insert into t values(now,2)")->affected_rows());
        CPPUNIT_ASSERT_EQUAL(1, server.accepted());  // keep-alive over TLS too
        auto by_name = open_tls("localhost", server.port(), "?tls_ca=" + certs().ca());
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0-tls"), by_name->server_version());
    }
    void refused_without_ca() {
        TestServer server(adapter, certs().server_context("good"));
        expect_tls_error("127.0.0.1", server.port(), "");
    }
    void wrong_host_name_refused() {
        TestServer server(adapter, certs().server_context("wrong"));
        expect_tls_error("127.0.0.1", server.port(), "?ca_file=" + certs().ca());
        expect_tls_error("localhost", server.port(), "?ca_file=" + certs().ca());
    }
    void verification_off() {
        TestServer server(adapter, certs().server_context("wrong"));
        auto conn = open_tls("127.0.0.1", server.port(), "?tls_verify=false");
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0-tls"), conn->server_version());
        // and plain HTTP to a TLS port is not a TLS success
        CPPUNIT_ASSERT_THROW(rest::connect_rest(parse_dsn("http://127.0.0.1:" + std::to_string(server.port()) + "?timeout=2")),
                             ConnectionError);
    }
    void missing_ca_file() {
        CPPUNIT_ASSERT_THROW(open_tls("127.0.0.1", 1, "?ca_file=/nonexistent/ca.pem"), DsnError);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TlsTest);
