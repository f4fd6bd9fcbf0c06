// Statement bindings: Python columns -> taoslink::BindColumn, and the Stmt wrapper.
//
// Conversion rules (one column at a time, the type switch outside the row loop):
//   BOOL                 bool (or an integer 0/1)
//   integers             int or anything with __index__ (numpy integers); range-checked, never
//                        truncated; float is refused
//   FLOAT, DOUBLE        float or int; FLOAT refuses finite values beyond float32's range
//   TIMESTAMP            int ticks in the column's precision, or datetime (naive = local time,
//                        as datetime.timestamp() reads it; floored to whole milliseconds in a
//                        millisecond column)
//   VARCHAR              str (UTF-8) or bytes
//   NCHAR, JSON          str (UTF-8)
//   VARBINARY, GEOMETRY  bytes, bytearray or memoryview (GEOMETRY is WKB)
//   BLOB
//   DECIMAL, DECIMAL64   decimal.Decimal (finite) or int, sent as their decimal text
// None is NULL. A 1-D buffer of numbers or fixed-width strings (a numpy array of a numeric, str_
// or bytes_ dtype) is read directly, without a Python object per element: a contiguous array of
// the column's own width is one memcpy. An object array is read as its objects.
#include "stmt.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <datetime.h>  // the PyDateTime C API: PyDateTime_IMPORT sets a per-file static

#include <pybind11/stl.h>

#include <taoslink/error.hpp>
#include <taoslink/types.hpp>

#include "bindings.hpp"

namespace taoslink_py {

using taoslink::BindColumn;
using taoslink::Precision;
using taoslink::TypeCode;

namespace {

PyObject* g_decimal_type = nullptr;  // decimal.Decimal, owned for the life of the process

std::string type_label(TypeCode t) { return std::string(taoslink::type_name(t)); }

// A conversion error that names the column, its type, the row and the value's Python type.
class Problem {
public:
    Problem(const std::string& label, TypeCode type) : label_(label.empty() ? "values" : label), type_(type) {}

    [[noreturn]] void raise(PyObject* exc, std::size_t row, const std::string& what) const {
        const std::string msg =
            label_ + " (" + type_label(type_) + "), row " + std::to_string(row) + ": " + what;
        PyErr_SetString(exc, msg.c_str());
        throw py::error_already_set();
    }
    [[noreturn]] void wrong_type(std::size_t row, PyObject* value, const char* expected) const {
        raise(PyExc_TypeError, row, std::string("expected ") + expected + ", got " + Py_TYPE(value)->tp_name);
    }
    [[noreturn]] void whole(PyObject* exc, const std::string& what) const {
        const std::string msg = label_ + " (" + type_label(type_) + "): " + what;
        PyErr_SetString(exc, msg.c_str());
        throw py::error_already_set();
    }

private:
    std::string label_;
    TypeCode type_;
};

struct IntRange {
    std::int64_t lo;
    std::uint64_t hi;
};

bool int_range(TypeCode t, IntRange& r) {
    switch (t) {
        case TypeCode::TinyInt: r = {-128, 127}; return true;
        case TypeCode::SmallInt: r = {-32768, 32767}; return true;
        case TypeCode::Int: r = {std::numeric_limits<std::int32_t>::min(), 2147483647u}; return true;
        case TypeCode::BigInt:
            r = {std::numeric_limits<std::int64_t>::min(),
                 static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())};
            return true;
        case TypeCode::UTinyInt: r = {0, 255}; return true;
        case TypeCode::USmallInt: r = {0, 65535}; return true;
        case TypeCode::UInt: r = {0, 4294967295u}; return true;
        case TypeCode::UBigInt: r = {0, std::numeric_limits<std::uint64_t>::max()}; return true;
        case TypeCode::Timestamp:
            r = {std::numeric_limits<std::int64_t>::min(),
                 static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())};
            return true;
        default: return false;
    }
}

inline void put_int(BindColumn& c, std::size_t row, int size, std::uint64_t bits) {
    // Little-endian hosts only (x86-64, aarch64): the low `size` bytes are the value.
    std::uint8_t* p = c.data.data() + row * static_cast<std::size_t>(size);
    switch (size) {  // fixed-size copies compile to single stores
        case 1: { const auto v = static_cast<std::uint8_t>(bits); std::memcpy(p, &v, 1); break; }
        case 2: { const auto v = static_cast<std::uint16_t>(bits); std::memcpy(p, &v, 2); break; }
        case 4: { const auto v = static_cast<std::uint32_t>(bits); std::memcpy(p, &v, 4); break; }
        default: std::memcpy(p, &bits, 8); break;
    }
}

inline void put_real(BindColumn& c, std::size_t row, TypeCode t, double v) {
    if (t == TypeCode::Float) {
        const float f = static_cast<float>(v);
        std::memcpy(c.data.data() + row * 4, &f, 4);
    } else {
        std::memcpy(c.data.data() + row * 8, &v, 8);
    }
}

