#!/usr/bin/env python3
"""Whole columns instead of rows: numpy arrays, a pandas DataFrame and a pyarrow Table straight
from a result, over http:// and ws:// (docs/columnar.md).

    TAOSLINK_DSN=http://root:taosdata@localhost:6041 python examples/columnar_fetch.py

Needs numpy, pandas and pyarrow (pip install numpy pandas pyarrow).
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import taoslink

BASE = os.environ.get("TAOSLINK_DSN", "http://root:taosdata@localhost:6041")
DB = "example_columnar"
ROWS = 10_000


def with_scheme(dsn: str, scheme: str) -> str:
    return urlunsplit((scheme,) + tuple(urlsplit(dsn)[1:]))


def main() -> None:
    with taoslink.connect(BASE) as conn:
        conn.execute("drop database if exists %s" % DB)
        conn.execute("create database %s precision 'us'" % DB)
        try:
            conn.execute("create table %s.m (ts timestamp, current float, voltage int, phase double, "
                         "site varchar(16))" % DB)
            cur = conn.cursor()
            rows = [(1700000000000000 + i * 1000, i * 0.5, None if i % 10 == 0 else 220 + i % 7, i / 3,
                     "site-%d" % (i % 4)) for i in range(ROWS)]
            cur.executemany("insert into %s.m values (?, ?, ?, ?, ?)" % DB, rows)
            for scheme in ("http", "ws"):
                show(with_scheme(BASE, scheme), scheme)
        finally:
            conn.execute("drop database if exists %s" % DB)


def show(dsn: str, scheme: str) -> None:
    with taoslink.connect(dsn) as conn, conn.cursor() as cur:
        sql = "select ts, current, voltage, phase, site from %s.m" % DB

        cur.execute(sql)
        first = cur.fetchone()                 # rows and columns mix: nothing is lost or repeated
        cols = cur.fetchnumpy()                # {name: numpy array}; NULLs -> numpy.ma masked arrays
        volts = cols["voltage"]
        assert len(volts) == ROWS - 1 and first[2] is None
        print("%-4s numpy: ts %s, voltage %s with %d NULLs, mean %.2f"
              % (scheme, cols["ts"].dtype, volts.dtype, volts.mask.sum(), volts.mean()))

        cur.execute(sql)
        df = cur.fetch_df()                    # pandas: Int32 for an int column with NULLs, UTC datetimes
        assert len(df) == ROWS
        print("%-4s pandas: %s; current by site: %s"
              % (scheme, dict(df.dtypes.astype(str)), df.groupby("site")["current"].max().to_dict()))

        cur.execute(sql)
        table = cur.fetch_arrow()              # pyarrow: one record batch per block of the result
        assert table.num_rows == ROWS
        print("%-4s arrow: %s" % (scheme, ", ".join("%s %s" % (f.name, f.type) for f in table.schema)))


if __name__ == "__main__":
    main()
