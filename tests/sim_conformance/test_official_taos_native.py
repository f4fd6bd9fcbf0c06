"""Conformance of the fake libtaos.so (tests/fake_taosc) with the official taospy.

The official `taos` module (taospy's native connector, ctypes over libtaos.so) is
imported with LD_LIBRARY_PATH pointing at the fake, which implements taosc's C
API on libtaoslink's ws transport against the simulator.  So this checks, with
the reference client's own reading code, that the fake hands out what real
taosc does: TAOS_FIELD layouts, the converted blocks of taos_fetch_block
(offsets, UTF-8 NCHAR, DECIMAL strings), taos_fetch_row + taos_fetch_lengths,
error codes, stmt v1 binds, stmt2 (get_fields + bindv), schemaless and TMQ.

Each test runs its script in a subprocess, because the dynamic loader reads
LD_LIBRARY_PATH only at start-up.  The fake's directory is
$TAOSLINK_FAKE_TAOSC_DIR (default build/cmake/tests/fake_taosc, relative to the
repository root; `make conformance` builds it first).  A missing fake fails the
test: it is not optional.
"""

import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fake_dir():
    d = os.environ.get("TAOSLINK_FAKE_TAOSC_DIR", os.path.join("build", "cmake", "tests", "fake_taosc"))
    return d if os.path.isabs(d) else os.path.join(ROOT, d)


@pytest.fixture(scope="module", autouse=True)
def fake_lib():
    """Fails the module's tests (before the simulator starts) when the fake is not built."""
    lib = os.path.join(fake_dir(), "libtaos.so")
    if not os.path.exists(lib):
        pytest.fail(f"the fake libtaos.so is missing: {lib} (build the fake_taosc target, "
                    f"or set TAOSLINK_FAKE_TAOSC_DIR)")


PRELUDE = """
import datetime, os, sys
from decimal import Decimal
import taos
PORT = int(os.environ["FAKE_TAOSC_PORT"])
assert "fake" in taos.taos_get_client_info() if hasattr(taos, "taos_get_client_info") else True
def connect(**kw):
    return taos.connect(host="127.0.0.1", port=PORT, **kw)
"""


def run(port, body):
    env = dict(os.environ, LD_LIBRARY_PATH=fake_dir(), FAKE_TAOSC_PORT=str(port), TZ="UTC")
    script = PRELUDE + textwrap.dedent(body)
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc.stdout


TYPES = ("ts timestamp, b bool, ti tinyint, si smallint, i int, bi bigint, uti tinyint unsigned, "
         "usi smallint unsigned, ui int unsigned, ubi bigint unsigned, f float, d double, "
         "vc varchar(16), nc nchar(8), vb varbinary(8), g geometry(64), dec decimal(12,3), "
         "dec2 decimal(24,4)")


def test_client_is_the_fake(port):
    out = run(port, """
        c = connect()
        print(c.client_info)
        print(c.server_info)
        c.close()
    """)
    client, server = out.split()
    assert "fake" in client and client.startswith("3.3.")
    assert server.startswith("3.")


def test_all_types_every_fetch_path(port):
    run(port, f"""
        c = connect()
        c.execute("create database if not exists nat precision 'ms'")
        c.select_db("nat")
        c.execute("create stable if not exists st ({TYPES}) tags (site nchar(8), n int)")
        n = c.execute("insert into t1 using st tags ('a', 2) values "
            "('2024-05-06T07:08:09.123Z', true, -5, 300, -70000, -9000000000, 200, 60000, "
            "4000000000, 18446744073709551615, 1.5, 2.25, 'hello', 'wörld', '\\\\x0a0b', "
            "'POINT(1 2)', 12.345, -1.5) "
            "('2024-05-06T07:08:10.000Z', null, null, null, null, null, null, null, null, null, "
            "null, null, null, null, null, null, null, null)")
        assert n == 2, n
        ts0 = datetime.datetime(2024, 5, 6, 7, 8, 9, 123000)
        first = (ts0, True, -5, 300, -70000, -9000000000, 200, 60000, 4000000000,
                 18446744073709551615, 1.5, 2.25, "hello", "wörld", b"\\n\\x0b")
        # cursor.fetchall: the taos_fetch_block path (offsets, UTF-8 NCHAR, DECIMAL strings)
        cur = c.cursor()
        cur.execute("select * from st order by ts")
        rows = cur.fetchall()
        assert len(rows) == 2, rows
        r = rows[0]
        assert r[:15] == first, r
        assert isinstance(r[15], bytes) and len(r[15]) > 0, r[15]  # geometry (WKB)
        assert r[16] == Decimal("12.345") and r[17] == Decimal("-1.5000"), r[16:18]
        assert r[18:] == ("a", 2), r[18:]
        assert rows[1][1:18] == (None,) * 17, rows[1]
        assert rows[1][0] == datetime.datetime(2024, 5, 6, 7, 8, 10)
        names = [d[0] for d in cur.description]
        assert names[:3] == ["ts", "b", "ti"] and names[-2:] == ["site", "n"], names
        assert [d[1] for d in cur.description][:4] == [9, 1, 2, 3]
        assert cur.rowcount == 2
        # TaosResult: fields, precision, fetch_all
        res = c.query("select * from st order by ts")
        f = res.fields
        assert res.field_count == 20 and res.precision == 0
        assert (f[12].name, f[12].type, f[12].bytes) == ("vc", 8, 16)
        assert (f[13].name, f[13].type, f[13].bytes) == ("nc", 10, 8)   # NCHAR: characters, as taosc
        assert (f[16].type, f[17].type) == (21, 17)
        all_rows = res.fetch_all()
        assert [tuple(x) for x in all_rows] == [tuple(x) for x in rows], all_rows
        # rows_iter / fetch_row + taos_fetch_lengths + taos_print_row
        res = c.query("select ts, i, vc, nc, dec from st order by ts")
        it = [str(row) for row in res.rows_iter()]  # a TaosRow views taosc's reused row buffer
        assert len(it) == 2
        assert it[0] == "1714979289123 -70000 hello wörld 12.345", it[0]
        assert it[1] == "1714979290000 NULL NULL NULL NULL", it[1]
        # cursor.fetchone: the row path
        cur.execute("select ts, vc, nc, ubi from st order by ts")
        one = cur.fetchone()
        assert one == (ts0, "hello", "wörld", 18446744073709551615), one
        assert cur.fetchone()[1:] == (None, None, None)
        assert cur.fetchone() is None
        # affected rows of DDL
        assert c.execute("create table if not exists plain (ts timestamp, v int)") == 0
        c.close()
    """)


