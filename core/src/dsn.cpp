// DSN parsing and printing: scheme://[user[:password]@]host[:port][,host[:port]...][/database][?k=v&...]
//
// Parsing is a pure function. Rules worth knowing:
//  - the authority ends at the first '/' or '?'; the userinfo ends at the LAST '@' inside it, so an
//    unescaped '@' in a password still works (':' in a password is fine too; '/', '?' and '%'
//    must be written %2F, %3F, %25);
//  - '+' is a literal plus, not a space;
//  - a duplicate query key is an error rather than "last wins", so a typo cannot silently drop a
//    setting;
//  - no error message ever contains the password or a secret parameter's value.
#include "taoslink/dsn.hpp"

#include <algorithm>
#include <cctype>

#include "taoslink/error.hpp"

namespace taoslink {

namespace {

// Query parameters whose values are secrets: redacted by to_string() and kept out of errors.
bool is_secret_param(std::string_view key) {
    return key == "token" || key == "bearer_token" || key == "password" || key == "totp_code";
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes `text`, naming `what` on error; for secrets the offending escape is not quoted.
std::string decode_part(std::string_view text, std::string_view what, bool secret) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '%') {
            out.push_back(c);
            continue;
        }
        int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
        int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            std::string msg = "invalid percent-escape";
            if (!secret) msg += " \"" + std::string(text.substr(i, 3)) + "\"";
            msg += " in ";
            msg += what;
            msg += " of DSN";
            throw DsnError(std::move(msg));
        }
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

bool is_unreserved(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
}

// Percent-encodes everything except unreserved characters and `extra`.
std::string encode_part(std::string_view text, std::string_view extra) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (is_unreserved(c) || extra.find(c) != std::string_view::npos) {
            out.push_back(c);
        } else {
            auto u = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 15]);
        }
    }
    return out;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string parse_scheme(std::string_view s) {
    if (s.empty()) throw DsnError("empty scheme in DSN");
    std::string out;
    for (char c : s) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'))
            throw DsnError("invalid scheme " + quoted(s) + " in DSN (letters, digits, '+', '-', '.' only)");
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (!std::isalpha(static_cast<unsigned char>(out[0])))
        throw DsnError("invalid scheme " + quoted(s) + " in DSN (must start with a letter)");
    return out;
}

std::uint16_t parse_port(std::string_view s) {
    // At most 5 digits keeps the arithmetic trivially in range.
    bool ok = !s.empty() && s.size() <= 5 &&
              std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    unsigned v = 0;
    if (ok) {
        for (char c : s) v = v * 10 + static_cast<unsigned>(c - '0');
        ok = v >= 1 && v <= 65535;
    }
    // Only a digit string is quoted: anything else may be part of a mistyped password.
    if (!ok) {
        const bool digits = !s.empty() && s.size() <= 12 &&
                            std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
        throw DsnError(digits ? "invalid port " + quoted(s) + " in DSN"
                              : std::string("invalid port in DSN (expected a number from 1 to 65535)"));
    }
    return static_cast<std::uint16_t>(v);
}

void check_host_name(std::string_view h) {
    for (char c : h) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
            throw DsnError("invalid host " + quoted(h) + " in DSN");
    }
}

void check_ipv6(std::string_view h) {
    bool ok = !h.empty() && h.find(':') != std::string_view::npos;
    for (char c : h)
        if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) ok = false;
    if (!ok) throw DsnError("invalid IPv6 address [" + std::string(h) + "] in DSN");
}

Endpoint parse_endpoint(std::string_view s) {
    Endpoint ep;
    if (!s.empty() && s.front() == '[') {
        auto close = s.find(']');
        if (close == std::string_view::npos) throw DsnError("unterminated IPv6 address " + quoted(s) + " in DSN");
        ep.host = std::string(s.substr(1, close - 1));
        check_ipv6(ep.host);
        auto rest = s.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') throw DsnError("unexpected text after IPv6 address in " + quoted(s) + " in DSN");
            ep.port = parse_port(rest.substr(1));
        }
        return ep;
    }
    auto colon = s.find(':');
    if (colon != std::string_view::npos && s.find(':', colon + 1) != std::string_view::npos)
        throw DsnError("invalid host " + quoted(s) + " in DSN (write IPv6 addresses in brackets: [::1]:6041)");
    ep.host = std::string(s.substr(0, colon));
    check_host_name(ep.host);
    if (colon != std::string_view::npos) ep.port = parse_port(s.substr(colon + 1));
    return ep;
}

