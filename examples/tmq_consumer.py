#!/usr/bin/env python3
"""A TMQ (data subscription) consumer with `taoslink`: subscribe to a topic, poll, commit.

    TAOSLINK_DSN=http://root:taosdata@localhost:6041 python examples/tmq_consumer.py

Consumers use taosAdapter's WebSocket TMQ endpoint (ws://) or taosc (taos://); the example turns
the http:// DSN into ws://. Offsets are committed after each message is processed, so a consumer
that restarts in the same group resumes after the last committed message.
"""
from __future__ import annotations

import os
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import taoslink

BASE = os.environ.get("TAOSLINK_DSN", "http://root:taosdata@localhost:6041")
DB = "example_tmq"
TOPIC = "example_tmq_meters"
ROWS = 20


def ws_dsn(dsn: str) -> str:
    parts = urlsplit(dsn)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    return urlunsplit((scheme,) + tuple(parts[1:]))


def setup(conn: taoslink.Connection) -> None:
    conn.execute(f"drop topic if exists {TOPIC}")
    conn.execute(f"drop database if exists {DB}")
    conn.execute(f"create database {DB} precision 'ms'")
    conn.execute(f"create stable {DB}.meters (ts timestamp, current float, voltage int) tags (site varchar(16))")
    conn.execute(f"create topic {TOPIC} as select ts, current, voltage, site from {DB}.meters where voltage > 0")
    cur = conn.cursor()
    for site in ("north", "south"):
        cur.executemany(f"insert into {DB}.d_{site} using {DB}.meters tags ('{site}') values (?, ?, ?)",
                        [(1700000000000 + i, 10.0 + i, 220 + i) for i in range(ROWS // 2)])


def drop_topic(conn: taoslink.Connection) -> None:
    # The server notices a closed consumer a moment after close() returns; until then the topic
    # counts as subscribed (0x03EB).
    for _ in range(50):
        try:
            conn.execute(f"drop topic if exists {TOPIC}")
            return
        except taoslink.DatabaseError as e:
            if e.errno != 0x03EB:
                raise
            time.sleep(0.1)
    conn.execute(f"drop topic if exists {TOPIC}")


def consume(dsn: str) -> int:
    config = {"group.id": "example_group", "client.id": "example_client", "auto.offset.reset": "earliest",
              "enable.auto.commit": False}
    seen = 0
    with taoslink.Consumer(dsn, **config) as consumer:
        consumer.subscribe([TOPIC])
        deadline = time.monotonic() + 30
        while seen < ROWS and time.monotonic() < deadline:
            msg = consumer.poll(1.0)  # seconds; None when nothing arrived in time
            if msg is None:
                continue
            rows = msg.rows()
            seen += len(rows)
            print(f"  {msg.topic} vgroup {msg.vgroup} offset {msg.offset}: {len(rows)} rows, "
                  f"columns {[f[0] for f in msg.fields]}, first {rows[0] if rows else None}")
            consumer.commit(msg)
        for a in consumer.assignment():
            print(f"  assignment: vgroup {a.vgroup} at {a.offset} (range {a.begin}..{a.end})")
    return seen


def main() -> int:
    dsn = ws_dsn(BASE)
    print(f"== {taoslink.redact_dsn(dsn)}")
    with taoslink.connect(dsn) as conn:
        setup(conn)
        try:
            seen = consume(dsn)
        finally:
            drop_topic(conn)
            conn.execute(f"drop database if exists {DB}")
    print(f"consumed {seen} rows")
    if seen != ROWS:
        print(f"expected {ROWS} rows", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
