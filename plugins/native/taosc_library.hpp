// taosc (libtaos.so) as a table of function pointers, and the loader that fills it once per
// process. Every call into taosc goes through a `const Taosc&`, never a global symbol, so tests
// hand the plugin a table of their own functions instead of a library (style.md "A seam around
// libtaos").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "taosc_api.hpp"

namespace taoslink::native {

/// One member per entry of taosc_api.hpp's tables. Required members are never null in a loaded
/// table; optional ones are null when the library predates them.
struct Taosc {
#define TAOSLINK_TAOSC_MEMBER(ret, name, params) ret(*name) params = nullptr;
    TAOSC_REQUIRED_FUNCTIONS(TAOSLINK_TAOSC_MEMBER)
    TAOSC_OPTIONAL_FUNCTIONS(TAOSLINK_TAOSC_MEMBER)
#undef TAOSLINK_TAOSC_MEMBER

    std::string path;            ///< the file the table came from; empty for hand-made tables
    std::string client_version;  ///< taos_get_client_info() at load time

    /// Whether every taos_stmt2_* function is present (taosc >= 3.3.3.0).
    bool has_stmt2() const noexcept;
};

/// Where the loader looks, in order, for the given `libtaos=` value (empty: none): the DSN's file,
/// else $TAOSLINK_LIBTAOS, else "libtaos.so" by the dynamic linker's search, then TDengine's
/// install folders. A file the user names is used alone: never silently another taosc.
std::vector<std::string> libtaos_candidates(const std::string& explicit_path);

/// The process's taosc, loaded by the first call and never unloaded. Later calls return the same
/// table; one naming a different file than the loaded one throws UsageError saying which is
/// loaded. Throws PluginError listing every path tried and why it failed, naming the missing
/// required symbols of a library that lacks some, or refusing a 2.x client.
std::shared_ptr<const Taosc> load_taosc(const std::string& explicit_path = "");

/// Throws PluginError unless `client_info` (taos_get_client_info()) is a 3.x (or later) version.
void check_client_version(const std::string& client_info, const std::string& path);

}  // namespace taoslink::native
