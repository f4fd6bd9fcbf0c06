// taos-ws over wss://: certificates made at test time with the `openssl` command, served by the
// in-process WebSocket server behind a Poco SecureServerSocket on 127.0.0.1. A missing `openssl`
// fails the suite loudly.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "codec.hpp"
#include "connection.hpp"
#include "taoslink/error.hpp"
#include "tls.hpp"
#include "ws_test_server.hpp"

using namespace taoslink;
using namespace taoslink::ws;
using namespace ws_test;
namespace fs = std::filesystem;

namespace {

void run(const std::string& cmd) {
    const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
    if (rc != 0) CPPUNIT_FAIL("command failed (" + std::to_string(rc) + "): " + cmd);
}

// A CA and a server certificate for 127.0.0.1/localhost, in a temporary directory.
class Certs {
public:
    Certs() {
        const std::string openssl = OPENSSL_EXECUTABLE;
        if (std::system((openssl + " version >/dev/null 2>&1").c_str()) != 0) {
            CPPUNIT_FAIL("the `openssl` command (" + openssl + ") is needed for the TLS tests and was not found");
        }
        char tmpl[] = "/tmp/taoslink-ws-tls-XXXXXX";
        if (!mkdtemp(tmpl)) CPPUNIT_FAIL("mkdtemp failed");
        dir = tmpl;
        const std::string d = dir.string() + "/";
        const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes ";
        run(openssl + " req -x509" + ec + "-keyout " + d + "ca.key -out " + d + "ca.pem -days 2 -subj /CN=taoslink-ws-test-ca" +
            " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
        std::ofstream(d + "srv.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                                        "extendedKeyUsage=serverAuth\n";
        run(openssl + " req" + ec + "-keyout " + d + "srv.key -out " + d + "srv.csr -subj /CN=localhost");
        run(openssl + " x509 -req -in " + d + "srv.csr -CA " + d + "ca.pem -CAkey " + d + "ca.key -CAcreateserial -out " + d +
            "srv.pem -days 2 -extfile " + d + "srv.ext");
        ca = d + "ca.pem";
    }
    ~Certs() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    Poco::Net::Context::Ptr server_context() const {
        tls::ensure_ssl_initialized();
        const std::string d = dir.string() + "/";
        return new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, d + "srv.key", d + "srv.pem", "",
                                      Poco::Net::Context::VERIFY_NONE);
    }
    fs::path dir;
    std::string ca;
};

const Certs& certs() {
    static Certs c;
    return c;
}

void adapter(Peer& p) {
    if (!p.handshake("3.3.6.0")) return;
    while (auto m = p.recv()) {
        if (m->binary_action() == action::BinaryQuery) p.send_text(query_reply(*m, 1));
        if (m->binary_action() == action::FetchRawBlock) p.send_binary(raw_block_reply(m->req_id(), 1, {}));
    }
}

std::unique_ptr<Connection> open_wss(std::uint16_t port, const std::string& params) {
    return connect_ws(parse_dsn("wss://127.0.0.1:" + std::to_string(port) + "/?" + params));
}

}  // namespace

class TlsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TlsTest);
    CPPUNIT_TEST(verified_with_ca_file);
    CPPUNIT_TEST(unknown_ca_is_refused);
    CPPUNIT_TEST(verification_can_be_turned_off);
    CPPUNIT_TEST_SUITE_END();

public:
    void verified_with_ca_file() {
        WsServer server(adapter, certs().server_context());
        auto c = open_wss(server.port(), "ca_file=" + certs().ca);
        auto r = c->query("select 1");
        CPPUNIT_ASSERT(r->next_block() == nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0"), c->server_version());
    }

    void unknown_ca_is_refused() {
        WsServer server(adapter, certs().server_context());
        try {
            open_wss(server.port(), "connect_timeout=3");  // system CA store: our CA is unknown
            CPPUNIT_FAIL("no error");
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT_EQUAL(code::TlsError, e.code());
        }
    }

    void verification_can_be_turned_off() {
        WsServer server(adapter, certs().server_context());
        auto c = open_wss(server.port(), "tls_verify=false");
        CPPUNIT_ASSERT(c->query("select 1")->next_block() == nullptr);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TlsTest);
