// taos-ws against an in-process WebSocket server on 127.0.0.1: correlation of out-of-order
// replies, pings, closes mid-fetch, corrupt frames, timeouts, failover and reconnects.
#include <atomic>
#include <map>
#include <mutex>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "codec.hpp"
#include "connection.hpp"
#include "taoslink/error.hpp"
#include "ws_client.hpp"
#include "ws_test_server.hpp"

using namespace taoslink;
using namespace taoslink::ws;
using namespace ws_test;
using clock_type = std::chrono::steady_clock;

namespace {

std::unique_ptr<WsConnection> open_ws(const std::string& hosts, const std::string& params = "") {
    const std::string dsn = "ws://root:taosdata@" + hosts + "/?" + params;
    return std::unique_ptr<WsConnection>(static_cast<WsConnection*>(connect_ws(parse_dsn(dsn)).release()));
}

std::string local(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

double seconds_since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
}

// Answers binary queries with one INT column and serves `values` then the end for each result.
void serve_queries(Peer& p, const std::vector<std::int32_t>& values, const std::string& version = "3.3.6.0") {
    if (!p.handshake(version)) return;
    std::uint64_t next_id = 1;
    std::map<std::uint64_t, bool> served;
    while (auto m = p.recv()) {
        if (m->binary() && m->binary_action() == action::BinaryQuery) {
            p.send_text(query_reply(*m, next_id++));
        } else if (m->binary() && m->binary_action() == action::FetchRawBlock) {
            const bool first = !served[m->resource_id()];
            served[m->resource_id()] = true;
            p.send_binary(raw_block_reply(m->req_id(), m->resource_id(), first ? values : std::vector<std::int32_t>{}));
        } else if (m->action() == "query") {
            p.send_text(query_reply(*m, next_id++));
        }
    }
}

std::vector<std::int32_t> drain(Result& r) {
    std::vector<std::int32_t> out;
    while (auto b = r.next_block()) {
        for (std::size_t i = 0; i < b->rows(); ++i) out.push_back(b->column(0).get<std::int32_t>(i));
    }
    return out;
}

}  // namespace

class NetworkTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(NetworkTest);
    CPPUNIT_TEST(query_and_fetch_raw_block);
    CPPUNIT_TEST(json_fetch_path_for_old_servers);
    CPPUNIT_TEST(out_of_order_replies_are_correlated);
    CPPUNIT_TEST(concurrent_queries_share_one_socket);
    CPPUNIT_TEST(server_pings_are_answered_and_client_pings);
    CPPUNIT_TEST(server_close_mid_fetch_fails_fast);
    CPPUNIT_TEST(truncated_and_corrupt_binary_frames);
    CPPUNIT_TEST(slow_server_times_out);
    CPPUNIT_TEST(auth_failure_and_refused_upgrade);
    CPPUNIT_TEST(failover_to_the_next_endpoint);
    CPPUNIT_TEST(reconnect_after_drop_restores_database);
    CPPUNIT_TEST(reconnect_backs_off_and_gives_up);
    CPPUNIT_TEST(in_flight_request_is_not_resent);
    CPPUNIT_TEST(close_frees_unfinished_result);
    CPPUNIT_TEST_SUITE_END();

