"""Columnar fetches (taoslink.columnar): fetchnumpy(), fetch_df(), fetch_arrow(),
fetch_record_batches() and __arrow_c_stream__ over http://, ws:// and taos:// (the fake libtaos),
checked value by value against the row path (fetchall) of the same query."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal

import pytest

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

import taoslink  # noqa: E402

from alltypes import COLUMNS, TYPE_CODES, create_all_types  # noqa: E402
from child_env import child_env, release_freed_memory  # noqa: E402

UTC = dt.timezone.utc
PER_SECOND = {"ms": 1000, "us": 1000_000, "ns": 1000_000_000}
ARROW_TYPES = {
    1: pa.bool_(), 2: pa.int8(), 3: pa.int16(), 4: pa.int32(), 5: pa.int64(), 11: pa.uint8(), 12: pa.uint16(),
    13: pa.uint32(), 14: pa.uint64(), 6: pa.float32(), 7: pa.float64(), 8: pa.string(), 10: pa.string(),
    15: pa.string(), 16: pa.binary(), 20: pa.binary(),
}
NUMPY_DTYPES = {1: "bool", 2: "int8", 3: "int16", 4: "int32", 5: "int64", 11: "uint8", 12: "uint16",
                13: "uint32", 14: "uint64", 6: "float32", 7: "float64"}


@pytest.fixture(params=["http", "ws", "taos"])
def dsn(request, server):
    if request.param == "taos":
        request.getfixturevalue("native_lib")
        port = server.port if server.is_sim else int(os.environ.get("TAOSLINK_TEST_TAOS_PORT", "6030"))
        return "taos://%s:%s@%s:%d" % (server.user, server.password, server.host, port)
    return "%s://%s:%s@%s:%d" % (request.param, server.user, server.password, server.host, server.port)


@pytest.fixture
def cur(dsn):
    with taoslink.connect(dsn) as c:
        with c.cursor() as cu:
            yield cu


def ticks(v, precision):
    """A row-path TIMESTAMP (aware datetime, or int ticks for ns) as int ticks."""
    if isinstance(v, int):
        return v
    delta = v - dt.datetime(1970, 1, 1, tzinfo=UTC)
    us = (delta.days * 86400 + delta.seconds) * 1000_000 + delta.microseconds
    return us * PER_SECOND[precision] // 1000_000


def same_value(code, row_value, col_value, precision):
    """Whether a columnar value equals the row path's value for the same cell."""
    if code == 9:
        return ticks(row_value, precision) == int(col_value)
    if code == 6:  # FLOAT: the row path shows the shortest float32 decimal
        return np.float32(row_value) == np.float32(col_value)
    if code in NUMPY_DTYPES:
        return row_value == col_value.item() if hasattr(col_value, "item") else row_value == col_value
    return row_value == col_value


@pytest.mark.parametrize("precision", ["ms", "us", "ns"])
def test_numpy_equals_rows_for_every_type(cur, dbname, precision):
    create_all_types(cur, dbname, precision)
    cur.execute("select * from %s.st" % dbname)
    rows = cur.fetchall()
    cur.execute("select * from %s.st" % dbname)
    cols = cur.fetchnumpy()
    assert list(cols) == [c for c, _ in COLUMNS] + ["t_json"]
    assert cur.rowcount == len(rows) == 4
    for i, (name, arr) in enumerate(cols.items()):
        code = cur.description[i][1]
        assert len(arr) == len(rows)
        if code in NUMPY_DTYPES:
            assert arr.dtype == np.dtype(NUMPY_DTYPES[code]), name
        elif code == 9:
            assert arr.dtype == np.dtype("datetime64[%s]" % precision)
        else:
            assert arr.dtype == object, name
        mask = np.ma.getmaskarray(arr)
        assert isinstance(arr, np.ma.MaskedArray) == bool(mask.any())
        data = np.ma.getdata(arr)
        for r, row in enumerate(rows):
            assert mask[r] == (row[i] is None), (name, r)
            if row[i] is not None:
                v = data[r].astype("int64") if code == 9 else data[r]
                assert same_value(code, row[i], v, precision), (name, r, row[i], data[r])
    # NULL slots hold NaN / NaT / 0 / None, never garbage.
    assert np.isnan(np.ma.getdata(cols["c_d"])[1]) and not np.isnat(np.ma.getdata(cols["ts"])).any()
    assert np.ma.getdata(cols["c_int"])[1] == 0 and np.ma.getdata(cols["c_vc"])[1] is None


