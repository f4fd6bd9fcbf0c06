#!/usr/bin/env python3
"""JSON tags with `taoslink`: a super table whose only tag is JSON, written and queried.

    TAOSLINK_DSN=http://root:taosdata@localhost:6041 python examples/json_tags.py

A JSON tag must be the super table's only tag. Its value comes back as the JSON text (a str);
`tag->'key'` extracts one key (as JSON text too: a string value keeps its quotes), in SELECT
lists and in WHERE.
"""
from __future__ import annotations

import json
import os
import sys

import taoslink

DSN = os.environ.get("TAOSLINK_DSN", "http://root:taosdata@localhost:6041")
DB = "example_json_tags"

DEVICES = {
    "dev_a": {"model": "T-100", "floor": 1, "outdoor": False},
    "dev_b": {"model": "T-200", "floor": 2, "outdoor": True, "note": "roof, 東側"},
}


def main() -> int:
    print(f"== {taoslink.redact_dsn(DSN)}")
    with taoslink.connect(DSN) as conn:
        cur = conn.cursor()
        cur.execute(f"drop database if exists {DB}")
        cur.execute(f"create database {DB}")
        try:
            cur.execute(f"create stable {DB}.readings (ts timestamp, temp float) tags (info json)")
            for i, (name, info) in enumerate(DEVICES.items()):
                # The tag is bound as a parameter: the JSON text is escaped like any string.
                cur.execute(f"insert into {DB}.{name} using {DB}.readings tags (?) values (?, ?)",
                            (json.dumps(info, ensure_ascii=False), 1700000000000 + i, 20.5 + i))

            cur.execute(f"select tbname, info from {DB}.readings order by tbname")
            for tbname, info in cur:
                parsed = json.loads(info)  # the whole tag, as JSON text
                print(f"  {tbname}: {parsed}")
                if parsed != DEVICES[tbname]:
                    raise SystemExit(f"{tbname}: tag read back as {parsed}")

            cur.execute(f"select tbname, info->'model', info->'floor' from {DB}.readings order by tbname")
            print(f"  columns: {[d[0] for d in cur.description]}")
            for row in cur:
                print(f"    {row}")

            # In WHERE, `->` compares the key's value (a key that is absent is NULL).
            cur.execute(f"select tbname, temp from {DB}.readings where info->'floor' = ?", (2,))
            rows = cur.fetchall()
            print(f"  where info->'floor' = 2: {rows}")
            if [r[0] for r in rows] != ["dev_b"]:
                raise SystemExit(f"unexpected filter result {rows}")
        finally:
            cur.execute(f"drop database if exists {DB}")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
