"""What the differential tests share (test_taos_parity, test_taospy_parity, test_taosws_api,
test_taosws_tmq): one script runs under the official client's interpreter and under ours, and
the pickled results are compared. The scripts run in other interpreters, so the helpers they
need (``norm``) are source text to put in front of them."""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, Iterator, Optional, Sequence

from child_env import child_env

ROOT = Path(__file__).resolve().parents[2]
#: The interpreter with the official taospy and taos-ws-py (.venv-taospy).
TAOSPY_PYTHON = os.environ.get("TAOSLINK_TAOSPY_PYTHON") or str(ROOT / ".venv-taospy" / "bin" / "python")

#: ``norm(x)`` for the taospy scripts: a value as (type name, value), lists, tuples and dicts
#: walked, a datetime as ("datetime", ISO text, naive?).
TAOSPY_NORM = textwrap.dedent(r"""
    import datetime

    def norm(x):
        if isinstance(x, datetime.datetime):
            return ("datetime", x.isoformat(), x.tzinfo is None)
        if isinstance(x, list):
            return [norm(i) for i in x]
        if isinstance(x, tuple):
            return tuple(norm(i) for i in x)
        if isinstance(x, dict):
            return {k: norm(v) for k, v in x.items()}
        return (type(x).__name__, x)
""")

#: ``norm(x)`` for the taos-ws-py scripts: a value as (type name, value), a list or tuple as
#: [type name, items...], a dict walked, a datetime as ("datetime", ISO text, str(tzinfo)).
TAOSWS_NORM = textwrap.dedent(r"""
    import datetime

    def norm(x):
        if isinstance(x, datetime.datetime):
            return ("datetime", x.isoformat(), str(x.tzinfo))
        if isinstance(x, (list, tuple)):
            return [type(x).__name__] + [norm(i) for i in x]
        if isinstance(x, dict):
            return {k: norm(v) for k, v in x.items()}
        return (type(x).__name__, x)
""")


def script_env(python: str, instrumented: Optional[bool] = None, **extra: str) -> Dict[str, str]:
    """The environment for a script run by ``python``: ours, plus ``extra``; PYTHONPATH only for
    our own interpreter (each imports its own packages). ``instrumented`` (default: ``python`` is
    ours) says whether it loads the sanitizer build (child_env)."""
    env = dict(os.environ, **extra)
    if python != sys.executable:
        env.pop("PYTHONPATH", None)
    return child_env(env, instrumented=python == sys.executable if instrumented is None else instrumented)


def run_script(python: str, script: str, args: Sequence[Any], timeout: float = 120,
               instrumented: Optional[bool] = None, **env: str) -> Any:
    """Runs ``python -c script args...`` (in /, with script_env(python, instrumented, **env)) and
    returns what the script pickled to its stdout; a failing script fails the test with the end of
    its stderr."""
    proc = subprocess.run([python, "-c", script] + [str(a) for a in args], capture_output=True,
                          env=script_env(python, instrumented, **env), timeout=timeout, cwd="/")
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]
    return pickle.loads(proc.stdout)


@contextlib.contextmanager
def precision_databases(conn: Any, dbname: str) -> Iterator[None]:
    """Databases ``<dbname>_us`` and ``<dbname>_ns`` (their precisions), each with a table t
    (ts, v) of two rows, for the body of the ``with``; dropped afterwards."""
    cur = conn.cursor()
    for precision, ticks in (("us", 1700000000123456), ("ns", 1700000000123456789)):
        cur.execute("create database %s_%s precision '%s'" % (dbname, precision, precision))
        cur.execute("create table %s_%s.t (ts timestamp, v int)" % (dbname, precision))
        cur.execute("insert into %s_%s.t values (?, 1) (?, 2)" % (dbname, precision), (ticks, ticks * 3 // 4))
    try:
        yield
    finally:
        for precision in ("us", "ns"):
            conn.execute("drop database if exists %s_%s" % (dbname, precision))
