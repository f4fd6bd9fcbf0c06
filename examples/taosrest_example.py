#!/usr/bin/env python3
"""taospy's REST API (`import taosrest`) on taoslink: connection, cursor, Result, RestClient.

    TAOSLINK_DSN=http://root:taosdata@localhost:6041 python examples/taosrest_example.py

Code written for taospy's taosrest runs unchanged; `requests`, `iso8601` and `pytz` are not
needed. Two differences show here (docs/compat.md §2): cursor parameters are honoured (%s,
escaped), and fetchmany(n) returns a list of up to n rows.
"""
from __future__ import annotations

import os
import sys
from urllib.parse import unquote, urlsplit

import taosrest

BASE = urlsplit(os.environ.get("TAOSLINK_DSN", "http://root:taosdata@localhost:6041"))
URL = f"{BASE.scheme}://{BASE.hostname}:{BASE.port or 6041}"
USER = unquote(BASE.username or "root")
PASSWORD = unquote(BASE.password or "taosdata")
DB = "example_taosrest"


def main() -> int:
    conn = taosrest.connect(url=URL, user=USER, password=PASSWORD, timezone="UTC")
    print(f"server {conn.server_info}")
    try:
        conn.execute(f"drop database if exists {DB}")
        conn.execute(f"create database {DB}")
        conn.execute(f"create table {DB}.t (ts timestamp, v int, s nchar(8))")
        n = conn.execute(f"insert into {DB}.t values (1700000000000, 1, 'a') (1700000001000, 2, '北') "
                         f"(1700000002000, null, null)")
        print(f"inserted {n} rows")

        # query() returns taosAdapter's reply as a Result.
        result = conn.query(f"select * from {DB}.t order by ts")
        print(f"column_meta {result.column_meta}")
        for row in result.data:  # aware datetimes in the connection's timezone
            print(f"  {row}")

        cur = conn.cursor()
        cur.execute(f"select ts, v from {DB}.t where s = %s", ("北",))
        print(f"cursor with a parameter: rowcount {cur.rowcount}, rows {cur.fetchall()}")
        cur.execute(f"select v from {DB}.t order by ts")
        print(f"fetchmany(2): {cur.fetchmany(2)}")

        # RestClient: the raw response dict.
        client = taosrest.RestClient(URL, user=USER, password=PASSWORD)
        reply = client.sql(f"select count(*) from {DB}.t")
        print(f"RestClient: code {reply['code']}, data {reply['data']}")
        if reply["data"] != [[3]]:
            raise SystemExit(f"unexpected count {reply['data']}")

        try:
            conn.query("select * from no_such_db.t")
        except taosrest.Error as e:
            print(f"refused as expected: {type(e).__name__} {e}")
        else:
            raise SystemExit("a query on a missing database succeeded")
    finally:
        conn.execute(f"drop database if exists {DB}")
        conn.close()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
