"""Test certificates for the simulator's --tls-cert/--tls-key, made with the `openssl` command.

``make_certs(dir)`` writes a CA (``ca.pem``), a server certificate it signs for
``localhost``/``127.0.0.1`` (``server.pem`` + ``server.key``), one for another name only
(``other.pem`` + ``other.key``: a host name mismatch on 127.0.0.1), and a second, unrelated CA
(``wrong_ca.pem``). Short-lived (2 days) and EC keys: fast to make, nothing to keep.
"""

import os
import shutil
import subprocess

_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def _openssl(*args: str) -> None:
    exe = shutil.which("openssl")
    if exe is None:
        raise RuntimeError("the `openssl` command is needed to make the TLS test certificates")
    subprocess.run([exe, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _ca(d: str, name: str) -> None:
    _openssl("req", "-x509", *_EC, "-keyout", os.path.join(d, name + ".key"),
             "-out", os.path.join(d, name + ".pem"), "-days", "2", "-subj", "/CN=taoslink-test-" + name,
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")


def _leaf(d: str, name: str, san: str, ca: str = "ca") -> None:
    f = os.path.join(d, name)
    with open(f + ".ext", "w") as ext:
        ext.write("subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n" % san)
    _openssl("req", *_EC, "-keyout", f + ".key", "-out", f + ".csr", "-subj", "/CN=" + name)
    _openssl("x509", "-req", "-in", f + ".csr", "-CA", os.path.join(d, ca + ".pem"),
             "-CAkey", os.path.join(d, ca + ".key"), "-CAcreateserial", "-out", f + ".pem",
             "-days", "2", "-extfile", f + ".ext")


def make_certs(d: str) -> dict:
    """Makes the files in directory ``d``; -> {name: path} for ca, wrong_ca, server, server_key,
    other, other_key."""
    os.makedirs(d, exist_ok=True)
    _ca(d, "ca")
    _ca(d, "wrong_ca")
    _leaf(d, "server", "DNS:localhost,IP:127.0.0.1")
    _leaf(d, "other", "DNS:not-this-host.invalid")
    p = lambda n: os.path.join(d, n)  # noqa: E731
    return {"ca": p("ca.pem"), "wrong_ca": p("wrong_ca.pem"), "server": p("server.pem"),
            "server_key": p("server.key"), "other": p("other.pem"), "other_key": p("other.key")}
