// Client-to-server WebSocket frames (RFC 6455 §5.2) written straight to a plain socket, so the
// thread that makes a request sends it itself instead of waking the I/O thread to do it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace taoslink::ws {

/// Longest header of a masked client frame: 2 bytes, an 8-byte length, the 4-byte mask key.
constexpr std::size_t kMaxClientHeader = 14;

/// XORs `data` with the mask `key` (its 4 bytes as they go on the wire), 8 bytes at a time.
void mask_payload(std::uint8_t* data, std::size_t size, std::uint32_t key) noexcept;

/// Writes the header of a masked client frame into `out` (kMaxClientHeader bytes of room):
/// `flags` is FIN | opcode as in Poco's WebSocket::SendFlags. Returns the header's length.
std::size_t client_frame_header(std::uint8_t* out, int flags, std::uint64_t size, std::uint32_t key) noexcept;

/// Masks `payload` in place and sends header and payload on the blocking socket `fd` without
/// copying them. Returns 0, or the errno of the failed send (EAGAIN: the send timeout passed).
int send_client_frame(int fd, int flags, std::uint8_t* payload, std::size_t size, std::uint32_t key) noexcept;

}  // namespace taoslink::ws
