// Columnar result blocks: typed views over TDengine's raw block format (protocol.md §4).
//
// Every transport delivers results as Blocks. Transports that receive raw blocks (WebSocket,
// taosc) wrap the bytes without copying; transports that receive rows or JSON (REST) build the
// same format with BlockBuilder. Either way consumers see one layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "taoslink/types.hpp"

namespace taoslink {

/// How the bytes of NCHAR values are encoded inside a block.
enum class TextEncoding : std::uint8_t {
    Utf8 = 0,  ///< built blocks (REST)
    Ucs4 = 1,  ///< raw blocks from taosd: UCS-4 little-endian code points
};

/// A typed, read-only view of one column of a Block. Cheap to copy; valid while the Block lives.
class ColumnView {
public:
    TypeCode type() const noexcept { return type_; }
    std::size_t rows() const noexcept { return rows_; }
    bool is_var() const noexcept { return offsets_ != nullptr; }
    TextEncoding text_encoding() const noexcept { return encoding_; }
    std::uint8_t decimal_scale() const noexcept { return scale_; }

    /// Whether row `r` is NULL. `r` must be < rows().
    bool is_null(std::size_t r) const noexcept {
        if (offsets_) return offset(r) < 0;
        return (bitmap_[r >> 3] >> (7 - (r & 7))) & 1;
    }

    /// The fixed-width value of row `r` as T (T's size must match the column's type).
    /// Reads unaligned memory safely. The value of a NULL row is unspecified.
    template <class T>
    T get(std::size_t r) const noexcept {
        T v;
        std::memcpy(&v, data_ + r * sizeof(T), sizeof(T));
        return v;
    }

    /// The payload of variable-width row `r` (without its length prefix). Empty for NULL.
    std::string_view bytes(std::size_t r) const noexcept;

    /// Start of the fixed-width values (rows() * fixed_size(type()) bytes), for bulk copies.
    const std::uint8_t* fixed_data() const noexcept { return offsets_ ? nullptr : data_; }
    /// The MSB-first null bitmap of a fixed-width column, (rows()+7)/8 bytes.
    const std::uint8_t* null_bitmap() const noexcept { return bitmap_; }

private:
    friend class Block;
    std::int32_t offset(std::size_t r) const noexcept {
        std::int32_t o;
        std::memcpy(&o, offsets_ + r * 4, 4);
        return o;
    }

    TypeCode type_ = TypeCode::Null;
    TextEncoding encoding_ = TextEncoding::Ucs4;
    std::uint8_t scale_ = 0;
    std::size_t rows_ = 0;
    const std::uint8_t* bitmap_ = nullptr;   // fixed-width only
    const std::uint8_t* offsets_ = nullptr;  // var-width only (int32 LE per row)
    const std::uint8_t* data_ = nullptr;
    std::size_t data_len_ = 0;
    int prefix_ = 2;  // var-width length prefix: 2 bytes, 4 for BLOB
};

/// One decoded block. Holds a reference to the bytes it views, so it can outlive the transport's
/// buffer management.
class Block {
public:
    /// Decodes a raw block (version 1, or 2 as in TMQ messages) in `bytes[0, size)`, kept alive by `owner`. Every length, offset and
    /// type is checked against the buffer: a corrupt or truncated block throws ProtocolError and
    /// nothing is ever read out of bounds.
    static std::shared_ptr<const Block> decode(std::shared_ptr<const void> owner, const std::uint8_t* bytes,
                                               std::size_t size, TextEncoding nchar = TextEncoding::Ucs4);
    /// Decodes a copy of the given bytes.
    static std::shared_ptr<const Block> decode_copy(std::string_view bytes,
                                                    TextEncoding nchar = TextEncoding::Ucs4);

    std::size_t rows() const noexcept { return rows_; }
    std::size_t columns() const noexcept { return columns_.size(); }
    const ColumnView& column(std::size_t i) const { return columns_.at(i); }
    std::uint64_t group_id() const noexcept { return group_id_; }
    /// The encoded bytes this block views.
    std::string_view raw() const noexcept {
        return {reinterpret_cast<const char*>(bytes_), size_};
    }

private:
    std::shared_ptr<const void> owner_;
    const std::uint8_t* bytes_ = nullptr;
    std::size_t size_ = 0;
    std::size_t rows_ = 0;
    std::uint64_t group_id_ = 0;
    std::vector<ColumnView> columns_;
};

/// Builds a raw block column by column, for transports that receive rows or JSON. Append one value
/// (or null) to every column per row, in any column order; finish() checks all columns have the
/// same length and returns the decoded block.
class BlockBuilder {
public:
    explicit BlockBuilder(const Fields& fields, TextEncoding nchar = TextEncoding::Utf8);

    std::size_t columns() const noexcept { return cols_.size(); }
    std::size_t rows() const noexcept { return cols_.empty() ? 0 : cols_[0].rows; }
    void reserve(std::size_t rows);

    void append_null(std::size_t col);
    /// Integers, BOOL (0/1), TIMESTAMP ticks and DECIMAL64 unscaled values; checked to fit the type.
    void append_int(std::size_t col, std::int64_t v);
    void append_uint(std::size_t col, std::uint64_t v);
    void append_double(std::size_t col, double v);  ///< FLOAT (narrowed) and DOUBLE
    /// 128-bit DECIMAL unscaled value as low and high halves.
    void append_int128(std::size_t col, std::uint64_t low, std::int64_t high);
    /// Variable-width payload (VARCHAR, NCHAR in the builder's encoding, JSON, VARBINARY, ...).
    void append_bytes(std::size_t col, std::string_view v);

    /// Encodes the block and resets the builder for the next one.
    std::shared_ptr<const Block> finish();

private:
    struct Col {
        TypeCode type;
        int width;           // fixed size, 0 for var
        std::int32_t bytes;  // column info "bytes"
        std::size_t rows = 0;
        std::vector<std::uint8_t> nulls;   // one flag per row (packed on finish)
        std::vector<std::uint8_t> data;    // fixed values, or var payloads with prefixes
        std::vector<std::int32_t> offsets; // var only
    };
    Col& at(std::size_t col, bool var);
    TextEncoding nchar_;
    std::vector<Col> cols_;
};

/// Encodes and decodes the DECIMAL column descriptor ([scale, precision, 0, size]).
std::int32_t decimal_descriptor(std::uint8_t precision, std::uint8_t scale, std::uint8_t size) noexcept;

/// Formats a DECIMAL unscaled value with `scale` fractional digits ("-12.3400").
std::string format_decimal(std::uint64_t low, std::int64_t high, std::uint8_t scale);

}  // namespace taoslink
