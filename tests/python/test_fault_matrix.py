"""Fault matrix: every transport (http://, ws://, taos:// over the fake libtaos) x every operation
(query, fetch, stmt, schemaless, poll, commit) x the simulator's faults.

Each cell asserts: a typed error (class and TDengine code) or a correct recovery, never a wrong
value passed off as right; the call returns within a bound derived from the DSN's timeouts; and
afterwards the same connection answers a query correctly (every transport reconnects: REST is
stateless, taos-ws reconnects on the next request, the fake libtaos rides on taos-ws).
taosc has no per-request timeout, so over taos:// a stalled reply is waited for: the bound is
then the stall itself. Writes whose reply was lost ran once on the server and are never resent.

Simulator only (faults are armed with POST /-/sim/fault); loopback only.
"""

from __future__ import annotations

import os
import time
import urllib.parse
import uuid

import pytest

import taoslink
from hang_guard import hang_guard

pytestmark = pytest.mark.skipif(bool(os.environ.get("TAOSLINK_TEST_REST_URL", "").strip()),
                                reason="fault injection needs the simulator")

BROKEN_LINK, TIMEOUT, PROTOCOL, UNAVAILABLE = 0x0018, 0x0019, 0xE007, 0x000B
READ_TIMEOUT = 2.0          # generous: the CI machine may be loaded
ROWS = 10000                    # 3 raw blocks of at most 4096 rows; ~500 KB of REST JSON
TMQ_BATCHES, TMQ_BATCH = 4, 4096      # the simulator puts up to 4096 rows in a message
TRANSPORTS = ("http", "ws", "taos")


@pytest.fixture(autouse=True)
def watchdog():
    with hang_guard(90):
        yield


def dsn(server, transport: str, db: str = "") -> str:
    auth = "%s:%s" % (urllib.parse.quote(server.user, safe=""), urllib.parse.quote(server.password, safe=""))
    base = "%s://%s@127.0.0.1:%d/%s" % (transport, auth, server.port, db)
    if transport == "http":
        return base + "?read_timeout=%g&connect_timeout=2" % READ_TIMEOUT
    if transport == "ws":
        return base + "?read_timeout=%g&connect_timeout=2&conn_retries=2&retry_backoff_ms=50" % READ_TIMEOUT
    return base                 # taos://: the fake libtaos has taosc's (absent) timeouts


@pytest.fixture(scope="module")
def data(server, native_lib):
    """A database with ``t`` (ROWS rows, v = 0..ROWS-1) shared by the module's read cells."""
    db = "fm_" + uuid.uuid4().hex[:10]
    with taoslink.connect(server.url) as c:
        c.execute("create database %s" % db)
        c.execute("create table %s.t (ts timestamp, v int, s varchar(16))" % db)
        for start in range(0, ROWS, 5000):
            c.execute("insert into %s.t values " % db + " ".join(
                "(%d, %d, 's%d')" % (1700000000000 + i, i, i) for i in range(start, start + 5000)))
    yield db
    with taoslink.connect(server.url) as c:
        c.execute("drop database if exists %s" % db)


def all_rows(conn, db: str) -> list:
    return [(r[1], r[2]) for r in conn.query("select ts, v, s from %s.t" % db).fetchall()]


EXPECTED = [(i, "s%d" % i) for i in range(ROWS)]


def check_usable(conn, db: str) -> None:
    """The same connection answers correctly after the fault."""
    assert conn.query("select count(*) from %s.t" % db).fetchone() == (ROWS,)
    assert all_rows(conn, db) == EXPECTED


@pytest.fixture(params=TRANSPORTS)
def transport(request):
    return request.param


@pytest.fixture
def fconn(sim, data, transport):
    c = taoslink.connect(dsn(sim, transport))
    c.query("select server_version()").fetchall()       # the link is up before any fault
    yield c
    sim.clear_faults()
    c.close()


def run(fn, bound: float):
    """-> (value or None, exception or None, seconds); fails when the call took >= bound."""
    t0 = time.monotonic()
    try:
        value, err = fn(), None
    except taoslink.Error as e:
        value, err = None, e
    took = time.monotonic() - t0
    assert took < bound, "took %.1f s (bound %.1f s): %r" % (took, bound, err)
    return value, err, took


