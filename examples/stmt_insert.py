#!/usr/bin/env python3
"""Prepared-statement inserts with `taoslink`: one row at a time, many rows per column, all types.

    TAOSLINK_DSN=http://root:taosdata@localhost:6041 python examples/stmt_insert.py

Statements need the WebSocket (ws://) or native (taos://) transport; REST has none, so the
example turns the http:// DSN into ws://. Values are bound, never formatted into SQL text.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import taoslink

BASE = os.environ.get("TAOSLINK_DSN", "http://root:taosdata@localhost:6041")
DB = "example_stmt"

# Column name, the type in CREATE, the type name given to bind().
COLUMNS = [
    ("ts", "timestamp", "timestamp"), ("c_bool", "bool", "bool"), ("c_tinyint", "tinyint", "tinyint"),
    ("c_smallint", "smallint", "smallint"), ("c_int", "int", "int"), ("c_bigint", "bigint", "bigint"),
    ("c_utinyint", "tinyint unsigned", "tinyint unsigned"),
    ("c_usmallint", "smallint unsigned", "smallint unsigned"), ("c_uint", "int unsigned", "int unsigned"),
    ("c_ubigint", "bigint unsigned", "bigint unsigned"), ("c_float", "float", "float"),
    ("c_double", "double", "double"), ("c_varchar", "varchar(32)", "varchar"), ("c_nchar", "nchar(16)", "nchar"),
    ("c_varbinary", "varbinary(16)", "varbinary"), ("c_geometry", "geometry(64)", "geometry"),
    ("c_decimal64", "decimal(10,2)", "decimal(10,2)"),
]
TYPES = [t for _, _, t in COLUMNS]
POINT_1_2 = bytes.fromhex("0101000000000000000000f03f0000000000000040")  # WKB of POINT(1 2)


def ws_dsn(dsn: str) -> str:
    parts = urlsplit(dsn)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    return urlunsplit((scheme,) + tuple(parts[1:]))


def row(i: int) -> list:
    """One row of values, in COLUMNS order: ints, floats, str, bytes, Decimal, datetime."""
    ts = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=i)
    return [ts, i % 2 == 0, -i, 1000 + i, 100000 + i, 2**40 + i, i, 60000 + i, 4000000000 + i,
            2**64 - 1 - i, 1.5 + i, 1e100 * (i + 1), f"row {i}", f"第{i}行", bytes([i, 0, 255]), POINT_1_2,
            Decimal(f"{i}.25")]


def main() -> int:
    dsn = ws_dsn(BASE)
    print(f"== {taoslink.redact_dsn(dsn)}")
    with taoslink.connect(dsn) as conn:
        conn.execute(f"drop database if exists {DB}")
        conn.execute(f"create database {DB} precision 'ms'")
        try:
            cols = ", ".join(f"{name} {kind}" for name, kind, _ in COLUMNS)
            conn.execute(f"create stable {DB}.meters ({cols}) tags (site nchar(16), rack int)")

            with conn.statement(f"insert into ? using {DB}.meters tags (?, ?) values "
                                f"({', '.join('?' * len(COLUMNS))})") as stmt:
                # Row binding: one row per bind_rows() call (a list of rows also works).
                stmt.set_tbname(f"{DB}.d_rows")
                stmt.set_tags(["北区", 1], types=["nchar", "int"])
                for i in range(3):
                    stmt.bind_rows([row(i)], types=TYPES)
                    stmt.add_batch()
                print(f"row binding: {stmt.execute()} rows")

                # Column binding: one list per column, many rows in one bind(); None is NULL.
                stmt.set_tbname(f"{DB}.d_columns")
                stmt.set_tags(["south", 2], types=["nchar", "int"])
                rows = [row(i) for i in range(10, 15)] + [[row(15)[0]] + [None] * (len(COLUMNS) - 1)]
                columns = [list(c) for c in zip(*rows)]
                stmt.bind(columns, types=TYPES, names=[n for n, _, _ in COLUMNS])
                stmt.add_batch()
                print(f"column binding: {stmt.execute()} rows")

            # A wrong value is refused before anything is sent, with the column and row named.
            with conn.statement(f"insert into {DB}.d_rows (ts, c_int) values (?, ?)") as stmt:
                try:
                    stmt.bind([[1704067300000], ["not a number"]], types=["timestamp", "int"], names=["ts", "c_int"])
                except taoslink.ProgrammingError as e:
                    print(f"refused as expected: {e}")
                else:
                    raise SystemExit("a str bound to an INT column was accepted")

            cur = conn.cursor()
            cur.execute(f"select tbname, count(*) from {DB}.meters partition by tbname order by tbname")
            counts = dict(cur.fetchall())
            print(f"rows per table: {counts}")
            if counts != {"d_columns": 6, "d_rows": 3}:
                raise SystemExit(f"unexpected counts {counts}")
            cur.execute(f"select * from {DB}.d_columns order by ts limit 1")
            first = cur.fetchone()
            for d, value in zip(cur.description, first):
                print(f"  {d[0]:12} {value!r}")
            if list(first[1:]) != row(10)[1:]:
                raise SystemExit(f"read back {first}, bound {row(10)}")
        finally:
            conn.execute(f"drop database if exists {DB}")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
