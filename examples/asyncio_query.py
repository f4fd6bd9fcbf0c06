#!/usr/bin/env python3
"""taoslink.aio: queries and a TMQ consumer from asyncio, without blocking the event loop.

    TAOSLINK_DSN=http://root:taosdata@127.0.0.1:6041 python examples/asyncio_query.py

The base DSN's host, port and credentials are used over ws:// (statements, TMQ) and over the
DSN's own scheme (queries). Works in its own database, dropped at the end; exits 0 on success.
"""
from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import taoslink
import taoslink.aio

DB = "aio_example_" + uuid.uuid4().hex[:8]
TOPIC = "aio_topic_" + uuid.uuid4().hex[:8]


def as_ws(dsn: str) -> str:
    """The same server over taosAdapter's WebSocket API (ws://, or wss:// for https://)."""
    parts = urlsplit(dsn)
    scheme = {"https": "wss", "wss": "wss"}.get(parts.scheme, "ws")
    return urlunsplit((scheme, parts.netloc, "", "", ""))


async def heartbeat(beats: list) -> None:
    """Proves the loop stays free: it keeps running while the queries wait on the network."""
    while True:
        beats.append(time.monotonic())
        await asyncio.sleep(0.01)


async def load(base: str) -> None:
    async with await taoslink.aio.connect(base) as conn:
        await conn.execute(f"create database {DB}")
        await conn.execute(f"create stable {DB}.meters (ts timestamp, current float, voltage int) "
                           "tags (location varchar(32))")
        for i, city in enumerate(["Paris", "Tokyo", "Lima"]):
            await conn.execute(f"create table {DB}.d{i} using {DB}.meters tags (?)", (city,))
            rows = [(1700000000000 + k * 1000, 10.0 + k, 220 + k % 5) for k in range(100)]
            await conn.cursor().executemany(f"insert into {DB}.d{i} values (?, ?, ?)", rows)


async def query_many(base: str) -> None:
    """Three queries at once, one connection each (calls on one connection run in order)."""
    async def per_city(city: str) -> tuple:
        async with await taoslink.aio.connect(base) as conn:
            cur = await conn.query(f"select count(*), avg(voltage) from {DB}.meters where location = ?", (city,))
            count, avg = await cur.fetchone()
            return city, count, avg

    for city, count, avg in await asyncio.gather(*(per_city(c) for c in ["Paris", "Tokyo", "Lima"])):
        print(f"{city:6} rows={count} avg voltage={avg:.1f}")

    async with await taoslink.aio.connect(base) as conn:
        cur = await conn.query(f"select ts, current from {DB}.d0 order by ts limit 3")
        async for ts, current in cur:
            print(f"d0 {ts.isoformat()} current={current}")
        try:
            await asyncio.wait_for(conn.query(f"select count(*) from {DB}.meters"), timeout=10)
        except asyncio.TimeoutError:
            print("the query took more than 10 s (cancelled; the connection stays usable)")


async def consume(ws: str) -> None:
    async with await taoslink.aio.connect(ws) as conn:
        await conn.execute(f"create topic {TOPIC} as select ts, voltage from {DB}.d1")
    try:
        async with await taoslink.aio.consumer(ws, **{"group.id": "aio_example",
                                                      "auto.offset.reset": "earliest"}) as consumer:
            await consumer.subscribe([TOPIC])
            rows = 0
            deadline = time.monotonic() + 15
            while rows < 100 and time.monotonic() < deadline:
                msg = await consumer.poll(timeout=1.0)
                if msg is not None:
                    rows += msg.row_count
                    await consumer.commit(msg)
            print(f"TMQ: consumed {rows} rows from {TOPIC}")
            if rows < 100:
                raise SystemExit("TMQ: expected 100 rows, got %d" % rows)
    finally:
        async with await taoslink.aio.connect(ws) as conn:
            await conn.execute(f"drop topic if exists {TOPIC}")


async def main() -> int:
    base = os.environ.get("TAOSLINK_DSN", "http://root:taosdata@127.0.0.1:6041")
    print(f"server: {taoslink.redact_dsn(base)}")
    beats: list = []
    ticker = asyncio.ensure_future(heartbeat(beats))
    try:
        await load(base)
        await query_many(base)
        await consume(as_ws(base))
    finally:
        ticker.cancel()
        async with await taoslink.aio.connect(base) as conn:
            await conn.execute(f"drop database if exists {DB}")
    gap = max((b - a for a, b in zip(beats, beats[1:])), default=0.0)
    print(f"event loop: {len(beats)} heartbeats, longest gap {gap * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
