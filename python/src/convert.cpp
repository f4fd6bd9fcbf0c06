// Block columns -> Python objects. See convert.hpp for the contract.
//
// The loops run column by column (the type switch is outside the per-row loop) and write each
// value straight into its row tuple (or the column list). Timestamps are split into civil fields
// with integer arithmetic (no floating point, floor division for times before 1970) and built with
// the PyDateTime C API.
#include "convert.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <datetime.h>  // the PyDateTime C API: PyDateTime_IMPORT sets a per-file static

#include "bindings.hpp"
#include "civil_time.hpp"
#include "display_time.hpp"

namespace taoslink_py {

using taoslink::ColumnView;
using taoslink::Precision;
using taoslink::TypeCode;

namespace {

// Cached Python objects, owned for the life of the process.
PyObject* g_utc = nullptr;         // datetime.timezone.utc
PyObject* g_decimal = nullptr;     // decimal.Decimal
PyObject* g_json_loads = nullptr;  // json.loads
PyObject* g_fromutc = nullptr;     // "fromutc", interned

[[noreturn]] void throw_py() { throw py::error_already_set(); }

inline PyObject* new_none() {
    Py_INCREF(Py_None);
    return Py_None;
}

// Converts TIMESTAMP ticks according to the converter; keeps small caches between calls.
class TimestampConverter {
public:
    TimestampConverter(Precision p, const Converter& conv)
        : conv_(conv), precision_(p), display_(p, conv.tz.ptr(), conv.zone_names) {
        per_ = taoslink::ticks_per_second(p);
        digits_ = p == Precision::Milli ? 3 : p == Precision::Micro ? 6 : 9;
        mode_ = conv.timestamps;
        if (p == Precision::Nano && conv.nanos == NanoMode::Int &&
            (mode_ == TimestampMode::Utc || mode_ == TimestampMode::Tz || mode_ == TimestampMode::Local)) {
            mode_ = TimestampMode::Int;
        }
    }

    PyObject* operator()(std::int64_t ticks) {
        if (mode_ == TimestampMode::Int) return PyLong_FromLongLong(ticks);
        if (mode_ == TimestampMode::Display) return display_(ticks);
        const std::int64_t secs = floor_div(ticks, per_);
        const std::int64_t frac = floor_mod(ticks, per_);  // [0, per_)
        if (mode_ == TimestampMode::Rfc3339) return rfc3339(secs, frac);
        int us = static_cast<int>(precision_ == Precision::Milli   ? frac * 1000
                                  : precision_ == Precision::Micro ? frac
                                                                   : frac / 1000);
        switch (mode_) {
            case TimestampMode::Utc:
                return datetime(secs, us, g_utc, ticks);
            case TimestampMode::Local: {
                long off = 0;
                if (!local_offset(secs, off)) return PyLong_FromLongLong(ticks);
                return datetime(secs + off, us, Py_None, ticks);
            }
            case TimestampMode::Tz: {
                PyObject* dt = datetime(secs, us, conv_.tz.ptr(), ticks);
                if (!dt || !PyDateTime_Check(dt)) return dt;  // out of range: int ticks
                PyObject* out = PyObject_CallMethodOneArg(conv_.tz.ptr(), g_fromutc, dt);
                Py_DECREF(dt);
                return out;
            }
            default:
                return PyLong_FromLongLong(ticks);
        }
    }

private:
    // A datetime for `secs` (UTC or already shifted to local) + `us`, with tzinfo `tz` (Py_None
    // for naive). Outside datetime's range (years 1..9999) the raw ticks are returned as int.
    PyObject* datetime(std::int64_t secs, int us, PyObject* tz, std::int64_t ticks) {
        const std::int64_t days = floor_div(secs, 86400);
        const auto sod = static_cast<unsigned>(secs - days * 86400);
        if (days != last_day_) {
            std::int64_t y;
            civil_from_days(days, y, month_, day_);
            year_ = y;
            last_day_ = days;
        }
        if (year_ < 1 || year_ > 9999) return PyLong_FromLongLong(ticks);
        return PyDateTimeAPI->DateTime_FromDateAndTime(static_cast<int>(year_), static_cast<int>(month_),
                                                        static_cast<int>(day_), static_cast<int>(sod / 3600),
                                                        static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60),
                                                        us, tz, PyDateTimeAPI->DateTimeType);
    }

