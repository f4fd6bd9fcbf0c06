#!/usr/bin/env python3
"""WebSocket benchmark: taoslink vs our taosws vs the official taos-ws-py, against the simulator.

Starts the taosAdapter simulator (tests/sim/run_sim.py) and runs three workloads over ``/ws``,
each through every client, in the same run:

  fetch        ``select * from bench.t`` (a 10-column table of --rows rows, POST /-/sim/generate)
               read to the end with cursor fetchall(): binary query (action 6) + fetch_raw_block
               (7); the query is run once untimed first to fill the simulator's /ws block cache
  stmt insert  --insert-rows rows into a fresh child of super table bench.st (ts, INT, BIGINT,
               DOUBLE, BOOL, VARCHAR(16); tag INT) with stmt v1, --bind-rows rows per
               bind/add_batch/execute (binary bind, action 2)
  schemaless   --lines InfluxDB lines (ns timestamps, 2 tags, 5 fields) in batches of
               --line-batch lines (JSON action ``insert``), into a fresh measurement

Clients per workload:

  sim raw WS          a minimal WebSocket client in this file that sends pre-built frames and
                      only counts the replies: the simulator's own speed (the floor for every row)
  taoslink            taoslink (PEP 249); for stmt insert also with numpy arrays if importable
  taosws (ours)       our taos-ws-py drop-in
  taos-ws-py          the official taos-ws-py, run with the interpreter of .venv-taospy in a
                      subprocess of the same run

Each figure is the best (lowest wall time) of --repeat runs. Beside the wall time the table shows
the CPU seconds the simulator process spent during that run (from /proc/PID/stat) and the CPU
seconds of the client process (time.process_time(), all its threads). Usage:

    .venv/bin/python bench/bench_ws.py [--rows 1000000] [--insert-rows 200000] [--lines 200000]
                                       [--repeat 3] [--quick] [--taospy-python PATH]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

from simproc import start_sim

ROOT = Path(__file__).resolve().parents[1]
FETCH_SQL = "select * from bench.t"
STABLE_SQL = ("create stable if not exists bench.st (ts timestamp, c_int int, c_bigint bigint, "
              "c_double double, c_bool bool, c_varchar varchar(16)) tags (loc int)")
INSERT_SQL = "insert into ? using bench.st tags (?) values (?, ?, ?, ?, ?, ?)"
STMT_TYPES = ["timestamp", "int", "bigint", "double", "bool", "varchar"]

# Shared by this process and the taos-ws-py child, so every client binds/sends the same data.
COMMON = r'''
import os, time

def sim_cpu(pid):
    """CPU seconds (user + system) the process has used so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def measure(repeat, sim_pid, fn):
    """Best of `repeat` runs of fn(i): (wall s, sim CPU s, client CPU s, fn's result) of the
    fastest run."""
    best = None
    for i in range(repeat):
        s0, c0, t0 = sim_cpu(sim_pid), time.process_time(), time.perf_counter()
        out = fn(i)
        dt = time.perf_counter() - t0
        rec = (dt, sim_cpu(sim_pid) - s0, time.process_time() - c0, out)
        if best is None or dt < best[0]:
            best = rec
    return best

def insert_batches(n, batch):
    """Column lists per batch: ts (ms), INT, BIGINT, DOUBLE, BOOL, VARCHAR(16); no NULLs."""
    out = []
    for b0 in range(0, n, batch):
        r = range(b0, min(n, b0 + batch))
        out.append([[1700000000000 + i for i in r], [i % 100000 - 50000 for i in r],
                    [i * 7919 for i in r], [i * 0.25 for i in r], [i % 3 == 0 for i in r],
                    ["v%d" % (i % 1000) for i in r]])
    return out

def taosws_insert(taosws, conn, sql, table, tag, batches):
    """stmt v1 through the taos-ws-py API (ours or the official): child ``table`` with tag
    ``tag``, one bind_param/add_batch/execute per batch; the rows inserted."""
    stmt = conn.statement()
    stmt.prepare(sql)
    stmt.set_tbname(table)
    stmt.set_tags([taosws.int_to_tag(tag)])
    n = 0
    for ts, ci, cb, cd, cbo, cv in batches:
        stmt.bind_param([taosws.millis_timestamps_to_column(ts), taosws.ints_to_column(ci),
                         taosws.big_ints_to_column(cb), taosws.doubles_to_column(cd),
                         taosws.bools_to_column(cbo), taosws.varchar_to_column(cv)])
        stmt.add_batch()
        n += stmt.execute()
    stmt.close()
    return n

