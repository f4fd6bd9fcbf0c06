"""The transports the conformance suite runs against, and what each one does not support.

Every test in this directory takes the ``transport`` fixture and runs once per transport. A
transport listed here whose plugin is missing from the build fails (connect raises
InterfaceError naming the paths it searched): it is never skipped. ``taos://`` (libtaos) runs
against the simulator through the fake libtaos (tests/fake_taosc, fixture ``native_lib``) by
default, or against the native server TAOSLINK_TEST_TAOS_URL names.
"""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass, field
from typing import Dict

import pytest

#: feature -> why the transport cannot do it. Tests of that feature skip with this reason.
UNSUPPORTED: Dict[str, Dict[str, str]] = {
    "http": {
        "stmt": "REST has no prepared statements (taosAdapter /rest/sql takes SQL text only)",
        "tmq": "REST has no TMQ consumer (TMQ is served on the WebSocket endpoint /rest/tmq)",
    },
    "ws": {},
    "taos": {},
}

_TAOS_URL = os.environ.get("TAOSLINK_TEST_TAOS_URL", "").strip()
_ON_SIM = not os.environ.get("TAOSLINK_TEST_REST_URL", "").strip()
TRANSPORTS = ["http", "ws"] + (["taos"] if _TAOS_URL or _ON_SIM else [])


@dataclass
class Transport:
    scheme: str
    url: str  #: with credentials, no database
    is_sim: bool
    unsupported: Dict[str, str] = field(default_factory=dict)

    def require(self, feature: str) -> None:
        """Skips the calling test when this transport lacks ``feature``."""
        why = self.unsupported.get(feature)
        if why:
            pytest.skip("%s:// does not support %s: %s" % (self.scheme, feature, why))

    def dsn(self, database: str = "") -> str:
        return self.url + ("/" + database if database else "")


@pytest.fixture(params=TRANSPORTS)
def transport(request, server) -> Transport:
    scheme = request.param
    if scheme == "taos":
        if _TAOS_URL:
            url = _TAOS_URL.rstrip("/")
        else:
            # the simulator, reached through the fake libtaos (which speaks WebSocket to it)
            request.getfixturevalue("native_lib")
            url = "taos://%s:%s@%s:%d" % (urllib.parse.quote(server.user, safe=""),
                                          urllib.parse.quote(server.password, safe=""), server.host, server.port)
    else:
        parts = urllib.parse.urlsplit(server.url)
        ws_scheme = {"http": "ws", "https": "wss"}[parts.scheme] if scheme == "ws" else parts.scheme
        url = urllib.parse.urlunsplit((ws_scheme, parts.netloc, "", "", ""))
    return Transport(scheme, url, server.is_sim, UNSUPPORTED[scheme])


@pytest.fixture
def tconn(transport):
    import taoslink

    c = taoslink.connect(transport.dsn())
    yield c
    c.close()
