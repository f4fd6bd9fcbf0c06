// Helpers shared by the taos-native tests.
#pragma once

#include <string_view>

inline bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// Asserts that `expr` throws E (or a subclass) and binds it to `var` for checks.
#define EXPECT_THROW_AS(E, expr, var, checks)                                \
    do {                                                                     \
        bool thrown_ = false;                                                \
        try {                                                                \
            (void)(expr);                                                    \
        } catch (const E& var) {                                             \
            thrown_ = true;                                                  \
            checks;                                                          \
        }                                                                    \
        CPPUNIT_ASSERT_MESSAGE("expected " #E " from " #expr, thrown_);      \
    } while (0)
