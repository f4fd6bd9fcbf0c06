// taos-ws over wss://: certificates made at test time with the `openssl` command, served by the
// in-process WebSocket server behind a Poco SecureServerSocket on 127.0.0.1. A missing `openssl`
// fails the suite loudly.
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "codec.hpp"
#include "connection.hpp"
#include "taoslink/error.hpp"
#include "tls_certs.hpp"
#include "ws_test_server.hpp"

using namespace taoslink;
using namespace taoslink::ws;
using namespace ws_test;
using tls_test::Certs;

namespace {

// A CA and a server certificate for 127.0.0.1/localhost.
const Certs& certs() {
    static Certs c("ws", {tls_test::localhost_leaf("srv")});
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
        WsServer server(adapter, certs().server_context("srv"));
        auto c = open_wss(server.port(), "ca_file=" + certs().ca());
        auto r = c->query("select 1");
        CPPUNIT_ASSERT(r->next_block() == nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0"), c->server_version());
    }

    void unknown_ca_is_refused() {
        WsServer server(adapter, certs().server_context("srv"));
        try {
            open_wss(server.port(), "connect_timeout=3");  // system CA store: our CA is unknown
            CPPUNIT_FAIL("no error");
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT_EQUAL(code::TlsError, e.code());
        }
    }

    void verification_can_be_turned_off() {
        WsServer server(adapter, certs().server_context("srv"));
        auto c = open_wss(server.port(), "tls_verify=false");
        CPPUNIT_ASSERT(c->query("select 1")->next_block() == nullptr);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TlsTest);