inline bool float32_fits(double v) {
    return !std::isfinite(v) || std::fabs(v) <= static_cast<double>(std::numeric_limits<float>::max());
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// A datetime as ticks of `precision`. Naive datetimes are local time (astimezone()).
std::int64_t datetime_ticks(PyObject* dt, Precision precision) {
    py::object aware = py::reinterpret_borrow<py::object>(dt);
    PyObject* tz = PyDateTime_DATE_GET_TZINFO(dt);
    py::object offset;
    if (tz != Py_None) offset = aware.attr("utcoffset")();
    if (tz == Py_None || offset.is_none()) {
        aware = aware.attr("astimezone")();
        offset = aware.attr("utcoffset")();
    }
    PyObject* a = aware.ptr();
    std::int64_t secs = days_from_civil(PyDateTime_GET_YEAR(a), static_cast<unsigned>(PyDateTime_GET_MONTH(a)),
                                        static_cast<unsigned>(PyDateTime_GET_DAY(a))) *
                            86400 +
                        PyDateTime_DATE_GET_HOUR(a) * 3600 + PyDateTime_DATE_GET_MINUTE(a) * 60 +
                        PyDateTime_DATE_GET_SECOND(a);
    std::int64_t us = PyDateTime_DATE_GET_MICROSECOND(a);
    if (!offset.is_none() && PyDelta_Check(offset.ptr())) {
        PyObject* o = offset.ptr();
        const std::int64_t off_us = (static_cast<std::int64_t>(PyDateTime_DELTA_GET_DAYS(o)) * 86400 +
                                     PyDateTime_DELTA_GET_SECONDS(o)) *
                                        1000000 +
                                    PyDateTime_DELTA_GET_MICROSECONDS(o);
        us -= off_us;
    }
    const std::int64_t total_us = secs * 1000000 + us;
    switch (precision) {
        case Precision::Milli: {
            // Floor to whole milliseconds (as TDengine does with a time literal of more digits).
            std::int64_t ms = total_us / 1000;
            if (total_us % 1000 < 0) --ms;
            return ms;
        }
        case Precision::Micro: return total_us;
        case Precision::Nano: {
            // int64 nanoseconds end in 2262: a later (or pre-1677) datetime has no ticks to bind.
            std::int64_t ns = 0;
            if (__builtin_mul_overflow(total_us, std::int64_t{1000}, &ns))
                throw std::domain_error("is out of range for a nanosecond TIMESTAMP (1677-09-21 to 2262-04-11)");
            return ns;
        }
    }
    return total_us;
}

// --- the buffer (numpy) fast path ---------------------------------------------------------------

enum class SrcKind { Bool, Signed, Unsigned, Real, Ucs4, Bytes, Objects, Other };

struct BufferSource {
    SrcKind kind = SrcKind::Other;
    const char* base = nullptr;
    Py_ssize_t stride = 0;
    Py_ssize_t size = 0;
    Py_ssize_t len = 0;
    const char* format = "";

    const char* at(std::size_t i) const { return base + static_cast<Py_ssize_t>(i) * stride; }
    bool contiguous() const { return stride == size; }
};

// Classifies a buffer format ("<i8", "q", "?", "d", "5w", "5s", "O", ...). Other for anything else.
SrcKind classify(const char* format, Py_ssize_t itemsize, bool& big_endian) {
    big_endian = false;
    if (!format) format = "B";
    while (*format == '@' || *format == '=' || *format == '<' || *format == '>' || *format == '!') {
        if (*format == '>' || *format == '!') big_endian = true;
        ++format;
    }
    // numpy's fixed-width strings: "<count>w" (UCS-4, str_) and "<count>s" (bytes_)
    const char* kind = format;
    while (*kind >= '0' && *kind <= '9') ++kind;
    if (kind != format && kind[0] != '\0' && kind[1] == '\0') {
        if (kind[0] == 'w' && itemsize % 4 == 0) return SrcKind::Ucs4;
        if (kind[0] == 's') return SrcKind::Bytes;
        return SrcKind::Other;
    }
    if (format[0] == '\0' || format[1] != '\0') return SrcKind::Other;
    const char c = format[0];
    const bool sized = itemsize == 1 || itemsize == 2 || itemsize == 4 || itemsize == 8;
    if (c == 'O') return itemsize == static_cast<Py_ssize_t>(sizeof(PyObject*)) ? SrcKind::Objects : SrcKind::Other;
    if (c == '?') return itemsize == 1 ? SrcKind::Bool : SrcKind::Other;
    if (std::strchr("bhilqn", c)) return sized ? SrcKind::Signed : SrcKind::Other;
    if (std::strchr("BHILQN", c)) return sized ? SrcKind::Unsigned : SrcKind::Other;
    if (c == 'f' || c == 'd') return (itemsize == 4 || itemsize == 8) ? SrcKind::Real : SrcKind::Other;
    return SrcKind::Other;
}

const char* kind_name(SrcKind k) {
    switch (k) {
        case SrcKind::Bool: return "bool";
        case SrcKind::Signed: return "signed integer";
        case SrcKind::Unsigned: return "unsigned integer";
        case SrcKind::Real: return "floating-point";
        case SrcKind::Ucs4: return "str";
        case SrcKind::Bytes: return "bytes";
        default: return "non-numeric";
    }
}

template <typename T>
inline T load(const char* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

// Integers of type S into D-sized slots, range-checked unless every S fits. Same width and
// signedness on a contiguous source is a plain copy.
template <typename S, typename D>
void ints_from_buffer(BindColumn& c, const BufferSource& src, const IntRange& range, const Problem& problem) {
    const std::size_t n = c.rows;
    char* out = nullptr;
    constexpr bool wide_enough = sizeof(D) >= sizeof(S);
    const bool fits = wide_enough && (std::is_signed_v<S> ? range.lo < 0 : true) &&
                      range.hi >= static_cast<std::uint64_t>(std::numeric_limits<S>::max()) &&
                      (!std::is_signed_v<S> || range.lo <= static_cast<std::int64_t>(std::numeric_limits<S>::min()));
    if (fits && sizeof(D) == sizeof(S) && src.contiguous()) {
        c.data.assign(src.base, src.base + n * sizeof(S));  // NULL rows keep their value: the flag wins
        return;
    }
    c.data.assign(n * sizeof(D), 0);
    out = reinterpret_cast<char*>(c.data.data());
    const bool nulls = !c.is_null.empty();
    for (std::size_t i = 0; i < n; ++i) {
        if (nulls && c.is_null[i]) continue;
        const S v = load<S>(src.at(i));
        if (!fits) {
            if constexpr (std::is_signed_v<S>) {
                if (v < range.lo || (v > 0 && static_cast<std::uint64_t>(v) > range.hi))
                    problem.raise(PyExc_OverflowError, i, std::to_string(v) + " is out of range");
            } else {
                if (static_cast<std::uint64_t>(v) > range.hi)
                    problem.raise(PyExc_OverflowError, i, std::to_string(v) + " is out of range");
            }
        }
        const D d = static_cast<D>(v);  // two's complement: the low bytes are the value
        std::memcpy(out + i * sizeof(D), &d, sizeof(D));
    }
}

template <typename S>
void ints_to_width(BindColumn& c, const BufferSource& src, const IntRange& range, const Problem& problem) {
    switch (taoslink::fixed_size(c.type)) {
        case 1: return ints_from_buffer<S, std::uint8_t>(c, src, range, problem);
        case 2: return ints_from_buffer<S, std::uint16_t>(c, src, range, problem);
        case 4: return ints_from_buffer<S, std::uint32_t>(c, src, range, problem);
        default: return ints_from_buffer<S, std::uint64_t>(c, src, range, problem);
    }
}

void ints_from(BindColumn& c, const BufferSource& src, const IntRange& range, const Problem& problem) {
    const bool sign = src.kind == SrcKind::Signed;
    switch (src.size) {
        case 1: return sign ? ints_to_width<std::int8_t>(c, src, range, problem)
                            : ints_to_width<std::uint8_t>(c, src, range, problem);
        case 2: return sign ? ints_to_width<std::int16_t>(c, src, range, problem)
                            : ints_to_width<std::uint16_t>(c, src, range, problem);
        case 4: return sign ? ints_to_width<std::int32_t>(c, src, range, problem)
                            : ints_to_width<std::uint32_t>(c, src, range, problem);
        default: return sign ? ints_to_width<std::int64_t>(c, src, range, problem)
                             : ints_to_width<std::uint64_t>(c, src, range, problem);
    }
}

template <typename S, typename D>
void reals_from_buffer(BindColumn& c, const BufferSource& src, const Problem& problem) {
    const std::size_t n = c.rows;
    if (std::is_same_v<S, D> && std::is_floating_point_v<S> && src.contiguous()) {
        c.data.assign(src.base, src.base + n * sizeof(S));
        return;
    }
    c.data.assign(n * sizeof(D), 0);
    char* out = reinterpret_cast<char*>(c.data.data());
    const bool nulls = !c.is_null.empty();
    for (std::size_t i = 0; i < n; ++i) {
        if (nulls && c.is_null[i]) continue;
        const double v = static_cast<double>(load<S>(src.at(i)));
        if (std::is_same_v<D, float> && !float32_fits(v))
            problem.raise(PyExc_OverflowError, i, std::to_string(v) + " is out of FLOAT's range");
        const D d = static_cast<D>(v);
        std::memcpy(out + i * sizeof(D), &d, sizeof(D));
    }
}

template <typename D>
void reals_to(BindColumn& c, const BufferSource& src, const Problem& problem) {
    const bool sign = src.kind == SrcKind::Signed;
    if (src.kind == SrcKind::Real) {
        if (src.size == 4) return reals_from_buffer<float, D>(c, src, problem);
        return reals_from_buffer<double, D>(c, src, problem);
    }
    switch (src.size) {
        case 1: return sign ? reals_from_buffer<std::int8_t, D>(c, src, problem) : reals_from_buffer<std::uint8_t, D>(c, src, problem);
        case 2: return sign ? reals_from_buffer<std::int16_t, D>(c, src, problem) : reals_from_buffer<std::uint16_t, D>(c, src, problem);
        case 4: return sign ? reals_from_buffer<std::int32_t, D>(c, src, problem) : reals_from_buffer<std::uint32_t, D>(c, src, problem);
        default: return sign ? reals_from_buffer<std::int64_t, D>(c, src, problem) : reals_from_buffer<std::uint64_t, D>(c, src, problem);
    }
}

// The UTF-8 of all `count` code points, NULs included.
std::uint8_t* put_ucs4_all(std::uint8_t* out, const char* p, std::size_t count, std::size_t row, const Problem& problem) {
    std::size_t k = 0;
    // Four ASCII code points at a time, the common case; the first other one ends this loop.
    for (; k + 4 <= count; k += 4) {
        const std::uint32_t a = load<std::uint32_t>(p + k * 4), b = load<std::uint32_t>(p + k * 4 + 4),
                            c = load<std::uint32_t>(p + k * 4 + 8), d = load<std::uint32_t>(p + k * 4 + 12);
        if ((a | b | c | d) >= 0x80) break;
        out[0] = static_cast<std::uint8_t>(a);
        out[1] = static_cast<std::uint8_t>(b);
        out[2] = static_cast<std::uint8_t>(c);
        out[3] = static_cast<std::uint8_t>(d);
        out += 4;
    }
    for (; k < count; ++k) {
        const std::uint32_t cp = load<std::uint32_t>(p + k * 4);
        if (cp < 0x80) {
            *out++ = static_cast<std::uint8_t>(cp);
        } else if (cp < 0x800) {
            *out++ = static_cast<std::uint8_t>(0xC0 | (cp >> 6));
            *out++ = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            if (cp >= 0xD800 && cp <= 0xDFFF)
                problem.raise(PyExc_ValueError, row, "a lone surrogate cannot be encoded as UTF-8");
            *out++ = static_cast<std::uint8_t>(0xE0 | (cp >> 12));
            *out++ = static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F));
            *out++ = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
        } else if (cp <= 0x10FFFF) {
            *out++ = static_cast<std::uint8_t>(0xF0 | (cp >> 18));
            *out++ = static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 0x3F));
            *out++ = static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F));
            *out++ = static_cast<std::uint8_t>(0x80 | (cp & 0x3F));
        } else {
            problem.raise(PyExc_ValueError, row, "code point " + std::to_string(cp) + " is not Unicode");
        }
    }
    return out;
}

