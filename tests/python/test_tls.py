"""TLS for https:// and wss:// against the simulator serving certificates from a CA made here
(tests/sim/tls_certs.py, the `openssl` command): verification is on by default, an unknown CA or
a certificate for another host name is refused with a typed error, and verification is off only
when asked for (``tls_verify=false``). Covers taoslink (https, wss), taosrest (https URL; the CA
through the system store's SSL_CERT_FILE, as taospy's requests would take REQUESTS_CA_BUNDLE) and
taosws (wss with ``ca_file``). Loopback only; two simulator processes: one presenting a
certificate for 127.0.0.1, one presenting a certificate for another name.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import taoslink
from child_env import child_env

ROOT = Path(__file__).resolve().parents[2]
SIM = ROOT / "tests" / "sim" / "run_sim.py"

sys.path.insert(0, str(ROOT / "tests" / "sim"))
from tls_certs import make_certs  # noqa: E402

TLS_ERROR = 0xE009


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    try:
        return make_certs(str(tmp_path_factory.mktemp("tls")))
    except (RuntimeError, subprocess.CalledProcessError) as e:
        pytest.fail("cannot make test certificates: %s" % e, pytrace=False)


def _start(cert: str, key: str):
    proc = subprocess.Popen([sys.executable, str(SIM), "--port", "0", "--tls-cert", cert, "--tls-key", key],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env(instrumented=False))
    line = proc.stdout.readline().decode()
    m = re.search(r"listening on [0-9.]+:(\d+) \(tls\)", line)
    if not m:
        proc.kill()
        pytest.fail("the TLS simulator did not start: %r %s" % (line, proc.stderr.read().decode()[-2000:]))
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    return proc, int(m.group(1))


@pytest.fixture(scope="module")
def tls_port(certs):
    """A simulator presenting a certificate for localhost / 127.0.0.1."""
    proc, port = _start(certs["server"], certs["server_key"])
    yield port
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def other_port(certs):
    """A simulator presenting a certificate (same CA) for another host name only."""
    proc, port = _start(certs["other"], certs["other_key"])
    yield port
    proc.terminate()
    proc.wait(10)


def url(scheme: str, port: int, params: str = "") -> str:
    return "%s://root:taosdata@127.0.0.1:%d/?connect_timeout=3&read_timeout=3%s" % (scheme, port, params)


def refused(dsn: str) -> taoslink.Error:
    t0 = time.monotonic()
    with pytest.raises(taoslink.ConnectionError) as ei:
        taoslink.connect(dsn).query("select 1").fetchall()
    assert time.monotonic() - t0 < 5
    assert ei.value.errno == TLS_ERROR, ei.value
    return ei.value


@pytest.mark.parametrize("scheme", ["https", "wss"])
def test_verified_with_the_right_ca(certs, tls_port, scheme):
    with taoslink.connect(url(scheme, tls_port, "&ca_file=" + certs["ca"])) as c:
        assert c.query("select server_version()").fetchall() == [("3.3.6.0",)]
        c.execute("create database if not exists tlsdb")
        c.execute("create table if not exists tlsdb.t (ts timestamp, v int)")
        c.execute("insert into tlsdb.t values (1700000000000, 42)")
        assert c.query("select v from tlsdb.t").fetchall() == [(42,)]


@pytest.mark.parametrize("scheme", ["https", "wss"])
def test_verification_is_on_by_default(tls_port, scheme):
    e = refused(url(scheme, tls_port))               # the system store does not know our CA
    assert "taosdata" not in str(e)


@pytest.mark.parametrize("scheme", ["https", "wss"])
def test_wrong_ca_is_refused(certs, tls_port, scheme):
    refused(url(scheme, tls_port, "&ca_file=" + certs["wrong_ca"]))


@pytest.mark.parametrize("scheme", ["https", "wss"])
def test_wrong_host_name_is_refused(certs, other_port, scheme):
    e = refused(url(scheme, other_port, "&ca_file=" + certs["ca"]))
    assert re.search(r"(?i)host|name|match", e.msg), e.msg


@pytest.mark.parametrize("scheme", ["https", "wss"])
def test_verification_off_only_when_asked(certs, tls_port, other_port, scheme):
    for port, extra in ((tls_port, ""), (other_port, "&ca_file=" + certs["wrong_ca"])):
        with taoslink.connect(url(scheme, port, "&tls_verify=false" + extra)) as c:
            assert c.query("select server_version()").fetchall() == [("3.3.6.0",)]
    for value in ("true", "1"):
        refused(url(scheme, other_port, "&tls_verify=%s&ca_file=%s" % (value, certs["ca"])))


@pytest.mark.parametrize("scheme", ["http", "ws"])
def test_plain_text_to_a_tls_port_is_typed_and_bounded(tls_port, scheme):
    t0 = time.monotonic()
    with pytest.raises(taoslink.OperationalError):
        taoslink.connect(url(scheme, tls_port)).query("select 1").fetchall()
    assert time.monotonic() - t0 < 8


def test_taosws_wss_with_ca_file(certs, tls_port, other_port):
    import taosws
    c = taosws.connect("wss://root:taosdata@127.0.0.1:%d" % tls_port, ca_file=certs["ca"], connect_timeout="3")
    assert [tuple(r) for r in c.query("select server_version()")] == [("3.3.6.0",)]
    c.close()
    with pytest.raises(taosws.Error):
        taosws.connect("wss://root:taosdata@127.0.0.1:%d" % tls_port, connect_timeout="3")
    with pytest.raises(taosws.Error):
        taosws.connect("wss://root:taosdata@127.0.0.1:%d" % other_port, ca_file=certs["ca"], connect_timeout="3")


_TAOSREST = """
import sys, taosrest
port = int(sys.argv[1])
try:
    c = taosrest.connect(url="https://127.0.0.1:%d" % port, user="root", password="taosdata", timeout=3)
    print("ok", c.query("select server_version()").data)
except Exception as e:
    print("error", type(e).__name__, e)
"""


@pytest.mark.parametrize("which,ca,expect", [
    ("tls", "ca", "ok [['3.3.6.0']]"), ("tls", "wrong_ca", "error"), ("tls", None, "error"),
    ("other", "ca", "error")])
def test_taosrest_https_uses_the_system_store(certs, tls_port, other_port, which, ca, expect):
    env = dict(os.environ)
    env.pop("SSL_CERT_FILE", None)
    env.pop("SSL_CERT_DIR", None)
    if ca:
        env["SSL_CERT_FILE"] = certs[ca]
    port = tls_port if which == "tls" else other_port
    out = subprocess.run([sys.executable, "-c", _TAOSREST, str(port)], env=child_env(env),
                         capture_output=True, text=True, timeout=30)
    assert out.stdout.strip().startswith(expect), out.stdout + out.stderr
    if expect == "error":
        assert "taosdata" not in out.stdout and "[0x%04x]" % TLS_ERROR in out.stdout.lower(), out.stdout
