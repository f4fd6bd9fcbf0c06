"""``taos`` prepared statements over taos://: TaosStmt with the bind helpers (every setter),
TaosStmt2 in its bind_param / BindTable / super-bind forms, and datetimes keeping their
microseconds."""

from __future__ import annotations

import datetime as dt
import struct

import pytest

import taos
from taos import BindTable, TaosStmt2Option, new_bind_params, new_multi_binds

ALL = ("ts timestamp, b bool, i8 tinyint, i16 smallint, i32 int, i64 bigint, u8 tinyint unsigned, "
       "u16 smallint unsigned, u32 int unsigned, u64 bigint unsigned, f float, d double, "
       "bn binary(20), vc varchar(20), nc nchar(20), vb varbinary(20), g geometry(50)")
POINT = bytes.fromhex("0101000000000000000000f03f0000000000000040")


def _f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


@pytest.fixture(autouse=True)
def _no_global_tz():
    """connect(timezone=...) sets the zone naive datetimes are bound in (taospy's set_tz)."""
    taos.field.set_tz(None)
    yield
    taos.field.set_tz(None)


@pytest.fixture
def db(taos_conn, dbname):
    taos_conn.execute("create database %s precision 'us'" % dbname)
    taos_conn.select_db(dbname)
    return taos_conn


def test_stmt_every_setter(db):
    db.execute("create stable st (%s) tags (t_i int, t_s nchar(10))" % ALL)
    stmt = db.statement("insert into ? using st tags (?, ?) values (%s)" % ", ".join("?" * 17))
    tags = new_bind_params(2)
    tags[0].int(7)
    tags[1].nchar("tag\u4e16")
    stmt.set_tbname_tags("d1", tags)
    b = new_multi_binds(17)
    b[0].timestamp([1700000000000001, dt.datetime(2023, 11, 14, 22, 13, 20, 5, tzinfo=dt.timezone.utc),
                    "2023-11-14T22:13:20.000010+00:00"],
                   taos.PrecisionEnum.Microseconds)
    b[1].bool([True, False, None])
    b[2].tinyint([-128, 127, None])
    b[3].smallint([-32768, 32767, None])
    b[4].int([-2 ** 31, 2 ** 31 - 1, None])
    b[5].bigint([-2 ** 63, 2 ** 63 - 1, None])
    b[6].tinyint_unsigned([0, 255, None])
    b[7].smallint_unsigned([0, 65535, None])
    b[8].int_unsigned([0, 2 ** 32 - 1, None])
    b[9].bigint_unsigned([0, 2 ** 64 - 1, None])
    b[10].float([1.5, 10.1, None])
    b[11].double([2.5, -1e300, None])
    b[12].binary(["bin", "", None])
    b[13].varchar(["vc\u00e9", "x", None])
    b[14].nchar(["\u4e16\u754c", "n", None])
    b[15].varbinary([b"\x00\x01", bytearray(b"\xff"), None])
    b[16].geometry([POINT, POINT, None])
    assert b[0].num == 3
    stmt.bind_param_batch(b)
    stmt.execute()
    assert stmt.affected_rows == 3
    # one more row through bind_param (new_bind_params, scalars)
    one = new_bind_params(17)
    one[0].timestamp(1700000000000100, taos.PrecisionEnum.Microseconds)
    for i in range(1, 17):
        one[i].null()
    stmt.bind_param(one)
    stmt.execute()
    assert stmt.affected_rows == 4
    stmt.close()
    rows = db.query("select * from st order by ts").fetch_all()
    assert len(rows) == 4
    assert rows[0][1:] == (True, -128, -32768, -2 ** 31, -2 ** 63, 0, 0, 0, 0, 1.5, 2.5, "bin", "vc\u00e9",
                           "\u4e16\u754c", b"\x00\x01", POINT, 7, "tag\u4e16")
    assert rows[1][1:11] == (False, 127, 32767, 2 ** 31 - 1, 2 ** 63 - 1, 255, 65535, 2 ** 32 - 1, 2 ** 64 - 1,
                             _f32(10.1))
    assert rows[1][0] == dt.datetime(2023, 11, 14, 22, 13, 20, 5, tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)
    assert rows[2][1:17] == (None,) * 16 and rows[3][1:17] == (None,) * 16


