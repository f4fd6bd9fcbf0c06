#include "codec.hpp"

#include <cctype>
#include <limits>

#include "taoslink/dsn.hpp"

namespace taoslink::rest {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) noexcept {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

bool parse_rfc3339(std::string_view s, ParsedTime& out) noexcept {
    int year, month, day, hour, minute, second;
    if (!digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
        !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, hour) ||
        s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second)) {
        return false;
    }
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
        second > 59) {
        return false;
    }
    std::size_t pos = 19;
    std::uint32_t nanos = 0;
    int ndigits = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (ndigits == 9) return false;
            nanos = nanos * 10 + static_cast<std::uint32_t>(s[pos] - '0');
            ++ndigits;
            ++pos;
        }
        if (ndigits == 0) return false;
        for (int i = ndigits; i < 9; ++i) nanos *= 10;
    }
    if (pos >= s.size()) return false;  // the zone is mandatory
    std::int64_t offset = 0;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        int oh, om;
        if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
            oh > 23 || om > 59) {
            return false;
        }
        offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return false;
    }
    if (pos != s.size()) return false;
    const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    out.seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset;
    out.nanos = nanos;
    out.digits = ndigits;
    return true;
}

Precision precision_for_digits(int d) noexcept {
    if (d <= 3) return Precision::Milli;
    if (d <= 6) return Precision::Micro;
    return Precision::Nano;
}

bool to_ticks(const ParsedTime& t, Precision p, std::int64_t& out) noexcept {
    std::int64_t per_sec;
    std::uint32_t divisor;
    int max_digits;
    switch (p) {
        case Precision::Milli: per_sec = 1000; divisor = 1000000; max_digits = 3; break;
        case Precision::Micro: per_sec = 1000000; divisor = 1000; max_digits = 6; break;
        default: per_sec = 1000000000; divisor = 1; max_digits = 9; break;
    }
    if (t.digits > max_digits) {
        // Only zeros beyond the precision are harmless (".123000" in a ms result).
        if (t.nanos % divisor != 0) return false;
    }
    std::int64_t ticks;
    if (__builtin_mul_overflow(t.seconds, per_sec, &ticks)) return false;
    if (__builtin_add_overflow(ticks, static_cast<std::int64_t>(t.nanos / divisor), &ticks)) return false;
    out = ticks;
    return true;
}

bool decode_hex(std::string_view hex, std::string& out) {
    if (hex.size() % 2 != 0) return false;
    out.resize(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hex_value(hex[2 * i]);
        const int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<char>((hi << 4) | lo);
    }
    return true;
}

bool parse_decimal(std::string_view s, std::uint8_t precision, std::uint8_t scale, __int128& out) noexcept {
    if (precision == 0 || precision > 38 || scale > precision) return false;
    std::size_t pos = 0;
    bool negative = false;
    if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) {
        negative = s[pos] == '-';
        ++pos;
    }
    unsigned __int128 v = 0;
    int significant = 0;  // digits counted against the precision (leading zeros excluded)
    int int_digits = 0, frac_digits = 0;
    for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++int_digits) {
        v = v * 10 + static_cast<unsigned>(s[pos] - '0');
        if (v != 0) ++significant;
    }
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, ++frac_digits) {
            if (frac_digits == scale) return false;  // more fraction digits than the column holds
            v = v * 10 + static_cast<unsigned>(s[pos] - '0');
            if (v != 0) ++significant;
        }
        if (frac_digits == 0) return false;
    }
    if (pos != s.size() || int_digits + frac_digits == 0) return false;
    for (int i = frac_digits; i < scale; ++i) {
        v *= 10;
        if (v != 0) ++significant;
    }
    if (significant > precision) return false;
    const auto value = static_cast<__int128>(v);  // < 10^38 < 2^127: no overflow
    out = negative ? -value : value;
    return true;
}

std::string base64_encode(std::string_view in) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        const std::uint32_t n = (std::uint32_t(std::uint8_t(in[i])) << 16) | (std::uint32_t(std::uint8_t(in[i + 1])) << 8) |
                                std::uint8_t(in[i + 2]);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += kAlphabet[(n >> 6) & 63];
        out += kAlphabet[n & 63];
    }
    const std::size_t rest = in.size() - i;
    if (rest > 0) {
        std::uint32_t n = std::uint32_t(std::uint8_t(in[i])) << 16;
        if (rest == 2) n |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string url_encode(std::string_view in) { return percent_encode(in); }  // the DSN's encoding

std::string parse_use_statement(std::string_view sql) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    std::size_t b = 0, e = sql.size();
    while (b < e && is_space(sql[b])) ++b;
    while (e > b && (is_space(sql[e - 1]) || sql[e - 1] == ';')) --e;
    sql = sql.substr(b, e - b);
    if (sql.size() < 5) return {};
    for (std::size_t i = 0; i < 3; ++i) {
        if (std::tolower(static_cast<unsigned char>(sql[i])) != "use"[i]) return {};
    }
    if (!is_space(sql[3])) return {};
    std::string_view rest = sql.substr(4);
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
    if (rest.size() >= 2 && rest.front() == '`' && rest.back() == '`') {
        rest = rest.substr(1, rest.size() - 2);
        if (rest.empty() || rest.find('`') != std::string_view::npos) return {};
        return std::string(rest);
    }
    if (rest.empty()) return {};
    for (const char c : rest) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80)) return {};
    }
    return std::string(rest);
}

}  // namespace taoslink::rest