    // The local UTC offset at `secs`, from localtime_r (so DST and historical offsets are right).
    // Offsets are cached per 15-minute window when both ends of the window agree.
    bool local_offset(std::int64_t secs, long& off) {
        const std::int64_t win = floor_div(secs, 900);
        if (win == win_ && win_valid_) {
            off = win_off_;
            return true;
        }
        std::tm a{}, b{};
        const auto ta = static_cast<std::time_t>(win * 900);
        const auto tb = static_cast<std::time_t>(win * 900 + 899);
        if (localtime_r(&ta, &a) && localtime_r(&tb, &b) && a.tm_gmtoff == b.tm_gmtoff) {
            win_ = win;
            win_valid_ = true;
            win_off_ = a.tm_gmtoff;
            off = win_off_;
            return true;
        }
        win_valid_ = false;
        std::tm t{};
        const auto ts = static_cast<std::time_t>(secs);
        if (!localtime_r(&ts, &t)) return false;
        off = t.tm_gmtoff;
        return true;
    }

    // 2023-11-15T06:13:20.000Z with 3/6/9 fraction digits, as taosAdapter renders UTC.
    PyObject* rfc3339(std::int64_t secs, std::int64_t frac) {
        const std::int64_t days = floor_div(secs, 86400);
        const auto sod = static_cast<unsigned>(secs - days * 86400);
        std::int64_t y;
        unsigned m, d;
        civil_from_days(days, y, m, d);
        char buf[64];
        if (y < 0 || y > 9999) {
            int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%0*lldZ",
                                  static_cast<long long>(y), m, d, sod / 3600, sod / 60 % 60, sod % 60, digits_,
                                  static_cast<long long>(frac));
            return PyUnicode_FromStringAndSize(buf, n);
        }
        put_civil(buf, secs, 'T');
        buf[19] = '.';
        auto f = static_cast<std::uint64_t>(frac);
        for (int i = digits_; i > 0; --i) {
            buf[19 + i] = static_cast<char>('0' + f % 10);
            f /= 10;
        }
        buf[20 + digits_] = 'Z';
        return PyUnicode_FromStringAndSize(buf, 21 + digits_);
    }

    const Converter& conv_;
    Precision precision_;
    DisplayTimestamps display_;  // used in TimestampMode::Display only
    TimestampMode mode_;
    std::int64_t per_;
    int digits_;
    std::int64_t last_day_ = std::numeric_limits<std::int64_t>::min();
    std::int64_t year_ = 0;
    unsigned month_ = 0, day_ = 0;
    std::int64_t win_ = std::numeric_limits<std::int64_t>::min();
    bool win_valid_ = false;
    long win_off_ = 0;
};

// Reads the decimal text of std::to_chars ([-]digits[.digits][e[+-]digits]) into `out` when
// Clinger's fast path applies: at most 15 significant digits and a power of ten up to 1e22 are
// exact doubles, so one multiplication or division rounds correctly (what from_chars returns).
// False otherwise; the caller then parses with from_chars.
inline bool exact_decimal(const char* p, const char* end, double& out) {
    static constexpr double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const bool neg = p < end && *p == '-';
    if (neg) ++p;
    std::uint64_t sig = 0;
    int digits = 0, exp10 = 0;
    bool point = false;
    for (; p < end && *p != 'e'; ++p) {
        if (*p == '.') {
            point = true;
            continue;
        }
        const auto v = static_cast<unsigned>(*p - '0');
        if (v > 9) return false;
        if (sig != 0 || v != 0) {
            if (++digits > 15) return false;
            sig = sig * 10 + v;
        }
        if (point) --exp10;
    }
    if (p < end) {  // exponent
        ++p;
        bool eneg = false;
        if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        int e = 0;
        for (; p < end; ++p) {
            const auto v = static_cast<unsigned>(*p - '0');
            if (v > 9 || e > 1000) return false;
            e = e * 10 + static_cast<int>(v);
        }
        exp10 += eneg ? -e : e;
    }
    if (exp10 < -22 || exp10 > 22) return false;
    double d = static_cast<double>(sig);
    d = exp10 >= 0 ? d * pow10[exp10] : d / pow10[-exp10];
    out = neg ? -d : d;
    return true;
}