def expect_error(err, cls, errno=None, transport=""):
    """``errno`` is not checked over taos:// for 0xE007: taosc reports a bad reply with its own
    code (the fake libtaos: 0xFFFF)."""
    assert err is not None, "no error"
    assert isinstance(err, cls), "%r is not a %s" % (err, cls.__name__)
    if cls is taoslink.OperationalError:     # a bad reply is not a broken link
        assert not isinstance(err, taoslink.ConnectionError), err
    if errno is not None and not (transport == "taos" and errno == PROTOCOL):
        assert err.errno == errno, err


# -- query and fetch ------------------------------------------------------------------------------

#: (transport, fault, expected class, expected code); None class = a correct result.
QUERY_FAULTS = {
    "http": [
        (dict(kind="stall", path="/rest/sql", seconds=3.5), taoslink.ConnectionError, TIMEOUT),
        (dict(kind="close_mid_response", path="/rest/sql", after_bytes=0), taoslink.ConnectionError, BROKEN_LINK),
        (dict(kind="http_status", path="/rest/sql", status=500), taoslink.OperationalError, 0xFFFF),
        (dict(kind="http_status", path="/rest/sql", status=502), taoslink.ConnectionError, None),
        (dict(kind="http_status", path="/rest/sql", status=503), taoslink.ConnectionError, None),
    ],
    "ws": [
        (dict(kind="ws_close", action="binary_query"), taoslink.ConnectionError, BROKEN_LINK),
        (dict(kind="ws_stall", action="binary_query", seconds=3.5), taoslink.ConnectionError, TIMEOUT),
        (dict(kind="ws_truncate", action="binary_query", keep_bytes=10), taoslink.OperationalError, PROTOCOL),
        (dict(kind="ws_corrupt", action="binary_query", offset=0), taoslink.OperationalError, PROTOCOL),
    ],
    "taos": [
        (dict(kind="ws_close", action="binary_query"), taoslink.ConnectionError, BROKEN_LINK),
        (dict(kind="ws_stall", action="binary_query", seconds=1.5), None, None),   # no timeout in taosc
        (dict(kind="ws_truncate", action="binary_query", keep_bytes=10), taoslink.OperationalError, PROTOCOL),
        (dict(kind="ws_corrupt", action="binary_query", offset=0), taoslink.OperationalError, PROTOCOL),
    ],
}

FETCH_FAULTS = {
    "http": [
        (dict(kind="close_mid_response", path="/rest/sql", after_bytes=100000), taoslink.ConnectionError, BROKEN_LINK),
        (dict(kind="close_mid_response", path="/rest/sql", after_bytes=20), taoslink.ConnectionError, BROKEN_LINK),
    ],
    "ws": [
        (dict(kind="ws_close", action="fetch_raw_block", after_messages=1), taoslink.ConnectionError, BROKEN_LINK),
        (dict(kind="ws_stall", action="fetch_raw_block", after_messages=1, seconds=3.5),
         taoslink.ConnectionError, TIMEOUT),
        (dict(kind="ws_truncate", action="fetch_raw_block", after_messages=1), taoslink.OperationalError, PROTOCOL),
        (dict(kind="ws_corrupt", action="fetch_raw_block", after_messages=1), taoslink.OperationalError, PROTOCOL),
    ],
    "taos": [
        (dict(kind="ws_close", action="fetch_raw_block", after_messages=1), taoslink.ConnectionError, BROKEN_LINK),
        (dict(kind="ws_stall", action="fetch_raw_block", after_messages=1, seconds=1.5), None, None),
        (dict(kind="ws_truncate", action="fetch_raw_block", after_messages=1), taoslink.OperationalError, PROTOCOL),
        (dict(kind="ws_corrupt", action="fetch_raw_block", after_messages=1), taoslink.OperationalError, PROTOCOL),
    ],
}


def cells(table: dict) -> list:
    return [pytest.param(t, f, cls, code, id="%s-%s-%s" % (t, f["kind"], f.get("status", f.get("after_bytes", ""))))
            for t, rows in table.items() for f, cls, code in rows]


def bound_for(fault: dict) -> float:
    return READ_TIMEOUT + fault.get("seconds", 0) + 3.0


def after_stall(fault: dict, t0: float) -> None:
    """A stalled /ws reply still holds that session's queue: wait until it went out."""
    if fault["kind"] in ("ws_stall", "stall"):
        time.sleep(max(0.0, fault["seconds"] + 0.3 - (time.monotonic() - t0)))


