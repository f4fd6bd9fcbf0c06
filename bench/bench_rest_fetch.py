#!/usr/bin/env python3
"""Fetch benchmark over REST: taoslink vs our taosrest vs the official taospy taosrest.

Starts the taosAdapter simulator (tests/sim/run_sim.py), generates a 10-column table of --rows
rows (POST /-/sim/generate), warms the simulator's response cache, then times
``select * from bench.t`` read to the end through:

  sim raw HTTP      the HTTP download alone (http.client), to show the simulator is not the limit
  taoslink          taoslink cursor fetchall()  (tuples, aware UTC datetimes)
  taoslink columns  taoslink cursor fetch_columns()  (columnar)
  taosrest (ours)   taosrest cursor fetchall()  (taospy's values: lists, naive local datetimes)
  taospy taosrest   the official taospy, run with the interpreter of .venv-taospy in a subprocess

Each figure is the best of --repeat runs. Usage:

    .venv/bin/python bench/bench_rest_fetch.py [--rows 1000000] [--repeat 3] [--taospy-python PATH]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from simproc import start_sim

ROOT = Path(__file__).resolve().parents[1]
SQL = "select * from bench.t"

TAOSPY_CHILD = textwrap.dedent("""
    import json, sys, time
    import taosrest
    url, repeat = sys.argv[1], int(sys.argv[2])
    conn = taosrest.connect(url=url, user="root", password="taosdata")
    best, rows = None, 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        cur = conn.cursor()
        cur.execute(sys.argv[3])
        rows = len(cur.fetchall())
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    print(json.dumps({"seconds": best, "rows": rows}))
""")


def post(port: int, path: str, body: bytes, auth: bool = True):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(b"root:taosdata").decode()
    conn.request("POST", path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data


def best_of(repeat: int, fn):
    best, out = None, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--taospy-python", default=str(ROOT / ".venv-taospy" / "bin" / "python"))
    args = ap.parse_args()

    import taoslink
    import taosrest

    proc, port = start_sim()
    try:
        t0 = time.perf_counter()
        status, body = post(port, "/-/sim/generate",
                            json.dumps({"db": "bench", "table": "t", "rows": args.rows, "precision": "ms"}).encode(),
                            auth=False)
        assert status == 200, body
        print("generated %d rows in %.1f s" % (args.rows, time.perf_counter() - t0), file=sys.stderr)

        # Warm the simulator's response cache, and measure the raw download.
        post(port, "/rest/sql", SQL.encode())
        raw_s, (status, body) = best_of(args.repeat, lambda: post(port, "/rest/sql", SQL.encode()))
        assert status == 200
        json_bytes = len(body)
        del body

        url = "http://root:taosdata@127.0.0.1:%d" % port
        results = [("sim raw HTTP", raw_s, args.rows)]

        conn = taoslink.connect(url)

        def tl_fetchall():
            return len(conn.cursor().execute(SQL).fetchall())

        def tl_columns():
            return len(conn.cursor().execute(SQL).fetch_columns()["ts"])

        s, n = best_of(args.repeat, tl_fetchall)
        results.append(("taoslink fetchall", s, n))
        s, n = best_of(args.repeat, tl_columns)
        results.append(("taoslink fetch_columns", s, n))
        conn.close()

        rconn = taosrest.connect(url="http://127.0.0.1:%d" % port, user="root", password="taosdata")

        def tr_fetchall():
            cur = rconn.cursor()
            cur.execute(SQL)
            return len(cur.fetchall())

        s, n = best_of(args.repeat, tr_fetchall)
        results.append(("taosrest (ours) fetchall", s, n))

        official = None
        if os.path.exists(args.taospy_python):
            out = subprocess.run([args.taospy_python, "-c", TAOSPY_CHILD, "http://127.0.0.1:%d" % port,
                                  str(args.repeat), SQL], capture_output=True, text=True, cwd="/")
            if out.returncode == 0:
                info = json.loads(out.stdout.strip().splitlines()[-1])
                official = info["seconds"]
                results.append(("taospy taosrest fetchall", info["seconds"], info["rows"]))
            else:
                print("official taospy failed:\n" + out.stderr[-2000:], file=sys.stderr)
        else:
            print("no official taospy at %s (python3 -m venv .venv-taospy && .venv-taospy/bin/pip install taospy)"
                  % args.taospy_python, file=sys.stderr)
    finally:
        proc.terminate()
        proc.wait(10)

    mb = json_bytes / 1e6
    print("select * from bench.t: %d rows x 10 columns, %.1f MB of JSON; best of %d; %s, %d CPUs, Python %s"
          % (args.rows, mb, args.repeat, platform.machine(), os.cpu_count() or 0, platform.python_version()))
    print("%-26s %9s %12s %10s %12s" % ("client", "seconds", "rows/s", "MB/s JSON", "vs official"))
    for name, secs, rows in results:
        assert rows == args.rows, (name, rows)
        ratio = "%.1fx" % (official / secs) if official else "-"
        print("%-26s %9.3f %12s %10.1f %12s" % (name, secs, "{:,.0f}".format(rows / secs), mb / secs, ratio))
    return 0


if __name__ == "__main__":
    sys.exit(main())