// FLOAT: the shortest decimal that round-trips as float32, read back as a double, so FLOAT 10.123
// reads 10.123 rather than 10.123000144958496.
inline PyObject* float32_obj(float f) {
    if (!std::isfinite(f)) return PyFloat_FromDouble(static_cast<double>(f));
    if (f == std::trunc(f) && std::fabs(f) < 16777216.0f) return PyFloat_FromDouble(static_cast<double>(f));
    char buf[48];
    auto r = std::to_chars(buf, buf + sizeof buf, f);
    double d = static_cast<double>(f);
    if (!exact_decimal(buf, r.ptr, d)) std::from_chars(buf, r.ptr, d);
    return PyFloat_FromDouble(d);
}

// Text: str, or bytes when the payload is not valid UTF-8 (documented).
inline PyObject* text_utf8(std::string_view v) {
    PyObject* s = PyUnicode_DecodeUTF8(v.data(), static_cast<Py_ssize_t>(v.size()), nullptr);
    if (s || !PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) return s;
    PyErr_Clear();
    return PyBytes_FromStringAndSize(v.data(), static_cast<Py_ssize_t>(v.size()));
}

inline std::uint32_t load_le32(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return static_cast<std::uint32_t>(b[0]) | static_cast<std::uint32_t>(b[1]) << 8 |
           static_cast<std::uint32_t>(b[2]) << 16 | static_cast<std::uint32_t>(b[3]) << 24;
}

// Copies n little-endian UCS-4 code points into a str of the kind `Out` (1, 2 or 4 bytes).
template <class Out>
void narrow_ucs4(const char* p, std::size_t n, Out* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<Out>(load_le32(p + 4 * i));
}

// NCHAR (UCS-4 little-endian): str, or bytes when not valid. Builds the str directly in its
// narrowest kind, the work PyUnicode_DecodeUTF32 does in its generic (slower) loop; text with a
// surrogate or a code point above U+10FFFF goes to that decoder, which rejects it as it always did.
inline PyObject* text_ucs4(std::string_view v) {
    const std::size_t n = v.size() / 4;
    if (v.size() % 4 == 0 && n > 1) {
        std::uint32_t any = 0;
        bool bad = false;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t c = load_le32(v.data() + 4 * i);
            any |= c;
            bad |= c > 0x10FFFF || (c - 0xD800u) < 0x800u;
        }
        if (!bad) {
            // The OR of the code points is below 0x80/0x100/0x10000 exactly when their maximum is,
            // so this is the canonical (narrowest) kind Python requires.
            const Py_UCS4 maxchar = any < 0x80 ? 0x7F : any < 0x100 ? 0xFF : any < 0x10000 ? 0xFFFF : 0x10FFFF;
            PyObject* s = PyUnicode_New(static_cast<Py_ssize_t>(n), maxchar);
            if (!s) return nullptr;
            switch (PyUnicode_KIND(s)) {
                case PyUnicode_1BYTE_KIND: narrow_ucs4(v.data(), n, PyUnicode_1BYTE_DATA(s)); break;
                case PyUnicode_2BYTE_KIND: narrow_ucs4(v.data(), n, PyUnicode_2BYTE_DATA(s)); break;
                default: narrow_ucs4(v.data(), n, PyUnicode_4BYTE_DATA(s)); break;
            }
            return s;
        }
    }
    int byteorder = -1;  // little-endian
    PyObject* s = PyUnicode_DecodeUTF32(v.data(), static_cast<Py_ssize_t>(v.size()), nullptr, &byteorder);
    if (s || !PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) return s;
    PyErr_Clear();
    return PyBytes_FromStringAndSize(v.data(), static_cast<Py_ssize_t>(v.size()));
}

inline PyObject* hex_str(std::string_view v) {
    static const char digits[] = "0123456789abcdef";
    PyObject* s = PyUnicode_New(static_cast<Py_ssize_t>(v.size() * 2), 127);
    if (!s) return nullptr;
    Py_UCS1* out = PyUnicode_1BYTE_DATA(s);
    for (unsigned char c : v) {
        *out++ = static_cast<Py_UCS1>(digits[c >> 4]);
        *out++ = static_cast<Py_UCS1>(digits[c & 15]);
    }
    return s;
}

inline PyObject* binary_obj(std::string_view v, BinaryMode mode) {
    if (mode == BinaryMode::Hex) return hex_str(v);
    return PyBytes_FromStringAndSize(v.data(), static_cast<Py_ssize_t>(v.size()));
}

