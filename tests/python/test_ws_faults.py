"""Fault injection over ws:// (taos-ws plugin): dropped links, stalls, truncated and corrupt
binary replies, a dead endpoint first in the DSN, and the TMQ consumer losing its socket.

Every test asserts a typed error or a correct recovery — never a hang, never a wrong value.
The faults are armed on the simulator (``POST /-/sim/fault``, kinds ``ws_close``,
``ws_stall``, ``ws_truncate``, ``ws_corrupt``; see tests/sim/README.md), so the whole module
is skipped against a real taosAdapter. Loopback only. Every DSN has short timeouts, and a
watchdog kills the run (with a traceback) if a test still hangs after WATCHDOG seconds.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.request
import uuid

import pytest

import taoslink
from hang_guard import hang_guard

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TAOSLINK_TEST_REST_URL", "").strip()), reason="WebSocket fault injection needs the simulator "
                           "(TAOSLINK_TEST_REST_URL points at a real taosAdapter)")

BROKEN_LINK, TIMEOUT, PROTOCOL = 0x0018, 0x0019, 0xE007
OPTS = "read_timeout=1&connect_timeout=2&conn_retries=2&retry_backoff_ms=50"
WATCHDOG = 30
ROWS = 10000            # 3 raw blocks of at most 4096 rows


@pytest.fixture(autouse=True)
def watchdog():
    with hang_guard(WATCHDOG):
        yield


def ws_dsn(sim, db: str = "", opts: str = OPTS) -> str:
    return "ws://%s:%s@127.0.0.1:%d/%s?%s" % (sim.user, sim.password, sim.port, db, opts)


def ws_requests(sim, path: str = "/ws") -> dict:
    """The simulator's count of WebSocket requests per action on ``path``."""
    with urllib.request.urlopen(sim.base + "/-/sim/faults", timeout=10) as r:
        return json.loads(r.read())["ws_requests"].get(path, {})


def delta(before: dict, after: dict, action: str) -> int:
    return after.get(action, 0) - before.get(action, 0)


def expected_rows(n: int = ROWS) -> list:
    import datetime as dt
    base = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)
    return [(base + dt.timedelta(milliseconds=i), i, "s%d" % i) for i in range(n)]


def fill(sim, db: str, n: int = ROWS) -> None:
    """Creates and fills ``db`` through a connection of its own with the default timeouts: the
    tests' connections have a 1 s read timeout, which a 5,000-row insert can outlast on a busy
    machine."""
    with taoslink.connect(ws_dsn(sim, opts="")) as conn:
        conn.execute("create database %s" % db)
        conn.execute("create table %s.t (ts timestamp, v int, s varchar(16))" % db)
        for start in range(0, n, 5000):
            conn.execute("insert into %s.t values " % db + " ".join(
                "(%d, %d, 's%d')" % (1700000000000 + i, i, i) for i in range(start, min(n, start + 5000))))


def select_all(conn, db: str) -> list:
    return conn.query("select ts, v, s from %s.t" % db).fetchall()


def read_until(error: type, conn, db: str):
    """Runs select_all's query on a new cursor of ``conn`` and reads it row by row until ``error``
    is raised (the test fails if it is not): -> (the cursor, the rows read before, the error, the
    seconds the reading took)."""
    cur = conn.cursor()
    cur.execute("select ts, v, s from %s.t" % db)
    got = []
    t0 = time.monotonic()
    with pytest.raises(error) as ei:
        for row in cur:
            got.append(row)
    return cur, got, ei.value, time.monotonic() - t0


@pytest.fixture
def wconn(sim, dbname):
    c = taoslink.connect(ws_dsn(sim))
    fill(sim, dbname)
    yield c
    c.close()


#: Statement protocol versions and the action that executes a statement in each.
STMT_EXEC = {"v1": "exec", "v2": "stmt2_exec"}


@pytest.fixture(params=sorted(STMT_EXEC))
def sconn(request, sim, dbname):
    """A ws connection forced onto one statement protocol (stmt v1 or stmt2): -> (conn, exec action)."""
    c = taoslink.connect(ws_dsn(sim, opts=OPTS + "&stmt=" + request.param))
    fill(sim, dbname)
    yield c, STMT_EXEC[request.param]
    c.close()


# -- /ws: queries ---------------------------------------------------------------------------

