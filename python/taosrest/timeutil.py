"""Time helpers: resolving the ``timezone`` argument, and an RFC 3339 parser (older taospy
releases shipped ``taosrest.timeutil.parse``; it is kept for code that imports it).

Timestamps themselves are converted in C++ (taoslink._taoslink.Converter), not here.
"""

import datetime
import re

__all__ = ["resolve_timezone", "parse", "UTC_TZ", "TzInfo"]


def resolve_timezone(timezone):
    """taospy's rules: None -> None (naive local datetimes), a tzinfo as is, a str through pytz
    when it is installed (the same tzinfo objects taospy returns) and zoneinfo otherwise."""
    if timezone is None:
        return None
    if isinstance(timezone, datetime.tzinfo):
        return timezone
    if isinstance(timezone, str):
        try:
            import pytz
        except ImportError:
            pytz = None
        if pytz is not None:
            return pytz.timezone(timezone)
        import zoneinfo

        return zoneinfo.ZoneInfo(timezone)
    raise TypeError("timezone argument must be an instance of str or tzinfo")


DELTA0 = datetime.timedelta(0)

_rfc3339 = re.compile(
    r"(\d\d\d\d)-(\d\d)-(\d\d)[ tT](\d\d):(\d\d):(\d\d)(\.(\d+))?([zZ]|(([-+])(\d\d):?(\d\d)))")


class TzInfo(datetime.tzinfo):
    """A fixed UTC offset in minutes east."""

    def __init__(self, minutes_east=0, name="Z"):
        self.minutes_east = minutes_east
        self.offset = datetime.timedelta(minutes=minutes_east)
        self.name = name

    def utcoffset(self, dt):
        return self.offset

    def dst(self, dt):
        return DELTA0

    def tzname(self, dt):
        return self.name

    def __repr__(self):
        if self.minutes_east == 0:
            return "UTC_TZ"
        return "tzinfo(%s,%s)" % (self.minutes_east, repr(self.name))


UTC_TZ = TzInfo(0, "Z")


def parse(s):
    """Parses an RFC 3339 timestamp into an aware datetime (fraction truncated to microseconds)."""
    m = _rfc3339.match(s)
    if m is None:
        raise ValueError("invalid datetime string", s)
    y, mo, d, h, mi, sec, _, frac, tz_whole, _, tz_sign, tz_h, tz_m = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    if tz_whole in ("z", "Z"):
        tz = UTC_TZ
    else:
        offset = int(tz_h) * 60 + int(tz_m)
        if int(tz_h) > 24 or int(tz_m) > 60 or offset > 1439:
            raise ValueError("invalid offset", s, tz_whole)
        if offset == 0:
            tz = UTC_TZ
        else:
            if tz_sign == "-":
                offset = -offset
            sign = "-" if offset < 0 else "+"
            tz = TzInfo(offset, "%s%02d:%02d" % (sign, abs(offset) // 60, abs(offset) % 60))
    return datetime.datetime(int(y), int(mo), int(d), int(h), int(mi), int(sec), micro, tz)