inline PyObject* json_obj(std::string_view v, JsonMode mode) {
    PyObject* s = text_utf8(v);
    if (!s || mode == JsonMode::Str || !PyUnicode_Check(s)) return s;
    PyObject* out = PyObject_CallOneArg(g_json_loads, s);
    Py_DECREF(s);
    return out;
}

inline PyObject* decimal_obj(std::uint64_t low, std::int64_t high, std::uint8_t scale, DecimalMode mode) {
    const std::string text = taoslink::format_decimal(low, high, scale);
    PyObject* s = PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
    if (!s || mode == DecimalMode::Str) return s;
    PyObject* out = PyObject_CallOneArg(g_decimal, s);
    Py_DECREF(s);
    return out;
}

struct Dec128 {
    std::uint64_t low;
    std::int64_t high;
};
static_assert(sizeof(Dec128) == 16);

// Calls set(i, obj) for rows [begin, end) of `col`, i counted from 0, obj a new reference.
template <class Set>
void convert_range(const ColumnView& col, Precision precision, const Converter& conv, std::size_t begin,
                   std::size_t end, Set&& set) {
    auto loop = [&](auto&& make) {
        for (std::size_t r = begin; r < end; ++r) {
            PyObject* o;
            if (col.is_null(r)) {
                o = new_none();
            } else {
                o = make(r);
                if (!o) throw_py();
            }
            set(r - begin, o);
        }
    };
    switch (col.type()) {
        case TypeCode::Bool:
            return loop([&](std::size_t r) {
                PyObject* o = col.get<std::uint8_t>(r) ? Py_True : Py_False;
                Py_INCREF(o);
                return o;
            });
        case TypeCode::TinyInt:
            return loop([&](std::size_t r) { return PyLong_FromLong(col.get<std::int8_t>(r)); });
        case TypeCode::SmallInt:
            return loop([&](std::size_t r) { return PyLong_FromLong(col.get<std::int16_t>(r)); });
        case TypeCode::Int:
            return loop([&](std::size_t r) { return PyLong_FromLong(col.get<std::int32_t>(r)); });
        case TypeCode::BigInt:
            return loop([&](std::size_t r) { return PyLong_FromLongLong(col.get<std::int64_t>(r)); });
        case TypeCode::UTinyInt:
            return loop([&](std::size_t r) { return PyLong_FromUnsignedLong(col.get<std::uint8_t>(r)); });
        case TypeCode::USmallInt:
            return loop([&](std::size_t r) { return PyLong_FromUnsignedLong(col.get<std::uint16_t>(r)); });
        case TypeCode::UInt:
            return loop([&](std::size_t r) { return PyLong_FromUnsignedLong(col.get<std::uint32_t>(r)); });
        case TypeCode::UBigInt:
            return loop([&](std::size_t r) { return PyLong_FromUnsignedLongLong(col.get<std::uint64_t>(r)); });
        case TypeCode::Float:
            if (conv.floats == FloatMode::Widen)
                return loop([&](std::size_t r) { return PyFloat_FromDouble(static_cast<double>(col.get<float>(r))); });
            return loop([&](std::size_t r) { return float32_obj(col.get<float>(r)); });
        case TypeCode::Double:
            return loop([&](std::size_t r) { return PyFloat_FromDouble(col.get<double>(r)); });
        case TypeCode::Timestamp: {
            TimestampConverter ts(precision, conv);
            return loop([&](std::size_t r) { return ts(col.get<std::int64_t>(r)); });
        }
        case TypeCode::VarChar:
            if (conv.varchar == VarcharMode::Bytes)
                return loop([&](std::size_t r) { return binary_obj(col.bytes(r), BinaryMode::Bytes); });
            return loop([&](std::size_t r) { return text_utf8(col.bytes(r)); });
        case TypeCode::NChar:
            if (col.text_encoding() == taoslink::TextEncoding::Ucs4)
                return loop([&](std::size_t r) { return text_ucs4(col.bytes(r)); });
            return loop([&](std::size_t r) { return text_utf8(col.bytes(r)); });
        case TypeCode::Json:
            return loop([&](std::size_t r) { return json_obj(col.bytes(r), conv.json); });
        case TypeCode::VarBinary:
        case TypeCode::Geometry:
        case TypeCode::Blob:
        case TypeCode::MediumBlob:
            return loop([&](std::size_t r) { return binary_obj(col.bytes(r), conv.binary); });
        case TypeCode::Decimal: {
            const std::uint8_t scale = col.decimal_scale();
            return loop([&](std::size_t r) {
                const auto v = col.get<Dec128>(r);
                return decimal_obj(v.low, v.high, scale, conv.decimal);
            });
        }
        case TypeCode::Decimal64: {
            const std::uint8_t scale = col.decimal_scale();
            return loop([&](std::size_t r) {
                const auto v = col.get<std::int64_t>(r);
                return decimal_obj(static_cast<std::uint64_t>(v), v < 0 ? -1 : 0, scale, conv.decimal);
            });
        }
        case TypeCode::Null:
        default:
            if (col.is_var()) return loop([&](std::size_t r) { return binary_obj(col.bytes(r), BinaryMode::Bytes); });
            for (std::size_t r = begin; r < end; ++r) set(r - begin, new_none());
            return;
    }
}

