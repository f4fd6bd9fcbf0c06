#!/usr/bin/env python3
"""One group of workloads for one client, in a fresh process; prints one JSON object.

Run by bench/run.py with our venv's interpreter (side "ours") or the official clients' venv
(side "official"): ``python bench/child.py '{"side":..., "transport":..., "group":..., ...}'``.
A workload the client's API cannot do is reported as {"na": why}.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import data  # noqa: E402
from clients_common import NotAvailable  # noqa: E402
from measure import best_of, peak_mb, percentile, reset_peak, rss_mb, run_timed  # noqa: E402


def make_client(cfg):
    if cfg["side"] == "ours":
        from clients_ours import Ours as cls
    else:
        from clients_official import Official as cls
    return cls(cfg["transport"], cfg["host"], cfg["port"])


def sim_cpu(cfg) -> float:
    with open("/proc/%d/stat" % cfg["sim_pid"]) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def guarded(fn):
    try:
        return fn()
    except NotAvailable as e:
        return {"na": str(e)}


def group_connect(client, cfg):
    t0 = time.perf_counter()
    client.import_module()
    t1 = time.perf_counter()
    client.connect()
    t2 = time.perf_counter()
    client.close()
    return {"import": {"wall": t1 - t0}, "connect": {"wall": t2 - t1}}


def group_fetch(client, cfg):
    for package in ("numpy", "pandas", "pyarrow"):     # importing them is not part of a fetch
        try:
            __import__(package)
        except ImportError:
            pass
    client.connect()
    out = {}
    if cfg.get("warm", True):
        run_timed(lambda: client.fetchall(data.FETCH_SQL))  # warm the simulator's cache, untimed
    for name in ("fetchall", "iterate", "into_dict", "dataframe"):
        fn = getattr(client, name)
        out[name] = guarded(lambda: best_of(cfg["repeat"], lambda: fn(data.FETCH_SQL)))
    warm = guarded(lambda: run_timed(lambda: client.numpy(data.NUMERIC_SQL)))
    if not (isinstance(warm, dict) and "na" in warm):
        for name in ("numpy", "arrow"):
            fn = getattr(client, name)
            out[name] = guarded(lambda: best_of(cfg["repeat"], lambda: fn(data.NUMERIC_SQL)))
    else:
        out["numpy"] = out["arrow"] = warm
    client.close()
    return out


SMALL_ROWS = 10


def group_small(client, cfg):
    client.connect()
    one = client.small_query_fn(data.SMALL_SQL)
    for _ in range(min(200, cfg["small_queries"])):     # warm: cache, connection pool, code paths
        one()
    times = []
    gc.disable()
    c0 = time.process_time()
    s0 = sim_cpu(cfg)
    stop = time.perf_counter_ns() + int(cfg.get("small_budget_s", 1e9) * 1e9)
    for _ in range(cfg["small_queries"]):
        t0 = time.perf_counter_ns()
        rows = one()
        t1 = time.perf_counter_ns()
        times.append(t1 - t0)
        if rows != SMALL_ROWS:
            raise SystemExit("a small query returned %d rows, expected %d" % (rows, SMALL_ROWS))
        if t1 > stop:            # a slow client answers fewer queries rather than stall the suite
            break
    cpu = time.process_time() - c0
    scpu = sim_cpu(cfg) - s0
    gc.enable()
    client.close()
    times.sort()
    n = len(times)
    return {"small": {"median_us": percentile(times, 0.5) / 1e3, "p99_us": percentile(times, 0.99) / 1e3,
                      "mean_us": sum(times) / n / 1e3, "cpu_us": cpu / n * 1e6, "sim_cpu_us": scpu / n * 1e6,
                      "n": n}}


def group_insert(client, cfg):
    client.connect()
    tag = "%s_%s" % (cfg["side"], cfg["transport"])
    # name -> (build the data, untimed; send it, timed)
    todo = {
        "insert_sql": (lambda: data.sql_batches("sql_" + tag, 1, cfg["sql_rows"], cfg["sql_batch"]),
                       client.insert_sql),
        "insert_stmt": (lambda: data.batches(cfg["stmt_rows"], cfg["stmt_batch"]),
                        lambda b: client.insert_stmt("stmt_" + tag, 2, b)),
        "insert_stmt_numpy": (lambda: numpy_batches(data.batches(cfg["stmt_rows"], cfg["stmt_batch"])),
                              lambda b: client.insert_stmt("stmtnp_" + tag, 3, b, use_numpy=True)),
        "insert_sml": (lambda: data.lines("sml_" + tag, cfg["sml_lines"], cfg["sml_batch"]),
                       client.insert_sml),
    }
    out = {}
    for name, (build, send) in todo.items():
        if name in cfg["inserts"]:
            out[name] = guarded(lambda: one_insert(cfg, build(), send))
    client.close()
    return out


def numpy_batches(batches):
    """The insert columns as numpy arrays (int64 ms timestamps, int32, int64, float64, bool, str)."""
    import numpy as np
    dtypes = ["int64", "int32", "int64", "float64", "bool", None]
    return [[np.asarray(c, dtype=d) for c, d in zip(b, dtypes)] for b in batches]


def one_insert(cfg, payload, send):
    """Wall and CPU of the client sending `payload`, and the simulator's CPU meanwhile."""
    s0 = sim_cpu(cfg)
    wall, cpu, n = run_timed(lambda: send(payload))
    return {"wall": wall, "cpu": cpu, "sim_cpu": sim_cpu(cfg) - s0, "n": n}


def group_stream(client, cfg):
    client.connect()
    run_timed(lambda: client.fetchall(data.FETCH_SQL))     # warm the source of the repeat
    gc.collect()
    base = rss_mb()
    hwm_ok = reset_peak()
    peak = [base]
    done = threading.Event()

    def sample():                                          # where VmHWM cannot be reset
        while not done.wait(0.01):
            peak[0] = max(peak[0], rss_mb())
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    wall, cpu, n = run_timed(lambda: client.iterate(cfg.get("stream_sql", data.STREAM_SQL)))
    done.set()
    sampler.join()
    top = max(peak[0], peak_mb()) if hwm_ok else peak[0]
    client.close()
    return {"stream": {"wall": wall, "cpu": cpu, "n": n, "peak_mb": top - base, "base_mb": base}}


GROUPS = {"connect": group_connect, "fetch": group_fetch, "small": group_small,
          "insert": group_insert, "stream": group_stream}


def main() -> int:
    cfg = json.loads(sys.argv[1])
    client = make_client(cfg)
    out = GROUPS[cfg["group"]](client, cfg)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
