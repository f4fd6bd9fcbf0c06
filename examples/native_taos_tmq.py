#!/usr/bin/env python3
"""taospy's native TMQ consumer (`taos.tmq.Consumer`) on taoslink: subscribe, poll, commit.

    TAOSLINK_LIBTAOS=/usr/local/taos/driver/libtaos.so \
    TAOSLINK_DSN=http://root:taosdata@localhost:6041 python examples/native_taos_tmq.py

As in taospy, every configuration value is a str and `group.id` is required. libtaos is found as
in native_taos_query.py (TAOSLINK_LIBTAOS, the system path, ...); TAOSLINK_TAOS_PORT overrides
the port taken from TAOSLINK_DSN.
"""
from __future__ import annotations

import os
import sys
import time
from urllib.parse import unquote, urlsplit

import taos
from taos.tmq import Consumer

BASE = urlsplit(os.environ.get("TAOSLINK_DSN", "http://root:taosdata@localhost:6041"))
PORT = int(os.environ.get("TAOSLINK_TAOS_PORT", BASE.port or 6030))
USER = unquote(BASE.username or "root")
PASSWORD = unquote(BASE.password or "taosdata")
DB = "example_native_tmq"
TOPIC = "example_native_tmq_topic"
ROWS = 6


def setup(conn: taos.TaosConnection) -> None:
    conn.execute(f"drop topic if exists {TOPIC}")
    conn.execute(f"drop database if exists {DB}")
    conn.execute(f"create database {DB} precision 'ms'")
    conn.execute(f"create table {DB}.events (ts timestamp, level int, text nchar(16))")
    values = " ".join(f"({1700000000000 + i}, {i}, 'event {i}')" for i in range(ROWS))
    conn.execute(f"insert into {DB}.events values {values}")
    conn.execute(f"create topic {TOPIC} as select ts, level, text from {DB}.events")


def drop_topic(conn: taos.TaosConnection) -> None:
    # The server notices a closed consumer a moment after close() returns; until then the topic
    # counts as subscribed (0x03EB).
    for _ in range(50):
        try:
            conn.execute(f"drop topic if exists {TOPIC}")
            return
        except taos.error.ProgrammingError as e:
            if e.errno & 0xFFFF != 0x03EB:
                raise
            time.sleep(0.1)
    conn.execute(f"drop topic if exists {TOPIC}")


def consume() -> int:
    consumer = Consumer({
        "td.connect.ip": BASE.hostname or "localhost", "td.connect.port": str(PORT),
        "td.connect.user": USER, "td.connect.pass": PASSWORD,
        "group.id": "example_native", "client.id": "example_native_1", "auto.offset.reset": "earliest",
        "enable.auto.commit": "false",
    })
    rows = 0
    try:
        consumer.subscribe([TOPIC])
        deadline = time.monotonic() + 30
        while rows < ROWS and time.monotonic() < deadline:
            msg = consumer.poll(1.0)  # seconds
            if msg is None:
                continue
            if msg.error() is not None:
                raise SystemExit(f"consumer error: {msg.error()}")
            for block in msg:
                rows += block.nrows()
                print(f"  {msg.topic()} vgroup {msg.vgroup()}: {[f.name for f in block.fields()]} {block.fetchall()}")
            consumer.commit(msg)
        for tp in consumer.assignment() or []:
            print(f"  assignment: {tp}")
    finally:
        consumer.close()
    return rows


def main() -> int:
    try:
        conn = taos.connect(host=BASE.hostname, port=PORT, user=USER, password=PASSWORD)
    except taos.error.InterfaceError as e:  # no libtaos.so on this machine
        print(f"cannot load taosc: {e}", file=sys.stderr)
        return 1
    try:
        setup(conn)
        rows = consume()
    finally:
        drop_topic(conn)
        conn.execute(f"drop database if exists {DB}")
        conn.close()
    print(f"consumed {rows} rows")
    if rows != ROWS:
        print(f"expected {ROWS} rows", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