def line_tails(k):
    """InfluxDB line protocol without the measurement name (ns timestamps)."""
    return [",host=h%d,region=r%d c_int=%di,c_bigint=%di,c_double=%r,c_bool=%s,c_str=\"s%d\" %d"
            % (i % 100, i % 4, i % 100000, i * 7919, i * 0.25, "t" if i % 3 == 0 else "f",
               i % 1000, 1700000000000000000 + i * 1000) for i in range(k)]

def line_batches(measurement, tails, batch):
    return [[measurement + t for t in tails[b:b + batch]] for b in range(0, len(tails), batch)]
'''
exec(COMMON)

OFFICIAL_CHILD = COMMON + r'''
import json, sys
import taosws

cfg = json.loads(sys.argv[1])
conn = taosws.connect(cfg["dsn"])
out = {}

def fetch(i):
    cur = conn.cursor()
    cur.execute(cfg["sql"])
    return len(cur.fetchall())

batches = insert_batches(cfg["insert_rows"], cfg["bind_rows"])

def insert(i):
    return taosws_insert(taosws, conn, cfg["insert_sql"], "d_official_%d" % i, i, batches)

tails = line_tails(cfg["lines"])
runs = [line_batches("sml_official_%d" % i, tails, cfg["line_batch"]) for i in range(cfg["repeat"])]

def sml(i):
    for b in runs[i]:
        conn.schemaless_insert(lines=b, protocol=taosws.PySchemalessProtocol.Line,
                               precision=taosws.PySchemalessPrecision.Nanosecond, ttl=0, req_id=0)
    return cfg["lines"]

for name, fn in (("fetch", fetch), ("insert", insert), ("sml", sml)):
    if name in cfg["workloads"]:
        out[name] = measure(cfg["repeat"], cfg["sim_pid"], fn)
