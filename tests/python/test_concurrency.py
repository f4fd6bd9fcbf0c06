"""Threads sharing connections as the documented threadsafety allows (taoslink, taos and taosws:
``threadsafety = 2``, threads share a connection, each with its own cursors and statements),
over http://, ws:// and taos://: every thread's results are its own and correct, nothing
deadlocks (every thread finishes within a bound), and the shared connection is still good after.

CONCURRENCY_THREADS (default 8) and CONCURRENCY_ROUNDS (default 100) scale the load.
"""

from __future__ import annotations

import os
import threading
import uuid

import pytest

import taoslink
from hang_guard import hang_guard

THREADS = int(os.environ.get("CONCURRENCY_THREADS", "8"))
ROUNDS = int(os.environ.get("CONCURRENCY_ROUNDS", "100"))
JOIN_BOUND = 120


@pytest.fixture(autouse=True)
def watchdog():
    with hang_guard(JOIN_BOUND + 60):
        yield


def run_threads(work) -> None:
    """Runs work(i) on THREADS threads; re-raises the first failure; fails on a hang."""
    errors: list = []
    barrier = threading.Barrier(THREADS)

    def body(i):
        try:
            barrier.wait(30)            # all start together: maximum overlap
            work(i)
        except BaseException as e:      # noqa: BLE001 - reported below
            errors.append((i, e))

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_BOUND)
    hung = [t for t in threads if t.is_alive()]
    assert not hung, "%d threads still running after %d s: deadlock?" % (len(hung), JOIN_BOUND)
    if errors:
        raise AssertionError("thread %d failed: %r" % errors[0]) from errors[0][1]


def dsn(server, scheme: str) -> str:
    return "%s://%s:%s@127.0.0.1:%d" % (scheme, server.user, server.password, server.port)


@pytest.fixture
def shared_db(server, dbname):
    with taoslink.connect(server.url) as c:
        c.execute("create database %s" % dbname)
        c.execute("create stable %s.st (ts timestamp, v int, s varchar(20)) tags (th int)" % dbname)
        for i in range(THREADS):
            c.execute("create table %s.c%d using %s.st tags (%d)" % (dbname, i, dbname, i))
    return dbname


@pytest.mark.parametrize("scheme", ["http", "ws", "taos"])
def test_threads_share_one_connection(server, native_lib, shared_db, scheme):
    db = shared_db
    conn = taoslink.connect(dsn(server, scheme))
    try:
        def work(i):
            cur = conn.cursor()
            for r in range(ROUNDS):
                cur.execute("insert into %s.c%d values (?, ?, ?)" % (db, i),
                            (1700000000000 + r, i * 1000 + r, "t%d-r%d" % (i, r)))
                # a query whose answer only this thread knows
                got = conn.query("select count(*), sum(v) from %s.c%d" % (db, i)).fetchone()
                assert got == (r + 1, sum(i * 1000 + k for k in range(r + 1))), (i, r, got)
                rows = cur.execute("select v, s from %s.st where th = ? order by ts desc limit 1" % db,
                                   (i,)).fetchall()
                assert rows == [(i * 1000 + r, "t%d-r%d" % (i, r))], (i, r, rows)
            cur.close()

        run_threads(work)
        total = conn.query("select count(*) from %s.st" % db).fetchone()
        assert total == (THREADS * ROUNDS,)
    finally:
        conn.close()


@pytest.mark.parametrize("scheme", ["ws", "taos"])
def test_threads_share_one_connection_with_statements(server, native_lib, shared_db, scheme):
    db = shared_db
    conn = taoslink.connect(dsn(server, scheme))
    per = 50
    try:
        def work(i):
            with conn.statement("insert into %s.c%d values (?, ?, ?)" % (db, i)) as s:
                for r in range(ROUNDS // 3 or 1):
                    base = r * per
                    s.bind([[1700000000000 + base + k for k in range(per)],
                            [i * 100000 + base + k for k in range(per)],
                            ["t%d" % i] * per], types=["timestamp", "int", "varchar"])
                    s.add_batch()
                    assert s.execute() == per
            n = (ROUNDS // 3 or 1) * per
            got = conn.query("select count(*), min(v), max(v) from %s.c%d" % (db, i)).fetchone()
            assert got == (n, i * 100000, i * 100000 + n - 1), (i, got)

        run_threads(work)
    finally:
        conn.close()


def test_threads_each_with_own_connection_all_transports(server, native_lib, shared_db):
    """Connections opened and closed concurrently, on every transport at once."""
    db = shared_db
    schemes = ["http", "ws", "taos"]

    def work(i):
        for r in range(max(ROUNDS // 5, 2)):
            with taoslink.connect(dsn(server, schemes[(i + r) % 3]) + "/" + db) as c:
                c.execute("insert into c%d values (%d, %d, 'x')" % (i, 1800000000000 + r, r))
                assert c.query("select count(*) from c%d where ts >= 1800000000000" % i).fetchone() == (r + 1,)

    run_threads(work)


def test_taosws_and_taos_modules_share_connections(server, taos_args, shared_db):
    import taos
    import taosws
    db = shared_db
    wc = taosws.connect(dsn(server, "ws"))
    tc = taos.connect(**taos_args)
    try:
        def work(i):
            for r in range(ROUNDS // 3 or 1):
                if i % 2:
                    cur = wc.cursor()
                    cur.execute("select count(*) from " + db + ".st where th = {}", i)
                    assert [tuple(x) for x in cur.fetchall()] == [(0,)]
                else:
                    got = tc.query("select count(*) from %s.st where th = %d" % (db, i)).fetch_all()
                    assert [tuple(x) for x in got] == [(0,)]
                v = "%s-%d-%d" % (uuid.uuid4().hex[:6], i, r)
                if i % 2:
                    cur = wc.cursor()
                    cur.execute("select {}", v)
                    assert [tuple(x) for x in cur.fetchall()] == [(v,)]
                else:
                    assert [tuple(x) for x in tc.query("select '%s'" % v).fetch_all()] == [(v,)]

        run_threads(work)
    finally:
        wc.close()
        tc.close()


# -- SQLAlchemy's pool under load (the dialects of python/taoslink/sqlalchemy) ---------------------

@pytest.mark.parametrize("kind", ["taosrest", "taosws", "taos"])
def test_sqlalchemy_pool_under_load(server, native_lib, shared_db, kind):
    sa = pytest.importorskip("sqlalchemy")
    db = shared_db
    eng = sa.create_engine("%s://%s:%s@127.0.0.1:%d/%s" % (kind, server.user, server.password, server.port, db),
                           pool_size=3, max_overflow=1, pool_timeout=60, pool_pre_ping=True)
    try:
        def work(i):
            for r in range(ROUNDS // 2 or 1):
                with eng.begin() as c:
                    c.execute(sa.text("insert into c%d values (:ts, :v, :s)" % i),
                              {"ts": 1900000000000 + r, "v": r, "s": "p%d-%d" % (i, r)})
                with eng.connect() as c:
                    got = c.execute(sa.text("select count(*), max(v) from c%d where ts >= 1900000000000" % i)).one()
                    assert tuple(got) == (r + 1, r), (i, r, got)
                    s = c.execute(sa.text("select s from c%d where ts = :ts" % i), {"ts": 1900000000000 + r}).scalar()
                    assert s == "p%d-%d" % (i, r), (i, r, s)

        run_threads(work)
        assert eng.pool.checkedout() == 0
        assert eng.pool.size() == 3
    finally:
        eng.dispose()
