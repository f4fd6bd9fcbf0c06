"""No TDengine client library on the machine: in one fresh process, http:// and ws:// connect and
query, ``import taos`` works, and taos:// fails with the clear, typed error (what was looked for,
where, and to use ws:// or http:// instead). Neither transport maps anything named libtaos, and
the failed taos:// attempt leaves http:// and ws:// working."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import urllib.parse

from child_env import child_env

CHILD = textwrap.dedent(r"""
    import json, sys
    import taoslink
    import taos                       # must not need libtaos

    def libs():
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if ".so" in line})
        return [p for p in paths if p.rsplit("/", 1)[-1].startswith("libtaos.")]

    out = {"before": taoslink.loaded_plugins()}
    for dsn in sys.argv[1:3]:
        with taoslink.connect(dsn) as conn:
            out.setdefault("rows", []).append(bool(conn.cursor().execute("show databases").fetchall()))
    out["after"] = taoslink.loaded_plugins()
    out["libs_before_taos"] = libs()
    try:
        taoslink.connect("taos://root:secret-pw@127.0.0.1:6030")
        out["taoslink"] = None
    except taoslink.InterfaceError as e:
        out["taoslink"] = {"msg": e.msg, "errno": e.errno}
    try:
        taos.connect(host="127.0.0.1", port=6030, password="secret-pw")
        out["taos"] = None
    except taos.error.InterfaceError as e:
        out["taos"] = {"class": type(e).__name__, "msg": e.msg, "str": str(e)}
    out["after_taos"] = taoslink.loaded_plugins()
    out["libs_after_taos"] = libs()
    # the failed attempt leaves the other transports working
    for dsn in sys.argv[1:3]:
        with taoslink.connect(dsn) as conn:
            out.setdefault("rows_after", []).append(bool(conn.cursor().execute("show databases").fetchall()))
    print(json.dumps(out))
""")


def test_taos_fails_clearly_while_http_and_ws_work(server):
    parts = urllib.parse.urlsplit(server.url)
    ws_url = urllib.parse.urlunsplit(({"http": "ws", "https": "wss"}[parts.scheme], parts.netloc, "", "", ""))
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD", "TAOSLINK_PLUGIN_PATH", "TAOSLINK_LIBTAOS")}
    proc = subprocess.run([sys.executable, "-c", CHILD, server.url, ws_url], env=child_env(env), capture_output=True,
                          text=True, timeout=60, cwd="/")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["before"] == []  # importing taoslink and taos loads no plugin
    assert out["rows"] == [True, True]
    assert out["after"] == ["taos-rest", "taos-ws"]
    assert out["libs_before_taos"] == []

    for failure in (out["taoslink"], out["taos"]):
        assert failure is not None, "taos:// unexpectedly connected"
        msg = failure["msg"]
        assert "libtaos.so" in msg
        for place in ("libtaos.so (system library path)", "/usr/local/taos/driver/libtaos.so"):
            assert place in msg
        assert "TAOSLINK_LIBTAOS" in msg and "ws://" in msg and "http://" in msg
        assert "secret-pw" not in msg
    assert out["taos"]["str"].startswith("[0x")
    assert "unable to load taos client library" in out["taos"]["msg"]
    # the plugin loaded (it is what reports the missing library); taosc did not
    assert out["after_taos"] == ["taos-rest", "taos-ws", "taos-native"]
    assert out["libs_after_taos"] == []
    assert out["rows_after"] == [True, True]