@pytest.mark.parametrize("transport,fault,cls,code", cells(QUERY_FAULTS))
def test_query(sim, data, transport, fault, cls, code):
    c = taoslink.connect(dsn(sim, transport))
    try:
        c.query("select server_version()").fetchall()
        sim.fault(**fault)
        t0 = time.monotonic()
        value, err, _ = run(lambda: c.query("select count(*) from %s.t" % data).fetchone(), bound_for(fault))
        sim.clear_faults()
        if cls is None:
            assert err is None and value == (ROWS,), err
        else:
            expect_error(err, cls, code, transport)
            assert "taosdata" not in str(err)
        after_stall(fault, t0)
        check_usable(c, data)
    finally:
        sim.clear_faults()
        c.close()


@pytest.mark.parametrize("transport,fault,cls,code", cells(FETCH_FAULTS))
def test_fetch(sim, data, transport, fault, cls, code):
    c = taoslink.connect(dsn(sim, transport))
    try:
        c.query("select server_version()").fetchall()
        sim.fault(**fault)
        t0 = time.monotonic()
        cur = c.cursor()
        got: list = []

        def read():
            cur.execute("select ts, v, s from %s.t" % data)
            for r in cur:
                got.append((r[1], r[2]))
            return got

        value, err, _ = run(read, bound_for(fault))
        sim.clear_faults()
        assert got == EXPECTED[:len(got)]                  # whatever came is a correct prefix
        if cls is None:
            assert err is None and value == EXPECTED, err
        else:
            expect_error(err, cls, code, transport)
            assert len(got) < ROWS
            # the failed result stays failed: it never ends as if complete
            with pytest.raises(taoslink.Error):
                more = cur.fetchall()
                pytest.fail("the failed result went on with %d rows" % len(more))
        after_stall(fault, t0)
        check_usable(c, data)
    finally:
        sim.clear_faults()
        c.close()


# -- writes: stmt and schemaless ------------------------------------------------------------------

WRITE_FAULTS = ("close", "truncate", "refuse_reconnect")


def write_fault(transport: str, op: str, kind: str) -> list:
    """The faults for one write cell: the write's reply is lost (close), mangled (truncate), or
    the link drops and the reconnect is refused once (refuse_reconnect)."""
    if transport == "http":
        path = "/influxdb"
        return {"close": [dict(kind="close_mid_response", path=path, after_bytes=0)],
                "truncate": [dict(kind="http_status", path=path, status=503)],
                "refuse_reconnect": [dict(kind="http_status", path=path, status=500)]}[kind]
    actions = ["insert"] if op == "schemaless" else ["exec", "stmt2_exec"]
    if kind == "close":
        return [dict(kind="ws_close", action=a) for a in actions]
    if kind == "truncate":
        return [dict(kind="ws_truncate", action=a, keep_bytes=5) for a in actions]
    return [dict(kind="ws_close", action=a) for a in actions] + [dict(kind="refuse", path="/ws")]


def do_write(c, op: str, db: str, table: str, n: int, start: int) -> int:
    if op == "schemaless":
        lines = ["%s,loc=a v=%di %d" % (table, i, 1700000000000 + i) for i in range(start, start + n)]
        c.select_db(db)         # taos-ws and taos-native write into the current database
        return c.schemaless_insert(lines, taoslink.SmlProtocol.LINE_PROTOCOL, "ms")
    with c.statement("insert into %s.%s values (?, ?)" % (db, table)) as s:
        s.bind([[1700000000000 + i for i in range(start, start + n)], list(range(start, start + n))],
               types=["timestamp", "int"])
        s.add_batch()
        return s.execute()


@pytest.mark.parametrize("kind", WRITE_FAULTS)
@pytest.mark.parametrize("op", ["stmt", "schemaless"])
def test_write(sim, data, dbname, transport, op, kind):
    c = taoslink.connect(dsn(sim, transport))
    try:
        c.execute("create database %s" % dbname)
        if op == "stmt":
            c.execute("create table %s.w (ts timestamp, v int)" % dbname)
            if transport == "http":
                with pytest.raises(taoslink.NotSupportedError):
                    do_write(c, op, dbname, "w", 10, 0)
                check_usable(c, data)
                return
        else:
            do_write(c, op, dbname, "w", 1, 10000)          # the super table exists before the fault
        for f in write_fault(transport, op, kind):
            sim.fault(**f)
        value, err, _ = run(lambda: do_write(c, op, dbname, "w", 100, 0), bound_for({}))
        sim.clear_faults()
        base = 1 if op == "schemaless" else 0
        count = c.query("select count(*), sum(v) from %s.w" % dbname).fetchone()
        if err is None:
            assert count == (base + 100, base * 10000 + 4950), (count, value)
        elif transport == "http" and kind != "close":
            # 503 is "unavailable" (ConnectionError); a 500 on an InfluxDB route is a server error
            # whose class follows its code; neither ran the write
            expect_error(err, taoslink.ConnectionError if kind == "truncate" else taoslink.DatabaseError)
            assert count[0] == base, count
        elif kind == "truncate":
            expect_error(err, taoslink.OperationalError)
            assert not isinstance(err, taoslink.ConnectionError)
            assert count == (base + 100, base * 10000 + 4950)   # it ran once; its reply was bad
        else:
            expect_error(err, taoslink.ConnectionError, BROKEN_LINK)
            assert count == (base + 100, base * 10000 + 4950)   # ran once, never resent
        check_usable(c, data)
    finally:
        sim.clear_faults()
        c.close()