def test_precision_and_blocks(port):
    run(port, """
        c = connect()
        c.execute("create database if not exists natu precision 'us'")
        c.execute("create table natu.big (ts timestamp, v int, s nchar(4))")
        vals = " ".join(f"({1700000000000000 + i}, {i}, 'é{i % 10}')" for i in range(5000))
        assert c.execute(f"insert into natu.big values {vals}") == 5000
        res = c.query("select * from natu.big")
        assert res.precision == 1
        rows = res.fetch_all()
        assert len(rows) == 5000
        assert rows[4999][1:] == (4999, "é9"), rows[4999]
        assert rows[0][0] == datetime.datetime(2023, 11, 14, 22, 13, 20)
        c.close()
    """)


def test_errors(port):
    run(port, """
        c = connect()
        try:
            c.query("select * from no_such_db.no_such_table")
        except taos.ProgrammingError as e:
            assert e.errno & 0xFFFF in (0x2662, 0x2603, 0x0388), hex(e.errno)
            assert e.errno < 0, e.errno  # taosc's negative int32 codes
            assert e.msg, e.msg
        else:
            raise AssertionError("no error")
        try:
            c.execute("this is not sql")
        except taos.ProgrammingError as e:
            assert e.errno & 0xFFFF == 0x2600, hex(e.errno)
        else:
            raise AssertionError("no error")
        c.close()
        try:
            taos.connect(host="127.0.0.1", port=PORT, password="wrong")
        except taos.ConnectionError as e:
            assert e.errno & 0xFFFF == 0x0357, hex(e.errno)
        else:
            raise AssertionError("no error")
    """)


def test_stmt_v1_insert(port):
    run(port, """
        from taos import new_multi_binds
        c = connect()
        c.execute("create database if not exists natstmt precision 'ms'")
        c.select_db("natstmt")
        c.execute("create stable if not exists st (ts timestamp, v int, f double, s nchar(8), b binary(8)) tags (g int, loc nchar(8))")
        stmt = c.statement("insert into ? using st tags (?, ?) values (?, ?, ?, ?, ?)")
        tags = new_multi_binds(2)
        tags[0].int([7])
        tags[1].nchar(["北京"])
        stmt.set_tbname_tags("d7", tags)
        p = new_multi_binds(5)
        p[0].timestamp([1700000000000, 1700000001000, 1700000002000])
        p[1].int([1, None, 3])
        p[2].double([1.5, 2.5, None])
        p[3].nchar(["ä", None, "xyz"])
        p[4].binary(["a", "bb", None])
        stmt.bind_param_batch(p)
        stmt.execute()
        assert stmt.affected_rows == 3, stmt.affected_rows
        stmt.close()
        rows = c.query("select v, f, s, b, g, loc from st order by ts").fetch_all()
        assert [tuple(r) for r in rows] == [(1, 1.5, "ä", "a", 7, "北京"), (None, 2.5, None, "bb", 7, "北京"),
                                            (3, None, "xyz", None, 7, "北京")], rows
        c.close()
    """)


