#include "bind_rows.hpp"

namespace taoslink::plugin {

void append_rows(BindColumn& into, const BindColumn& more) {
    const bool into_nulls = !into.is_null.empty(), more_nulls = !more.is_null.empty();
    if (into_nulls || more_nulls) {
        // Flags of the wrong length stay wrong, for the bind's own check to report.
        if (!into_nulls) into.is_null.assign(into.rows, 0);
        if (more_nulls) into.is_null.insert(into.is_null.end(), more.is_null.begin(), more.is_null.end());
        else into.is_null.insert(into.is_null.end(), more.rows, 0);
    }
    into.data.insert(into.data.end(), more.data.begin(), more.data.end());
    into.lengths.insert(into.lengths.end(), more.lengths.begin(), more.lengths.end());
    into.rows += more.rows;
}

}  // namespace taoslink::plugin
