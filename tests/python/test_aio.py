"""taoslink.aio over http://, ws:// and taos:// (the fake libtaos): the API, that a stalled
server never blocks the event loop (a ticker keeps ticking), and what cancellation does."""

from __future__ import annotations

import asyncio
import gc
import os
import threading
import time
import urllib.parse
import uuid

import pytest

import taoslink
import taoslink.aio as aio

ON_SIM = not os.environ.get("TAOSLINK_TEST_REST_URL", "").strip()
TAOS_URL = os.environ.get("TAOSLINK_TEST_TAOS_URL", "").strip()
SCHEMES = ["http", "ws"] + (["taos"] if ON_SIM or TAOS_URL else [])
#: The simulator fault that holds the reply to the next statement for ``seconds``, per scheme
#: (the fake libtaos talks WebSocket to the simulator).
STALL = {
    "http": dict(kind="stall", path="/rest/sql"),
    "ws": dict(kind="ws_stall", path="/ws", action="binary_query"),
    "taos": dict(kind="ws_stall", path="/ws", action="binary_query"),
}
ROWS = 3000


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


def dsn_for(scheme: str, request, server) -> str:
    """A DSN without a database for ``scheme``."""
    if scheme == "taos":
        if TAOS_URL:
            return TAOS_URL.rstrip("/")
        request.getfixturevalue("native_lib")
        return "taos://%s:%s@%s:%d" % (urllib.parse.quote(server.user, safe=""),
                                       urllib.parse.quote(server.password, safe=""), server.host, server.port)
    parts = urllib.parse.urlsplit(server.url)
    if scheme == "ws":
        scheme = {"http": "ws", "https": "wss"}[parts.scheme]
    else:
        scheme = parts.scheme
    return urllib.parse.urlunsplit((scheme, parts.netloc, "", "", ""))


@pytest.fixture(params=SCHEMES)
def base(request, server) -> str:
    return dsn_for(request.param, request, server)


@pytest.fixture(params=[s for s in SCHEMES if s != "http"])
def stream_base(request, server) -> str:
    """The schemes with fetch requests, statements and TMQ (all but REST)."""
    return dsn_for(request.param, request, server)


def scheme_of(dsn: str) -> str:
    """The transport of ``dsn``: "http", "ws" or "taos" (TLS variants included)."""
    scheme = dsn.split("://", 1)[0]
    return {"https": "http", "wss": "ws"}.get(scheme, scheme)


async def filled(base: str, db: str) -> "aio.AsyncConnection":
    """A connection to ``db`` holding table t with ROWS rows (v = 0..ROWS-1)."""
    conn = await aio.connect(base)
    await conn.execute("create database %s" % db)
    await conn.execute("create table %s.t (ts timestamp, v int, s varchar(16))" % db)
    cur = conn.cursor()
    await cur.executemany("insert into %s.t values (?, ?, ?)" % db,
                          [(1700000000000 + i, i, "s%d" % i) for i in range(ROWS)])
    assert cur.rowcount == ROWS
    return conn


class Ticker:
    """Records when the loop got to run: the longest gap shows whether something blocked it."""

    def __init__(self, period: float = 0.02) -> None:
        self.period = period
        self.times: list = []
        self._task = None

    async def __aenter__(self) -> "Ticker":
        async def tick():
            while True:
                self.times.append(time.monotonic())
                await asyncio.sleep(self.period)
        self._task = asyncio.get_running_loop().create_task(tick())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc) -> None:
        self._task.cancel()

    @property
    def longest_gap(self) -> float:
        return max(b - a for a, b in zip(self.times, self.times[1:]))


# --- the API ------------------------------------------------------------------------------------

