"""taoslink cursors bind INSERT parameters server-side over ws:// and taos:// (issue 7).

The simulator's SQL log (GET /-/sim/sql) shows every text it ran or prepared: a bound value must
never appear in it, and the prepared text (with its ``?``) must. taos:// goes through the fake
libtaos (taos_stmt_get_tag_fields / taos_stmt_get_col_fields over the simulator).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.request
import uuid
from decimal import Decimal

import pytest

import taoslink
from taoslink.insert_binding import InsertShape, insert_shape

from alltypes import COLUMNS, ROWS

UTC = dt.timezone.utc
BASE = 1700000000000


@pytest.fixture(params=["ws", "taos"])
def bconn(request, sim):
    if request.param == "taos":
        request.getfixturevalue("native_lib")
    dsn = "%s://%s:%s@%s:%d" % (request.param, sim.user, sim.password, sim.host, sim.port)
    with taoslink.connect(dsn) as c:
        yield c


def seen_sql(server) -> list:
    with urllib.request.urlopen(server.base + "/-/sim/sql", timeout=30) as resp:
        return json.loads(resp.read())["sql"]


def assert_never_sent(server, *values: str) -> None:
    texts = seen_sql(server)
    for v in values:
        hits = [t for t in texts if v in t]
        assert not hits, "value %r reached the SQL text: %r" % (v, hits[:3])


def inserts_into(server, table: str) -> list:
    return [t for t in seen_sql(server) if t.lower().lstrip().startswith("insert") and table in t]


def rows_of(conn, sql):
    return conn.query(sql).fetchall()


# -- which statements are bound ------------------------------------------------------------------

@pytest.mark.parametrize("sql,shape", [
    ("insert into t values (?, ?)", InsertShape(False, False, 0, 2)),
    ("INSERT INTO db.t (ts, v) VALUES (?, ?);", InsertShape(False, False, 0, 2)),
    ("insert into ? using st tags (?, 'x') values (?, ?, 1)", InsertShape(True, True, 1, 2)),
    ("insert into d1 using db.st (t1) tags (?) values (?, ?)", InsertShape(False, True, 1, 2)),
    ("insert into ? values (?, ?)", InsertShape(True, False, 0, 2)),
    ("insert into `t` values (?, 'a(b', ?)", None),       # parentheses inside VALUES: literals
    ("insert into t values (now(), ?)", None),
    ("insert into t1 values (?) t2 values (?)", None),      # several tables
    ("insert into t values (1, 2)", None),                  # nothing to bind
    ("select * from t where v = ?", None),
    ("insert into t select * from u where v = ?", None),
])
def test_insert_shape(sql, shape):
    assert insert_shape(sql) == shape


# -- values are bound, never spliced -------------------------------------------------------------

def test_insert_values_are_bound_not_spliced(bconn, sim, dbname):
    cur = bconn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (ts timestamp, n int, s varchar(100), u nchar(100))" % dbname)
    marker = "m-%s'); drop database %s; --" % (uuid.uuid4().hex, dbname)
    cur.execute("insert into %s.t values (?, ?, ?, ?)" % dbname, (BASE, 7, marker, marker))
    assert cur.rowcount == 1
    assert cur.description is None
    assert rows_of(bconn, "select n, s, u from %s.t" % dbname) == [(7, marker, marker)]
    assert_never_sent(sim, marker, marker.split("'")[0])
    assert "insert into %s.t values (?, ?, ?, ?)" % dbname in seen_sql(sim)


def test_prepared_once_per_sql_per_cursor(bconn, sim, dbname):
    cur = bconn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (ts timestamp, n int)" % dbname)
    sql = "insert into %s.t values (?, ?)" % dbname
    cur.execute(sql, (BASE, 0))
    prepared = sum(1 for t in seen_sql(sim) if t == sql)   # stmt2 also asks a v1 statement for fields
    assert 1 <= prepared <= 2
    for i in range(1, 5):
        cur.execute(sql, (BASE + i, i))
        assert cur.rowcount == 1
    assert sum(1 for t in seen_sql(sim) if t == sql) == prepared   # neither prepared nor described again
    assert rows_of(bconn, "select count(*) from %s.t" % dbname) == [(5,)]
    cur.close()
    with pytest.raises(taoslink.InterfaceError):
        cur.execute(sql, (BASE + 9, 9))


def test_executemany_binds_many_rows_in_one_batch(bconn, sim, dbname):
    cur = bconn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (ts timestamp, n bigint, f double, s varchar(30), b bool)" % dbname)
    n = 5000
    rows = [(BASE + i, i * 3, i / 7, "row-%d" % i, i % 2 == 0) for i in range(n)]
    cur.executemany("insert into %s.t values (?, ?, ?, ?, ?)" % dbname, rows)
    assert cur.rowcount == n
    got = rows_of(bconn, "select n, f, s, b from %s.t order by ts" % dbname)
    assert got == [r[1:] for r in rows]
    assert set(inserts_into(sim, dbname + ".t")) == {"insert into %s.t values (?, ?, ?, ?, ?)" % dbname}


def test_nulls_and_req_id(bconn, sim, dbname):
    cur = bconn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (ts timestamp, n int, s varchar(10), d double)" % dbname)
    cur.execute("insert into %s.t values (?, ?, ?, ?)" % dbname, (BASE, None, None, None), req_id=99)
    cur.executemany("insert into %s.t values (?, ?, ?, ?)" % dbname,
                    [(BASE + 1, 1, None, 2.5), (BASE + 2, None, "x", None)])
    assert cur.rowcount == 2
    assert rows_of(bconn, "select n, s, d from %s.t order by ts" % dbname) == [
        (None, None, None), (1, None, 2.5), (None, "x", None)]


def test_every_type_round_trips(bconn, sim, dbname):
    cur = bconn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (%s)" % (dbname, ", ".join("%s %s" % c for c in COLUMNS)))
    geo = [i for i, c in enumerate(COLUMNS) if c[1].startswith("geometry")][0]
    params = []
    for p, expected in ROWS:
        p = list(p)
        p[geo] = expected[geo]          # WKB bytes bind; WKT text falls back to literals
        params.append(p)
    marks = ", ".join("?" * len(COLUMNS))
    cur.executemany("insert into %s.t values (%s)" % (dbname, marks), params)
    assert cur.rowcount == len(ROWS)
    got = rows_of(bconn, "select * from %s.t order by ts" % dbname)
    assert got == [expected for _, expected in ROWS]
    assert set(inserts_into(sim, dbname + ".t")) == {"insert into %s.t values (%s)" % (dbname, marks)}


@pytest.mark.parametrize("precision,text,value,ticks", [
    ("ns", "2024-01-02 03:04:05.123456789+00:00", None, 1704164645123456789),
    ("ns", None, dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC), 1704164645123456000),
    ("us", "2024-01-02T03:04:05.123456Z", None, 1704164645123456),
    ("ms", "2024-01-02T11:04:05.9+08:00", None, 1704164645900),
    ("ms", None, 1704164645001, 1704164645001),
])
def test_timestamps_in_the_table_precision(bconn, sim, dbname, precision, text, value, ticks):
    cur = bconn.cursor()
    cur.execute("create database %s precision '%s'" % (dbname, precision))
    cur.execute("create table %s.t (ts timestamp, n int)" % dbname)
    cur.execute("insert into %s.t values (?, ?)" % dbname, (text if text is not None else value, 1))
    ts = bconn.cursor().execute("select ts from %s.t" % dbname).fetchnumpy()["ts"]
    assert ts.view("int64").tolist() == [ticks]
    assert set(inserts_into(sim, dbname + ".t")) == {"insert into %s.t values (?, ?)" % dbname}


def test_table_name_and_tags_are_bound(bconn, sim, dbname):
    cur = bconn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create stable %s.st (ts timestamp, v int) tags (loc nchar(60), grp int)" % dbname)
    sql = "insert into ? using %s.st tags (?, ?) values (?, ?)" % dbname
    evil = "x'); drop database %s; --" % dbname
    rows = [("%s.d1" % dbname, evil, 1, BASE, 10), ("%s.d1" % dbname, evil, 1, BASE + 1, 11),
            ("%s.d2" % dbname, "b", 2, BASE, 20), ("%s.d3" % dbname, None, None, BASE, 30)]
    cur.executemany(sql, rows)
    assert cur.rowcount == 4
    got = rows_of(bconn, "select tbname, loc, grp, v from %s.st order by v" % dbname)
    assert got == [("d1", evil, 1, 10), ("d1", evil, 1, 11), ("d2", "b", 2, 20), ("d3", None, None, 30)]
    assert_never_sent(sim, evil)
    with pytest.raises(taoslink.ProgrammingError, match="table name"):
        cur.execute(sql, (None, "x", 1, BASE, 1))
    # a bad value names its parameter set, counted over the whole call
    with pytest.raises(taoslink.ProgrammingError, match="column 'v' \\(INT\\), row 2:"):
        cur.executemany(sql, [("%s.d1" % dbname, "a", 1, BASE + 5, 1), ("%s.d2" % dbname, "b", 2, BASE + 5, 2),
                              ("%s.d2" % dbname, "b", 2, BASE + 6, "three")])
    assert rows_of(bconn, "select count(*) from %s.st" % dbname) == [(4,)]


def test_insert_into_placeholder_table_of_each_schema(bconn, sim, dbname):
    cur = bconn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.a (ts timestamp, v int)" % dbname)
    cur.execute("create table %s.b (ts timestamp, v varchar(10))" % dbname)
    cur.executemany("insert into ? values (?, ?)",
                    [("%s.a" % dbname, BASE, 1), ("%s.b" % dbname, BASE, "text"), ("%s.a" % dbname, BASE + 1, 2)])
    assert cur.rowcount == 3
    assert rows_of(bconn, "select v from %s.a order by ts" % dbname) == [(1,), (2,)]
    assert rows_of(bconn, "select v from %s.b" % dbname) == [("text",)]


@pytest.mark.parametrize("value,column,message", [
    ("abc", "n", "column 'n'"),
    (300, "t", "column 't'"),
    (1.5, "n", "column 'n'"),
    ("not a time", "ts", "column 'ts'"),
    (b"\x01", "s", "column 's'"),
    (float("nan"), "dec", "column 'dec'"),
])
def test_wrong_values_are_typed_errors_naming_the_column(bconn, sim, dbname, value, column, message):
    cur = bconn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (ts timestamp, n int, t tinyint, s nchar(10), dec decimal(10,2))" % dbname)
    row = {"ts": BASE, "n": 1, "t": 1, "s": "x", "dec": Decimal("1.5")}
    row[column] = value
    with pytest.raises(taoslink.ProgrammingError, match=message):
        cur.execute("insert into %s.t values (?, ?, ?, ?, ?)" % dbname,
                    (row["ts"], row["n"], row["t"], row["s"], row["dec"]))
    with pytest.raises(taoslink.ProgrammingError, match="placeholder"):
        cur.execute("insert into %s.t values (?, ?, ?, ?, ?)" % dbname, (BASE, 1))
    # the cursor still works, nothing was written by the failed calls
    cur.execute("insert into %s.t values (?, ?, ?, ?, ?)" % dbname, (BASE, 2, 3, "ok", 2.25))
    assert rows_of(bconn, "select n, t, s, dec from %s.t" % dbname) == [(2, 3, "ok", Decimal("2.25"))]


def test_server_errors_of_a_bound_insert_are_typed(bconn, sim, dbname):
    cur = bconn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (ts timestamp, s varchar(3))" % dbname)
    with pytest.raises(taoslink.DatabaseError):
        cur.execute("insert into %s.t values (?, ?)" % dbname, (BASE, "far too long"))
    with pytest.raises(taoslink.DatabaseError):
        cur.execute("insert into %s.missing values (?, ?)" % dbname, (BASE, "x"))
    cur.execute("insert into %s.t values (?, ?)" % dbname, (BASE, "abc"))
    assert rows_of(bconn, "select s from %s.t" % dbname) == [("abc",)]


def test_what_keeps_literals(bconn, sim, dbname):
    cur = bconn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (ts timestamp, n int, g geometry(50))" % dbname)
    # WKT text must be parsed by the server: sent as an escaped literal
    cur.execute("insert into %s.t values (?, ?, ?)" % dbname, (BASE, 1, "POINT(1 2)"))
    assert rows_of(bconn, "select n from %s.t" % dbname) == [(1,)]
    assert any("'POINT(1 2)'" in t for t in inserts_into(sim, dbname + ".t"))
    # queries keep literals and still match exactly
    assert cur.execute("select n from %s.t where n = ?" % dbname, (1,)).fetchall() == [(1,)]


def test_rest_keeps_escaped_literals(sim, dbname):
    with taoslink.connect(sim.url) as c:
        cur = c.cursor()
        cur.execute("create database %s" % dbname)
        cur.execute("create table %s.t (ts timestamp, s varchar(20))" % dbname)
        cur.execute("insert into %s.t values (?, ?)" % dbname, (BASE, "it's"))
        assert cur.rowcount == 1
        assert "insert into %s.t values (%d, 'it\\'s')" % (dbname, BASE) in seen_sql(sim)


def test_statement_fields(bconn, dbname):
    from taoslink.stmt import StmtField

    bconn.execute("create database %s precision 'us'" % dbname)
    bconn.execute("create stable %s.st (ts timestamp, v varchar(5)) tags (loc nchar(4), g int)" % dbname)
    with bconn.statement("insert into ? using %s.st tags (?, 1) values (?, ?)" % dbname) as st:
        st.set_tbname("%s.d1" % dbname)
        assert st.fields() == [StmtField("loc", 10, True, 18, 0, 0), StmtField("ts", 9, False, 8, 1, 0),
                               StmtField("v", 8, False, 7, 0, 0)]
    with bconn.statement("select * from %s.st where ts > ?" % dbname) as q:
        with pytest.raises(taoslink.Error, match="(?i)query|stmt|api"):
            q.fields()


def test_connection_execute_binds_too(bconn, sim, dbname):
    bconn.execute("create database %s" % dbname)
    bconn.execute("create table %s.t (ts timestamp, s varchar(60))" % dbname)
    marker = "c-%s' or '1'='1" % uuid.uuid4().hex
    assert bconn.execute("insert into %s.t values (?, ?)" % dbname, (BASE, marker)) == 1
    assert rows_of(bconn, "select s from %s.t" % dbname) == [(marker,)]
    assert_never_sent(sim, marker)
