#!/usr/bin/env python3
"""taos-ws-py's API (`import taosws`) on taoslink: query, cursor, statement, schemaless, TMQ.

    TAOSLINK_DSN=http://root:taosdata@localhost:6041 python examples/taosws_example.py

Code written for the official taos-ws-py runs unchanged; no Rust extension and no libtaos are
needed. The example turns the http:// DSN into ws://.
"""
from __future__ import annotations

import os
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import taosws

BASE = os.environ.get("TAOSLINK_DSN", "http://root:taosdata@localhost:6041")
DB = "example_taosws"
TOPIC = "example_taosws_topic"


def ws_dsn(dsn: str) -> str:
    parts = urlsplit(dsn)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    return urlunsplit((scheme,) + tuple(parts[1:]))


def write(conn: taosws.Connection) -> None:
    conn.execute(f"create database {DB} precision 'ms'")
    conn.execute(f"use {DB}")
    conn.execute("create stable meters (ts timestamp, current float, voltage int, note nchar(16)) "
                 "tags (site varchar(16))")
    # A statement, bound with taos-ws-py's column builders.
    stmt = conn.statement()
    stmt.prepare("insert into ? using meters tags (?) values (?, ?, ?, ?)")
    stmt.set_tbname_tags("d_north", [taosws.varchar_to_tag("north")])
    stmt.bind_param([
        taosws.millis_timestamps_to_column([1700000000000, 1700000001000, 1700000002000]),
        taosws.floats_to_column([10.5, 11.0, None]),
        taosws.ints_to_column([220, 221, 222]),
        taosws.nchar_to_column(["正常", "ok", None]),
    ])
    stmt.add_batch()
    print(f"statement: {stmt.execute()} rows")
    stmt.close()
    # Schemaless: InfluxDB line protocol into the current database (TDengine creates `events`).
    conn.schemaless_insert(["events,site=south level=3i,text=L\"夜\" 1700000003000"],
                           taosws.PySchemalessProtocol.Line, taosws.PySchemalessPrecision.Millisecond, 0, 0)


def read(conn: taosws.Connection) -> int:
    result = conn.query("select ts, current, voltage, note, site from meters order by ts")
    print(f"fields: {[(f.name(), f.type()) for f in result.fields]}")
    n = 0
    for row in result:  # TIMESTAMP as taos-ws-py's text
        print(f"  {row}")
        n += 1
    # The cursor's parameters use str.format fields; taoslink escapes each value.
    cur = conn.cursor()
    cur.execute("select ts, voltage from meters where site = '{}' and voltage > {}", "north", 220)
    print(f"cursor: {cur.fetchall()}")
    cur.execute("select * from events")
    print(f"schemaless table events: {[d[0] for d in cur.description]} {cur.fetchall()}")
    return n


def consume(dsn: str) -> int:
    parts = urlsplit(dsn)
    consumer = taosws.Consumer(conf={
        "td.connect.websocket.scheme": parts.scheme, "td.connect.ip": parts.hostname,
        "td.connect.port": str(parts.port or 6041), "td.connect.user": parts.username or "root",
        "td.connect.pass": parts.password or "taosdata", "group.id": "example_taosws",
        "auto.offset.reset": "earliest"})
    rows = 0
    try:
        consumer.subscribe([TOPIC])
        deadline = time.monotonic() + 30
        while rows < 3 and time.monotonic() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            for block in msg:
                rows += block.nrows()
                print(f"  TMQ {msg.topic()} vgroup {msg.vgroup()}: {block.fetchall()}")
            consumer.commit(msg)
    finally:
        consumer.close()
    return rows


def drop_topic(conn: taosws.Connection) -> None:
    # The server notices a closed consumer a moment after close() returns; until then the topic
    # counts as subscribed (0x03EB).
    for _ in range(50):
        try:
            conn.execute(f"drop topic if exists {TOPIC}")
            return
        except taosws.QueryError as e:
            if e.errno != 0x03EB:
                raise
            time.sleep(0.1)
    conn.execute(f"drop topic if exists {TOPIC}")


def main() -> int:
    dsn = ws_dsn(BASE)
    conn = taosws.connect(dsn)
    try:
        conn.execute(f"drop topic if exists {TOPIC}")
        conn.execute(f"drop database if exists {DB}")
        write(conn)
        n = read(conn)
        conn.execute(f"create topic {TOPIC} as select ts, current, voltage from {DB}.meters")
        consumed = consume(dsn)
        print(f"queried {n} rows, consumed {consumed}")
        if n != 3 or consumed != 3:
            raise SystemExit("expected 3 rows both ways")
        try:
            conn.query("select * from no_such_table")
        except taosws.QueryError as e:
            print(f"refused as expected: {type(e).__name__} {e}")
        else:
            raise SystemExit("a query on a missing table succeeded")
    finally:
        drop_topic(conn)
        conn.execute(f"drop database if exists {DB}")
        conn.close()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
