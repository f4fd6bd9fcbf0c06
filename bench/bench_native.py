#!/usr/bin/env python3
"""Native benchmark: our ``taos`` module vs the official taospy ``taos``, over the same libtaos.

Both clients load the same ``libtaos.so``: by default the test double under tests/fake_taosc,
which sits on the simulator (tests/sim/run_sim.py) and serves the simulator's generated table
``bench.t`` (10 columns, POST /-/sim/generate) as raw blocks. With ``--libtaos PATH`` (and
``--host``/``--port`` of a real taosd, plus ``--no-generate`` when the table already exists)
the same run compares them on a real TDengine client.

The same script (CHILD below) runs once per client in a subprocess, so neither process holds the
other's libraries:

  taos (ours)        .venv/bin/python, ``import taos`` is this project's drop-in; the libtaos
                     file reaches the taos-native plugin through TAOSLINK_LIBTAOS
  taospy taos        .venv-taospy/bin/python, the official taospy; its ctypes
                     ``CDLL("libtaos.so")`` finds the same file through LD_LIBRARY_PATH

Workloads (each best of --repeat): ``conn.query(sql).fetch_all()``, ``cursor.execute(sql)`` +
``cursor.fetchall()``, and ``conn.query(sql).fetch_all_into_dict()`` (the #215 complaint).
Before the timed runs each child reads the result once, untimed, to warm the simulator's block
cache. A last row, ``taoslink ws://``, reads the table over the WebSocket transport directly: the
path the fake itself takes, so the cost of the native layers shows as the gap to it.

"MB/s" is raw-block bytes (what taos_fetch_raw_block hands over) per second; "vs official" is
taospy's wall time divided by the row's. Exit status 1 if a client returned a wrong row count.

    .venv/bin/python bench/bench_native.py [--rows 1000000] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from simproc import start_sim

ROOT = Path(__file__).resolve().parents[1]
SQL = "select * from bench.t"
WORKLOADS = ("fetch_all", "cursor.fetchall", "fetch_all_into_dict")

CHILD = r'''
import json, sys, time
import taos

cfg = json.loads(sys.argv[1])
conn = taos.connect(host=cfg["host"], port=cfg["port"], user=cfg["user"], password=cfg["password"])

def fetch_all():
    return conn.query(cfg["sql"]).fetch_all()

def cursor_fetchall():
    cur = conn.cursor()
    cur.execute(cfg["sql"])
    rows = cur.fetchall()
    cur.close()
    return rows

def into_dict():
    return conn.query(cfg["sql"]).fetch_all_into_dict()

fns = {"fetch_all": fetch_all, "cursor.fetchall": cursor_fetchall, "fetch_all_into_dict": into_dict}
len(fetch_all())  # warm-up, untimed
out = {"client_info": conn.client_info, "module": taos.__file__}
for name in cfg["workloads"]:
    best = None
    for _ in range(cfg["repeat"]):
        c0, t0 = time.process_time(), time.perf_counter()
        rows = fns[name]()
        rec = (time.perf_counter() - t0, time.process_time() - c0, len(rows))
        del rows  # freeing a million rows is not part of fetching them
        if best is None or rec[0] < best[0]:
            best = rec
    out[name] = best
conn.close()
print(json.dumps(out))
'''


def generate(port: int, rows: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("POST", "/-/sim/generate",
                 body=json.dumps({"db": "bench", "table": "t", "rows": rows, "precision": "ms"}).encode(),
                 headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    if resp.status != 200:
        raise SystemExit("generate failed: %d %r" % (resp.status, body[:300]))


def run_child(python: str, env: dict, cfg: dict, label: str):
    proc = subprocess.run([python, "-c", CHILD, json.dumps(cfg)], env=env, capture_output=True, text=True,
                          timeout=3600)
    if proc.returncode != 0:
        print("%s failed:\n%s" % (label, proc.stderr[-3000:]), file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows in bench.t (default 1,000,000)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="20,000 rows, one run each (a smoke check)")
    ap.add_argument("--workloads", default=",".join(WORKLOADS), help="subset of " + ",".join(WORKLOADS))
    ap.add_argument("--libtaos", help="libtaos.so to load (default: the fake under build/cmake/tests/fake_taosc)")
    ap.add_argument("--host", help="taosd host (default: the simulator started here)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--user", default="root")
    ap.add_argument("--password", default="taosdata")
    ap.add_argument("--no-generate", action="store_true", help="bench.t exists already (real server)")
    ap.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"))
    ap.add_argument("--taospy-python", default=str(ROOT / ".venv-taospy" / "bin" / "python"))
    args = ap.parse_args()
    if args.quick:
        args.rows, args.repeat = 20_000, 1
    workloads = [w for w in args.workloads.split(",") if w]
    unknown = set(workloads) - set(WORKLOADS)
    if unknown:
        ap.error("unknown workloads: %s" % ", ".join(sorted(unknown)))

    fake_dir = Path(os.environ.get("TAOSLINK_FAKE_TAOSC_DIR", ROOT / "build" / "cmake" / "tests" / "fake_taosc"))
    libtaos = Path(args.libtaos) if args.libtaos else fake_dir / "libtaos.so"
    if not libtaos.is_file():
        raise SystemExit("no libtaos at %s (build it with `make build`, or pass --libtaos)" % libtaos)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    sim = None
    host, port = args.host, args.port
    if host is None:
        sim, port = start_sim()
        host = "127.0.0.1"
    try:
        if not args.no_generate:
            if sim is None:
                raise SystemExit("--host needs --no-generate: the generator is a simulator route")
            t0 = time.perf_counter()
            generate(port, args.rows)
            log("generated %d rows in %.1f s" % (args.rows, time.perf_counter() - t0))

        cfg = {"host": host, "port": port, "user": args.user, "password": args.password, "sql": SQL,
               "repeat": args.repeat, "workloads": workloads}
        base_env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD")}
        if sim is not None:
            base_env["FAKE_TAOSC_PORT"] = str(port)
        ours_env = dict(base_env, TAOSLINK_LIBTAOS=str(libtaos))
        official_env = dict(base_env, LD_LIBRARY_PATH=str(libtaos.parent))

        results = []  # (client, workload, wall, cpu, rows)
        log("running taos (ours) ...")
        ours = run_child(args.python, ours_env, cfg, "taos (ours)")
        official = None
        if Path(args.taospy_python).exists():
            log("running taospy taos (official) ...")
            official = run_child(args.taospy_python, official_env, cfg, "taospy taos")
        else:
            log("no official taospy at %s (python3 -m venv .venv-taospy && .venv-taospy/bin/pip install taospy)"
                % args.taospy_python)

        # The transport under the fake, read directly: the floor for the native rows.
        import taoslink
        from taoslink import _taoslink

        dsn = "ws://%s:%s@%s:%d" % (args.user, args.password, host, port)
        ws_best = None
        with taoslink.connect(dsn) as conn:
            for i in range(args.repeat + 1):  # the first run is the warm-up
                c0, t0 = time.process_time(), time.perf_counter()
                rows = conn.cursor().execute(SQL).fetchall()
                rec = (time.perf_counter() - t0, time.process_time() - c0, len(rows))
                del rows
                if i and (ws_best is None or rec[0] < ws_best[0]):
                    ws_best = rec
        raw_conn = _taoslink.connect(dsn)
        result = raw_conn.query(SQL)
        block_bytes = 0
        while True:
            block = result.fetch_block()
            if block is None:
                break
            block_bytes += len(block.raw)
        raw_conn.close()
    finally:
        if sim is not None:
            sim.kill()
            sim.wait()

    bad = 0
    for label, out in (("taos (ours)", ours), ("taospy taos", official)):
        if out is None:
            continue
        for w in workloads:
            wall, cpu, n = out[w]
            results.append((label, w, wall, cpu, n))
    results.append(("taoslink ws:// (under the fake)", "cursor.fetchall", ws_best[0], ws_best[1], ws_best[2]))
    reference = {w: out[w][0] for w in workloads} if official else {}

    print("%s: %d rows x 10 columns through %s; best of %d; %s, %d CPUs, Python %s"
          % (SQL, args.rows, libtaos, args.repeat, platform.machine(), os.cpu_count(), platform.python_version()))
    if ours:
        print("ours: %s (client %s)" % (ours["module"], ours["client_info"]))
    if official:
        print("official: %s (client %s)" % (official["module"], official["client_info"]))
    print("%-34s %-20s %9s %9s %12s %8s %11s" % ("client", "workload", "seconds", "cli CPU", "rows/s", "MB/s",
                                                "vs official"))
    for label, w, wall, cpu, n in results:
        if n != args.rows:
            bad += 1
        ratio = ("%.1fx" % (reference[w] / wall)) if w in reference else "-"
        mbs = ("%.1f" % (block_bytes / wall / 1e6)) if block_bytes else "-"
        print("%-34s %-20s %9.3f %9.3f %12s %8s %11s" % (label, w, wall, cpu, "{:,.0f}".format(n / wall), mbs, ratio))
    if bad:
        print("%d rows returned a wrong row count" % bad, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
