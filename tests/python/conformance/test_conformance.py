"""One behaviour suite, run against every transport (see conftest.py for the list and for what
each transport does not support)."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from decimal import Decimal

import pytest

import taoslink
from alltypes import COLUMNS, JSON_TAG, ROWS, TYPE_CODES, create_all_types, expected_taoslink

UTC = dt.timezone.utc

try:
    import numpy as np
except ImportError:  # pragma: no cover - numpy is in the Makefile's venv
    np = None


def test_plugin_is_loaded(transport, tconn):
    assert tconn.server_info
    plugin = taoslink.scheme_map()[transport.scheme]
    assert plugin in taoslink.loaded_plugins()


def test_every_type_round_trips(tconn, dbname):
    cur = tconn.cursor()
    create_all_types(cur, dbname)
    cur.execute("select * from %s.st order by ts" % dbname)
    assert [d[1] for d in cur.description] == TYPE_CODES + [15]
    assert [d[0] for d in cur.description] == [c for c, _ in COLUMNS] + ["t_json"]
    rows = cur.fetchall()
    # JSON tags come back as the server normalises them: compare them parsed.
    assert [r[:-1] for r in rows] == [e[:-1] for e in expected_taoslink()]
    assert [json.loads(r[-1]) for r in rows] == [JSON_TAG] * len(ROWS)
    assert cur.rowcount == len(ROWS)


@pytest.mark.parametrize("precision,ticks,expected", [
    ("ms", 1700000000123, dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)),
    ("us", 1700000000123456, dt.datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=UTC)),
    ("ns", 1700000000123456789, 1700000000123456789),
])
def test_timestamp_precisions(tconn, dbname, precision, ticks, expected):
    tconn.execute("create database %s precision '%s'" % (dbname, precision))
    tconn.execute("create table %s.t (ts timestamp, v int)" % dbname)
    assert tconn.execute("insert into %s.t values (%d, 1)" % (dbname, ticks)) == 1
    cur = tconn.cursor().execute("select ts, v from %s.t" % dbname)
    assert cur.fetchall() == [(expected, 1)]


def test_errors_carry_codes(transport, tconn, dbname):
    tconn.execute("create database %s" % dbname)
    with pytest.raises(taoslink.ProgrammingError) as ei:
        tconn.execute("selec 1")
    assert ei.value.errno == 0x2600
    with pytest.raises(taoslink.ProgrammingError) as ei:
        tconn.cursor().execute("select * from %s.no_such_table" % dbname)
    assert ei.value.errno in (0x2603, 0x2662)
    with pytest.raises(taoslink.ProgrammingError) as ei:
        tconn.execute("select * from no_such_db_%s.t" % uuid.uuid4().hex[:6])
    assert ei.value.errno in (0x0388, 0x2662)
    bad = transport.url.replace(":taosdata@", ":wrong-password@")
    with pytest.raises(taoslink.ConnectionError) as ei:
        taoslink.connect(bad).execute("show databases")
    assert ei.value.errno == 0x0357
    # taosc has no per-connection timeout (its own configuration decides), so taos:// gets none.
    timeout = "" if transport.scheme == "taos" else "?timeout=2"
    with pytest.raises(taoslink.ConnectionError) as ei:
        taoslink.connect("%s://root:taosdata@127.0.0.1:1%s" % (transport.scheme, timeout)).execute("show databases")
    assert ei.value.errno in (0x000B, 0x0018, 0x0019)


def test_results_span_many_blocks(tconn, dbname):
    tconn.execute("create database %s" % dbname)
    tconn.execute("create table %s.big (ts timestamp, v int, s varchar(12))" % dbname)
    n = 10000
    cur = tconn.cursor()
    cur.executemany("insert into %s.big values (?, ?, ?)" % dbname,
                    [(1700000000000 + i, i, "s%d" % i) for i in range(n)])
    assert cur.rowcount == n
    cur.execute("select v, s from %s.big order by ts" % dbname)
    first = cur.fetchmany(5000)
    assert len(first) == 5000 and first[4999] == (4999, "s4999")
    assert cur.fetchone() == (5000, "s5000")
    rest = cur.fetchall()
    assert len(rest) == n - 5001 and rest[-1] == (n - 1, "s%d" % (n - 1))
    cols = tconn.cursor().execute("select v from %s.big" % dbname).fetch_columns()
    assert cols["v"] == list(range(n))


@pytest.mark.parametrize("protocol,precision,lines,ts", [
    ("line", "ms", ["sm,loc=a v=1.5,n=3i 1700000000123"], dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)),
    ("line", "us", ["sm,loc=a v=1.5,n=3i 1700000000123456"], dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)),
    ("line", "ns", ["sm,loc=a v=1.5,n=3i 1700000000123456789"], dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)),
    ("line", "s", ["sm,loc=a v=1.5,n=3i 1700000000"], dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
    ("telnet", "ms", ["sm 1700000000123 1.5 loc=a"], dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)),
    ("json", None, [json.dumps([{"metric": "sm", "timestamp": 1700000000123, "value": 1.5,
                                 "tags": {"loc": "a"}}])], dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)),
])
def test_schemaless(tconn, dbname, protocol, precision, lines, ts):
    tconn.execute("create database %s" % dbname)
    c = tconn
    c.select_db(dbname)  # taos-ws writes into the current database only (database= is refused)
    c.schemaless_insert(lines, protocol, precision)
    cur = c.cursor().execute("select * from %s.sm" % dbname)
    names = [d[0] for d in cur.description]
    row = dict(zip(names, cur.fetchone()))
    assert row["_ts"] == ts
    value = row.get("v", row.get("_value"))
    assert value == 1.5
    assert row["loc"] == "a"


def _stmt_table(conn, db):
    conn.execute("create database %s" % db)
    conn.execute("create stable %s.st (ts timestamp, b bool, i int, bi bigint, ubi bigint unsigned, f float, "
                 "d double, vc varchar(20), nc nchar(10), vb varbinary(10)) tags (g int, name varchar(10))" % db)


STMT_TYPES = ["timestamp", "bool", "int", "bigint", "bigint unsigned", "float", "double", "varchar", "nchar",
              "varbinary"]


def test_stmt_insert_from_lists(transport, tconn, dbname):
    transport.require("stmt")
    _stmt_table(tconn, dbname)
    with tconn.statement("insert into ? using %s.st tags (?, ?) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" % dbname) as s:
        s.set_tbname("%s.c1" % dbname)
        s.set_tags([7, "xy"], types=["int", "varchar"])
        s.bind([[1700000000000, dt.datetime(2023, 11, 14, 22, 13, 20, 1000, tzinfo=UTC)],
                [True, None], [-5, None], [2 ** 62, None], [2 ** 64 - 1, None], [1.5, None], [2.25, None],
                ["h'é", None], ["wörld", None], [b"\x00\x01", None]], types=STMT_TYPES)
        s.add_batch()
        assert s.execute() == 2
        assert s.affected_rows == 2
    rows = tconn.cursor().execute("select *, g, name from %s.st order by ts" % dbname).fetchall()
    assert rows[0] == (dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC), True, -5, 2 ** 62, 2 ** 64 - 1, 1.5, 2.25,
                       "h'é", "wörld", b"\x00\x01", 7, "xy", 7, "xy")
    assert rows[1][0] == dt.datetime(2023, 11, 14, 22, 13, 20, 1000, tzinfo=UTC)
    assert rows[1][1:10] == (None,) * 9


@pytest.mark.skipif(np is None, reason="numpy is not installed in this environment")
def test_stmt_insert_from_numpy(transport, tconn, dbname):
    transport.require("stmt")
    tconn.execute("create database %s" % dbname)
    tconn.execute("create table %s.n (ts timestamp, i int, bi bigint, u bigint unsigned, f float, d double, "
                  "b bool)" % dbname)
    n = 3000
    ts = np.arange(n, dtype="int64") + 1700000000000
    i = np.ma.masked_array(np.arange(n, dtype="int32"), mask=(np.arange(n) % 7 == 0))
    s = tconn.statement("insert into %s.n values (?, ?, ?, ?, ?, ?, ?)" % dbname)
    s.bind([ts, i, np.arange(n, dtype="int64") * 3, np.arange(n, dtype="uint64"),
            np.linspace(0, 1, n, dtype="float32"), np.linspace(0, 1, n), np.arange(n) % 2 == 0],
           types=["timestamp", None, None, None, None, None, None])
    s.add_batch()
    assert s.execute() == n
    rows = tconn.cursor().execute("select i, bi, u, d, b from %s.n order by ts" % dbname).fetchall()
    assert len(rows) == n
    assert rows[0] == (None, 0, 0, 0.0, True)
    assert rows[8] == (8, 24, 8, pytest.approx(8 / (n - 1)), True)
    # datetime64 columns take the statement's precision.
    s2 = tconn.statement("insert into %s.n (ts, i) values (?, ?)" % dbname)
    s2.bind([np.array(["2030-01-01T00:00:00.001"], dtype="datetime64[ms]"), np.array([5], dtype="int32")])
    s2.add_batch()
    assert s2.execute() == 1
    got = tconn.cursor().execute("select ts, i from %s.n where i = 5 order by ts desc limit 1" % dbname).fetchall()
    assert got == [(dt.datetime(2030, 1, 1, 0, 0, 0, 1000, tzinfo=UTC), 5)]


def test_stmt_wrong_types_are_refused(transport, tconn, dbname):
    transport.require("stmt")
    _stmt_table(tconn, dbname)
    s = tconn.statement("insert into %s.c2 using %s.st tags (1, 'a') values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        % (dbname, dbname))
    with pytest.raises(taoslink.ProgrammingError, match=r"column 2 \(INT\), row 1: expected int, got str"):
        s.bind([[1], [True], [1, "x"]], types=["timestamp", "bool", "int"])
    with pytest.raises(taoslink.ProgrammingError, match=r"column 0 \(TINYINT\), row 0: 300 is out of range"):
        s.bind([[300]], types=["tinyint"])
    with pytest.raises(taoslink.ProgrammingError, match="expected int, got float"):
        s.bind([[1.5]], types=["int"])
    if np is not None:
        with pytest.raises(taoslink.ProgrammingError, match="without truncation"):
            s.bind([np.array([1.5])], types=["int"])
        with pytest.raises(taoslink.ProgrammingError, match="out of range"):
            s.bind([np.array([70000], dtype="int64")], types=["smallint"])


def test_stmt_availability(transport, tconn):
    """statement() works, or raises NotSupportedError where the table says the transport has none."""
    if "stmt" in transport.unsupported:
        with pytest.raises(taoslink.NotSupportedError):
            tconn.statement()
    else:
        with tconn.statement() as s:
            assert not s.closed
        assert s.closed


def _consumer_or_skip(transport, **config):
    transport.require("tmq")
    try:
        return taoslink.Consumer(transport.url, **config)
    except taoslink.NotSupportedError as e:
        pytest.skip("%s:// plugin has no TMQ consumer yet (Transport::consumer): %s" % (transport.scheme, e.msg))


def test_tmq_subscribe_poll_commit_seek(transport, tconn, dbname):
    topic = "tp_" + uuid.uuid4().hex[:8]
    consumer = _consumer_or_skip(transport, **{"group.id": "g_" + topic, "auto.offset.reset": "earliest",
                                               "enable.auto.commit": "false"})
    tconn.execute("create database %s" % dbname)
    tconn.execute("create table %s.t (ts timestamp, v int)" % dbname)
    tconn.execute("insert into %s.t values (1700000000000, 1) (1700000000001, 2) (1700000000002, 3)" % dbname)
    tconn.execute("create topic %s as select ts, v from %s.t" % (topic, dbname))
    try:
        with consumer:
            consumer.subscribe([topic])
            assert topic in consumer.list_topics()
            rows, msgs = [], []
            deadline = time.monotonic() + 10
            while len(rows) < 3 and time.monotonic() < deadline:
                m = consumer.poll(0.5)
                if m is not None:
                    assert m.topic == topic and m.database == dbname
                    msgs.append(m)
                    rows.extend(m.rows())
            assert sorted(r[1] for r in rows) == [1, 2, 3]
            assert rows[0][0] == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
            consumer.commit(msgs[-1])
            (a, *_rest) = consumer.assignment()
            assert a.topic == topic
            assert consumer.committed(topic, a.vgroup) >= 0
            consumer.seek(topic, a.vgroup, a.begin)
            assert consumer.position(topic, a.vgroup) == a.begin
            again = []
            deadline = time.monotonic() + 10
            while len(again) < 3 and time.monotonic() < deadline:
                m = consumer.poll(0.5)
                if m is not None:
                    again.extend(m.rows())
            assert sorted(r[1] for r in again) == [1, 2, 3]
            consumer.commit(None)
            consumer.unsubscribe()
    finally:
        tconn.execute("drop topic if exists %s" % topic)


def test_decimal_and_json_values(tconn, dbname):
    tconn.execute("create database %s" % dbname)
    tconn.execute("create stable %s.s (ts timestamp, d decimal(20,4), d64 decimal(10,2)) tags (j json)" % dbname)
    tconn.execute("insert into %s.c using %s.s tags ('{\"k\":1}') values (1700000000000, 1.5, -2.25)" % (dbname, dbname))
    row = tconn.cursor().execute("select d, d64, j from %s.s" % dbname).fetchone()
    assert row[0] == Decimal("1.5000") and row[1] == Decimal("-2.25")
    assert json.loads(row[2]) == {"k": 1}
