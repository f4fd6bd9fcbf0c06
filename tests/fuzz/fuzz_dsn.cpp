// DSN parser (core/src/dsn.cpp): any text either parses or throws DsnError, and what parses prints
// back (unredacted) to a DSN that parses to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "taoslink/dsn.hpp"
#include "taoslink/error.hpp"

namespace {

bool same(const taoslink::Dsn& a, const taoslink::Dsn& b) {
    if (a.scheme != b.scheme || a.user != b.user || a.password != b.password || a.database != b.database ||
        a.params != b.params || a.endpoints.size() != b.endpoints.size())
        return false;
    for (std::size_t i = 0; i < a.endpoints.size(); ++i) {
        if (a.endpoints[i].host != b.endpoints[i].host || a.endpoints[i].port != b.endpoints[i].port) return false;
    }
    return true;
}

void use_params(const taoslink::Dsn& dsn) {
    for (const auto& [key, value] : dsn.params) {
        try {
            (void)dsn.flag(key, false);
        } catch (const taoslink::DsnError&) {
        }
        try {
            if (dsn.integer(key, 0) < 0) std::abort();  // documented as non-negative
        } catch (const taoslink::DsnError&) {
        }
    }
}

void check_dsn(std::string_view text) {
    taoslink::Dsn dsn;
    try {
        dsn = taoslink::parse_dsn(text);
    } catch (const taoslink::DsnError&) {
        return;
    }
    if (dsn.endpoints.empty()) std::abort();  // documented: at least one
    use_params(dsn);
    (void)taoslink::to_string(dsn);
    const std::string printed = taoslink::to_string(dsn, false);
    taoslink::Dsn again;
    try {
        again = taoslink::parse_dsn(printed);
    } catch (const taoslink::DsnError&) {
        std::abort();  // a DSN we printed ourselves must parse
    }
    if (!same(dsn, again)) std::abort();
}

// The second form: "key=value" lines for dsn_from_options (taospy's keyword arguments).
void check_options(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> options;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        const auto eq = line.find('=');
        options.emplace_back(std::string(line.substr(0, eq)),
                             eq == std::string_view::npos ? std::string() : std::string(line.substr(eq + 1)));
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    try {
        const taoslink::Dsn dsn = taoslink::dsn_from_options("http", options);
        use_params(dsn);
        (void)taoslink::to_string(dsn);
    } catch (const taoslink::DsnError&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (text.find('\n') == std::string_view::npos) {
        check_dsn(text);
        try {
            (void)taoslink::percent_encode(taoslink::percent_decode(text));
        } catch (const taoslink::DsnError&) {
        }
    } else {
        check_options(text);
    }
    return 0;
}
