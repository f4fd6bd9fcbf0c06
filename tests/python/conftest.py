"""Fixtures for the Python suite.

By default a taosAdapter simulator (tests/sim/run_sim.py) is started once per session on a free
loopback port. Set TAOSLINK_TEST_REST_URL (e.g. ``http://root:taosdata@host:6041``) to run the
suite against a real taosAdapter instead; simulator-only tests (fault injection, generated
tables) are then skipped with a reason. If the simulator cannot start, the session errors out:
tests never silently vanish.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from child_env import child_env

ROOT = Path(__file__).resolve().parents[2]
SIM = ROOT / "tests" / "sim" / "run_sim.py"
REAL_URL = os.environ.get("TAOSLINK_TEST_REST_URL", "").strip()


class Server:
    """Where the tests talk to: ``url`` (with credentials), ``base`` (without), and helpers."""

    def __init__(self, url: str, is_sim: bool) -> None:
        self.url = url.rstrip("/")
        parts = urllib.parse.urlsplit(self.url)
        self.scheme = parts.scheme or "http"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or 6041
        self.user = urllib.parse.unquote(parts.username or "root")
        self.password = urllib.parse.unquote(parts.password or "taosdata")
        self.base = "%s://%s:%d" % (self.scheme, self.host, self.port)
        self.is_sim = is_sim

    def control(self, name: str, payload: dict) -> dict:
        """POST /-/sim/<name> (simulator only)."""
        assert self.is_sim, "control routes exist only on the simulator"
        req = urllib.request.Request(self.base + "/-/sim/" + name, data=json.dumps(payload).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read())

    def fault(self, **spec) -> None:
        self.control("fault", spec)

    def clear_faults(self) -> None:
        self.control("fault", {"kind": "clear"})


def _start_sim() -> "tuple[subprocess.Popen, int, Path]":
    if not SIM.exists():
        raise RuntimeError("the simulator is missing: %s" % SIM)
    log = Path(os.environ.get("PYTEST_SIM_LOG", "/tmp/taoslink-pytest-sim-%d.log" % os.getpid()))
    err = open(log, "wb")
    proc = subprocess.Popen([sys.executable, str(SIM), "--port", "0"], stdout=subprocess.PIPE,
                            stderr=err, cwd=str(ROOT), env=child_env(instrumented=False))
    line: list = []

    def read_first() -> None:
        line.append(proc.stdout.readline())

    t = threading.Thread(target=read_first, daemon=True)
    t.start()
    t.join(30)
    text = line[0].decode(errors="replace") if line else ""
    m = re.search(r"taossim listening on ([0-9.]+):(\d+)", text)
    if not m:
        proc.kill()
        proc.wait()
        err.close()
        raise RuntimeError("the taosAdapter simulator did not start (first line %r); its stderr:\n%s"
                           % (text, log.read_text(errors="replace")[-4000:]))

    def drain() -> None:  # keep its stdout pipe from filling up
        for _ in proc.stdout:
            pass

    threading.Thread(target=drain, daemon=True).start()
    return proc, int(m.group(2)), log


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    if REAL_URL:
        yield Server(REAL_URL, is_sim=False)
        return
    proc, port, _log = _start_sim()
    try:
        yield Server("http://root:taosdata@127.0.0.1:%d" % port, is_sim=True)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def sim(server: Server) -> Iterator[Server]:
    """The server, for tests that need the simulator's control routes; skipped on a real one."""
    if not server.is_sim:
        pytest.skip("needs the simulator's control routes (TAOSLINK_TEST_REST_URL points at a real taosAdapter)")
    yield server
    server.clear_faults()


@pytest.fixture
def conn(server: Server):
    import taoslink

    c = taoslink.connect(server.url)
    yield c
    c.close()


@pytest.fixture
def rest_conn(server: Server):
    import taosrest

    c = taosrest.connect(url=server.base, user=server.user, password=server.password)
    yield c
    c.close()


@pytest.fixture
def dbname(server: Server) -> Iterator[str]:
    """A fresh database name, dropped after the test."""
    import taoslink

    name = "t_" + uuid.uuid4().hex[:12]
    yield name
    with taoslink.connect(server.url) as c:
        c.execute("drop database if exists %s" % name)


#: Where the fake libtaos (tests/fake_taosc: taosc's API over the simulator's WebSocket) is built.
FAKE_TAOSC_DIR = Path(os.environ.get("TAOSLINK_FAKE_TAOSC_DIR", "").strip()
                      or ROOT / "build" / "cmake" / "tests" / "fake_taosc").resolve()  # children run elsewhere


@pytest.fixture(scope="session")
def native_lib(server: Server) -> Iterator[Path]:
    """The libtaos the taos:// tests load. On the simulator: the fake libtaos, whose
    taos_connect(host, port) talks WebSocket to ws://host:port; TAOSLINK_LIBTAOS is set to it for
    the session and LD_LIBRARY_PATH-style lookups (the official taospy) use its directory. Its
    absence fails every test that needs it: build it (make build) or set TAOSLINK_FAKE_TAOSC_DIR."""
    if not server.is_sim:
        lib = os.environ.get("TAOSLINK_LIBTAOS", "")
        yield Path(lib) if lib else Path("libtaos.so")
        return
    lib = FAKE_TAOSC_DIR / "libtaos.so"
    if not lib.is_file():
        pytest.fail("the fake libtaos is missing: %s (build it with `make build`, or set "
                    "TAOSLINK_FAKE_TAOSC_DIR to the directory holding libtaos.so)" % lib, pytrace=False)
    old = os.environ.get("TAOSLINK_LIBTAOS")
    os.environ["TAOSLINK_LIBTAOS"] = str(lib)
    try:
        yield lib
    finally:
        if old is None:
            os.environ.pop("TAOSLINK_LIBTAOS", None)
        else:
            os.environ["TAOSLINK_LIBTAOS"] = old


@pytest.fixture
def taos_args(server: Server, native_lib: Path) -> dict:
    """connect() keywords for the official-taospy-compatible ``taos`` module (taos://)."""
    port = server.port if server.is_sim else int(os.environ.get("TAOSLINK_TEST_TAOS_PORT", "6030"))
    return dict(host=server.host, port=port, user=server.user, password=server.password)


@pytest.fixture
def taos_conn(taos_args: dict):
    import taos

    c = taos.connect(**taos_args)
    yield c
    c.close()


def wait_until(pred, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()
