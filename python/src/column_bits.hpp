// Bulk readers of block columns for the columnar exports (numpy, Arrow): NULL masks, Arrow
// validity bitmaps and text re-encoding, each a tight loop without Python.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <taoslink/block.hpp>

namespace taoslink_py {

/// Whether any of rows [begin, end) of `col` is NULL.
bool any_null(const taoslink::ColumnView& col, std::size_t begin, std::size_t end) noexcept;

/// Writes one byte per row of [begin, end) to `out`: 1 where the row is NULL, 0 otherwise.
void null_bytes(const taoslink::ColumnView& col, std::size_t begin, std::size_t end, std::uint8_t* out) noexcept;

/// Writes Arrow's validity bitmap of rows [begin, end) to `out` ((end-begin+7)/8 bytes; bit i
/// of byte i/8, least significant first, is 1 where row begin+i is valid). TDengine's bitmap
/// is the opposite on both counts (most significant bit first, 1 = NULL). Returns the NULLs.
std::size_t validity_bitmap(const taoslink::ColumnView& col, std::size_t begin, std::size_t end,
                            std::uint8_t* out) noexcept;

/// Whether `s[0, n)` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool valid_utf8(const std::uint8_t* s, std::size_t n) noexcept;

/// Appends the UTF-8 encoding of `n` bytes of UCS-4 little-endian text at `s` to `out` (which
/// has room for `n` more bytes: UTF-8 never needs more than UCS-4). Returns the bytes written, or
/// -1 when a code point is not a Unicode scalar value.
long ucs4_to_utf8(const std::uint8_t* s, std::size_t n, std::uint8_t* out) noexcept;

}  // namespace taoslink_py
