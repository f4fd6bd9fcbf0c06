// Integer calendar arithmetic shared by the timestamp conversions: no floating point, floor
// division so times before 1970 land on the right day.
#pragma once

#include <cstdint>

namespace taoslink_py {

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

// The remainder that goes with floor_div, in [0, b) for b > 0. Computed from a % b, not from
// a - floor_div(a, b) * b: that product leaves int64 for ticks near its ends (INT64_MIN ns).
inline std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
    const std::int64_t r = a % b;
    return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

// Days since 1970-01-01 -> proleptic Gregorian date (H. Hinnant's civil_from_days).
inline void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

// Two decimal digits of v (< 100) at p.
inline void put2(char* p, unsigned v) {
    p[0] = static_cast<char>('0' + v / 10);
    p[1] = static_cast<char>('0' + v % 10);
}

// "YYYY-MM-DD" + sep + "HH:MM:SS" of `secs` (seconds since the epoch) at p: 19 chars.
// The year must be in 0..9999.
inline void put_civil(char* p, std::int64_t secs, char sep) {
    const std::int64_t days = floor_div(secs, 86400);
    const auto sod = static_cast<unsigned>(secs - days * 86400);
    std::int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    const auto yy = static_cast<unsigned>(y);
    put2(p, yy / 100);
    put2(p + 2, yy % 100);
    p[4] = '-';
    put2(p + 5, m);
    p[7] = '-';
    put2(p + 8, d);
    p[10] = sep;
    put2(p + 11, sod / 3600);
    p[13] = ':';
    put2(p + 14, sod / 60 % 60);
    p[16] = ':';
    put2(p + 17, sod % 60);
}

// The year of `secs` (seconds since the epoch).
inline std::int64_t year_of(std::int64_t secs) {
    std::int64_t y;
    unsigned m, d;
    civil_from_days(floor_div(secs, 86400), y, m, d);
    return y;
}

}  // namespace taoslink_py
