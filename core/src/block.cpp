// Raw block decoding (protocol.md §4). Every length, offset and type is checked before a view is
// handed out, so ColumnView's accessors can stay unchecked and fast.
//
// Length rule: the header's total length must be <= the buffer size and is used as the block's
// extent (a transport may hand over a buffer with trailing bytes); the column sections must end
// exactly at that total length (§4.8).
#include <bit>
#include <cstdio>
#include <string>

#include "taoslink/block.hpp"
#include "taoslink/error.hpp"

namespace taoslink {

static_assert(std::endian::native == std::endian::little, "raw blocks are little-endian; add byte swaps");

namespace {

constexpr std::size_t kHeaderSize = 28;

[[noreturn]] void corrupt(const std::string& what) { throw ProtocolError("corrupt raw block: " + what); }

template <class T>
T read(const std::uint8_t* p) noexcept {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

std::string col_name(std::size_t i) { return "column " + std::to_string(i); }

}  // namespace

std::string_view ColumnView::bytes(std::size_t r) const noexcept {
    if (!offsets_) return {};
    const std::int32_t o = offset(r);
    if (o < 0) return {};
    const std::uint8_t* p = data_ + o;
    const std::size_t len = prefix_ == 4 ? read<std::uint32_t>(p) : read<std::uint16_t>(p);
    return {reinterpret_cast<const char*>(p + prefix_), len};
}

std::shared_ptr<const Block> Block::decode(std::shared_ptr<const void> owner, const std::uint8_t* bytes,
                                           std::size_t size, TextEncoding nchar) {
    if (bytes == nullptr || size < kHeaderSize)
        corrupt("block of " + std::to_string(size) + " bytes is shorter than the 28-byte header");
    const std::int32_t version = read<std::int32_t>(bytes);
    // Version 2 is what taosc hands TMQ consumers (tmq_get_raw rewrites 1 to 2); the layout is the same.
    if (version != 1 && version != 2) corrupt("version " + std::to_string(version) + ", expected 1 or 2");
    const std::int32_t total_field = read<std::int32_t>(bytes + 4);
    if (total_field < static_cast<std::int32_t>(kHeaderSize) || static_cast<std::size_t>(total_field) > size)
        corrupt("total length " + std::to_string(total_field) + " does not fit the " + std::to_string(size) +
                "-byte buffer");
    const std::uint64_t total = static_cast<std::uint64_t>(total_field);
    const std::int32_t rows_field = read<std::int32_t>(bytes + 8);
    if (rows_field < 0) corrupt("negative row count " + std::to_string(rows_field));
    const std::int32_t cols_field = read<std::int32_t>(bytes + 12);
    if (cols_field < 0) corrupt("negative column count " + std::to_string(cols_field));

    // All arithmetic below is in uint64: rows and cols are < 2^31 and sizes are <= 16, so no
    // product or sum can wrap, and every range is compared against `total` before it is used.
    const std::uint64_t rows = static_cast<std::uint64_t>(rows_field);
    const std::uint64_t ncols = static_cast<std::uint64_t>(cols_field);
    const std::uint64_t info_at = kHeaderSize;
    const std::uint64_t lengths_at = info_at + 5 * ncols;
    std::uint64_t p = lengths_at + 4 * ncols;
    if (p > total)
        corrupt(std::to_string(ncols) + " columns need " + std::to_string(p) + " bytes of metadata, block has " +
                std::to_string(total));

    auto block = std::make_shared<Block>();
    block->owner_ = std::move(owner);
    block->bytes_ = bytes;
    block->size_ = static_cast<std::size_t>(total);
    block->rows_ = static_cast<std::size_t>(rows);
    block->group_id_ = read<std::uint64_t>(bytes + 20);
    block->columns_.resize(static_cast<std::size_t>(ncols));

    const std::uint64_t bitmap_len = (rows + 7) / 8;
    for (std::uint64_t i = 0; i < ncols; ++i) {
        const std::size_t ci = static_cast<std::size_t>(i);
        const int type_code = static_cast<std::int8_t>(bytes[info_at + 5 * i]);
        const std::int32_t info_bytes = read<std::int32_t>(bytes + info_at + 5 * i + 1);
        const std::int32_t len_field = read<std::int32_t>(bytes + lengths_at + 4 * i);
        if (!is_known_type(type_code) || type_code == static_cast<int>(TypeCode::Null))
            corrupt(col_name(ci) + " has unknown type code " + std::to_string(type_code));
        if (len_field < 0) corrupt(col_name(ci) + " has negative data length " + std::to_string(len_field));
        const auto type = static_cast<TypeCode>(type_code);
        const std::uint64_t len = static_cast<std::uint64_t>(len_field);

        ColumnView& col = block->columns_[ci];
        col.type_ = type;
        col.encoding_ = nchar;
        col.rows_ = static_cast<std::size_t>(rows);
        col.data_len_ = static_cast<std::size_t>(len);

        if (is_var_type(type)) {
            const std::uint64_t offsets_len = 4 * rows;
            if (p + offsets_len + len > total)
                corrupt(col_name(ci) + " (" + std::string(type_name(type)) + ") needs " +
                        std::to_string(offsets_len + len) + " bytes at offset " + std::to_string(p) +
                        ", block has " + std::to_string(total));
            col.offsets_ = bytes + p;
            col.data_ = bytes + p + offsets_len;
            col.prefix_ = type == TypeCode::Blob ? 4 : 2;
            const std::uint64_t prefix = static_cast<std::uint64_t>(col.prefix_);
            for (std::uint64_t r = 0; r < rows; ++r) {
                const std::int32_t o = col.offset(static_cast<std::size_t>(r));
                if (o == -1) continue;
                if (o < -1) corrupt(col_name(ci) + " row " + std::to_string(r) + " has offset " + std::to_string(o));
                const std::uint64_t at = static_cast<std::uint64_t>(o);
                if (at + prefix > len)
                    corrupt(col_name(ci) + " row " + std::to_string(r) + " offset " + std::to_string(o) +
                            " is outside the " + std::to_string(len) + "-byte data area");
                const std::uint64_t value_len = prefix == 4 ? read<std::uint32_t>(col.data_ + at)
                                                            : read<std::uint16_t>(col.data_ + at);
                if (at + prefix + value_len > len)
                    corrupt(col_name(ci) + " row " + std::to_string(r) + " value of " + std::to_string(value_len) +
                            " bytes overruns the " + std::to_string(len) + "-byte data area");
            }
            p += offsets_len + len;
        } else {
            const std::uint64_t width = static_cast<std::uint64_t>(fixed_size(type));
            if (len != rows * width)
                corrupt(col_name(ci) + " (" + std::string(type_name(type)) + ") has data length " +
                        std::to_string(len) + ", expected " + std::to_string(rows * width));
            if (p + bitmap_len + len > total)
                corrupt(col_name(ci) + " (" + std::string(type_name(type)) + ") needs " +
                        std::to_string(bitmap_len + len) + " bytes at offset " + std::to_string(p) +
                        ", block has " + std::to_string(total));
            if (type == TypeCode::Decimal || type == TypeCode::Decimal64) {
                // Descriptor [scale, precision, 0, size] (§4.6); the scale drives formatting.
                const auto d = static_cast<std::uint32_t>(info_bytes);
                const unsigned scale = d & 0xFF, precision = (d >> 8) & 0xFF, size = d >> 24;
                const unsigned max_precision = type == TypeCode::Decimal ? 38 : 18;
                if (size != width || precision == 0 || precision > max_precision || scale > precision)
                    corrupt(col_name(ci) + " has an invalid DECIMAL descriptor 0x" + [&] {
                        char buf[16];
                        std::snprintf(buf, sizeof buf, "%08x", d);
                        return std::string(buf);
                    }());
                col.scale_ = static_cast<std::uint8_t>(scale);
            }
            // The "bytes" of other fixed types is not checked: readers never use it, and some
            // encoders write 0 there.
            col.bitmap_ = bytes + p;
            col.data_ = bytes + p + bitmap_len;
            p += bitmap_len + len;
        }
    }
    if (p != total)
        corrupt("column sections end at byte " + std::to_string(p) + ", but the total length is " +
                std::to_string(total));
    return block;
}

std::shared_ptr<const Block> Block::decode_copy(std::string_view bytes, TextEncoding nchar) {
    auto copy = std::make_shared<std::string>(bytes);
    const auto* data = reinterpret_cast<const std::uint8_t*>(copy->data());
    const std::size_t size = copy->size();
    return decode(std::move(copy), data, size, nchar);
}

}  // namespace taoslink
