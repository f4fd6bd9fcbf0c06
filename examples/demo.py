#!/usr/bin/env python3
"""The taoslink demo: one small workload through every transport this build has.

Without TAOSLINK_DSN it starts the TDengine simulator (tests/sim) on loopback and uses it; with
TAOSLINK_DSN=http://user:pass@host:6041 it runs against that server instead (the password is
never printed). taos:// (taosc) runs against the simulator through the fake libtaos.so of
tests/fake_taosc when it is built (make build), or against TAOSLINK_TAOS_DSN=taos://user:pass@host:6030
with a real libtaos when TAOSLINK_DSN is given.
"""
from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import taos
import taoslink
import taosrest

ROOT = Path(__file__).resolve().parents[1]
FAKE_LIBTAOS = Path(os.environ.get("TAOSLINK_FAKE_TAOSC_DIR", ROOT / "build/cmake/tests/fake_taosc")) / "libtaos.so"
DB = "taoslink_demo"


@contextmanager
def server():
    """Yields a base DSN: TAOSLINK_DSN, or a simulator started on a free loopback port."""
    given = os.environ.get("TAOSLINK_DSN")
    if given:
        yield given
        return
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests/sim/run_sim.py"), "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        if "listening on" not in line:
            raise SystemExit(f"simulator did not start: {line!r}")
        address = line.rsplit(" ", 1)[-1]
        print(f"simulator: {line}")
        yield f"http://root:taosdata@{address}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def with_scheme(dsn: str, scheme: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit((scheme,) + tuple(parts[1:]))


def run(dsn: str) -> None:
    print(f"\n== {taoslink.redact_dsn(dsn)}")
    with taoslink.connect(dsn) as conn:
        print(f"server version: {conn.server_info}")
        cur = conn.cursor()
        cur.execute(f"drop database if exists {DB}")
        cur.execute(f"create database {DB} precision 'ms'")
        cur.execute(f"create stable {DB}.meters (ts timestamp, current float, voltage int, phase double) "
                    "tags (location varchar(64), group_id int)")
        cur.execute(f"insert into {DB}.d1001 using {DB}.meters tags ('California.SanFrancisco', 2) values "
                    "(1700000000000, 10.3, 219, 0.31) (1700000001000, 12.6, 218, 0.33)")
        print(f"inserted {cur.rowcount} rows with SQL")
        cur.execute(f"insert into {DB}.d1002 using {DB}.meters tags (?, ?) values (?, ?, ?, ?)",
                    ("California.LosAngeles", 3, 1700000002000, 11.8, 221, 0.28))
        print(f"inserted {cur.rowcount} row with bound parameters")
        try:
            stmt = conn.statement(f"insert into ? using {DB}.meters tags (?, ?) values (?, ?, ?, ?)")
        except taoslink.NotSupportedError as e:
            print(f"no prepared statements on this transport: {e.msg}")
        else:
            with stmt:
                stmt.set_tbname(f"{DB}.d1003")
                stmt.set_tags(["California.SanDiego", 4], types=["varchar", "int"])
                stmt.bind([[1700000004000, 1700000005000], [9.9, 10.1], [215, 216], [0.27, None]],
                          types=["timestamp", "float", "int", "double"])
                stmt.add_batch()
                print(f"inserted {stmt.execute()} rows through a prepared statement (columns bound whole)")
        conn.select_db(DB)
        conn.schemaless_insert(["meters_sml,location=Paris current=9.5,voltage=230i 1700000003000000000"],
                               protocol="line", precision="ns")
        print("inserted 1 InfluxDB line through schemaless")
        cur.execute(f"select ts, current, voltage, location from {DB}.meters where voltage > ? order by ts",
                    (200,))
        print("columns:", [d[0] for d in cur.description])
        for row in cur:
            print("  ", row)
        try:
            cur.execute(f"select * from {DB}.no_such_table")
        except taoslink.ProgrammingError as e:
            print(f"a typed error, as expected: {type(e).__name__} errno=0x{e.errno:04x} {e.msg}")
        cur.execute(f"drop database {DB}")


def run_taosrest(dsn: str) -> None:
    """The same server through the taospy-compatible `taosrest` module."""
    parts = urlsplit(dsn)
    print(f"\n== taosrest (taospy's REST API) at {parts.hostname}:{parts.port}")
    conn = taosrest.connect(url=f"http://{parts.hostname}:{parts.port}", user=parts.username or "root",
                            password=parts.password or "taosdata")
    result = conn.query("select server_version()")
    print(f"query -> column_meta={result.column_meta} data={result.data}")
    cur = conn.cursor()
    cur.execute("show databases")
    print(f"cursor -> rowcount={cur.rowcount}, databases={[row[0] for row in cur.fetchall()]}")
    conn.close()


def taos_dsn(base: str) -> "str | None":
    """Where taos:// goes, or None (with the reason printed)."""
    if "TAOSLINK_DSN" in os.environ:
        if "TAOSLINK_TAOS_DSN" in os.environ:
            return os.environ["TAOSLINK_TAOS_DSN"]
        print("\n== taos:// skipped: set TAOSLINK_TAOS_DSN=taos://user:pass@host:6030 to include taosc")
        return None
    if not FAKE_LIBTAOS.is_file():
        print(f"\n== taos:// skipped: the simulator needs the fake libtaos ({FAKE_LIBTAOS}; make build)")
        return None
    os.environ.setdefault("TAOSLINK_LIBTAOS", str(FAKE_LIBTAOS))
    print(f"\n(taos:// reaches the simulator through the fake libtaos.so of tests/fake_taosc)")
    return with_scheme(base, "taos")


def run_taos_module(dsn: str) -> None:
    """The same server through the taospy-compatible native module `taos`."""
    parts = urlsplit(dsn)
    print(f"\n== taos (taospy's native API) at {parts.hostname}:{parts.port}")
    conn = taos.connect(host=parts.hostname, port=parts.port or 0, user=parts.username or "root",
                        password=parts.password or "taosdata")
    print(f"client {conn.client_info}, server {conn.server_info}")
    conn.execute(f"create database if not exists {DB}")
    conn.select_db(DB)
    conn.execute("create table if not exists t (ts timestamp, v int, note nchar(8))")
    stmt = conn.statement("insert into t values (?, ?, ?)")
    cols = taos.new_multi_binds(3)
    cols[0].timestamp([1700000000000, 1700000001000])
    cols[1].int([1, None])
    cols[2].nchar(["温度", "ok"])
    stmt.bind_param_batch(cols)
    stmt.execute()
    print(f"inserted {stmt.affected_rows} rows with TaosStmt")
    stmt.close()
    result = conn.query("select * from t order by ts")
    print(f"fields={[f.name for f in result.fields]} rows={result.fetch_all()}")
    conn.execute(f"drop database {DB}")
    conn.close()


def main() -> int:
    with server() as base:
        schemes = taoslink.scheme_map()
        ran = 0
        for scheme in ("http", "ws", "taos"):
            plugin = schemes.get(scheme)
            if plugin not in taoslink.available_plugins():
                print(f"\n== {scheme}:// skipped: plugin {plugin} is not part of this build")
                continue
            dsn = taos_dsn(base) if scheme == "taos" else with_scheme(base, scheme)
            if dsn is None:
                continue
            run(dsn)
            if scheme == "http":
                run_taosrest(base)
            if scheme == "taos":
                run_taos_module(dsn)
            ran += 1
        print(f"\nloaded plugins: {taoslink.loaded_plugins()}")
        return 0 if ran else 1


if __name__ == "__main__":
    sys.exit(main())
