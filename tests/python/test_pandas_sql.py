"""pandas over TDengine: read_sql through SQLAlchemy and through raw connections (with
``taoslink.pandas_sql.read_sql`` for nanosecond timestamps), to_sql creating a normal table,
appending, and writing a super table whose ``tbname`` column creates the child tables; inserts
are batched into multi-row INSERTs."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

pd = pytest.importorskip("pandas")
sa = pytest.importorskip("sqlalchemy")
from sqlalchemy import create_engine, inspect  # noqa: E402

import taoslink  # noqa: E402
from taoslink.pandas_sql import read_sql  # noqa: E402
from test_sqlalchemy import KINDS, StatementCounter, sa_url  # noqa: E402

NS_TICKS = [1_700_000_000_000_000_001, 1_700_000_000_500_000_999]


@pytest.fixture(params=["taosrest", "taosws", "taos", "taoslink+ws"])
def kind(request):
    if KINDS[request.param] == "taos":
        request.getfixturevalue("native_lib")
    return request.param


def _make_ns_db(conn, dbname):
    conn.execute("create database %s precision 'ns'" % dbname)
    conn.execute("create table %s.t (ts timestamp, v int)" % dbname)
    conn.execute("insert into %s.t values (%d, 1) (%d, 2)" % ((dbname,) + tuple(NS_TICKS)))


def test_read_sql_through_sqlalchemy_keeps_nanoseconds(server, kind, conn, dbname):
    _make_ns_db(conn, dbname)
    eng = create_engine(sa_url(server, kind, dbname, "timezone=UTC"))
    try:
        df = pd.read_sql("select ts, v from t order by ts", eng)
        df2 = pd.read_sql(sa.text("select ts, v from t where v = :v"), eng, params={"v": 2})
    finally:
        eng.dispose()
    assert str(df["ts"].dtype) == "datetime64[ns, UTC]"
    assert df["ts"].astype("int64").tolist() == NS_TICKS
    assert df["v"].tolist() == [1, 2]
    assert df2["ts"].astype("int64").tolist() == NS_TICKS[1:]


def test_read_sql_through_sqlalchemy_naive_local(server, conn, dbname):
    conn.execute("create database %s" % dbname)
    conn.execute("create table %s.t (ts timestamp, v double)" % dbname)
    conn.execute("insert into %s.t values ('2024-01-01T00:00:00.250Z', 1.5)" % dbname)
    eng = create_engine(sa_url(server, "taosrest", dbname))
    try:
        df = pd.read_sql("select * from t", eng)
    finally:
        eng.dispose()
    assert df["ts"].dtype.kind == "M" and df["ts"].dt.tz is None
    expect = dt.datetime(2024, 1, 1, 0, 0, 0, 250000, tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)
    assert df["ts"][0].to_pydatetime() == expect and df["v"][0] == 1.5


def test_read_sql_through_raw_connections(server, conn, dbname, native_lib):
    import taos
    import taosrest
    import taosws

    _make_ns_db(conn, dbname)
    ws_url = server.url.replace("http://", "ws://", 1)
    raw = [
        taoslink.connect(server.url + "/" + dbname),
        taosws.connect(ws_url + "/" + dbname),
        taos.connect(host=server.host, port=server.port, user=server.user, password=server.password,
                     database=dbname),
    ]
    try:
        for c in raw:
            # pandas itself: the driver's values, as taospy returns them (int ns)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "only supports SQLAlchemy connectable"
                plain = pd.read_sql("select ts, v from t order by ts", c)
            assert plain["ts"].tolist() == NS_TICKS
            # the helper: datetime64[ns, UTC], exact
            df = read_sql("select ts, v from t order by ts", c)
            assert str(df["ts"].dtype) == "datetime64[ns, UTC]", type(c)
            assert df["ts"].astype("int64").tolist() == NS_TICKS
            assert df["v"].tolist() == [1, 2]
        # taosrest (taospy's REST API) returns datetimes (microseconds): still datetime64
        rc = taosrest.connect(url=server.base, user=server.user, password=server.password, database=dbname)
        df = read_sql("select ts from t order by ts", rc)
        assert df["ts"].dtype.kind == "M"
        local = [dt.datetime.fromtimestamp(t // 10**9) + dt.timedelta(microseconds=t % 10**9 // 1000)
                 for t in NS_TICKS]  # taospy's REST values: naive local time, microseconds
        assert list(df["ts"].dt.to_pydatetime()) == local
    finally:
        for c in raw:
            c.close()
    # qmark parameters through the helper, and the helper on an engine
    with taoslink.connect(server.url + "/" + dbname) as c:
        assert read_sql("select v from t where v > ?", c, params=(1,))["v"].tolist() == [2]
    eng = create_engine(sa_url(server, "taosrest", dbname))
    try:
        assert read_sql("select v from t order by ts", eng)["v"].tolist() == [1, 2]
    finally:
        eng.dispose()


def test_to_sql_creates_a_normal_table_and_appends(server, kind, conn, dbname, monkeypatch):
    conn.execute("create database %s" % dbname)
    eng = create_engine(sa_url(server, kind, dbname))
    n = 3000
    df = pd.DataFrame({
        "ts": pd.date_range("2024-01-01", periods=n, freq="s"),
        "v": range(n),
        "x": [i / 8 for i in range(n)],
        "name": ["n%d" % (i % 7) for i in range(n)],
        "ok": [i % 2 == 0 for i in range(n)],
    })
    try:
        counter = StatementCounter(monkeypatch)
        df.to_sql("readings", eng, index=False)
        inserts = [s for s in counter.sql if s.lstrip().upper().startswith("INSERT")]
        assert 1 <= len(inserts) <= 3, "to_sql must send multi-row INSERTs, not one per row"
        insp = inspect(eng)
        assert insp.has_table("readings")
        types = {c["name"]: str(c["type"]) for c in insp.get_columns("readings")}
        assert types == {"ts": "TIMESTAMP", "v": "BIGINT", "x": "DOUBLE", "name": "VARCHAR(255)", "ok": "BOOL"}
        more = df.iloc[:10].assign(ts=df["ts"].iloc[:10] + pd.Timedelta(days=1))
        assert more.to_sql("readings", eng, index=False, if_exists="append") == 10
        with pytest.raises(ValueError, match="already exists"):
            df.to_sql("readings", eng, index=False)
        back = pd.read_sql("select * from readings order by ts", eng)
        assert len(back) == n + 10
        pd.testing.assert_frame_equal(back.iloc[:n].reset_index(drop=True), df, check_dtype=False)
        assert back["ts"].dtype.kind == "M"
        # a DataFrame whose first column is not a timestamp is refused with the reason
        with pytest.raises(sa.exc.CompileError, match="TIMESTAMP first column"):
            df[["v", "ts"]].to_sql("bad", eng)
        # a datetime index works as the first column
        df.set_index("ts").to_sql("indexed", eng, if_exists="replace")
        assert pd.read_sql("select count(*) as c from indexed", eng)["c"][0] == n
    finally:
        eng.dispose()


def test_to_sql_super_table_with_tbname_creates_child_tables(server, kind, conn, dbname, monkeypatch):
    conn.execute("create database %s" % dbname)
    conn.execute("create stable %s.meters (ts timestamp, current float, voltage int) "
                 "tags (location varchar(32), groupid int)" % dbname)
    conn.execute("create table %s.d0 using %s.meters tags ('existing', 9)" % (dbname, dbname))
    eng = create_engine(sa_url(server, kind, dbname))
    rows = []
    for k, (name, loc, grp) in enumerate([("d0", "ignored", 0), ("d1", "SF", 1), ("d2", "LA", 2)]):
        for i in range(4):
            rows.append({"tbname": name, "ts": pd.Timestamp("2024-01-01") + pd.Timedelta(seconds=i),
                         "current": 1.5 + k, "voltage": 200 + i, "location": loc, "groupid": grp})
    df = pd.DataFrame(rows)
    try:
        counter = StatementCounter(monkeypatch)
        assert df.to_sql("meters", eng, index=False, if_exists="append") == 12
        assert len([s for s in counter.sql if s.lstrip().upper().startswith("INSERT")]) == 1
        insp = inspect(eng)
        assert sorted(insp.get_child_table_names()) == ["d0", "d1", "d2"]
        back = pd.read_sql("select tbname, location, groupid, voltage from meters", eng)
        counts = back.groupby(["tbname", "location", "groupid"]).size().reset_index()
        got = [tuple(r) for r in counts.itertuples(index=False)]
        # an existing child keeps its tags; new ones get the row's tags
        assert got == [("d0", "existing", 9, 4), ("d1", "SF", 1, 4), ("d2", "LA", 2, 4)]
    finally:
        eng.dispose()
