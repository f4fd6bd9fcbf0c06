// WsClient on a plain socket: the calling threads read the socket themselves, one at a time
// (ws_client.hpp). A reading caller routes other callers' replies, passes the reading on when its
// own reply is in or its time is up, and close() stops it; the background thread answers pings
// once the callers are quiet. Against the in-process server.
#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "taoslink/error.hpp"
#include "ws_client.hpp"
#include "ws_test_server.hpp"

using namespace taoslink;
using namespace taoslink::ws;
using namespace ws_test;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

WsClientConfig config(milliseconds read_timeout = milliseconds(5000)) {
    WsClientConfig c;
    c.read_timeout = read_timeout;
    c.ping_interval = std::chrono::seconds(0);
    return c;
}

std::string request(const std::string& action, std::uint64_t req_id, const std::string& tag) {
    return "{\"action\":\"" + action + "\",\"args\":{\"req_id\":" + std::to_string(req_id) + ",\"tag\":\"" + tag + "\"}}";
}

// Sends `action` tagged `tag` and returns the reply's text.
std::string ask(WsClient& c, const std::string& action, const std::string& tag, milliseconds timeout = milliseconds(0)) {
    const auto id = c.next_req_id();
    CallOptions o;
    o.timeout = timeout;
    return std::string(c.call_json(request(action, id, tag), id, o).text());
}

bool tagged(const std::string& reply, const std::string& tag) {
    return reply.find("\"tag\":\"" + tag + "\"") != std::string::npos;
}

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

void wait_pending(WsClient& c, std::size_t n) {
    const auto until = clock_type::now() + std::chrono::seconds(5);
    while (c.pending() < n && clock_type::now() < until) std::this_thread::sleep_for(milliseconds(1));
}

}  // namespace

class ReaderHandoverTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ReaderHandoverTest);
    CPPUNIT_TEST(reading_caller_routes_other_callers_replies);
    CPPUNIT_TEST(reading_passes_on_when_the_reader_times_out);
    CPPUNIT_TEST(close_stops_a_reading_caller);
    CPPUNIT_TEST(idle_client_answers_server_pings);
    CPPUNIT_TEST(many_threads_get_their_own_replies);
    CPPUNIT_TEST_SUITE_END();

