#include "taosc_library.hpp"

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <type_traits>

#include <boost/dll/shared_library.hpp>

#include "taoslink/error.hpp"

namespace taoslink::native {

namespace fs = std::filesystem;

bool Taosc::has_stmt2() const noexcept {
    return taos_stmt2_init && taos_stmt2_prepare && taos_stmt2_bind_param && taos_stmt2_exec && taos_stmt2_is_insert &&
           taos_stmt2_result && taos_stmt2_error && taos_stmt2_close;
}

namespace {

constexpr const char* kBareName = "libtaos.so";

/// The dlerror() text inside Boost.DLL's message (no such file, wrong ELF class, missing
/// dependency), without Boost's wrapping and its unrelated errno text.
std::string dlerror_text(const std::string& boost_message) {
    const std::string marker = "dlerror system message: ";
    const auto at = boost_message.find(marker);
    if (at == std::string::npos) return boost_message;
    const auto begin = at + marker.size();
    const auto end = boost_message.rfind("):");
    return boost_message.substr(begin, end != std::string::npos && end > begin ? end - begin : std::string::npos);
}
constexpr const char* kAdvice = "use ws:// or http:// (taosAdapter) to connect without taosc";

struct Loaded {
    boost::dll::shared_library library;  // kept for the process lifetime (never unloaded)
    std::shared_ptr<const Taosc> table;
    std::string canonical;  // the file, resolved, for comparing later requests
};

struct State {
    std::mutex mutex;
    std::unique_ptr<Loaded> loaded;
};

// Leaked on purpose: unloading taosc at exit while its threads still run crashes.
State& state() {
    static State* s = new State;
    return *s;
}

std::string canonical_of(const std::string& path) {
    std::error_code ec;
    auto c = fs::weakly_canonical(path, ec);
    return ec ? path : c.string();
}

// The file the dynamic linker actually opened (for a bare name), via the library's location.
std::string location_of(const boost::dll::shared_library& lib, const std::string& fallback) {
    try {
        return lib.location().string();
    } catch (const std::exception&) {
        return fallback;
    }
}

std::unique_ptr<Loaded> resolve(boost::dll::shared_library lib, const std::string& path) {
    auto t = std::make_shared<Taosc>();
    std::string missing;
#define TAOSLINK_TAOSC_REQUIRED(ret, name, params)                                 \
    if (lib.has(#name)) {                                                          \
        t->name = &lib.get<std::remove_pointer_t<decltype(t->name)>>(#name);       \
    } else {                                                                       \
        missing += missing.empty() ? #name : ", " #name;                           \
    }
#define TAOSLINK_TAOSC_OPTIONAL(ret, name, params) \
    if (lib.has(#name)) t->name = &lib.get<std::remove_pointer_t<decltype(t->name)>>(#name);
    TAOSC_REQUIRED_FUNCTIONS(TAOSLINK_TAOSC_REQUIRED)
    TAOSC_OPTIONAL_FUNCTIONS(TAOSLINK_TAOSC_OPTIONAL)
#undef TAOSLINK_TAOSC_REQUIRED
#undef TAOSLINK_TAOSC_OPTIONAL
    if (!missing.empty()) {
        throw PluginError(path + " is not a usable TDengine 3.x client library: it lacks " + missing + "; " + kAdvice);
    }
    const char* info = t->taos_get_client_info();
    t->client_version = info ? info : "";
    t->path = path;
    check_client_version(t->client_version, path);
    auto out = std::make_unique<Loaded>();
    out->library = std::move(lib);
    out->canonical = canonical_of(path);
    out->table = std::move(t);
    return out;
}

}  // namespace

void check_client_version(const std::string& client_info, const std::string& path) {
    std::size_t digits = 0;
    while (digits < client_info.size() && client_info[digits] >= '0' && client_info[digits] <= '9') ++digits;
    if (digits == 0) return;  // not a number we can judge; let the server decide
    const int major = std::atoi(client_info.substr(0, digits).c_str());
    if (major < 3) {
        throw PluginError(path + " is TDengine client " + client_info +
                          "; taos-native needs a 3.x client (the 2.x API and wire protocol differ). Install "
                          "TDengine 3.x's client, or " + kAdvice);
    }
}

std::vector<std::string> libtaos_candidates(const std::string& explicit_path) {
    if (!explicit_path.empty()) return {explicit_path};
    if (const char* env = std::getenv("TAOSLINK_LIBTAOS"); env && *env) return {env};
    return {kBareName, "/usr/local/taos/driver/libtaos.so", "/usr/lib/libtaos.so"};
}

std::shared_ptr<const Taosc> load_taosc(const std::string& explicit_path) {
    State& s = state();
    std::lock_guard lock(s.mutex);
    if (s.loaded) {
        if (!explicit_path.empty() && canonical_of(explicit_path) != s.loaded->canonical) {
            throw UsageError(code::InvalidArgument,
                             "libtaos=" + explicit_path + " asks for another taosc than the one this process has "
                             "loaded (" + s.loaded->table->path + "); a process can use only one");
        }
        return s.loaded->table;
    }
    std::string tried;
    for (const auto& candidate : libtaos_candidates(explicit_path)) {
        const bool bare = candidate == kBareName;
        boost::dll::shared_library lib;
        try {
            auto mode = boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local;
            // A bare name goes to the dynamic linker's search (LD_LIBRARY_PATH, ld.so.cache).
            if (bare) mode = mode | boost::dll::load_mode::search_system_folders;
            lib.load(candidate, mode);
        } catch (const std::exception& e) {
            tried += "\n  " + candidate + (bare ? " (system library path)" : "") + ": " + dlerror_text(e.what());
            continue;
        }
        const std::string path = bare ? location_of(lib, candidate) : candidate;
        s.loaded = resolve(std::move(lib), path);
        return s.loaded->table;
    }
    throw PluginError("taos-native cannot load TDengine's client library (libtaos.so); tried:" + tried +
                      "\nInstall the TDengine client, name the file with the DSN parameter libtaos=/path/to/libtaos.so "
                      "or the environment variable TAOSLINK_LIBTAOS, or " + kAdvice + ".");
}

}  // namespace taoslink::native
