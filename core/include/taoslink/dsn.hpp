// Data source names: scheme://[user[:password]@]host[:port][,host[:port]...][/database][?key=value&...]
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace taoslink {

struct Endpoint {
    std::string host;        ///< without IPv6 brackets; empty means the transport's default host
    std::uint16_t port = 0;  ///< 0 means the transport's default port
};

/// A parsed DSN. Plain data: parsing and printing are pure functions.
struct Dsn {
    std::string scheme;  ///< lower-cased ("http", "ws", "taos", ...)
    std::optional<std::string> user;
    std::optional<std::string> password;
    std::vector<Endpoint> endpoints;  ///< at least one (possibly with an empty host)
    std::string database;             ///< empty when none
    std::map<std::string, std::string> params;

    /// The value of a query parameter, or nullopt.
    std::optional<std::string> param(const std::string& key) const;
    /// The value of a query parameter, or `fallback`.
    std::string param_or(const std::string& key, std::string fallback) const;
    /// A boolean parameter ("1/0/true/false/yes/no/on/off"), `fallback` when absent.
    /// Throws DsnError for any other value.
    bool flag(const std::string& key, bool fallback) const;
    /// A non-negative integer parameter, `fallback` when absent. Throws DsnError otherwise.
    std::int64_t integer(const std::string& key, std::int64_t fallback) const;
};

/// Parses a DSN. Percent-escapes are decoded in user, password, database and parameter values;
/// IPv6 hosts are written in brackets. Throws DsnError naming the part that is wrong.
Dsn parse_dsn(std::string_view text);

/// Prints a DSN back. With `redact` (the default) the password and any `token` parameter become
/// "***", so the result is safe to log or show in repr().
std::string to_string(const Dsn& dsn, bool redact = true);

/// Builds a DSN from taospy-style keyword arguments (url, host, port, user, password, database,
/// token, timeout, timezone, ...). `url`, when given, is parsed as the base and the other
/// arguments override it; `default_scheme` applies when there is no url or it has no scheme.
/// Unknown keys become query parameters.
Dsn dsn_from_options(std::string_view default_scheme,
                     const std::vector<std::pair<std::string, std::string>>& options);

/// Percent-decodes `text` (throws DsnError on a broken escape) and encodes for DSN output.
std::string percent_decode(std::string_view text);
std::string percent_encode(std::string_view text);

}  // namespace taoslink
