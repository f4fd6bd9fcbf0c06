"""``connect()`` and taos-ws-py's ``Connection`` over taoslink's WebSocket transport."""

from __future__ import annotations

from typing import Any, Iterable, List, Optional, Tuple, Union

from taoslink import _taoslink

from . import errors as _errors
from taoslink.errors import error_classes_mixin
from . import values
from .cursor import Cursor
from .enums import PySchemalessPrecision, PySchemalessProtocol
from .errors import ConnectionError, OperationalError, ProgrammingError, QueryError, from_native, make
from .result import TaosResult

__all__ = ["connect", "Connection"]

_ALIASES = {
    "user": "user", "username": "user",
    "pass": "password", "password": "password",
    "db": "database", "database": "database",
    "host": "host", "url": "host", "ip": "host",
    "port": "port",
}


def connect(dsn: Optional[str] = None, **kwargs: Any) -> "Connection":
    """Opens a WebSocket connection. ``dsn`` is ``[taos]ws[s]://[user[:pass]@][host[:port]][/db][?k=v]``
    (default ``taosws://``: localhost:6041, root/taosdata). Keywords: user|username, pass|password,
    db|database, host|url|ip, port, timezone (IANA name), ws|websocket (True, or a scheme); any
    other keyword is a DSN parameter and must be a str. Failures raise ConnectionError."""
    options: List[Tuple[str, str]] = []
    if dsn is not None:
        options.append(("url", dsn))
    timezone = None
    scheme = "ws"
    for key, value in kwargs.items():
        if value is None:
            continue
        if key in _ALIASES:
            name = _ALIASES[key]
            if name == "port":
                value = str(int(value))
            elif not isinstance(value, str):
                raise TypeError("'%s' object cannot be converted to 'PyString'" % type(value).__name__)
            options.append((name, value))
        elif key == "timezone":
            timezone = str(value)
        elif key in ("ws", "websocket"):
            if isinstance(value, str):
                scheme = value
            elif value:
                scheme = "ws"
        else:
            if not isinstance(value, str):
                raise TypeError("'%s' object cannot be converted to 'PyString'" % type(value).__name__)
            options.append((key, value))
    if timezone is not None:
        try:
            zone = values.resolve_zone(timezone)
        except ValueError:
            raise make(ConnectionError, None, "Invalid timezone: %s" % timezone, raw=True) from None
        options.append(("timezone", timezone))
    else:
        zone = values.resolve_zone(None)
    try:
        if dsn is not None and len(options) == 1:
            if "://" not in dsn:
                raise make(ConnectionError, None, "invalid dsn: %s" % dsn)
            native = _taoslink.connect(_default_host(dsn))
        else:
            if dsn is not None and "://" in dsn:
                options[0] = ("url", _default_host(dsn))
            native = _taoslink.connect_options(scheme, options)
    except _taoslink.NativeError as e:
        raise from_native(e, ConnectionError) from None
    return Connection(native, zone, timezone is not None)


def _default_host(dsn: str) -> str:
    """``taosws://`` and friends with no host mean localhost:6041."""
    head, sep, rest = dsn.partition("://")
    if sep and (rest == "" or rest.startswith("/") or rest.startswith("?")):
        return head + "://localhost:6041" + rest
    return dsn


_ErrorClasses = error_classes_mixin(_errors)  # PEP 249: the exception classes on connections


class Connection(_ErrorClasses):
    """A WebSocket connection (taos-ws-py's API). Thread-safe; cursors share its socket."""


    def __init__(self, native: "_taoslink.Connection", zone: Any, explicit_zone: bool) -> None:
        self._native = native
        self._zone = zone
        self._explicit_zone = explicit_zone
        self._converter = values.row_converter(zone)

    # --- statements ----------------------------------------------------------------------------

    def query(self, sql: str) -> TaosResult:
        return self.query_with_req_id(sql, 0)

    def query_with_req_id(self, sql: str, req_id: int) -> TaosResult:
        try:
            native = self._live().query(sql, int(req_id or 0))
        except _taoslink.NativeError as e:
            raise from_native(e, QueryError) from None
        return TaosResult(native, self._zone, self._explicit_zone)

    def execute(self, sql: str) -> int:
        """Runs a statement; returns the affected rows."""
        return self.execute_with_req_id(sql, 0)

    def execute_with_req_id(self, sql: str, req_id: int) -> int:
        try:
            return max(self._live().execute(sql, int(req_id or 0)), 0)
        except _taoslink.NativeError as e:
            raise from_native(e, QueryError) from None

    def cursor(self) -> Cursor:
        """A cursor on this connection (no new socket)."""
        self._live()
        return Cursor(self)

    def statement(self) -> "TaosStmt":
        from .stmt import TaosStmt

        return TaosStmt(self._new_stmt())

    def stmt2_statement(self) -> "TaosStmt2":
        from .stmt import TaosStmt2

        return TaosStmt2(self._new_stmt(), self)

    def _new_stmt(self) -> "_taoslink.Stmt":
        try:
            return self._live().statement()
        except _taoslink.NativeError as e:
            raise from_native(e, ProgrammingError) from None

    def schemaless_insert(self, lines: Union[Iterable[str], str], protocol: PySchemalessProtocol,
                          precision: PySchemalessPrecision, ttl: int = 0, req_id: int = 0) -> None:
        """Writes InfluxDB line, OpenTSDB telnet or OpenTSDB JSON data into the connection's
        database. ``ttl`` and ``req_id`` are optional here (required in taos-ws-py)."""
        proto = int(protocol)
        if proto not in (1, 2, 3):
            raise make(OperationalError, None, "schemaless write protocol is null")
        if isinstance(lines, str):
            lines = [lines]
        try:
            self._live().schemaless_insert(list(lines), proto, int(precision), int(ttl or 0), "", "",
                                           int(req_id or 0))
        except _taoslink.NativeError as e:
            raise from_native(e, OperationalError) from None

    # --- the rest ------------------------------------------------------------------------------

    def close(self) -> None:
        self._native.close()

    def commit(self) -> None:
        """No-op: TDengine has no transactions."""

    def rollback(self) -> None:
        """No-op: TDengine has no transactions."""

    @property
    def closed(self) -> bool:
        return self._native.closed

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<taosws.Connection %s%s>" % (self._native.describe(), " (closed)" if self.closed else "")

    def _live(self) -> "_taoslink.Connection":
        if self._native.closed:
            raise ConnectionError("Connection was already closed")
        return self._native
