// Unit tests: the client frame writer (ws_frame.hpp) — masking against a byte-by-byte reference,
// header lengths at every size boundary, and whole frames through a socketpair (partial sends,
// a closed peer). No server.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <cppunit/extensions/HelperMacros.h>

#include "ws_frame.hpp"

using namespace taoslink::ws;

namespace {

std::vector<std::uint8_t> pattern(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 131 + 7);
    return v;
}

// RFC 6455 §5.3 as written: octet i XOR key octet i mod 4.
void reference_mask(std::uint8_t* data, std::size_t n, const std::uint8_t key[4]) {
    for (std::size_t i = 0; i < n; ++i) data[i] ^= key[i % 4];
}

bool read_exact(int fd, std::uint8_t* out, std::size_t n) {
    while (n > 0) {
        const ssize_t got = ::read(fd, out, n);
        if (got <= 0) return false;
        out += got;
        n -= static_cast<std::size_t>(got);
    }
    return true;
}

struct Parsed {
    int first_byte = 0;
    std::vector<std::uint8_t> payload;
};

// Reads one masked frame the way a server does and unmasks it with the reference.
bool read_frame(int fd, Parsed& out) {
    std::uint8_t h[2];
    if (!read_exact(fd, h, 2)) return false;
    out.first_byte = h[0];
    if (!(h[1] & 0x80)) return false;  // client frames must be masked
    std::uint64_t len = h[1] & 0x7F;
    if (len == 126 || len == 127) {
        std::uint8_t ext[8];
        const std::size_t n = len == 126 ? 2 : 8;
        if (!read_exact(fd, ext, n)) return false;
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = (len << 8) | ext[i];
    }
    std::uint8_t key[4];
    if (!read_exact(fd, key, 4)) return false;
    out.payload.resize(len);
    if (len && !read_exact(fd, out.payload.data(), len)) return false;
    reference_mask(out.payload.data(), out.payload.size(), key);
    return true;
}

}  // namespace

class WsFrameTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WsFrameTest);
    CPPUNIT_TEST(mask_matches_the_byte_by_byte_rule);
    CPPUNIT_TEST(header_lengths_at_the_boundaries);
    CPPUNIT_TEST(frames_arrive_whole_through_a_socket);
    CPPUNIT_TEST(large_frame_survives_partial_sends);
    CPPUNIT_TEST(closed_peer_is_an_error_not_a_signal);
    CPPUNIT_TEST_SUITE_END();

public:
    void mask_matches_the_byte_by_byte_rule() {
        const std::uint32_t key = 0xA1B2C3D4u;
        std::uint8_t key_bytes[4];
        std::memcpy(key_bytes, &key, 4);
        const auto source = pattern(80);
        // Every length up to a few words, from every alignment of the start.
        for (std::size_t offset = 0; offset < 8; ++offset) {
            for (std::size_t n = 0; n + offset <= source.size(); ++n) {
                std::vector<std::uint8_t> fast(source), slow(source);
                mask_payload(fast.data() + offset, n, key);
                reference_mask(slow.data() + offset, n, key_bytes);
                CPPUNIT_ASSERT_MESSAGE("offset " + std::to_string(offset) + " length " + std::to_string(n), fast == slow);
                mask_payload(fast.data() + offset, n, key);
                CPPUNIT_ASSERT(fast == source);  // masking twice restores the bytes
            }
        }
    }

    void header_lengths_at_the_boundaries() {
        std::uint8_t h[kMaxClientHeader];
        const std::uint32_t key = 0x04030201u;
        struct Case {
            std::uint64_t size;
            std::vector<std::uint8_t> length_bytes;
        };
        const std::vector<Case> cases = {
            {0, {0x80}},
            {125, {0x80 | 125}},
            {126, {0x80 | 126, 0x00, 0x7E}},
            {65535, {0x80 | 126, 0xFF, 0xFF}},
            {65536, {0x80 | 127, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}},
            {0x123456789Aull, {0x80 | 127, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 0x9A}},
        };
        for (const auto& c : cases) {
            const std::size_t n = client_frame_header(h, 0x82, c.size, key);
            CPPUNIT_ASSERT_EQUAL(1 + c.length_bytes.size() + 4, n);
            CPPUNIT_ASSERT_EQUAL(0x82, static_cast<int>(h[0]));
            CPPUNIT_ASSERT(std::vector<std::uint8_t>(h + 1, h + 1 + c.length_bytes.size()) == c.length_bytes);
            CPPUNIT_ASSERT_EQUAL(0, std::memcmp(h + n - 4, &key, 4));
        }
    }

    void frames_arrive_whole_through_a_socket() {
        int sv[2];
        CPPUNIT_ASSERT_EQUAL(0, ::socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
        for (std::size_t n : {0u, 1u, 125u, 126u, 1000u, 70000u}) {
            const auto source = pattern(n);
            auto wire = source;
            int result = -1;
            std::thread writer([&] { result = send_client_frame(sv[0], 0x81, wire.data(), wire.size(), 0x5A5AA5A5u); });
            Parsed got;
            const bool ok = read_frame(sv[1], got);
            writer.join();
            CPPUNIT_ASSERT_EQUAL(0, result);
            CPPUNIT_ASSERT(ok);
            CPPUNIT_ASSERT_EQUAL(0x81, got.first_byte);
            CPPUNIT_ASSERT(got.payload == source);
        }
        ::close(sv[0]);
        ::close(sv[1]);
    }

    void large_frame_survives_partial_sends() {
        int sv[2];
        CPPUNIT_ASSERT_EQUAL(0, ::socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
        int small = 4096;  // a small send buffer forces many partial sendmsg calls
        ::setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        const auto source = pattern(8u << 20);
        auto wire = source;
        int result = -1;
        std::thread writer([&] { result = send_client_frame(sv[0], 0x82, wire.data(), wire.size(), 0x01020304u); });
        Parsed got;
        const bool ok = read_frame(sv[1], got);
        writer.join();
        CPPUNIT_ASSERT_EQUAL(0, result);
        CPPUNIT_ASSERT(ok);
        CPPUNIT_ASSERT(got.payload == source);
        ::close(sv[0]);
        ::close(sv[1]);
    }

    void closed_peer_is_an_error_not_a_signal() {
        int sv[2];
        CPPUNIT_ASSERT_EQUAL(0, ::socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
        ::close(sv[1]);
        auto payload = pattern(10);
        // MSG_NOSIGNAL: the caller's thread gets EPIPE instead of a process-killing SIGPIPE.
        CPPUNIT_ASSERT_EQUAL(EPIPE, send_client_frame(sv[0], 0x81, payload.data(), payload.size(), 1u));
        ::close(sv[0]);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WsFrameTest);