public:
    void query_and_fetch_raw_block() {
        WsServer server([](Peer& p) { serve_queries(p, {1, 2, 3}); });
        auto c = open_ws(local(server.port()), "ping_interval=0");
        CPPUNIT_ASSERT_EQUAL(std::string("3.3.6.0"), c->server_version());
        auto r = c->query("select v from t");
        CPPUNIT_ASSERT_EQUAL(std::string("v"), r->fields().at(0).name);
        CPPUNIT_ASSERT(drain(*r) == std::vector<std::int32_t>({1, 2, 3}));
        CPPUNIT_ASSERT(r->next_block() == nullptr);
    }

    void json_fetch_path_for_old_servers() {
        std::atomic<int> fetches{0};
        WsServer server([&](Peer& p) {
            if (!p.handshake("3.3.1.0")) return;
            bool sent = false;
            while (auto m = p.recv()) {
                if (m->binary()) {
                    p.send_text(reply(*m, "", 0xFFFF, "binary requests are not expected"));
                } else if (m->action() == "query") {
                    p.send_text(query_reply(*m, 9));
                } else if (m->action() == "fetch") {
                    ++fetches;
                    p.send_text(reply(*m, sent ? "\"id\":9,\"completed\":true,\"lengths\":null,\"rows\":0"
                                               : "\"id\":9,\"completed\":false,\"lengths\":[4],\"rows\":2"));
                } else if (m->action() == "fetch_block") {
                    sent = true;
                    std::string frame;
                    put_u64(frame, 1000);
                    put_u64(frame, 9);
                    p.send_binary(frame + int_block({7, 8}));
                }
            }
        });
        auto c = open_ws(local(server.port()));
        auto r = c->query("select v from t");
        CPPUNIT_ASSERT(drain(*r) == std::vector<std::int32_t>({7, 8}));
        CPPUNIT_ASSERT_EQUAL(2, fetches.load());
    }

    void out_of_order_replies_are_correlated() {
        // The server reads three requests, then answers them last to first.
        WsServer server([](Peer& p) {
            if (!p.handshake()) return;
            std::vector<ws_test::Message> held;
            while (auto m = p.recv()) {
                held.push_back(*m);
                if (held.size() == 3) {
                    for (auto it = held.rbegin(); it != held.rend(); ++it) {
                        if (it->binary()) p.send_binary(raw_block_reply(it->req_id(), it->resource_id(), {static_cast<int>(it->resource_id())}));
                        else p.send_text(reply(*it, "\"echo\":\"" + it->member("sql") + "\""));
                    }
                    held.clear();
                }
            }
        });
        WsClientConfig cfg;
        cfg.ping_interval = std::chrono::microseconds(0);
        auto client = std::make_shared<WsClient>(cfg, Endpoint{"127.0.0.1", server.port()});
        // Handshake by hand (the script expects version and conn first).
        for (const char* a : {"version", "conn"}) {
            const auto id = client->next_req_id();
            client->call_json(JsonArgs().request(a, id), id);
        }
        auto ask_text = [&](const std::string& sql) {
            const auto id = client->next_req_id();
            JsonArgs a;
            a.add("sql", sql);
            const Frame f = client->call_json(a.request("query", id), id);
            return JsonReply(f.text()).string("echo");
        };
        auto ask_binary = [&](std::uint64_t result) {
            const auto id = client->next_req_id();
            CallOptions o;
            o.expects_binary = true;
            const Frame f = client->call(fetch_raw_block_request(id, result), true, id, o);
            const RawBlockReply r = decode_raw_block_reply(f.data, f.size);
            return Block::decode(f.owner, r.block, r.block_len)->column(0).get<std::int32_t>(0);
        };
        auto a = std::async(std::launch::async, ask_text, "first");
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        auto b = std::async(std::launch::async, ask_binary, 42);
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        auto c = std::async(std::launch::async, ask_text, "third");
        CPPUNIT_ASSERT_EQUAL(std::string("first"), a.get());
        CPPUNIT_ASSERT_EQUAL(42, b.get());
        CPPUNIT_ASSERT_EQUAL(std::string("third"), c.get());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), client->pending());
        // A caller-chosen req_id that is already waiting is refused.
        client->close();
        CPPUNIT_ASSERT_THROW(client->call_json("{}", 5), ConnectionError);
    }

    void concurrent_queries_share_one_socket() {
        WsServer server([](Peer& p) { serve_queries(p, {5}); });
        auto c = open_ws(local(server.port()));
        std::vector<std::future<std::vector<std::int32_t>>> fs;
        for (int i = 0; i < 8; ++i) {
            fs.push_back(std::async(std::launch::async, [&] {
                std::vector<std::int32_t> all;
                for (int k = 0; k < 10; ++k) {
                    auto r = c->query("select 1");
                    auto v = drain(*r);
                    all.insert(all.end(), v.begin(), v.end());
                }
                return all;
            }));
        }
        for (auto& f : fs) CPPUNIT_ASSERT_EQUAL(std::size_t(10), f.get().size());
        CPPUNIT_ASSERT_EQUAL(1, server.accepted());
    }

    void server_pings_are_answered_and_client_pings() {
        std::promise<std::string> pong, client_ping;
        WsServer server([&](Peer& p) {
            if (!p.handshake()) return;
            p.send_ping("abc");
            bool got_pong = false, got_ping = false;
            while (auto m = p.recv(3000, true)) {
                if (m->opcode == Poco::Net::WebSocket::FRAME_OP_PONG && !got_pong) {
                    got_pong = true;
                    pong.set_value(m->data);
                }
                if (m->opcode == Poco::Net::WebSocket::FRAME_OP_PING && !got_ping) {
                    got_ping = true;
                    client_ping.set_value(m->data);
                }
                if (got_ping && got_pong) break;
            }
        });
        auto c = open_ws(local(server.port()), "ping_interval=0.2");
        auto fp = pong.get_future();
        auto fc = client_ping.get_future();
        CPPUNIT_ASSERT(fp.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
        CPPUNIT_ASSERT_EQUAL(std::string("abc"), fp.get());
        CPPUNIT_ASSERT(fc.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
        CPPUNIT_ASSERT_EQUAL(std::string("TAOS"), fc.get());
    }

    void server_close_mid_fetch_fails_fast() {
        WsServer server([](Peer& p) {
            if (!p.handshake()) return;
            while (auto m = p.recv()) {
                if (m->binary_action() == action::BinaryQuery) p.send_text(query_reply(*m, 1));
                if (m->binary_action() == action::FetchRawBlock) {
                    // Half a frame, then the socket goes away.
                    p.send_binary(raw_block_reply(m->req_id(), 1, {1, 2}).substr(0, 10));
                    p.drop();
                    return;
                }
            }
        });
        auto c = open_ws(local(server.port()), "read_timeout=20&conn_retries=1&retry_backoff_ms=1");
        auto r = c->query("select v from t");
        const auto t0 = clock_type::now();
        try {
            r->next_block();
            CPPUNIT_FAIL("no error");
        } catch (const ProtocolError&) {
            // The 10-byte fragment is a complete (if useless) frame: ProtocolError is fine too. The
            // result then stays failed: the next call repeats the error at once, never returns the
            // end of the result as if it were complete.
            CPPUNIT_ASSERT_THROW(r->next_block(), ProtocolError);
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT(e.code() == code::BrokenLink || e.code() == code::ConnectionClosed);
        }
        CPPUNIT_ASSERT(seconds_since(t0) < 2.0);
    }

    void truncated_and_corrupt_binary_frames() {
        std::atomic<int> mode{0};
        WsServer server([&](Peer& p) {
            if (!p.handshake()) return;
            while (auto m = p.recv()) {
                if (m->binary_action() == action::BinaryQuery) {
                    p.send_text(query_reply(*m, 1));
                } else if (m->binary_action() == action::FetchRawBlock) {
                    std::string good = raw_block_reply(m->req_id(), 1, {1, 2, 3});
                    switch (mode.fetch_add(1)) {
                        case 0: p.send_binary(good.substr(0, 20)); break;              // too short to route
                        case 1: p.send_binary(good.substr(0, good.size() - 3)); break; // block cut short
                        case 2: good[55 + 12] = 0x7f; p.send_binary(good); break;    // corrupt block header
                        default: p.send_binary(good);
                    }
                }
            }
        });
        auto c = open_ws(local(server.port()), "read_timeout=5");
        for (int i = 0; i < 3; ++i) {
            auto r = c->query("select v from t");
            const auto t0 = clock_type::now();
            CPPUNIT_ASSERT_THROW(r->next_block(), ProtocolError);
            CPPUNIT_ASSERT(seconds_since(t0) < 2.0);
        }
        auto r = c->query("select v from t");  // the socket is still usable
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), r->next_block()->rows());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), c->connects());
    }

    void slow_server_times_out() {
        WsServer server([](Peer& p) {
            if (!p.handshake()) return;
            while (p.recv()) {
            }  // never answers
        });
        auto c = open_ws(local(server.port()), "read_timeout=0.5");
        const auto t0 = clock_type::now();
        try {
            c->query("select 1");
            CPPUNIT_FAIL("no timeout");
        } catch (const TimeoutError& e) {
            CPPUNIT_ASSERT_EQUAL(code::RpcTimeout, e.code());
        }
        const double took = seconds_since(t0);
        CPPUNIT_ASSERT(took >= 0.45 && took < 1.5);
    }

    void auth_failure_and_refused_upgrade() {
        WsServer server([](Peer& p) {
            auto v = p.recv();
            if (!v) return;
            p.send_text(reply(*v, "\"version\":\"3.3.6.0\""));
            auto c = p.recv();
            if (c) p.send_text(reply(*c, "", 0x0357, "Authentication failure"));
        });
        try {
            open_ws(local(server.port()), "");
            CPPUNIT_FAIL("no error");
        } catch (const AuthError& e) {
            CPPUNIT_ASSERT_EQUAL(0x0357, e.code());
        }
        // A 404 for the upgrade (not a taosAdapter): a ConnectionError that says so.
        WsClientConfig cfg;
        cfg.target = "/nope";
        try {
            WsClient client(cfg, Endpoint{"127.0.0.1", server.port()});
            CPPUNIT_FAIL("no error");
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("404") != std::string::npos);
        }
    }

    void failover_to_the_next_endpoint() {
        WsServer server([](Peer& p) { serve_queries(p, {1}); });
        const auto down = closed_port();
        auto c = open_ws(local(down) + "," + local(server.port()), "connect_timeout=2");
        CPPUNIT_ASSERT_EQUAL(local(server.port()), c->endpoint());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), drain(*c->query("select 1")).size());
        // Every endpoint down: one error naming them all.
        try {
            open_ws(local(down) + "," + local(closed_port()));
            CPPUNIT_FAIL("no error");
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT_EQUAL(code::NetworkUnavailable, e.code());
            CPPUNIT_ASSERT(std::string(e.what()).find("no endpoint answered") != std::string::npos);
            CPPUNIT_ASSERT(std::string(e.what()).find(local(down)) != std::string::npos);
        }
    }

    void reconnect_after_drop_restores_database() {
        std::mutex mu;
        std::vector<std::string> conn_dbs;
        WsServer server([&](Peer& p) {
            auto conn = p.handshake();
            if (!conn) return;
            {
                std::lock_guard lock(mu);
                conn_dbs.push_back(conn->member("db"));
            }
            while (auto m = p.recv()) {
                if (!m->binary()) continue;
                const std::string sql = m->data.substr(30);
                p.send_text(reply(*m, "\"id\":0,\"is_update\":true,\"affected_rows\":0,\"fields_count\":0"));
                if (sql == "drop me") {
                    p.drop();
                    return;
                }
            }
        });
        auto c = open_ws(local(server.port()), "retry_backoff_ms=10");
        c->select_db("db1");
        c->execute("drop me");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        c->execute("select 1");  // reconnects first
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), c->connects());
        std::lock_guard lock(mu);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), conn_dbs.size());
        CPPUNIT_ASSERT_EQUAL(std::string(""), conn_dbs[0]);
        CPPUNIT_ASSERT_EQUAL(std::string("db1"), conn_dbs[1]);
    }

    void reconnect_backs_off_and_gives_up() {
        // First socket: works, then drops. Next two: drop at once. Then: works.
        WsServer server([](Peer& p) {
            if (p.index() == 1 || p.index() == 2) return p.drop();
            if (!p.handshake()) return;
            while (auto m = p.recv()) {
                p.send_text(reply(*m, "\"id\":0,\"is_update\":true,\"affected_rows\":1,\"fields_count\":0"));
                if (p.index() == 0) return p.drop();
            }
        });
        auto c = open_ws(local(server.port()), "retry_backoff_ms=100&retry_backoff_max_ms=150&conn_retries=5");
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), c->execute("insert 1"));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto t0 = clock_type::now();
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), c->execute("insert 2"));
        const double took = seconds_since(t0);
        CPPUNIT_ASSERT(took >= 0.24);  // back-off 100 ms, then 150 ms (capped)
        CPPUNIT_ASSERT(took < 2.0);
        CPPUNIT_ASSERT_EQUAL(4, server.accepted());

        // A server that is gone for good: bounded attempts, then one ConnectionError.
        const auto port = server.port();
        (void)port;
        WsServer once([](Peer& p) {
            if (p.index() > 0) return p.drop();
            if (!p.handshake()) return;
            if (auto m = p.recv()) p.send_text(reply(*m, "\"id\":0,\"is_update\":true,\"affected_rows\":1"));
            p.drop();
        });
        auto d = open_ws(local(once.port()), "retry_backoff_ms=10&conn_retries=3");
        d->execute("x");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        try {
            d->execute("y");
            CPPUNIT_FAIL("no error");
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("after 3 attempts") != std::string::npos);
        }
        CPPUNIT_ASSERT_EQUAL(4, once.accepted());
    }

    void in_flight_request_is_not_resent() {
        std::atomic<int> queries{0};
        WsServer server([&](Peer& p) {
            if (!p.handshake()) return;
            while (auto m = p.recv()) {
                if (m->binary_action() == action::BinaryQuery) {
                    ++queries;
                    if (p.index() == 0) return p.drop();  // dies with the insert in flight
                    p.send_text(reply(*m, "\"id\":0,\"is_update\":true,\"affected_rows\":1"));
                }
            }
        });
        auto c = open_ws(local(server.port()), "read_timeout=10");
        const auto t0 = clock_type::now();
        try {
            c->execute("insert into t values (now, 1)");
            CPPUNIT_FAIL("no error");
        } catch (const ConnectionError& e) {
            CPPUNIT_ASSERT_EQUAL(code::BrokenLink, e.code());
        }
        CPPUNIT_ASSERT(seconds_since(t0) < 2.0);
        CPPUNIT_ASSERT_EQUAL(1, queries.load());
        CPPUNIT_ASSERT_EQUAL(std::int64_t(1), c->execute("insert into t values (now, 1)"));  // a new socket
        CPPUNIT_ASSERT_EQUAL(2, queries.load());
    }

    void close_frees_unfinished_result() {
        std::promise<std::string> freed;
        WsServer server([&](Peer& p) {
            if (!p.handshake()) return;
            while (auto m = p.recv()) {
                if (m->binary_action() == action::BinaryQuery) p.send_text(query_reply(*m, 77));
                else if (m->binary_action() == action::FetchRawBlock) p.send_binary(raw_block_reply(m->req_id(), 77, {1}));
                else if (m->action() == "free_result") freed.set_value(m->member("id"));
            }
        });
        auto c = open_ws(local(server.port()));
        auto r = c->query("select v from t");
        CPPUNIT_ASSERT(r->next_block() != nullptr);
        r->close();
        r->close();
        auto f = freed.get_future();
        CPPUNIT_ASSERT(f.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
        CPPUNIT_ASSERT_EQUAL(std::string("77"), f.get());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(NetworkTest);
