// taos-rest over HTTPS: certificates made at test time with the `openssl` command, served by an
// in-process Poco SecureServerSocket on 127.0.0.1. A missing `openssl` fails the suite loudly.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/Context.h>

#include "connection.hpp"
#include "taoslink/dsn.hpp"
#include "taoslink/error.hpp"
#include "test_server.hpp"
#include "tls.hpp"

using namespace taoslink;
using namespace rest_test;
namespace fs = std::filesystem;

namespace {

void run(const std::string& cmd) {
    const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
    if (rc != 0) CPPUNIT_FAIL("command failed (" + std::to_string(rc) + "): " + cmd);
}

// A CA, a server certificate for localhost/127.0.0.1 and one for another name, in a temp dir.
class Certs {
public:
    Certs() {
        const std::string openssl = OPENSSL_EXECUTABLE;
        if (std::system((openssl + " version >/dev/null 2>&1").c_str()) != 0) {
            CPPUNIT_FAIL("the `openssl` command (" + openssl + ") is needed for the TLS tests and was not found");
        }
        char tmpl[] = "/tmp/taoslink-rest-tls-XXXXXX";
        if (!mkdtemp(tmpl)) CPPUNIT_FAIL("mkdtemp failed");
        dir = tmpl;
        const std::string d = dir.string() + "/";
        const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
        run(openssl + " req -x509" + ec + "-keyout " + d + "ca.key -out " + d + "ca.pem -days 2 -subj /CN=taoslink-test-ca" +
            " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
        make_leaf(openssl, d, "good", "localhost", "DNS:localhost,IP:127.0.0.1");
        make_leaf(openssl, d, "wrong", "wrong.example.invalid", "DNS:wrong.example.invalid");
        ca = d + "ca.pem";
    }
    ~Certs() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    Poco::Net::Context::Ptr server_context(const std::string& name) const {
        tls::ensure_ssl_initialized();
        const std::string d = dir.string() + "/";
        return new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, d + name + ".key", d + name + ".pem", "",
                                      Poco::Net::Context::VERIFY_NONE);
    }
    fs::path dir;
    std::string ca;

private:
    static void make_leaf(const std::string& openssl, const std::string& d, const std::string& name, const std::string& cn,
                          const std::string& san) {
        std::ofstream(d + name + ".ext") << "subjectAltName=" << san
                                         << "\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n";
        run(openssl + " req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + d + name + ".key -out " + d +
            name + ".csr -subj /CN=" + cn);
        run(openssl + " x509 -req -in " + d + name + ".csr -CA " + d + "ca.pem -CAkey " + d + "ca.key -CAcreateserial -out " +
            d + name + ".pem -days 2 -extfile " + d + name + ".ext");
    }
};

const Certs& certs() {
    static Certs c;
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
        auto conn = open_tls("127.0.0.1", server.port(), "?ca_file=" + certs().ca);
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0-tls"), conn->server_version());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), conn->query("insert into t values(now,1)")->affected_rows());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), conn->query("insert into t values(now,2)")->affected_rows());
        CPPUNIT_ASSERT_EQUAL(1, server.accepted());  // keep-alive over TLS too
        auto by_name = open_tls("localhost", server.port(), "?tls_ca=" + certs().ca);
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0-tls"), by_name->server_version());
    }
    void refused_without_ca() {
        TestServer server(adapter, certs().server_context("good"));
        expect_tls_error("127.0.0.1", server.port(), "");
    }
    void wrong_host_name_refused() {
        TestServer server(adapter, certs().server_context("wrong"));
        expect_tls_error("127.0.0.1", server.port(), "?ca_file=" + certs().ca);
        expect_tls_error("localhost", server.port(), "?ca_file=" + certs().ca);
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
