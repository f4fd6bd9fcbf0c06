#!/usr/bin/env python3
"""Schemaless writes with `taoslink`: InfluxDB line protocol, OpenTSDB telnet and OpenTSDB JSON.

    TAOSLINK_DSN=http://root:taosdata@localhost:6041 python examples/schemaless.py

TDengine creates the super tables, child tables, columns and tags from the data. Over ws:// (and
taos://) the server reports the rows written; over http:// taosAdapter's HTTP routes report
nothing, so schemaless_insert() returns -1 there. Both are shown.
"""
from __future__ import annotations

import json
import os
import sys
from urllib.parse import urlsplit, urlunsplit

import taoslink

BASE = os.environ.get("TAOSLINK_DSN", "http://root:taosdata@localhost:6041")
DB = "example_schemaless"

LINES = [  # measurement,tags fields timestamp (ns by default; here ms, see precision below)
    "weather,city=Paris,sensor=a1 temperature=11.5,humidity=71i,ok=true 1700000000000",
    'weather,city=Oslo,sensor=b7 temperature=-3.25,humidity=88i,note="snow" 1700000001000',
]
TELNET = [  # metric timestamp value tag=value...
    "cpu.load 1700000000 0.75 host=web1 dc=eu",
    "cpu.load 1700000001 0.5 host=web2 dc=eu",
]
JSON_POINTS = [
    {"metric": "disk.used", "timestamp": 1700000000000, "value": 52.5, "tags": {"host": "web1", "mount": "/"}},
    {"metric": "disk.used", "timestamp": 1700000000000, "value": 81.0, "tags": {"host": "web2", "mount": "/"}},
]


def with_scheme(dsn: str, scheme: str) -> str:
    return urlunsplit((scheme,) + tuple(urlsplit(dsn)[1:]))


def write_all(conn: taoslink.Connection) -> None:
    n = conn.schemaless_insert(LINES, protocol="line", precision="ms")
    print(f"  InfluxDB line protocol: {n} rows")
    n = conn.schemaless_insert(TELNET, protocol=taoslink.SmlProtocol.TELNET_PROTOCOL,
                               precision=taoslink.SmlPrecision.SECONDS)
    print(f"  OpenTSDB telnet: {n} rows")
    # OpenTSDB JSON: one string holding a JSON array (or object); the precision comes from the
    # number of digits of each timestamp.
    n = conn.schemaless_insert(json.dumps(JSON_POINTS), protocol="json")
    print(f"  OpenTSDB JSON: {n} rows")


def check(conn: taoslink.Connection) -> None:
    cur = conn.cursor()
    for table, expected in (("weather", 2), ("`cpu.load`", 2), ("`disk.used`", 2)):
        cur.execute(f"select * from {DB}.{table}")
        rows = cur.fetchall()
        print(f"  {table}: columns {[d[0] for d in cur.description]}")
        for r in rows:
            print(f"    {r}")
        if len(rows) != expected:
            raise SystemExit(f"{table}: expected {expected} rows, got {len(rows)}")


def main() -> int:
    for scheme in ("ws", "http"):
        dsn = with_scheme(BASE, scheme)
        print(f"== {taoslink.redact_dsn(dsn)}")
        with taoslink.connect(dsn) as conn:
            conn.execute(f"drop database if exists {DB}")
            conn.execute(f"create database {DB} precision 'ms'")
            try:
                conn.select_db(DB)  # schemaless writes go to the current database
                write_all(conn)
                check(conn)
                # Bad input is a typed error with TDengine's code, never a silent skip.
                try:
                    conn.schemaless_insert(["this is not line protocol"], protocol="line", precision="ms")
                except taoslink.Error as e:
                    print(f"  refused as expected: {type(e).__name__} [0x{e.errno:04x}]")
                else:
                    raise SystemExit("a broken line was accepted")
            finally:
                conn.execute(f"drop database if exists {DB}")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
