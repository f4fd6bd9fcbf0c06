"""The simulator for the benchmarks: started on a free loopback port, its output drained."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIM = ROOT / "tests" / "sim" / "run_sim.py"


def start_sim():
    """(process, port) of a simulator started with this interpreter."""
    proc = subprocess.Popen([sys.executable, str(SIM), "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, cwd=str(ROOT))
    line = proc.stdout.readline().decode()
    m = re.search(r"listening on ([0-9.]+):(\d+)", line)
    if not m:
        proc.kill()
        raise SystemExit("the simulator did not start: %r" % line)
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    return proc, int(m.group(2))
