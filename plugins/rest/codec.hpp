// Small text codecs the REST transport needs: RFC 3339 timestamps, hex, DECIMAL strings,
// base64 and URL escaping. Pure functions, unit-tested on their own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "taoslink/types.hpp"

namespace taoslink::rest {

/// A timestamp as taosAdapter renders it: "2023-11-15T06:13:20.123+08:00".
struct ParsedTime {
    std::int64_t seconds = 0;  ///< since 1970-01-01T00:00:00Z (offset applied)
    std::uint32_t nanos = 0;   ///< fraction, in nanoseconds
    int digits = 0;            ///< fraction digits written (3, 6 or 9 from taosAdapter)
};

/// Parses "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)" (a space is accepted for 'T'). False when malformed.
bool parse_rfc3339(std::string_view text, ParsedTime& out) noexcept;

/// The precision implied by a number of fraction digits (<=3 ms, <=6 us, else ns).
Precision precision_for_digits(int digits) noexcept;

/// Converts to ticks of `p`. False when the value has more fraction digits than `p` holds or does
/// not fit in 64 bits.
bool to_ticks(const ParsedTime& t, Precision p, std::int64_t& out) noexcept;

/// Decodes hex (either case) into `out` (replaced). False on odd length or a non-hex character.
bool decode_hex(std::string_view hex, std::string& out);

/// A DECIMAL unscaled value: `text` is "[-]digits[.digits]" with at most `scale` fraction digits
/// (fewer are padded) and at most `precision` significant digits (precision 1..38).
/// Returns false when malformed or out of range.
bool parse_decimal(std::string_view text, std::uint8_t precision, std::uint8_t scale, __int128& out) noexcept;

/// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);

/// Percent-encodes everything but RFC 3986 unreserved characters (for a path segment or a query value).
std::string url_encode(std::string_view text);

/// Parses the statement `use <db>` (any case, optional backquotes, optional trailing ';').
/// Returns the database name, or an empty string when `sql` is something else.
std::string parse_use_statement(std::string_view sql);

}  // namespace taoslink::rest
