#include "bind_block.hpp"

#include <limits>

#include "codec.hpp"
#include "taoslink/error.hpp"

namespace taoslink::ws {

namespace {

[[noreturn]] void bad(std::size_t col, const std::string& what) {
    throw UsageError(code::InvalidArgument, "bind column " + std::to_string(col) + ": " + what);
}

}  // namespace

std::string utf8_to_ucs4(std::string_view s) {
    std::string out;
    out.reserve(s.size() * 4);
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::uint32_t cp;
        int extra;
        if (c < 0x80) { cp = c; extra = 0; }
        else if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; extra = 1; }
        else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; extra = 2; }
        else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; extra = 3; }
        else throw UsageError(code::InvalidArgument, "NCHAR value is not valid UTF-8");
        if (i + static_cast<std::size_t>(extra) >= s.size()) {
            throw UsageError(code::InvalidArgument, "NCHAR value is not valid UTF-8 (truncated sequence)");
        }
        for (int k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) throw UsageError(code::InvalidArgument, "NCHAR value is not valid UTF-8");
            cp = (cp << 6) | (cc & 0x3F);
        }
        static const std::uint32_t min_for[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min_for[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw UsageError(code::InvalidArgument, "NCHAR value is not valid UTF-8");
        }
        put_u32(out, cp);
        i += static_cast<std::size_t>(extra) + 1;
    }
    return out;
}

std::string encode_bind_block(const std::vector<BindColumn>& columns) {
    if (columns.empty()) throw UsageError(code::InvalidArgument, "bind: no columns");
    const std::size_t rows = columns[0].rows;
    if (rows == 0) throw UsageError(code::InvalidArgument, "bind: columns have no rows");
    if (rows > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
        throw UsageError(code::InvalidArgument, "bind: too many rows");
    }
    const std::size_t ncols = columns.size();
    // Per column: the bytes of its section (bitmap/offsets + data), its info "bytes", data length.
    std::vector<std::string> sections(ncols);
    std::vector<std::int32_t> info_bytes(ncols), data_len(ncols);
    for (std::size_t c = 0; c < ncols; ++c) {
        const BindColumn& col = columns[c];
        if (col.rows != rows) bad(c, "has " + std::to_string(col.rows) + " rows, column 0 has " + std::to_string(rows));
        if (!is_known_type(static_cast<int>(col.type)) || col.type == TypeCode::Null) {
            bad(c, "unsupported type " + std::to_string(static_cast<int>(col.type)));
        }
        if (!col.is_null.empty() && col.is_null.size() != rows) bad(c, "is_null needs one flag per row");
        auto null_at = [&](std::size_t r) { return !col.is_null.empty() && col.is_null[r] != 0; };
        std::string& out = sections[c];
        if (!is_var_type(col.type)) {
            const std::size_t width = static_cast<std::size_t>(fixed_size(col.type));
            if (col.data.size() != rows * width) {
                bad(c, "needs " + std::to_string(rows * width) + " data bytes, has " + std::to_string(col.data.size()));
            }
            std::string bitmap((rows + 7) / 8, '\0');
            for (std::size_t r = 0; r < rows; ++r) {
                if (null_at(r)) bitmap[r >> 3] = static_cast<char>(bitmap[r >> 3] | (0x80 >> (r & 7)));
            }
            out = std::move(bitmap);
            out.append(reinterpret_cast<const char*>(col.data.data()), col.data.size());
            info_bytes[c] = static_cast<std::int32_t>(width);
            data_len[c] = static_cast<std::int32_t>(col.data.size());
            continue;
        }
        if (col.lengths.size() != rows) bad(c, "needs one length per row");
        const bool blob = col.type == TypeCode::Blob;
        const bool nchar = col.type == TypeCode::NChar;
        std::string offsets, data;
        std::size_t at = 0, widest = 0;
        for (std::size_t r = 0; r < rows; ++r) {
            const auto len = col.lengths[r];
            if (len < 0) bad(c, "negative length in row " + std::to_string(r));
            if (at + static_cast<std::size_t>(len) > col.data.size()) bad(c, "lengths exceed the data");
            const std::string_view v(reinterpret_cast<const char*>(col.data.data()) + at, static_cast<std::size_t>(len));
            at += static_cast<std::size_t>(len);
            if (null_at(r)) {
                put_u32(offsets, 0xFFFFFFFFu);
                continue;
            }
            if (data.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) bad(c, "too much data");
            put_u32(offsets, static_cast<std::uint32_t>(data.size()));
            const std::string converted = nchar ? utf8_to_ucs4(v) : std::string();
            const std::string_view payload = nchar ? std::string_view(converted) : v;
            if (blob) {
                put_u32(data, static_cast<std::uint32_t>(payload.size()));
            } else {
                if (payload.size() > 0xFFFF) bad(c, "value in row " + std::to_string(r) + " is longer than 65535 bytes");
                put_u16(data, static_cast<std::uint16_t>(payload.size()));
            }
            data.append(payload);
            if (payload.size() > widest) widest = payload.size();
        }
        if (at != col.data.size()) bad(c, "lengths do not add up to the data size");
        info_bytes[c] = static_cast<std::int32_t>(widest + (blob ? 4 : 2));
        data_len[c] = static_cast<std::int32_t>(data.size());
        out = std::move(offsets);
        out += data;
    }
    std::string block;
    std::size_t total = 28 + 9 * ncols;
    for (const auto& s : sections) total += s.size();
    if (total > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
        throw UsageError(code::InvalidArgument, "bind: the block would exceed 2 GiB");
    }
    block.reserve(total);
    put_u32(block, 1);
    put_u32(block, static_cast<std::uint32_t>(total));
    put_u32(block, static_cast<std::uint32_t>(rows));
    put_u32(block, static_cast<std::uint32_t>(ncols));
    put_u32(block, 0);
    put_u64(block, 0);
    for (std::size_t c = 0; c < ncols; ++c) {
        block += static_cast<char>(columns[c].type);
        put_u32(block, static_cast<std::uint32_t>(info_bytes[c]));
    }
    for (std::size_t c = 0; c < ncols; ++c) put_u32(block, static_cast<std::uint32_t>(data_len[c]));
    for (const auto& s : sections) block += s;
    return block;
}

}  // namespace taoslink::ws
