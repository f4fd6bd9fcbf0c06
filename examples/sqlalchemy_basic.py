#!/usr/bin/env python3
"""SQLAlchemy over TDengine: a super table declared with Table objects, rows inserted with bound
parameters (one multi-row INSERT), a query, and reflection.

TAOSLINK_DSN is the server, e.g. ``http://root:taosdata@127.0.0.1:6041`` (ws:// and taos:// work
too); the SQLAlchemy URL is ``taoslink+`` followed by it (``taosrest://``, ``taosws://`` and
``taos://`` are the same dialects under taospy's names). Exits 0 on success.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import uuid

from sqlalchemy import Column, MetaData, Table, create_engine, func, inspect, select, text

from taoslink.sqlalchemy import FLOAT, INT, TIMESTAMP, VARCHAR


def main() -> int:
    dsn = os.environ.get("TAOSLINK_DSN", "http://root:taosdata@127.0.0.1:6041").rstrip("/")
    db = "sa_example_" + uuid.uuid4().hex[:8]
    admin = create_engine("taoslink+" + dsn)
    with admin.connect() as conn:
        conn.execute(text("create database " + db))
    engine = create_engine("taoslink+%s/%s" % (dsn, db), pool_pre_ping=True)
    try:
        md = MetaData()
        meters = Table(
            "meters", md,
            Column("ts", TIMESTAMP), Column("current", FLOAT), Column("voltage", INT),
            Column("location", VARCHAR(32), info={"tag": True}),   # tags make it a super table
        )
        md.create_all(engine)
        # A row through a child table created on the fly, then many rows in one statement.
        start = dt.datetime(2024, 1, 1, 12, 0, 0)
        with engine.connect() as conn:
            conn.execute(text("create table d1001 using meters tags (:loc)"), {"loc": "San Francisco"})
            d1001 = Table("d1001", MetaData(), Column("ts", TIMESTAMP), Column("current", FLOAT),
                          Column("voltage", INT))
            conn.execute(d1001.insert(), [
                {"ts": start + dt.timedelta(seconds=i), "current": 10 + i / 10, "voltage": 219 + i % 3}
                for i in range(100)])
            stmt = (select(func.count(), func.avg(meters.c.voltage))
                    .where(meters.c.location == "San Francisco"))
            count, avg = conn.execute(stmt).one()
            print("rows: %d, average voltage: %.2f" % (count, avg))
            assert count == 100

        insp = inspect(engine)
        print("super tables:", insp.get_stable_names(), "child tables:", insp.get_child_table_names())
        for col in insp.get_columns("meters"):
            print("  %-10s %-12s %s" % (col["name"], col["type"], "TAG" if col.get("info", {}).get("tag") else ""))
        assert insp.has_table("d1001") and insp.get_stable_names() == ["meters"]
        return 0
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text("drop database if exists " + db))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
