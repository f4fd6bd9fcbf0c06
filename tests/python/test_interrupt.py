"""Ctrl-C during a long fetch raises KeyboardInterrupt from inside the fetch (checked between
blocks), and the connection stays usable."""

from __future__ import annotations

import signal
import time

import pytest

import taoslink


def test_keyboard_interrupt_between_blocks(sim, conn):
    sim.control("generate", {"db": "interrupt_db", "table": "t", "rows": 200000, "precision": "ms"})
    fired = []

    def on_alarm(signum, frame):
        fired.append(time.monotonic())
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, on_alarm)
    try:
        cur = conn.cursor()
        cur.execute("select * from interrupt_db.t")
        signal.setitimer(signal.ITIMER_REAL, 0.002)
        with pytest.raises(KeyboardInterrupt):
            cur.fetchall()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert fired
    # interrupted inside fetchall, between blocks: some blocks were read, not all
    assert 0 < cur._result.rows_fetched < 200000
    assert cur.rowcount == -1
    assert conn.query("select count(*) from interrupt_db.t").fetchone() == (200000,)
    conn.execute("drop database interrupt_db")
