"""The SQLAlchemy dialects (taosrest://, taosws://, taos://, taoslink+<scheme>://) against the
simulator: connect, bound parameters, DDL from Table objects, reflection, batching of
executemany, nanosecond timestamps, the pool, errors, and REST/WS without libtaos."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import threading
import urllib.parse
from decimal import Decimal

import pytest

sa = pytest.importorskip("sqlalchemy")
from sqlalchemy import Column, MetaData, Table, create_engine, inspect, select, text  # noqa: E402

import taoslink  # noqa: E402
import taoslink.cursor  # noqa: E402
from taoslink import sqlalchemy as tsa  # noqa: E402
from child_env import child_env  # noqa: E402

#: dialect URL scheme -> the taoslink transport it should use
KINDS = {
    "taosrest": "http",
    "taosws": "ws",
    "taos": "taos",
    "taoslink+http": "http",
    "taoslink+ws": "ws",
    "taoslink+taos": "taos",
}


def sa_url(server, kind: str, db: str = "", query: str = "") -> str:
    user = urllib.parse.quote(server.user, safe="")
    pw = urllib.parse.quote(server.password, safe="")
    port = server.port
    if KINDS[kind] == "taos" and not server.is_sim:
        port = int(os.environ.get("TAOSLINK_TEST_TAOS_PORT", "6030"))
    url = "%s://%s:%s@%s:%d" % (kind, user, pw, server.host, port)
    if db:
        url += "/" + db
    return url + ("?" + query if query else "")


@pytest.fixture(params=list(KINDS))
def kind(request):
    if KINDS[request.param] == "taos":
        request.getfixturevalue("native_lib")
    return request.param


@pytest.fixture
def db(conn, dbname):
    conn.execute("create database %s" % dbname)
    return dbname


@pytest.fixture
def engine(server, kind, db):
    eng = create_engine(sa_url(server, kind, db))
    yield eng
    eng.dispose()


class StatementCounter:
    """Counts the statements taoslink cursors send (executemany batches included): SQL texts,
    and INSERTs bound server-side (ws://, taos://), each counted once with its prepared text."""

    def __init__(self, monkeypatch):
        import taoslink.insert_binding

        self.sql = []
        self.bound = []
        real = taoslink.cursor.Cursor._run
        real_bind = taoslink.insert_binding.InsertBinder.run

        def run(cur, sql, req_id):
            self.sql.append(sql)
            return real(cur, sql, req_id)

        def bind(binder, sql, seq):
            affected = real_bind(binder, sql, seq)
            if affected is not None:
                self.sql.append(sql)
                self.bound.append(sql)
            return affected

        monkeypatch.setattr(taoslink.cursor.Cursor, "_run", run)
        monkeypatch.setattr(taoslink.insert_binding.InsertBinder, "run", bind)


# --- dialect selection (no server) ---------------------------------------------------------------

@pytest.mark.parametrize("scheme,cls,dsn", [
    ("taosrest", "TaosRestDialect", "http://root:p%40ss@h:6041/db"),
    ("taosws", "TaosWsDialect", "ws://root:p%40ss@h:6041/db"),
    ("taos", "TaosDialect", "taos://root:p%40ss@h:6041/db"),
    ("taoslink", "TaoslinkHttpDialect", "http://root:p%40ss@h:6041/db"),
    ("taoslink+https", "TaoslinkHttpsDialect", "https://root:p%40ss@h:6041/db"),
    ("taoslink+wss", "TaoslinkWssDialect", "wss://root:p%40ss@h:6041/db"),
])
def test_entry_points_pick_the_transport(scheme, cls, dsn):
    eng = create_engine("%s://root:p%%40ss@h:6041/db" % scheme)
    assert type(eng.dialect).__name__ == cls
    args, kwargs = eng.dialect.create_connect_args(eng.url)
    assert args == [dsn] and kwargs == {}
    assert eng.dialect.loaded_dbapi is taoslink and eng.dialect.paramstyle == "qmark"
    assert "p@ss" not in repr(eng) and "p%40ss" not in repr(eng)


def test_url_parameters_become_dsn_parameters():
    eng = create_engine("taosws://u:p@h1:6041/db?hosts=h1:6041,h2:6042&timeout=5&timezone=UTC")
    args, _ = eng.dialect.create_connect_args(eng.url)
    assert args == ["ws://u:p@h1:6041,h2:6042/db?timeout=5"]
    assert eng.dialect.timestamp_tz is dt.timezone.utc
    with pytest.raises(sa.exc.ArgumentError, match="unknown timezone"):
        e2 = create_engine("taosrest://h/db?timezone=Not/AZone")
        e2.dialect.create_connect_args(e2.url)


def test_drop_in_modules_export_the_dialects():
    import taos.sqlalchemy
    import taosrest.sqlalchemy
    import taosws.sqlalchemy

    assert taos.sqlalchemy.TaosDialect is tsa.TaosDialect
    assert taosrest.sqlalchemy.TaosRestDialect is tsa.TaosRestDialect
    assert taosws.sqlalchemy.TaosWsDialect is tsa.TaosWsDialect


def test_ddl_and_type_names():
    from sqlalchemy.schema import CreateTable, DropTable

    d = tsa.TaosRestDialect()
    md = MetaData()
    stb = Table(
        "meters", md,
        Column("ts", tsa.TIMESTAMP), Column("current", tsa.FLOAT), Column("n", sa.Integer),
        Column("big", sa.BigInteger), Column("u", tsa.BIGINT(unsigned=True)), Column("x", sa.Float(53)),
        Column("s", sa.String(20)), Column("t", sa.Text), Column("w", sa.Unicode(8)), Column("ok", sa.Boolean),
        Column("b", sa.LargeBinary(16)), Column("g", tsa.GEOMETRY(64)), Column("d", sa.Numeric(10, 2)),
        Column("location", tsa.NCHAR(64), info={"tag": True}), Column("groupid", sa.Integer, info={"tag": True}))
    sql = str(CreateTable(stb).compile(dialect=d))
    assert sql == ("CREATE STABLE `meters` (`ts` TIMESTAMP, `current` FLOAT, `n` INT, `big` BIGINT, "
                   "`u` BIGINT UNSIGNED, `x` DOUBLE, `s` VARCHAR(20), `t` VARCHAR(255), `w` NCHAR(8), "
                   "`ok` BOOL, `b` VARBINARY(16), `g` GEOMETRY(64), `d` DECIMAL(10, 2)) "
                   "TAGS (`location` NCHAR(64), `groupid` INT)")
    assert str(DropTable(stb, if_exists=True).compile(dialect=d)) == "DROP STABLE IF EXISTS `meters`"
    bad = Table("bad", md, Column("index", sa.BigInteger), Column("ts", sa.DateTime))
    with pytest.raises(sa.exc.CompileError, match="TIMESTAMP first column"):
        CreateTable(bad).compile(dialect=d)
    nolen = Table("nolen", md, Column("ts", sa.DateTime), Column("d", sa.Numeric()))
    with pytest.raises(sa.exc.CompileError, match="DECIMAL needs a precision"):
        CreateTable(nolen).compile(dialect=d)
    # the key is always indexed (pandas asks for it): nothing is sent; a tag index is TDengine's
    from sqlalchemy.schema import CreateIndex
    assert str(CreateIndex(sa.Index("ix_ts", stb.c.ts)).compile(dialect=d)) == ""
    assert str(CreateIndex(sa.Index("ix_loc", stb.c.location)).compile(dialect=d)) == \
        "CREATE INDEX `ix_loc` ON `meters` (`location`)"
    with pytest.raises(sa.exc.CompileError, match="single tag column"):
        CreateIndex(sa.Index("ix_v", stb.c.n)).compile(dialect=d)
    # tbname is TDengine's pseudo column: never quoted
    ins = sa.table("meters", sa.column("tbname"), sa.column("ts")).insert()
    assert str(ins.compile(dialect=d)) == "INSERT INTO `meters` (tbname, `ts`) VALUES (?, ?)"


def test_types_from_describe():
    f = tsa.types.type_from_describe
    assert isinstance(f("TIMESTAMP", 8), tsa.TIMESTAMP)
    u = f("SMALLINT UNSIGNED", 2)
    assert isinstance(u, tsa.SMALLINT) and u.unsigned
    assert f("VARCHAR", 20).length == 20 and isinstance(f("VARCHAR", 20), tsa.VARCHAR)
    assert isinstance(f("NCHAR", 4), tsa.NCHAR) and isinstance(f("JSON", 4095), tsa.JSON)
    dec = f("DECIMAL(10,2)", 8)
    assert isinstance(dec, tsa.DECIMAL) and (dec.precision, dec.scale) == (10, 2)
    assert isinstance(f("NOT_A_TYPE", 1), sa.types.NullType)
    for name, cls, length in [("BOOL", tsa.BOOL, None), ("TINYINT", tsa.TINYINT, None),
                              ("INT UNSIGNED", tsa.INT, None), ("BIGINT", tsa.BIGINT, None),
                              ("FLOAT", tsa.FLOAT, None), ("DOUBLE", tsa.DOUBLE, None),
                              ("BINARY", tsa.VARCHAR, 16), ("VARBINARY", tsa.VARBINARY, 32),
                              ("GEOMETRY", tsa.GEOMETRY, 100), ("BLOB", tsa.BLOB, None)]:
        t = f(name, length or 8)
        assert type(t) is cls, name
        assert getattr(t, "length", None) == length, name
    # and back: each renders as the TDengine type it was read from
    d = tsa.TaosRestDialect()
    assert [d.type_compiler_instance.process(f(n, 10)) for n in
            ("INT UNSIGNED", "BINARY", "NCHAR", "GEOMETRY", "DECIMAL(20,4)", "JSON", "TIMESTAMP")] == \
        ["INT UNSIGNED", "VARCHAR(10)", "NCHAR(10)", "GEOMETRY(10)", "DECIMAL(20, 4)", "JSON", "TIMESTAMP"]


# --- against the server ---------------------------------------------------------------------------

def test_execute_with_bound_parameters(engine):
    ts = dt.datetime(2024, 3, 1, 12, 0, 0, 123000)
    with engine.connect() as c:
        c.execute(text("create table t (ts timestamp, v int, s varchar(20), d double, ok bool)"))
        n = c.execute(text("insert into t values (:ts, :v, :s, :d, :ok)"),
                      {"ts": ts, "v": 7, "s": "it's; drop", "d": 1.5, "ok": True}).rowcount
        assert n == 1
        c.execute(text("insert into t values (:ts, :v, :s, :d, :ok)"),
                  {"ts": ts + dt.timedelta(seconds=1), "v": 8, "s": None, "d": None, "ok": False})
        c.commit()  # no transactions: a no-op
        rows = c.execute(text("select ts, v, s, d, ok from t where v >= :lo order by ts"), {"lo": 7}).all()
    assert rows[0] == (ts, 7, "it's; drop", 1.5, True)  # naive local time, as taospy's dialects
    assert rows[1] == (ts + dt.timedelta(seconds=1), 8, None, None, False)


def test_table_objects_create_insert_select_drop(engine, kind, monkeypatch):
    md = MetaData()
    t = Table("readings", md, Column("ts", sa.DateTime), Column("v", sa.Integer),
              Column("name", sa.String(16)), Column("x", sa.Float(53)))
    md.create_all(engine)
    base = dt.datetime(2024, 1, 1)
    rows = [{"ts": base + dt.timedelta(seconds=i), "v": i, "name": "n%d" % i, "x": i / 4}
            for i in range(1000)]
    counter = StatementCounter(monkeypatch)
    with engine.connect() as c:
        assert c.execute(t.insert(), rows).rowcount == 1000
    assert len(counter.sql) == 1, "executemany must become one multi-row INSERT here"
    assert len(counter.bound) == (KINDS[kind] != "http"), "bound over ws:// and taos://, literals over REST"
    with engine.connect() as c:
        got = c.execute(select(t.c.ts, t.c.v, t.c.name).where(t.c.v.between(10, 12)).order_by(t.c.ts)).all()
        assert got == [(base + dt.timedelta(seconds=i), i, "n%d" % i) for i in (10, 11, 12)]
        assert c.execute(select(sa.func.count()).select_from(t)).scalar() == 1000
        page = c.execute(select(t.c.v).order_by(t.c.ts).limit(3).offset(5)).scalars().all()
        assert page == [5, 6, 7]
    md.drop_all(engine)
    assert not inspect(engine).has_table("readings")


def test_reflection(engine, db):
    with engine.connect() as c:
        for sql in ("create stable meters (ts timestamp, current float, voltage int, note nchar(10), "
                    "dec decimal(10, 2)) tags (location varchar(64), groupid int)",
                    "create table d1 using meters tags ('SF', 1)",
                    "create table plain (ts timestamp, flag bool, u bigint unsigned, b varbinary(8))"):
            c.execute(text(sql))
    insp = inspect(engine)
    assert isinstance(insp, tsa.TDengineInspector)
    assert db in insp.get_schema_names()
    assert "information_schema" not in insp.get_schema_names()
    assert sorted(insp.get_table_names()) == ["meters", "plain"]  # child tables left out, as taospy
    assert insp.get_table_names(schema=db) == insp.get_table_names()
    assert insp.get_stable_names() == ["meters"]
    assert insp.get_normal_table_names() == ["plain"]
    assert insp.get_child_table_names() == ["d1"]
    assert insp.get_view_names() == []
    for name in ("meters", "plain", "d1"):
        assert insp.has_table(name) and insp.has_table(name, schema=db)
    assert not insp.has_table("d")          # LIKE wildcards do not make false positives
    assert not insp.has_table("d_")
    assert not insp.has_table("plain", schema="no_such_db")
    cols = insp.get_columns("meters")
    assert [c["name"] for c in cols] == ["ts", "current", "voltage", "note", "dec", "location", "groupid"]
    types = [type(c["type"]) for c in cols]
    assert types == [tsa.TIMESTAMP, tsa.FLOAT, tsa.INT, tsa.NCHAR, tsa.DECIMAL, tsa.VARCHAR, tsa.INT]
    assert cols[3]["type"].length == 10 and cols[5]["type"].length == 64
    assert (cols[4]["type"].precision, cols[4]["type"].scale) == (10, 2)
    assert [c.get("info", {}).get("tag", False) for c in cols] == [False] * 5 + [True] * 2
    assert cols[0]["nullable"] is False and cols[1]["nullable"] is True
    assert insp.get_pk_constraint("plain") == {"constrained_columns": ["ts"], "name": None}
    assert insp.get_foreign_keys("plain") == [] and insp.get_indexes("plain") == []
    plain = {c["name"]: c["type"] for c in insp.get_columns("plain", schema=db)}
    assert plain["u"].unsigned and isinstance(plain["b"], tsa.VARBINARY)
    with pytest.raises(sa.exc.NoSuchTableError):
        insp.get_columns("missing")
    child = Table("d1", MetaData(), autoload_with=engine)   # a child table reflects by name
    assert [c.name for c in child.columns] == [c["name"] for c in cols]
    assert [c.name for c in child.columns if tsa.is_tag(c)] == ["location", "groupid"]

    # reflect, then re-create the same schema in another database
    md = MetaData()
    md.reflect(bind=engine)
    assert set(md.tables) == {"meters", "plain"}
    other = db + "_copy"
    with engine.connect() as c:
        c.execute(text("create database " + other))
    try:
        md2 = MetaData(schema=other)
        for t in md.tables.values():
            t.to_metadata(md2, schema=other)
        md2.create_all(engine)
        insp2 = inspect(engine)
        assert insp2.get_stable_names(schema=other) == ["meters"]
        again = insp2.get_columns("meters", schema=other)
        assert [(c["name"], str(c["type"]), "info" in c) for c in again] == \
               [(c["name"], str(c["type"]), "info" in c) for c in cols]
        md2.drop_all(engine)
        assert inspect(engine).get_table_names(schema=other) == []
    finally:
        with engine.connect() as c:
            c.execute(text("drop database if exists " + other))


def test_nanosecond_timestamps(server, kind, dbname, conn):
    pd = pytest.importorskip("pandas")
    conn.execute("create database %s precision 'ns'" % dbname)
    conn.execute("create table %s.t (ts timestamp, v int)" % dbname)
    ticks = 1_700_000_000_123_456_789
    conn.execute("insert into %s.t values (%d, 1)" % (dbname, ticks))
    eng = create_engine(sa_url(server, kind, dbname))
    try:
        with eng.connect() as c:
            v = c.execute(text("select ts from t")).scalar()
            typed = c.execute(select(sa.table("t", sa.column("ts", tsa.TIMESTAMP)).c.ts)).scalar()
        for value in (v, typed):
            assert isinstance(value, pd.Timestamp) and value.nanosecond == 789
            assert value.tzinfo is None
            assert value.tz_localize(dt.datetime.now().astimezone().tzinfo).value == ticks
    finally:
        eng.dispose()
    eng = create_engine(sa_url(server, kind, dbname, "timezone=UTC"))
    try:
        with eng.connect() as c:
            v = c.execute(text("select ts from t")).scalar()
        assert v == pd.Timestamp(ticks, unit="ns", tz="UTC") and v.nanosecond == 789
    finally:
        eng.dispose()


def test_pool_with_threads_and_pre_ping(server, kind, db):
    eng = create_engine(sa_url(server, kind, db), pool_size=3, max_overflow=0, pool_pre_ping=True,
                        pool_timeout=30)
    assert isinstance(eng.pool, sa.pool.QueuePool)
    with eng.connect() as c:
        c.execute(text("create table t (ts timestamp, v int)"))
    errors, seen = [], set()

    def work(k):
        try:
            for i in range(5):
                with eng.connect() as c:
                    seen.add(id(c.connection.dbapi_connection))
                    c.execute(text("insert into t values (:ts, :v)"),
                              {"ts": dt.datetime(2024, 1, 1) + dt.timedelta(seconds=k * 100 + i), "v": k})
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    try:
        assert errors == []
        assert 1 <= len(seen) <= 3  # 8 threads shared at most pool_size connections
        assert eng.pool.checkedout() == 0
        with eng.connect() as c:
            assert c.execute(text("select count(*) from t")).scalar() == 40
    finally:
        eng.dispose()


def test_errors_are_typed(engine):
    with engine.connect() as c:
        with pytest.raises(sa.exc.ProgrammingError) as ei:
            c.execute(text("selec 1"))
        assert isinstance(ei.value.orig, taoslink.ProgrammingError) and ei.value.orig.errno == 0x2600
        with pytest.raises(sa.exc.DBAPIError) as ei:
            c.execute(text("select * from no_such_table"))
        assert ei.value.orig.errno == 0x2603
        # the connection stays usable after an error (no transaction to roll back)
        assert c.execute(text("select 1")).scalar() == 1


def test_rest_and_ws_dialects_never_load_libtaos(server, db):
    child = textwrap.dedent(r"""
        import json, sys
        from sqlalchemy import create_engine, inspect, text
        import taoslink
        out = []
        for url in sys.argv[2:]:
            eng = create_engine(url)
            with eng.connect() as c:
                out.append(c.execute(text("select server_version()")).scalar())
            out.append(sys.argv[1] in inspect(eng).get_schema_names())
            eng.dispose()
        with open("/proc/self/maps") as f:
            libs = sorted({l.split()[-1] for l in f if "libtaos." in l})
        print(json.dumps({"out": out, "plugins": taoslink.loaded_plugins(), "libs": libs,
                          "taos_imported": "taos" in sys.modules}))
    """)
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD", "TAOSLINK_PLUGIN_PATH", "TAOSLINK_LIBTAOS")}
    urls = [sa_url(server, k) for k in ("taosrest", "taosws", "taoslink+http", "taoslink+ws")]
    proc = subprocess.run([sys.executable, "-c", child, db] + urls, env=child_env(env), capture_output=True, text=True,
                          timeout=120, cwd="/")
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(res["out"]) == 8 and all(res["out"])
    assert sorted(res["plugins"]) == ["taos-rest", "taos-ws"]
    assert res["libs"] == [] and res["taos_imported"] is False


def test_decimal_json_and_binary_values(engine):
    with engine.connect() as c:
        c.execute(text("create stable s (ts timestamp, d decimal(10, 2), b varbinary(8)) tags (j json)"))
        c.execute(text("create table s1 using s tags ('{\"k\": 1}')"))
        c.execute(text("insert into s1 values (:ts, :d, :b)"),
                  {"ts": dt.datetime(2024, 1, 1), "d": Decimal("12.34"), "b": b"\x00\x01"})
        md = MetaData()
        s = Table("s", md, autoload_with=c)
        row = c.execute(select(s.c.d, s.c.b, s.c.j)).one()
    assert row.d == Decimal("12.34") and row.b == b"\x00\x01" and row.j == {"k": 1}



def test_official_dialects_reflect_the_same_from_the_simulator(server, db, native_lib):
    """taospy's taosrest and taos-ws-py's taosws dialects (in .venv-taospy) see the same tables
    and columns as ours: the simulator answers their reflection queries as a server does."""
    from pathlib import Path

    py = Path(__file__).resolve().parents[2] / ".venv-taospy" / "bin" / "python"
    if not py.exists():
        pytest.skip("the official clients' venv (.venv-taospy) is not installed: make test creates it")
    with taoslink.connect(server.url) as c:
        c.execute("create stable %s.st (ts timestamp, v int, s nchar(4)) tags (t varchar(8))" % db)
        c.execute("create table %s.c1 using %s.st tags ('a')" % (db, db))
        c.execute("create table %s.n1 (ts timestamp, x double)" % db)
    script = textwrap.dedent(r"""
        import json, sys
        from sqlalchemy import create_engine, inspect
        out = {}
        for url in sys.argv[2:]:
            i = inspect(create_engine(url))
            out[url.split(":")[0]] = {
                "schemas": sys.argv[1] in i.get_schema_names(),
                "tables": sorted(i.get_table_names(sys.argv[1])),
                "has": [i.has_table(n, sys.argv[1]) for n in ("st", "n1", "zz")],
                "cols": [c["name"] for c in i.get_columns("st", sys.argv[1])],
            }
        print(json.dumps(out))
    """)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # their modules, not ours
    env["LD_LIBRARY_PATH"] = str(native_lib.parent)  # taospy's dialects import taos (libtaos)
    urls = [sa_url(server, k) for k in ("taosrest", "taosws")]
    proc = subprocess.run([str(py), "-c", script, db] + urls, env=child_env(env), capture_output=True, text=True,
                          timeout=120, cwd="/")
    assert proc.returncode == 0, proc.stderr[-3000:]
    official = json.loads(proc.stdout.strip().splitlines()[-1])
    eng = create_engine(sa_url(server, "taosrest"))
    try:
        insp = inspect(eng)
        ours = {"schemas": db in insp.get_schema_names(), "tables": sorted(insp.get_table_names(db)),
                "has": [insp.has_table(n, db) for n in ("st", "n1", "zz")],
                "cols": [c["name"] for c in insp.get_columns("st", db)]}
    finally:
        eng.dispose()
    assert ours == {"schemas": True, "tables": ["n1", "st"], "has": [True, True, False],
                    "cols": ["ts", "v", "s", "t"]}
    assert official == {"taosrest": ours, "taosws": ours}


def test_disconnects_are_recognised():
    d = tsa.TaosWsDialect()
    d.loaded_dbapi = taoslink
    assert d.is_disconnect(taoslink.ConnectionError("broken link", 0x0018), None, None)
    assert d.is_disconnect(taoslink.InterfaceError("the connection is closed", 0xFFFF), None, None)
    assert not d.is_disconnect(taoslink.ProgrammingError("syntax error", 0x2600), None, None)
    assert not d.is_disconnect(taoslink.ConnectionError("Authentication failure", 0x0357), None, None)


@pytest.mark.parametrize("kind_", ["taosrest", "taosws"])
def test_pool_recovers_after_the_server_drops_connections(sim, db, kind_):
    eng = create_engine(sa_url(sim, kind_, db), pool_size=1, max_overflow=0, pool_pre_ping=True)
    try:
        with eng.connect() as c:
            assert c.execute(text("select 1")).scalar() == 1
        sim.fault(kind="ws_close" if kind_ == "taosws" else "close_mid_response", times=1)
        for _ in range(2):
            with eng.connect() as c:
                assert c.execute(text("select 1")).scalar() == 1
    finally:
        eng.dispose()
