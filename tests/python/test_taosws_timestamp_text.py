"""taosws ``Connection.query()`` rows carry TIMESTAMPs as taos-ws-py's text (chrono's Display of a
DateTime in the connection's zone). The extension formats them (``Converter(timestamps="display")``);
here every value is held to a plain Python rendering of the same rules, across precisions, zones with
DST, half-hour and second-level offsets, times before 1970, and the edges of datetime's range.
The official client's own output for the same rows is checked by test_taosws_api's parity script."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

import pytest

import taoslink
import taosws
from taoslink import _taoslink

PER_SECOND = {"ms": 1000, "us": 1000000, "ns": 1000000000}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

ZONES = [
    zoneinfo.ZoneInfo("UTC"),
    zoneinfo.ZoneInfo("America/New_York"),     # DST, negative offset
    zoneinfo.ZoneInfo("Australia/Lord_Howe"),  # a 30-minute DST shift
    zoneinfo.ZoneInfo("Asia/Kolkata"),         # +05:30
    zoneinfo.ZoneInfo("Europe/Amsterdam"),     # +00:19:32 until 1937
    dt.timezone(-dt.timedelta(hours=3, minutes=30)),
    dt.timezone.utc,
]


def reference(ticks: int, per: int, zone: dt.tzinfo, names: bool) -> str:
    """The text, by the rules written out in Python."""
    secs, frac = divmod(ticks, per)
    nanos = frac * (1000000000 // per)
    try:
        local = (EPOCH + dt.timedelta(seconds=secs)).astimezone(zone)
    except (OverflowError, ValueError):
        return str(ticks)
    text = "%04d-%02d-%02d %02d:%02d:%02d" % (local.year, local.month, local.day, local.hour, local.minute,
                                             local.second)
    if nanos:
        if nanos % 1000000 == 0:
            text += ".%03d" % (nanos // 1000000)
        elif nanos % 1000 == 0:
            text += ".%06d" % (nanos // 1000)
        else:
            text += ".%09d" % nanos
    if names:
        return text + " " + (local.tzname() or "")
    total = int((local.utcoffset() or dt.timedelta(0)).total_seconds())
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return "%s %s%02d:%02d" % (text, sign, total // 3600, total // 60 % 60)


def rfc3339_reference(ticks: int, per: int) -> "str | None":
    secs, frac = divmod(ticks, per)
    digits = len(str(per)) - 1
    days, sod = divmod(secs, 86400)
    try:
        date = dt.date.fromordinal(EPOCH.date().toordinal() + days)
    except (OverflowError, ValueError):
        return None  # beyond datetime's dates: not compared
    return "%04d-%02d-%02dT%02d:%02d:%02d.%0*dZ" % (date.year, date.month, date.day, sod // 3600, sod // 60 % 60,
                                                   sod % 60, digits, frac)


def utc_reference(ticks: int, per: int):
    secs, frac = divmod(ticks, per)
    try:
        return EPOCH + dt.timedelta(seconds=secs, microseconds=frac * 1000000 // per)
    except OverflowError:
        return ticks  # outside datetime's range: the int ticks


def sample_ticks(per: int) -> list:
    """Instants around the places where the text is easy to get wrong, and a random spread."""
    s = [0, 1700000000, 1678604400, 1699164000, 1680969600, 1696694400, -1, -86401, -1262304000,
         -1025488800, 253402300799, -62135596800]
    out = set()
    for sec in s:
        for d in (-901, -900, -1, 0, 1, 899, 900):
            out.add((sec + d) * per)
    for sec in (0, 1700000000, -1):
        for frac in (1, per // 1000 * 7, per // 2, per - 1, 123456789 % per):
            out.add(sec * per + frac)
    rnd = random.Random(7)
    lo, hi = -2208988800, 4102444800  # 1900 .. 2100
    for _ in range(1500):
        out.add(rnd.randrange(lo * per, hi * per))
    out.add(253402300800 * per)       # year 10000 in UTC: out of datetime's range
    out.add(-62135596801 * per)       # before year 1
    out.update((-(1 << 63) + 1, (1 << 63) - 1))  # the ends of int64 (years 1677 and 2262 in ns)
    return sorted(t for t in out if -(1 << 63) < t < 1 << 63)


@pytest.fixture
def ws_conn(server):
    c = taoslink.connect("ws://%s:%s@%s:%d" % (server.user, server.password, server.host, server.port))
    yield c
    c.close()


@pytest.mark.parametrize("precision", ["ms", "us", "ns"])
def test_display_text_matches_the_rules(sim, ws_conn, dbname, precision):
    # On the simulator: a real server refuses most of these instants (outside the database's KEEP).
    per = PER_SECOND[precision]
    ticks = sample_ticks(per)
    ws_conn.execute("create database %s precision '%s'" % (dbname, precision))
    ws_conn.execute("create table %s.t (ts timestamp, v int)" % dbname)
    for i in range(0, len(ticks), 500):
        ws_conn.execute("insert into %s.t values %s" % (dbname, " ".join("(%d, 1)" % t for t in ticks[i:i + 500])))
    sql = "select ts from %s.t" % dbname
    got_ticks = [r[0] for r in ws_conn._native.query(sql).fetch_all(_taoslink.Converter(timestamps="int"))]
    assert got_ticks == ticks
    for zone in ZONES:
        for names in (False, True):
            conv = _taoslink.Converter(timestamps="display", tz=zone, zone="name" if names else "offset")
            assert (conv.timestamps, conv.zone) == ("display", "name" if names else "offset")
            got = [r[0] for r in ws_conn._native.query(sql).fetch_all(conv)]
            want = [reference(t, per, zone, names) for t in ticks]
            bad = [(t, g, w) for t, g, w in zip(ticks, got, want) if g != w]
            assert not bad, (zone, names, bad[:5])
    # the other text and datetime modes split the same ticks into seconds and a fraction
    got = [r[0] for r in ws_conn._native.query(sql).fetch_all(_taoslink.Converter(timestamps="rfc3339"))]
    want = [rfc3339_reference(t, per) for t in ticks]
    assert [g for g, w in zip(got, want) if w] == [w for w in want if w]
    assert all(g.endswith("Z") for g, w in zip(got, want) if not w)  # years datetime has no date for
    got = [r[0] for r in ws_conn._native.query(sql).fetch_all(_taoslink.Converter(timestamps="utc", nanos="datetime"))]
    assert got == [utc_reference(t, per) for t in ticks]


def test_display_converter_needs_a_zone():
    with pytest.raises(TypeError, match="tzinfo"):
        _taoslink.Converter(timestamps="display")
    with pytest.raises(TypeError, match="tzinfo"):
        _taoslink.Converter(timestamps="display", tz="UTC")
    with pytest.raises(ValueError, match="zone must be one of offset, name"):
        _taoslink.Converter(timestamps="display", tz=dt.timezone.utc, zone="abbrev")


def test_taosws_query_rows_in_an_explicit_zone(server, dbname):
    url = "ws://%s:%s@%s:%d" % (server.user, server.password, server.host, server.port)
    c = taosws.connect(url, timezone="America/New_York")
    try:
        c.execute("create database %s" % dbname)
        c.execute("create table %s.t (ts timestamp, v int)" % dbname)
        c.execute("insert into %s.t values (1699164000000, 1) (1699163999500, 2) (1678604400123, 3)" % dbname)
        rows = list(c.query("select ts, v from %s.t order by ts" % dbname))
    finally:
        c.close()
    assert rows == [("2023-03-12 03:00:00.123 EDT", 3), ("2023-11-05 01:59:59.500 EDT", 2),
                    ("2023-11-05 01:00:00 EST", 1)]


def test_a_timestamp_int64_cannot_hold_is_refused(ws_conn, dbname):
    ws_conn.execute("create database %s precision 'ns'" % dbname)
    ws_conn.execute("create table %s.t (ts timestamp, v int)" % dbname)
    with pytest.raises(taoslink.ProgrammingError) as err:
        ws_conn.execute("insert into %s.t values (%d, 1)" % (dbname, 1 << 63))
    assert err.value.errno == 0x216 and "invalid timestamp" in str(err.value)
    assert ws_conn.query("select count(*) from %s.t" % dbname).fetchone() == (0,)
