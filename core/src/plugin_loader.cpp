// Loading transport plugins. Rules (style.md): RTLD_NOW | RTLD_LOCAL; check the descriptor's
// version, size and build tag before trusting anything else; never unload a library, because
// transports, vtables and exception types from it may be referenced until the process exits.
#include "plugin_loader.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <boost/dll/shared_library.hpp>

#include "build_config.hpp"
#include "taoslink/error.hpp"
#include "taoslink/plugin.hpp"

namespace taoslink::detail {

namespace fs = std::filesystem;

namespace {

struct Registry {
    std::recursive_mutex mutex;
    std::vector<std::unique_ptr<LoadedPlugin>> plugins;  // unique_ptr: references stay valid
    std::vector<boost::dll::shared_library> libraries;   // kept loaded for the process lifetime
};

// Intentionally leaked: destroying it at exit would unload libraries whose code may still run
// (static destructors of other libraries, detached threads).
Registry& registry() {
    static Registry* r = new Registry;
    return *r;
}

std::string describe_file(const std::string& path) { return "plugin " + path; }

}  // namespace

fs::path core_library_dir() {
    Dl_info info{};
    // Any function defined in this library resolves to the library's own file.
    if (dladdr(reinterpret_cast<void*>(&core_library_dir), &info) != 0 && info.dli_fname && *info.dli_fname) {
        std::error_code ec;
        fs::path file = fs::absolute(info.dli_fname, ec);
        if (!ec) return file.parent_path();
    }
    return {};
}

std::vector<std::string> plugin_search_path() {
    std::vector<std::string> dirs;
    auto add = [&](const fs::path& p) {
        if (p.empty()) return;
        std::string s = p.lexically_normal().string();
        if (s.size() > 1 && s.back() == '/') s.pop_back();
        if (std::find(dirs.begin(), dirs.end(), s) == dirs.end()) dirs.push_back(std::move(s));
    };
    if (const char* env = std::getenv("TAOSLINK_PLUGIN_PATH"); env && *env) {
        std::string_view list(env);
        std::size_t start = 0;
        while (true) {
            auto colon = list.find(':', start);
            add(fs::path(std::string(list.substr(start, colon == std::string_view::npos ? colon : colon - start))));
            if (colon == std::string_view::npos) break;
            start = colon + 1;
        }
    }
    const fs::path core = core_library_dir();
    add(core);
    if (!core.empty()) add(core / TAOSLINK_PLUGIN_SUBDIR);
    add(fs::path(TAOSLINK_INSTALL_PLUGIN_DIR));
    return dirs;
}

std::string plugin_file_name(std::string_view plugin) {
    return TAOSLINK_PLUGIN_FILE_PREFIX + std::string(plugin) + TAOSLINK_PLUGIN_FILE_SUFFIX;
}

std::optional<std::string> try_find_plugin_file(std::string_view plugin, const std::vector<std::string>& dirs) {
    // A plugin name is a file-name fragment, never a path: only the search path decides the folder.
    if (plugin.empty() || plugin.find_first_of("/\\") != std::string_view::npos) return std::nullopt;
    const std::string file = plugin_file_name(plugin);
    for (const auto& dir : dirs) {
        const fs::path candidate = fs::path(dir) / file;
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) return candidate.string();
    }
    return std::nullopt;
}

