// DECIMAL column descriptors and text formatting (protocol.md §4.5, §4.6).
#include <string>

#include "taoslink/block.hpp"

namespace taoslink {

std::int32_t decimal_descriptor(std::uint8_t precision, std::uint8_t scale, std::uint8_t size) noexcept {
    // Four bytes [scale, precision, 0, size] read as a little-endian i32.
    std::uint32_t v = std::uint32_t{scale} | (std::uint32_t{precision} << 8) | (std::uint32_t{size} << 24);
    return static_cast<std::int32_t>(v);
}

std::string format_decimal(std::uint64_t low, std::int64_t high, std::uint8_t scale) {
    using u128 = unsigned __int128;
    u128 v = (static_cast<u128>(static_cast<std::uint64_t>(high)) << 64) | low;
    const bool negative = high < 0;
    // Unsigned negation gives the magnitude even for the most negative value.
    if (negative) v = ~v + 1;

    char digits[48];  // 2^127 has 39 digits
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
        v /= 10;
    } while (v != 0);

    std::string out;
    out.reserve(static_cast<std::size_t>(n) + scale + 3);
    if (negative) out.push_back('-');
    // Pad so there is at least one digit before the point.
    const int width = n > scale ? n : scale + 1;
    for (int i = width - 1; i >= 0; --i) {
        if (i == scale - 1 && scale > 0) out.push_back('.');
        out.push_back(i < n ? digits[i] : '0');
    }
    return out;
}

}  // namespace taoslink
