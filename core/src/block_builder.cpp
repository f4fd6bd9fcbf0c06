// Building raw blocks from values (REST JSON, tests). The builder writes exactly the layout a
// server sends (protocol.md §4), then decodes its own output, so built and received blocks go
// through one reader.
#include <cmath>
#include <limits>
#include <string>

#include "taoslink/block.hpp"
#include "taoslink/error.hpp"

namespace taoslink {

namespace {

[[noreturn]] void usage(std::string message) { throw UsageError(code::InvalidArgument, std::move(message)); }

std::string describe(std::size_t col, TypeCode t) {
    return std::string(type_name(t)) + " column " + std::to_string(col);
}

// Column info "bytes" (§4.3, §5.2): the raw width from the user-facing width when known.
std::int32_t info_bytes(const Field& f, std::size_t col) {
    const std::int64_t n = f.length;
    std::int64_t bytes = 0;
    switch (f.type) {
        case TypeCode::VarChar:
        case TypeCode::VarBinary:
        case TypeCode::Geometry:
            bytes = n > 0 ? n + 2 : 0;
            break;
        case TypeCode::NChar:
            bytes = n > 0 ? n * 4 + 2 : 0;
            break;
        case TypeCode::Json:
            bytes = 16384;
            break;
        case TypeCode::Blob:
            bytes = n > 0 ? n + 4 : 0;
            break;
        case TypeCode::Decimal:
        case TypeCode::Decimal64: {
            const int max_precision = f.type == TypeCode::Decimal ? 38 : 18;
            // An unknown precision (0) becomes the widest the type allows.
            const int precision = f.decimal_precision ? f.decimal_precision : max_precision;
            if (precision > max_precision || f.decimal_scale > precision)
                usage(describe(col, f.type) + " has invalid precision/scale (" + std::to_string(precision) + "," +
                      std::to_string(f.decimal_scale) + ")");
            return decimal_descriptor(static_cast<std::uint8_t>(precision), f.decimal_scale,
                                      static_cast<std::uint8_t>(fixed_size(f.type)));
        }
        default:
            bytes = fixed_size(f.type);
    }
    if (bytes > std::numeric_limits<std::int32_t>::max())
        usage(describe(col, f.type) + " has a declared length too large for a block");
    return static_cast<std::int32_t>(bytes);
}

template <class T>
void put(std::vector<std::uint8_t>& out, T v) {
    const std::size_t at = out.size();
    out.resize(at + sizeof(T));
    std::memcpy(out.data() + at, &v, sizeof(T));
}

}  // namespace

BlockBuilder::BlockBuilder(const Fields& fields, TextEncoding nchar) : nchar_(nchar) {
    cols_.reserve(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const Field& f = fields[i];
        const int t = static_cast<int>(f.type);
        if (!is_known_type(t) || f.type == TypeCode::Null)
            usage("column " + std::to_string(i) + " (" + f.name + ") has type code " + std::to_string(t) +
                  ", which a block cannot hold");
        Col c;
        c.type = f.type;
        c.width = fixed_size(f.type);
        c.bytes = info_bytes(f, i);
        cols_.push_back(std::move(c));
    }
}

void BlockBuilder::reserve(std::size_t rows) {
    for (auto& c : cols_) {
        c.nulls.reserve(rows);
        if (c.width) {
            c.data.reserve(rows * static_cast<std::size_t>(c.width));
        } else {
            c.offsets.reserve(rows);
            c.data.reserve(rows * 8);  // a guess; grows geometrically beyond it
        }
    }
}

BlockBuilder::Col& BlockBuilder::at(std::size_t col, bool var) {
    if (col >= cols_.size())
        usage("column index " + std::to_string(col) + " out of range (the block has " +
              std::to_string(cols_.size()) + " columns)");
    Col& c = cols_[col];
    if (var != (c.width == 0))
        usage(std::string(var ? "a variable-width value" : "a fixed-width value") + " cannot go into " +
              describe(col, c.type));
    return c;
}

void BlockBuilder::append_null(std::size_t col) {
    if (col >= cols_.size()) at(col, false);  // throws the range error
    Col& c = cols_[col];
    c.nulls.push_back(1);
    if (c.width) {
        c.data.resize(c.data.size() + static_cast<std::size_t>(c.width));  // zero-filled slot
    } else {
        c.offsets.push_back(-1);
    }
    ++c.rows;
}

void BlockBuilder::append_int(std::size_t col, std::int64_t v) {
    Col& c = at(col, false);
    auto range = [&](std::int64_t lo, std::int64_t hi) {
        if (v < lo || v > hi) usage("value " + std::to_string(v) + " out of range for " + describe(col, c.type));
    };
    using L8 = std::numeric_limits<std::int8_t>;
    using L16 = std::numeric_limits<std::int16_t>;
    using L32 = std::numeric_limits<std::int32_t>;
    switch (c.type) {
        case TypeCode::Bool: range(0, 1); put<std::uint8_t>(c.data, static_cast<std::uint8_t>(v)); break;
        case TypeCode::TinyInt: range(L8::min(), L8::max()); put<std::int8_t>(c.data, static_cast<std::int8_t>(v)); break;
        case TypeCode::SmallInt: range(L16::min(), L16::max()); put<std::int16_t>(c.data, static_cast<std::int16_t>(v)); break;
        case TypeCode::Int: range(L32::min(), L32::max()); put<std::int32_t>(c.data, static_cast<std::int32_t>(v)); break;
        case TypeCode::BigInt:
        case TypeCode::Timestamp:
        case TypeCode::Decimal64: put<std::int64_t>(c.data, v); break;
        case TypeCode::UTinyInt: range(0, 0xFF); put<std::uint8_t>(c.data, static_cast<std::uint8_t>(v)); break;
        case TypeCode::USmallInt: range(0, 0xFFFF); put<std::uint16_t>(c.data, static_cast<std::uint16_t>(v)); break;
        case TypeCode::UInt: range(0, 0xFFFFFFFFll); put<std::uint32_t>(c.data, static_cast<std::uint32_t>(v)); break;
        case TypeCode::UBigInt: range(0, std::numeric_limits<std::int64_t>::max()); put<std::uint64_t>(c.data, static_cast<std::uint64_t>(v)); break;
        case TypeCode::Decimal:  // sign-extended to 128 bits
            put<std::uint64_t>(c.data, static_cast<std::uint64_t>(v));
            put<std::int64_t>(c.data, v < 0 ? -1 : 0);
            break;
        default: usage("an integer cannot go into " + describe(col, c.type));
    }
    c.nulls.push_back(0);
    ++c.rows;
}

void BlockBuilder::append_uint(std::size_t col, std::uint64_t v) {
    Col& c = at(col, false);
    if (c.type == TypeCode::UBigInt) {
        put<std::uint64_t>(c.data, v);
        c.nulls.push_back(0);
        ++c.rows;
        return;
    }
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        if (c.type == TypeCode::Decimal) {
            put<std::uint64_t>(c.data, v);
            put<std::int64_t>(c.data, 0);
            c.nulls.push_back(0);
            ++c.rows;
            return;
        }
        // Name the type even for kinds append_int would reject, so the message says why.
        if (c.width && c.type != TypeCode::Float && c.type != TypeCode::Double)
            usage("value " + std::to_string(v) + " out of range for " + describe(col, c.type));
    }
    append_int(col, static_cast<std::int64_t>(v));
}

