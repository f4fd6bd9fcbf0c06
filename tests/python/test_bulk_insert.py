"""taoslink.bulk.insert(): a DataFrame, an Arrow table or a dict of numpy arrays written through the
statement API (ws://, taos://) or client-side INSERTs (http://), read back and compared."""

from __future__ import annotations

import datetime as dt
import os
import sys
import warnings

import pytest

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

import taoslink  # noqa: E402
import taoslink.bulk  # noqa: E402

BASE = 1700000000000


@pytest.fixture(params=["http", "ws", "taos"])
def conn(request, server):
    if request.param == "taos":
        request.getfixturevalue("native_lib")
        port = server.port if server.is_sim else int(os.environ.get("TAOSLINK_TEST_TAOS_PORT", "6030"))
        dsn = "taos://%s:%s@%s:%d" % (server.user, server.password, server.host, port)
    else:
        dsn = "%s://%s:%s@%s:%d" % (request.param, server.user, server.password, server.host, server.port)
    with taoslink.connect(dsn) as c:
        yield c


def _table(conn, db, precision="ms"):
    conn.execute("create database %s precision '%s'" % (db, precision))
    conn.execute("create table %s.t (ts timestamp, i int, u bigint unsigned, f double, b bool, s varchar(20), "
                 "n nchar(10))" % db)


def _read(conn, sql):
    cur = conn.cursor()
    cur.execute(sql)
    return cur.fetchall()


@pytest.mark.parametrize("precision", ["ms", "us", "ns"])
def test_dataframe_with_nulls_round_trips(conn, dbname, precision):
    _table(conn, dbname, precision)
    ts = pd.to_datetime([BASE + i for i in range(5)], unit="ms", utc=True)
    df = pd.DataFrame({
        "ts": ts,
        "i": pd.array([1, None, 3, -4, 2147483647], dtype="Int32"),
        "u": np.array([0, 1, 2, 3, 18446744073709551615], dtype="uint64"),
        "f": [0.5, float("nan"), 2.5, -1e300, 4.0],
        "b": pd.array([True, False, None, True, False], dtype="boolean"),
        "s": ["a", None, "c'q", "", "e"],
        "n": ["\u00e9", "\u4e16", None, "x", "y"],
    })
    assert taoslink.bulk.insert(conn, "%s.t" % dbname, df) == 5
    rows = _read(conn, "select * from %s.t order by ts" % dbname)
    assert len(rows) == 5
    assert [r[1] for r in rows] == [1, None, 3, -4, 2147483647]
    assert [r[2] for r in rows] == [0, 1, 2, 3, 18446744073709551615]
    assert [r[3] for r in rows] == [0.5, None, 2.5, -1e300, 4.0]
    assert [r[4] for r in rows] == [True, False, None, True, False]
    assert [r[5] for r in rows] == ["a", None, "c'q", "", "e"]
    assert [r[6] for r in rows] == ["\u00e9", "\u4e16", None, "x", "y"]
    back = conn.cursor()
    back.execute("select ts from %s.t order by ts" % dbname)
    got = back.fetchnumpy()["ts"].astype("datetime64[ms]").astype("int64").tolist()
    assert got == [BASE + i for i in range(5)]


