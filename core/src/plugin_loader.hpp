// Private: finding, loading and vetting transport plugin files.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "taoslink/connection.hpp"

namespace taoslink::detail {

/// A plugin that passed every check. Lives (with its library) until the process exits.
struct LoadedPlugin {
    std::string name;
    std::string path;
    std::string version;
    std::vector<std::string> schemes;
    std::shared_ptr<Transport> transport;
};

/// The directory holding libtaoslink itself.
std::filesystem::path core_library_dir();

/// The plugin search path (see dispatcher.hpp), duplicates removed, in order.
std::vector<std::string> plugin_search_path();

/// "libtaoslink-<plugin>.so".
std::string plugin_file_name(std::string_view plugin);

/// The first `dirs` entry holding the plugin's file. Throws PluginError listing every path tried.
std::string find_plugin_file(std::string_view plugin, const std::vector<std::string>& dirs);

/// Like find_plugin_file, but nullopt instead of an error when no directory holds the file.
std::optional<std::string> try_find_plugin_file(std::string_view plugin, const std::vector<std::string>& dirs);

/// Loads and vets the plugin at `path` (once per file) and creates its transport. When
/// `expected_name` is non-empty the plugin must call itself that. Thread-safe.
const LoadedPlugin& load_plugin(const std::string& path, std::string_view expected_name = {});

/// The plugin called `name`: already loaded, or found on the search path and loaded now.
const LoadedPlugin& load_plugin_by_name(std::string_view name);

/// Names of the plugins whose files are in `dirs` (by file name only; nothing is loaded), sorted.
std::vector<std::string> available_plugin_names(const std::vector<std::string>& dirs);

/// Names of the plugins loaded so far, in load order.
std::vector<std::string> loaded_plugin_names();

}  // namespace taoslink::detail
