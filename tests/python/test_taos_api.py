"""The ``taos`` package (taospy's native API) over taos:// — on the simulator through the fake
libtaos (fixture ``native_lib``): module layout, connect, TaosConnection, TaosCursor's quirks,
TaosResult, every type, errors, schemaless, parameters."""

from __future__ import annotations

import datetime as dt
import json
import os
import struct
import subprocess
import sys
import textwrap
import zoneinfo
from decimal import Decimal

import pytest

import taos
from alltypes import COLUMNS, ROWS, TYPE_CODES, create_all_types, expected_taoslink
from child_env import child_env


def _taos_value(v):
    """taospy's value for a taoslink value: naive local datetimes, FLOAT widened from float32."""
    if isinstance(v, dt.datetime):
        return v.astimezone().replace(tzinfo=None)
    return v


def _widen_float(x):
    return None if x is None else struct.unpack("<f", struct.pack("<f", x))[0]


# --- module layout (no server) -------------------------------------------------------------------

def test_module_layout_without_a_connection():
    import taos.bind
    import taos.bind2
    import taos.cinterface
    import taos.constants
    import taos.error
    import taos.field
    import taos.log
    import taos.precision
    import taos.schemaless
    import taos.statement
    import taos.statement2
    import taos.tmq
    import taos.utils

    ns = {}
    exec("from taos.cinterface import *", ns)
    assert ns["IS_V3"] is True and ns["FieldType"].C_TIMESTAMP == 9
    assert issubclass(ns["InterfaceError"], taos.error.Error)
    ns = {}
    exec("from taos import *", ns)
    assert isinstance(ns["utils"].gen_req_id(), int) and ns["utils"].gen_req_id() != 0
    ns = {}
    exec("from taos.statement2 import *", ns)
    assert {"BindTable", "StatementError", "PrecisionEnum"} <= set(ns)
    assert set(taos.__all__) <= set(dir(taos))
    assert (taos.apilevel, taos.threadsafety, taos.paramstyle) == ("2.0", 2, "qmark")
    assert (taos.SmlProtocol.LINE_PROTOCOL, taos.SmlProtocol.JSON_PROTOCOL) == (1, 3)
    assert (taos.SmlPrecision.NOT_CONFIGURED, taos.SmlPrecision.NANO_SECONDS) == (0, 6)
    assert taos.PrecisionEnum.Microseconds == 1 and taos.TAOS_FIELD_TBNAME == 4
    tz = zoneinfo.ZoneInfo("Asia/Tokyo")
    taos.field.set_tz(tz)
    assert taos.field.get_tz() is tz
    taos.field.set_tz(None)
    assert "taos.tmq" in sys.modules


def test_error_classes_and_texts():
    e = taos.error.ProgrammingError("syntax error", taos.error.raw_errno(0x2662))
    assert e.errno == -2147473822 and e.errno == (0x80002662 - 2 ** 32)
    assert str(e) == "[0x2662]: syntax error" and e.msg == "syntax error"
    assert str(taos.error.Error("x")) == "[0xffff]: x"
    s = taos.error.SchemalessError("bad line", taos.error.raw_errno(0x3002), 3)
    assert str(s) == "[0x3002]: bad line(affected rows: 3)" and s.affected_rows == 3
    for cls in ("DataError", "OperationalError", "IntegrityError", "InternalError", "ProgrammingError",
                "NotSupportedError", "StatementError", "ResultError", "LinesError", "TmqError", "SchemalessError"):
        assert issubclass(getattr(taos.error, cls), taos.error.DatabaseError)
    for cls in ("InterfaceError", "ConnectionError", "DataTypeAndRangeError", "DatabaseError"):
        assert issubclass(getattr(taos.error, cls), taos.error.Error)
    assert not issubclass(taos.error.Warning, taos.error.Error)


def test_connect_type_errors_like_taospy():
    with pytest.raises(AttributeError, match="host is expected as a str"):
        taos.connect(host=1)
    with pytest.raises(TypeError, match="port is expected as an uint16"):
        taos.connect(host="127.0.0.1", port="6030")


