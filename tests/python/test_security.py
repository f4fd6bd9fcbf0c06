"""Security: credentials never leak, and parameters never become SQL.

* Passwords and tokens never appear in exception messages (str, repr, args), repr() of
  connections, cursors and consumers, the DSN a connection reports, or anything written to
  stdout/stderr or Python logging at DEBUG (taos.log switched fully on) — for every transport
  (http://, ws://, taos://) and module (taoslink, taosrest, taosws, taos), on failed connects,
  server errors and successful sessions.
* Parameters with quotes, backslashes, comment markers, placeholders, control characters and
  non-ASCII text round-trip exactly through every API that takes them, and no injected
  statement runs. A NUL cannot be stored in a TDengine string: it is refused with a typed
  error or stored exactly, never silently cut.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.parse
import urllib.request
import uuid

import pytest

import taoslink

SECRET = "Zq9-s3cret-pw"             # the wrong password the failing connects use
TOKEN = "tok-Vx81-s3cret"


def leaked(text: str, *secrets: str) -> list:
    return [s for s in secrets if s and s in text]


def error_texts(e: BaseException) -> str:
    return " | ".join([str(e), repr(e)] + [str(a) for a in getattr(e, "args", ())]
                      + [str(getattr(e, "msg", "")), str(e.__cause__ or ""), str(e.__context__ or "")])


@pytest.fixture
def loud_logs(caplog):
    """Every log switch on: Python logging at DEBUG and taospy's print-based taos.log."""
    import taos.log as tlog
    caplog.set_level(logging.DEBUG)
    old = (tlog.show_info, tlog.show_warn, tlog.show_debug, tlog.show_debug1, tlog.show_debug2, tlog.show_debug3)
    tlog.setting(True, True, True, True, True, True)
    yield caplog
    tlog.setting(*old)


def _dsn(server, scheme: str, password: str, extra: str = "") -> str:
    return "%s://%s:%s@127.0.0.1:%d/%s" % (scheme, server.user, urllib.parse.quote(password, safe=""),
                                          server.port, extra)


@pytest.mark.parametrize("scheme", ["http", "ws", "taos"])
def test_failed_connect_never_shows_the_password(server, native_lib, loud_logs, capfd, scheme):
    if not server.is_sim:
        pytest.skip("the simulator's account is known; a real server's is not")
    opts = "" if scheme == "taos" else "?connect_timeout=3"     # taosc has no such option
    with pytest.raises(taoslink.Error) as ei:
        taoslink.connect(_dsn(server, scheme, SECRET, opts))
    assert isinstance(ei.value, taoslink.ConnectionError), ei.value
    assert not leaked(error_texts(ei.value), SECRET)
    with pytest.raises(taoslink.Error) as ei:        # an unreachable port: the other error path
        taoslink.connect("%s://root:%s@127.0.0.1:1/%s" % (scheme, SECRET, opts))
    assert not leaked(error_texts(ei.value), SECRET)
    out, err = capfd.readouterr()
    assert not leaked(out + err + loud_logs.text, SECRET)


def test_token_never_shown(server, loud_logs, capfd):
    for dsn in ("http://127.0.0.1:%d/?token=%s&connect_timeout=3" % (server.port, TOKEN),
                "ws://127.0.0.1:%d/?token=%s&connect_timeout=3" % (server.port, TOKEN),
                "http://127.0.0.1:%d/?bearer_token=%s&connect_timeout=3" % (server.port, TOKEN)):
        try:
            c = taoslink.connect(dsn)
        except taoslink.Error as e:
            assert not leaked(error_texts(e), TOKEN), dsn
        else:
            assert not leaked(repr(c) + str(c) + c.dsn, TOKEN)
            c.close()
        assert TOKEN not in taoslink.redact_dsn(dsn)
    out, err = capfd.readouterr()
    assert not leaked(out + err + loud_logs.text, TOKEN)


