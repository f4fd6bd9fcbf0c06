#!/usr/bin/env python3
"""Loading many rows fast: taoslink.bulk.insert() writes a pandas DataFrame (or a pyarrow Table,
or a dict of numpy arrays) through prepared statements, whole columns at a time, into the child
tables of a super table (docs/columnar.md).

    TAOSLINK_DSN=http://root:taosdata@localhost:6041 python examples/bulk_insert.py

Statements need ws:// (or taos://), so the example turns the http:// DSN into ws://; over http://
bulk.insert() still works, with client-side INSERT statements. Needs numpy and pandas; tqdm shows
a progress bar when installed.
"""
from __future__ import annotations

import os
import time
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pandas as pd

import taoslink
import taoslink.bulk

BASE = os.environ.get("TAOSLINK_DSN", "http://root:taosdata@localhost:6041")
DB = "example_bulk"
ROWS = 200_000


def ws_dsn(dsn: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(({"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme),) + tuple(parts[1:]))


def main() -> None:
    rng = np.random.default_rng(7)
    devices = np.array(["d%02d" % (i % 20) for i in range(ROWS)], dtype=object)
    df = pd.DataFrame({
        "ts": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(np.arange(ROWS) // 20, unit="s"),
        "current": rng.normal(10, 1, ROWS).astype("float32"),
        "voltage": pd.array(np.where(np.arange(ROWS) % 50 == 0, None, rng.integers(210, 230, ROWS)), dtype="Int32"),
        "device": devices,                                  # names each row's child table
        "location": ["room-%d" % (int(d[1:]) % 5) for d in devices],   # a tag
    })
    with taoslink.connect(ws_dsn(BASE)) as conn:
        conn.execute("drop database if exists %s" % DB)
        conn.execute("create database %s" % DB)
        try:
            conn.execute("create stable %s.meters (ts timestamp, current float, voltage int) "
                         "tags (location varchar(16))" % DB)
            t0 = time.perf_counter()
            written = taoslink.bulk.insert(conn, "%s.meters" % DB, df, tbname="device", tags=["location"],
                                           progress=_has_tqdm())
            seconds = time.perf_counter() - t0
            print("inserted %d rows into 20 child tables in %.2f s (%.0f rows/s)" % (written, seconds, written / seconds))
            cur = conn.cursor()
            cur.execute("select count(*), count(voltage) from %s.meters" % DB)
            total, volts = cur.fetchone()
            assert total == ROWS and volts == ROWS - ROWS // 50, (total, volts)
            print("read back: %d rows, %d voltages (every 50th row was NULL)" % (total, volts))
        finally:
            conn.execute("drop database if exists %s" % DB)


def _has_tqdm() -> bool:
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
