#!/usr/bin/env python3
"""taospy's native API (`import taos`) on taoslink: connect, write, query every type, cursors.

    TAOSLINK_LIBTAOS=/usr/local/taos/driver/libtaos.so \
    TAOSLINK_DSN=http://root:taosdata@localhost:6041 python examples/native_taos_query.py

The `taos` module talks to taosd through taosc (`libtaos.so`), loaded at run time: it is found
through TAOSLINK_LIBTAOS, the system library path or /usr/local/taos/driver. The host and port
come from TAOSLINK_DSN; TAOSLINK_TAOS_PORT overrides the port (taosd's is 6030, taosAdapter's
6041). In CI, TAOSLINK_LIBTAOS names the fake libtaos of tests/fake_taosc, which reaches the
simulator on the DSN's port. Code written for taospy runs unchanged.
"""
from __future__ import annotations

import os
import sys
from urllib.parse import unquote, urlsplit

import taos

BASE = urlsplit(os.environ.get("TAOSLINK_DSN", "http://root:taosdata@localhost:6041"))
DB = "example_native_query"


def connect() -> taos.TaosConnection:
    port = int(os.environ.get("TAOSLINK_TAOS_PORT", BASE.port or 6030))
    return taos.connect(host=BASE.hostname, port=port, user=unquote(BASE.username or "root"),
                        password=unquote(BASE.password or "taosdata"))


def main() -> int:
    try:
        conn = connect()
    except taos.error.InterfaceError as e:  # no libtaos.so on this machine
        print(f"cannot load taosc: {e}", file=sys.stderr)
        return 1
    print(f"client {conn.client_info}, server {conn.server_info}")
    try:
        conn.execute(f"drop database if exists {DB}")
        conn.execute(f"create database {DB} precision 'ms'")
        conn.select_db(DB)
        conn.execute("create stable meters (ts timestamp, flag bool, small tinyint, big bigint unsigned, "
                     "current float, phase double, label varchar(16), note nchar(16), raw varbinary(8), "
                     "spot geometry(64)) tags (site nchar(16), gid int)")
        n = conn.execute("insert into d1 using meters tags ('北区', 1) values "
                         "(1700000000000, true, -5, 18446744073709551615, 10.3, 0.31, 'a', '温度', '\\x0102', 'POINT(1 2)') "
                         "(1700000001000, null, null, null, null, null, null, null, null, null)")
        print(f"inserted {n} rows")

        # TaosResult: fields, then rows as tuples (taospy's values: naive local datetimes,
        # FLOAT widened from float32, VARBINARY/GEOMETRY bytes).
        result = conn.query("select * from meters order by ts")
        print(f"fields: {[(f.name, f.type) for f in result.fields]}")
        rows = result.fetch_all()
        for row in rows:
            print(f"  {row}")
        if len(rows) != 2 or rows[0][3] != 2**64 - 1 or rows[0][8] != b"\x01\x02":
            raise SystemExit(f"unexpected rows {rows}")

        # The PEP 249 cursor, with qmark parameters.
        cur = conn.cursor()
        cur.execute("select ts, current, note from meters where gid = ? and flag = ?", (1, True))
        print(f"cursor: description {[d[0] for d in cur.description]}, rows {cur.fetchall()}")

        # Errors are taospy's classes with taosc's codes.
        try:
            conn.query("select * from no_such_table")
        except taos.error.ProgrammingError as e:
            print(f"refused as expected: {type(e).__name__} {e}")
        else:
            raise SystemExit("a query on a missing table succeeded")
    finally:
        conn.execute(f"drop database if exists {DB}")
        conn.close()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