enum class RowKind { Tuple, List, Dict };

inline PyObject* new_dict(std::size_t columns) {
#if PY_VERSION_HEX < 0x030D0000
    return _PyDict_NewPresized(static_cast<Py_ssize_t>(columns));  // no resize while filling
#else
    (void)columns;
    return PyDict_New();
#endif
}

// Makes one row object per row of [begin, end), fills it column by column (the type switch stays
// outside the per-row loop) and appends the rows to `out`, or nothing when anything fails.
// `keys` (Dict only): one str per column.
template <RowKind Kind>
void append_rows_impl(py::list& out, const taoslink::Block& block, Precision precision, const Converter& conv,
                      std::size_t begin, std::size_t end, const std::vector<PyObject*>* keys = nullptr) {
    const std::size_t n = end - begin;
    const std::size_t nc = block.columns();
    std::vector<PyObject*> rows(n, nullptr);
    auto release = [&] {
        for (PyObject* r : rows) Py_XDECREF(r);
    };
    for (std::size_t i = 0; i < n; ++i) {
        if constexpr (Kind == RowKind::List) {
            rows[i] = PyList_New(static_cast<Py_ssize_t>(nc));
        } else if constexpr (Kind == RowKind::Tuple) {
            rows[i] = PyTuple_New(static_cast<Py_ssize_t>(nc));
        } else {
            rows[i] = new_dict(nc);
        }
        if (!rows[i]) {
            release();
            throw_py();
        }
    }
    try {
        for (std::size_t c = 0; c < nc; ++c) {
            const auto ci = static_cast<Py_ssize_t>(c);
            PyObject* key = keys ? (*keys)[c] : nullptr;
            convert_range(block.column(c), precision, conv, begin, end, [&](std::size_t i, PyObject* o) {
                if constexpr (Kind == RowKind::List) {
                    PyList_SET_ITEM(rows[i], ci, o);
                } else if constexpr (Kind == RowKind::Tuple) {
                    PyTuple_SET_ITEM(rows[i], ci, o);
                } else {
                    const int rc = PyDict_SetItem(rows[i], key, o);
                    Py_DECREF(o);
                    if (rc != 0) throw_py();
                }
            });
        }
    } catch (...) {
        release();
        throw;
    }
    const Py_ssize_t before = PyList_GET_SIZE(out.ptr());
    for (std::size_t i = 0; i < n; ++i) {
        if (PyList_Append(out.ptr(), rows[i]) != 0) {
            PyList_SetSlice(out.ptr(), before, PyList_GET_SIZE(out.ptr()), nullptr);
            release();
            throw_py();
        }
    }
    release();
}

}  // namespace

void init_convert() {
    PyDateTime_IMPORT;
    init_display_time();
    if (!PyDateTimeAPI) throw_py();
    g_utc = PyDateTime_TimeZone_UTC;
    Py_INCREF(g_utc);
    g_decimal = py::object(py::module_::import("decimal").attr("Decimal")).release().ptr();
    g_json_loads = py::object(py::module_::import("json").attr("loads")).release().ptr();
    g_fromutc = PyUnicode_InternFromString("fromutc");
    if (!g_fromutc) throw_py();
}

void append_rows(py::list& out, const taoslink::Block& block, Precision precision, const Converter& conv,
                 std::size_t begin, std::size_t end) {
    if (end <= begin) return;
    if (conv.rows == RowMode::List)
        append_rows_impl<RowKind::List>(out, block, precision, conv, begin, end);
    else
        append_rows_impl<RowKind::Tuple>(out, block, precision, conv, begin, end);
}