def test_close_mid_fetch_fails_typed_then_same_connection_reconnects(sim, dbname, wconn):
    before = ws_requests(sim)
    sim.fault(kind="ws_close", path="/ws", action="fetch_raw_block", after_messages=1)
    _, got, err, seconds = read_until(taoslink.ConnectionError, wconn, dbname)
    assert seconds < 2                             # noticed at once (a timeout would be 0x0019)
    assert err.errno == BROKEN_LINK, err
    assert 0 < len(got) < ROWS and got == expected_rows()[:len(got)]   # a correct prefix only
    # the same connection reconnects on its next request and answers correctly
    assert select_all(wconn, dbname) == expected_rows()
    after = ws_requests(sim)
    assert delta(before, after, "conn") == 1
    assert delta(before, after, "binary_query") == 2


def test_result_of_dropped_link_never_looks_complete(sim, dbname, wconn):
    """DEFECT (plugins/ws/result.cpp, Result::next_block: a ConnectionError sets done_): after a
    fetch failed because the link dropped, fetching again from the same cursor reports the end
    of the result (fetchone() -> None, fetchall() -> []), so a partial result is indistinguishable
    from a complete one. plugins/ws/README.md: results of a dropped socket "fail with
    ConnectionError". Expected: every later fetch raises ConnectionError (or another
    OperationalError); it never signals a normal end."""
    sim.fault(kind="ws_close", path="/ws", action="fetch_raw_block", after_messages=1)
    cur, got, _, _ = read_until(taoslink.ConnectionError, wconn, dbname)
    assert len(got) < ROWS
    with pytest.raises(taoslink.OperationalError):
        later = cur.fetchall()
        pytest.fail("fetchall() after the dropped link returned %d rows as if the result were "
                    "complete (%d of %d rows read)" % (len(later), len(got) + len(later), ROWS))


def test_session_close_after_n_messages(sim, dbname, wconn):
    # session mode: the next /ws session sends version + conn + query replies, then drops
    sim.fault(kind="ws_close", path="/ws", after_messages=3)
    c = taoslink.connect(ws_dsn(sim))
    try:
        cur = c.cursor()
        cur.execute("select ts, v, s from %s.t" % dbname)
        with pytest.raises(taoslink.ConnectionError) as ei:
            cur.fetchall()
        assert ei.value.errno == BROKEN_LINK, ei.value
        assert select_all(c, dbname) == expected_rows()
    finally:
        c.close()
    assert select_all(wconn, dbname) == expected_rows()     # other sessions never noticed


def test_truncated_binary_reply_is_protocol_error_and_socket_stays(sim, dbname, wconn):
    before = ws_requests(sim)
    sim.fault(kind="ws_truncate", path="/ws", action="fetch_raw_block", after_messages=1)
    _, got, err, _ = read_until(taoslink.OperationalError, wconn, dbname)
    assert not isinstance(err, taoslink.ConnectionError)
    assert err.errno == PROTOCOL, err
    assert got == expected_rows()[:len(got)] and len(got) < ROWS
    # the connection stays usable on the same socket (no reconnect)
    assert select_all(wconn, dbname) == expected_rows()
    assert delta(before, ws_requests(sim), "conn") == 0


@pytest.mark.parametrize("kind", ["ws_truncate", "ws_corrupt"])
def test_result_after_protocol_error_never_skips_a_block(sim, dbname, wconn, kind):
    """DEFECT (plugins/ws/result.cpp, Result::next_block: a ProtocolError leaves the result
    live): after a truncated or corrupt fetch_raw_block reply, fetching again from the same
    cursor asks the server for the *next* block and returns its rows, silently skipping the
    rows of the block that failed (a gap: rows 4096..8191 of 10000 are missing).
    Expected: later fetches raise (the result is failed), or continue with exactly the rows
    that follow those already returned; never a result with rows missing."""
    sim.fault(kind=kind, path="/ws", action="fetch_raw_block", after_messages=1)
    cur, got, _, _ = read_until(taoslink.OperationalError, wconn, dbname)
    try:
        later = cur.fetchall()
    except taoslink.OperationalError:
        return                                  # the result stays failed: fine
    rows = got + later
    assert rows == expected_rows()[:len(rows)], (
        "after the %s fault the cursor went on with row v=%s right after v=%s: rows were skipped"
        % (kind, later[0][1] if later else None, got[-1][1] if got else None))


