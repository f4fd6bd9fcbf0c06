#include "ws_frame.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>

namespace taoslink::ws {

void mask_payload(std::uint8_t* data, std::size_t size, std::uint32_t key) noexcept {
    // Byte i is XORed with key byte i % 4; a word loaded and stored in memory order lines up
    // with the key repeated in memory order, whatever the host's endianness.
    std::uint64_t wide;
    std::memcpy(&wide, &key, 4);
    std::memcpy(reinterpret_cast<std::uint8_t*>(&wide) + 4, &key, 4);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t v;
        std::memcpy(&v, data + i, 8);
        v ^= wide;
        std::memcpy(data + i, &v, 8);
    }
    const auto* k = reinterpret_cast<const std::uint8_t*>(&key);
    for (; i < size; ++i) data[i] ^= k[i % 4];
}

std::size_t client_frame_header(std::uint8_t* out, int flags, std::uint64_t size, std::uint32_t key) noexcept {
    std::size_t n = 0;
    out[n++] = static_cast<std::uint8_t>(flags & 0xFF);
    if (size < 126) {
        out[n++] = static_cast<std::uint8_t>(0x80 | size);
    } else if (size <= 0xFFFF) {
        out[n++] = 0x80 | 126;
        out[n++] = static_cast<std::uint8_t>(size >> 8);
        out[n++] = static_cast<std::uint8_t>(size);
    } else {
        out[n++] = 0x80 | 127;
        for (int shift = 56; shift >= 0; shift -= 8) out[n++] = static_cast<std::uint8_t>(size >> shift);
    }
    std::memcpy(out + n, &key, 4);
    return n + 4;
}

int send_client_frame(int fd, int flags, std::uint8_t* payload, std::size_t size, std::uint32_t key) noexcept {
    std::uint8_t header[kMaxClientHeader];
    const std::size_t header_size = client_frame_header(header, flags, size, key);
    mask_payload(payload, size, key);
    iovec parts[2] = {{header, header_size}, {payload, size}};
    int count = size ? 2 : 1;
    iovec* next = parts;
    while (count > 0) {
        msghdr msg{};
        msg.msg_iov = next;
        msg.msg_iovlen = static_cast<std::size_t>(count);
        const ssize_t sent = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (sent == 0) return EPIPE;  // nothing taken from a non-empty frame: the link is gone
        // Partial send: skip what went out and send the rest.
        auto left = static_cast<std::size_t>(sent);
        while (count > 0 && left >= next->iov_len) {
            left -= next->iov_len;
            ++next;
            --count;
        }
        if (count > 0) {
            next->iov_base = static_cast<std::uint8_t*>(next->iov_base) + left;
            next->iov_len -= left;
        }
    }
    return 0;
}

}  // namespace taoslink::ws
