// Text the network plugins put into their requests alike: SQL and parameter values.
#pragma once

#include <string>
#include <string_view>

#include "taoslink/connection.hpp"

namespace taoslink::plugin {

/// `name` in backquotes.
std::string quote_identifier(std::string_view name);

/// The `use` statement for Connection::select_db(db): "use `db`". Throws UsageError
/// (InvalidArgument) when `db` is empty or holds a backquote.
std::string select_db_statement(std::string_view db);

/// A schemaless request's `precision` parameter ("h", "m", "s", "ms", "u", "ns"); empty for
/// NotConfigured.
const char* schemaless_precision_text(SchemalessPrecision precision);

}  // namespace taoslink::plugin
