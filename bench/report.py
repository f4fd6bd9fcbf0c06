"""The one table: our figure, the official client's, the ratio, the machine's bound, the target."""

from __future__ import annotations

import os
import platform
import time

import data


def memcpy_seconds(nbytes: int, runs: int = 5) -> float:
    """Best time to copy `nbytes` between two preallocated buffers (numpy.copyto is a memcpy)."""
    try:
        import numpy as np
        src = np.ones(nbytes, dtype=np.uint8)
        dst = np.empty_like(src)
        copy = lambda: np.copyto(dst, src)  # noqa: E731
    except ImportError:
        src, dst = bytearray(b"\1" * nbytes), bytearray(nbytes)
        copy = lambda: dst.__setitem__(slice(None), src)  # noqa: E731
    copy()
    best = None
    for _ in range(runs):
        t0 = time.perf_counter()
        copy()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best


def _s(v):
    return "%.3f s" % v


def _ms(v):
    return "%.1f ms" % (v * 1e3) if v >= 0.01 else "%.2f ms" % (v * 1e3)


def _us(v):
    return "%.0f us" % v


class Table:
    def __init__(self, args, results: dict, stream_rows: int, official_stream_rows: int):
        self.args = args
        self.r = results
        self.stream_rows = stream_rows
        self.official_stream_rows = official_stream_rows
        self.rows = []          # (transport, workload, ours, official, ratio, bound, target, met)
        self.counts = []        # (label, got, expected)
        for transport, got in results["clients"].items():
            self._transport(transport, got["ours"], got["official"], results["floors"].get(transport, {}))

    # -- building ------------------------------------------------------------------------------
    def _cell(self, d: dict, key: str, expect=None, label=""):
        v = d.get(key)
        if v is None:
            return None, "not run"
        if "na" in v:
            return None, "- (%s)" % v["na"]
        if expect is not None and "n" in v:
            self.counts.append((label, v["n"], expect))
        return v, None

    def _add(self, t, workload, ours, official, ratio="", bound="", target="", met=""):
        self.rows.append((t, workload, ours, official, ratio, bound, target, met))

    def _transport(self, t, ours, off, floor):
        a = self.args
        # fetch into Python objects: wall seconds, speed-up over the official client
        for key, label, target in (("fetchall", "fetchall: %s rows x 10 cols" % f"{a.rows:,}", 5),
                                   ("iterate", "iterate conn.query() rows" if t == "ws" else "iterate rows", 5),
                                   ("into_dict", "fetch_all_into_dict", 5),
                                   ("dataframe", "pandas DataFrame", 20)):
            o, o_why = self._cell(ours, key, a.rows, "ours %s %s" % (t, key))
            f, f_why = self._cell(off, key, a.rows, "official %s %s" % (t, key))
            ratio = met = ""
            if o and f:
                x = f["wall"] / o["wall"]
                ratio, met = "%.1fx" % x, ("yes" if x >= target else "NO")
            bound = "sim alone %s" % _s(floor["fetch"]) if floor.get("fetch") else ""
            self._add(t, label, _s(o["wall"]) if o else o_why, _s(f["wall"]) if f else f_why, ratio, bound,
                      ">= %dx official" % target, met)
        # numeric columns into numpy / Arrow: against memcpy of the same bytes
        mc = self.r["floors"].get("memcpy")
        for key, label in (("numpy", "numpy, numeric cols"), ("arrow", "pyarrow Table, numeric cols")):
            o, o_why = self._cell(ours, key, a.rows, "ours %s %s" % (t, key))
            f, f_why = self._cell(off, key, a.rows, "official %s %s" % (t, key))
            ratio = met = ""
            if o and mc:
                x = o["wall"] / mc
                ratio, met = "%.0fx memcpy" % x, ("yes" if x <= 3 else "NO")
            bound = "memcpy %s; sim alone %s" % (_ms(mc), _s(floor.get("numeric", 0))) if mc else ""
            self._add(t, label, _s(o["wall"]) if o else o_why, _s(f["wall"]) if f else f_why, ratio, bound,
                      "<= 3x memcpy", met)
        # inserts: the simulator stores every row in Python, so wall time is mostly its own;
        # the client's CPU is what differs between clients
        sizes = {"insert_sql": (a.sql_rows, "SQL batches: %s rows, client CPU" % f"{a.sql_rows:,}"),
                 "insert_stmt": (a.stmt_rows, "stmt from column lists: %s rows, client CPU" % f"{a.stmt_rows:,}"),
                 "insert_stmt_numpy": (a.stmt_rows, "stmt from numpy columns, client CPU"),
                 "insert_sml": (a.sml_lines, "schemaless: %s lines, client CPU" % f"{a.sml_lines:,}")}
        for key, (n, label) in sizes.items():
            o, o_why = self._cell(ours, key, n, "ours %s %s" % (t, key))
            ref_key = "insert_stmt" if key == "insert_stmt_numpy" else key
            f, f_why = self._cell(off, ref_key, n, "official %s %s" % (t, key))
            ratio = met = target = ""
            if o and f:
                x = f["cpu"] / o["cpu"] if o["cpu"] > 0 else float("inf")
                ratio = "%.1fx" % x
                if key.startswith("insert_stmt"):
                    target, met = ">= 5x official", ("yes" if x >= 5 else "NO")
            elif key.startswith("insert_stmt"):
                target = ">= 5x official"
            bound = ("wall %s, sim CPU %s" % (_s(o["wall"]), _s(o["sim_cpu"]))) if o else ""
            ours_txt = _s(o["cpu"]) if o else o_why
            off_txt = (_s(f["cpu"]) + (" (lists)" if key == "insert_stmt_numpy" else "")) if f else f_why
            self._add(t, label, ours_txt, off_txt, ratio, bound, target, met)
        # small queries: the client's own CPU per query is its time above the server's reply
        # (the simulator runs on the other core); wall times beside the minimal client's
        o, o_why = self._cell(ours, "small")       # child.py checks every query's rows
        f, f_why = self._cell(off, "small")
        f_note = " (%d queries)" % f["n"] if f and f["n"] < a.small_queries else ""
        for q, label in (("median_us", "%s small queries: median wall" % f"{a.small_queries:,}"),
                         ("p99_us", "small queries: p99 wall")):
            fq = floor.get("small_" + q)
            ratio = "%.1fx" % (f[q] / o[q]) if (o and f) else ""
            bound = "minimal client %s" % _us(fq) if fq is not None else ""
            self._add(t, label, _us(o[q]) if o else o_why, _us(f[q]) + f_note if f else f_why, ratio, bound, "", "")
        ratio = "%.1fx" % (f["cpu_us"] / o["cpu_us"]) if (o and f and o["cpu_us"] > 0) else ""
        bound = "sim CPU %s/query" % _us(floor["small_sim_cpu_us"]) if floor.get("small_sim_cpu_us") else ""
        if floor.get("small_raw_cpu_us"):
            bound += "; minimal client CPU %s" % _us(floor["small_raw_cpu_us"])
        self._add(t, "small queries: client CPU per query", _us(o["cpu_us"]) if o else o_why,
                  _us(f["cpu_us"]) if f else f_why, ratio, bound, "<= 30 us",
                  ("yes" if o["cpu_us"] <= 30 else "NO") if o else "")
        # import, plugin load and first connect
        for key, label, target in (("import", "import the module", ""),
                                   ("connect", "first connect (loads the plugin)", "< 20 ms")):
            o, o_why = self._cell(ours, key)
            f, f_why = self._cell(off, key)
            met = ("yes" if o["wall"] < 0.020 else "NO") if (o and target) else ""
            ratio = "%.1fx" % (f["wall"] / o["wall"]) if (o and f) else ""
            self._add(t, label, _ms(o["wall"]) if o else o_why, _ms(f["wall"]) if f else f_why, ratio, "",
                      target, met)
        # streaming by iteration: memory above the start
        o, o_why = self._cell(ours, "stream", self.stream_rows, "ours %s stream" % t)
        f, f_why = self._cell(off, "stream", self.official_stream_rows, "official %s stream" % t)
        met = ("yes" if o["peak_mb"] < 100 else "NO") if o else ""
        self._add(t, "stream %s rows: peak RSS above start" % f"{self.stream_rows:,}",
                  "%.0f MB (%.1f s)" % (o["peak_mb"], o["wall"]) if o else o_why,
                  "%.0f MB (%s rows, %.1f s)" % (f["peak_mb"], f"{f['n']:,}", f["wall"]) if f else f_why,
                  "", "", "< 100 MB", met)

    # -- output --------------------------------------------------------------------------------
    def wrong_counts(self) -> list:
        return ["%s returned %d rows, expected %d" % (label, got, want)
                for label, got, want in self.counts if got != want]

    def header(self) -> str:
        st = self.r.get("stats", {})
        return ("taoslink vs the official clients against taossim; %s, %d CPUs, Python %s; best of %d; "
                "suite %.0f s; sim caches: REST %s hits / %s misses, /ws %s / %s"
                % (platform.machine(), os.cpu_count() or 0, platform.python_version(), self.args.repeat,
                   self.r.get("seconds", 0), st.get("cache_hits"), st.get("cache_misses"),
                   st.get("ws_cache_hits"), st.get("ws_cache_misses")))

    def render(self) -> str:
        head = ("transport", "workload", "taoslink", "official", "ratio", "bound", "target", "met")
        rows = [head] + [tuple(str(c) for c in r) for r in self.rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = []
        for k, r in enumerate(rows):
            lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
            if k == 0:
                lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        return "\n".join(lines)