// Writes the UTF-8 of `count` UCS-4 code points at `out` (room for 4 bytes each) and returns the
// end; trailing NULs are padding, as numpy reads them. They are written, then trimmed from the
// output: only a NUL code point encodes to a zero byte, and the forward loop is the fast one.
std::uint8_t* put_ucs4(std::uint8_t* out, const char* p, std::size_t count, std::size_t row, const Problem& problem) {
    std::uint8_t* const start = out;
    out = put_ucs4_all(out, p, count, row, problem);
    while (out > start && out[-1] == 0) --out;
    return out;
}

// numpy str_ (UCS-4) and bytes_ arrays into a variable-width column, with the list rules: str for
// VARCHAR, NCHAR and JSON; bytes for VARCHAR and the binary types.
void strings_from_buffer(BindColumn& c, const BufferSource& src, const Problem& problem) {
    const TypeCode t = c.type;
    const bool text = src.kind == SrcKind::Ucs4;
    const bool takes = text ? (t == TypeCode::VarChar || t == TypeCode::NChar || t == TypeCode::Json)
                            : (t == TypeCode::VarChar || t == TypeCode::VarBinary || t == TypeCode::Geometry ||
                               t == TypeCode::Blob || t == TypeCode::MediumBlob);
    if (!takes)
        problem.whole(PyExc_TypeError, std::string("a numpy ") + kind_name(src.kind) + " array cannot be bound to " +
                                           type_label(t));
    const std::size_t n = c.rows;
    const bool nulls = !c.is_null.empty();
    c.lengths.assign(n, 0);
    // A row needs at most `row_max` bytes (a UCS-4 code point is at most 4 UTF-8 bytes). Start
    // with room for one byte a code point, exact for ASCII, and grow when a row might not fit:
    // sizing for the worst case zero-filled four times the bytes that ASCII text needs.
    const auto row_max = static_cast<std::size_t>(src.size);
    c.data.resize(text ? n * (row_max / 4) : n * row_max);
    std::size_t used = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (nulls && c.is_null[i]) continue;
        if (c.data.size() - used < row_max) c.data.resize(std::max(c.data.size() * 2, used + row_max));
        std::uint8_t* const before = c.data.data() + used;
        std::uint8_t* out = before;
        if (text) {
            out = put_ucs4(out, src.at(i), row_max / 4, i, problem);
        } else {
            std::size_t len = row_max;
            const char* p = src.at(i);
            while (len > 0 && p[len - 1] == '\0') --len;
            if (len) std::memcpy(out, p, len);
            out += len;
        }
        c.lengths[i] = static_cast<std::int32_t>(out - before);
        used += static_cast<std::size_t>(out - before);
    }
    c.data.resize(used);
}