# -- connect: refused, then served ----------------------------------------------------------------

def test_connect_refused_is_typed_and_bounded(sim, data, transport):
    sim.fault(kind="refuse", times=3)
    value, err, _ = run(lambda: taoslink.connect(dsn(sim, transport)), 10)
    sim.clear_faults()
    if value is not None:
        value.close()
    expect_error(err, taoslink.ConnectionError)
    assert "taosdata" not in str(err) and "taosdata" not in repr(err)
    with taoslink.connect(dsn(sim, transport)) as c:
        check_usable(c, data)


@pytest.mark.parametrize("transport", ["ws", "taos"])     # REST has no session to reconnect
def test_ws_reconnect_refused_beyond_retries_then_recovers(sim, data, fconn, transport):
    sim.fault(kind="ws_close", action="binary_query")
    sim.fault(kind="refuse", path="/ws", times=20)
    _, err, _ = run(lambda: fconn.query("select count(*) from %s.t" % data).fetchone(), bound_for({}))
    expect_error(err, taoslink.ConnectionError, BROKEN_LINK)
    # the next request tries to reconnect: refused every time -> typed, bounded
    _, err, _ = run(lambda: fconn.query("select count(*) from %s.t" % data).fetchone(), 10)
    expect_error(err, taoslink.ConnectionError)
    sim.clear_faults()
    check_usable(fconn, data)


# -- TMQ: poll and commit -------------------------------------------------------------------------

@pytest.fixture
def topic(sim, dbname):
    name = "fm_tp_" + uuid.uuid4().hex[:8]
    with taoslink.connect(sim.url) as c:
        c.execute("create database %s" % dbname)
        c.execute("create table %s.t (ts timestamp, v int)" % dbname)
        c.execute("create topic %s as select ts, v from %s.t" % (name, dbname))
        for b in range(TMQ_BATCHES):
            c.execute("insert into %s.t values " % dbname + " ".join(
                "(%d, %d)" % (1700000000000 + i, i) for i in range(b * TMQ_BATCH, (b + 1) * TMQ_BATCH)))
    yield name
    with taoslink.connect(sim.url) as c:
        for _ in range(50):     # the server drops a closed socket's consumer asynchronously
            try:
                c.execute("drop topic if exists %s force" % name)
                break
            except taoslink.Error:
                time.sleep(0.05)


def drain(cons, fault_after_first: dict, sim) -> "tuple[list, list, list]":
    """Polls and commits until dry; arms ``fault_after_first`` after the first commit.
    -> (values of committed messages, values whose commit raised, errors)."""
    committed, unsure, errors = [], [], []
    armed = False
    for _ in range(40):
        try:
            m = cons.poll(0.5)
        except taoslink.Error as e:
            errors.append(e)
            continue
        if m is None:
            if armed:
                return committed, unsure, errors
            continue
        values = [r[1] for r in m]
        try:
            cons.commit(m)
            committed.extend(values)
        except taoslink.Error as e:
            errors.append(e)
            unsure.extend(values)            # may or may not have been committed
        if not armed:
            sim.fault(**fault_after_first)
            armed = True
    raise AssertionError("the consumer did not run dry")


TMQ_FAULTS = [
    ("poll-close", dict(kind="ws_close", path="/rest/tmq", action="poll"), taoslink.ConnectionError),
    ("fetch-close", dict(kind="ws_close", path="/rest/tmq", action="fetch_raw_data"), taoslink.ConnectionError),
    ("fetch-corrupt", dict(kind="ws_corrupt", path="/rest/tmq", action="fetch_raw_data"), taoslink.OperationalError),
    ("commit-close", dict(kind="ws_close", path="/rest/tmq", action="commit"), taoslink.ConnectionError),
    ("session-drop", dict(kind="ws_close", path="/rest/tmq", after_messages=0, times=1), None),
]