def test_import_works_without_libtaos_and_connect_says_why(tmp_path):
    script = textwrap.dedent("""
        import taos
        try:
            taos.connect(host="127.0.0.1", port=1)
        except taos.error.InterfaceError as e:
            print("InterfaceError", e.errno & 0xFFFF, e.msg)
    """)
    env = dict(os.environ, TAOSLINK_LIBTAOS=str(tmp_path / "no-such-libtaos.so"), LD_LIBRARY_PATH=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=child_env(env), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("InterfaceError"), proc.stdout + proc.stderr
    assert "libtaos" in proc.stdout


# --- connection ----------------------------------------------------------------------------------

def test_connection_basics(taos_conn, taos_args, dbname):
    c = taos_conn
    assert isinstance(c.server_info, str) and c.server_info
    assert isinstance(c.client_info, str)
    assert c.execute("create database %s" % dbname) == 0
    c.select_db(dbname)
    assert c.execute("create table t (ts timestamp, v int)") == 0
    assert c.execute("insert into t values (1700000000000, 1) (1700000000001, 2)") == 2
    r = c.query("select * from t")
    assert isinstance(r, taos.TaosResult) and len(r.fetch_all()) == 2
    assert c.commit() is None and c.rollback() is None and c.clear_result_set() is None
    with pytest.raises(taos.error.NotSupportedError):
        c.set_option(0, "UTF-8")
    with pytest.raises(taos.error.DatabaseError) as ei:
        c.select_db("no_such_db_xyz")
    assert ei.value.errno < 0
    # unknown keywords are ignored; database= selects the database
    c2 = taos.connect(database=dbname, dsn="ignored", username="ignored", **taos_args)
    assert c2.query("select v from t order by ts").fetch_all() == [(1,), (2,)]
    with taos.connect(**taos_args) as c3:
        assert c3.query("select server_version()").fetch_all()[0][0] == c.server_info
    c2.close()
    c2.close()
    assert c2.statement() is None and c2.statement2() is None
    with pytest.raises(taos.error.InterfaceError):
        c2.query("select 1")


def test_connect_failure_is_connection_error(native_lib):
    with pytest.raises(taos.error.ConnectionError) as ei:
        taos.connect(host="127.0.0.1", port=1)
    assert str(ei.value).startswith("[0x")


# --- cursor --------------------------------------------------------------------------------------

@pytest.fixture
def filled(taos_conn, dbname):
    taos_conn.execute("create database %s" % dbname)
    taos_conn.select_db(dbname)
    taos_conn.execute("create table t (ts timestamp, v int, s varchar(10))")
    values = " ".join("(%d, %d, 's%d')" % (1700000000000 + i, i, i) for i in range(10))
    taos_conn.execute("insert into t values " + values)
    return taos_conn


def test_cursor_quirks(filled, tmp_path):
    cur = filled.cursor()
    assert cur.description == [] and cur.rowcount == -1 and cur.arraysize == 1
    with pytest.raises(taos.error.OperationalError, match="Invalid use of fetch iterator"):
        cur.fetchone()
    assert cur.execute("") is None
    assert cur.execute("insert into t values (1700000001000, 100, 'x')") == 1
    assert cur.rowcount == 1 and cur.affected_rows == 1 and cur.description == []
    res = cur.execute("select ts, v, s from t order by ts")
    assert res and isinstance(res, taos.TaosResult)
    assert cur.description == [("ts", 9, None, None, None, None, False), ("v", 4, None, None, None, None, False),
                               ("s", 8, None, None, None, None, False)]
    assert cur.rowcount == 1          # not reset by a query (taospy)
    assert cur.istype(1, "INT") and not cur.istype(1, "BIGINT") and cur.istype(2, "BINARY")
    assert [f.name for f in cur.keys()] == ["ts", "v", "s"]
    assert cur.fetchone()[1] == 0
    assert [r[1] for r in cur.fetchmany(3)] == [1, 2, 3]
    with pytest.raises(ValueError, match="size must be greater than 0"):
        cur.fetchmany(0)
    assert cur.rowcount == 1          # fetchone/fetchmany never update it
    rest = cur.fetchall()             # the rows fetchmany left buffered are kept (taospy dropped them)
    assert [r[1] for r in rest] == [4, 5, 6, 7, 8, 9, 100]
    assert cur.rowcount == 7
    cur.execute("select v from t order by ts")
    assert len(cur.fetchmany(None)) == 11   # None: all rows
    cur.execute("select v from t order by ts")
    assert [r[0] for r in cur][:3] == [0, 1, 2]
    log = tmp_path / "sql.log"
    cur.log(str(log))
    cur.execute("select count(*) from t")
    assert cur.fetchall() == [(11,)]
    assert log.read_text() == "select count(*) from t;\n"
    assert cur.callproc("x") is None and cur.nextset() is None
    assert cur.setinputsize(1) is None and cur.setinputsizes(1) is None and cur.setoutputsize(1) is None
    assert cur.close() is True and cur.close() is False
    with filled.cursor() as c2:
        c2.execute("select 1")
    assert c2.close() is False


def test_cursor_params_executemany_execute_many(filled):
    cur = filled.cursor()
    assert cur.execute("insert into t values (?, ?, ?)", (1700000002000, 200, "p")) == 1
    assert cur.rowcount == 1
    res = cur.execute("select v, s from t where v >= ? and s = ?", (200, "p"))
    assert isinstance(res, taos.TaosResult)
    assert cur.description[0][:2] == ("v", 4)
    assert cur.fetchall() == [(200, "p")]
    rows = [(1700000003000 + i, 300 + i, "m%d" % i) for i in range(5)]
    assert cur.executemany("insert into t values (?, ?, ?)", rows) == 5
    assert cur.rowcount == 5
    assert filled.query("select count(*) from t where v >= 300").fetch_all() == [(5,)]
    n = cur.execute_many("insert into t values", [(1700000004000, 400, "a"), [1700000004001, 401, "b"]])
    assert n == 2
    n = cur.execute_many("insert into t values ({ts}, {v}, '{s}')", [dict(ts=1700000005000, v=500, s="c"),
                                                                    dict(ts=1700000005001, v=501, s="d")])
    assert n == 2
    assert filled.query("select count(*) from t where v >= 400").fetch_all() == [(4,)]


# --- result --------------------------------------------------------------------------------------

def test_result_api(filled):
    r = filled.query("select ts, v, s from t order by ts")
    assert r.field_count == 3 and len(r.fields) == 3 and r.fields.count == 3
    f = r.fields[1]
    assert (f.name, f.type, f.bytes, f["name"], f["type"]) == ("v", 4, 4, "v", 4)
    assert [x.name for x in r.fields] == ["ts", "v", "s"] and [x.name for x in r.fields] == ["ts", "v", "s"]
    assert str(r.fields[2]) == "{name: s, type: 8, bytes: 10}"
    assert r.precision == 0 and r.affected_rows == 0
    assert next(r)[1] == 0 and r.row_count == 1
    rows = r.rows_iter(2)
    got = list(rows)
    assert [x.as_tuple()[1] for x in got] == [1, 2] and rows.row_count == 2
    assert got[0].as_dict() == {"ts": got[0]()[0], "v": 1, "s": "s1"}
    assert list(got[1]) == list(got[1].as_tuple())
    blocks = list(r.blocks_iter())
    assert sum(n for _rows, n in blocks) == 7
    with pytest.raises(StopIteration):
        r.fetch_block()
    assert r.fetch_all() == []
    r.close()
    r = filled.query("select v, s from t order by ts")
    assert r.fetch_all_into_dict()[:2] == [{"v": 0, "s": "s0"}, {"v": 1, "s": "s1"}]
    assert r.row_count == 10 and r.errno() == 0
    r = filled.query("select v from t order by ts")
    assert [x[0] for x in r] == list(range(10))


# --- types ---------------------------------------------------------------------------------------

def test_every_type(conn, taos_conn, taos_args, dbname):
    create_all_types(conn.cursor(), dbname)
    rows = taos_conn.query("select * from %s.st order by ts" % dbname).fetch_all()
    expected = [tuple(_taos_value(v) for v in row) for row in expected_taoslink()]
    fi = [c[0] for c in COLUMNS].index("c_f")
    expected = [row[:fi] + (_widen_float(row[fi]),) + row[fi + 1:] for row in expected]
    assert [r[:-1] for r in rows] == [r[:-1] for r in expected]
    assert [json.loads(r[-1]) for r in rows] == [json.loads(r[-1]) for r in expected]
    assert type(rows[0][0]) is dt.datetime and rows[0][0].tzinfo is None
    assert rows[0][fi] == struct.unpack("<f", struct.pack("<f", 10.123))[0] != 10.123
    assert isinstance(rows[0][-1], str) and isinstance(rows[0][-3], Decimal)
    cur = taos_conn.cursor()
    cur.execute("select * from %s.st" % dbname)
    assert [d[1] for d in cur.description] == TYPE_CODES + [15]
    # decode_binary=False: VARCHAR as bytes, NCHAR still str
    raw = taos.connect(decode_binary=False, **taos_args)
    row = raw.query("select c_vc, c_nc from %s.st order by ts limit 1" % dbname).fetch_all()[0]
    assert row == (ROWS[0][1][12].encode(), ROWS[0][1][13])


def test_timezones_and_precisions(taos_conn, taos_args, dbname):
    c = taos_conn
    for p in ("ms", "us", "ns"):
        c.execute("create database %s_%s precision '%s'" % (dbname, p, p))
        c.execute("create table %s_%s.t (ts timestamp, v int)" % (dbname, p))
    try:
        c.execute("insert into %s_ms.t values (1700000000123, 1)" % dbname)
        c.execute("insert into %s_us.t values (1700000000123456, 1)" % dbname)
        c.execute("insert into %s_ns.t values (1700000000123456789, 1)" % dbname)
        utc = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)
        assert c.query("select ts from %s_ms.t" % dbname).fetch_all() == [
            ((utc + dt.timedelta(microseconds=123000)).astimezone().replace(tzinfo=None),)]
        assert c.query("select ts from %s_us.t" % dbname).fetch_all() == [
            ((utc + dt.timedelta(microseconds=123456)).astimezone().replace(tzinfo=None),)]
        assert c.query("select ts from %s_ns.t" % dbname).fetch_all() == [(1700000000123456789,)]
        assert c.query("select ts from %s_us.t" % dbname).precision == 1
        sh = taos.connect(timezone="Asia/Shanghai", **taos_args)
        ts = sh.query("select ts from %s_ms.t" % dbname).fetch_all()[0][0]
        assert ts.tzinfo is not None and ts.utcoffset() == dt.timedelta(hours=8)
        assert ts == utc + dt.timedelta(microseconds=123000) and (ts.hour, ts.minute) == (6, 13)
        assert sh.query("select ts from %s_ns.t" % dbname).fetch_all() == [(1700000000123456789,)]
        sh.close()
    finally:
        for p in ("ms", "us", "ns"):
            c.execute("drop database if exists %s_%s" % (dbname, p))