@pytest.mark.parametrize("scheme", ["http", "ws", "taos"])
def test_sessions_never_show_the_password(server, native_lib, loud_logs, capfd, scheme, dbname):
    pw = server.password
    c = taoslink.connect(_dsn(server, scheme, pw))
    try:
        cur = c.cursor()
        cur.execute("select server_version()")
        texts = [repr(c), str(c), c.dsn, repr(cur), str(cur)]
        with pytest.raises(taoslink.ProgrammingError) as ei:      # a server error
            c.execute("select * from no_such_db_%s.t" % uuid.uuid4().hex[:6])
        texts.append(error_texts(ei.value))
        if scheme != "http":
            cons = taoslink.Consumer(_dsn(server, scheme, pw), **{"group.id": "g"})
            texts += [repr(cons), str(cons)]
            cons.close()
    finally:
        c.close()
    texts.append(repr(c))
    out, err = capfd.readouterr()
    for t in texts + [out, err, loud_logs.text]:
        assert pw not in t, t


def test_drop_in_modules_never_show_the_password(server, native_lib, taos_args, loud_logs, capfd):
    import taos
    import taosrest
    import taosws

    texts = []
    rc = taosrest.connect(url=server.base, user=server.user, password=SECRET, timeout=3)
    with pytest.raises(Exception) as ei:
        rc.query("select 1")
    texts += [error_texts(ei.value), repr(rc), str(rc), repr(rc.cursor())]
    with pytest.raises(Exception) as ei:
        taosws.connect(_dsn(server, "ws", SECRET))
    texts.append(error_texts(ei.value))
    with pytest.raises(Exception) as ei:
        taos.connect(**dict(taos_args, password=SECRET))
    texts.append(error_texts(ei.value))
    ok = taosws.connect(_dsn(server, "ws", server.password))
    texts += [repr(ok), str(ok), repr(ok.cursor())]
    ok.close()
    tc = taos.connect(**taos_args)
    texts += [repr(tc), str(tc), repr(tc.cursor())]
    tc.close()
    out, err = capfd.readouterr()
    for t in texts + [out, err, loud_logs.text]:
        assert not leaked(t, SECRET), t
        assert server.password not in t, t


# -- parameters never become SQL ------------------------------------------------------------------

NASTY = [
    "O'Reilly", "it''s", "back\\slash", "\\", "\\'", "'\\", "ends with \\", "'", '"', '"\'"',
    "'); drop database {sentinel}; --", "x' or '1'='1", "a\"; drop database {sentinel}; --",
    "-- not a comment", "/* nor this */", "?", "??", "%s", "%(x)s", "{0}", "{}", "`tick`",
    "ünïcödé ✓ 中文 🚀", "tab\there", "new\nline", "cr\rlf", "\x01\x1f",
]


@pytest.fixture
def target(server, dbname):
    """(db, sentinel db): a table ``t`` to write into, and a database that must survive."""
    sentinel = dbname + "_keep"
    with taoslink.connect(server.url) as c:
        c.execute("create database %s" % dbname)
        c.execute("create table %s.t (ts timestamp, n int, s varchar(200), u nchar(100))" % dbname)
        c.execute("create database %s" % sentinel)
    yield dbname, sentinel
    with taoslink.connect(server.url) as c:
        c.execute("drop database if exists %s" % sentinel)


def values_for(sentinel: str) -> list:
    return [s.replace("{sentinel}", sentinel) for s in NASTY]


def check_stored(server, db: str, sentinel: str, values: list) -> None:
    with taoslink.connect(server.url) as c:
        rows = c.query("select n, s, u from %s.t order by ts" % db).fetchall()
        names = [r[0] for r in c.query("show databases").fetchall()]
    assert sentinel in names, "an injected statement dropped the sentinel database"
    assert [r[0] for r in rows] == list(range(len(values)))
    for n, s, u in rows:
        assert (s, u) == (values[n], values[n]), "row %d: %r / %r != %r" % (n, s, u, values[n])


