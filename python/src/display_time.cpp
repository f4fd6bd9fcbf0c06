// See display_time.hpp.
#include "display_time.hpp"

#include <cstring>

#include <datetime.h>  // the PyDateTime C API: PyDateTime_IMPORT sets a per-file static

#include "bindings.hpp"
#include "civil_time.hpp"

namespace taoslink_py {

namespace {

// Seconds. A window is cached only when both its ends are in the same zone state, which is
// right unless two transitions fall within one quarter hour (none do in the tz database).
constexpr std::int64_t kWindow = 900;

// A UTC datetime at `secs`, or nullptr with no error set when outside years 1..9999.
PyObject* utc_datetime(std::int64_t secs) {
    const std::int64_t days = floor_div(secs, 86400);
    const auto sod = static_cast<unsigned>(secs - days * 86400);
    std::int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    if (y < 1 || y > 9999) return nullptr;
    return PyDateTimeAPI->DateTime_FromDateAndTime(static_cast<int>(y), static_cast<int>(m), static_cast<int>(d),
                                                    static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                                                    static_cast<int>(sod % 60), 0, PyDateTime_TimeZone_UTC,
                                                    PyDateTimeAPI->DateTimeType);
}

bool out_of_range_error() {
    if (PyErr_ExceptionMatches(PyExc_OverflowError) || PyErr_ExceptionMatches(PyExc_ValueError)) {
        PyErr_Clear();
        return true;
    }
    return false;
}

}  // namespace

DisplayTimestamps::DisplayTimestamps(taoslink::Precision precision, PyObject* tz, bool zone_names)
    : tz_(tz), zone_names_(zone_names) {
    per_ = taoslink::ticks_per_second(precision);
    nanos_per_tick_ = 1000000000 / per_;
}

int DisplayTimestamps::zone_at(std::int64_t secs, Zone& out) const {
    py::object utc = py::reinterpret_steal<py::object>(utc_datetime(secs));
    if (!utc) return PyErr_Occurred() ? -1 : 0;
    py::object local = py::reinterpret_steal<py::object>(PyObject_CallMethod(utc.ptr(), "astimezone", "O", tz_));
    if (!local) return out_of_range_error() ? 0 : -1;
    py::object off = py::reinterpret_steal<py::object>(PyObject_CallMethod(local.ptr(), "utcoffset", nullptr));
    if (!off) return -1;
    out.offset = 0;
    if (PyDelta_Check(off.ptr())) {
        // int(total_seconds()): truncated toward zero, as the reference does.
        const std::int64_t us = (static_cast<std::int64_t>(PyDateTime_DELTA_GET_DAYS(off.ptr())) * 86400 +
                                 PyDateTime_DELTA_GET_SECONDS(off.ptr())) * 1000000 +
                                PyDateTime_DELTA_GET_MICROSECONDS(off.ptr());
        out.offset = static_cast<long>(us / 1000000);
    }
    out.name.clear();
    if (zone_names_) {
        py::object name = py::reinterpret_steal<py::object>(PyObject_CallMethod(local.ptr(), "tzname", nullptr));
        if (!name) return -1;
        if (name.ptr() != Py_None) {
            Py_ssize_t n = 0;
            const char* s = PyUnicode_AsUTF8AndSize(name.ptr(), &n);
            if (!s) return -1;
            out.name.assign(s, static_cast<std::size_t>(n));
        }
    }
    return 1;
}

int DisplayTimestamps::zone_for(std::int64_t secs, const Zone*& z) {
    const std::int64_t win = floor_div(secs, kWindow);
    if (win_valid_ && win == win_) {
        z = &win_zone_;
        return 1;
    }
    // Cache the window when both of its ends are in the same zone state; otherwise (a window
    // with a transition, or at the edge of datetime's range) ask for this second alone.
    Zone a, b;
    int ra = zone_at(win * kWindow, a);
    if (ra < 0) return -1;
    int rb = ra > 0 ? zone_at(win * kWindow + kWindow - 1, b) : 0;
    if (rb < 0) return -1;
    if (ra > 0 && rb > 0 && a == b) {
        win_ = win;
        win_valid_ = true;
        win_zone_ = std::move(a);
        z = &win_zone_;
        return 1;
    }
    win_valid_ = false;
    const int r = zone_at(secs, one_);
    z = &one_;
    return r;
}

bool DisplayTimestamps::prepare_second(std::int64_t secs) {
    // Values of a column mostly share their second with the previous one (1000 a second at ms
    // precision): the date, time and zone text are made once per second, then copied.
    last_secs_ = secs;
    last_valid_ = false;
    const Zone* z = nullptr;
    const int found = zone_for(secs, z);
    if (found < 0) return false;
    if (found == 0) return true;  // out of range: str(ticks)
    const std::int64_t local = secs + z->offset;
    const std::int64_t y = year_of(local);
    if (y < 1 || y > 9999) return true;
    put_civil(civil_, local, ' ');
    suffix_.assign(1, ' ');
    if (zone_names_) {
        suffix_ += z->name;
    } else {
        long off = z->offset;
        suffix_ += off >= 0 ? '+' : '-';
        if (off < 0) off = -off;
        char hm[5];
        put2(hm, static_cast<unsigned>(off / 3600 % 100));
        hm[2] = ':';
        put2(hm + 3, static_cast<unsigned>(off / 60 % 60));
        suffix_.append(hm, 5);
    }
    suffix_ascii_ = true;
    for (char c : suffix_) suffix_ascii_ = suffix_ascii_ && static_cast<unsigned char>(c) < 0x80;
    last_valid_ = true;
    return true;
}

PyObject* DisplayTimestamps::operator()(std::int64_t ticks) {
    const std::int64_t secs = floor_div(ticks, per_);
    if (!(have_last_ && secs == last_secs_)) {
        have_last_ = false;
        if (!prepare_second(secs)) return nullptr;
        have_last_ = true;
    }
    if (!last_valid_) return PyUnicode_FromFormat("%lld", static_cast<long long>(ticks));

    char frac[10];
    std::size_t nf = 0;
    if (const std::int64_t nanos = floor_mod(ticks, per_) * nanos_per_tick_; nanos != 0) {
        int digits = 9;
        auto f = static_cast<std::uint64_t>(nanos);
        if (f % 1000000 == 0) {
            digits = 3;
            f /= 1000000;
        } else if (f % 1000 == 0) {
            digits = 6;
            f /= 1000;
        }
        frac[0] = '.';
        for (int i = digits; i > 0; --i) {
            frac[i] = static_cast<char>('0' + f % 10);
            f /= 10;
        }
        nf = 1 + static_cast<std::size_t>(digits);
    }
    const std::size_t n = sizeof civil_ + nf + suffix_.size();
    if (suffix_ascii_) {  // write the str's own buffer: no UTF-8 decode
        PyObject* out = PyUnicode_New(static_cast<Py_ssize_t>(n), 127);
        if (!out) return nullptr;
        auto* p = reinterpret_cast<char*>(PyUnicode_1BYTE_DATA(out));
        std::memcpy(p, civil_, sizeof civil_);
        std::memcpy(p + sizeof civil_, frac, nf);
        std::memcpy(p + sizeof civil_ + nf, suffix_.data(), suffix_.size());
        return out;
    }
    std::string text(civil_, sizeof civil_);
    text.append(frac, nf).append(suffix_);
    return PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "strict");
}

void init_display_time() {
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI) throw py::error_already_set();
}

}  // namespace taoslink_py
