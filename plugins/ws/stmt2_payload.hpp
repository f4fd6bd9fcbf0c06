// The stmt2 bind payload (protocol.md §2.10.2) and its action-9 frame (§2.10.1), built from
// BindColumns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "taoslink/connection.hpp"

namespace taoslink::ws {

/// One table of a stmt2 bind: its name (when the SQL has `?` for it), its tags (one row each)
/// and its columns (the same number of rows each). For query statements: no name, no tags, one
/// one-row column per `?`.
struct Stmt2Table {
    bool has_name = false;
    std::string name;
    std::vector<BindColumn> tags;
    std::vector<BindColumn> columns;
};

/// Encodes the payload for `tables` (at least one). Every table must agree on has_name, the
/// number of tags and the number of columns; names must be non-empty without NUL. Fixed-width
/// columns are `rows × width` packed bytes (NULL rows keep their slot; an all-NULL column is sent
/// with buffer_length 0); VARCHAR, NCHAR (UTF-8, not UCS-4), JSON, VARBINARY, GEOMETRY, BLOB and
/// DECIMAL (decimal text) carry one length per row, NULL rows contributing no bytes.
/// Throws UsageError naming the table and column.
std::string encode_stmt2_payload(const std::vector<Stmt2Table>& tables);

/// Binary action 9: header (req_id, stmt_id, 9), u16 version 1, i32 col_idx (-1: all), payload.
std::string stmt2_bind_frame(std::uint64_t req_id, std::uint64_t stmt_id, const std::string& payload,
                             std::int32_t col_idx = -1);

}  // namespace taoslink::ws