@pytest.mark.parametrize("precision", ["ms", "us", "ns"])
def test_arrow_schema_and_values_equal_rows(cur, dbname, precision):
    create_all_types(cur, dbname, precision)
    cur.execute("select * from %s.st" % dbname)
    rows = cur.fetchall()
    cur.execute("select * from %s.st" % dbname)
    table = cur.fetch_arrow()
    assert isinstance(table, pa.Table) and table.num_rows == 4
    expected = dict(ARROW_TYPES)
    expected[9] = pa.timestamp(precision, tz="UTC")
    # taosc reports no DECIMAL precision: the widest its storage holds (38, 18) is assumed.
    known = cur.description[16][4] != 0
    expected[17] = pa.decimal128(20 if known else 38, 4)
    expected[21] = pa.decimal128(10 if known else 18, 2)
    for i, field in enumerate(table.schema):
        code = cur.description[i][1]
        assert field.type == expected[code], field
        assert field.nullable
        col = table.column(i)
        if code == 9:
            values = col.cast(pa.int64()).to_pylist()
        else:
            values = col.to_pylist()
        for r, row in enumerate(rows):
            if row[i] is None:
                assert values[r] is None, (field.name, r)
            else:
                assert same_value(code, row[i], values[r], precision), (field.name, r, row[i], values[r])
    assert table.column("c_int").null_count == 1
    # From row 1 on (the block's bitmaps and bools read from an unaligned row).
    cur.execute("select * from %s.st" % dbname)
    cur.fetchone()
    rest = cur.fetch_arrow()
    assert rest.to_pylist() == table.slice(1).to_pylist()
    assert rest.column("c_int").null_count == 1


def test_dataframe_types_and_values(cur, dbname):
    create_all_types(cur, dbname, "us")
    cur.execute("select * from %s.st" % dbname)
    rows = cur.fetchall()
    cur.execute("select * from %s.st" % dbname)
    df = cur.fetch_df()
    assert list(df.columns) == [c for c, _ in COLUMNS] + ["t_json"]
    assert str(df["ts"].dtype) == "datetime64[us, UTC]"
    assert str(df["c_int"].dtype) == "Int32" and str(df["c_ubi"].dtype) == "UInt64"
    assert str(df["c_bool"].dtype) == "boolean"
    assert df["c_d"].dtype == np.float64 and np.isnan(df["c_d"][1])
    assert df["c_int"].isna().tolist() == [False, True, False, False]
    assert df["ts"][0] == pd.Timestamp(rows[0][0])
    assert df["c_ubi"][2] == 18446744073709551615
    assert df["c_dec"][0] == Decimal("12345.6789") and df["c_vb"][0] == b"\xde\xad\xbe\xef"
    assert df["c_nc"][0] == rows[0][13]
    # Without text columns the DataFrame is built through numpy: the same dtypes and values.
    numeric = "ts, c_bool, c_int, c_ubi, c_d"
    cur.execute("select %s from %s.st" % (numeric, dbname))
    by_numpy = cur.fetch_df()
    assert by_numpy.dtypes.to_dict() == df[by_numpy.columns].dtypes.to_dict()
    assert by_numpy.equals(df[by_numpy.columns])
    cur.execute("select ts from %s.st" % dbname)
    naive = cur.fetch_df(tz=None)
    assert str(naive["ts"].dtype) == "datetime64[us]"
    cur.execute("select ts from %s.st" % dbname)
    tokyo = cur.fetch_df(tz="Asia/Tokyo")
    assert tokyo["ts"][0].hour == (rows[0][0].hour + 9) % 24
    cur.execute("select ts, c_vc from %s.st" % dbname)  # through Arrow
    assert str(cur.fetch_df(tz=None)["ts"].dtype) == "datetime64[us]"
    cur.execute("select ts, c_vc from %s.st" % dbname)
    assert cur.fetch_df(tz="Asia/Tokyo")["ts"][0].hour == (rows[0][0].hour + 9) % 24