std::vector<Endpoint> parse_endpoints(std::string_view hosts) {
    std::vector<Endpoint> eps;
    std::size_t start = 0;
    while (true) {
        auto comma = hosts.find(',', start);
        eps.push_back(parse_endpoint(hosts.substr(start, comma == std::string_view::npos ? comma : comma - start)));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (eps.size() > 1) {
        for (const auto& ep : eps)
            if (ep.host.empty()) throw DsnError("empty host in the DSN's host list " + quoted(hosts));
    }
    return eps;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::string percent_decode(std::string_view text) { return decode_part(text, "text", false); }

std::string percent_encode(std::string_view text) { return encode_part(text, ""); }

Dsn parse_dsn(std::string_view text) {
    Dsn dsn;
    auto sep = text.find("://");
    if (sep == std::string_view::npos) throw DsnError("missing \"scheme://\" in DSN");
    dsn.scheme = parse_scheme(text.substr(0, sep));
    std::string_view rest = text.substr(sep + 3);

    // Split off the query first: '?' cannot appear unescaped anywhere before it.
    std::string_view query;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        query = rest.substr(q + 1);
        rest = rest.substr(0, q);
    }
    std::string_view path;
    const auto slash = rest.find('/');
    const auto at = rest.substr(0, slash).rfind('@');
    // An '@' after the first '/' is most likely a password with an unescaped '/'; no database name
    // contains '@'. Refuse without quoting anything, since the text may be a password.
    if (slash != std::string_view::npos && rest.find('@', slash) != std::string_view::npos)
        throw DsnError("unexpected '@' in the DSN's database path (write '/' in a password as %2F)");
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) path = rest.substr(slash + 1);

    if (at != std::string_view::npos) {
        std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        auto colon = userinfo.find(':');
        dsn.user = decode_part(userinfo.substr(0, colon), "the user name", false);
        if (colon != std::string_view::npos)
            dsn.password = decode_part(userinfo.substr(colon + 1), "the password", true);
    }
    dsn.endpoints = parse_endpoints(authority);

    if (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (path.find('/') != std::string_view::npos)
        throw DsnError("invalid database " + quoted(path) + " in DSN (unexpected '/')");
    dsn.database = decode_part(path, "the database", false);

    std::size_t start = 0;
    while (start <= query.size() && !query.empty()) {
        auto amp = query.find('&', start);
        std::string_view item = query.substr(start, amp == std::string_view::npos ? amp : amp - start);
        if (!item.empty()) {
            auto eq = item.find('=');
            std::string key = decode_part(item.substr(0, eq), "a parameter name", false);
            if (key.empty()) throw DsnError("empty parameter name in DSN");
            std::string value = eq == std::string_view::npos
                                    ? std::string()
                                    : decode_part(item.substr(eq + 1), "the value of parameter " + quoted(key),
                                                  is_secret_param(key));
            if (!dsn.params.emplace(key, std::move(value)).second)
                throw DsnError("duplicate parameter " + quoted(key) + " in DSN");
        }
        if (amp == std::string_view::npos) break;
        start = amp + 1;
    }
    return dsn;
}

std::string to_string(const Dsn& dsn, bool redact) {
    std::string out = dsn.scheme + "://";
    if (dsn.user || dsn.password) {
        out += encode_part(dsn.user.value_or(""), "");
        if (dsn.password) {
            out += ':';
            out += redact ? std::string("***") : encode_part(*dsn.password, "");
        }
        out += '@';
    }
    for (std::size_t i = 0; i < dsn.endpoints.size(); ++i) {
        const auto& ep = dsn.endpoints[i];
        if (i) out += ',';
        if (ep.host.find(':') != std::string::npos)
            out += "[" + ep.host + "]";
        else
            out += ep.host;
        if (ep.port) out += ":" + std::to_string(ep.port);
    }
    if (!dsn.database.empty()) out += "/" + encode_part(dsn.database, "");
    char sep = '?';
    for (const auto& [k, v] : dsn.params) {
        out += sep;
        sep = '&';
        out += encode_part(k, "");
        out += '=';
        // '/', ':' and ',' are kept readable ("timezone=Asia/Shanghai"); they are not special here.
        out += redact && is_secret_param(k) ? std::string("***") : encode_part(v, "/:,");
    }
    return out;
}

Dsn dsn_from_options(std::string_view default_scheme,
                     const std::vector<std::pair<std::string, std::string>>& options) {
    auto find = [&](std::initializer_list<std::string_view> keys) -> const std::string* {
        const std::string* found = nullptr;
        for (const auto& [k, v] : options)
            for (auto key : keys)
                if (k == key) found = &v;  // the last one given wins
        return found;
    };
    const std::string* dsn_text = find({"dsn"});
    const std::string* url = find({"url"});
    if (dsn_text && url) throw DsnError("give either \"dsn\" or \"url\", not both");

    Dsn dsn;
    if (dsn_text || url) {
        std::string base = dsn_text ? *dsn_text : *url;
        if (url) {
            // taosrest accepts "localhost:6041" and strips trailing slashes.
            while (!base.empty() && base.back() == '/') base.pop_back();
            if (base.find("://") == std::string::npos) base = std::string(default_scheme) + "://" + base;
        }
        dsn = parse_dsn(base);
    } else {
        dsn.scheme = parse_scheme(default_scheme);
        dsn.endpoints.push_back({});
    }

    for (const auto& [key, value] : options) {
        if (key == "dsn" || key == "url") continue;
        if (key == "host" || key == "ip") {
            std::string_view h = value;
            if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
            if (h.find(':') != std::string_view::npos)
                check_ipv6(h);
            else
                check_host_name(h);
            std::uint16_t port = dsn.endpoints.empty() ? 0 : dsn.endpoints.front().port;
            dsn.endpoints = {Endpoint{std::string(h), port}};
        } else if (key == "port") {
            const std::uint16_t port = parse_port(value);
            for (auto& ep : dsn.endpoints) ep.port = port;
        } else if (key == "user" || key == "username") {
            dsn.user = value;
        } else if (key == "password" || key == "pass") {
            dsn.password = value;
        } else if (key == "database" || key == "db") {
            dsn.database = value;
        } else {
            if (key.empty()) throw DsnError("empty option name");
            dsn.params[key] = value;
        }
    }
    return dsn;
}

std::optional<std::string> Dsn::param(const std::string& key) const {
    auto it = params.find(key);
    if (it == params.end()) return std::nullopt;
    return it->second;
}

std::string Dsn::param_or(const std::string& key, std::string fallback) const {
    auto it = params.find(key);
    return it == params.end() ? std::move(fallback) : it->second;
}

bool Dsn::flag(const std::string& key, bool fallback) const {
    auto it = params.find(key);
    if (it == params.end()) return fallback;
    const std::string v = lower(it->second);
    if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
    if (v == "0" || v == "false" || v == "no" || v == "off") return false;
    throw DsnError("invalid value " + (is_secret_param(key) ? std::string("***") : quoted(it->second)) +
                   " for parameter " + quoted(key) + " in DSN (expected true/false, yes/no, on/off or 1/0)");
}

std::int64_t Dsn::integer(const std::string& key, std::int64_t fallback) const {
    auto it = params.find(key);
    if (it == params.end()) return fallback;
    const std::string& v = it->second;
    // At most 18 digits always fit in int64.
    const bool ok = !v.empty() && v.size() <= 18 &&
                    std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!ok)
        throw DsnError("invalid value " + (is_secret_param(key) ? std::string("***") : quoted(v)) +
                       " for parameter " + quoted(key) + " in DSN (expected a non-negative integer)");
    std::int64_t n = 0;
    for (char c : v) n = n * 10 + (c - '0');
    return n;
}

}  // namespace taoslink
