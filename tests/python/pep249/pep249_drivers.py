"""The drivers the PEP 249 compliance suite checks, and where each deliberately differs.

(Not a conftest.py: test modules elsewhere import ``conftest`` by name, and a second conftest
module would shadow tests/python/conftest.py for them. The test module imports the fixtures.)

A ``driver`` runs every test once per module and transport: taoslink over http://, ws:// and
taos:// (the fake libtaos on the simulator), and the drop-ins taos, taosrest and taosws. A
drop-in keeps the official client's behaviour where code relies on it; each such place is an
entry of DIFFERENCES, and the tests assert the documented behaviour instead of PEP 249's (no
test is skipped for it). docs/pep249.md is the same table in prose.
"""

from __future__ import annotations

import importlib
import os
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional, Tuple

import pytest

#: driver -> {item: what the driver does instead of PEP 249, and why}.
DIFFERENCES: Dict[str, Dict[str, str]] = {
    "taos": {
        "description_empty": "description is [] (not None) with no result set, as in taospy",
        "description_7tuple_sizes": "description tuples are (name, type_code, None, None, None, None, False), "
                                    "as in taospy",
        "rowcount_kept": "after a query rowcount keeps the previous statement's value until fetchall(), as in taospy",
        "callproc_noop": "callproc() is a no-op returning None, as in taospy",
        "fetchmany_all": "fetchmany() without a size returns every remaining row (taospy), not arraysize rows",
    },
    "taosrest": {
        "no_warning": "no Warning class (taospy's taosrest has none; its tests check that)",
        "close_noop": "closing the connection or a cursor keeps it usable (taospy's close() does nothing)",
        "description_rest": "description is taosAdapter's column_meta: [name, type_name, length] lists; "
                            "after INSERT/DDL it is [['affected_rows', 'INT', 4]] (taospy)",
        "affected_rows_result": "after INSERT/DDL the fetch methods read the one-row affected_rows result (taospy)",
        "setsizes_raise": "setinputsizes()/setoutputsize() raise NotSupportedError (taospy)",
        "sql_error_connect_error": "SQL errors raise ConnectError, an Error but not a DatabaseError (taospy)",
    },
    "taosws": {
        "interface_error_outside": "InterfaceError is not a subclass of Error (taos-ws-py)",
        "format_params": "paramstyle says 'pyformat' (taos-ws-py's value) but execute() takes str.format "
                         "fields ({} and {name}) as extra arguments: execute(sql, *args, **kwargs)",
        "description_3tuple": "description is (name, type_code, length) 3-tuples, [] with no result set (taos-ws-py)",
        "arraysize_none": "arraysize is None (taos-ws-py): fetchmany() without a size returns the rest of the "
                          "current block, None at the end",
        "no_result_fetch_none": "after INSERT/DDL the fetch methods return None / [] instead of raising "
                                "(taos-ws-py)",
    },
}

_ON_SIM = not os.environ.get("TAOSLINK_TEST_REST_URL", "").strip()
_TAOS_URL = os.environ.get("TAOSLINK_TEST_TAOS_URL", "").strip()
_NATIVE = _ON_SIM or bool(_TAOS_URL)
DRIVERS = ["taoslink-http", "taoslink-ws"] + (["taoslink-taos", "taos"] if _NATIVE else []) + ["taosrest", "taosws"]


@dataclass
class Driver:
    name: str
    module: Any
    #: opens a connection to the test server, or (given a port) to that port on its host
    open: Callable[[Optional[int]], Any]
    #: (placeholder for the n-th parameter) -> the SQL fragment in the module's paramstyle
    mark: Callable[[int], str]
    differences: Dict[str, str] = field(default_factory=dict)

    def connect(self) -> Any:
        return self.open(None)

    def differs(self, item: str) -> bool:
        """True when this driver documents ``item`` as a deliberate difference."""
        return item in self.differences

    def execute(self, cur: Any, sql: str, params: Tuple[Any, ...]) -> Any:
        """``cur.execute`` with ``params`` passed as the module's API takes them."""
        if self.differs("format_params"):
            return cur.execute(sql, *params)
        return cur.execute(sql, params)


def _port(url: str, port: Optional[int]) -> str:
    """``url`` with its port replaced by ``port`` (unchanged for None)."""
    if port is None:
        return url
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rsplit(":", 1)[0] if parts.port else parts.netloc
    return urllib.parse.urlunsplit((parts.scheme, "%s:%d" % (netloc, port), parts.path, parts.query, ""))


def _ws_url(server) -> str:
    parts = urllib.parse.urlsplit(server.url)
    return urllib.parse.urlunsplit(({"http": "ws", "https": "wss"}[parts.scheme], parts.netloc, "", "", ""))


def _taos_url(server) -> str:
    if _TAOS_URL:
        return _TAOS_URL.rstrip("/")
    return "taos://%s:%s@%s:%d" % (urllib.parse.quote(server.user, safe=""),
                                   urllib.parse.quote(server.password, safe=""), server.host, server.port)


@pytest.fixture(params=DRIVERS)
def driver(request, server) -> Driver:
    name = request.param
    qmark: Callable[[int], str] = lambda i: "?"
    if name.startswith("taoslink-"):
        scheme = name.split("-", 1)[1]
        if scheme == "taos":
            if not _TAOS_URL:
                request.getfixturevalue("native_lib")
            url = _taos_url(server)
        else:
            url = server.url if scheme == "http" else _ws_url(server)
        mod = importlib.import_module("taoslink")
        return Driver(name, mod, lambda port: mod.connect(_port(url, port)), qmark)
    mod = importlib.import_module(name)
    if name == "taos":
        args = request.getfixturevalue("taos_args")
        return Driver(name, mod, lambda port: mod.connect(**dict(args, port=port or args["port"])), qmark,
                      DIFFERENCES[name])
    if name == "taosrest":
        return Driver(name, mod, lambda port: mod.connect(url=_port(server.base, port), user=server.user,
                                                          password=server.password, timeout=10),
                      lambda i: "%s", DIFFERENCES[name])
    url = _ws_url(server)
    return Driver(name, mod, lambda port: mod.connect(_port(url, port)), lambda i: "{}", DIFFERENCES[name])


@pytest.fixture
def dconn(driver):
    c = driver.connect()
    yield c
    c.close()


@pytest.fixture
def table(server, dbname) -> str:
    """``<db>.t (ts timestamp, v int, s varchar(20))`` with rows v = 1, 2, 3 (s = 'a', 'b', 'c'),
    made through taoslink over REST so every driver reads the same data."""
    import taoslink

    with taoslink.connect(server.url) as c:
        c.execute("create database %s" % dbname)
        c.execute("create table %s.t (ts timestamp, v int, s varchar(20))" % dbname)
        c.execute("insert into %s.t values (1700000000000, 1, 'a') (1700000000001, 2, 'b') "
                  "(1700000000002, 3, 'c')" % dbname)
    return "%s.t" % dbname