def test_stmt2_insert_and_query(port):
    run(port, """
        c = connect()
        c.execute("create database if not exists natstmt2 precision 'ms'")
        c.select_db("natstmt2")
        c.execute("create stable if not exists meters (ts timestamp, current float, voltage int, "
                  "phase nchar(8)) tags (groupid int, location varchar(24))")
        stmt2 = c.statement2("insert into ? using meters tags (?, ?) values (?, ?, ?, ?)")
        assert stmt2.is_insert()
        tbnames = ["d0", "d1"]
        tags = [[1, "SF"], [2, "LA"]]
        datas = [
            [[1700000000000, 1700000001000], [10.5, None], [219, 220], ["a", "bé"]],
            [[1700000000000], [11.0], [None], [None]],
        ]
        stmt2.bind_param(tbnames, tags, datas)
        assert stmt2.execute() == 3
        stmt2.close()
        rows = c.query("select tbname, current, voltage, phase, groupid, location from meters order by tbname, ts").fetch_all()
        assert [tuple(r) for r in rows] == [("d0", 10.5, 219, "a", 1, "SF"), ("d0", None, 220, "bé", 1, "SF"),
                                            ("d1", 11.0, None, None, 2, "LA")], rows
        # the super table form: tbname among the columns
        stmt2 = c.statement2("insert into meters (tbname, ts, current, voltage, phase, groupid, location) values (?, ?, ?, ?, ?, ?, ?)")
        # super bind mode: one row per entry, values in the order of the column list
        stmt2.bind_param(None, None, [["d2", 1700000005000, 1.25, 5, "z", 3, "NY"]])
        assert stmt2.execute() == 1
        stmt2.close()
        rows = c.query("select current, voltage, phase, groupid, location from d2").fetch_all()
        assert [tuple(r) for r in rows] == [(1.25, 5, "z", 3, "NY")], rows
        # a query statement
        stmt2 = c.statement2("select voltage from meters where voltage > ? order by voltage")
        assert not stmt2.is_insert()
        stmt2.bind_param(None, None, [[219]])
        stmt2.execute()
        got = [tuple(r) for r in stmt2.result().fetch_all()]
        assert got == [(220,)], got
        stmt2.close()
        c.close()
    """)


def test_schemaless_line_protocol(port):
    run(port, """
        from taos import SmlProtocol, SmlPrecision
        c = connect()
        c.execute("create database if not exists natsml precision 'ns'")
        c.select_db("natsml")
        lines = ["meters,location=SF,groupid=2 current=11.8,voltage=221i32 1626006833639000000",
                 "meters,location=LA,groupid=3 current=13.4,voltage=223i32 1626006833639000001"]
        n = c.schemaless_insert(lines, SmlProtocol.LINE_PROTOCOL, SmlPrecision.NANO_SECONDS)
        assert n == 2, n
        rows = c.query("select current, voltage from meters order by _ts").fetch_all()
        assert [tuple(r) for r in rows] == [(11.8, 221), (13.4, 223)], rows
        n = c.schemaless_insert_raw("meters,location=NY,groupid=4 current=1.0,voltage=1i32 1626006833639000002",
                                    SmlProtocol.LINE_PROTOCOL, SmlPrecision.NANO_SECONDS)
        assert n == 1, n
        try:
            c.schemaless_insert(["not line protocol"], SmlProtocol.LINE_PROTOCOL, SmlPrecision.NANO_SECONDS)
        except taos.SchemalessError as e:
            assert e.errno != 0
        else:
            raise AssertionError("no error")
        c.close()
    """)


def test_tmq_subscribe_poll_commit(port):
    run(port, """
        from taos.tmq import Consumer, TopicPartition
        c = connect()
        c.execute("create database if not exists nattmq precision 'ms'")
        c.execute("create stable if not exists nattmq.st (ts timestamp, v int, s nchar(8)) tags (g int)")
        c.execute("insert into nattmq.d1 using nattmq.st tags (1) values (1700000000000, 1, 'ä') (1700000001000, 2, null)")
        c.execute("create topic if not exists nat_topic as select ts, v, s from nattmq.st")
        conf = {"td.connect.ip": "127.0.0.1", "td.connect.port": str(PORT), "td.connect.user": "root",
                "td.connect.pass": "taosdata", "group.id": "g1", "client.id": "c1",
                "auto.offset.reset": "earliest", "enable.auto.commit": "false",
                "msg.with.table.name": "true"}
        consumer = Consumer(conf)
        consumer.subscribe(["nat_topic"])
        assert consumer.list_topics() == ["nat_topic"]
        got = []
        for _ in range(20):
            msg = consumer.poll(1.0)
            if msg is None:
                if got:
                    break
                continue
            assert msg.error() is None
            assert msg.topic() == "nat_topic" and msg.database() == "nattmq"
            for block in msg:
                assert block.table() == "d1", block.table()
                got.extend(tuple(r) for r in block.fetchall())
            consumer.commit(msg)
        assert got == [(datetime.datetime(2023, 11, 14, 22, 13, 20), 1, "ä"),
                       (datetime.datetime(2023, 11, 14, 22, 13, 21), 2, None)], got
        assignments = consumer.assignment()
        assert assignments and all(a.topic == "nat_topic" for a in assignments)
        read = [a for a in assignments if a.offset > 0]
        assert read, [str(a) for a in assignments]
        committed = consumer.committed([TopicPartition("nat_topic", a.partition, 0) for a in read])
        assert [p.offset for p in committed] == [a.offset for a in read], [str(p) for p in committed]
        assert [p.offset for p in consumer.position(read)] == [a.offset for a in read]
        consumer.unsubscribe()
        consumer.close()
        c.close()
    """)