@pytest.mark.parametrize("skip", [0, 2])
def test_corrupt_raw_block_is_protocol_error_never_garbage(sim, dbname, wconn, skip):
    before = ws_requests(sim)
    sim.fault(kind="ws_corrupt", path="/ws", action="fetch_raw_block", after_messages=skip)
    _, got, err, _ = read_until(taoslink.OperationalError, wconn, dbname)
    assert err.errno == PROTOCOL and "corrupt raw block" in err.msg, err
    assert got == expected_rows()[:len(got)] and len(got) < ROWS
    assert (len(got) == 0) == (skip == 0)
    assert select_all(wconn, dbname) == expected_rows()
    assert delta(before, ws_requests(sim), "conn") == 0       # same socket


def test_stalled_reply_times_out_within_read_timeout(sim, dbname, wconn):
    sim.fault(kind="ws_stall", path="/ws", action="binary_query", seconds=2.0)
    t0 = time.monotonic()
    with pytest.raises(taoslink.ConnectionError) as ei:
        wconn.query("select count(*) from %s.t" % dbname)
    elapsed = time.monotonic() - t0
    assert ei.value.errno == TIMEOUT, ei.value
    assert 0.8 <= elapsed < 1.7, elapsed                       # read_timeout=1
    time.sleep(max(0.0, 2.3 - (time.monotonic() - t0)))      # the stalled reply came and went
    assert wconn.query("select count(*) from %s.t" % dbname).fetchone() == (ROWS,)
    assert select_all(wconn, dbname) == expected_rows()


def _dead_port() -> int:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()                       # nothing listens there any more: connection refused
    return port


def test_dead_endpoint_first_fails_over_to_the_simulator(sim, dbname, wconn):
    dsn = "ws://%s:%s@127.0.0.1:%d,127.0.0.1:%d/%s?%s" % (
        sim.user, sim.password, _dead_port(), sim.port, dbname, OPTS)
    t0 = time.monotonic()
    c = taoslink.connect(dsn)
    try:
        assert time.monotonic() - t0 < 2
        assert c.query("select count(*) from t").fetchone() == (ROWS,)
        # a later drop reconnects by cycling through the endpoints again
        sim.fault(kind="ws_close", path="/ws", action="binary_query")
        with pytest.raises(taoslink.ConnectionError) as ei:
            c.query("select count(*) from t")
        assert ei.value.errno == BROKEN_LINK
        assert select_all(c, dbname) == expected_rows()
        assert c.database == dbname
    finally:
        c.close()


def test_all_endpoints_down_is_a_typed_error(sim):
    dsn = "ws://root:taosdata@127.0.0.1:%d,127.0.0.1:%d?%s" % (_dead_port(), _dead_port(), OPTS)
    t0 = time.monotonic()
    with pytest.raises(taoslink.ConnectionError):
        taoslink.connect(dsn)
    assert time.monotonic() - t0 < 2


# -- /ws: writes are never resent -------------------------------------------------------------

def test_stmt_exec_on_dropped_link_is_not_retried(sim, dbname, sconn):
    wconn, exec_action = sconn
    wconn.execute("create table %s.w (ts timestamp, v int)" % dbname)
    stmt = wconn.statement("insert into %s.w values (?, ?)" % dbname)
    stmt.bind([[1700000000000 + i for i in range(100)], list(range(100))], types=["timestamp", "int"])
    stmt.add_batch()
    before = ws_requests(sim)
    sim.fault(kind="ws_close", path="/ws", action=exec_action)
    with pytest.raises(taoslink.ConnectionError) as ei:
        stmt.execute()
    assert ei.value.errno == BROKEN_LINK, ei.value
    # the server ran it once (the reply was lost); the client did not send it again
    assert delta(before, ws_requests(sim), exec_action) == 1
    assert wconn.query("select count(*), sum(v) from %s.w" % dbname).fetchone() == (100, 4950)
    # the statement belonged to the dropped socket: it fails typed, nothing is resent
    with pytest.raises(taoslink.OperationalError):
        stmt.bind([[1700000001000], [1]], types=["timestamp", "int"])
        stmt.add_batch()
        stmt.execute()
    stmt.close()
    assert delta(before, ws_requests(sim), exec_action) == 1
    # a new statement on the reconnected connection works
    with wconn.statement("insert into %s.w values (?, ?)" % dbname) as s2:
        s2.bind([[1700000002000], [7]], types=["timestamp", "int"])
        s2.add_batch()
        assert s2.execute() == 1
    assert wconn.query("select count(*) from %s.w" % dbname).fetchone() == (101,)