def test_no_nulls_gives_plain_arrays_and_dtypes(cur, dbname):
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.t (ts timestamp, v int, b bool)" % dbname)
    cur.execute("insert into %s.t values (1700000000000, 1, true) (1700000000001, 2, false)" % dbname)
    cur.execute("select v, b from %s.t" % dbname)
    cols = cur.fetchnumpy()
    assert type(cols["v"]) is np.ndarray and cols["v"].tolist() == [1, 2]
    assert type(cols["b"]) is np.ndarray and cols["b"].tolist() == [True, False]
    cur.execute("select v, b from %s.t" % dbname)
    df = cur.fetch_df()
    assert df["v"].dtype == np.int32 and df["b"].dtype == np.bool_


def _many_rows(cur, db, n):
    cur.execute("create database %s" % db)
    cur.execute("create table %s.t (ts timestamp, v bigint, f double, s varchar(16))" % db)
    base = 1700000000000
    cur.executemany("insert into %s.t values (?, ?, ?, ?)" % db,
                    [(base + i, i, None if i % 7 == 0 else i / 2, None if i % 5 == 0 else "s%d" % i)
                     for i in range(n)])


def test_multi_block_results_and_buffered_rows(cur, dbname):
    n = 10_000  # > 2 blocks of 4096 rows on ws:// and taos://
    _many_rows(cur, dbname, n)
    sql = "select * from %s.t order by ts" % dbname
    cur.execute(sql)
    rows = cur.fetchall()
    assert len(rows) == n

    # fetchone() buffers the first block in Python; the rest must follow without loss or repeat.
    cur.execute(sql)
    first = [cur.fetchone() for _ in range(3)]
    cols = cur.fetchnumpy()
    assert [r[1] for r in first] == [0, 1, 2]
    assert cols["v"].tolist() == list(range(3, n))
    assert cur.rowcount == n and cur.fetchone() is None

    cur.execute(sql)
    head = cur.fetchmany(4100)
    table = cur.fetch_arrow()
    assert [r[1] for r in head] + table.column("v").to_pylist() == list(range(n))
    assert cur.rowcount == n
    assert table.column("s").to_pylist() == [r[3] for r in rows[4100:]]
    assert table.column("f").null_count == sum(1 for r in rows[4100:] if r[2] is None)

    cur.execute(sql)
    cur.fetchone()
    df = cur.fetch_df()
    assert len(df) == n - 1 and df["v"].iloc[0] == 1 and df["v"].iloc[-1] == n - 1
    assert df["f"].isna().sum() == sum(1 for r in rows[1:] if r[2] is None)

    cur.execute(sql)
    reader = cur.fetch_record_batches()
    got = 0
    for batch in reader:
        assert batch.schema.field("ts").type == pa.timestamp("ms", tz="UTC")
        got += batch.num_rows
    assert got == n


def test_empty_results_keep_their_schema(cur, dsn, dbname):
    # REST sends no precision with an empty result (its timestamps are text): ms is assumed.
    unit = "ms" if dsn.startswith("http") else "ns"
    cur.execute("create database %s precision 'ns'" % dbname)
    cur.execute("create table %s.t (ts timestamp, v int, s nchar(4))" % dbname)
    cur.execute("select * from %s.t" % dbname)
    cols = cur.fetchnumpy()
    assert cols["v"].dtype == np.int32 and len(cols["v"]) == 0
    assert cols["ts"].dtype == np.dtype("datetime64[%s]" % unit)
    cur.execute("select * from %s.t" % dbname)
    table = cur.fetch_arrow()
    assert table.num_rows == 0
    assert table.schema.types == [pa.timestamp(unit, tz="UTC"), pa.int32(), pa.string()]
    cur.execute("select * from %s.t" % dbname)
    assert len(cur.fetch_df()) == 0
    # A second columnar fetch of an exhausted result is empty too.
    assert len(cur.fetchnumpy()["v"]) == 0


