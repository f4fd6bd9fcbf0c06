#include "bind_json.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "json.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

namespace {

template <class T>
T load(const BindColumn& c, std::size_t r) {
    T v;
    std::memcpy(&v, c.data.data() + r * sizeof(T), sizeof(T));
    return v;
}

void check_column(const BindColumn& c, std::size_t index) {
    const auto name = "bind column " + std::to_string(index);
    if (!c.is_null.empty() && c.is_null.size() != c.rows) throw UsageError(code::InvalidArgument, name + ": is_null needs one flag per row");
    if (is_var_type(c.type)) {
        if (c.lengths.size() != c.rows) throw UsageError(code::InvalidArgument, name + ": needs one length per row");
        std::size_t total = 0;
        for (auto l : c.lengths) {
            if (l < 0) throw UsageError(code::InvalidArgument, name + ": negative length");
            total += static_cast<std::size_t>(l);
        }
        if (total != c.data.size()) throw UsageError(code::InvalidArgument, name + ": lengths do not add up to the data size");
    } else if (fixed_size(c.type) == 0 || c.data.size() != c.rows * static_cast<std::size_t>(fixed_size(c.type))) {
        throw UsageError(code::InvalidArgument, name + ": wrong data size for its type");
    }
    if (c.type == TypeCode::Decimal || c.type == TypeCode::Decimal64) {
        throw UsageError(code::InvalidArgument, name + ": DECIMAL parameters are not supported by stmt v1 JSON binding");
    }
}

void append_double(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    out += buf;
}

void append_value(std::string& out, const BindColumn& c, std::size_t r, std::size_t& offset) {
    std::string_view bytes;
    if (is_var_type(c.type)) {
        const auto len = static_cast<std::size_t>(c.lengths[r]);
        bytes = std::string_view(reinterpret_cast<const char*>(c.data.data()) + offset, len);
        offset += len;
    }
    if (!c.is_null.empty() && c.is_null[r]) {
        out += "null";
        return;
    }
    switch (c.type) {
        case TypeCode::Bool: out += load<std::uint8_t>(c, r) ? "true" : "false"; break;
        case TypeCode::TinyInt: out += std::to_string(load<std::int8_t>(c, r)); break;
        case TypeCode::SmallInt: out += std::to_string(load<std::int16_t>(c, r)); break;
        case TypeCode::Int: out += std::to_string(load<std::int32_t>(c, r)); break;
        case TypeCode::BigInt:
        case TypeCode::Timestamp: out += std::to_string(load<std::int64_t>(c, r)); break;
        case TypeCode::UTinyInt: out += std::to_string(load<std::uint8_t>(c, r)); break;
        case TypeCode::USmallInt: out += std::to_string(load<std::uint16_t>(c, r)); break;
        case TypeCode::UInt: out += std::to_string(load<std::uint32_t>(c, r)); break;
        case TypeCode::UBigInt: out += std::to_string(load<std::uint64_t>(c, r)); break;
        case TypeCode::Float: append_double(out, load<float>(c, r)); break;
        case TypeCode::Double: append_double(out, load<double>(c, r)); break;
        case TypeCode::VarChar:
        case TypeCode::NChar:
        case TypeCode::Json: append_json_string(out, bytes); break;
        case TypeCode::VarBinary:
        case TypeCode::Geometry:
        case TypeCode::Blob: {
            static const char* hex = "0123456789abcdef";
            out += '"';
            for (const char ch : bytes) {
                const auto b = static_cast<unsigned char>(ch);
                out += hex[b >> 4];
                out += hex[b & 15];
            }
            out += '"';
            break;
        }
        default: throw UsageError(code::InvalidArgument, "unsupported bind type " + std::to_string(static_cast<int>(c.type)));
    }
}

}  // namespace

std::string bind_columns_json(const std::vector<BindColumn>& columns) {
    std::string out = "[";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const BindColumn& c = columns[i];
        check_column(c, i);
        if (c.rows != columns[0].rows) throw UsageError(code::InvalidArgument, "bind columns have different row counts");
        if (i) out += ',';
        out += '[';
        std::size_t offset = 0;
        for (std::size_t r = 0; r < c.rows; ++r) {
            if (r) out += ',';
            append_value(out, c, r, offset);
        }
        out += ']';
    }
    out += ']';
    return out;
}

std::string bind_tags_json(const std::vector<BindColumn>& tags) {
    std::string out = "[";
    for (std::size_t i = 0; i < tags.size(); ++i) {
        const BindColumn& c = tags[i];
        check_column(c, i);
        if (c.rows != 1) throw UsageError(code::InvalidArgument, "tag " + std::to_string(i) + " must have exactly one row");
        if (i) out += ',';
        std::size_t offset = 0;
        append_value(out, c, 0, offset);
    }
    out += ']';
    return out;
}

}  // namespace taoslink::ws