def test_arrow_table_into_child_tables_with_tags(conn, dbname):
    conn.execute("create database %s" % dbname)
    conn.execute("create stable %s.st (ts timestamp, v double) tags (loc varchar(20), gid int)" % dbname)
    n = 9000
    dev = np.array(["d%d" % (i % 3) for i in range(n)], dtype=object)
    table = pa.table({
        "ts": pa.array(np.arange(n, dtype="int64") // 3 + BASE, type=pa.timestamp("ms")),
        "v": pa.array([None if i % 11 == 0 else i * 0.25 for i in range(n)], type=pa.float64()),
        "device": pa.array(dev.tolist()),
        "loc": pa.array(["room-%d" % (i % 3) for i in range(n)]),
        "gid": pa.array([i % 3 for i in range(n)], type=pa.int32()),
    })
    written = taoslink.bulk.insert(conn, "%s.st" % dbname, table, tbname="device", tags=["loc", "gid"],
                                   batch_rows=2000)
    assert written == n
    counts = {}
    for d in ("d0", "d1", "d2"):
        rows = _read(conn, "select loc, gid, v from %s.%s" % (dbname, d))
        counts[d] = (rows[0][0], rows[0][1], len(rows), sum(1 for r in rows if r[2] is None))
    assert counts == {"d%d" % k: ("room-%d" % k, k, 3000, len([i for i in range(k, n, 3) if i % 11 == 0]))
                      for k in range(3)}


def test_dict_of_numpy_arrays_in_many_batches(conn, dbname):
    _table(conn, dbname)
    n = 12_345
    values = np.ma.MaskedArray(np.arange(n, dtype="int32"), mask=np.arange(n) % 4 == 0)
    data = {"ts": np.arange(BASE, BASE + n, dtype="int64").astype("datetime64[ms]"), "i": values,
            "f": np.linspace(0, 1, n)}
    assert taoslink.bulk.insert(conn, "%s.t" % dbname, data, batch_rows=5000) == n
    cur = conn.cursor()
    cur.execute("select i, f, s from %s.t order by ts" % dbname)
    cols = cur.fetchnumpy()
    assert cols["i"].mask.tolist() == (np.arange(n) % 4 == 0).tolist()
    assert cols["i"].compressed().tolist() == [i for i in range(n) if i % 4]
    assert np.allclose(cols["f"], np.linspace(0, 1, n))
    assert cols["s"].mask.all()  # a table column the data does not name is NULL


def test_progress_bar_and_missing_tqdm(conn, dbname, capsys, monkeypatch):
    pytest.importorskip("tqdm")
    _table(conn, dbname)
    data = {"ts": np.arange(BASE, BASE + 100, dtype="int64").astype("datetime64[ms]"),
            "i": np.arange(100, dtype="int32")}
    taoslink.bulk.insert(conn, "%s.t" % dbname, data, batch_rows=30, progress=True)
    err = capsys.readouterr().err
    assert "100/100" in err
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    data["ts"] = data["ts"] + np.timedelta64(1000, "ms")
    with pytest.warns(RuntimeWarning, match="tqdm"):
        assert taoslink.bulk.insert(conn, "%s.t" % dbname, data, progress=True) == 100
    assert _read(conn, "select count(*) from %s.t" % dbname)[0][0] == 200


def test_bad_input_is_a_clear_error(conn, dbname):
    _table(conn, dbname)
    ts = np.arange(BASE, BASE + 2, dtype="int64").astype("datetime64[ms]")
    with pytest.raises(taoslink.ProgrammingError, match="no column 'nope'"):
        taoslink.bulk.insert(conn, "%s.t" % dbname, {"ts": ts, "nope": [1, 2]})
    with pytest.raises(taoslink.ProgrammingError, match="different lengths"):
        taoslink.bulk.insert(conn, "%s.t" % dbname, {"ts": ts, "i": [1, 2, 3]})
    with pytest.raises(taoslink.ProgrammingError, match="takes a pandas DataFrame"):
        taoslink.bulk.insert(conn, "%s.t" % dbname, [(1, 2)])
    with pytest.raises(taoslink.DatabaseError):
        taoslink.bulk.insert(conn, "%s.nosuch" % dbname, {"ts": ts})
    with pytest.raises((taoslink.ProgrammingError, taoslink.DatabaseError)):
        taoslink.bulk.insert(conn, "%s.t" % dbname, {"ts": ts, "i": ["x", "y"]})
    assert _read(conn, "select count(*) from %s.t" % dbname)[0][0] == 0


def test_datetimes_beyond_the_tables_precision_are_refused(conn, dbname):
    # numpy wraps a datetime64[us] of year 9999 around when it is made nanoseconds; pandas 3 and
    # Arrow keep microsecond timestamps, so such a value reaches an ns table's insert as it is.
    _table(conn, dbname, "ns")
    ts = np.array(["2024-01-01T00:00:00", "9999-01-01T00:00:00"], dtype="datetime64[us]")
    frame = pd.DataFrame({"ts": ts, "i": [1, 2]})
    for data in (frame, pa.Table.from_pandas(frame, preserve_index=False), {"ts": ts, "i": np.array([1, 2])}):
        with pytest.raises(taoslink.ProgrammingError, match=r"ts \(TIMESTAMP\), row 1: 9999-01-01.* out of range"):
            taoslink.bulk.insert(conn, "%s.t" % dbname, data)
    assert _read(conn, "select count(*) from %s.t" % dbname)[0][0] == 0
    taoslink.bulk.insert(conn, "%s.t" % dbname, {"ts": ts[:1], "i": np.array([1])})  # the same unit, in range
    assert _read(conn, "select ts from %s.t" % dbname)[0][0] == 1704067200000000000