void fill_from_buffer(BindColumn& c, const BufferSource& src, const Problem& problem) {
    const TypeCode t = c.type;
    const std::size_t n = c.rows;
    IntRange range{};
    if (src.kind == SrcKind::Ucs4 || src.kind == SrcKind::Bytes) return strings_from_buffer(c, src, problem);
    if (t == TypeCode::Bool) {
        if (src.kind == SrcKind::Real) problem.whole(PyExc_TypeError, "a floating-point array cannot be bound to BOOL");
        const bool nulls = !c.is_null.empty();
        if (src.size == 1 && src.kind != SrcKind::Signed && src.contiguous()) {
            c.data.assign(src.base, src.base + n);
            std::uint8_t worst = 0;
            for (std::size_t i = 0; i < n; ++i) worst |= static_cast<std::uint8_t>(c.data[i] & ~1u);
            if (worst == 0) return;  // else the loop below finds the row and reports it
        }
        c.data.assign(n, 0);
        for (std::size_t i = 0; i < n; ++i) {
            if (nulls && c.is_null[i]) continue;
            const char* p = src.at(i);
            std::uint64_t v;
            bool negative = false;
            switch (src.size) {
                case 1: v = src.kind == SrcKind::Signed ? static_cast<std::uint64_t>(load<std::int8_t>(p)) : load<std::uint8_t>(p); break;
                case 2: v = src.kind == SrcKind::Signed ? static_cast<std::uint64_t>(load<std::int16_t>(p)) : load<std::uint16_t>(p); break;
                case 4: v = src.kind == SrcKind::Signed ? static_cast<std::uint64_t>(load<std::int32_t>(p)) : load<std::uint32_t>(p); break;
                default: v = load<std::uint64_t>(p); break;
            }
            if (src.kind == SrcKind::Signed) negative = static_cast<std::int64_t>(v) < 0;
            if (negative || v > 1)
                problem.raise(PyExc_ValueError, i, "BOOL takes 0 or 1, got " +
                                                       (negative ? std::to_string(static_cast<std::int64_t>(v)) : std::to_string(v)));
            c.data[i] = static_cast<std::uint8_t>(v);
        }
        return;
    }
    if (int_range(t, range)) {
        if (src.kind == SrcKind::Real)
            problem.whole(PyExc_TypeError, std::string("a floating-point array cannot be bound to ") + type_label(t) +
                                               " without truncation; convert it first (e.g. astype('int64'))");
        return ints_from(c, src, range, problem);
    }
    if (t == TypeCode::Float) return reals_to<float>(c, src, problem);
    if (t == TypeCode::Double) return reals_to<double>(c, src, problem);
    problem.whole(PyExc_TypeError, std::string("a ") + kind_name(src.kind) + " array (format '" + src.format +
                                       "') cannot be bound to " + type_label(t) + "; pass a list of values");
}

