"""Differential test: the same script runs under the official taospy (its own virtualenv,
.venv-taospy) and under our taosrest, against the same server; the results must be identical
(values, types, descriptions, row counts, error classes and texts)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from alltypes import create_all_types

ROOT = Path(__file__).resolve().parents[2]
TAOSPY_PYTHON = os.environ.get("TAOSLINK_TAOSPY_PYTHON") or str(ROOT / ".venv-taospy" / "bin" / "python")

SCRIPT = textwrap.dedent(r"""
    import datetime, pickle, sys
    import taosrest
    url, user, password, db = sys.argv[1:5]

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

    out = {}
    conn = taosrest.connect(url=url, user=user, password=password)
    for sql in ["select * from %s.st order by ts" % db,
                "select t_json->'k', t_json->'u', tbname from %s.st" % db,
                "select * from %s_us.t order by ts" % db,
                "select * from %s_ns.t order by ts" % db,
                "select count(*), sum(c_int), avg(c_d) from %s.st" % db,
                "select server_version()"]:
        cur = conn.cursor()
        r = cur.execute(sql)
        out[sql] = norm((r, cur.description, cur.rowcount, cur.affected_rows, cur.fetchone(), cur.fetchall()))
    out["insert"] = norm(conn.cursor().execute("insert into %s_us.t values (1700000000123456, 1)" % db))
    out["execute"] = norm(conn.execute("insert into %s_us.t values (1700000000123456, 1)" % db))
    res = conn.query("select * from %s.st order by ts" % db)
    out["result"] = norm((res.code, res.rows, res.field_count, res.fields, res.column_meta, list(res)))
    for tz in ["Asia/Shanghai", "America/New_York"]:
        c = taosrest.connect(url=url, user=user, password=password, timezone=tz)
        out[tz] = norm(c.query("select ts from %s_ns.t order by ts" % db).data)
    c = taosrest.connect(url=url, user=user, password=password, convert_timestamp=False)
    out["raw"] = norm(c.query("select * from %s.st order by ts" % db).data)
    c = taosrest.connect(url=url, user=user, password=password, database=db)
    out["database"] = norm(c.query("select c_int from ct order by ts").data)
    for sql in ["selec 1", "select * from %s.nosuch" % db, "select * from nosuchdb_x.t"]:
        try:
            conn.execute(sql)
            out[sql] = None
        except Exception as e:
            out[sql] = (type(e).__name__, getattr(e, "errno", None), str(e))
    try:
        taosrest.connect(url=url, user=user, password="wrong-pw").execute("show databases")
    except Exception as e:
        out["badpw"] = (type(e).__name__, e.errno, str(e))
    for sql in ["", "   "]:
        try:
            conn.execute(sql)
            out["empty %r" % sql] = None
        except Exception as e:
            out["empty %r" % sql] = (type(e).__name__, str(e))
    try:
        taosrest.connect(url=url, token="not-a-cloud").execute("show databases")
    except Exception as e:
        out["token"] = (type(e).__name__, str(e))
    try:
        taosrest.connect(url=url, bogus=1)
    except Exception as e:
        out["bogus"] = (type(e).__name__, str(e))
    sys.stdout.buffer.write(pickle.dumps(out, protocol=2))
""")


def _run(python: str, server, db: str) -> dict:
    env = dict(os.environ, TZ="Europe/Berlin")
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([python, "-c", SCRIPT, server.base, server.user, server.password, db],
                          capture_output=True, env=env, timeout=120, cwd="/")
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return pickle.loads(proc.stdout)


def test_same_results_as_taospy(server, conn, dbname):
    if not os.path.exists(TAOSPY_PYTHON):
        pytest.skip("official taospy not installed: python3 -m venv .venv-taospy && "
                    ".venv-taospy/bin/pip install taospy (or set TAOSLINK_TAOSPY_PYTHON)")
    check = subprocess.run([TAOSPY_PYTHON, "-c", "import taosrest, requests"], capture_output=True)
    if check.returncode != 0:
        pytest.skip("%s has no taospy" % TAOSPY_PYTHON)
    cur = conn.cursor()
    create_all_types(cur, dbname)
    for precision, ticks in (("us", 1700000000123456), ("ns", 1700000000123456789)):
        cur.execute("create database %s_%s precision '%s'" % (dbname, precision, precision))
        cur.execute("create table %s_%s.t (ts timestamp, v int)" % (dbname, precision))
        cur.execute("insert into %s_%s.t values (?, 1) (?, 2)" % (dbname, precision), (ticks, ticks * 3 // 4))
    try:
        ours = _run(sys.executable, server, dbname)
        theirs = _run(TAOSPY_PYTHON, server, dbname)
    finally:
        for precision in ("us", "ns"):
            conn.execute("drop database if exists %s_%s" % (dbname, precision))
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert ours[key] == theirs[key], key