def test_stmt_query_and_errors(db):
    db.execute("create table t (ts timestamp, v int)")
    db.execute("insert into t values (1700000000000000, 1) (1700000000000001, 2)")
    stmt = db.statement("select v from t where v > ?")
    p = new_bind_params(1)
    p[0].int(1)
    stmt.bind_param(p)
    stmt.execute()
    res = stmt.use_result()
    assert res.fetch_all() == [(2,)]
    stmt.close()
    stmt = db.statement()
    with pytest.raises(taos.error.StatementError) as ei:
        stmt.prepare("insert into no_such_table_q values (?, ?)")
        stmt.set_tbname("no_such_table_q")
        b = new_multi_binds(2)
        b[0].timestamp([1])
        b[1].int([1])
        stmt.bind_param_batch(b)
        stmt.execute()
    assert ei.value.errno < 0
    b = new_multi_binds(1)
    b[0].int(["not an int"])
    stmt2 = db.statement("insert into t values (?, ?)")
    with pytest.raises(taos.error.StatementError):
        stmt2.bind_param_batch([new_multi_binds(1)[0], b[0]])


def test_stmt_datetime_keeps_microseconds(db):
    db.execute("create table t (ts timestamp, v int)")
    when = dt.datetime(2024, 3, 1, 12, 30, 45, 123456)        # naive: local time
    stmt = db.statement("insert into t values (?, ?)")
    b = new_multi_binds(2)
    b[0].timestamp([when], taos.PrecisionEnum.Microseconds)
    b[1].int([1])
    stmt.bind_param_batch(b)
    stmt.execute()
    cur = db.cursor()
    cur.execute("insert into t values (?, ?)", (when + dt.timedelta(seconds=1), 2))
    assert db.query("select ts, v from t order by ts").fetch_all() == [
        (when, 1), (when + dt.timedelta(seconds=1), 2)]


def test_stmt2_bind_param_forms(db):
    db.execute("create stable st (ts timestamp, v int, s varchar(10)) tags (t1 int, t2 varchar(8))")
    db.execute("create table n1 (ts timestamp, v int, s varchar(10))")
    stmt = db.statement2("insert into ? using st tags (?, ?) values (?, ?, ?)")
    assert stmt.is_insert()
    n, fields = stmt.get_fields()
    assert n == 6 and [f.name for f in fields] == ["tbname", "t1", "t2", "ts", "v", "s"]
    stmt.bind_param(["d1", "d2"], [[1, "a"], [2, "b"]],
                    [[[1700000000000000, 1700000000000001], [1, 2], ["x", None]],
                     [[1700000000000002], [3], ["y"]]])
    assert stmt.execute() == 3
    t = BindTable("d3", [3, "c"])
    t.add_col_data([dt.datetime(2024, 1, 1, 0, 0, 0, 654321)])
    t.add_col_data([4])
    t.add_col_data(["z"])
    stmt.bind_param_with_tables([t])
    assert stmt.execute() == 1
    assert stmt.affected_rows == 4
    stmt.close()
    rows = db.query("select tbname, v, s, t1, t2 from st order by ts").fetch_all()
    assert rows == [("d1", 1, "x", 1, "a"), ("d1", 2, None, 1, "a"), ("d2", 3, "y", 2, "b"), ("d3", 4, "z", 3, "c")]
    assert db.query("select ts from d3").fetch_all() == [(dt.datetime(2024, 1, 1, 0, 0, 0, 654321),)]
    # a normal table, no tbnames, with an option
    stmt = db.statement2("insert into n1 values (?, ?, ?)", TaosStmt2Option(reqid=12345))
    stmt.bind_param(None, None, [[[1700000000000000, 1700000000000001], [10, 11], ["p", "q"]]])
    assert stmt.execute() == 2
    with pytest.raises(taos.error.StatementError):
        stmt.bind_param("n1", None, [[[1700000000000005], [1], ["r"]]])
    with pytest.raises(taos.error.StatementError):
        stmt.bind_param(["n1", None], None, [[[1], [1], ["r"]], [[2], [2], ["s"]]])
    with pytest.raises(taos.error.DataTypeAndRangeError):
        stmt.bind_param(None, None, [[[1700000000000009], ["not int"], ["r"]]])
    stmt.close()
    # a query
    q = db.statement2("select v from n1 where v > ? and s = ?")
    assert not q.is_insert()
    q.bind_param(None, None, [[10, "q"]])
    q.execute()
    assert q.result().fetch_all() == [(11,)]
    q.close()
    with pytest.raises(taos.error.StatementError):
        db.statement2().prepare(None)


def test_executemany_super_bind_with_tbname(db):
    db.execute("create stable st (ts timestamp, v int) tags (t1 int)")
    db.execute("create table c1 using st tags (1)")
    db.execute("create table c2 using st tags (2)")
    cur = db.cursor()
    rows = [("c1", 1700000000000000, 1), ("c2", 1700000000000001, 2), ("c1", 1700000000000002, 3)]
    assert cur.executemany("insert into st (tbname, ts, v) values (?, ?, ?)", rows) == 3
    assert db.query("select tbname, v from st order by ts").fetch_all() == [("c1", 1), ("c2", 2), ("c1", 3)]