// --- the sequence path --------------------------------------------------------------------------

// An int-like value as int64 or uint64. False (with the Python error cleared) when `o` is not an
// integer. Sets `negative` and fills the matching out value.
bool as_integer(PyObject* o, bool& negative, std::int64_t& s, std::uint64_t& u, bool& overflow) {
    overflow = false;
    if (PyFloat_Check(o) || PyUnicode_Check(o) || PyBytes_Check(o)) return false;
    PyObject* idx = PyNumber_Index(o);
    if (!idx) {
        PyErr_Clear();
        return false;
    }
    int of = 0;
    s = PyLong_AsLongLongAndOverflow(idx, &of);
    if (of == 0) {
        Py_DECREF(idx);
        if (s == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return false;
        }
        negative = s < 0;
        u = static_cast<std::uint64_t>(s);
        return true;
    }
    negative = of < 0;
    if (!negative) {
        u = PyLong_AsUnsignedLongLong(idx);
        if (u == static_cast<std::uint64_t>(-1) && PyErr_Occurred()) {
            PyErr_Clear();
            overflow = true;
        }
    } else {
        overflow = true;
    }
    Py_DECREF(idx);
    return true;
}

std::string repr_of(PyObject* o) {
    PyObject* r = PyObject_Repr(o);
    if (!r) {
        PyErr_Clear();
        return "?";
    }
    Py_ssize_t len = 0;
    const char* s = PyUnicode_AsUTF8AndSize(r, &len);
    std::string out = s ? std::string(s, static_cast<std::size_t>(std::min<Py_ssize_t>(len, 60))) : "?";
    if (!s) PyErr_Clear();
    Py_DECREF(r);
    return out;
}

void append_var(BindColumn& c, std::string_view v) {
    c.data.insert(c.data.end(), v.begin(), v.end());
    c.lengths.push_back(static_cast<std::int32_t>(v.size()));
}

std::string_view utf8_of(PyObject* o) {
    Py_ssize_t len = 0;
    const char* s = PyUnicode_AsUTF8AndSize(o, &len);
    if (!s) throw py::error_already_set();
    return {s, static_cast<std::size_t>(len)};
}