def test_pycapsule_stream_is_read_by_pyarrow(cur, dbname):
    _many_rows(cur, dbname, 5000)
    cur.execute("select v from %s.t" % dbname)
    table = pa.table(cur)  # pyarrow reads __arrow_c_stream__
    assert sorted(table.column("v").to_pylist()) == list(range(5000))
    with pytest.raises(taoslink.ProgrammingError):
        taoslink.connect  # the cursor still works for new statements
        cur.execute("select nope from %s.t" % dbname)


def test_no_result_set_is_an_error(cur, dbname):
    cur.execute("create database %s" % dbname)
    with pytest.raises(taoslink.ProgrammingError):
        cur.fetchnumpy()
    with pytest.raises(taoslink.ProgrammingError):
        cur.fetch_arrow()


def _rss_kib():
    release_freed_memory()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def test_arrow_and_numpy_buffers_are_released(cur, dbname):
    _many_rows(cur, dbname, 20_000)
    sql = "select * from %s.t" % dbname

    def one_round():
        cur.execute(sql)
        t = cur.fetch_arrow()
        assert t.num_rows == 20_000
        cur.execute(sql)
        assert len(cur.fetchnumpy()["v"]) == 20_000
        cur.execute(sql)
        reader = cur.fetch_record_batches()
        next(iter(reader))  # a stream dropped half read releases the rest
        del reader

    for _ in range(3):
        one_round()
    before = _rss_kib()
    for _ in range(15):
        one_round()
    # Each round converts about 1.5 MB of columns; a leak of one round's buffers would show.
    assert _rss_kib() - before < 12 * 1024
    assert pa.total_allocated_bytes() == 0


ROOT = os.path.dirname(os.path.abspath(__file__))

BLOCKED_IMPORT = r"""
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
import taoslink, taoslink.bulk
conn = taoslink.connect(sys.argv[1])
cur = conn.cursor()
for method in ("fetch_arrow", "fetch_df", "fetchnumpy", "fetch_record_batches"):
    cur.execute("select server_version()")
    try:
        getattr(cur, method)()
    except taoslink.InterfaceError as e:
        print(method, "InterfaceError", e)
    else:
        print(method, "worked")
"""


@pytest.mark.parametrize("blocked", [("pyarrow",), ("pandas",), ("numpy", "pandas", "pyarrow")])
def test_import_without_optional_packages(server, blocked):
    code = "BLOCKED = %r\n" % (set(blocked),) + BLOCKED_IMPORT
    out = subprocess.run([sys.executable, "-c", code, server.url], capture_output=True, text=True, timeout=60,
                         env=child_env())
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.strip().splitlines())
    need = {"fetch_arrow": "pyarrow", "fetch_record_batches": "pyarrow", "fetch_df": "pandas",
            "fetchnumpy": "numpy"}
    for method, package in need.items():
        missing = package in blocked or (method == "fetch_df" and "numpy" in blocked)
        if missing:
            assert lines[method].startswith("InterfaceError"), (method, lines[method])
            assert "pip install" in lines[method]
        else:
            assert lines[method] == "worked", (method, lines[method])


@pytest.mark.parametrize("method", ["fetch_arrow", "fetchnumpy", "fetch_df"])
def test_link_dropped_mid_result_is_a_typed_error(sim, dbname, method):
    dsn = "ws://%s:%s@%s:%d" % (sim.user, sim.password, sim.host, sim.port)
    with taoslink.connect(dsn) as c, c.cursor() as cu:
        _many_rows(cu, dbname, 10_000)
        cu.execute("select * from %s.t" % dbname)
        sim.fault(kind="ws_close", path="/ws", action="fetch_raw_block", after_messages=1)
        with pytest.raises(taoslink.ConnectionError) as ei:
            getattr(cu, method)()
        assert ei.value.errno == 0x0018, ei.value  # BrokenLink, through pyarrow's stream too
        cu.execute("select count(*) from %s.t" % dbname)  # the connection reconnects
        assert cu.fetchone()[0] == 10_000