def test_query_fetch_iterate(base, dbname):
    async def main():
        conn = await filled(base, dbname)
        async with conn:
            cur = conn.cursor()
            assert cur.description is None and cur.rowcount == -1 and cur.connection is conn
            assert await cur.execute("select v, s from %s.t order by ts" % dbname) is cur
            assert [d[0] for d in cur.description] == ["v", "s"]
            assert cur.description[0][1] == taoslink.NUMBER
            assert await cur.fetchone() == (0, "s0")
            assert await cur.fetchmany() == [(1, "s1")]
            assert await cur.fetchmany(3) == [(2, "s2"), (3, "s3"), (4, "s4")]
            seen = [row async for row in cur]
            assert seen == [(i, "s%d" % i) for i in range(5, ROWS)]
            assert cur.rowcount == ROWS
            assert await cur.fetchone() is None and await cur.fetchall() == []
            cur2 = await conn.query("select v from %s.t where v < ? order by ts" % dbname, (3,))
            assert await cur2.fetchall() == [(0,), (1,), (2,)]
            cols = await (await conn.query("select v from %s.t" % dbname)).fetch_columns()
            assert sorted(cols["v"]) == list(range(ROWS))
            arrays = await (await conn.query("select v from %s.t order by ts" % dbname)).fetchnumpy()
            assert arrays["v"].tolist() == list(range(ROWS))  # a columnar fetch, forwarded to the lane
            n = await conn.execute("insert into %s.t values (?, ?, ?)" % dbname, (1800000000000, -1, "x"))
            assert n == 1
            await cur.execute("insert into %s.t values (1800000000001, -2, 'y')" % dbname)
            assert cur.description is None and cur.rowcount == 1
            with pytest.raises(taoslink.ProgrammingError):
                await cur.fetchone()  # no result set
            with pytest.raises(taoslink.ProgrammingError):
                await cur.execute("selec 1")
            assert await conn.run_sync(lambda c, sql: c.execute(sql),
                                       "insert into %s.t values (1800000000002, -3, 'z')" % dbname) == 1
            # other fetch_* methods of the sync cursor (the columnar ones) are forwarded to the lane
            threads = []
            cur.sync_cursor.fetch_where = lambda: threads.append(threading.current_thread()) or 7
            assert await cur.fetch_where() == 7 and threads[0] is not threading.current_thread()
            with pytest.raises(AttributeError):
                cur.no_such_method
            with pytest.raises(AttributeError, match="thread"):
                cur.fetch_record_batches  # its reader would fetch on the loop thread
            await conn.select_db(dbname)
            assert conn.database == dbname
            assert await (await conn.query("select count(*) from t")).fetchone() == (ROWS + 3,)
            assert await conn.server_info()
            await conn.commit()
            with pytest.raises(taoslink.NotSupportedError):
                await conn.rollback()
            with pytest.raises(taoslink.NotSupportedError):
                await cur.callproc("p")
            with pytest.raises(taoslink.NotSupportedError):
                await cur.nextset()
            async with conn.cursor() as c3:
                await c3.execute("select 1 from %s.t limit 1" % dbname)
            assert c3.closed
            with pytest.raises(taoslink.InterfaceError):
                await c3.fetchone()
        assert conn.closed
        await conn.close()  # idempotent
        with pytest.raises(taoslink.InterfaceError):
            await conn.execute("select 1")
        with pytest.raises(taoslink.InterfaceError):
            await cur.execute("select 1")
        with pytest.raises(taoslink.InterfaceError):
            conn.cursor()
        await cur.close()
    run(main())


def test_keywords_schemaless_and_errors(server, dbname):
    async def main():
        async with await aio.connect(host=server.host, port=server.port, user=server.user,
                                     password=server.password) as conn:
            await conn.execute("create database %s" % dbname)
            await conn.select_db(dbname)
            n = await conn.schemaless_insert(["sm,loc=a v=1.5 1700000000000"], "line", "ms")
            assert n in (-1, 1)
            assert await (await conn.query("select loc, v from sm")).fetchall() == [("a", 1.5)]
            assert conn.Error is taoslink.Error and conn.ProgrammingError is taoslink.ProgrammingError
            assert "taosdata" not in repr(conn)
        with pytest.raises(taoslink.ConnectionError):
            await aio.connect("http://root:taosdata@127.0.0.1:1?timeout=2")
        with pytest.raises(taoslink.InterfaceError):
            await aio.connect("nope://x")
    run(main())


def test_statement(base, dbname):
    if scheme_of(base) == "http":
        async def rest():
            async with await aio.connect(base) as conn:
                with pytest.raises(taoslink.NotSupportedError):
                    await conn.statement()
        run(rest())
        return

    async def main():
        async with await aio.connect(base) as conn:
            await conn.execute("create database %s" % dbname)
            await conn.execute("create table %s.t (ts timestamp, v int)" % dbname)
            async with await conn.statement("insert into %s.t values (?, ?)" % dbname) as st:
                await st.bind([[1700000000000, 1700000000001], [1, None]], types=["timestamp", "int"])
                await st.add_batch()
                assert await st.execute() == 2
            assert st.closed
            cur = await conn.query("select v from %s.t order by ts" % dbname)
            assert await cur.fetchall() == [(1,), (None,)]
    run(main())


def test_tasks_share_a_connection_in_order(base, dbname):
    async def main():
        async with await filled(base, dbname) as conn:
            async def count(k):
                cur = await conn.query("select count(*) from %s.t where v < ?" % dbname, (k,))
                return (await cur.fetchone())[0]

            assert await asyncio.gather(*(count(k) for k in range(1, 40, 3))) == list(range(1, 40, 3))
    run(main())


# --- the loop is never blocked ------------------------------------------------------------------