void append_dicts(py::list& out, const taoslink::Block& block, Precision precision, const Converter& conv,
                  std::size_t begin, std::size_t end, const std::vector<PyObject*>& keys) {
    if (end <= begin) return;
    if (keys.size() != block.columns())
        throw std::logic_error("append_dicts: " + std::to_string(keys.size()) + " keys for " +
                               std::to_string(block.columns()) + " columns");
    append_rows_impl<RowKind::Dict>(out, block, precision, conv, begin, end, &keys);
}

void append_column(py::list& out, const taoslink::Block& block, std::size_t c, Precision precision,
                   const Converter& conv, std::size_t begin, std::size_t end) {
    if (end <= begin) return;
    const Py_ssize_t before = PyList_GET_SIZE(out.ptr());
    try {
        convert_range(block.column(c), precision, conv, begin, end, [&](std::size_t, PyObject* o) {
            const int rc = PyList_Append(out.ptr(), o);
            Py_DECREF(o);
            if (rc != 0) throw_py();
        });
    } catch (...) {
        PyList_SetSlice(out.ptr(), before, PyList_GET_SIZE(out.ptr()), nullptr);
        throw;
    }
}

void convert_into(const ColumnView& col, Precision precision, const Converter& conv, std::size_t begin,
                  std::size_t end, PyObject** out) {
    if (end <= begin) return;
    convert_range(col, precision, conv, begin, end, [&](std::size_t i, PyObject* o) {
        Py_XDECREF(out[i]);
        out[i] = o;
    });
}

py::object convert_value(const ColumnView& col, std::size_t row, Precision precision, const Converter& conv) {
    PyObject* out = nullptr;
    convert_range(col, precision, conv, row, row + 1, [&](std::size_t, PyObject* o) { out = o; });
    return py::reinterpret_steal<py::object>(out);
}

namespace {

template <class E>
E pick(const std::string& what, const std::string& value,
       std::initializer_list<std::pair<const char*, E>> choices) {
    std::string names;
    for (const auto& [name, e] : choices) {
        if (value == name) return e;
        if (!names.empty()) names += ", ";
        names += name;
    }
    throw py::value_error(what + " must be one of " + names + ", not '" + value + "'");
}

const char* name_of(TimestampMode m) {
    switch (m) {
        case TimestampMode::Utc: return "utc";
        case TimestampMode::Tz: return "tz";
        case TimestampMode::Local: return "local";
        case TimestampMode::Int: return "int";
        case TimestampMode::Rfc3339: return "rfc3339";
        case TimestampMode::Display: return "display";
    }
    return "?";
}

}  // namespace

