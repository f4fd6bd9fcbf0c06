// Conversion of Block columns straight into Python objects, configured by a Converter.
//
// Values are read from taoslink::ColumnView and turned into Python objects with the C API
// (PyLong_From*, PyFloat_FromDouble, PyUnicode_DecodeUTF8, the PyDateTime C API); no per-cell C++
// objects and no Python-level calls per cell, except for DECIMAL -> decimal.Decimal, JSON parsing,
// and datetimes aware in a tz other than UTC (tz.fromutc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <pybind11/pybind11.h>

#include <taoslink/block.hpp>
#include <taoslink/types.hpp>

namespace taoslink_py {

namespace py = pybind11;

/// What TIMESTAMP values become.
enum class TimestampMode : std::uint8_t {
    Utc,      ///< aware datetime in UTC (datetime.timezone.utc)
    Tz,       ///< aware datetime in Converter::tz (tz.fromutc)
    Local,    ///< naive datetime in the process's local time (localtime_r: DST-correct)
    Int,      ///< int ticks in the result's precision
    Rfc3339,  ///< the string taosAdapter renders in UTC: 2023-11-15T06:13:20.000Z (3/6/9 digits)
    Display,  ///< taos-ws-py's TaosResult text in Converter::tz (display_time.hpp)
};
/// What nanosecond TIMESTAMPs become when TimestampMode is a datetime mode.
enum class NanoMode : std::uint8_t { Int, Datetime /* truncated to microseconds */ };
/// VARBINARY, GEOMETRY, BLOB.
enum class BinaryMode : std::uint8_t { Bytes, Hex /* lowercase hex str */ };
/// JSON.
enum class JsonMode : std::uint8_t { Str, Parse /* json.loads */ };
/// DECIMAL, DECIMAL64.
enum class DecimalMode : std::uint8_t { Decimal, Str };
/// VARCHAR/BINARY: str (bytes when not valid UTF-8), or always bytes (taospy's decode_binary=False).
enum class VarcharMode : std::uint8_t { Str, Bytes };
/// FLOAT: the shortest decimal that round-trips as float32 (10.123), or the float32 value
/// widened to double (10.123000144958496, taospy's native module).
enum class FloatMode : std::uint8_t { Shortest, Widen };
/// Rows are tuples or lists.
enum class RowMode : std::uint8_t { Tuple, List };

/// How a fetch converts values. Immutable once made; shared between fetches.
struct Converter {
    TimestampMode timestamps = TimestampMode::Utc;
    py::object tz;  ///< TimestampMode::Tz and Display
    bool zone_names = false;  ///< Display: end with the zone's abbreviation, not its offset
    NanoMode nanos = NanoMode::Int;
    BinaryMode binary = BinaryMode::Bytes;
    JsonMode json = JsonMode::Str;
    DecimalMode decimal = DecimalMode::Decimal;
    RowMode rows = RowMode::Tuple;
    VarcharMode varchar = VarcharMode::Str;
    FloatMode floats = FloatMode::Shortest;
};

/// Imports and caches the Python objects conversion needs (datetime C API, timezone.utc,
/// decimal.Decimal, json.loads). Called once at module import.
void init_convert();

/// Appends rows [begin, end) of `block` to `out`, one tuple (or list) per row.
/// Throws py::error_already_set when a conversion fails; `out` is then left as it was.
void append_rows(py::list& out, const taoslink::Block& block, taoslink::Precision precision, const Converter& conv,
                 std::size_t begin, std::size_t end);

/// Appends rows [begin, end) of `block` to `out`, one dict per row: {keys[c]: value of column c},
/// filled in column order, so a repeated key holds the last such column's value (as
/// dict(zip(names, row)) does). `keys` holds one str per column, borrowed; the dicts share them.
void append_dicts(py::list& out, const taoslink::Block& block, taoslink::Precision precision, const Converter& conv,
                  std::size_t begin, std::size_t end, const std::vector<PyObject*>& keys);

/// Appends rows [begin, end) of column `c` of `block` to `out`.
void append_column(py::list& out, const taoslink::Block& block, std::size_t c, taoslink::Precision precision,
                   const Converter& conv, std::size_t begin, std::size_t end);

/// Converts rows [begin, end) of `col` into `out[0, end-begin)`, replacing (and releasing) what
/// those slots held: the object slots of a numpy object array. On error the slots converted so
/// far keep their new values and the rest their old ones.
void convert_into(const taoslink::ColumnView& col, taoslink::Precision precision, const Converter& conv,
                  std::size_t begin, std::size_t end, PyObject** out);

/// Converts one value (new reference). Used for scalars, e.g. by tests.
py::object convert_value(const taoslink::ColumnView& col, std::size_t row, taoslink::Precision precision,
                         const Converter& conv);

}  // namespace taoslink_py
