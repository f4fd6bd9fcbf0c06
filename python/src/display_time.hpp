// TIMESTAMPs as the text taos-ws-py's TaosResult yields when iterated (chrono's Display of a
// DateTime): "2023-11-14 22:13:20.123 +00:00", the civil time in a zone, a fraction of 3, 6 or 9
// digits only when it is not zero, then the zone's UTC offset or its abbreviation ("EST").
#pragma once

#include <cstdint>
#include <string>

#include <pybind11/pybind11.h>

#include <taoslink/types.hpp>

namespace taoslink_py {

/// Formats the TIMESTAMPs of one column. The zone's offset and name come from Python
/// (`datetime.astimezone(tz)`) once per 15-minute window whose two ends agree, so a column
/// costs a few Python calls, not one per value. Not thread-safe; one per column and call.
class DisplayTimestamps {
public:
    /// `tz`: a datetime.tzinfo (borrowed; the Converter keeps it alive). `zone_names`: end with
    /// the zone's abbreviation (tzname()) instead of its offset.
    DisplayTimestamps(taoslink::Precision precision, PyObject* tz, bool zone_names);

    /// A new str, or nullptr with a Python error set. Instants outside datetime's years 1..9999
    /// (in UTC or in the zone) become str(ticks).
    PyObject* operator()(std::int64_t ticks);

private:
    struct Zone {
        long offset = 0;   ///< seconds east of UTC, int(utcoffset().total_seconds())
        std::string name;  ///< tzname() in UTF-8 ("" for None); only with zone_names
        bool operator==(const Zone& o) const { return offset == o.offset && name == o.name; }
    };
    // The zone at UTC second `secs`: 1 found, 0 out of datetime's range, -1 Python error.
    int zone_at(std::int64_t secs, Zone& out) const;
    // The same, cached per 15-minute window: `z` points at the cache or at one_.
    int zone_for(std::int64_t secs, const Zone*& z);

    // Makes the text of second `secs` (civil_, suffix_) current; false on a Python error.
    bool prepare_second(std::int64_t secs);

    PyObject* tz_;
    bool zone_names_;
    std::int64_t per_;
    std::int64_t nanos_per_tick_;
    std::int64_t win_ = 0;
    bool win_valid_ = false;
    Zone win_zone_;
    Zone one_;
    bool have_last_ = false;    // last_secs_ was prepared
    std::int64_t last_secs_ = 0;
    bool last_valid_ = false;   // in datetime's range: civil_ and suffix_ hold its text
    char civil_[19] = {};       // "YYYY-MM-DD HH:MM:SS" in the zone
    std::string suffix_;        // " +08:00" or " EST"
    bool suffix_ascii_ = true;
};

/// Imports the datetime C API for this file. Called once at module import.
void init_display_time();

}  // namespace taoslink_py
