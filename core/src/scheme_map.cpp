// The scheme map is a table in conf/, not string surgery on scheme names.
#include "scheme_map.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "build_config.hpp"
#include "taoslink/error.hpp"

namespace taoslink::detail {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool valid_scheme(std::string_view s) {
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.')) return false;
    return true;
}

// Plugin names become file names: keep them to a safe alphabet (no '/', no "..").
bool valid_plugin(std::string_view s) {
    if (s.empty() || s[0] == '.') return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

}  // namespace

SchemeMap parse_scheme_map(std::string_view text, const std::string& origin) {
    SchemeMap map;
    std::size_t line_no = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto nl = text.find('\n', start);
        std::string_view line = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
        ++line_no;
        if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        line = trim(line);
        if (!line.empty()) {
            auto where = [&] { return origin + ":" + std::to_string(line_no) + ": "; };
            auto eq = line.find('=');
            if (eq == std::string_view::npos)
                throw PluginError(where() + "malformed scheme map line (expected `scheme = plugin`)");
            std::string scheme(trim(line.substr(0, eq)));
            std::string_view plugin = trim(line.substr(eq + 1));
            for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (!valid_scheme(scheme)) throw PluginError(where() + "invalid scheme \"" + scheme + "\"");
            if (!valid_plugin(plugin))
                throw PluginError(where() + "invalid plugin name \"" + std::string(plugin) + "\"");
            if (!map.emplace(scheme, std::string(plugin)).second)
                throw PluginError(where() + "scheme \"" + scheme + "\" is mapped twice");
        }
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    return map;
}

SchemeMap load_scheme_map(const std::filesystem::path& core_dir, std::string* origin) {
    auto read_file = [](const std::filesystem::path& path, bool required) -> std::optional<std::string> {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            if (required) throw PluginError("cannot read the scheme map " + path.string() + " (named by TAOSLINK_CONF)");
            return std::nullopt;
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        return ss.str();
    };
    std::filesystem::path path;
    std::optional<std::string> text;
    if (const char* env = std::getenv("TAOSLINK_CONF"); env && *env) {
        path = env;
        text = read_file(path, true);
    } else if (!core_dir.empty()) {
        path = core_dir / TAOSLINK_CONF_FROM_LIBDIR / "taoslink.conf";
        std::error_code ec;
        if (std::filesystem::is_regular_file(path, ec)) text = read_file(path, false);
    }
    const std::string used = text ? path.string() : std::string("<built-in taoslink.conf>");
    if (origin) *origin = used;
    return parse_scheme_map(text ? *text : std::string_view(kDefaultConf), used);
}

}  // namespace taoslink::detail
