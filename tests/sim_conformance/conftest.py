"""The simulator for the conformance tests: each test module gets its own (``port``), started as
a subprocess on a free port that it names on its first stdout line."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN_SIM = os.path.join(ROOT, "tests", "sim", "run_sim.py")


@pytest.fixture(scope="module")
def port():
    """The port of a simulator running for the module's tests (on 127.0.0.1)."""
    proc = subprocess.Popen([sys.executable, RUN_SIM, "--port", "0"], stdout=subprocess.PIPE,
                            text=True)
    line = proc.stdout.readline().strip()
    assert line.startswith("taossim listening on 127.0.0.1:"), line
    yield int(line.rsplit(":", 1)[1])
    proc.terminate()
    proc.wait(timeout=10)