@pytest.mark.parametrize("name,fault,cls", TMQ_FAULTS, ids=[t[0] for t in TMQ_FAULTS])
def test_tmq(sim, topic, transport, name, fault, cls):
    conf = {"group.id": "g_" + uuid.uuid4().hex[:6], "auto.offset.reset": "earliest"}
    if transport == "http":
        with pytest.raises((taoslink.NotSupportedError, taoslink.InterfaceError)):
            taoslink.Consumer(dsn(sim, transport), **conf).subscribe([topic])
        return
    cons = taoslink.Consumer(dsn(sim, transport), **conf)
    try:
        cons.subscribe([topic])
        t0 = time.monotonic()
        if name == "session-drop":       # the live session is dropped by the next ws_close
            fault = dict(kind="ws_close", path="/rest/tmq", action="poll")
        committed, unsure, errors = drain(cons, fault, sim)
        assert time.monotonic() - t0 < 30
        inserted = list(range(TMQ_BATCHES * TMQ_BATCH))
        assert len(errors) == 1, errors
        expect_error(errors[0], cls or taoslink.ConnectionError)
        # nothing lost: every row was delivered and committed, or its commit was in doubt
        assert sorted(set(committed) | set(unsure)) == inserted
        # nothing committed twice; a row is seen again only if its commit was in doubt
        assert len(committed) == len(set(committed)), "a committed message was delivered again"
    finally:
        cons.close()


# -- no leaks: file descriptors and threads stay flat over many faults ------------------------

def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_faults_leak_no_fds_or_threads(sim, data, transport):
    import threading
    faults = QUERY_FAULTS[transport]
    fast = [f for f, _, _ in faults if f["kind"] not in ("stall", "ws_stall")]
    with taoslink.connect(dsn(sim, transport)) as c:    # warm up: plugin loaded, pools made
        check_usable(c, data)
    fds0, threads0 = _fds(), threading.active_count()
    for _ in range(5):
        c = taoslink.connect(dsn(sim, transport))
        for f in fast:
            sim.fault(**f)
            try:
                c.query("select count(*) from %s.t" % data).fetchone()
            except taoslink.Error:
                pass
            sim.clear_faults()
        check_usable(c, data)
        c.close()
    time.sleep(0.3)
    assert _fds() <= fds0 + 2, (fds0, _fds())
    assert threading.active_count() <= threads0


# -- the drop-in modules: the same faults, their own exception classes ----------------------------

def test_drop_in_modules_fail_typed_and_recover(sim, data, taos_args):
    import taos
    import taosrest
    import taosws

    rc = taosrest.connect(url=sim.base, user=sim.user, password=sim.password, timeout=READ_TIMEOUT)
    sim.fault(kind="stall", path="/rest/sql", seconds=READ_TIMEOUT + 1.5)
    t0 = time.monotonic()
    with pytest.raises(taosrest.Error):
        rc.query("select count(*) from %s.t" % data)
    assert time.monotonic() - t0 < READ_TIMEOUT + 3
    sim.fault(kind="http_status", path="/rest/sql", status=503)
    with pytest.raises(taosrest.errors.HTTPError):        # taospy's class for a non-200 status
        rc.query("select count(*) from %s.t" % data)
    sim.clear_faults()
    assert rc.query("select count(*) from %s.t" % data).data == [[ROWS]]

    wc = taosws.connect(dsn(sim, "ws"))
    sim.fault(kind="ws_close", action="binary_query")
    with pytest.raises(taosws.Error) as ei:
        wc.query("select count(*) from %s.t" % data)
    assert ei.value.errno == BROKEN_LINK, ei.value
    assert [tuple(r) for r in wc.query("select count(*) from %s.t" % data)] == [(ROWS,)]
    wc.close()

    tc = taos.connect(**taos_args)
    sim.fault(kind="ws_close", action="binary_query")
    with pytest.raises(taos.error.Error) as ei:
        tc.query("select count(*) from %s.t" % data)
    assert ei.value.errno & 0xFFFF == BROKEN_LINK, ei.value
    sim.fault(kind="ws_truncate", action="fetch_raw_block", after_messages=1)
    with pytest.raises(taos.error.Error):
        tc.query("select v from %s.t" % data).fetch_all()
    sim.clear_faults()
    assert [tuple(r) for r in tc.query("select count(*) from %s.t" % data).fetch_all()] == [(ROWS,)]
    tc.close()