def test_stmt_after_idle_drop_fails_typed(sim, dbname, sconn):
    wconn, exec_action = sconn
    wconn.execute("create table %s.w (ts timestamp, v int)" % dbname)
    stmt = wconn.statement("insert into %s.w values (?, ?)" % dbname)
    # the link drops while idle: the server closes the socket after its next reply
    sim.fault(kind="ws_close", path="/ws", action="binary_query")
    with pytest.raises(taoslink.ConnectionError):
        wconn.query("select 1")
    before = ws_requests(sim)
    with pytest.raises(taoslink.OperationalError):
        stmt.bind([[1700000000000], [1]], types=["timestamp", "int"])
        stmt.add_batch()
        stmt.execute()
    stmt.close()
    assert delta(before, ws_requests(sim), exec_action) == 0
    assert wconn.query("select count(*) from %s.w" % dbname).fetchone() == (0,)


def test_schemaless_on_dropped_link_is_not_retried(sim, dbname, wconn):
    wconn.select_db(dbname)
    lines = ["sml,loc=a v=%di %d" % (i, 1700000000000 + i) for i in range(50)]
    before = ws_requests(sim)
    sim.fault(kind="ws_close", path="/ws", action="insert")
    with pytest.raises(taoslink.ConnectionError) as ei:
        wconn.schemaless_insert(lines, taoslink.SmlProtocol.LINE_PROTOCOL, "ms")
    assert ei.value.errno == BROKEN_LINK, ei.value
    assert delta(before, ws_requests(sim), "insert") == 1       # sent once, never resent
    # it ran once on the server; the reconnected connection kept the current database
    assert wconn.query("select count(*), sum(v) from sml").fetchone() == (50, 1225)
    assert wconn.schemaless_insert(["sml,loc=b v=1i 1700000001000"],
                                   taoslink.SmlProtocol.LINE_PROTOCOL, "ms") in (-1, 1)
    assert wconn.query("select count(*) from sml").fetchone() == (51,)


# -- /rest/tmq --------------------------------------------------------------------------------

TMQ_ROWS, TMQ_BATCH = 20000, 5000       # one 5000-row message per insert


@pytest.fixture
def topic(sim, dbname):
    name = "tp_" + uuid.uuid4().hex[:10]
    c = taoslink.connect(ws_dsn(sim, opts=""))  # default timeouts: see fill()
    c.execute("create database %s" % dbname)
    c.execute("create table %s.t (ts timestamp, v int)" % dbname)
    c.execute("create topic %s as select ts, v from %s.t" % (name, dbname))
    for start in range(0, TMQ_ROWS, TMQ_BATCH):
        c.execute("insert into %s.t values " % dbname + " ".join(
            "(%d, %d)" % (1700000000000 + i, i) for i in range(start, start + TMQ_BATCH)))
    yield name
    for _ in range(50):         # the server drops a closed socket's consumer asynchronously
        try:
            c.execute("drop topic if exists %s" % name)
            break
        except taoslink.Error:
            time.sleep(0.05)
    else:
        c.execute("drop topic if exists %s force" % name)
    c.close()


def consumer(sim, group: str) -> "taoslink.Consumer":
    return taoslink.Consumer(ws_dsn(sim, opts="read_timeout=2&connect_timeout=2&conn_retries=3"
                                              "&retry_backoff_ms=50"),
                             **{"group.id": group, "client.id": "faults",
                                "auto.offset.reset": "earliest"})


def consume_rest(cons, committed: list, errors: list, limit: int = 20) -> None:
    """Polls until no message is left, committing each; collects values and errors."""
    for _ in range(limit):
        try:
            m = cons.poll(0.5)
        except taoslink.Error as e:
            errors.append(e)
            continue
        if m is None:
            return
        values = [r[1] for r in m]
        cons.commit(m)
        committed.extend(values)
    raise AssertionError("the consumer did not run dry")


