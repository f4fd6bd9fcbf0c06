// BindColumns as the JSON arrays of stmt v1 `bind` / `set_tags` (protocol.md §2.8), for query
// statements, whose binary bind path refuses TIMESTAMP parameters.
#pragma once

#include <string>
#include <vector>

#include "taoslink/connection.hpp"

namespace taoslink::ws {

/// `[[v, v, ...], ...]`: one JSON array of row values per column (column-major, for `bind`).
/// Throws UsageError for malformed columns and for DECIMAL values (no JSON form is defined).
std::string bind_columns_json(const std::vector<BindColumn>& columns);

/// `[v, v, ...]`: row 0 of every column (for `set_tags`).
std::string bind_tags_json(const std::vector<BindColumn>& tags);

}  // namespace taoslink::ws
