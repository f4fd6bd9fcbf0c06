// The TDengine 3.x type system as every transport sees it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taoslink {

/// TDengine's type codes (taos.h `TSDB_DATA_TYPE_*`), the same numbers on every wire.
enum class TypeCode : std::uint8_t {
    Null = 0,
    Bool = 1,
    TinyInt = 2,
    SmallInt = 3,
    Int = 4,
    BigInt = 5,
    Float = 6,
    Double = 7,
    VarChar = 8,  ///< also BINARY
    Timestamp = 9,
    NChar = 10,
    UTinyInt = 11,
    USmallInt = 12,
    UInt = 13,
    UBigInt = 14,
    Json = 15,
    VarBinary = 16,
    Decimal = 17,  ///< 128-bit DECIMAL(p,s), p > 18
    Blob = 18,
    MediumBlob = 19,  ///< reserved by TDengine; never produced
    Geometry = 20,
    Decimal64 = 21,  ///< 64-bit DECIMAL(p,s), p <= 18
};

/// Timestamp precision codes as TDengine sends them.
enum class Precision : std::uint8_t { Milli = 0, Micro = 1, Nano = 2 };

/// Units of the precision per second (1000, 1000000, 1000000000).
std::int64_t ticks_per_second(Precision p) noexcept;
/// "ms", "us", "ns".
std::string_view precision_name(Precision p) noexcept;
/// Parses "ms", "us"/"u", "ns"; nullopt for anything else.
std::optional<Precision> precision_from_name(std::string_view name) noexcept;

/// Whether values of this type are stored with an offset array (true) or a null bitmap (false).
bool is_var_type(TypeCode t) noexcept;
/// Size of one value of a fixed-width type, 0 for variable-width types.
int fixed_size(TypeCode t) noexcept;
/// True for the codes defined above except MediumBlob.
bool is_known_type(int code) noexcept;

/// The type name taosAdapter writes in REST `column_meta` ("INT", "VARCHAR", "DECIMAL", ...).
std::string_view type_name(TypeCode t) noexcept;
/// Inverse of type_name; accepts "BINARY" and "DECIMAL(p,s)". nullopt when unknown.
std::optional<TypeCode> type_from_name(std::string_view name) noexcept;

/// One result or bind column.
struct Field {
    std::string name;
    TypeCode type = TypeCode::Null;
    /// The user-facing width: bytes for fixed types, declared length for VARCHAR/VARBINARY/GEOMETRY,
    /// characters for NCHAR (protocol.md §5.2).
    std::int32_t length = 0;
    std::uint8_t decimal_precision = 0;  ///< DECIMAL only
    std::uint8_t decimal_scale = 0;      ///< DECIMAL only
};

using Fields = std::vector<Field>;

}  // namespace taoslink
