"""The simulator's connection-level faults (``refuse``) and its TLS listener, on the wire."""

import http.client
import json
import socket
import ssl
import urllib.request

import pytest

from taossim import App, start_in_thread
from tls_certs import make_certs


def control(port: int, name: str, body: dict) -> dict:
    req = urllib.request.Request("http://127.0.0.1:%d/-/sim/%s" % (port, name),
                                 data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def ping(port: int, path: str = "/-/ping") -> int:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.request("GET", path)
        return c.getresponse().status
    finally:
        c.close()


def test_refuse_resets_the_next_connections_then_serves(port):
    control(port, "fault", {"kind": "refuse", "times": 2, "path": "/-/ping"})
    for _ in range(2):
        with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError)):
            ping(port)
    assert ping(port) == 200                       # used up: served again


def test_refuse_filters_on_path_and_spares_control_routes(port):
    control(port, "fault", {"kind": "refuse", "path": "/ws"})
    assert ping(port) == 200                       # another path: not refused
    assert control(port, "fault", {"kind": "stall", "seconds": 0})["ok"]   # control: never refused
    with urllib.request.urlopen("http://127.0.0.1:%d/-/sim/faults" % port, timeout=5) as r:
        pending = [f["kind"] for f in json.loads(r.read())["pending"]]
    assert "refuse" in pending
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        s.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\n\r\n")
        with pytest.raises(ConnectionResetError):
            if s.recv(100) == b"":
                raise ConnectionResetError("EOF")   # either way: nothing was answered
    finally:
        s.close()
    control(port, "fault", {"kind": "clear"})


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certs(str(tmp_path_factory.mktemp("certs")))


def test_tls_listener_serves_rest_with_its_certificate(certs):
    from taossim.server import tls_context
    srv = start_in_thread(App(), tls=tls_context(certs["server"], certs["server_key"]))
    try:
        ok = ssl.create_default_context(cafile=certs["ca"])
        c = http.client.HTTPSConnection("127.0.0.1", srv.port, timeout=5, context=ok)
        c.request("POST", "/rest/sql", body=b"select server_version()",
                  headers={"Authorization": "Basic cm9vdDp0YW9zZGF0YQ=="})
        body = json.loads(c.getresponse().read())
        assert body["code"] == 0 and body["data"] == [["3.3.6.0"]]
        c.close()
        wrong = ssl.create_default_context(cafile=certs["wrong_ca"])
        with pytest.raises(ssl.SSLCertVerificationError):
            http.client.HTTPSConnection("127.0.0.1", srv.port, timeout=5, context=wrong).request("GET", "/-/ping")
        # a plain-text client gets no answer, and the listener lives on
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        s.sendall(b"GET /-/ping HTTP/1.1\r\n\r\n")
        try:
            assert not s.recv(100).startswith(b"HTTP/1.1 200")
        except OSError:
            pass
        s.close()
        c = http.client.HTTPSConnection("127.0.0.1", srv.port, timeout=5, context=ok)
        c.request("GET", "/-/ping")
        assert c.getresponse().status == 200
        c.close()
    finally:
        srv.shutdown()
        srv.server_close()
