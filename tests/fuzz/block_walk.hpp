// Reads every value of a decoded Block, the way a consumer would, so the sanitizers see each byte
// the views point at. A view that strays outside the block's bytes is an ASan report, not a pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "taoslink/block.hpp"
#include "taoslink/types.hpp"

namespace taoslink_fuzz {

/// Returns a checksum so the reads cannot be optimised away.
inline std::uint64_t walk_block(const taoslink::Block& block) {
    std::uint64_t sum = block.rows() ^ block.group_id();
    const auto raw = block.raw();
    for (std::size_t c = 0; c < block.columns(); ++c) {
        const auto& col = block.column(c);
        if (col.rows() != block.rows()) std::abort();  // every column has the block's rows
        for (std::size_t r = 0; r < col.rows(); ++r) {
            if (col.is_null(r)) {
                ++sum;
                continue;
            }
            if (col.is_var()) {
                const auto v = col.bytes(r);
                // A value must lie inside the bytes the block claims.
                if (!v.empty() && (v.data() < raw.data() || v.data() + v.size() > raw.data() + raw.size())) std::abort();
                for (unsigned char ch : v) sum = sum * 31 + ch;
                continue;
            }
            switch (taoslink::fixed_size(col.type())) {
                case 1: sum += col.get<std::uint8_t>(r); break;
                case 2: sum += col.get<std::uint16_t>(r); break;
                case 4: sum += col.get<std::uint32_t>(r); break;
                case 8: sum += col.get<std::uint64_t>(r); break;
                case 16: {
                    const auto v = col.get<unsigned __int128>(r);
                    sum += static_cast<std::uint64_t>(v) ^ static_cast<std::uint64_t>(v >> 64);
                    if (col.type() == taoslink::TypeCode::Decimal) {
                        sum += taoslink::format_decimal(static_cast<std::uint64_t>(v), static_cast<std::int64_t>(v >> 64),
                                                        col.decimal_scale())
                                   .size();
                    }
                    break;
                }
                default: std::abort();  // a fixed-width column whose width the core does not know
            }
            if (col.type() == taoslink::TypeCode::Decimal64) {
                const auto v = col.get<std::int64_t>(r);
                sum += taoslink::format_decimal(static_cast<std::uint64_t>(v), v < 0 ? -1 : 0, col.decimal_scale()).size();
            }
        }
    }
    return sum;
}

}  // namespace taoslink_fuzz