std::vector<std::string> available_plugin_names(const std::vector<std::string>& dirs) {
    const std::string prefix = TAOSLINK_PLUGIN_FILE_PREFIX, suffix = TAOSLINK_PLUGIN_FILE_SUFFIX;
    std::vector<std::string> names;
    for (const auto& dir : dirs) {
        std::error_code ec;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string file = it->path().filename().string();
            if (file.size() <= prefix.size() + suffix.size() || file.compare(0, prefix.size(), prefix) != 0 ||
                file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
                continue;
            names.push_back(file.substr(prefix.size(), file.size() - prefix.size() - suffix.size()));
        }
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

std::string find_plugin_file(std::string_view plugin, const std::vector<std::string>& dirs) {
    if (auto found = try_find_plugin_file(plugin, dirs)) return *found;
    const std::string file = plugin_file_name(plugin);
    std::string tried;
    for (const auto& dir : dirs) tried += "\n  " + (fs::path(dir) / file).string();
    std::string msg = "transport plugin \"" + std::string(plugin) + "\" not found; tried:" +
                      (tried.empty() ? std::string(" (no directories)") : tried) +
                      "\nSet TAOSLINK_PLUGIN_PATH to the directory holding " + file + ".";
    if (plugin == "taos-native")
        msg += " The native plugin also needs TDengine's client library (libtaos); without it, connect to "
               "taosAdapter with http:// (REST) or ws:// (WebSocket) instead.";
    throw PluginError(std::move(msg));
}

const LoadedPlugin& load_plugin(const std::string& path_text, std::string_view expected_name) {
    Registry& reg = registry();
    std::lock_guard lock(reg.mutex);

    std::error_code ec;
    fs::path path = fs::absolute(path_text, ec);  // never let dlopen search LD_LIBRARY_PATH
    if (ec) path = path_text;
    const fs::path canonical = fs::weakly_canonical(path, ec);
    const std::string key = ec ? path.string() : canonical.string();
    for (const auto& p : reg.plugins) {
        if (p->path == key) {
            if (!expected_name.empty() && p->name != expected_name)
                throw PluginError(describe_file(key) + " calls itself \"" + p->name + "\", expected \"" +
                                  std::string(expected_name) + "\"");
            return *p;
        }
    }
    const std::string who = describe_file(key);
    if (!fs::exists(path, ec)) throw PluginError(who + " does not exist");

    boost::dll::shared_library lib;
    try {
        lib.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        // Boost's message carries dlerror(): missing dependencies, undefined symbols, wrong ELF class.
        throw PluginError(who + " could not be loaded: " + e.what());
    }
    if (!lib.has(TAOSLINK_PLUGIN_ENTRY_SYMBOL))
        throw PluginError(who + " does not export " TAOSLINK_PLUGIN_ENTRY_SYMBOL "; is it a taoslink plugin?");
    auto entry = lib.get<int(std::uint32_t, taoslink_plugin_descriptor*)>(TAOSLINK_PLUGIN_ENTRY_SYMBOL);

    // A newer plugin may fill a larger descriptor than ours: give it room, zeroed, so it cannot
    // write past our buffer and unset fields read as null.
    alignas(taoslink_plugin_descriptor) unsigned char buffer[1024];
    std::memset(buffer, 0, sizeof buffer);
    auto* d = reinterpret_cast<taoslink_plugin_descriptor*>(buffer);
    int rc = 0;
    try {
        rc = entry(TAOSLINK_PLUGIN_ABI_VERSION, d);
    } catch (...) {
        throw PluginError(who + ": its entry point threw an exception, which the plugin ABI forbids");
    }
    const std::string host_abi = std::to_string(TAOSLINK_PLUGIN_ABI_VERSION);
    if (rc != 0)
        throw PluginError(who + " refused to load (entry returned " + std::to_string(rc) +
                          "); it cannot serve this libtaoslink, which speaks ABI version " + host_abi);
    if (d->abi_version != TAOSLINK_PLUGIN_ABI_VERSION)
        throw PluginError(who + " has ABI version " + std::to_string(d->abi_version) + "; this libtaoslink speaks " +
                          host_abi);
    if (d->struct_size < sizeof(taoslink_plugin_descriptor))
        throw PluginError(who + " has a descriptor of " + std::to_string(d->struct_size) +
                          " bytes; this libtaoslink needs at least " + std::to_string(sizeof(taoslink_plugin_descriptor)));
    if (d->build_tag == nullptr || std::strcmp(d->build_tag, TAOSLINK_BUILD_TAG) != 0)
        throw PluginError(who + " was built with tag \"" + std::string(d->build_tag ? d->build_tag : "(none)") +
                          "\"; this libtaoslink has \"" TAOSLINK_BUILD_TAG "\" (rebuild the plugin against this libtaoslink)");
    if (d->name == nullptr || *d->name == '\0') throw PluginError(who + " has no name");
    const std::string name = d->name;
    if (!expected_name.empty() && name != expected_name)
        throw PluginError(who + " calls itself \"" + name + "\", expected \"" + std::string(expected_name) + "\"");
    if (d->schemes == nullptr) throw PluginError(who + " lists no schemes");
    if (d->create == nullptr || d->destroy == nullptr) throw PluginError(who + " has no create/destroy functions");
    std::vector<std::string> schemes;
    for (std::size_t i = 0; d->schemes[i] != nullptr; ++i) {
        if (i >= 256) throw PluginError(who + " lists more than 256 schemes (missing terminating null?)");
        std::string s = d->schemes[i];
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        schemes.push_back(std::move(s));
    }
    for (const auto& p : reg.plugins)
        if (p->name == name)
            throw PluginError(who + " is named \"" + name + "\", but a plugin of that name is already loaded from " +
                              p->path);

    char err[512] = {0};
    taoslink::Transport* raw = nullptr;
    try {
        raw = d->create(err, sizeof err);
    } catch (...) {
        std::snprintf(err, sizeof err, "create() threw an exception");
    }
    if (raw == nullptr) {
        err[sizeof err - 1] = '\0';
        throw PluginError(who + " (" + name + ") failed to create its transport: " +
                          (err[0] ? std::string(err) : std::string("no reason given")));
    }
    auto plugin = std::make_unique<LoadedPlugin>();
    plugin->name = name;
    plugin->path = key;
    plugin->version = d->version ? d->version : "";
    plugin->schemes = std::move(schemes);
    plugin->transport = std::shared_ptr<Transport>(raw, d->destroy);
    reg.libraries.push_back(std::move(lib));
    reg.plugins.push_back(std::move(plugin));
    return *reg.plugins.back();
}

const LoadedPlugin& load_plugin_by_name(std::string_view name) {
    Registry& reg = registry();
    std::lock_guard lock(reg.mutex);
    for (const auto& p : reg.plugins)
        if (p->name == name) return *p;
    return load_plugin(find_plugin_file(name, plugin_search_path()), name);
}

std::vector<std::string> loaded_plugin_names() {
    Registry& reg = registry();
    std::lock_guard lock(reg.mutex);
    std::vector<std::string> names;
    for (const auto& p : reg.plugins) names.push_back(p->name);
    return names;
}

}  // namespace taoslink::detail
