#!/usr/bin/env python3
"""The benchmark suite: every workload through taoslink and through the official client of the
same transport (REST: taospy's taosrest; WebSocket: taos-ws-py; native: taospy's taos, both over
the same libtaos.so), against one simulator, in one run; prints one table.

Each client runs each group of workloads in a fresh process (bench/child.py): ours with this
interpreter, the official ones with --taospy-python. The simulator is timed alone by minimal
clients (bench/rawsim.py) and serves every SELECT from pre-encoded responses after a first,
untimed run; the 10M-row stream is 10 copies of the 1M-row result made by reference
(POST /-/sim/repeat), so the simulator never encodes it.

    .venv/bin/python bench/run.py            # the full suite (about 15 minutes on 2 cores)
    .venv/bin/python bench/run.py --smoke    # tiny sizes: checks that every workload still runs
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import data  # noqa: E402
import rawsim  # noqa: E402
from report import Table, memcpy_seconds  # noqa: E402
from simproc import Sim  # noqa: E402

TRANSPORTS = ("rest", "ws", "native")
GROUPS = ("connect", "fetch", "small", "stream", "insert")   # inserts last: writes empty the caches
INSERTS = ("insert_sql", "insert_stmt", "insert_stmt_numpy", "insert_sml")


def log(msg: str) -> None:
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, one run each: a check that it works")
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows fetched (default 1,000,000)")
    ap.add_argument("--stream-copies", type=int, default=10, help="the streamed result is this many copies of the fetched one")
    ap.add_argument("--official-stream-copies", type=int, default=2,
                    help="the same for the official clients (their memory is as flat, and 10M rows take minutes)")
    ap.add_argument("--small-queries", type=int, default=10_000)
    ap.add_argument("--small-budget", type=float, default=20.0, help="seconds after which a slow client stops its small queries")
    ap.add_argument("--stmt-rows", type=int, default=200_000)
    ap.add_argument("--stmt-batch", type=int, default=10_000)
    ap.add_argument("--sql-rows", type=int, default=50_000)
    ap.add_argument("--sql-batch", type=int, default=5_000)
    ap.add_argument("--sml-lines", type=int, default=20_000)
    ap.add_argument("--sml-batch", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs (slow runs are not repeated)")
    ap.add_argument("--transports", default=",".join(TRANSPORTS))
    ap.add_argument("--groups", default=",".join(GROUPS))
    ap.add_argument("--inserts", default=",".join(INSERTS))
    ap.add_argument("--no-official", action="store_true", help="skip the official clients")
    ap.add_argument("--taospy-python", default=str(ROOT / ".venv-taospy" / "bin" / "python"))
    ap.add_argument("--libtaos", help="the libtaos.so for taos:// (default: the fake under $TAOSLINK_FAKE_TAOSC_DIR)")
    ap.add_argument("--json", help="also write every measurement to this file")
    args = ap.parse_args()
    if args.smoke:
        args.rows, args.stream_copies, args.small_queries, args.repeat = 5_000, 4, 200, 1
        args.official_stream_copies = 2
        args.stmt_rows, args.stmt_batch, args.sql_rows, args.sql_batch = 4_000, 2_000, 2_000, 1_000
        args.sml_lines, args.sml_batch = 1_000, 500
    return args


class Runner:
    def __init__(self, args, sim: Sim):
        self.args = args
        self.sim = sim
        fake_dir = Path(os.environ.get("TAOSLINK_FAKE_TAOSC_DIR", ROOT / "build" / "cmake" / "tests" / "fake_taosc"))
        # Absolute: the client processes do not run in this directory.
        self.libtaos = (Path(args.libtaos) if args.libtaos else fake_dir / "libtaos.so").resolve()
        self.failures = []

    def env(self, side: str, transport: str) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD")}
        if transport == "native":
            env["FAKE_TAOSC_PORT"] = str(self.sim.port)
            if side == "ours":
                env["TAOSLINK_LIBTAOS"] = str(self.libtaos)
            else:
                env["LD_LIBRARY_PATH"] = str(self.libtaos.parent)
        return env

    def child(self, side: str, transport: str, group: str) -> dict:
        a = self.args
        python = sys.executable if side == "ours" else a.taospy_python
        cfg = {"side": side, "transport": transport, "group": group, "host": "127.0.0.1",
               "port": self.sim.port, "sim_pid": self.sim.proc.pid, "repeat": a.repeat,
               "small_queries": a.small_queries, "stmt_rows": a.stmt_rows, "stmt_batch": a.stmt_batch,
               "sql_rows": a.sql_rows, "sql_batch": a.sql_batch, "sml_lines": a.sml_lines,
               "sml_batch": a.sml_batch, "inserts": a.inserts.split(","), "small_budget_s": a.small_budget,
               # taosrest asks exactly what rawsim's REST client asked (POST /rest/sql/bench, no
               # parameters), so the floors already filled its cache entry: skip a ~20 s warm-up
               "warm": not (side == "official" and transport == "rest"),
               "stream_sql": data.STREAM_SQL if side == "ours" else data.SHORT_STREAM_SQL}
        t0 = time.perf_counter()
        proc = subprocess.run([python, str(HERE / "child.py"), json.dumps(cfg)], env=self.env(side, transport),
                              capture_output=True, text=True, timeout=1800, cwd=str(HERE))
        if proc.returncode != 0:
            why = (proc.stderr.strip().splitlines() or ["exit %d" % proc.returncode])[-1]
            self.failures.append("%s %s %s: %s" % (side, transport, group, why))
            log("FAILED %s %s %s:\n%s" % (side, transport, group, proc.stderr[-3000:]))
            return {}
        log("%-8s %-6s %-7s %.1f s" % (side, transport, group, time.perf_counter() - t0))
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def both(self, transport: str, group: str, skip_official: str = "") -> tuple:
        ours = self.child("ours", transport, group)
        if self.args.no_official:
            return ours, {}
        if skip_official:
            return ours, {group: {"na": skip_official}}
        return ours, self.child("official", transport, group)

    def connect_best(self, side: str, transport: str) -> dict:
        """The fastest of --repeat fresh processes (a first connect happens once per process)."""
        best = {}
        for _ in range(max(1, self.args.repeat)):
            out = self.child(side, transport, "connect")
            for k, v in out.items():
                if k not in best or v["wall"] < best[k]["wall"]:
                    best[k] = v
        return best


def main() -> int:
    args = parse_args()
    transports = [t for t in args.transports.split(",") if t]
    groups = [g for g in args.groups.split(",") if g]
    official_ok = args.no_official or os.path.exists(args.taospy_python)
    if not official_ok:
        raise SystemExit("no official clients at %s (make venv-taospy, or --no-official)" % args.taospy_python)
    stream_rows = args.rows * args.stream_copies
    t_start = time.perf_counter()
    sim = Sim()
    results = {"args": vars(args), "floors": {}, "clients": {}}
    try:
        runner = Runner(args, sim)
        if "native" in transports and not runner.libtaos.is_file():
            raise SystemExit("no libtaos at %s (make build, or --libtaos)" % runner.libtaos)
        info = sim.generate(data.DB, "t", args.rows)
        sim.generate(data.DB, "small", 10)
        http = rawsim.RawHttp(sim.port)
        http.sql(data.STABLE_SQL)
        http.close()
        sim.repeat(data.STREAM_SQL, data.FETCH_SQL, args.stream_copies)
        sim.repeat(data.SHORT_STREAM_SQL, data.FETCH_SQL, args.official_stream_copies)
        log("simulator on port %d; generated %d rows in %.1f s" % (sim.port, args.rows, info["seconds"]))
        floors = results["floors"]
        floors.update(measure_floors(args, sim, transports))
        floors["memcpy"] = memcpy_seconds(args.rows * data.NUMERIC_ROW_BYTES)

        clients = results["clients"]
        for transport in transports:
            got = clients.setdefault(transport, {"ours": {}, "official": {}})
            for group in groups:
                if group == "connect":
                    ours = runner.connect_best("ours", transport)
                    theirs = {} if args.no_official else runner.connect_best("official", transport)
                elif group == "stream":
                    skip = "json.loads of the whole body: GBs" if transport == "rest" else ""
                    ours, theirs = runner.both(transport, group, skip)
                else:
                    ours, theirs = runner.both(transport, group)
                got["ours"].update(ours)
                got["official"].update(theirs)
        results["stats"] = sim.stats()
    finally:
        sim.stop()
    results["seconds"] = time.perf_counter() - t_start

    table = Table(args, results, stream_rows, args.rows * args.official_stream_copies)
    print(table.header())
    print(table.render())
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    bad = table.wrong_counts() + runner.failures
    for b in bad:
        print("!! " + b, file=sys.stderr)
    log("suite took %.0f s" % results["seconds"])
    return 1 if bad else 0


def measure_floors(args, sim: Sim, transports) -> dict:
    """The simulator alone: whole-result downloads and small queries from minimal clients."""
    out = {}
    for transport in transports:
        name = "rest" if transport == "rest" else "ws"       # the fake libtaos talks /ws
        if name in out:
            out[transport] = out[name]
            continue
        fetch = rawsim.rest_fetch if name == "rest" else rawsim.ws_fetch
        small = rawsim.rest_small if name == "rest" else rawsim.ws_small
        fetch(sim.port, data.FETCH_SQL)                          # warm the cache
        fetch(sim.port, data.NUMERIC_SQL)
        best = {}
        for key, sql in (("fetch", data.FETCH_SQL), ("numeric", data.NUMERIC_SQL)):
            for _ in range(max(1, args.repeat)):
                t0 = time.perf_counter()
                fetch(sim.port, sql)
                dt = time.perf_counter() - t0
                best[key] = min(best.get(key, dt), dt)
        c0, p0 = sim.cpu(), time.process_time()
        times = sorted(small(sim.port, data.SMALL_SQL, args.small_queries))
        sim_cpu, raw_cpu = sim.cpu() - c0, time.process_time() - p0
        n = len(times)
        out[name] = {"fetch": best["fetch"], "numeric": best["numeric"],
                     "small_median_us": times[n // 2] / 1e3, "small_p99_us": times[min(n - 1, int(n * 0.99))] / 1e3,
                     "small_sim_cpu_us": sim_cpu / (n + min(200, n)) * 1e6,
                     # the minimal client's own CPU: pre-built requests, replies barely read; what
                     # the same round trips cost any client on this machine
                     "small_raw_cpu_us": raw_cpu / (n + min(200, n)) * 1e6}
        out[transport] = out[name]
        log("floor %-4s fetch %.3f s, small median %.0f us" % (name, best["fetch"], out[name]["small_median_us"]))
    return out


if __name__ == "__main__":
    sys.exit(main())
