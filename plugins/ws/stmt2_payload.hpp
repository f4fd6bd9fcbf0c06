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

/// The same frame as stmt2_bind_frame(req_id 0, stmt_id, encode_stmt2_payload(tables), col_idx),
/// written in one pass into one buffer (the payload is most of a bind's bytes); the caller sets
/// the request id with set_request_id once it has one. `buffer` lends its capacity (see
/// WsClient::take_frame_buffer). Throws as encode_stmt2_payload.
std::string encode_stmt2_bind_frame(std::uint64_t stmt_id, const std::vector<Stmt2Table>& tables,
                                    std::int32_t col_idx = -1, std::string buffer = {});

/// Overwrites the req_id (the first u64) of a binary request frame.
void set_request_id(std::string& frame, std::uint64_t req_id);

}  // namespace taoslink::ws