void fill_from_sequence(BindColumn& c, PyObject* const* items, const Problem& problem) {
    const TypeCode t = c.type;
    const std::size_t n = c.rows;
    const bool var = taoslink::is_var_type(t) || t == TypeCode::Decimal || t == TypeCode::Decimal64;
    if (var) {
        c.lengths.reserve(n);
        // One allocation for the payloads: str caches its UTF-8, so measuring first costs little.
        std::size_t bytes = 0;
        for (std::size_t i = 0; i < n; ++i) {
            PyObject* o = items[i];
            if (PyUnicode_Check(o)) {
                Py_ssize_t len = 0;
                if (PyUnicode_AsUTF8AndSize(o, &len)) bytes += static_cast<std::size_t>(len);
                else PyErr_Clear();  // the conversion loop reports it with the row
            } else if (PyBytes_Check(o)) {
                bytes += static_cast<std::size_t>(PyBytes_GET_SIZE(o));
            }
        }
        c.data.reserve(bytes);
    }
    IntRange range{};
    const bool integral = int_range(t, range);
    const int size = var ? 0 : taoslink::fixed_size(t);
    for (std::size_t i = 0; i < n; ++i) {
        PyObject* o = items[i];
        if (o == Py_None || (!c.is_null.empty() && c.is_null[i])) {
            c.is_null[i] = 1;
            if (var) c.lengths.push_back(0);
            continue;
        }
        if (t == TypeCode::Bool) {
            if (o == Py_True || o == Py_False) {
                c.data[i] = o == Py_True;
                continue;
            }
            bool neg, of;
            std::int64_t s;
            std::uint64_t u;
            if (!as_integer(o, neg, s, u, of)) problem.wrong_type(i, o, "bool");
            if (neg || of || u > 1) problem.raise(PyExc_ValueError, i, "BOOL takes True/False (or 0/1), got " + repr_of(o));
            c.data[i] = static_cast<std::uint8_t>(u);
            continue;
        }
        if (integral && PyLong_CheckExact(o)) {  // the common case, without __index__ and its checks
            int of = 0;
            const long long v = PyLong_AsLongLongAndOverflow(o, &of);
            if (of == 0 && !(v == -1 && PyErr_Occurred())) {
                if (v < range.lo || (v > 0 && static_cast<std::uint64_t>(v) > range.hi))
                    problem.raise(PyExc_OverflowError, i, repr_of(o) + " is out of range");
                put_int(c, i, size, static_cast<std::uint64_t>(v));
                continue;
            }
            PyErr_Clear();  // beyond int64: the general path below sorts out uint64 and overflow
        }
        if (PyFloat_CheckExact(o) && (t == TypeCode::Double || t == TypeCode::Float)) {
            const double v = PyFloat_AS_DOUBLE(o);
            if (t == TypeCode::Float && !float32_fits(v))
                problem.raise(PyExc_OverflowError, i, repr_of(o) + " is out of FLOAT's range");
            put_real(c, i, t, v);
            continue;
        }
        if (t == TypeCode::Timestamp && PyDateTime_Check(o)) {
            try {
                put_int(c, i, 8, static_cast<std::uint64_t>(datetime_ticks(o, c.precision)));
            } catch (const std::domain_error& e) {
                problem.raise(PyExc_ValueError, i, repr_of(o) + " " + e.what());
            }
            continue;
        }
        if (integral) {
            bool neg, of;
            std::int64_t s;
            std::uint64_t u;
            if (!as_integer(o, neg, s, u, of))
                problem.wrong_type(i, o, t == TypeCode::Timestamp ? "int (ticks) or datetime" : "int");
            if (of || (neg && s < range.lo) || (!neg && u > range.hi))
                problem.raise(PyExc_OverflowError, i, repr_of(o) + " is out of range");
            put_int(c, i, size, neg ? static_cast<std::uint64_t>(s) : u);
            continue;
        }
        switch (t) {
            case TypeCode::Float:
            case TypeCode::Double: {
                if (PyUnicode_Check(o) || PyBytes_Check(o) || PyBool_Check(o) || !PyNumber_Check(o))
                    problem.wrong_type(i, o, "float");
                const double v = PyFloat_AsDouble(o);
                if (v == -1.0 && PyErr_Occurred()) {
                    PyErr_Clear();
                    problem.raise(PyExc_OverflowError, i, repr_of(o) + " cannot be converted to a float");
                }
                if (t == TypeCode::Float && !float32_fits(v))
                    problem.raise(PyExc_OverflowError, i, repr_of(o) + " is out of FLOAT's range");
                put_real(c, i, t, v);
                break;
            }
            case TypeCode::VarChar:
                if (PyUnicode_Check(o)) {
                    append_var(c, utf8_of(o));
                } else if (PyBytes_Check(o)) {
                    append_var(c, {PyBytes_AS_STRING(o), static_cast<std::size_t>(PyBytes_GET_SIZE(o))});
                } else {
                    problem.wrong_type(i, o, "str or bytes");
                }
                break;
            case TypeCode::NChar:
            case TypeCode::Json:
                if (!PyUnicode_Check(o)) problem.wrong_type(i, o, "str");
                append_var(c, utf8_of(o));
                break;
            case TypeCode::VarBinary:
            case TypeCode::Geometry:
            case TypeCode::Blob:
            case TypeCode::MediumBlob: {
                if (PyUnicode_Check(o) || !PyObject_CheckBuffer(o))
                    problem.wrong_type(i, o, t == TypeCode::Geometry ? "bytes (WKB)" : "bytes");
                Py_buffer view;
                if (PyObject_GetBuffer(o, &view, PyBUF_SIMPLE) != 0) throw py::error_already_set();
                append_var(c, {static_cast<const char*>(view.buf), static_cast<std::size_t>(view.len)});
                PyBuffer_Release(&view);
                break;
            }
            case TypeCode::Decimal:
            case TypeCode::Decimal64: {
                const bool is_dec = PyObject_IsInstance(o, g_decimal_type) == 1;
                bool neg, of;
                std::int64_t s;
                std::uint64_t u;
                if (!is_dec && (PyBool_Check(o) || !as_integer(o, neg, s, u, of)))
                    problem.wrong_type(i, o, "decimal.Decimal or int");
                if (is_dec) {
                    py::object finite = py::reinterpret_borrow<py::object>(o).attr("is_finite")();
                    if (!finite.cast<bool>()) problem.raise(PyExc_ValueError, i, repr_of(o) + " is not finite");
                }
                py::str text = py::module_::import("builtins").attr("format")(py::handle(o), is_dec ? "f" : "d");
                append_var(c, utf8_of(text.ptr()));
                break;
            }
            default:
                problem.whole(PyExc_TypeError, "this type cannot be bound");
        }
    }
}

void read_nulls(BindColumn& c, py::handle nulls, const Problem& problem) {
    if (nulls.is_none()) return;
    c.is_null.assign(c.rows, 0);
    Py_buffer view;
    if (PyObject_CheckBuffer(nulls.ptr()) && PyObject_GetBuffer(nulls.ptr(), &view, PyBUF_RECORDS_RO) == 0) {
        bool big = false;
        const SrcKind kind = classify(view.format, view.itemsize, big);
        const bool ok = view.ndim == 1 && view.shape[0] == static_cast<Py_ssize_t>(c.rows) &&
                        (kind == SrcKind::Bool || ((kind == SrcKind::Unsigned || kind == SrcKind::Signed) &&
                                                   view.itemsize == 1));
        if (ok) {
            for (std::size_t i = 0; i < c.rows; ++i)
                c.is_null[i] = static_cast<const char*>(view.buf)[static_cast<Py_ssize_t>(i) * view.strides[0]] != 0;
        }
        PyBuffer_Release(&view);
        if (ok) return;
    } else {
        PyErr_Clear();
    }
    py::list flags = py::reinterpret_steal<py::list>(PySequence_List(nulls.ptr()));
    if (!flags) throw py::error_already_set();
    if (flags.size() != c.rows)
        problem.whole(PyExc_ValueError, "the null mask has " + std::to_string(flags.size()) + " entries for " +
                                            std::to_string(c.rows) + " values");
    for (std::size_t i = 0; i < c.rows; ++i) c.is_null[i] = PyObject_IsTrue(flags[i].ptr()) == 1;
}

}  // namespace