void register_convert(py::module_& m) {
    init_convert();
    py::class_<Converter>(m, "Converter",
                          "How fetched values become Python objects. Immutable; pass one to fetch calls.")
        .def(py::init([](const std::string& timestamps, py::object tz, const std::string& nanos,
                         const std::string& binary, const std::string& json, const std::string& decimal,
                         const std::string& rows, const std::string& varchar, const std::string& floats,
                         const std::string& zone) {
                 Converter c;
                 c.timestamps = pick<TimestampMode>("timestamps", timestamps,
                                                    {{"utc", TimestampMode::Utc},
                                                     {"tz", TimestampMode::Tz},
                                                     {"local", TimestampMode::Local},
                                                     {"int", TimestampMode::Int},
                                                     {"rfc3339", TimestampMode::Rfc3339},
                                                     {"display", TimestampMode::Display}});
                 c.zone_names = pick<bool>("zone", zone, {{"offset", false}, {"name", true}});
                 if (c.timestamps == TimestampMode::Display) {
                     if (tz.is_none() || !PyTZInfo_Check(tz.ptr()))
                         throw py::type_error("timestamps='display' needs a datetime.tzinfo as tz");
                     c.tz = tz;
                 }
                 if (c.timestamps == TimestampMode::Tz) {
                     if (tz.is_none() || !PyTZInfo_Check(tz.ptr()))
                         throw py::type_error("timestamps='tz' needs a datetime.tzinfo as tz");
                     if (tz.ptr() == g_utc) {
                         c.timestamps = TimestampMode::Utc;
                     } else {
                         c.tz = tz;
                     }
                 }
                 c.nanos = pick<NanoMode>("nanos", nanos, {{"int", NanoMode::Int}, {"datetime", NanoMode::Datetime}});
                 c.binary = pick<BinaryMode>("binary", binary, {{"bytes", BinaryMode::Bytes}, {"hex", BinaryMode::Hex}});
                 c.json = pick<JsonMode>("json", json, {{"str", JsonMode::Str}, {"parse", JsonMode::Parse}});
                 c.decimal =
                     pick<DecimalMode>("decimal", decimal, {{"decimal", DecimalMode::Decimal}, {"str", DecimalMode::Str}});
                 c.rows = pick<RowMode>("rows", rows, {{"tuple", RowMode::Tuple}, {"list", RowMode::List}});
                 c.varchar = pick<VarcharMode>("varchar", varchar, {{"str", VarcharMode::Str}, {"bytes", VarcharMode::Bytes}});
                 c.floats = pick<FloatMode>("floats", floats, {{"shortest", FloatMode::Shortest}, {"widen", FloatMode::Widen}});
                 return c;
             }),
             py::kw_only(), py::arg("timestamps") = "utc", py::arg("tz") = py::none(), py::arg("nanos") = "int",
             py::arg("binary") = "bytes", py::arg("json") = "str", py::arg("decimal") = "decimal",
             py::arg("rows") = "tuple", py::arg("varchar") = "str", py::arg("floats") = "shortest",
             py::arg("zone") = "offset",
             "timestamps: 'utc' (aware UTC datetime), 'tz' (aware in tz), 'local' (naive local time), 'int' "
             "(ticks), 'rfc3339' (taosAdapter's UTC string) or 'display' (taos-ws-py's text in tz: "
             "'2023-11-14 22:13:20.123 +00:00', ending with the zone's abbreviation when zone='name'); nanos: 'int' or 'datetime' (truncated to "
             "microseconds) for nanosecond results; binary: 'bytes' or 'hex'; json: 'str' or 'parse'; "
             "decimal: 'decimal' or 'str'; rows: 'tuple' or 'list'; varchar: 'str' (bytes when not valid "
             "UTF-8) or 'bytes' (VARCHAR/BINARY always as bytes); floats: 'shortest' (FLOAT as the shortest "
             "float32 decimal) or 'widen' (the float32 value as a double).")
        .def_property_readonly("timestamps", [](const Converter& c) { return name_of(c.timestamps); })
        .def_property_readonly("zone", [](const Converter& c) { return c.zone_names ? "name" : "offset"; })
        .def_property_readonly("tz", [](const Converter& c) {
            if (c.timestamps == TimestampMode::Utc) return py::reinterpret_borrow<py::object>(g_utc);
            return c.tz ? c.tz : py::object(py::none());
        })
        .def_property_readonly("nanos", [](const Converter& c) { return c.nanos == NanoMode::Int ? "int" : "datetime"; })
        .def_property_readonly("binary", [](const Converter& c) { return c.binary == BinaryMode::Bytes ? "bytes" : "hex"; })
        .def_property_readonly("json", [](const Converter& c) { return c.json == JsonMode::Str ? "str" : "parse"; })
        .def_property_readonly("decimal",
                               [](const Converter& c) { return c.decimal == DecimalMode::Decimal ? "decimal" : "str"; })
        .def_property_readonly("rows", [](const Converter& c) { return c.rows == RowMode::Tuple ? "tuple" : "list"; })
        .def_property_readonly("floats",
                               [](const Converter& c) { return c.floats == FloatMode::Shortest ? "shortest" : "widen"; })
        .def_property_readonly("varchar",
                               [](const Converter& c) { return c.varchar == VarcharMode::Str ? "str" : "bytes"; })
        .def("__repr__", [](const Converter& c) {
            return std::string("Converter(timestamps='") + name_of(c.timestamps) + "', nanos='" +
                   (c.nanos == NanoMode::Int ? "int" : "datetime") + "', binary='" +
                   (c.binary == BinaryMode::Bytes ? "bytes" : "hex") + "', json='" +
                   (c.json == JsonMode::Str ? "str" : "parse") + "', decimal='" +
                   (c.decimal == DecimalMode::Decimal ? "decimal" : "str") + "', rows='" +
                   (c.rows == RowMode::Tuple ? "tuple" : "list") + "', varchar='" +
                   (c.varchar == VarcharMode::Str ? "str" : "bytes") + "', floats='" +
                   (c.floats == FloatMode::Shortest ? "shortest" : "widen") + "')";
        });
}

}  // namespace taoslink_py
