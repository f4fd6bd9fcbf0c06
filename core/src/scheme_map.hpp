// Private: the scheme -> plugin map (conf/taoslink.conf format) and where it is read from.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace taoslink::detail {

using SchemeMap = std::map<std::string, std::string>;

/// Parses `scheme = plugin` lines; `#` starts a comment. `origin` names the source in errors.
/// Throws PluginError("<origin>:<line>: ...") on a malformed line or a duplicate scheme.
SchemeMap parse_scheme_map(std::string_view text, const std::string& origin);

/// Reads the map from $TAOSLINK_CONF, else <core_dir>/<conf-from-libdir>/taoslink.conf, else the
/// built-in copy. Sets `origin` to the file used ("<built-in>" for the copy).
SchemeMap load_scheme_map(const std::filesystem::path& core_dir, std::string* origin = nullptr);

}  // namespace taoslink::detail
