#include "json.hpp"

#include <cstdio>

#include <simdjson.h>

#include "errors.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
}

JsonArgs& JsonArgs::key(std::string_view k) {
    members_ += ',';
    append_json_string(members_, k);
    members_ += ':';
    return *this;
}

JsonArgs& JsonArgs::add(std::string_view k, std::string_view value) {
    key(k);
    append_json_string(members_, value);
    return *this;
}

JsonArgs& JsonArgs::add(std::string_view k, std::int64_t value) {
    key(k);
    members_ += std::to_string(value);
    return *this;
}

JsonArgs& JsonArgs::add(std::string_view k, std::uint64_t value) {
    key(k);
    members_ += std::to_string(value);
    return *this;
}

JsonArgs& JsonArgs::add(std::string_view k, bool value) {
    key(k);
    members_ += value ? "true" : "false";
    return *this;
}

JsonArgs& JsonArgs::add_raw(std::string_view k, std::string_view json) {
    key(k);
    members_ += json;
    return *this;
}

std::string JsonArgs::request(std::string_view action, std::uint64_t req_id) const {
    std::string out = "{\"action\":";
    append_json_string(out, action);
    out += ",\"args\":{\"req_id\":";
    out += std::to_string(req_id);
    out += members_;
    out += "}}";
    return out;
}

struct JsonReply::Impl {
    std::string text;
    simdjson::dom::parser parser;
    simdjson::dom::object root;

    // The member `key`, or nullopt when missing or null.
    std::optional<simdjson::dom::element> get(std::string_view key) const {
        simdjson::dom::element e;
        if (root[key].get(e) || e.is_null()) return std::nullopt;
        return e;
    }
};

namespace {

[[noreturn]] void wrong_type(std::string_view key, const char* want) {
    throw ProtocolError("taosAdapter reply member '" + std::string(key) + "' is not " + want);
}

}  // namespace

JsonReply::JsonReply(std::string_view text) : impl_(std::make_unique<Impl>()) {
    impl_->text.assign(text);
    simdjson::dom::element root;
    if (impl_->parser.parse(impl_->text).get(root) || root.get_object().get(impl_->root)) {
        const std::string head = impl_->text.substr(0, 120);
        throw ProtocolError("taosAdapter sent a text frame that is not a JSON object: " + head);
    }
}

JsonReply::~JsonReply() = default;
JsonReply::JsonReply(JsonReply&&) noexcept = default;
JsonReply& JsonReply::operator=(JsonReply&&) noexcept = default;

const std::string& JsonReply::text() const { return impl_->text; }

bool JsonReply::has(std::string_view key) const { return impl_->get(key).has_value(); }

std::int64_t JsonReply::integer(std::string_view key, std::int64_t fallback) const {
    auto e = impl_->get(key);
    if (!e) return fallback;
    if (e->is_int64()) return e->get_int64().value_unsafe();
    if (e->is_uint64()) return static_cast<std::int64_t>(e->get_uint64().value_unsafe());
    wrong_type(key, "an integer");
}

std::uint64_t JsonReply::uinteger(std::string_view key, std::uint64_t fallback) const {
    auto e = impl_->get(key);
    if (!e) return fallback;
    if (e->is_uint64()) return e->get_uint64().value_unsafe();
    if (e->is_int64()) return static_cast<std::uint64_t>(e->get_int64().value_unsafe());
    wrong_type(key, "an integer");
}

bool JsonReply::boolean(std::string_view key, bool fallback) const {
    auto e = impl_->get(key);
    if (!e) return fallback;
    if (!e->is_bool()) wrong_type(key, "a boolean");
    return e->get_bool().value_unsafe();
}

std::string JsonReply::string(std::string_view key, std::string fallback) const {
    auto e = impl_->get(key);
    if (!e) return fallback;
    if (!e->is_string()) wrong_type(key, "a string");
    return std::string(e->get_string().value_unsafe());
}

std::vector<std::string> JsonReply::strings(std::string_view key) const {
    std::vector<std::string> out;
    auto e = impl_->get(key);
    if (!e) return out;
    simdjson::dom::array arr;
    if (e->get_array().get(arr)) wrong_type(key, "an array");
    for (auto v : arr) {
        std::string_view s;
        if (v.get_string().get(s)) wrong_type(key, "an array of strings");
        out.emplace_back(s);
    }
    return out;
}

std::vector<std::int64_t> JsonReply::integers(std::string_view key) const {
    std::vector<std::int64_t> out;
    auto e = impl_->get(key);
    if (!e) return out;
    simdjson::dom::array arr;
    if (e->get_array().get(arr)) wrong_type(key, "an array");
    for (auto v : arr) {
        if (v.is_int64()) out.push_back(v.get_int64().value_unsafe());
        else if (v.is_uint64()) out.push_back(static_cast<std::int64_t>(v.get_uint64().value_unsafe()));
        else wrong_type(key, "an array of integers");
    }
    return out;
}

int JsonReply::code() const { return static_cast<int>(integer("code", 0) & 0xFFFF); }
std::string JsonReply::message() const { return string("message"); }
std::string JsonReply::action() const { return string("action"); }
std::uint64_t JsonReply::req_id() const { return uinteger("req_id", 0); }

void JsonReply::check(bool at_login) const {
    const int c = code();
    if (c != 0) raise_server_error(c, message(), at_login);
}

std::uint64_t peek_req_id(std::string_view text) noexcept {
    // Called on the reader thread for every text frame, so one parser per thread is reused.
    thread_local simdjson::dom::parser parser;
    // An empty frame's data pointer may be null, which simdjson would pass to memcpy (found by tests/fuzz).
    if (text.empty()) return 0;
    simdjson::dom::element root;
    if (parser.parse(text.data(), text.size()).get(root)) return 0;
    simdjson::dom::element id;
    if (root["req_id"].get(id)) return 0;
    if (id.is_uint64()) return id.get_uint64().value_unsafe();
    return 0;
}

bool is_json_object(std::string_view text) noexcept {
    thread_local simdjson::dom::parser parser;
    if (text.empty()) return false;  // as in peek_req_id: no null pointer into simdjson
    simdjson::dom::element root;
    return !parser.parse(text.data(), text.size()).get(root) && root.is_object();
}

}  // namespace taoslink::ws
