// Raw blocks (protocol.md §4) built from BindColumns, for stmt binary set_tags (1) and bind (2).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "taoslink/connection.hpp"

namespace taoslink::ws {

/// Encodes `columns` as one raw block. Every column must have the same number of rows (> 0);
/// fixed-width data must be rows × width bytes; variable-width columns need one length per row
/// summing to the data size. NCHAR payloads are taken as UTF-8 and written as UCS-4 (as the
/// adapter requires); BLOB gets its 4-byte length prefix. Throws UsageError naming the column.
std::string encode_bind_block(const std::vector<BindColumn>& columns);

/// UTF-8 to UCS-4 little-endian. Throws UsageError on invalid UTF-8.
std::string utf8_to_ucs4(std::string_view utf8);

}  // namespace taoslink::ws