PyBindColumn make_bind_column(int type_code, py::handle values, int precision, py::handle nulls,
                              const std::string& label) {
    if (!taoslink::is_known_type(type_code) || type_code == 0)
        throw py::value_error("unknown or unbindable type code " + std::to_string(type_code));
    if (precision < 0 || precision > 2) throw py::value_error("precision must be 0 (ms), 1 (us) or 2 (ns)");
    PyBindColumn out;
    out.label = label;
    BindColumn& c = out.column;
    c.type = static_cast<TypeCode>(type_code);
    c.precision = static_cast<Precision>(precision);
    Problem problem(label, c.type);
    PyObject* v = values.ptr();
    if (PyUnicode_Check(v) || PyBytes_Check(v) || PyByteArray_Check(v))
        problem.whole(PyExc_TypeError, std::string("expected a sequence of values, got a single ") + Py_TYPE(v)->tp_name);
    const bool var = taoslink::is_var_type(c.type) || c.type == TypeCode::Decimal || c.type == TypeCode::Decimal64;

    // A 1-D buffer of numbers or fixed-width strings (numpy): read it directly. An object array
    // is read as its PyObject pointers, with the sequence rules.
    py::object objects;  // keeps an object array alive while its pointers are read
    PyObject* const* object_items = nullptr;
    if (PyObject_CheckBuffer(v)) {
        Py_buffer view;
        if (PyObject_GetBuffer(v, &view, PyBUF_RECORDS_RO) == 0) {
            bool big = false;
            const SrcKind kind = classify(view.format, view.itemsize, big);
            const int ndim = view.ndim;
            BufferSource src;
            src.kind = kind;
            src.base = static_cast<const char*>(view.buf);
            src.stride = view.strides ? view.strides[0] : view.itemsize;
            src.size = view.itemsize;
            src.len = view.shape ? view.shape[0] : view.len / view.itemsize;
            src.format = view.format ? view.format : "B";
            const bool native_order = !(big && (view.itemsize > 1 && kind != SrcKind::Bytes));
            if (kind == SrcKind::Objects && ndim == 1 && src.contiguous()) {
                objects = py::reinterpret_borrow<py::object>(v);
                object_items = reinterpret_cast<PyObject* const*>(src.base);
                c.rows = static_cast<std::size_t>(src.len);
                PyBuffer_Release(&view);  // `objects` holds the array; nothing runs that could resize it
            } else if (kind != SrcKind::Other && kind != SrcKind::Objects && ndim == 1 && native_order) {
                c.rows = static_cast<std::size_t>(src.len);
                try {
                    read_nulls(c, nulls, problem);
                    fill_from_buffer(c, src, problem);  // sizes c.data itself: a copy needs no zeroing first
                } catch (...) {
                    PyBuffer_Release(&view);
                    throw;
                }
                PyBuffer_Release(&view);
                return out;
            } else {
                PyBuffer_Release(&view);
                if (ndim != 1 && kind != SrcKind::Other)
                    problem.whole(PyExc_ValueError, "expected a 1-dimensional array, got " + std::to_string(ndim) +
                                                        " dimensions");
            }
        } else {
            PyErr_Clear();
        }
    }

    // Any other iterable: one Python object per value.
    py::object holder;
    if (!object_items) {
        PyObject* seq = PySequence_Fast(v, "bind values must be a sequence (a list, tuple or array)");
        if (!seq) throw py::error_already_set();
        holder = py::reinterpret_steal<py::object>(seq);
        c.rows = static_cast<std::size_t>(PySequence_Fast_GET_SIZE(seq));
        object_items = PySequence_Fast_ITEMS(seq);
    }
    read_nulls(c, nulls, problem);
    if (c.is_null.empty()) c.is_null.assign(c.rows, 0);
    if (!var) c.data.assign(c.rows * static_cast<std::size_t>(taoslink::fixed_size(c.type)), 0);
    fill_from_sequence(c, object_items, problem);
    // Drop an all-false null vector: "empty means no NULLs".
    bool any = false;
    for (auto f : c.is_null) any = any || f;
    if (!any) c.is_null.clear();
    return out;
}

// --- PyStmt ---------------------------------------------------------------------------------

PyStmt::PyStmt(std::shared_ptr<taoslink::Connection> conn, std::unique_ptr<taoslink::Stmt> stmt)
    : conn_(std::move(conn)), stmt_(std::move(stmt)) {}

PyStmt::~PyStmt() {
    if (stmt_) {
        if (Py_IsInitialized() && PyGILState_Check()) {
            py::gil_scoped_release nogil;
            stmt_->close();
        } else {
            stmt_->close();
        }
    }
}

taoslink::Stmt& PyStmt::live() {
    if (!stmt_) throw taoslink::UsageError(taoslink::code::InvalidOperation, "the statement is closed");
    return *stmt_;
}

namespace {

// The columns of `items`. With `consume`, a column that only `items` refers to (reference count
// 1: nobody else can see it again) gives up its buffers instead of being copied; the caller must
// not hand out `items` afterwards. Saves a copy of every bound byte on the way to the plugin.
std::vector<BindColumn> collect(const py::list& items, const char* what, bool consume = false) {
    std::vector<BindColumn> out;
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        py::handle h = PyList_GET_ITEM(items.ptr(), static_cast<Py_ssize_t>(i));  // borrowed: no extra reference
        if (!py::isinstance<PyBindColumn>(h))
            throw py::type_error(std::string(what) + " " + std::to_string(i) + ": expected a BindColumn, got " +
                                 Py_TYPE(h.ptr())->tp_name);
        auto& col = h.cast<PyBindColumn&>().column;
        if (consume && Py_REFCNT(h.ptr()) == 1) {
            out.push_back(std::move(col));
            col = BindColumn{col.type, 0, {}, {}, {}, col.precision};  // left valid and empty
        } else {
            out.push_back(col);
        }
    }
    return out;
}

}  // namespace

void PyStmt::prepare(const std::string& sql) {
    auto& s = live();
    py::gil_scoped_release nogil;
    s.prepare(sql);
}

