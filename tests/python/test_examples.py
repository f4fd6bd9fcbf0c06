"""Runs every examples/*.py against the session's server, as a user would.

The examples' contract: the base DSN comes from TAOSLINK_DSN, each uses its own database (and
topics) and drops them, prints something readable and exits 0 on success; this test checks each
point, and that no DSN is printed with its password. Examples that use the `taos` module (their
name contains "native" or they import taos) also get TAOSLINK_LIBTAOS, the fake libtaos on the
simulator. New files in examples/ are picked up without editing this test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from child_env import child_env

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_"))
IMPORTS_TAOS = re.compile(r"^\s*(import taos\b|from taos\b)", re.MULTILINE)

#: Text each of these examples must print (beyond exiting 0): a value read back, a count.
EXPECTED = {
    "query_all_types.py": ["18446744073709551615", "c_geometry", "DECIMAL64", "== ws://"],
    "stmt_insert.py": ["row binding: 3 rows", "column binding: 6 rows", "expected int, got str"],
    "schemaless.py": ["InfluxDB line protocol: 2 rows", "OpenTSDB telnet: 2 rows", "OpenTSDB JSON: 2 rows"],
    "json_tags.py": ["'model': 'T-200'", "where info->'floor' = 2: [('dev_b', 21.5)]"],
    "tmq_consumer.py": ["consumed 20 rows"],
    "native_taos_query.py": ["inserted 2 rows", "ProgrammingError"],
    "native_taos_stmt.py": ["TaosStmt: 4 rows", "TaosStmt2: 4 rows"],
    "native_taos_tmq.py": ["consumed 6 rows"],
    "taosws_example.py": ["statement: 3 rows", "queried 3 rows, consumed 3"],
    "taosrest_example.py": ["inserted 3 rows", "fetchmany(2): [[1], [2]]"],
    "demo.py": ["== http://", "== ws://", "loaded plugins"],
    "asyncio_query.py": ["rows=100", "TMQ: consumed 100 rows"],
}


def uses_taos(path: Path) -> bool:
    return "native" in path.name or bool(IMPORTS_TAOS.search(path.read_text(encoding="utf-8")))


def databases_and_topics(url: str) -> set:
    import taoslink

    with taoslink.connect(url) as c:
        return ({("database", row[0]) for row in c.query("show databases")}
                | {("topic", row[0]) for row in c.query("show topics")})


def test_examples_found():
    names = {p.name for p in EXAMPLES}
    assert {"query_all_types.py", "stmt_insert.py", "schemaless.py", "json_tags.py", "tmq_consumer.py"} <= names


def test_readme_lists_every_example():
    readme = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in EXAMPLES if p.name not in readme]
    assert not missing, "examples/README.md does not mention %s" % missing


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(path: Path, server, request):
    env = dict(os.environ, TAOSLINK_DSN=server.url, PYTHONUNBUFFERED="1")
    if uses_taos(path):
        env["TAOSLINK_LIBTAOS"] = str(request.getfixturevalue("native_lib"))
        if server.is_sim:
            env["TAOSLINK_TAOS_DSN"] = "taos://%s:%s@%s:%d" % (server.user, server.password, server.host, server.port)
        else:
            env["TAOSLINK_TAOS_PORT"] = os.environ.get("TAOSLINK_TEST_TAOS_PORT", "6030")
            if os.environ.get("TAOSLINK_TEST_TAOS_URL"):
                env["TAOSLINK_TAOS_DSN"] = os.environ["TAOSLINK_TEST_TAOS_URL"]
    before = databases_and_topics(server.url)
    proc = subprocess.run([sys.executable, str(path)], cwd=str(ROOT), env=child_env(env), capture_output=True,
                          text=True, timeout=300)
    report = "exit %d\n--- stdout\n%s\n--- stderr\n%s" % (proc.returncode, proc.stdout[-4000:], proc.stderr[-4000:])
    assert proc.returncode == 0, report
    assert proc.stdout.strip(), "printed nothing\n" + report
    for text in EXPECTED.get(path.name, []):
        assert text in proc.stdout, "missing %r\n%s" % (text, report)
    assert "%s:%s@" % (server.user, server.password) not in proc.stdout + proc.stderr, "a DSN was printed unredacted"
    left = databases_and_topics(server.url) - before
    assert not left, "%s left these behind: %s" % (path.name, sorted(left))
