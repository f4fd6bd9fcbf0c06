// The JSON side of /ws: request envelopes written by hand, replies read with simdjson.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace taoslink::ws {

/// Appends `text` to `out` as a JSON string literal (quotes, backslashes and control characters
/// escaped; other bytes, UTF-8 included, copied as they are).
void append_json_string(std::string& out, std::string_view text);

/// The `args` object of a request, built member by member in call order.
class JsonArgs {
public:
    JsonArgs& add(std::string_view key, std::string_view value);
    JsonArgs& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
    JsonArgs& add(std::string_view key, std::int64_t value);
    JsonArgs& add(std::string_view key, std::uint64_t value);
    JsonArgs& add(std::string_view key, int value) { return add(key, static_cast<std::int64_t>(value)); }
    JsonArgs& add(std::string_view key, bool value);
    /// `json` must already be valid JSON text (an array, an object, null...).
    JsonArgs& add_raw(std::string_view key, std::string_view json);

    /// `{"action":"<action>","args":{"req_id":<req_id>,...}}`.
    std::string request(std::string_view action, std::uint64_t req_id) const;

private:
    JsonArgs& key(std::string_view k);
    std::string members_;
};

/// One parsed JSON reply of the adapter. Field accessors return the fallback when a member is
/// missing or null, and throw ProtocolError when it has the wrong type.
class JsonReply {
public:
    /// Parses `text`; throws ProtocolError when it is not a JSON object.
    explicit JsonReply(std::string_view text);
    ~JsonReply();
    JsonReply(JsonReply&&) noexcept;
    JsonReply& operator=(JsonReply&&) noexcept;

    int code() const;  ///< masked to 16 bits
    std::string message() const;
    std::string action() const;
    std::uint64_t req_id() const;

    bool has(std::string_view key) const;
    std::int64_t integer(std::string_view key, std::int64_t fallback = 0) const;
    std::uint64_t uinteger(std::string_view key, std::uint64_t fallback = 0) const;
    bool boolean(std::string_view key, bool fallback = false) const;
    std::string string(std::string_view key, std::string fallback = {}) const;
    /// An array of strings; empty when missing or null.
    std::vector<std::string> strings(std::string_view key) const;
    /// An array of integers; empty when missing or null.
    std::vector<std::int64_t> integers(std::string_view key) const;

    /// Throws the server's error (errors.hpp) when code() is not 0.
    void check(bool at_login = false) const;

    /// The reply text.
    const std::string& text() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The `req_id` member of a reply, without parsing the rest; 0 when absent or not JSON.
std::uint64_t peek_req_id(std::string_view text) noexcept;

/// Whether `text` is a JSON object (a reply), as opposed to a truncated or garbled frame.
bool is_json_object(std::string_view text) noexcept;

}  // namespace taoslink::ws
