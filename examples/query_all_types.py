#!/usr/bin/env python3
"""Every TDengine type written with SQL and read back through `taoslink`, over REST and WebSocket.

    TAOSLINK_DSN=http://root:taosdata@localhost:6041 python examples/query_all_types.py

Prints, per column, the TDengine type, the Python type taoslink returns and the value. The same
DSN with ws:// instead of http:// goes through the WebSocket transport; the values are the same.
"""
from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit

import taoslink

BASE = os.environ.get("TAOSLINK_DSN", "http://root:taosdata@localhost:6041")
DB = "example_all_types"

COLUMNS = [
    ("ts", "timestamp"), ("c_bool", "bool"), ("c_tinyint", "tinyint"), ("c_smallint", "smallint"),
    ("c_int", "int"), ("c_bigint", "bigint"), ("c_utinyint", "tinyint unsigned"),
    ("c_usmallint", "smallint unsigned"), ("c_uint", "int unsigned"), ("c_ubigint", "bigint unsigned"),
    ("c_float", "float"), ("c_double", "double"), ("c_varchar", "varchar(32)"), ("c_nchar", "nchar(16)"),
    ("c_varbinary", "varbinary(16)"), ("c_geometry", "geometry(64)"), ("c_decimal", "decimal(20,4)"),
    ("c_decimal64", "decimal(10,2)"),
]
# One row of SQL literals, in COLUMNS order; the second row is all NULL but the timestamp.
ROW = ("1700000000123", "true", "-8", "-16", "-32", "-9223372036854775808", "255", "65535",
       "4294967295", "18446744073709551615", "10.123", "2.718281828459045", "'hello'", "'温度 ok'",
       "'\\xdeadbeef'", "'POINT(1 2)'", "12345.6789", "-1.50")

TYPE_NAMES: dict = {}
for _name, _code in vars(taoslink.FieldType).items():
    if _name.startswith("C_"):
        TYPE_NAMES.setdefault(_code, _name[2:])  # the first name wins: VARCHAR, not its alias BINARY


def with_scheme(dsn: str, scheme: str) -> str:
    return urlunsplit((scheme,) + tuple(urlsplit(dsn)[1:]))


def setup(conn: taoslink.Connection) -> None:
    conn.execute(f"drop database if exists {DB}")
    conn.execute(f"create database {DB} precision 'ms'")
    cols = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
    conn.execute(f"create stable {DB}.st ({cols}) tags (site varchar(16))")
    conn.execute(f"insert into {DB}.d1 using {DB}.st tags ('north') values ({', '.join(ROW)})")
    conn.execute(f"insert into {DB}.d1 (ts) values (1700000000124)")


def show(conn: taoslink.Connection) -> None:
    cur = conn.cursor()
    cur.execute(f"select * from {DB}.st order by ts")
    rows = cur.fetchall()
    if len(rows) != 2:
        raise SystemExit(f"expected 2 rows, got {len(rows)}")
    for i, d in enumerate(cur.description):
        name, code = d[0], d[1]
        value = rows[0][i]
        print(f"  {name:12} {TYPE_NAMES.get(code, code):18} {type(value).__name__:9} {value!r}")
    nulls = [d[0] for d, v in zip(cur.description, rows[1]) if v is None]
    print(f"  row 2: NULL in {len(nulls)} of {len(rows[1])} columns")
    # A value check, so a wrong conversion fails the example.
    by_name = dict(zip((d[0] for d in cur.description), rows[0]))
    if by_name["c_ubigint"] != 2**64 - 1 or by_name["c_varbinary"] != b"\xde\xad\xbe\xef":
        raise SystemExit(f"unexpected values: {by_name}")


def main() -> int:
    for scheme in ("http", "ws"):
        dsn = with_scheme(BASE, scheme)
        print(f"== {taoslink.redact_dsn(dsn)}")
        with taoslink.connect(dsn) as conn:
            try:
                setup(conn)
                show(conn)
            finally:
                conn.execute(f"drop database if exists {DB}")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