@pytest.mark.parametrize("seconds", [1.0])
def test_stalled_query_does_not_block_the_loop(base, sim, dbname, seconds):
    async def main():
        async with await filled(base, dbname) as conn:
            sim.fault(seconds=seconds, **STALL[scheme_of(base)])
            async with Ticker() as ticker:
                t0 = time.monotonic()
                cur = await conn.query("select count(*) from %s.t" % dbname)
                elapsed = time.monotonic() - t0
                assert await cur.fetchone() == (ROWS,)
            assert elapsed >= seconds * 0.9, "the fault did not stall the query: %.2fs" % elapsed
            assert len(ticker.times) >= elapsed / ticker.period / 2
            assert ticker.longest_gap < 0.5, "the loop was blocked for %.2fs" % ticker.longest_gap
    run(main())


def test_connections_run_in_parallel(base, sim, dbname):
    async def main():
        async with await filled(base, dbname) as c1, await aio.connect(base) as c2:
            sim.fault(seconds=1.0, times=2, **STALL[scheme_of(base)])
            t0 = time.monotonic()
            a, b = await asyncio.gather(c1.query("select count(*) from %s.t" % dbname),
                                        c2.query("select count(*) from %s.t" % dbname))
            elapsed = time.monotonic() - t0
            assert await a.fetchone() == (ROWS,) and await b.fetchone() == (ROWS,)
            assert 0.9 <= elapsed < 1.9, "two stalled connections took %.2fs" % elapsed
    run(main())


# --- cancellation -------------------------------------------------------------------------------

def test_cancelled_execute_discards_result_and_keeps_connection(base, sim, dbname):
    async def main():
        async with await filled(base, dbname) as conn:
            cur = conn.cursor()
            await cur.execute("select v from %s.t order by ts" % dbname)
            assert await cur.fetchone() == (0,)
            sim.fault(seconds=1.0, **STALL[scheme_of(base)])
            t0 = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(cur.execute("select count(*) from %s.t" % dbname), 0.2)
            assert time.monotonic() - t0 < 0.8, "the cancelled call did not return at once"
            # the stalled call still owns the connection: the next one waits for it, then runs
            other = await conn.query("select count(*) from %s.t" % dbname)
            assert time.monotonic() - t0 >= 0.9
            assert await other.fetchone() == (ROWS,)
            # the cancelled cursor has no result set (its old rows were discarded) and is usable
            assert cur.description is None and cur.rowcount == -1
            with pytest.raises(taoslink.ProgrammingError):
                await cur.fetchone()
            await cur.execute("select v from %s.t where v < 2 order by ts" % dbname)
            assert await cur.fetchall() == [(0,), (1,)]
    run(main())


def test_cancelled_queued_call_never_runs(base, sim, dbname):
    async def main():
        async with await filled(base, dbname) as conn:
            sim.fault(seconds=1.0, **STALL[scheme_of(base)])
            first = asyncio.ensure_future(conn.query("select count(*) from %s.t" % dbname))
            await asyncio.sleep(0.2)   # the first call is stalled on the lane's thread
            queued = asyncio.ensure_future(conn.execute("insert into %s.t values (1800000000000, -1, 'q')" % dbname))
            await asyncio.sleep(0.1)
            queued.cancel()
            with pytest.raises(asyncio.CancelledError):
                await queued
            assert await (await first).fetchone() == (ROWS,)
            cur = await conn.query("select count(*) from %s.t where v = -1" % dbname)
            assert await cur.fetchone() == (0,), "a cancelled queued insert ran anyway"
    run(main())


def test_abandoned_cursor_is_closed_on_the_lane(stream_base, sim, dbname):
    # A cursor dropped without close() still holds the INSERT statement it bound with; closing
    # that waits on the network, so it must run on the lane, not on the loop behind a stalled call.
    async def main():
        async with await aio.connect(stream_base) as conn:
            await conn.execute("create database %s" % dbname)
            await conn.execute("create table %s.t (ts timestamp, v int)" % dbname)
            cur = conn.cursor()
            await cur.executemany("insert into %s.t values (?, ?)" % dbname, [(1700000000000, 1)])
            sim.fault(seconds=1.0, **STALL[scheme_of(stream_base)])
            first = asyncio.ensure_future(conn.query("select count(*) from %s.t" % dbname))
            await asyncio.sleep(0.2)
            t0 = time.monotonic()
            del cur
            gc.collect()
            await asyncio.sleep(0.05)
            assert time.monotonic() - t0 < 0.5, "the loop waited for the abandoned cursor's close"
            assert not first.done()
            assert await (await first).fetchone() == (1,)
    run(main())


