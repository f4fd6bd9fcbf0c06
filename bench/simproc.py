"""The simulator for the benchmarks: started on a free loopback port, driven through /-/sim/."""

from __future__ import annotations

import http.client
import json
import os
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


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) process `pid` has used so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Sim:
    """A running simulator: its port, control routes and CPU counter."""

    def __init__(self):
        self.proc, self.port = start_sim()

    def request(self, method: str, path: str, obj=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
        body = json.dumps(obj).encode() if obj is not None else None
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if resp.status != 200:
            raise RuntimeError("%s %s: %d %r" % (method, path, resp.status, data[:300]))
        return json.loads(data)

    def generate(self, db: str, table: str, rows: int) -> dict:
        return self.request("POST", "/-/sim/generate", {"db": db, "table": table, "rows": rows, "precision": "ms"})

    def repeat(self, sql: str, source: str, times: int) -> None:
        """Serve `sql` as `times` copies of the cached result of `source` (cache.py)."""
        self.request("POST", "/-/sim/repeat", {"sql": sql, "source": source, "times": times})

    def stats(self) -> dict:
        return self.request("GET", "/-/sim/stats")

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
