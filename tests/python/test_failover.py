"""Failover and reconnect under repeated drops.

* A TMQ consumer (ws://, and taos:// over the fake libtaos) whose socket is dropped again and
  again during poll, fetch and commit neither loses a row nor gets a committed row again.
* A long-running loop of queries (http://, ws://, taos://) keeps working across restarts of the
  simulator process on the same port: while it is down every call fails typed and fast, and once
  it is back the same connection answers correctly again.

Simulator only; loopback only. FAILOVER_RESTARTS (default 3) sets the number of restarts.
"""

from __future__ import annotations

import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

import taoslink
from child_env import child_env
from hang_guard import hang_guard

SIM = Path(__file__).resolve().parents[2] / "tests" / "sim" / "run_sim.py"

pytestmark = pytest.mark.skipif(bool(os.environ.get("TAOSLINK_TEST_REST_URL", "").strip()),
                                reason="fault injection and restarts need the simulator")

RESTARTS = int(os.environ.get("FAILOVER_RESTARTS", "3"))
WS_OPTS = "read_timeout=2&connect_timeout=2&conn_retries=3&retry_backoff_ms=50&retry_backoff_max_ms=200"


@pytest.fixture(autouse=True)
def watchdog():
    with hang_guard(240):
        yield


def dsn(port: int, transport: str) -> str:
    base = "%s://root:taosdata@127.0.0.1:%d" % (transport, port)
    if transport == "http":
        return base + "?read_timeout=2&connect_timeout=2"
    if transport == "ws":
        return base + "?" + WS_OPTS
    return base


# -- TMQ: repeated drops ----------------------------------------------------------------------

BATCHES, BATCH = 8, 4096            # the simulator puts up to 4096 rows in a message


@pytest.mark.parametrize("transport", ["ws", "taos"])
def test_consumer_survives_repeated_drops_exactly_once(sim, dbname, native_lib, transport):
    topic = "fo_" + uuid.uuid4().hex[:8]
    with taoslink.connect(dsn(sim.port, "ws")) as c:
        c.execute("create database %s" % dbname)
        c.execute("create table %s.t (ts timestamp, v int)" % dbname)
        c.execute("create topic %s as select ts, v from %s.t" % (topic, dbname))
        for b in range(BATCHES):                    # one message per insert
            c.execute("insert into %s.t values " % dbname + " ".join(
                "(%d, %d)" % (1700000000000 + i, i) for i in range(b * BATCH, (b + 1) * BATCH)))
    rng = random.Random(7)
    actions = ["poll", "fetch_raw_data", "commit"]
    cons = taoslink.Consumer(dsn(sim.port, transport),
                             **{"group.id": "g_" + uuid.uuid4().hex[:6], "auto.offset.reset": "earliest"})
    committed, unsure, errors, dry = [], [], [], 0
    drops = 0
    try:
        cons.subscribe([topic])
        for _ in range(400):
            if drops < BATCHES and rng.random() < 0.5:      # about every other step: a drop
                sim.fault(kind="ws_close", path="/rest/tmq", action=rng.choice(actions))
                drops += 1
            try:
                m = cons.poll(0.5)
            except taoslink.Error as e:
                errors.append(e)
                sim.clear_faults()
                continue
            if m is None:
                sim.clear_faults()      # an unfired drop must not hit a later step by surprise
                dry += 1
                if dry >= 3 and len(set(committed) | set(unsure)) >= BATCHES * BATCH:
                    break
                continue
            dry = 0
            values = [r[1] for r in m]
            try:
                cons.commit(m)
                committed.extend(values)
            except taoslink.Error as e:
                errors.append(e)
                unsure.extend(values)
            sim.clear_faults()
    finally:
        sim.clear_faults()
        cons.close()
    assert errors, "no drop ever fired: the test tested nothing"
    for e in errors:
        assert isinstance(e, taoslink.OperationalError), repr(e)
    everything = list(range(BATCHES * BATCH))
    assert sorted(set(committed) | set(unsure)) == everything, "rows lost"
    dup = len(committed) - len(set(committed))
    assert dup == 0, "%d committed rows were delivered and committed again" % dup
    print("tmq %s: %d drops armed, %d errors, %d rows committed, %d in doubt"
          % (transport, drops, len(errors), len(committed), len(unsure)))
    with taoslink.connect(dsn(sim.port, "ws")) as c:
        for _ in range(50):
            try:
                c.execute("drop topic if exists %s force" % topic)
                break
            except taoslink.Error:
                time.sleep(0.05)


# -- queries across simulator restarts ----------------------------------------------------------

def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class SimProcess:
    """A simulator subprocess on a fixed port, restartable (its store is lost each time)."""

    def __init__(self, port: int):
        self.port = port
        self.proc = None

    def start(self) -> None:
        deadline = time.monotonic() + 20
        while True:         # the port may linger briefly after the previous process
            self.proc = subprocess.Popen([sys.executable, str(SIM), "--port", str(self.port)],
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         env=child_env(instrumented=False))
            line = self.proc.stdout.readline().decode()
            if re.search(r"listening on .*:%d" % self.port, line):
                threading.Thread(target=lambda p=self.proc: [None for _ in p.stdout], daemon=True).start()
                return
            self.proc.wait()
            if time.monotonic() > deadline:
                raise RuntimeError("the simulator did not start on port %d" % self.port)
            time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def test_query_loop_survives_server_restarts(native_lib):
    port = _free_port()
    sim = SimProcess(port)
    sim.start()
    conns = {}
    stats = {t: {"ok": 0, "errors": 0, "wrong": []} for t in ("http", "ws", "taos")}
    stop = threading.Event()
    worst: dict = {t: 0.0 for t in stats}

    def loop(transport: str) -> None:
        c = conns[transport]
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                row = c.query("select server_version()").fetchone()
                if row != ("3.3.6.0",):
                    stats[transport]["wrong"].append(row)
                stats[transport]["ok"] += 1
            except taoslink.OperationalError:
                stats[transport]["errors"] += 1
                time.sleep(0.05)
            except Exception as e:      # anything else is a failure of the test
                stats[transport]["wrong"].append(repr(e))
            worst[transport] = max(worst[transport], time.monotonic() - t0)

    try:
        for t in stats:
            conns[t] = taoslink.connect(dsn(port, t))
        threads = [threading.Thread(target=loop, args=(t,)) for t in stats]
        for th in threads:
            th.start()
        for _ in range(RESTARTS):
            time.sleep(1.0)
            sim.stop()
            time.sleep(0.7)             # down for a while: calls fail typed, fast
            sim.start()
        ok_before = {t: stats[t]["ok"] for t in stats}
        time.sleep(2.5)                 # after the last restart every loop answers again
        stop.set()
        for th in threads:
            th.join(30)
        assert not any(th.is_alive() for th in threads), "a query loop hung"
        print("restarts: %d; per transport ok/errors/slowest call: %s" % (RESTARTS, {
            t: (s["ok"], s["errors"], round(worst[t], 2)) for t, s in stats.items()}))
        for t, s in stats.items():
            assert not s["wrong"], (t, s["wrong"][:3])
            assert s["ok"] > ok_before[t], "%s never recovered after the last restart: %r" % (t, s)
            assert s["errors"] > 0, "%s saw no error while the server was down: %r" % (t, s)
            # ws and taos retry with back-off; no call hangs on a dead server
            assert worst[t] < 6.0, (t, worst[t])
    finally:
        stop.set()
        for c in conns.values():
            c.close()
        sim.stop()
