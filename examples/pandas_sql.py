#!/usr/bin/env python3
"""pandas over TDengine: ``to_sql`` into a super table (the ``tbname`` column names each row's
child table, created with the row's tags), ``read_sql`` back through SQLAlchemy, and a
nanosecond database read as ``datetime64[ns]``.

TAOSLINK_DSN is the server, e.g. ``http://root:taosdata@127.0.0.1:6041``. Exits 0 on success.
"""
from __future__ import annotations

import os
import sys
import uuid

import pandas as pd
from sqlalchemy import create_engine, text

import taoslink
from taoslink.pandas_sql import read_sql


def main() -> int:
    dsn = os.environ.get("TAOSLINK_DSN", "http://root:taosdata@127.0.0.1:6041").rstrip("/")
    db = "pd_example_" + uuid.uuid4().hex[:8]
    with taoslink.connect(dsn) as conn:
        conn.execute("create database %s precision 'ns'" % db)
        conn.execute("create stable %s.meters (ts timestamp, current float, voltage int) "
                     "tags (location varchar(32))" % db)
    engine = create_engine("taoslink+%s/%s?timezone=UTC" % (dsn, db))
    try:
        frame = pd.DataFrame({
            "tbname": ["d1", "d1", "d2", "d2"],
            "ts": pd.to_datetime(["2024-01-01T00:00:00", "2024-01-01T00:00:01"] * 2, utc=True),
            "current": [10.5, 11.0, 9.5, 9.0],
            "voltage": [220, 221, 218, 219],
            "location": ["SF", "SF", "LA", "LA"],
        })
        written = frame.to_sql("meters", engine, index=False, if_exists="append")
        print("rows written:", written)

        back = pd.read_sql("select tbname, ts, current, location from meters order by tbname, ts", engine)
        print(back)
        assert len(back) == 4 and sorted(set(back["tbname"])) == ["d1", "d2"]
        assert str(back["ts"].dtype) == "datetime64[ns, UTC]"

        # Nanoseconds survive: written as ticks, read as datetime64[ns].
        with engine.connect() as conn:
            conn.execute(text("insert into d1 values (1704067202123456789, 12.0, 222)"))
        latest = pd.read_sql("select last(ts) as ts from d1", engine)["ts"][0]
        print("latest:", latest)
        assert latest.value == 1704067202123456789

        # A raw DB-API connection: the helper turns int nanoseconds into datetime64[ns, UTC].
        with taoslink.connect("%s/%s" % (dsn, db)) as conn:
            raw = read_sql("select ts, voltage from d1 order by ts", conn)
        assert str(raw["ts"].dtype) == "datetime64[ns, UTC]" and len(raw) == 3
        return 0
    finally:
        engine.dispose()
        with taoslink.connect(dsn) as conn:
            conn.execute("drop database if exists " + db)


if __name__ == "__main__":
    sys.exit(main())
