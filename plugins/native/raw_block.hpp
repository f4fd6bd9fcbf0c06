// Reading what taosc hands out for a result or a TMQ message: its fields and its raw blocks.
//
// taos_fetch_raw_block returns a pointer into taosc's own buffer, valid only until the next fetch
// or free, while a core Block may be held longer; so every block is copied. taosc gives no size
// for that buffer, so the block's own length field is checked against the size its header and
// column lengths describe before a byte is copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "taoslink/block.hpp"
#include "taoslink/types.hpp"
#include "taosc_library.hpp"

namespace taoslink::native {

/// The columns of `res` (taos_field_count + taos_fetch_fields). TAOS_FIELD has no DECIMAL
/// precision/scale, so those stay 0 (blocks carry the scale). Throws ProtocolError for an
/// unknown type code.
Fields read_fields(const Taosc& t, TAOS_RES* res);

/// taos_result_precision as a Precision; ProtocolError for anything but 0, 1, 2.
Precision read_precision(const Taosc& t, TAOS_RES* res);

/// The size in bytes a raw block at `data` claims (its length field), after checking it against
/// what the header describes: `rows` rows (as taos_fetch_raw_block reported) of `columns` columns.
/// Throws ProtocolError when they disagree.
std::size_t checked_block_size(const void* data, int rows, std::size_t columns);

/// Checks and copies the raw block `data` of `rows` rows that taos_fetch_raw_block returned, whose
/// columns must match `fields` (ProtocolError otherwise).
std::shared_ptr<const Block> copy_block(const void* data, int rows, const Fields& fields);

/// Fetches the next raw block of `res` and returns a copy, or nullptr at the end. A taosc error
/// is thrown typed (errors.hpp); a block that does not match `fields` throws ProtocolError.
std::shared_ptr<const Block> fetch_block_copy(const Taosc& t, TAOS_RES* res, const Fields& fields);

}  // namespace taoslink::native
