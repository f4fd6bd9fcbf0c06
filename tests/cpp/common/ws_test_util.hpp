// Helpers shared by the end-to-end tests (taos-ws, and taos-native over the same simulator):
// building bind columns, draining results, counting rows, reading NCHAR.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "taoslink/connection.hpp"

namespace ws_test {

/// A fixed-width bind column from packed values (`nulls`: one flag per row, or empty).
template <class T>
taoslink::BindColumn fixed(taoslink::TypeCode type, const std::vector<T>& values, std::vector<std::uint8_t> nulls = {}) {
    taoslink::BindColumn c;
    c.type = type;
    c.rows = values.size();
    c.is_null = std::move(nulls);
    c.data.resize(values.size() * sizeof(T));
    std::memcpy(c.data.data(), values.data(), c.data.size());
    return c;
}

/// A variable-width bind column (UTF-8 text or bytes).
inline taoslink::BindColumn var(taoslink::TypeCode type, const std::vector<std::string>& values,
                                std::vector<std::uint8_t> nulls = {}) {
    taoslink::BindColumn c;
    c.type = type;
    c.rows = values.size();
    c.is_null = std::move(nulls);
    for (const auto& v : values) {
        c.lengths.push_back(static_cast<std::int32_t>(v.size()));
        c.data.insert(c.data.end(), v.begin(), v.end());
    }
    return c;
}

/// Every block of a result.
inline std::vector<std::shared_ptr<const taoslink::Block>> all_blocks(taoslink::Result& r) {
    std::vector<std::shared_ptr<const taoslink::Block>> out;
    while (auto b = r.next_block()) out.push_back(b);
    return out;
}

/// The first value of the first block of `sql` (a `select count(*)`), -1 when no block comes.
inline std::int64_t count_rows(taoslink::Connection& c, const std::string& sql) {
    auto r = c.query(sql);
    auto b = r->next_block();
    return b ? b->column(0).get<std::int64_t>(0) : -1;
}

/// UTF-8 text of an NCHAR value as raw blocks carry it (UCS-4 little-endian).
inline std::string ucs4_to_utf8(std::string_view b) {
    std::string out;
    for (std::size_t i = 0; i + 4 <= b.size(); i += 4) {
        std::uint32_t cp;
        std::memcpy(&cp, b.data() + i, 4);
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 63));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 63));
            out += static_cast<char>(0x80 | (cp & 63));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 63));
            out += static_cast<char>(0x80 | ((cp >> 6) & 63));
            out += static_cast<char>(0x80 | (cp & 63));
        }
    }
    return out;
}

}  // namespace ws_test
