"""The PEP 249 surface of taoslink: module globals, connection and cursor behaviour, qmark
parameters, streaming of multi-block results, context managers."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

import taoslink
from taoslink import _taoslink


def test_module_globals():
    assert taoslink.apilevel == "2.0"
    assert taoslink.threadsafety == 2
    assert taoslink.paramstyle == "qmark"
    for name in ("Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
                 "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError"):
        assert issubclass(getattr(taoslink, name), Exception)
    assert issubclass(taoslink.Error, Exception) and not issubclass(taoslink.Warning, taoslink.Error)
    for name in ("InterfaceError", "DatabaseError"):
        assert issubclass(getattr(taoslink, name), taoslink.Error)
    for name in ("DataError", "OperationalError", "IntegrityError", "InternalError", "ProgrammingError",
                 "NotSupportedError"):
        assert issubclass(getattr(taoslink, name), taoslink.DatabaseError)
    assert issubclass(taoslink.ConnectionError, taoslink.OperationalError)
    assert taoslink.Date(2024, 1, 2) == dt.date(2024, 1, 2)
    assert taoslink.Time(1, 2, 3) == dt.time(1, 2, 3)
    assert taoslink.Timestamp(2024, 1, 2, 3, 4, 5) == dt.datetime(2024, 1, 2, 3, 4, 5)
    assert taoslink.TimestampFromTicks(0) == dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    assert isinstance(taoslink.DateFromTicks(0), dt.date) and isinstance(taoslink.TimeFromTicks(0), dt.time)
    assert taoslink.Binary("ab".encode()) == b"ab"
    assert taoslink.STRING == 8 and taoslink.STRING == 10 and taoslink.STRING != 16
    assert taoslink.BINARY == 16 and taoslink.NUMBER == 4 and taoslink.DATETIME == 9
    assert taoslink.ROWID != 0
    # REST's type names (taosrest's description) compare equal too
    assert taoslink.STRING == "VARCHAR" and taoslink.NUMBER == "DECIMAL(10,2)" and taoslink.NUMBER == "int unsigned"
    assert taoslink.DATETIME == "TIMESTAMP" and taoslink.BINARY == "GEOMETRY" and taoslink.DATETIME != "INT"
    assert str(taoslink.ProgrammingError("boom", 0x2600)) == "[0x2600]: boom"


def test_connection_surface(conn):
    for name in ("Error", "Warning", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
                 "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError"):
        assert getattr(conn, name) is getattr(taoslink, name)
    conn.commit()
    with pytest.raises(taoslink.NotSupportedError):
        conn.rollback()
    assert conn.server_info
    assert not conn.closed
    assert conn.client_info == taoslink.__version__


def test_cursor_ddl_dml_query(conn, dbname):
    cur = conn.cursor()
    assert cur.description is None and cur.rowcount == -1 and cur.arraysize == 1
    assert cur.lastrowid is None and cur.connection is conn
    cur.execute("create database %s precision 'ms'" % dbname)
    assert cur.description is None
    cur.execute("create table %s.t (ts timestamp, v int, s varchar(40))" % dbname)
    n = conn.execute("insert into %s.t values (?, ?, ?)" % dbname, (1700000000000, 1, "a"))
    assert n == 1
    cur.executemany("insert into %s.t values (?, ?, ?)" % dbname,
                    [(1700000000001 + i, i, "r%d" % i) for i in range(10)])
    assert cur.rowcount == 10
    cur.execute("select v, s from %s.t order by ts" % dbname)
    assert [d[0] for d in cur.description] == ["v", "s"]
    assert cur.description[0] == ("v", 4, None, 4, None, None, True)
    assert cur.rowcount == -1  # not known until the end
    assert cur.fetchone() == (1, "a")
    assert cur.fetchmany() == [(0, "r0")]
    assert cur.fetchmany(3) == [(1, "r1"), (2, "r2"), (3, "r3")]
    rest = cur.fetchall()
    assert rest == [(i, "r%d" % i) for i in range(4, 10)]
    assert cur.rowcount == 11
    assert cur.fetchone() is None and cur.fetchmany(5) == [] and cur.fetchall() == []
    cur.setinputsizes([None])
    cur.setoutputsize(10)
    with pytest.raises(taoslink.NotSupportedError):
        cur.callproc("p")
    with pytest.raises(taoslink.NotSupportedError):
        cur.nextset()
    cur.execute("insert into %s.t values (1700000001000, 5, 'z')" % dbname)
    with pytest.raises(taoslink.ProgrammingError):
        cur.fetchone()  # no result set


def test_qmark_params_and_injection(conn, dbname):
    cur = conn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (ts timestamp, s varchar(100), n nchar(40), b varbinary(20))" % dbname)
    evil = ["'); drop table x; --", "a'b", "back\\slash", "q?mark", "\\'", "'", "\\", "%s %d {} ?", "\u00e9\u4e16"]
    for i, s in enumerate(evil):
        cur.execute("insert into %s.t values (?, ?, ?, ?)" % dbname, (1700000000000 + i, s, s, s.encode()))
    got = cur.execute("select s, n, b from %s.t order by ts" % dbname).fetchall()
    assert got == [(s, s, s.encode()) for s in evil]
    # a ? inside a literal is not a placeholder
    cur.execute("select s from %s.t where s = 'q?mark' and n = ?" % dbname, ("q?mark",))
    assert cur.fetchall() == [("q?mark",)]
    with pytest.raises(taoslink.ProgrammingError):
        cur.execute("select ? from %s.t" % dbname, (1, 2))
    with pytest.raises(taoslink.ProgrammingError):
        cur.execute("select ?, ? from %s.t" % dbname, (1,))
    with pytest.raises(taoslink.ProgrammingError):
        cur.execute("select ? from %s.t" % dbname, {"a": 1})
    with pytest.raises(taoslink.ProgrammingError):
        cur.execute("select ? from %s.t" % dbname, (object(),))
    assert cur.execute("select count(*) from %s.t" % dbname).fetchone() == (len(evil),)


def test_executemany_batching(conn, dbname):
    from taoslink.cursor import Cursor

    t = Cursor._insert_batch_template
    assert t("insert into t values (?, ?)") == ("insert into t values ", "(?, ?)")
    assert t("INSERT INTO t (ts, v) VALUES (?, now);") == ("INSERT INTO t (ts, v) VALUES ", "(?, now)")
    assert t("insert into t1 values (?) t2 values (?)") is None
    assert t("insert into t using st tags (?) values (?)") is None
    assert t("select ?") is None
    cur = conn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (ts timestamp, v int)" % dbname)
    cur.executemany("insert into %s.t values (?, 5)" % dbname, [(1700000000000 + i,) for i in range(3)])
    assert cur.rowcount == 3
    cur.executemany("insert into %s.t values (?, ?)" % dbname, iter([(1700000000010, 1), (1700000000011, 2)]))
    assert cur.rowcount == 2
    assert cur.execute("select count(*) from %s.t" % dbname).fetchone() == (5,)
    with pytest.raises(taoslink.ProgrammingError):
        cur.executemany("insert into %s.t values (?, ?)" % dbname, [(1,)])


def test_iteration_streams_multiple_blocks(conn, server, dbname):
    cur = conn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (ts timestamp, v int)" % dbname)
    n = 20000
    cur.executemany("insert into %s.t values (?, ?)" % dbname, [(1700000000000 + i, i) for i in range(n)])
    assert cur.rowcount == n
    # the raw result arrives in several blocks, and each fetch converts one at a time
    res = conn._native.query("select * from %s.t" % dbname)
    blocks = []
    while True:
        b = res.fetch_block()
        if b is None:
            break
        blocks.append(b.rows)
    assert sum(blocks) == n
    if server.is_sim:
        assert len(blocks) > 1
    # fetchone/iteration does not read ahead past the current block
    cur.execute("select v from %s.t order by ts" % dbname)
    first = cur.fetchone()
    assert first == (0,)
    assert cur._result.rows_fetched <= max(blocks)
    assert [r[0] for r in cur] == list(range(1, n))
    assert cur.rowcount == n
    cols = conn.query("select ts, v from %s.t" % dbname).fetch_columns()
    assert cols["v"] == list(range(n)) and len(cols["ts"]) == n


def test_context_managers(server):
    with taoslink.connect(server.url) as c:
        with c.cursor() as cur:
            cur.execute("show databases")
            assert cur.fetchall()
        assert cur.closed
    assert c.closed


def test_keyword_connect(server, dbname):
    with taoslink.connect(host=server.host, port=server.port, user=server.user, password=server.password,
                          timeout=30) as c:
        c.execute("create database %s" % dbname)
    with taoslink.connect(url=server.base, user=server.user, password=server.password, database=dbname) as c:
        c.execute("create table t (ts timestamp, v int)")
        assert c.execute("insert into t values (now, 1)") == 1
        assert c.query("select v from t").fetchall() == [(1,)]


def test_select_db(conn, dbname):
    conn.execute("create database %s" % dbname)
    conn.select_db(dbname)
    assert conn.database == dbname
    conn.execute("create table t (ts timestamp, v int)")
    conn.execute("insert into t values (1700000000000, 7)")
    assert conn.query("select v from t").fetchone() == (7,)


def test_schemaless_insert(conn, dbname):
    conn.execute("create database %s" % dbname)
    n = conn.schemaless_insert(["meters,loc=a cur=1.5,v=220i 1700000000000",
                                "meters,loc=b cur=2.5,v=221i 1700000000001"],
                               taoslink.SmlProtocol.LINE_PROTOCOL, "ms", database=dbname)
    assert n in (-1, 2)
    rows = conn.query("select loc, cur from %s.meters order by loc" % dbname).fetchall()
    assert rows == [("a", 1.5), ("b", 2.5)]


def test_connection_shared_between_threads(conn, dbname):
    conn.execute("create database %s" % dbname)
    conn.execute("create table %s.t (ts timestamp, v int)" % dbname)
    errors = []

    def work(k):
        try:
            with conn.cursor() as cur:
                for i in range(20):
                    cur.execute("insert into %s.t values (?, ?)" % dbname, (1700000000000 + k * 100 + i, k))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert conn.query("select count(*) from %s.t" % dbname).fetchone() == (80,)


def test_converter_options(conn, dbname):
    conn.execute("create database %s" % dbname)
    conn.execute("create table %s.t (ts timestamp, b varbinary(4), j nchar(4))" % dbname)
    conn.execute("insert into %s.t values (1700000000000, '\\x0aff', 'x')" % dbname)
    res = conn._native.query("select ts, b from %s.t" % dbname)
    rows = res.fetch_all(_taoslink.Converter(timestamps="int", binary="hex", rows="list"))
    assert rows == [[1700000000000, "0aff"]]
    res = conn._native.query("select ts from %s.t" % dbname)
    assert res.fetch_all(_taoslink.Converter(timestamps="rfc3339")) == [("2023-11-14T22:13:20.000Z",)]
    with pytest.raises(ValueError):
        _taoslink.Converter(timestamps="nope")
    with pytest.raises(TypeError):
        _taoslink.Converter(timestamps="tz")
