// Bulk column readers. See column_bits.hpp.
#include "column_bits.hpp"

#include <array>
#include <cstring>

namespace taoslink_py {
namespace {

// TDengine bitmap byte -> Arrow validity byte: bit order reversed and inverted.
constexpr std::array<std::uint8_t, 256> make_validity_table() {
    std::array<std::uint8_t, 256> t{};
    for (unsigned b = 0; b < 256; ++b) {
        unsigned r = 0;
        for (unsigned i = 0; i < 8; ++i)
            if (b & (0x80u >> i)) r |= 1u << i;
        t[b] = static_cast<std::uint8_t>(~r & 0xFF);
    }
    return t;
}
constexpr auto kValidity = make_validity_table();

// TDengine bitmap byte -> eight 0/1 bytes in row order, as one little-endian 64-bit word.
constexpr std::array<std::uint64_t, 256> make_bytes_table() {
    std::array<std::uint64_t, 256> t{};
    for (unsigned b = 0; b < 256; ++b) {
        std::uint64_t w = 0;
        for (unsigned i = 0; i < 8; ++i)
            if (b & (0x80u >> i)) w |= std::uint64_t{1} << (8 * i);
        t[b] = w;
    }
    return t;
}
constexpr auto kNullBytes = make_bytes_table();

}  // namespace

bool any_null(const taoslink::ColumnView& col, std::size_t begin, std::size_t end) noexcept {
    if (begin >= end) return false;
    if (col.is_var()) {
        for (std::size_t r = begin; r < end; ++r)
            if (col.is_null(r)) return true;
        return false;
    }
    const std::uint8_t* bm = col.null_bitmap();
    std::size_t r = begin;
    for (; r < end && (r & 7); ++r)
        if (col.is_null(r)) return true;
    for (; r + 8 <= end; r += 8)
        if (bm[r >> 3]) return true;
    for (; r < end; ++r)
        if (col.is_null(r)) return true;
    return false;
}

void null_bytes(const taoslink::ColumnView& col, std::size_t begin, std::size_t end, std::uint8_t* out) noexcept {
    std::size_t r = begin;
    if (!col.is_var()) {
        const std::uint8_t* bm = col.null_bitmap();
        for (; r < end && (r & 7); ++r) *out++ = col.is_null(r);
        for (; r + 8 <= end; r += 8, out += 8) std::memcpy(out, &kNullBytes[bm[r >> 3]], 8);
    }
    for (; r < end; ++r) *out++ = col.is_null(r);
}

std::size_t validity_bitmap(const taoslink::ColumnView& col, std::size_t begin, std::size_t end,
                            std::uint8_t* out) noexcept {
    const std::size_t n = end - begin;
    std::size_t nulls = 0;
    if (!col.is_var() && (begin & 7) == 0) {
        const std::uint8_t* bm = col.null_bitmap() + (begin >> 3);
        const std::size_t whole = n >> 3;
        for (std::size_t i = 0; i < whole; ++i) {
            out[i] = kValidity[bm[i]];
            nulls += static_cast<std::size_t>(__builtin_popcount(bm[i]));
        }
        if (n & 7) {
            std::uint8_t last = 0;
            for (std::size_t i = whole * 8; i < n; ++i) {
                if (col.is_null(begin + i)) {
                    ++nulls;
                } else {
                    last = static_cast<std::uint8_t>(last | (1u << (i & 7)));
                }
            }
            out[whole] = last;
        }
        return nulls;
    }
    std::memset(out, 0, (n + 7) / 8);
    for (std::size_t i = 0; i < n; ++i) {
        if (col.is_null(begin + i)) {
            ++nulls;
        } else {
            out[i >> 3] = static_cast<std::uint8_t>(out[i >> 3] | (1u << (i & 7)));
        }
    }
    return nulls;
}

bool valid_utf8(const std::uint8_t* s, std::size_t n) noexcept {
    std::size_t i = 0;
    while (i < n) {
        // ASCII runs eight bytes at a time.
        if (i + 8 <= n) {
            std::uint64_t w;
            std::memcpy(&w, s + i, 8);
            if ((w & 0x8080808080808080ull) == 0) {
                i += 8;
                continue;
            }
        }
        const std::uint8_t c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        std::uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n) return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        const std::uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

long ucs4_to_utf8(const std::uint8_t* s, std::size_t n, std::uint8_t* out) noexcept {
    if (n % 4) return -1;
    std::uint8_t* o = out;
    for (std::size_t i = 0; i < n; i += 4) {
        std::uint32_t cp;
        std::memcpy(&cp, s + i, 4);  // little-endian hosts only, as the rest of the extension
        if (cp < 0x80) {
            *o++ = static_cast<std::uint8_t>(cp);
        } else if (cp < 0x800) {
            *o++ = static_cast<std::uint8_t>(0xC0 | (cp >> 6));
            *o++ = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            if (cp >= 0xD800 && cp <= 0xDFFF) return -1;
            *o++ = static_cast<std::uint8_t>(0xE0 | (cp >> 12));
            *o++ = static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F));
            *o++ = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
        } else if (cp <= 0x10FFFF) {
            *o++ = static_cast<std::uint8_t>(0xF0 | (cp >> 18));
            *o++ = static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 0x3F));
            *o++ = static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F));
            *o++ = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
        } else {
            return -1;
        }
    }
    return static_cast<long>(o - out);
}

}  // namespace taoslink_py