public:
    void reading_caller_routes_other_callers_replies() {
        // "slow" is answered only after "fast": the first caller reads the socket while the
        // second waits, so the second's reply reaches it through the first.
        WsServer server([](Peer& p) {
            auto slow = p.recv();
            auto fast = p.recv();
            if (!slow || !fast) return;
            p.send_text(reply(*fast, "\"tag\":\"" + fast->member("tag") + "\""));
            std::this_thread::sleep_for(milliseconds(400));
            p.send_text(reply(*slow, "\"tag\":\"" + slow->member("tag") + "\""));
            while (p.recv()) {
            }
        });
        WsClient c(config(), Endpoint{"127.0.0.1", server.port()});
        const auto t0 = clock_type::now();
        auto slow = std::async(std::launch::async, [&] { return ask(c, "slow", "A"); });
        wait_pending(c, 1);
        std::this_thread::sleep_for(milliseconds(20));  // A is reading by now
        const std::string fast = ask(c, "fast", "B");
        const double fast_took = seconds_since(t0);
        CPPUNIT_ASSERT(tagged(fast, "B"));
        CPPUNIT_ASSERT_MESSAGE("the fast reply waited for the slow one", fast_took < 0.35);
        CPPUNIT_ASSERT(tagged(slow.get(), "A"));
        CPPUNIT_ASSERT(seconds_since(t0) >= 0.39);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), c.pending());
    }

    void reading_passes_on_when_the_reader_times_out() {
        // A gives up after 200 ms while reading; B's reply comes at 500 ms and must still reach B.
        WsServer server([](Peer& p) {
            auto never = p.recv();
            auto late = p.recv();
            if (!never || !late) return;
            std::this_thread::sleep_for(milliseconds(500));
            p.send_text(reply(*late, "\"tag\":\"" + late->member("tag") + "\""));
            p.send_text(reply(*never, "\"tag\":\"" + never->member("tag") + "\""));  // too late: dropped
            while (p.recv()) {
            }
        });
        WsClient c(config(), Endpoint{"127.0.0.1", server.port()});
        auto a = std::async(std::launch::async, [&] {
            const auto t = clock_type::now();
            try {
                ask(c, "never", "A", milliseconds(200));
                return -1.0;
            } catch (const TimeoutError&) {
                return seconds_since(t);
            }
        });
        wait_pending(c, 1);
        std::this_thread::sleep_for(milliseconds(20));
        const auto t0 = clock_type::now();
        const std::string late = ask(c, "late", "B");
        const double a_took = a.get();
        CPPUNIT_ASSERT_MESSAGE("A did not time out", a_took > 0);
        CPPUNIT_ASSERT(a_took >= 0.19 && a_took < 0.45);
        CPPUNIT_ASSERT(tagged(late, "B"));
        CPPUNIT_ASSERT(seconds_since(t0) < 2.0);
        // The late reply to A is read and dropped; the client stays usable.
        CPPUNIT_ASSERT(c.alive());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), c.pending());
    }

    void close_stops_a_reading_caller() {
        WsServer server([](Peer& p) {
            while (p.recv()) {
            }  // never answers
        });
        WsClient c(config(milliseconds(20000)), Endpoint{"127.0.0.1", server.port()});
        auto a = std::async(std::launch::async, [&]() -> int {
            try {
                ask(c, "never", "A");
                return 0;
            } catch (const ConnectionError& e) {
                return e.code();
            }
        });
        wait_pending(c, 1);
        std::this_thread::sleep_for(milliseconds(50));
        const auto t0 = clock_type::now();
        c.close();
        CPPUNIT_ASSERT(a.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
        CPPUNIT_ASSERT_EQUAL(static_cast<int>(code::ConnectionClosed), a.get());
        CPPUNIT_ASSERT(seconds_since(t0) < 3.0);
        CPPUNIT_ASSERT(!c.alive());
    }

    void idle_client_answers_server_pings() {
        // After a burst of calls the callers go quiet; the background thread must then read the
        // server's ping and answer it.
        std::promise<std::string> pong;
        WsServer server([&](Peer& p) {
            for (int i = 0; i < 20; ++i) {
                auto m = p.recv();
                if (!m) return;
                p.send_text(reply(*m));
            }
            std::this_thread::sleep_for(milliseconds(200));
            p.send_ping("idle");
            while (auto m = p.recv(3000, true)) {
                if (m->opcode == Poco::Net::WebSocket::FRAME_OP_PONG) {
                    pong.set_value(m->data);
                    break;
                }
            }
        });
        WsClient c(config(), Endpoint{"127.0.0.1", server.port()});
        for (int i = 0; i < 20; ++i) ask(c, "x", std::to_string(i));
        auto f = pong.get_future();
        CPPUNIT_ASSERT(f.wait_for(std::chrono::seconds(3)) == std::future_status::ready);
        CPPUNIT_ASSERT_EQUAL(std::string("idle"), f.get());
    }

    void many_threads_get_their_own_replies() {
        // Replies in pairs, the second request's first, so readers keep routing each other's.
        WsServer server([](Peer& p) {
            while (auto first = p.recv()) {
                auto second = p.recv(20);
                if (second) p.send_text(reply(*second, "\"tag\":\"" + second->member("tag") + "\""));
                p.send_text(reply(*first, "\"tag\":\"" + first->member("tag") + "\""));
            }
        });
        WsClient c(config(), Endpoint{"127.0.0.1", server.port()});
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 150; ++i) {
                    const std::string tag = std::to_string(t) + "-" + std::to_string(i);
                    if (!tagged(ask(c, "x", tag), tag)) ++wrong;
                }
            });
        }
        for (auto& th : threads) th.join();
        CPPUNIT_ASSERT_EQUAL(0, wrong.load());
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), c.pending());
        CPPUNIT_ASSERT(c.alive());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReaderHandoverTest);