@pytest.mark.parametrize("action", ["poll", "fetch_raw_data"])
def test_tmq_close_mid_poll_resumes_exactly_once(sim, topic, action):
    cons = consumer(sim, "g_" + action)
    try:
        cons.subscribe([topic])
        first = cons.poll(2)
        assert first is not None
        committed = [r[1] for r in first]
        cons.commit(first)
        before = ws_requests(sim, "/rest/tmq")
        sim.fault(kind="ws_close", path="/rest/tmq", action=action)
        t0 = time.monotonic()
        errors: list = []
        consume_rest(cons, committed, errors)
        assert len(errors) == 1 and isinstance(errors[0], taoslink.ConnectionError), errors
        assert errors[0].errno == BROKEN_LINK
        assert sorted(committed) == list(range(TMQ_ROWS))      # no loss, no duplicate
        assert time.monotonic() - t0 < 10
        # it re-subscribed on a new socket (the server's consumer of the old one is gone)
        assert delta(before, ws_requests(sim, "/rest/tmq"), "subscribe") == 1
    finally:
        cons.close()


def test_tmq_close_after_uncommitted_message_redelivers_it(sim, topic):
    cons = consumer(sim, "g_uncommitted")
    try:
        cons.subscribe([topic])
        m1 = cons.poll(2)
        cons.commit(m1)
        committed = [r[1] for r in m1]
        m2 = cons.poll(2)                       # read, never committed
        seen_uncommitted = [r[1] for r in m2]
        assert seen_uncommitted and seen_uncommitted[0] == TMQ_BATCH
        sim.fault(kind="ws_close", path="/rest/tmq", action="poll")
        errors: list = []
        consume_rest(cons, committed, errors)
        assert len(errors) == 1 and errors[0].errno == BROKEN_LINK, errors
        assert sorted(committed) == list(range(TMQ_ROWS))      # m2 delivered again
    finally:
        cons.close()


@pytest.mark.parametrize("kind", ["ws_corrupt", "ws_truncate"])
def test_tmq_protocol_error_does_not_lose_the_message(sim, topic, kind):
    """A corrupt or truncated fetch_raw_data reply fails the poll with a ProtocolError; the
    consumer must not then skip that message: committing later messages would silently drop
    rows the application never received (plugins/ws/consumer.cpp, poll_once)."""
    cons = consumer(sim, "g_" + kind)
    try:
        cons.subscribe([topic])
        first = cons.poll(2)
        committed = [r[1] for r in first]
        cons.commit(first)
        sim.fault(kind=kind, path="/rest/tmq", action="fetch_raw_data")
        errors: list = []
        consume_rest(cons, committed, errors)
        assert len(errors) == 1 and errors[0].errno == PROTOCOL, errors
        assert not isinstance(errors[0], taoslink.ConnectionError)
        missing = sorted(set(range(TMQ_ROWS)) - set(committed))
        assert not missing, "rows %d..%d never delivered, yet committed past" % (missing[0], missing[-1])
        assert sorted(committed) == list(range(TMQ_ROWS))
    finally:
        cons.close()


# -- taosws (taos-ws-py drop-in) over the same faults ----------------------------------------

def test_taosws_dropped_link_and_truncated_block(sim, dbname, wconn):
    import taosws

    c = taosws.connect(ws_dsn(sim))
    try:
        sim.fault(kind="ws_close", path="/ws", action="fetch_raw_block", after_messages=1)
        cur = c.cursor()
        cur.execute("select ts, v, s from %s.t" % dbname)
        with pytest.raises(taosws.FetchError) as ei:     # taos-ws-py: the class of the call
            cur.fetchall()
        assert ei.value.errno == BROKEN_LINK, ei.value     # ... the code says "broken link"
        assert [tuple(r) for r in c.query("select v from %s.t" % dbname)] == [(i,) for i in range(ROWS)]
        sim.fault(kind="ws_truncate", path="/ws", action="fetch_raw_block")
        cur = c.cursor()
        cur.execute("select ts, v, s from %s.t" % dbname)
        with pytest.raises(taosws.FetchError) as ei:
            cur.fetchall()
        assert ei.value.errno == PROTOCOL, ei.value
        cur = c.cursor()
        cur.execute("select count(*) from %s.t" % dbname)
        assert [tuple(r) for r in cur.fetchall()] == [(ROWS,)]
    finally:
        c.close()