void PyStmt::set_table_name(const std::string& name) {
    auto& s = live();
    py::gil_scoped_release nogil;
    s.set_table_name(name);
}

void PyStmt::set_tags(const py::list& tags) {
    auto& s = live();
    auto cols = collect(tags, "tag");
    py::gil_scoped_release nogil;
    s.set_tags(cols);
}

void PyStmt::bind(const py::list& columns, bool consume) {
    auto& s = live();
    auto cols = collect(columns, "column", consume);
    py::gil_scoped_release nogil;
    s.bind(cols);
}

void PyStmt::add_batch() {
    auto& s = live();
    py::gil_scoped_release nogil;
    s.add_batch();
}

std::int64_t PyStmt::execute() {
    auto& s = live();
    std::int64_t n;
    {
        py::gil_scoped_release nogil;
        n = s.execute();
    }
    if (n > 0) affected_ += n;
    return n;
}

std::unique_ptr<PyResult> PyStmt::result() {
    auto& s = live();
    std::unique_ptr<taoslink::Result> r;
    {
        py::gil_scoped_release nogil;
        r = s.result();
    }
    return std::make_unique<PyResult>(conn_, std::move(r));
}

py::list PyStmt::fields() {
    auto& s = live();
    std::vector<taoslink::StmtField> got;
    {
        py::gil_scoped_release nogil;
        got = s.fields();
    }
    py::list out;
    for (const auto& f : got) {
        out.append(py::make_tuple(f.name, static_cast<int>(f.type), f.kind == taoslink::StmtFieldKind::Tag, f.bytes,
                                  static_cast<int>(f.precision), static_cast<int>(f.scale)));
    }
    return out;
}

void PyStmt::close() {
    if (!stmt_) return;
    std::unique_ptr<taoslink::Stmt> s = std::move(stmt_);
    py::gil_scoped_release nogil;
    s->close();
}

void register_stmt(py::module_& m) {
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI) throw py::error_already_set();
    g_decimal_type = py::object(py::module_::import("decimal").attr("Decimal")).release().ptr();

    py::class_<PyBindColumn>(m, "BindColumn",
                             "One column (or tag) of bind values, converted to TDengine's layout on construction.")
        .def(py::init(&make_bind_column), py::arg("type_code"), py::arg("values"), py::arg("precision") = 0,
             py::arg("nulls") = py::none(), py::arg("label") = "",
             "type_code: TDengine's type code; values: a sequence (None = NULL) or a 1-D numeric buffer (numpy "
             "array); precision: 0 ms, 1 us, 2 ns (TIMESTAMP); nulls: optional booleans marking NULL rows; "
             "label: names the column in error messages. Raises TypeError for a value of the wrong type, "
             "OverflowError/ValueError for one out of range.")
        .def_property_readonly("type_code", [](const PyBindColumn& c) { return static_cast<int>(c.column.type); })
        .def_property_readonly("rows", [](const PyBindColumn& c) { return c.column.rows; })
        .def_property_readonly("precision", [](const PyBindColumn& c) { return static_cast<int>(c.column.precision); })
        .def_property_readonly("label", [](const PyBindColumn& c) { return c.label; })
        .def_property_readonly("nulls",
                               [](const PyBindColumn& c) {
                                   py::list out;
                                   for (std::size_t i = 0; i < c.column.rows; ++i)
                                       out.append(py::bool_(!c.column.is_null.empty() && c.column.is_null[i]));
                                   return out;
                               })
        .def_property_readonly("data",
                               [](const PyBindColumn& c) {
                                   return py::bytes(reinterpret_cast<const char*>(c.column.data.data()),
                                                    c.column.data.size());
                               },
                               "The encoded values (fixed: rows * size bytes; variable: concatenated payloads).")
        .def_property_readonly("lengths", [](const PyBindColumn& c) { return c.column.lengths; })
        .def("__len__", [](const PyBindColumn& c) { return c.column.rows; })
        .def("__repr__", [](const PyBindColumn& c) {
            return "<BindColumn " + std::string(taoslink::type_name(c.column.type)) + " x" +
                   std::to_string(c.column.rows) + (c.label.empty() ? "" : " " + c.label) + ">";
        });

    py::class_<PyStmt>(m, "Stmt", "A prepared statement with column-wise binding. Not thread-safe.")
        .def("prepare", &PyStmt::prepare, py::arg("sql"))
        .def("set_table_name", &PyStmt::set_table_name, py::arg("name"))
        .def("set_tags", &PyStmt::set_tags, py::arg("tags"), "Binds the tags (a list of BindColumn, one row each).")
        .def("bind", &PyStmt::bind, py::arg("columns"), py::arg("consume") = false,
             "Binds whole columns (a list of BindColumn). consume=True lets columns that only this list "
             "refers to give up their buffers instead of being copied (they are left empty).")
        .def("add_batch", &PyStmt::add_batch)
        .def("execute", &PyStmt::execute, "Executes the added batches; returns the rows affected.")
        .def("result", &PyStmt::result, "The result set of an executed query statement.")
        .def("fields", &PyStmt::fields,
             "The placeholders of a prepared INSERT, tags first then columns: a list of (name, type_code, "
             "is_tag, bytes, precision, scale); precision is the timestamp precision (0 ms, 1 us, 2 ns) for "
             "TIMESTAMP, p for DECIMAL. For `insert into ? ...` call set_table_name first.")
        .def_property_readonly("affected_rows", &PyStmt::affected_rows, "Rows affected by every execute() so far.")
        .def_property_readonly("closed", &PyStmt::closed)
        .def("close", &PyStmt::close, "Releases the statement. Idempotent.");
}

}  // namespace taoslink_py