print(json.dumps(out))
'''


# --- the simulator -----------------------------------------------------------------------------

def post(port: int, path: str, body: bytes):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data


def get(port: int, path: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data


# --- a minimal WebSocket client: the simulator alone ---------------------------------------------

class RawWS:
    """RFC 6455 client for the benchmark's floor: frames are masked with the all-zero key (legal,
    and it costs the client nothing), replies are read and barely parsed."""

    def __init__(self, port: int, path: str = "/ws"):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                           % (path, port, key)).encode())
        self.rf = self.sock.makefile("rb", buffering=1 << 20)
        status = self.rf.readline()
        if b" 101 " not in status:
            raise RuntimeError("no WebSocket upgrade: %r" % status)
        while self.rf.readline() not in (b"\r\n", b""):
            pass
        self.req = 0

    @staticmethod
    def frame(opcode: int, payload: bytes) -> bytes:
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 1 << 16:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        return head + b"\0\0\0\0" + payload

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def recv(self) -> bytes:
        while True:
            b0, b1 = self.rf.read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self.rf.read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self.rf.read(8))[0]
            payload = self.rf.read(n)
            if b0 & 0x0F in (1, 2):
                return payload
            if b0 & 0x0F == 8:
                raise RuntimeError("closed by the simulator")

    def call(self, action: str, **args) -> dict:
        self.req += 1
        args["req_id"] = self.req
        self.send(self.frame(1, json.dumps({"action": action, "args": args}).encode()))
        reply = json.loads(self.recv())
        if reply.get("code"):
            raise RuntimeError("%s: %s" % (action, reply))
        return reply

    def close(self) -> None:
        try:
            self.send(self.frame(8, struct.pack("!H", 1000)))
        except OSError:
            pass
        self.sock.close()


def raw_connect(port: int, db: str = "") -> RawWS:
    ws = RawWS(port)
    ws.call("conn", user="root", password="taosdata", db=db)
    return ws


def raw_fetch(port: int):
    """-> (rows, raw block bytes) of FETCH_SQL via binary query + fetch_raw_block.  Connects to
    database bench like the clients' DSN (the simulator's block cache keys on the session db)."""
    ws = raw_connect(port, "bench")
    sql = FETCH_SQL.encode()
    ws.send(ws.frame(2, struct.pack("<QQQHI", 1, 0, 6, 1, len(sql)) + sql))
    reply = json.loads(ws.recv())
    assert reply["code"] == 0, reply
    rid = reply["id"]
    fetch = ws.frame(2, struct.pack("<QQQH", 2, rid, 7, 1))
    rows = nbytes = 0
    while True:
        ws.send(fetch)
        p = ws.recv()
        code, mlen = struct.unpack_from("<II", p, 34)
        assert code == 0, p[42:42 + mlen]
        pos = 42 + mlen + 8
        if p[pos]:
            break
        blen = struct.unpack_from("<I", p, pos + 1)[0]
        rows += struct.unpack_from("<i", p, pos + 5 + 8)[0]
        nbytes += blen
    ws.close()
    return rows, nbytes


def bind_frames(batches):
    """Pre-built binary bind payloads (action 2, raw blocks made by the simulator's own encoder);
    the stmt id (bytes 8..16) is patched in per run."""
    sys.path.insert(0, str(ROOT / "tests" / "sim"))
    from taossim import rawblock, types as T
    fields = [("ts", T.SqlType(T.TIMESTAMP)), ("c_int", T.SqlType(T.INT)), ("c_bigint", T.SqlType(T.BIGINT)),
              ("c_double", T.SqlType(T.DOUBLE)), ("c_bool", T.SqlType(T.BOOL)),
              ("c_varchar", T.SqlType(T.VARCHAR, 16))]
    return [struct.pack("<QQQ", 0, 0, 2) + rawblock.encode(fields, cols) for cols in batches]


def raw_insert(port: int, blocks, name: str, tag: int) -> int:
    ws = raw_connect(port, "bench")
    sid = ws.call("init")["stmt_id"]
    ws.call("prepare", stmt_id=sid, sql=INSERT_SQL)
    ws.call("set_table_name", stmt_id=sid, name=name)
    ws.call("set_tags", stmt_id=sid, tags=[tag])
    n = 0
    for i, blk in enumerate(blocks):
        payload = bytearray(blk)
        struct.pack_into("<QQ", payload, 0, 1000 + i, sid)
        ws.send(ws.frame(2, bytes(payload)))
        reply = json.loads(ws.recv())
        assert reply["code"] == 0, reply
        ws.call("add_batch", stmt_id=sid)
        n += ws.call("exec", stmt_id=sid)["affected"]
    ws.send(ws.frame(1, json.dumps({"action": "close", "args": {"req_id": 0, "stmt_id": sid}}).encode()))
    ws.close()
    return n


def raw_sml(port: int, batches) -> int:
    ws = raw_connect(port, "bench")
    n = 0
    for b in batches:
        n += ws.call("insert", protocol=1, precision="ns", ttl=0, data="\n".join(b))["total_rows"]
    ws.close()
    return n


# --- the table -----------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows fetched (default 1,000,000)")
    ap.add_argument("--insert-rows", type=int, default=200_000, help="rows inserted with stmt (200,000)")
    ap.add_argument("--bind-rows", type=int, default=10_000, help="rows per bind/add_batch/execute (10,000)")
    ap.add_argument("--lines", type=int, default=200_000, help="schemaless lines (200,000)")
    ap.add_argument("--line-batch", type=int, default=5_000, help="lines per schemaless_insert (5,000)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workloads", default="fetch,insert,sml", help="comma-separated subset of fetch,insert,sml")
    ap.add_argument("--quick", action="store_true", help="tiny sizes, one run each (a smoke check, < 20 s)")
    ap.add_argument("--no-numpy", action="store_true", help="skip the numpy stmt row")
    ap.add_argument("--taospy-python", default=str(ROOT / ".venv-taospy" / "bin" / "python"))
    args = ap.parse_args()
    if args.quick:
        args.rows, args.insert_rows, args.bind_rows = 20_000, 20_000, 5_000
        args.lines, args.line_batch, args.repeat = 10_000, 2_000, 1
    workloads = [w for w in args.workloads.split(",") if w]

    import taoslink
    import taosws
    np = None
    if not args.no_numpy:
        try:
            import numpy as np
        except ImportError:
            pass

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    proc, port = start_sim()
    sim_pid = proc.pid
    dsn = "ws://root:taosdata@127.0.0.1:%d/bench" % port
    results = {}      # workload -> [(client, wall, sim cpu, client cpu, count)]
    official = {}
    info = {}
    try:
        t0 = time.perf_counter()
        status, body = post(port, "/-/sim/generate",
                            json.dumps({"db": "bench", "table": "t", "rows": args.rows, "precision": "ms"}).encode())
        assert status == 200, body
        log("generated %d rows in %.1f s" % (args.rows, time.perf_counter() - t0))

        conn = taoslink.connect(dsn)
        conn.cursor().execute(STABLE_SQL)
        wconn = taosws.connect(dsn)

        # ---- fetch
        if "fetch" in workloads:
            res = results["fetch"] = []
            t0 = time.perf_counter()
            raw_fetch(port)           # warm the simulator's /ws block cache (untimed)
            log("fetch: warmed the simulator's block cache in %.1f s" % (time.perf_counter() - t0))
            s = measure(args.repeat, sim_pid, lambda i: raw_fetch(port))
            info["block_bytes"] = s[3][1]
            res.append(("sim raw WS", s[0], s[1], s[2], s[3][0]))
            log("fetch: sim raw WS %.3f s" % s[0])

            def tl_fetch(i):
                return len(conn.cursor().execute(FETCH_SQL).fetchall())

            def tw_fetch(i):
                cur = wconn.cursor()
                cur.execute(FETCH_SQL)
                return len(cur.fetchall())

            for name, fn in (("taoslink fetchall", tl_fetch), ("taosws (ours) fetchall", tw_fetch)):
                s = measure(args.repeat, sim_pid, fn)
                res.append((name, s[0], s[1], s[2], s[3]))
                log("fetch: %s %.3f s" % (name, s[0]))

        # ---- stmt insert
        if "insert" in workloads:
            res = results["insert"] = []
            batches = insert_batches(args.insert_rows, args.bind_rows)
            frames = bind_frames(batches)
            s = measure(args.repeat, sim_pid, lambda i: raw_insert(port, frames, "d_raw_%d" % i, i))
            res.append(("sim raw WS", s[0], s[1], s[2], s[3]))
            log("insert: sim raw WS %.3f s" % s[0])
            del frames

            def tl_insert(prefix, cols_of):
                def run(i):
                    n = 0
                    with conn.statement(INSERT_SQL) as stmt:
                        stmt.set_tbname("%s_%d" % (prefix, i))
                        stmt.set_tags([i], types=["int"])
                        for b in cols_of:
                            stmt.bind(b, types=STMT_TYPES)
                            stmt.add_batch()
                            n += stmt.execute()
                    return n
                return run

            s = measure(args.repeat, sim_pid, tl_insert("d_tl", batches))
            res.append(("taoslink bind lists", s[0], s[1], s[2], s[3]))
            log("insert: taoslink lists %.3f s" % s[0])
            if np is not None:
                np_batches = [[np.array(ts, dtype=np.int64), np.array(ci, dtype=np.int32),
                               np.array(cb, dtype=np.int64), np.array(cd, dtype=np.float64),
                               np.array(cbo, dtype=np.bool_), np.array(cv)]
                              for ts, ci, cb, cd, cbo, cv in batches]
                s = measure(args.repeat, sim_pid, tl_insert("d_np", np_batches))
                res.append(("taoslink bind numpy", s[0], s[1], s[2], s[3]))
                log("insert: taoslink numpy %.3f s" % s[0])
                del np_batches

            def tw_insert(i):
                return taosws_insert(taosws, wconn, INSERT_SQL, "d_tw_%d" % i, i, batches)

            s = measure(args.repeat, sim_pid, tw_insert)
            res.append(("taosws (ours) bind_param", s[0], s[1], s[2], s[3]))
            log("insert: taosws %.3f s" % s[0])
            del batches

        # ---- schemaless
        if "sml" in workloads:
            res = results["sml"] = []
            tails = line_tails(args.lines)
            info["line_bytes"] = sum(len(t) + 1 for t in tails) + len("sml_raw_0") * len(tails)

            def sml_runs(prefix):
                return [line_batches("%s_%d" % (prefix, i), tails, args.line_batch) for i in range(args.repeat)]

            runs = sml_runs("sml_raw")
            s = measure(args.repeat, sim_pid, lambda i: raw_sml(port, runs[i]))
            res.append(("sim raw WS", s[0], s[1], s[2], s[3]))
            log("sml: sim raw WS %.3f s" % s[0])

            runs = sml_runs("sml_tl")

            def tl_sml(i):
                for b in runs[i]:
                    conn.schemaless_insert(b, protocol="line", precision="ns")
                return args.lines

            s = measure(args.repeat, sim_pid, tl_sml)
            res.append(("taoslink schemaless_insert", s[0], s[1], s[2], s[3]))
            log("sml: taoslink %.3f s" % s[0])

            runs2 = sml_runs("sml_tw")

            def tw_sml(i):
                for b in runs2[i]:
                    wconn.schemaless_insert(b, taosws.PySchemalessProtocol.Line,
                                            taosws.PySchemalessPrecision.Nanosecond, 0, 0)
                return args.lines

            s = measure(args.repeat, sim_pid, tw_sml)
            res.append(("taosws (ours) schemaless_insert", s[0], s[1], s[2], s[3]))
            log("sml: taosws %.3f s" % s[0])
            del runs, runs2, tails

        conn.close()
        wconn.close()

        # ---- the official client, same simulator
        if os.path.exists(args.taospy_python):
            if "fetch" in workloads:
                raw_fetch(port)       # the writes above emptied the block cache: warm it again
            cfg = {"dsn": dsn, "sql": FETCH_SQL, "insert_sql": INSERT_SQL, "insert_rows": args.insert_rows,
                   "bind_rows": args.bind_rows, "lines": args.lines, "line_batch": args.line_batch,
                   "repeat": args.repeat, "sim_pid": sim_pid, "workloads": workloads}
            out = subprocess.run([args.taospy_python, "-c", OFFICIAL_CHILD, json.dumps(cfg)],
                                 capture_output=True, text=True, cwd="/")
            if out.returncode == 0:
                official = json.loads(out.stdout.strip().splitlines()[-1])
                names = {"fetch": "taos-ws-py fetchall", "insert": "taos-ws-py bind_param",
                         "sml": "taos-ws-py schemaless_insert"}
                for w, (wall, scpu, ccpu, n) in official.items():
                    results[w].append((names[w], wall, scpu, ccpu, n))
                    log("%s: taos-ws-py %.3f s" % (w, wall))
            else:
                print("official taos-ws-py failed:\n" + out.stderr[-3000:], file=sys.stderr)
        else:
            print("no official taos-ws-py at %s (python3 -m venv .venv-taospy && "
                  ".venv-taospy/bin/pip install taos-ws-py)" % args.taospy_python, file=sys.stderr)
        status, body = get(port, "/-/sim/stats")
        if status == 200:
            st = json.loads(body)
            log("simulator /ws block cache: %d hits, %d misses"
                % (st.get("ws_cache_hits", 0), st.get("ws_cache_misses", 0)))
    finally:
        proc.terminate()
        proc.wait(10)

    print("WebSocket /ws against taossim; best of %d; %s, %d CPUs, Python %s; numpy %s"
          % (args.repeat, platform.machine(), os.cpu_count() or 0, platform.python_version(),
             np.__version__ if np is not None else "-"))
    titles = {
        "fetch": "fetch  select * from bench.t: %d rows x 10 columns, %.1f MB of raw blocks"
                 % (args.rows, info.get("block_bytes", 0) / 1e6),
        "insert": "stmt insert: %d rows x 6 columns (ts, int, bigint, double, bool, varchar), %d rows per bind"
                  % (args.insert_rows, args.bind_rows),
        "sml": "schemaless: %d InfluxDB lines (2 tags, 5 fields, ns), %.1f MB, %d lines per call"
               % (args.lines, info.get("line_bytes", 0) / 1e6, args.line_batch),
    }
    mb = {"fetch": info.get("block_bytes"), "sml": info.get("line_bytes")}
    expect = {"fetch": args.rows, "insert": args.insert_rows, "sml": args.lines}
    unit = {"fetch": "rows/s", "insert": "rows/s", "sml": "lines/s"}
    ok = True
    for w in ("fetch", "insert", "sml"):
        if w not in results:
            continue
        print()
        print(titles[w])
        print("%-32s %8s %12s %7s %8s %8s %12s %12s" % ("client", "seconds", unit[w], "MB/s", "sim CPU",
                                                        "cli CPU", "vs official", "cli CPU vs"))
        off, off_cpu = (official[w][0], official[w][2]) if w in official else (None, None)
        for name, wall, scpu, ccpu, n in results[w]:
            if n != expect[w]:
                ok = False
                print("!! %s returned %d, expected %d" % (name, n, expect[w]))
            mbs = "%7.1f" % (mb[w] / 1e6 / wall) if mb.get(w) else "%7s" % "-"
            ratio = "%.1fx" % (off / wall) if off else "-"
            cratio = "%.1fx" % (off_cpu / ccpu) if off_cpu and ccpu > 0 and not name.startswith("sim") else "-"
            print("%-32s %8.3f %12s %s %8.2f %8.2f %12s %12s" % (name, wall, "{:,.0f}".format(n / wall), mbs,
                                                                scpu, ccpu, ratio, cratio))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
