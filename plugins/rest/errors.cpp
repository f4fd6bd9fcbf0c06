#include "errors.hpp"

#include <simdjson.h>

#include "taoslink/error.hpp"

namespace taoslink::rest {

void raise_server_error(int code, std::string message, int http_status) {
    code &= 0xFFFF;
    if (code == kAuthFailure) throw AuthError(code, std::move(message), http_status);
    throw ServerError(code, std::move(message), http_status);
}

ErrorBody parse_error_body(std::string_view body) {
    ErrorBody out;
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(body);
    if (parser.parse(padded).get(root)) return out;
    std::string_view text;
    if (root.is_string()) {
        if (root.get_string().get(text)) return out;
        out.shape = ErrorBody::Shape::BareString;
        out.message = std::string(text);
        return out;
    }
    simdjson::dom::object obj;
    if (root.get_object().get(obj)) return out;
    simdjson::dom::element code;
    if (obj["code"].get(code)) return out;
    if (code.is_int64()) {
        out.code = static_cast<long long>(code.get_int64().value_unsafe());
    } else if (code.is_uint64()) {
        out.code = static_cast<long long>(code.get_uint64().value_unsafe() & 0xFFFFFFFFu);
    } else if (code.is_string()) {
        out.code_text = std::string(code.get_string().value_unsafe());
    } else {
        return out;
    }
    for (const char* key : {"desc", "message"}) {
        simdjson::dom::element m;
        if (!obj[key].get(m) && m.is_string()) {
            out.message = std::string(m.get_string().value_unsafe());
            break;
        }
    }
    out.shape = ErrorBody::Shape::Object;
    return out;
}

std::optional<int> code_from_message(std::string_view m) noexcept {
    // "[0x3002] invalid data format" (driver-go's TaosError.Error()).
    if (m.size() < 5 || m[0] != '[' || m[1] != '0' || (m[2] != 'x' && m[2] != 'X')) return std::nullopt;
    int code = 0;
    std::size_t i = 3;
    for (; i < m.size() && i < 12 && m[i] != ']'; ++i) {
        const char c = m[i];
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else return std::nullopt;
        code = (code << 4) | v;
    }
    if (i == 3 || i >= m.size() || m[i] != ']') return std::nullopt;
    return code & 0xFFFF;
}

std::string snippet(std::string_view text, std::size_t max) {
    if (text.size() <= max) return std::string(text);
    return std::string(text.substr(0, max)) + "...";
}

}  // namespace taoslink::rest
