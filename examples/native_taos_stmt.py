#!/usr/bin/env python3
"""taospy's native prepared statements (`import taos`) on taoslink: TaosStmt and TaosStmt2.

    TAOSLINK_LIBTAOS=/usr/local/taos/driver/libtaos.so \
    TAOSLINK_DSN=http://root:taosdata@localhost:6041 python examples/native_taos_stmt.py

TaosStmt (stmt v1) binds whole columns with `new_multi_binds` (many rows per call) or one row
with `new_bind_params`; TaosStmt2 binds several tables, their tags and their columns in one
call. libtaos is found as in native_taos_query.py (TAOSLINK_LIBTAOS, the system path, ...).
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from urllib.parse import unquote, urlsplit

import taos
from taos import BindTable, new_bind_params, new_multi_binds

BASE = urlsplit(os.environ.get("TAOSLINK_DSN", "http://root:taosdata@localhost:6041"))
DB = "example_native_stmt"
COLUMNS = "ts timestamp, flag bool, level tinyint, count bigint, ratio float, score double, " \
          "label varchar(16), note nchar(16), raw varbinary(8)"


def connect() -> taos.TaosConnection:
    port = int(os.environ.get("TAOSLINK_TAOS_PORT", BASE.port or 6030))
    return taos.connect(host=BASE.hostname, port=port, user=unquote(BASE.username or "root"),
                        password=unquote(BASE.password or "taosdata"))


def stmt_v1(conn: taos.TaosConnection) -> None:
    stmt = conn.statement("insert into ? using meters tags (?, ?) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    tags = new_bind_params(2)
    tags[0].nchar("北区")
    tags[1].int(1)
    stmt.set_tbname_tags("d_v1", tags)

    # Column binding: every setter takes a list, None is NULL.
    cols = new_multi_binds(9)
    cols[0].timestamp([1700000000000, 1700000001000, 1700000002000], taos.PrecisionEnum.Milliseconds)
    cols[1].bool([True, False, None])
    cols[2].tinyint([1, -1, None])
    cols[3].bigint([2**40, 0, None])
    cols[4].float([1.5, 2.5, None])
    cols[5].double([0.1, 0.2, None])
    cols[6].varchar(["a", "b", None])
    cols[7].nchar(["温度", "ok", None])
    cols[8].varbinary([b"\x00\x01", b"\xff", None])
    stmt.bind_param_batch(cols)
    stmt.execute()

    # Row binding: one value per setter.
    row = new_bind_params(9)
    row[0].timestamp(dt.datetime(2023, 11, 14, 22, 13, 23, tzinfo=dt.timezone.utc))
    row[1].bool(True)
    row[2].tinyint(3)
    row[3].bigint(3)
    row[4].float(3.5)
    row[5].double(0.3)
    row[6].varchar("c")
    row[7].nchar("行")
    row[8].varbinary(b"\x03")
    stmt.bind_param(row)
    stmt.execute()
    print(f"TaosStmt: {stmt.affected_rows} rows")
    stmt.close()


def stmt_v2(conn: taos.TaosConnection) -> None:
    stmt = conn.statement2("insert into ? using meters tags (?, ?) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    # Two tables in one bind: names, tags per table, columns per table.
    stmt.bind_param(
        ["d_v2a", "d_v2b"],
        [["south", 2], ["west", 3]],
        [
            [[1700000000000, 1700000001000], [True, False], [5, 6], [50, 60], [5.5, 6.5], [0.5, 0.6],
             ["e", "f"], ["東", "西"], [b"\x05", b"\x06"]],
            [[1700000000000], [None], [7], [70], [7.5], [0.7], ["g"], ["南"], [None]],
        ],
    )
    n = stmt.execute()
    # Or table by table with BindTable.
    t = BindTable("d_v2c", ["east", 4])
    for col in ([1700000000000], [True], [8], [80], [8.5], [0.8], ["h"], ["北"], [b"\x08"]):
        t.add_col_data(col)
    stmt.bind_param_with_tables([t])
    n += stmt.execute()
    print(f"TaosStmt2: {n} rows")
    stmt.close()


def main() -> int:
    try:
        conn = connect()
    except taos.error.InterfaceError as e:  # no libtaos.so on this machine
        print(f"cannot load taosc: {e}", file=sys.stderr)
        return 1
    try:
        conn.execute(f"drop database if exists {DB}")
        conn.execute(f"create database {DB} precision 'ms'")
        conn.select_db(DB)
        conn.execute(f"create stable meters ({COLUMNS}) tags (site nchar(16), gid int)")
        stmt_v1(conn)
        stmt_v2(conn)
        rows = conn.query("select tbname, count(*) from meters partition by tbname order by tbname").fetch_all()
        print(f"rows per table: {rows}")
        if rows != [("d_v1", 4), ("d_v2a", 2), ("d_v2b", 1), ("d_v2c", 1)]:
            raise SystemExit(f"unexpected counts {rows}")
        for row in conn.query("select * from d_v1 order by ts").fetch_all():
            print(f"  {row}")
    finally:
        conn.execute(f"drop database if exists {DB}")
        conn.close()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
