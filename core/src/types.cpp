// The TDengine type system: sizes, names and precisions (protocol.md §5).
#include "taoslink/types.hpp"

#include <array>
#include <cctype>

namespace taoslink {

std::int64_t ticks_per_second(Precision p) noexcept {
    switch (p) {
        case Precision::Milli: return 1000;
        case Precision::Micro: return 1000000;
        case Precision::Nano: return 1000000000;
    }
    return 1000;
}

std::string_view precision_name(Precision p) noexcept {
    switch (p) {
        case Precision::Milli: return "ms";
        case Precision::Micro: return "us";
        case Precision::Nano: return "ns";
    }
    return "ms";
}

std::optional<Precision> precision_from_name(std::string_view name) noexcept {
    if (name == "ms") return Precision::Milli;
    if (name == "us" || name == "u") return Precision::Micro;
    if (name == "ns") return Precision::Nano;
    return std::nullopt;
}

bool is_var_type(TypeCode t) noexcept {
    switch (t) {
        case TypeCode::VarChar:
        case TypeCode::NChar:
        case TypeCode::Json:
        case TypeCode::VarBinary:
        case TypeCode::Blob:
        case TypeCode::MediumBlob:  // TDengine counts it as variable-width, though it never sends it
        case TypeCode::Geometry:
            return true;
        default:
            return false;
    }
}

int fixed_size(TypeCode t) noexcept {
    switch (t) {
        case TypeCode::Bool:
        case TypeCode::TinyInt:
        case TypeCode::UTinyInt:
            return 1;
        case TypeCode::SmallInt:
        case TypeCode::USmallInt:
            return 2;
        case TypeCode::Int:
        case TypeCode::UInt:
        case TypeCode::Float:
            return 4;
        case TypeCode::BigInt:
        case TypeCode::UBigInt:
        case TypeCode::Double:
        case TypeCode::Timestamp:
        case TypeCode::Decimal64:
            return 8;
        case TypeCode::Decimal:
            return 16;
        default:
            return 0;
    }
}

bool is_known_type(int code) noexcept {
    return code >= 0 && code <= static_cast<int>(TypeCode::Decimal64) &&
           code != static_cast<int>(TypeCode::MediumBlob);
}

namespace {
// Indexed by type code; the names taosAdapter writes in REST column_meta.
constexpr std::array<std::string_view, 22> kNames = {
    "NULL",    "BOOL",           "TINYINT",         "SMALLINT",         "INT",
    "BIGINT",  "FLOAT",          "DOUBLE",          "VARCHAR",          "TIMESTAMP",
    "NCHAR",   "TINYINT UNSIGNED", "SMALLINT UNSIGNED", "INT UNSIGNED", "BIGINT UNSIGNED",
    "JSON",    "VARBINARY",      "DECIMAL",         "BLOB",             "MEDIUMBLOB",
    "GEOMETRY", "DECIMAL",
};

std::string upper_trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    std::string out;
    out.reserve(s.size());
    bool space = false;
    for (char c : s) {
        // Collapse inner whitespace so "INT  UNSIGNED" still matches.
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = true;
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
    return out;
}
}  // namespace

std::string_view type_name(TypeCode t) noexcept {
    auto i = static_cast<std::size_t>(t);
    return i < kNames.size() ? kNames[i] : std::string_view("UNKNOWN");
}

std::optional<TypeCode> type_from_name(std::string_view name) noexcept {
    std::string n;
    try {
        n = upper_trimmed(name);
    } catch (...) {
        return std::nullopt;
    }
    if (n == "BINARY") return TypeCode::VarChar;
    if (n.rfind("DECIMAL", 0) == 0 && n.size() > 7) {
        // "DECIMAL(p,s)": the width follows from the precision (p > 18 needs 128 bits).
        std::string_view rest(n);
        rest.remove_prefix(7);
        if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        if (rest.size() < 3 || rest.front() != '(' || rest.back() != ')') return std::nullopt;
        rest = rest.substr(1, rest.size() - 2);
        int p = 0, digits = 0;
        std::size_t i = 0;
        while (i < rest.size() && rest[i] == ' ') ++i;
        for (; i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && digits < 3; ++i, ++digits)
            p = p * 10 + (rest[i] - '0');
        if (digits == 0 || p == 0) return std::nullopt;
        while (i < rest.size() && rest[i] == ' ') ++i;
        if (i < rest.size()) {
            if (rest[i] != ',') return std::nullopt;
            ++i;
            while (i < rest.size() && rest[i] == ' ') ++i;
            int sdigits = 0;
            for (; i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && sdigits < 3; ++i) ++sdigits;
            while (i < rest.size() && rest[i] == ' ') ++i;
            if (sdigits == 0 || i != rest.size()) return std::nullopt;
        }
        return p > 18 ? TypeCode::Decimal : TypeCode::Decimal64;
    }
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        // The plain name "DECIMAL" maps to the 128-bit type (the first match).
        if (kNames[i] == n) return static_cast<TypeCode>(i);
    }
    return std::nullopt;
}

}  // namespace taoslink
