"""Every TDengine type, written with parameters and read back through taoslink and taosrest,
compared as exact Python values."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from decimal import Decimal

import pytest

import taoslink
import taosrest
from alltypes import COLUMNS, JSON_TAG, TYPE_CODES, ROWS, create_all_types, expected_taoslink, to_taosrest
from child_env import child_env

UTC = dt.timezone.utc


@pytest.fixture
def all_types_db(conn, dbname):
    with conn.cursor() as cur:
        create_all_types(cur, dbname)
    return dbname


def _split_json(rows):
    """(rows without the JSON tag, parsed JSON tags)."""
    return [tuple(r[:-1]) for r in rows], [json.loads(r[-1]) if isinstance(r[-1], str) else r[-1] for r in rows]


def test_taoslink_all_types(conn, all_types_db):
    cur = conn.cursor()
    cur.execute("select * from %s.st order by ts" % all_types_db)
    assert [d[0] for d in cur.description] == [c[0] for c in COLUMNS] + ["t_json"]
    assert [d[1] for d in cur.description] == TYPE_CODES + [15]
    rows = cur.fetchall()
    got, tags = _split_json(rows)
    want, _ = _split_json(expected_taoslink())
    assert len(got) == len(want)
    for g, w in zip(got, want):
        for (name, _), gv, wv in zip(COLUMNS, g, w):
            assert gv == wv and type(gv) is type(wv), (name, gv, wv)
    assert all(t == JSON_TAG for t in tags)
    assert all(isinstance(r[-1], str) for r in rows)
    assert all(type(r) is tuple for r in rows)
    # the DECIMAL description carries precision and scale
    desc = {d[0]: d for d in cur.description}
    assert desc["c_dec"][4:6] == (20, 4)
    assert desc["c_dec64"][4:6] == (10, 2)
    assert desc["c_vc"][3] == 50 and desc["c_nc"][3] == 20
    assert desc["ts"][1] == taoslink.DATETIME and desc["c_vc"][1] == taoslink.STRING
    assert desc["c_vb"][1] == taoslink.BINARY and desc["c_int"][1] == taoslink.NUMBER


def test_taoslink_fetch_columns_matches_rows(conn, all_types_db):
    cur = conn.cursor()
    rows = cur.execute("select * from %s.st order by ts" % all_types_db).fetchall()
    cols = cur.execute("select * from %s.st order by ts" % all_types_db).fetch_columns()
    assert list(cols) == [c[0] for c in COLUMNS] + ["t_json"]
    for i, name in enumerate(cols):
        assert cols[name] == [r[i] for r in rows]


def test_taoslink_timezone_option(server, all_types_db):
    with taoslink.connect(server.url, timezone="Asia/Shanghai") as c:
        ts = c.query("select ts from %s.st order by ts limit 1" % all_types_db).fetchone()[0]
    assert ts.utcoffset() == dt.timedelta(hours=8)
    assert ts == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert (ts.hour, ts.day) == (6, 15)


def test_taosrest_all_types(rest_conn, all_types_db):
    cur = rest_conn.cursor()
    cur.execute("select * from %s.st order by ts" % all_types_db)
    assert cur.description[0] == ["ts", "TIMESTAMP", 8]
    names = [d[0] for d in cur.description]
    assert names == [c[0] for c in COLUMNS] + ["t_json"]
    types = {d[0]: d[1] for d in cur.description}
    assert types["c_dec"] == "DECIMAL(20,4)" and types["c_dec64"] == "DECIMAL(10,2)"
    assert types["c_uti"] == "TINYINT UNSIGNED" and types["t_json"] == "JSON"
    assert cur.rowcount == len(ROWS)
    rows = cur.fetchall()
    assert all(type(r) is list for r in rows)
    for row, (_, expected) in zip(rows, ROWS):
        assert row[:-1] == [to_taosrest(v) for v in expected]
        assert row[-1] == JSON_TAG  # JSON is parsed, as requests' r.json() does
    assert isinstance(rows[0][0], dt.datetime) and rows[0][0].tzinfo is None  # naive local
    assert rows[0][14] == "deadbeef"  # VARBINARY as lowercase hex


def test_taosrest_json_extraction(rest_conn, all_types_db):
    data = rest_conn.query("select t_json->'k', t_json->'n' from %s.st limit 1" % all_types_db).data
    assert data == [["v", 1]]


def test_taosrest_timezone_and_raw_strings(server, all_types_db):
    c = taosrest.connect(url=server.base, user=server.user, password=server.password, timezone="Asia/Shanghai")
    ts = c.query("select ts from %s.st order by ts limit 1" % all_types_db).data[0][0]
    assert ts.utcoffset() == dt.timedelta(hours=8) and ts.hour == 6
    tz = dt.timezone(dt.timedelta(hours=-5))
    c = taosrest.connect(url=server.base, user=server.user, password=server.password, timezone=tz)
    assert c.query("select ts from %s.st order by ts limit 1" % all_types_db).data[0][0].tzinfo is tz
    c = taosrest.connect(url=server.base, user=server.user, password=server.password, convert_timestamp=False)
    data = c.query("select ts from %s.st order by ts" % all_types_db).data
    assert data[0][0] == "2023-11-14T22:13:20.000Z"
    assert data[1][0] == "2023-11-14T22:13:20.001Z"
    with pytest.raises(TypeError):
        taosrest.connect(url=server.base, timezone=5)


@pytest.mark.parametrize("precision,ticks,digits", [("us", 1700000000123456, 6), ("ns", 1700000000123456789, 9)])
def test_precisions(server, conn, dbname, precision, ticks, digits):
    cur = conn.cursor()
    cur.execute("create database %s precision '%s'" % (dbname, precision))
    cur.execute("create table %s.t (ts timestamp, v int)" % dbname)
    cur.execute("insert into %s.t values (?, 1)" % dbname, [ticks])
    cur.execute("insert into %s.t values (?, 2)" % dbname, [ticks - 10 ** digits * 86400 * 365 * 60])  # 1963
    rows = cur.execute("select ts, v from %s.t order by ts" % dbname).fetchall()
    if precision == "ns":
        assert rows[1][0] == ticks and type(rows[1][0]) is int  # ns -> int in taoslink
    else:
        assert rows[1][0] == dt.datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=UTC)
        assert rows[0][0] == dt.datetime(1963, 11, 29, 22, 13, 20, 123456, tzinfo=UTC)
    rc = taosrest.connect(url=server.base, user=server.user, password=server.password)
    data = rc.query("select ts from %s.t order by ts" % dbname).data
    assert data[1][0] == dt.datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=UTC).astimezone().replace(tzinfo=None)
    assert data[0][0] == dt.datetime(1963, 11, 29, 22, 13, 20, 123456, tzinfo=UTC).astimezone().replace(tzinfo=None)
    raw = taosrest.connect(url=server.base, user=server.user, password=server.password, convert_timestamp=False)
    frac = str(ticks % 10 ** digits).rjust(digits, "0")
    assert raw.query("select ts from %s.t order by ts" % dbname).data[1][0] == "2023-11-14T22:13:20.%sZ" % frac


def test_float_shortest_repr(conn, dbname):
    cur = conn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (ts timestamp, f float, d double)" % dbname)
    values = [10.123, 0.1, 1e-7, 123456.7, -3.25, 16777217.0, 1e30]
    cur.executemany("insert into %s.t values (?, ?, ?)" % dbname,
                    [(1700000000000 + i, v, v) for i, v in enumerate(values)])
    assert cur.rowcount == len(values)
    got = cur.execute("select f, d from %s.t order by ts" % dbname).fetchall()
    assert [g[0] for g in got] == [10.123, 0.1, 1e-7, 123456.7, -3.25, 16777216.0, 1e30]
    assert [g[1] for g in got] == values


def test_local_time_is_dst_correct(server, all_types_db):
    """taosrest's default naive local datetimes follow the zone's DST rules (checked in a child
    process with TZ set), exactly like taospy's ``.astimezone()``."""
    code = textwrap.dedent("""
        import datetime, sys, taosrest
        c = taosrest.connect(url=sys.argv[1], user=sys.argv[2], password=sys.argv[3])
        db = sys.argv[4]
        c.execute("create table %s.dst (ts timestamp, v int)" % db)
        c.execute("insert into %s.dst values (1688212800000, 1) (1700000000000, 2)" % db)  # July, November
        print([r[0].isoformat() for r in c.query("select ts from %s.dst order by ts" % db).data])
    """)
    env = dict(os.environ, TZ="America/New_York")
    out = subprocess.run([sys.executable, "-c", code, server.base, server.user, server.password, all_types_db],
                         env=child_env(env), capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['2023-07-01T08:00:00', '2023-11-14T17:13:20']"


def test_decimal_types_and_none(conn, all_types_db):
    row = conn.query("select c_dec, c_dec64 from %s.st order by ts limit 1" % all_types_db).fetchone()
    assert row == (Decimal("12345.6789"), Decimal("-1.50"))
    assert str(row[1]) == "-1.50"


def test_blob(server, conn, dbname):
    """BLOB (TDengine >= 3.3.5): bytes in taoslink, lowercase hex in taosrest."""
    cur = conn.cursor()
    cur.execute("create database %s" % dbname)
    try:
        cur.execute("create table %s.t (ts timestamp, b blob)" % dbname)
    except taoslink.ProgrammingError as e:
        if server.is_sim:
            raise
        pytest.skip("this server has no BLOB type: %s" % e)
    payload = bytes(range(256)) * 3
    cur.executemany("insert into %s.t values (?, ?)" % dbname, [(1700000000000, payload), (1700000000001, None),
                                                                  (1700000000002, b"")])
    assert cur.execute("select b from %s.t order by ts" % dbname).fetchall() == [(payload,), (None,), (b"",)]
    rc = taosrest.connect(url=server.base, user=server.user, password=server.password)
    res = rc.query("select b from %s.t order by ts" % dbname)
    assert res.column_meta[0][:2] == ["b", "BLOB"]
    assert res.data == [[payload.hex()], [None], [""]]
