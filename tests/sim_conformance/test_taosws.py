"""Conformance: the official `taos-ws-py` client (module `taosws`, the Rust
WebSocket connector) against the simulator's /ws endpoint.

Runs in the taospy venv (see README.md); the simulator is started as a
subprocess on a free port.  taosws takes the binary path (action 6 query +
action 7 fetch_raw_block) because the simulator reports version 3.3.6.0.
"""

import datetime
from decimal import Decimal

import pytest

taosws = pytest.importorskip("taosws")

UTC = datetime.timezone.utc


@pytest.fixture(scope="module")
def conn(port):
    c = taosws.connect(f"ws://root:taosdata@127.0.0.1:{port}")
    c.execute("create database if not exists wsc precision 'ms'")
    c.execute("create database if not exists wsu precision 'us'")
    c.execute("create database if not exists wsn precision 'ns'")
    yield c
    c.close()


TYPES = ("ts timestamp, b bool, ti tinyint, si smallint, i int, bi bigint, uti tinyint unsigned, "
         "usi smallint unsigned, ui int unsigned, ubi bigint unsigned, f float, d double, "
         "vc varchar(16), nc nchar(8), vb varbinary(8), g geometry(64), dec decimal(12,3), "
         "dec2 decimal(24,4)")


def as_utc(v):
    return v.astimezone(UTC)


def test_all_types_round_trip(conn):
    cur = conn.cursor()
    cur.execute(f"create stable if not exists wsc.st ({TYPES}) tags (site nchar(8), n int)")
    cur.execute("insert into wsc.t1 using wsc.st tags ('a', 2) values "
                "('2024-05-06T07:08:09.123Z', true, -5, 300, -70000, -9000000000, 200, 60000, "
                "4000000000, 18446744073709551615, 1.5, 2.25, 'hello', 'wörld', '\\x0a0b', "
                "'POINT(1 2)', 12.5, -123456789012.3456) "
                "('2024-05-06T07:08:09.124Z', null, null, null, null, null, null, null, null, "
                "null, null, null, null, null, null, null, null, null)")
    assert cur.row_count == 2
    cur.execute("select * from wsc.st order by ts")
    rows = cur.fetchall()
    assert len(rows) == 2
    r = rows[0]
    assert as_utc(r[0]) == datetime.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
    assert r[1:12] == (True, -5, 300, -70000, -9000000000, 200, 60000, 4000000000,
                       18446744073709551615, 1.5, 2.25)
    assert r[12] == "hello" and r[13] == "wörld"
    assert r[14] == b"\x0a\x0b"
    assert r[15] == bytes.fromhex("0101000000000000000000f03f0000000000000040")
    assert r[16] == Decimal("12.500")
    assert r[17] == Decimal("-123456789012.3456")
    assert r[18:] == ("a", 2)
    assert rows[1][1:18] == (None,) * 17
    names = [d[0] for d in cur.description]
    assert names[:3] == ["ts", "b", "ti"] and names[-2:] == ["site", "n"]


def test_precisions(conn):
    cur = conn.cursor()
    cur.execute("create table if not exists wsu.t (ts timestamp, v int)")
    cur.execute("create table if not exists wsn.t (ts timestamp, v int)")
    cur.execute("insert into wsu.t values (1700000000000001, 1)")
    cur.execute("insert into wsn.t values (1700000000000000001, 1)")
    cur.execute("select ts from wsu.t")
    (us,), = cur.fetchall()
    assert as_utc(us) == datetime.datetime(2023, 11, 14, 22, 13, 20, 1, tzinfo=UTC)
    cur.execute("select ts from wsn.t")
    (ns,), = cur.fetchall()
    assert ns == 1700000000000000001          # taosws: raw int for nanoseconds


def test_many_blocks(conn):
    cur = conn.cursor()
    cur.execute("create table if not exists wsc.big (ts timestamp, v int, s varchar(12))")
    values = " ".join(f"({1700000000000 + i}, {i}, 's{i}')" for i in range(10000))
    cur.execute(f"insert into wsc.big values {values}")
    cur.execute("select * from wsc.big")
    rows = cur.fetchall()
    assert len(rows) == 10000                 # 3 raw blocks of <= 4096 rows
    assert rows[9999][1:] == (9999, "s9999")
    cur.execute("select count(*) from wsc.big")
    assert cur.fetchall() == [(10000,)]


def test_errors(conn, port):
    cur = conn.cursor()
    with pytest.raises(Exception) as ei:
        cur.execute("select * from wsc.no_such_table")
    assert "0x2603" in str(ei.value) and "Table does not exist" in str(ei.value)
    with pytest.raises(Exception) as ei:
        cur.execute("selec 1")
    assert "0x2600" in str(ei.value)
    with pytest.raises(Exception) as ei:
        taosws.connect(f"ws://root:wrong@127.0.0.1:{port}")
    assert "0x0357" in str(ei.value) or "Authentication failure" in str(ei.value)


def test_schemaless_line(conn, port):
    c = taosws.connect(f"ws://root:taosdata@127.0.0.1:{port}/wsc")
    c.schemaless_insert(lines=["meters,loc=a v=1.5,n=3i 1700000000000",
                               "meters,loc=b v=2.5,n=4i 1700000000001"],
                        protocol=taosws.PySchemalessProtocol.Line,
                        precision=taosws.PySchemalessPrecision.Millisecond, ttl=0, req_id=9)
    cur = c.cursor()
    cur.execute("select _ts, v, n, loc from meters order by _ts")
    rows = cur.fetchall()
    assert [r[1:] for r in rows] == [(1.5, 3, "a"), (2.5, 4, "b")]
    assert as_utc(rows[0][0]) == datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    c.close()


def test_stmt_insert(conn, port):
    conn.execute("create stable if not exists wsc.sst (ts timestamp, v int, f double, "
                 "s nchar(8), vc varchar(8)) tags (g int, name varchar(10))")
    # taos-ws-py opens the statement on its own socket; the db comes from the DSN
    c = taosws.connect(f"ws://root:taosdata@127.0.0.1:{port}/wsc")
    stmt = c.statement()
    stmt.prepare("insert into ? using sst tags(?, ?) values(?, ?, ?, ?, ?)")
    stmt.set_tbname("sc1")
    stmt.set_tags([taosws.int_to_tag(7), taosws.varchar_to_tag("xy")])
    stmt.bind_param([taosws.millis_timestamps_to_column([1700000000000, 1700000000001]),
                     taosws.ints_to_column([5, None]),
                     taosws.doubles_to_column([0.5, 1.5]),
                     taosws.nchar_to_column(["hé", None]),
                     taosws.varchar_to_column(["ab", "cd"])])
    stmt.add_batch()
    assert stmt.execute() == 2
    stmt.close()
    cur = c.cursor()
    cur.execute("select v, f, s, vc, g, name from sst order by ts")
    assert cur.fetchall() == [(5, 0.5, "hé", "ab", 7, "xy"), (None, 1.5, None, "cd", 7, "xy")]
    c.close()


def test_server_info(conn):
    cur = conn.cursor()
    cur.execute("select server_version()")
    assert cur.fetchall() == [("3.3.6.0",)]