void BlockBuilder::append_double(std::size_t col, double v) {
    Col& c = at(col, false);
    if (c.type == TypeCode::Float) {
        put<float>(c.data, static_cast<float>(v));
    } else if (c.type == TypeCode::Double) {
        put<double>(c.data, v);
    } else {
        usage("a floating-point value cannot go into " + describe(col, c.type));
    }
    c.nulls.push_back(0);
    ++c.rows;
}

void BlockBuilder::append_int128(std::size_t col, std::uint64_t low, std::int64_t high) {
    Col& c = at(col, false);
    if (c.type == TypeCode::Decimal) {
        put<std::uint64_t>(c.data, low);
        put<std::int64_t>(c.data, high);
    } else if (c.type == TypeCode::Decimal64) {
        // Fits in 64 bits only when `high` is the sign extension of `low`.
        const std::int64_t v = static_cast<std::int64_t>(low);
        if (high != (v < 0 ? -1 : 0)) usage("128-bit value out of range for " + describe(col, c.type));
        put<std::int64_t>(c.data, v);
    } else {
        usage("a 128-bit value cannot go into " + describe(col, c.type));
    }
    c.nulls.push_back(0);
    ++c.rows;
}

void BlockBuilder::append_bytes(std::size_t col, std::string_view v) {
    Col& c = at(col, true);
    const bool blob = c.type == TypeCode::Blob;
    const std::size_t prefix = blob ? 4 : 2;
    const std::size_t limit = blob ? std::numeric_limits<std::uint32_t>::max() : std::numeric_limits<std::uint16_t>::max();
    if (v.size() > limit)
        usage("value of " + std::to_string(v.size()) + " bytes is too long for " + describe(col, c.type));
    const std::size_t at_offset = c.data.size();
    // Offsets are i32, so a column's data area must stay below 2 GiB.
    if (at_offset + prefix + v.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
        usage("too much data for one block in " + describe(col, c.type));
    c.data.resize(at_offset + prefix + v.size());
    std::uint8_t* p = c.data.data() + at_offset;
    if (blob) {
        const auto n = static_cast<std::uint32_t>(v.size());
        std::memcpy(p, &n, 4);
    } else {
        const auto n = static_cast<std::uint16_t>(v.size());
        std::memcpy(p, &n, 2);
    }
    if (!v.empty()) std::memcpy(p + prefix, v.data(), v.size());
    c.offsets.push_back(static_cast<std::int32_t>(at_offset));
    c.nulls.push_back(0);
    ++c.rows;
}

std::shared_ptr<const Block> BlockBuilder::finish() {
    const std::size_t nrows = rows();
    std::uint64_t total = 28 + 9 * static_cast<std::uint64_t>(cols_.size());
    const std::uint64_t bitmap_len = (nrows + 7) / 8;
    for (std::size_t i = 0; i < cols_.size(); ++i) {
        const Col& c = cols_[i];
        if (c.rows != nrows)
            usage("column " + std::to_string(i) + " has " + std::to_string(c.rows) + " rows but column 0 has " +
                  std::to_string(nrows));
        total += (c.width ? bitmap_len : 4 * static_cast<std::uint64_t>(nrows)) + c.data.size();
    }
    if (total > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()))
        usage("block of " + std::to_string(total) + " bytes exceeds the 2 GiB raw block limit");

    auto buf = std::make_shared<std::vector<std::uint8_t>>();
    auto& out = *buf;
    out.reserve(static_cast<std::size_t>(total));
    put<std::int32_t>(out, 1);
    put<std::int32_t>(out, static_cast<std::int32_t>(total));
    put<std::int32_t>(out, static_cast<std::int32_t>(nrows));
    put<std::int32_t>(out, static_cast<std::int32_t>(cols_.size()));
    put<std::uint32_t>(out, 0x80000000u);  // "has column segment", as servers send it
    put<std::uint64_t>(out, 0);            // group id
    for (const Col& c : cols_) {
        put<std::int8_t>(out, static_cast<std::int8_t>(c.type));
        put<std::int32_t>(out, c.bytes);
    }
    for (const Col& c : cols_) put<std::int32_t>(out, static_cast<std::int32_t>(c.data.size()));
    for (const Col& c : cols_) {
        if (c.width) {
            const std::size_t at = out.size();
            out.resize(at + static_cast<std::size_t>(bitmap_len), 0);
            for (std::size_t r = 0; r < nrows; ++r)
                if (c.nulls[r]) out[at + (r >> 3)] |= static_cast<std::uint8_t>(0x80u >> (r & 7));  // MSB first
        } else {
            const std::size_t at = out.size();
            out.resize(at + 4 * nrows);
            if (nrows) std::memcpy(out.data() + at, c.offsets.data(), 4 * nrows);
        }
        out.insert(out.end(), c.data.begin(), c.data.end());
    }
    for (Col& c : cols_) {
        // Keep the capacity for the next block.
        c.rows = 0;
        c.nulls.clear();
        c.data.clear();
        c.offsets.clear();
    }
    const std::uint8_t* data = out.data();
    const std::size_t size = out.size();
    return Block::decode(std::move(buf), data, size, nchar_);
}

}  // namespace taoslink
