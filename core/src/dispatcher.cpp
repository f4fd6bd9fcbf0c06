// Scheme -> transport dispatch. Order: in-process registrations (register_transport and
// load_plugin_file), then the scheme map, whose plugin is loaded on first use and never before.
#include "taoslink/dispatcher.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>
#include <set>

#include "plugin_loader.hpp"
#include "scheme_map.hpp"
#include "taoslink/error.hpp"
#include "taoslink/version.hpp"

namespace taoslink {

namespace {

struct State {
    // Recursive: a plugin's create() or connect() may legitimately call back into the dispatcher.
    std::recursive_mutex mutex;
    std::map<std::string, std::shared_ptr<Transport>> registered;
    std::optional<detail::SchemeMap> scheme_map;
    std::string scheme_map_origin;
};

// Leaked like the plugin registry: transports must outlive every static destructor.
State& state() {
    static State* s = new State;
    return *s;
}

const detail::SchemeMap& scheme_map_locked(State& s) {
    if (!s.scheme_map) s.scheme_map = detail::load_scheme_map(detail::core_library_dir(), &s.scheme_map_origin);
    return *s.scheme_map;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::shared_ptr<Transport> transport_for(std::string_view scheme_text) {
    const std::string scheme = lower(scheme_text);
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (auto it = s.registered.find(scheme); it != s.registered.end()) return it->second;

    const auto& map = scheme_map_locked(s);
    auto it = map.find(scheme);
    if (it == map.end()) {
        // A scheme the map does not know is served by the plugin of the same name, so a third-party
        // plugin works by being dropped on the search path, without editing the map.
        if (auto path = detail::try_find_plugin_file(scheme, detail::plugin_search_path())) {
            const detail::LoadedPlugin& plugin = detail::load_plugin(*path, scheme);
            if (std::find(plugin.schemes.begin(), plugin.schemes.end(), scheme) != plugin.schemes.end())
                return plugin.transport;
        }
        std::set<std::string> known;
        for (const auto& [k, v] : map) known.insert(k);
        for (const auto& [k, v] : s.registered) known.insert(k);
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        throw DsnError("unknown scheme \"" + scheme + "\"; known schemes: " + list);
    }
    const detail::LoadedPlugin& plugin = detail::load_plugin_by_name(it->second);
    // The plugin is told its DSN's scheme is one it serves; hold the map to that.
    if (std::find(plugin.schemes.begin(), plugin.schemes.end(), scheme) == plugin.schemes.end()) {
        std::string served;
        for (const auto& x : plugin.schemes) served += (served.empty() ? "" : ", ") + x;
        throw PluginError("the scheme map (" + s.scheme_map_origin + ") sends \"" + scheme + "\" to plugin \"" +
                          plugin.name + "\" (" + plugin.path + "), which serves only: " + served);
    }
    return plugin.transport;
}

std::unique_ptr<Connection> connect(std::string_view dsn) { return connect(parse_dsn(dsn)); }

std::unique_ptr<Connection> connect(const Dsn& dsn) {
    auto transport = transport_for(dsn.scheme);
    auto conn = transport->connect(dsn);
    if (!conn) throw PluginError("the transport for \"" + dsn.scheme + "\" returned no connection");
    return conn;
}

std::unique_ptr<Consumer> open_consumer(const Dsn& dsn, const std::map<std::string, std::string>& config) {
    auto transport = transport_for(dsn.scheme);
    auto consumer = transport->consumer(dsn, config);
    if (!consumer) throw PluginError("the transport for \"" + dsn.scheme + "\" returned no consumer");
    return consumer;
}

void register_transport(const std::vector<std::string>& schemes, std::shared_ptr<Transport> transport) {
    if (!transport) throw UsageError(code::InvalidArgument, "register_transport: null transport");
    State& s = state();
    std::lock_guard lock(s.mutex);
    for (const auto& scheme : schemes) {
        if (scheme.empty()) throw UsageError(code::InvalidArgument, "register_transport: empty scheme");
        s.registered[lower(scheme)] = transport;
    }
}

void unregister_transport(const std::vector<std::string>& schemes) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    for (const auto& scheme : schemes) s.registered.erase(lower(scheme));
}

std::string load_plugin_file(const std::string& path) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    const detail::LoadedPlugin& plugin = detail::load_plugin(path);
    for (const auto& scheme : plugin.schemes) s.registered[scheme] = plugin.transport;
    return plugin.name;
}

std::vector<std::string> loaded_plugins() { return detail::loaded_plugin_names(); }

std::vector<std::string> available_plugins() { return detail::available_plugin_names(detail::plugin_search_path()); }

std::map<std::string, std::string> scheme_map() {
    State& s = state();
    std::lock_guard lock(s.mutex);
    return scheme_map_locked(s);
}

std::vector<std::string> plugin_search_path() { return detail::plugin_search_path(); }

std::string_view version() noexcept { return TAOSLINK_VERSION; }

}  // namespace taoslink