@pytest.mark.parametrize("scheme", ["http", "ws", "taos"])
def test_taoslink_qmark_parameters_round_trip(server, native_lib, target, scheme):
    db, sentinel = target
    values = values_for(sentinel)
    with taoslink.connect(_dsn(server, scheme, server.password)) as c:
        cur = c.cursor()
        for n, v in enumerate(values[:len(values) // 2]):
            cur.execute("insert into %s.t values (?, ?, ?, ?)" % db, (1700000000000 + n, n, v, v))
        half = len(values) // 2
        cur.executemany("insert into %s.t values (?, ?, ?, ?)" % db,
                        [(1700000000000 + n, n, values[n], values[n]) for n in range(half, len(values))])
        for v in values:        # as a query parameter: matches exactly its own row
            got = cur.execute("select n from %s.t where s = ?" % db, (v,)).fetchall()
            assert got == [(values.index(v),)], (v, got)
    check_stored(server, db, sentinel, values)
    if scheme != "http" and server.is_sim:
        # ws:// and taos:// bind an INSERT's values: none reaches the SQL text (GET /-/sim/sql)
        with urllib.request.urlopen(server.base + "/-/sim/sql", timeout=30) as resp:
            texts = json.loads(resp.read())["sql"]
        inserts = [t for t in texts if t.lower().startswith("insert into %s.t" % db)]
        assert inserts and all(sentinel not in t and "O'Reilly" not in t for t in inserts), inserts


def test_taosrest_pyformat_parameters_round_trip(server, target):
    import taosrest
    db, sentinel = target
    values = values_for(sentinel)
    c = taosrest.connect(url=server.base, user=server.user, password=server.password)
    cur = c.cursor()
    for n, v in enumerate(values):
        if n % 2:
            cur.execute("insert into " + db + ".t values (%s, %s, %s, %s)", (1700000000000 + n, n, v, v))
        else:
            cur.execute("insert into " + db + ".t values (%(ts)s, %(n)s, %(v)s, %(v)s)",
                        {"ts": 1700000000000 + n, "n": n, "v": v})
    c.close()
    check_stored(server, db, sentinel, values)


def test_taosws_format_parameters_round_trip(server, target):
    import taosws
    db, sentinel = target
    values = values_for(sentinel)
    c = taosws.connect(_dsn(server, "ws", server.password))
    cur = c.cursor()
    for n, v in enumerate(values):
        if n % 2:
            cur.execute("insert into " + db + ".t values ({}, {}, {}, {})", 1700000000000 + n, n, v, v)
        else:
            cur.execute("insert into " + db + ".t values ({ts}, {n}, {v}, {v})", ts=1700000000000 + n, n=n, v=v)
    c.close()
    check_stored(server, db, sentinel, values)


def test_taos_cursor_parameters_are_bound(server, taos_args, target):
    import taos
    db, sentinel = target
    values = values_for(sentinel)
    c = taos.connect(**taos_args)
    cur = c.cursor()
    for n, v in enumerate(values):
        cur.execute("insert into %s.t values (?, ?, ?, ?)" % db, (1700000000000 + n, n, v, v))
    c.close()
    check_stored(server, db, sentinel, values)


@pytest.mark.parametrize("api", ["taoslink-http", "taoslink-ws", "taosrest", "taosws", "stmt-ws"])
def test_nul_is_refused_or_stored_exactly(server, target, api):
    import taosrest
    import taosws
    db, _ = target
    v = "before\x00after"
    try:
        if api.startswith("taoslink"):
            with taoslink.connect(_dsn(server, api.split("-")[1], server.password)) as c:
                c.execute("insert into %s.t values (?, ?, ?, ?)" % db, (1700000000000, 0, v, v))
        elif api == "taosrest":
            c = taosrest.connect(url=server.base, user=server.user, password=server.password)
            c.cursor().execute("insert into " + db + ".t values (%s, %s, %s, %s)", (1700000000000, 0, v, v))
        elif api == "taosws":
            c = taosws.connect(_dsn(server, "ws", server.password))
            c.cursor().execute("insert into " + db + ".t values ({}, {}, {}, {})", 1700000000000, 0, v, v)
        else:
            with taoslink.connect(_dsn(server, "ws", server.password)) as c:
                with c.statement("insert into %s.t values (?, ?, ?, ?)" % db) as s:
                    s.bind([[1700000000000], [0], [v], [v]], types=["timestamp", "int", "varchar", "nchar"])
                    s.add_batch()
                    s.execute()
    except Exception as e:          # refused: must be a typed database error
        assert type(e).__name__ in ("ProgrammingError", "DataError", "InterfaceError", "QueryError",
                                    "OperationalError"), repr(e)
        with taoslink.connect(server.url) as c:
            assert c.query("select count(*) from %s.t" % db).fetchone() == (0,)
        return
    with taoslink.connect(server.url) as c:
        assert c.query("select s, u from %s.t" % db).fetchall() == [(v, v)]
