"""How taosws values look: time zones, the row converter, TaosResult's timestamp strings.

Cursor and TMQ rows: ms/us TIMESTAMP -> aware ``datetime`` in the connection's time zone (a
``zoneinfo.ZoneInfo``: the ``timezone`` given to connect(), else the machine's IANA zone);
ns TIMESTAMP -> ``int``; VARBINARY/GEOMETRY/BLOB -> ``bytes``; JSON -> ``str``; DECIMAL ->
``decimal.Decimal``. ``Connection.query()`` rows (TaosResult) render TIMESTAMPs as strings the
way taos-ws-py does: ``"2023-11-14 22:13:20.123 +00:00"`` in the local zone, or with the zone's
abbreviation (``"... EST"``) for an explicit ``timezone``.
"""

from __future__ import annotations

import datetime as _dt
import os
from functools import lru_cache
from typing import Any, Optional, Tuple

from taoslink import _taoslink

__all__ = ["local_zone_name", "resolve_zone", "row_converter", "format_timestamp"]

_TICKS = (1000, 1000000, 1000000000)
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


@lru_cache(maxsize=1)
def local_zone_name() -> str:
    """The machine's IANA zone name: $TZ, else the /etc/localtime link, else /etc/timezone, else UTC."""
    tz = os.environ.get("TZ", "").lstrip(":").strip()
    if tz and "/" in tz or tz in ("UTC", "GMT"):
        return tz
    try:
        target = os.path.realpath("/etc/localtime")
        marker = "zoneinfo/"
        if marker in target:
            return target.split(marker, 1)[1]
    except OSError:
        pass
    try:
        with open("/etc/timezone", encoding="utf-8") as f:
            name = f.read().strip()
            if name:
                return name
    except OSError:
        pass
    return "UTC"


@lru_cache(maxsize=64)
def resolve_zone(name: Optional[str]) -> _dt.tzinfo:
    """A ZoneInfo for ``name`` (None: the local zone). ValueError when unknown."""
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name or local_zone_name())
    except Exception:
        if name is None:
            return _dt.timezone.utc
        raise ValueError(name) from None


def row_converter(zone: _dt.tzinfo) -> "_taoslink.Converter":
    return _taoslink.Converter(timestamps="tz", tz=zone)


#: Rows for TaosResult: timestamps as int ticks, formatted afterwards.
TICKS_CONVERTER = _taoslink.Converter(timestamps="int")


def format_timestamp(ticks: int, precision: int, zone: _dt.tzinfo, explicit: bool) -> str:
    """chrono's Display of a DateTime: ``YYYY-MM-DD HH:MM:SS[.fff|.ffffff|.fffffffff] <zone>``;
    the zone is the offset (``+08:00``) for the local zone and the abbreviation for an explicit
    one. The fraction is printed only when non-zero, with 3, 6 or 9 digits."""
    per = _TICKS[precision]
    secs, frac = divmod(ticks, per)
    nanos = frac * (1000000000 // per)
    try:
        dt = (_EPOCH + _dt.timedelta(seconds=secs)).astimezone(zone)
    except (OverflowError, ValueError):
        return str(ticks)
    text = dt.strftime("%Y-%m-%d %H:%M:%S")
    if nanos:
        if nanos % 1000000 == 0:
            text += ".%03d" % (nanos // 1000000)
        elif nanos % 1000 == 0:
            text += ".%06d" % (nanos // 1000)
        else:
            text += ".%09d" % nanos
    if explicit:
        return text + " " + (dt.tzname() or "")
    off = dt.utcoffset() or _dt.timedelta(0)
    total = int(off.total_seconds())
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return "%s %s%02d:%02d" % (text, sign, total // 3600, total // 60 % 60)


def stringify_rows(rows: list, ts_columns: Tuple[int, ...], precision: int, zone: _dt.tzinfo,
                   explicit: bool) -> list:
    if not ts_columns:
        return rows
    out = []
    for row in rows:
        row = list(row)
        for i in ts_columns:
            v: Any = row[i]
            if v is not None:
                row[i] = format_timestamp(v, precision, zone, explicit)
        out.append(tuple(row))
    return out
