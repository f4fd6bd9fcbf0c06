"""Soak: sustained queries and inserts against the simulator on every transport at once, with this
process's memory checked flat. Loopback only, bounded in time: SOAK_SECONDS (default 40).

One thread per transport (http://, ws://, taos://) loops: a parameterised insert, a bounded
select checked for its exact answer, a statement insert (ws, taos), a schemaless insert (ws),
and every 50 rounds a new connection. RSS (VmRSS from /proc/self/status) is sampled every
0.5 s. The first third of the run is warm-up (plugins loaded, pools, allocator arenas, caches);
over the rest the least-squares growth of RSS must stay under SOAK_MAX_GROWTH_KB (default 6144):
a leak of even 100 bytes per round (tens of thousands of rounds) would pass that, while
allocator noise (glibc arenas per thread, pymalloc pools) stays within a few MB. Under ASan
(`make asan-test`) each sample first hands ASan's quarantine of freed blocks back
(child_env.release_freed_memory), so the same bound applies to what is still allocated.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

import taoslink
from child_env import release_freed_memory

SECONDS = float(os.environ.get("SOAK_SECONDS", "40"))
MAX_GROWTH_KB = float(os.environ.get("SOAK_MAX_GROWTH_KB", "6144"))


def rss_kb() -> int:
    release_freed_memory()
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def slope(points: list) -> float:
    """Least-squares slope of [(t, y)]."""
    n = len(points)
    mt = sum(t for t, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((t - mt) ** 2 for t, _ in points) or 1.0
    return sum((t - mt) * (y - my) for t, y in points) / den


def test_soak_memory_flat(server, native_lib, dbname):
    schemes = ["http", "ws", "taos"]
    base = {s: "%s://%s:%s@127.0.0.1:%d/%s" % (s, server.user, server.password, server.port, dbname)
            for s in schemes}
    with taoslink.connect(server.url) as c:
        c.execute("create database %s" % dbname)
        for s in schemes:
            c.execute("create table %s.t_%s (ts timestamp, v int, s varchar(32))" % (dbname, s))
            c.execute("create table %s.st_%s (ts timestamp, v int, s varchar(32))" % (dbname, s))
    stop = threading.Event()
    rounds = {s: 0 for s in schemes}
    errors: list = []

    def loop(scheme: str) -> None:
        conn = taoslink.connect(base[scheme])
        try:
            r = 0
            while not stop.is_set():
                ts = 1700000000000 + r
                conn.execute("insert into t_%s values (?, ?, ?)" % scheme, (ts, r, "v%d" % r))
                got = conn.query("select v, s from t_%s where ts = ?" % scheme, (ts,)).fetchall()
                assert got == [(r, "v%d" % r)], (scheme, r, got)
                tail = conn.query("select v from t_%s order by ts desc limit 20" % scheme).fetchall()
                assert tail[0] == (r,) and len(tail) == min(r + 1, 20), (scheme, r, tail[:2])
                if scheme != "http":
                    with conn.statement("insert into st_%s values (?, ?, ?)" % scheme) as st:
                        st.bind([[ts], [r], ["s%d" % r]], types=["timestamp", "int", "varchar"])
                        st.add_batch()
                        assert st.execute() == 1
                if scheme == "ws":
                    conn.schemaless_insert(["sml,k=a v=%di %d" % (r, ts)], taoslink.SmlProtocol.LINE_PROTOCOL, "ms")
                r += 1
                rounds[scheme] = r
                if r % 50 == 0:
                    conn.close()
                    conn = taoslink.connect(base[scheme])
        except BaseException as e:      # noqa: BLE001 - reported by the test
            errors.append((scheme, e))
            stop.set()
        finally:
            conn.close()

    threads = [threading.Thread(target=loop, args=(s,), daemon=True) for s in schemes]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    samples = []
    while time.monotonic() - t0 < SECONDS and not stop.is_set():
        time.sleep(0.5)
        samples.append((time.monotonic() - t0, rss_kb(), sum(rounds.values())))
    stop.set()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a soak loop hung"
    assert not errors, errors[0]
    measured = [(t, kb) for t, kb, _ in samples if t >= SECONDS / 3]
    assert len(measured) >= 10, samples
    growth = slope(measured) * (measured[-1][0] - measured[0][0])
    ops = samples[-1][2] - next(n for t, _, n in samples if t >= SECONDS / 3)
    print("soak: %.0f s, rounds %r, RSS %d -> %d kB, fitted growth over the measured window %.0f kB "
          "(%.1f bytes per round)" % (SECONDS, rounds, samples[0][1], samples[-1][1], growth,
                                       growth * 1024 / max(ops, 1)))
    assert min(rounds.values()) >= 20, rounds
    assert growth < MAX_GROWTH_KB, "RSS grew %.0f kB over %d rounds" % (growth, ops)
