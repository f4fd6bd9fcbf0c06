// WebSocket message decoding: one complete message, as the reader thread hands it over
// (ws_messages.hpp). The first byte says which kind of frame the rest arrived as.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ws_messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    if (data[0] & 1) {
        taoslink_fuzz::binary_message(data + 1, size - 1);
    } else {
        // An empty message arrives as a null pointer (Poco's empty buffer), as it does from the socket.
        taoslink_fuzz::text_message(size == 1 ? std::string_view() : std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    }
    return 0;
}
