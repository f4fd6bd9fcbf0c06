"""Differential test: the same script runs under the official taospy (its own virtualenv,
.venv-taospy) and under our taosrest, against the same server; the results must be identical
(values, types, descriptions, row counts, error classes and texts)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from alltypes import create_all_types
from parity import TAOSPY_NORM, TAOSPY_PYTHON, precision_databases, run_script, script_env

SCRIPT = TAOSPY_NORM + textwrap.dedent(r"""
    import datetime, pickle, sys
    import taosrest
    url, user, password, db = sys.argv[1:5]

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
    return run_script(python, SCRIPT, [server.base, server.user, server.password, db], TZ="Europe/Berlin")


def test_same_results_as_taospy(server, conn, dbname):
    if not os.path.exists(TAOSPY_PYTHON):
        pytest.skip("official taospy not installed: python3 -m venv .venv-taospy && "
                    ".venv-taospy/bin/pip install taospy (or set TAOSLINK_TAOSPY_PYTHON)")
    check = subprocess.run([TAOSPY_PYTHON, "-c", "import taosrest, requests"], capture_output=True,
                           env=script_env(TAOSPY_PYTHON))
    if check.returncode != 0:
        pytest.skip("%s has no taospy" % TAOSPY_PYTHON)
    create_all_types(conn.cursor(), dbname)
    with precision_databases(conn, dbname):
        ours = _run(sys.executable, server, dbname)
        theirs = _run(TAOSPY_PYTHON, server, dbname)
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert ours[key] == theirs[key], key
