// Row-wise growing of bound columns, for statements that collect several binds of one table.
#pragma once

#include "taoslink/connection.hpp"

namespace taoslink::plugin {

/// Appends `more`'s rows (NULL flags, data, lengths) to `into`. Both must have the same type: the
/// callers check it, each with its own message.
void append_rows(BindColumn& into, const BindColumn& more);

}  // namespace taoslink::plugin
