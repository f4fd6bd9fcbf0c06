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
from typing import Optional

from taoslink import _taoslink

__all__ = ["local_zone_name", "resolve_zone", "row_converter", "text_converter"]



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


@lru_cache(maxsize=64)
def text_converter(zone: _dt.tzinfo, explicit: bool) -> "_taoslink.Converter":
    """Rows for TaosResult: TIMESTAMPs as chrono's Display of a DateTime, formatted by the
    extension: ``YYYY-MM-DD HH:MM:SS[.fff|.ffffff|.fffffffff] <zone>``, the fraction only when not
    zero; the zone is the offset (``+08:00``) for the local zone and the abbreviation for an
    explicit one. Instants outside years 1..9999 become ``str(ticks)``."""
    return _taoslink.Converter(timestamps="display", tz=zone, zone="name" if explicit else "offset")
