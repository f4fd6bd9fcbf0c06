// The exception root and taospy's "[0x....]: message" format.
#include "taoslink/error.hpp"

#include <cstdio>

namespace taoslink {

namespace {
// TDengine's native codes are 0x8000xxxx (negative as int32); the wire and taospy use the low 16
// bits. Client codes (>= 0xE000) are already 16-bit and pass through unchanged.
int wire_code(int code) noexcept {
    if (code >= 0xE000 && code <= 0xFFFF) return code;
    return static_cast<int>(static_cast<unsigned>(code) & 0xFFFFu);
}
}  // namespace

Error::Error(int code, std::string message, int http_status)
    : std::runtime_error(format_error(code, message)),
      code_(wire_code(code)),
      message_(std::move(message)),
      http_status_(http_status) {}

std::string format_error(int code, const std::string& message) {
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "[0x%04x]: ", static_cast<unsigned>(wire_code(code)));
    return prefix + message;
}

}  // namespace taoslink
