// Result blocks -> the Arrow C Data Interface: one struct array (record batch) per block, and an
// ArrowArrayStream over a result handed out as a PyCapsule (the Arrow PyCapsule interface), so
// pyarrow (or any Arrow consumer) imports it without taoslink depending on Arrow.
//
// Type mapping (docs/columnar.md): integers, FLOAT, DOUBLE and BOOL as themselves; TIMESTAMP as
// timestamp[ms|us|ns, tz=UTC] by the result's precision; VARCHAR, NCHAR, JSON as utf8 (NCHAR
// re-encoded from UCS-4; text that is not valid UTF-8 is an error, never silently replaced);
// VARBINARY, GEOMETRY (WKB), BLOB as binary; DECIMAL and DECIMAL64 as decimal128(p, s); a
// NULL-typed column as Arrow's null type.
#pragma once

#include <cstddef>
#include <memory>

#include <pybind11/pybind11.h>

#include <taoslink/block.hpp>
#include <taoslink/types.hpp>

#include "arrow_c.hpp"
#include "block_feed.hpp"

namespace taoslink_py {

namespace py = pybind11;

/// Fills `out` with the schema of a result: a non-nullable struct with one nullable child per field.
void export_schema(const taoslink::Fields& fields, taoslink::Precision precision, ArrowSchema* out);

/// Fills `out` with rows [begin, rows) of `block` as a struct array matching export_schema().
/// Every buffer is owned by the array (and each child separately, as the specification
/// requires); throws taoslink::ProtocolError for text that is not valid UTF-8/UCS-4.
void export_block(const taoslink::Fields& fields, const taoslink::Block& block, std::size_t begin, ArrowArray* out);

/// A PyCapsule named "arrow_array_stream" holding a stream over `first` (from row `begin` on)
/// followed by the rest of `feed` (which may be null: no more blocks). The stream may be read
/// from any thread, without the GIL.
py::capsule make_arrow_stream(const taoslink::Fields& fields, taoslink::Precision precision,
                              std::shared_ptr<const taoslink::Block> first, std::size_t begin,
                              std::shared_ptr<BlockFeed> feed);

}  // namespace taoslink_py
