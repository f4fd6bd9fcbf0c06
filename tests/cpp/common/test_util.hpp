// Small helpers shared by the C++ tests (core, taos-ws, taos-native).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "taoslink/error.hpp"

namespace test {

inline std::string unhex(std::string_view hex) {
    std::string out;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    int hi = -1;
    for (char c : hex) {
        int v = nibble(c);
        if (v < 0) continue;  // whitespace and separators
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<char>(hi * 16 + v));
            hi = -1;
        }
    }
    if (hi >= 0) throw std::logic_error("odd number of hex digits");
    return out;
}

inline std::string hex(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
    return out;
}

inline bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

/// The server error code `f` throws, or -1 when it throws none.
template <class F>
int server_code(F&& f) {
    try {
        f();
    } catch (const taoslink::ServerError& e) {
        return e.code();
    }
    return -1;
}

}  // namespace test

// Asserts that `expr` throws exactly type E (or a subclass) and binds it to `var` for checks.
#define EXPECT_THROW_AS(E, expr, var, checks)                                                    \
    do {                                                                                         \
        bool thrown_ = false;                                                                    \
        try {                                                                                    \
            (void)(expr);                                                                        \
        } catch (const E& var) {                                                                 \
            thrown_ = true;                                                                      \
            checks;                                                                              \
        }                                                                                        \
        CPPUNIT_ASSERT_MESSAGE("expected " #E " from " #expr, thrown_);                          \
    } while (0)
