// Opening connections by URL scheme: the scheme names a plugin (conf/taoslink.conf), the plugin is
// loaded on first use of one of its schemes, and never before.
//
// Plugin search order, first match wins:
//   1. every directory in the environment variable TAOSLINK_PLUGIN_PATH (':'-separated);
//   2. the core library's own directory, then its `taoslink/plugins` subdirectory;
//   3. the install directory (<prefix>/<libdir>/taoslink/plugins), unless built with
//      TAOSLINK_SEARCH_INSTALL_PLUGINDIR=OFF (relocatable installs such as the Python wheel).
// The file for plugin NAME is TAOSLINK_PLUGIN_FILE_PREFIX NAME TAOSLINK_PLUGIN_FILE_SUFFIX
// ("libtaoslink-taos-rest.so"). A failure lists every path tried.
//
// The scheme map is read from the file named by TAOSLINK_CONF, else from
// <core dir>/../share/taoslink/taoslink.conf, else the copy of conf/taoslink.conf built into the
// library.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "taoslink/connection.hpp"
#include "taoslink/dsn.hpp"

namespace taoslink {

/// Opens a connection for `dsn`, loading its plugin if needed.
std::unique_ptr<Connection> connect(std::string_view dsn);
std::unique_ptr<Connection> connect(const Dsn& dsn);

/// Opens a TMQ consumer for `dsn` with the given configuration.
std::unique_ptr<Consumer> open_consumer(const Dsn& dsn, const std::map<std::string, std::string>& config);

/// The transport serving `scheme`, loading its plugin if needed. Throws PluginError/DsnError.
std::shared_ptr<Transport> transport_for(std::string_view scheme);

/// Registers a transport in-process for the given schemes (tests, static builds). It takes
/// precedence over plugins named in the scheme map.
void register_transport(const std::vector<std::string>& schemes, std::shared_ptr<Transport> transport);
/// Removes in-process registrations of these schemes.
void unregister_transport(const std::vector<std::string>& schemes);

/// Loads the plugin file at `path` explicitly (bypassing the search) and registers its schemes.
/// Returns the plugin's name.
std::string load_plugin_file(const std::string& path);

/// Names of the plugins whose files are on the search path, sorted, without loading any of them.
std::vector<std::string> available_plugins();

/// Names of the plugins loaded so far in this process, in load order.
std::vector<std::string> loaded_plugins();

/// The scheme map in force: scheme -> plugin name.
std::map<std::string, std::string> scheme_map();

/// The directories searched for plugins, in order.
std::vector<std::string> plugin_search_path();

/// The library version ("0.1.0").
std::string_view version() noexcept;

}  // namespace taoslink
