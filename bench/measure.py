"""Timing and memory measurement inside a benchmark process (standard library only)."""

from __future__ import annotations

import gc
import time


def run_timed(fn):
    """(wall s, this process's CPU s over all threads, fn's result) of one call."""
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, time.process_time() - c0, out


def best_of(repeat: int, fn, budget_s: float = 10.0) -> dict:
    """The fastest of up to `repeat` runs; a run that alone exceeds `budget_s` is not repeated
    (the official clients' slow paths would otherwise dominate the suite's time)."""
    best, spent = None, 0.0
    for _ in range(max(1, repeat)):
        wall, cpu, n = run_timed(fn)
        gc.collect()               # freeing the result is not part of fetching it
        spent += wall
        if best is None or wall < best["wall"]:
            best = {"wall": wall, "cpu": cpu, "n": n}
        if spent > budget_s:
            break
    return best


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s in /proc/self/status" % field)


def rss_mb() -> float:
    return _status_kb("VmRSS") / 1024.0


def reset_peak() -> bool:
    """Resets VmHWM to the current RSS (Linux >= 4.0); False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_mb() -> float:
    return _status_kb("VmHWM") / 1024.0


def percentile(sorted_values: list, q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[k]