def test_naive_local_datetimes_follow_dst(taos_args, native_lib, dbname, taos_conn):
    """taospy used the 1970 offset for every date; ours is right on both sides of a DST change."""
    taos_conn.execute("create database %s" % dbname)
    taos_conn.execute("create table %s.t (ts timestamp, v int)" % dbname)
    winter = int(dt.datetime(2024, 1, 15, 12, tzinfo=dt.timezone.utc).timestamp() * 1000)
    summer = int(dt.datetime(2024, 7, 15, 12, tzinfo=dt.timezone.utc).timestamp() * 1000)
    taos_conn.execute("insert into %s.t values (%d, 1) (%d, 2)" % (dbname, winter, summer))
    script = textwrap.dedent("""
        import sys, taos
        a = dict(host=sys.argv[1], port=int(sys.argv[2]), user=sys.argv[3], password=sys.argv[4])
        c = taos.connect(**a)
        print([r[0].isoformat() for r in c.query("select ts from %s.t order by ts" % sys.argv[5]).fetch_all()])
    """)
    env = dict(os.environ, TZ="America/New_York")
    proc = subprocess.run([sys.executable, "-c", script, taos_args["host"], str(taos_args["port"]),
                           taos_args["user"], taos_args["password"], dbname],
                          capture_output=True, text=True, env=child_env(env), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "['2024-01-15T07:00:00', '2024-07-15T08:00:00']"


# --- errors --------------------------------------------------------------------------------------

def test_sql_errors_are_programming_errors(taos_conn):
    cur = taos_conn.cursor()
    for sql in ("selec 1", "select * from no_such_db_q.t", "create database"):
        with pytest.raises(taos.error.ProgrammingError) as ei:
            cur.execute(sql)
        e = ei.value
        assert e.errno < 0 and e.errno == (0x80000000 | (e.errno & 0xFFFF)) - 2 ** 32
        assert str(e) == "[0x%04x]: %s" % (e.errno & 0xFFFF, e.msg)
        with pytest.raises(taos.error.ProgrammingError):
            taos_conn.query(sql)
        with pytest.raises(taos.error.ProgrammingError):
            taos_conn.execute(sql)


# --- schemaless ----------------------------------------------------------------------------------

def test_schemaless(taos_conn, dbname):
    c = taos_conn
    c.execute("create database %s" % dbname)
    c.select_db(dbname)
    lines = ["meters,location=a v=1i32 1700000000000", "meters,location=b v=2i32 1700000000001"]
    assert c.schemaless_insert(lines, taos.SmlProtocol.LINE_PROTOCOL, taos.SmlPrecision.MILLI_SECONDS) == 2
    raw = "meters,location=\u4e16\u754c v=3i32 1700000000002\nmeters,location=c v=4i32 1700000000003"
    assert c.schemaless_insert_raw(raw, taos.SmlProtocol.LINE_PROTOCOL, taos.SmlPrecision.MILLI_SECONDS,
                                   req_id=taos.utils.gen_req_id()) == 2
    got = c.query("select location, v from meters order by _ts").fetch_all()
    assert got == [("a", 1), ("b", 2), ("\u4e16\u754c", 3), ("c", 4)]
    telnet = ["cpu 1700000000 1.5 host=h1"]
    assert c.schemaless_insert(telnet, taos.SmlProtocol.TELNET_PROTOCOL, taos.SmlPrecision.SECONDS, ttl=0) == 1
    with pytest.raises(taos.error.SchemalessError) as ei:
        c.schemaless_insert(["not a line"], taos.SmlProtocol.LINE_PROTOCOL, taos.SmlPrecision.NOT_CONFIGURED)
    assert ei.value.errno < 0 and "(affected rows: " in str(ei.value)


def test_one_connection_shared_by_threads(filled):
    """taospy's threadsafety = 2: threads share a connection, each with its own cursor. Every
    thread must read exactly its own query's rows while the others run theirs."""
    import threading

    conn = filled
    expected = {k: [(i,) for i in range(k + 3)] for k in range(4)}
    got, errors = {}, []

    def work(k):
        try:
            for _ in range(25):
                cur = conn.cursor()
                cur.execute("select v from t order by ts limit %d" % (k + 3))
                rows = cur.fetchall()
                cur.close()
                if rows != expected[k]:
                    raise AssertionError("thread %d read %r, expected %r" % (k, rows, expected[k]))
            got[k] = rows
        except Exception as e:  # reported below, with the thread's number
            errors.append((k, e))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert got == expected