def test_cancelled_fetch_discards_the_result(stream_base, sim, dbname):
    # (REST reads a result in one reply: no fetch request to stall; execute is covered above)
    async def main():
        async with await aio.connect(stream_base) as conn:
            await conn.execute("create database %s" % dbname)
            await conn.execute("create table %s.t (ts timestamp, v int)" % dbname)
            n = 20000
            await conn.cursor().executemany("insert into %s.t values (?, ?)" % dbname,
                                            [(1700000000000 + i, i) for i in range(n)])
            cur = await conn.query("select v from %s.t order by ts" % dbname)
            assert await cur.fetchone() == (0,)
            sim.fault(kind="ws_stall", path="/ws", seconds=1.0)
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(cur.fetchall(), 0.2)
            with pytest.raises(taoslink.ProgrammingError):
                await cur.fetchone()
            again = await conn.query("select v from %s.t order by ts" % dbname)
            assert [r[0] for r in await again.fetchall()] == list(range(n))
    run(main())


def test_cancelled_statement_call_closes_the_statement(stream_base, sim, dbname):
    async def main():
        async with await aio.connect(stream_base) as conn:
            await conn.execute("create database %s" % dbname)
            await conn.execute("create table %s.t (ts timestamp, v int)" % dbname)
            st = await conn.statement("insert into %s.t values (?, ?)" % dbname)
            await st.bind([[1700000000000], [1]], types=["timestamp", "int"])
            await st.add_batch()
            sim.fault(kind="ws_stall", path="/ws", seconds=1.0)  # the next request: the execute
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(st.execute(), 0.2)
            cur = await conn.query("select count(*) from %s.t" % dbname)  # waits for the execute
            assert await cur.fetchone() == (1,)  # the execute ran to its end; only its reply was late
            assert st.closed
            with pytest.raises(taoslink.InterfaceError):
                await st.execute()
            await st.close()
    run(main())


# --- TMQ ----------------------------------------------------------------------------------------

def test_consumer(base, dbname):
    if scheme_of(base) == "http":
        with pytest.raises(taoslink.NotSupportedError):
            run(aio.consumer(base, **{"group.id": "g"}))
        return
    topic = "tp_" + uuid.uuid4().hex[:8]

    async def main():
        async with await aio.connect(base) as conn:
            await conn.execute("create database %s" % dbname)
            await conn.execute("create table %s.t (ts timestamp, v int)" % dbname)
            await conn.execute("create topic %s as select ts, v from %s.t" % (topic, dbname))
            try:
                c = await aio.consumer(base, **{"group.id": "g_" + topic, "auto.offset.reset": "earliest",
                                                "enable.auto.commit": "false"})
                async with c:
                    await c.subscribe([topic])
                    assert topic in await c.list_topics()
                    # nothing to read yet: a cancelled poll returns at once and loses nothing
                    async with Ticker() as ticker:
                        t0 = time.monotonic()
                        with pytest.raises(asyncio.TimeoutError):
                            await asyncio.wait_for(c.poll(), 0.3)
                        assert time.monotonic() - t0 < 0.8
                        assert await c.poll(0.5) is None
                    assert ticker.longest_gap < 0.5, "the loop was blocked for %.2fs" % ticker.longest_gap
                    await conn.execute("insert into %s.t values (1700000000000, 1) (1700000000001, 2) "
                                       "(1700000000002, 3)" % dbname)
                    rows, last = [], None
                    deadline = time.monotonic() + 10
                    async for msg in c:
                        assert msg.topic == topic
                        rows.extend(msg.rows())
                        last = msg
                        if len(rows) >= 3 or time.monotonic() > deadline:
                            break
                    assert sorted(r[1] for r in rows) == [1, 2, 3]
                    await c.commit(last)
                    (a, *_rest) = await c.assignment()
                    assert a.topic == topic and await c.committed(topic, a.vgroup) >= 0
                    await c.seek(topic, a.vgroup, a.begin)
                    assert await c.position(topic, a.vgroup) == a.begin
                    await c.unsubscribe()
                assert c.closed
                with pytest.raises(taoslink.InterfaceError):
                    await c.poll(0.1)
                await c.close()
            finally:
                await conn.execute("drop topic if exists %s force" % topic)
    run(main())


def test_consumer_iteration_ends_when_closed(stream_base, dbname):
    base = stream_base
    topic = "tp_" + uuid.uuid4().hex[:8]

    async def main():
        async with await aio.connect(base) as conn:
            await conn.execute("create database %s" % dbname)
            await conn.execute("create table %s.t (ts timestamp, v int)" % dbname)
            await conn.execute("create topic %s as select ts, v from %s.t" % (topic, dbname))
            try:
                c = await aio.consumer(base, **{"group.id": "g_" + topic})
                await c.subscribe([topic])

                async def drain():
                    return [m async for m in c]

                task = asyncio.ensure_future(drain())
                await asyncio.sleep(0.3)
                await c.close()
                assert await asyncio.wait_for(task, 3) == []
            finally:
                await conn.execute("drop topic if exists %s force" % topic)
    run(main())
