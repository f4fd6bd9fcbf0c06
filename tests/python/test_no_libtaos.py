"""The REST transport needs no TDengine client library: in a fresh process, connecting over
http:// loads exactly the taos-rest plugin and nothing named libtaos; taos:// fails with an
InterfaceError that names the missing plugin and every path tried."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(r"""
    import json, sys
    import taoslink
    out = {"before": taoslink.loaded_plugins()}
    with taoslink.connect(sys.argv[1]) as conn:
        out["rows"] = conn.query("show databases").fetchall() and True
    out["after"] = taoslink.loaded_plugins()
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if ".so" in line})
    out["taos_libs"] = [p for p in libs
                        if "libtaos" in p.rsplit("/", 1)[-1] and "libtaoslink" not in p.rsplit("/", 1)[-1]]
    out["native_plugin"] = [p for p in libs if "taos-native" in p]
    out["rest_plugin"] = [p for p in libs if "libtaoslink-taos-rest" in p]
    try:
        taoslink.connect("taos://root:taosdata@localhost:6030")
        out["taos"] = None
    except taoslink.InterfaceError as e:
        out["taos"] = {"msg": e.msg, "errno": e.errno, "search_path": taoslink.plugin_search_path()}
    out["after_taos"] = taoslink.loaded_plugins()
    print(json.dumps(out))
""")


def test_rest_without_libtaos(server):
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD", "TAOSLINK_PLUGIN_PATH")}
    proc = subprocess.run([sys.executable, "-c", CHILD, server.url], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["before"] == []  # importing loads no plugin
    assert out["rows"] is True
    assert out["after"] == ["taos-rest"]
    assert out["taos_libs"] == [] and out["native_plugin"] == []
    assert len(out["rest_plugin"]) == 1
    taos = out["taos"]
    assert taos is not None, "taos:// unexpectedly connected"
    assert 'transport plugin "taos-native" not found' in taos["msg"]
    for directory in taos["search_path"]:
        assert os.path.join(directory, "libtaoslink-taos-native.so") in taos["msg"]
    assert out["after_taos"] == ["taos-rest"]
