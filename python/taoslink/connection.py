"""PEP 249 Connection over any taoslink transport."""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Iterable, List, Optional, Sequence, Tuple, Union

from . import _taoslink
from .errors import ErrorClasses, InterfaceError, NotSupportedError, ProgrammingError, from_native
from .insert_binding import insert_shape
from .params import format_qmark
from .closing import Closing

if TYPE_CHECKING:
    from .cursor import Cursor
    from .stmt import Statement

__all__ = ["Connection", "connect", "make_converter", "SmlProtocol", "SmlPrecision"]


class SmlProtocol:
    """Schemaless protocols (taospy's ``taos.SmlProtocol`` values)."""

    UNKNOWN_PROTOCOL = 0
    LINE_PROTOCOL = 1
    TELNET_PROTOCOL = 2
    JSON_PROTOCOL = 3


class SmlPrecision:
    """Schemaless timestamp precisions (taospy's ``taos.SmlPrecision`` values)."""

    NOT_CONFIGURED = 0
    HOURS = 1
    MINUTES = 2
    SECONDS = 3
    MILLI_SECONDS = 4
    MICRO_SECONDS = 5
    NANO_SECONDS = 6


_PROTOCOLS = {"line": 1, "influx": 1, "influxdb": 1, "telnet": 2, "json": 3}
_PRECISIONS = {"": 0, "h": 1, "m": 2, "s": 3, "ms": 4, "u": 5, "us": 5, "\u03bc": 5, "ns": 6}


def _resolve_tz(timezone: Any) -> Optional[_dt.tzinfo]:
    if timezone is None:
        return None
    if isinstance(timezone, _dt.tzinfo):
        return timezone
    if isinstance(timezone, str):
        if timezone.upper() in ("UTC", "Z", "ETC/UTC"):
            return _dt.timezone.utc
        try:
            import zoneinfo  # Python >= 3.9
            return zoneinfo.ZoneInfo(timezone)
        except Exception as e:  # ZoneInfoNotFoundError, ValueError
            raise InterfaceError("unknown timezone %r: %s" % (timezone, e)) from None
    raise InterfaceError("timezone must be a str (IANA name) or a datetime.tzinfo")


def make_converter(timezone: Any = None) -> "_taoslink.Converter":
    """taoslink's default value conversion: aware datetimes (UTC, or in ``timezone``) for ms/us
    timestamps, int for ns, bytes for VARBINARY/GEOMETRY/BLOB, str for JSON, Decimal for
    DECIMAL, tuples for rows."""
    tz = _resolve_tz(timezone)
    if tz is None or tz is _dt.timezone.utc:
        return _taoslink.Converter(timestamps="utc")
    return _taoslink.Converter(timestamps="tz", tz=tz)


def _option_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def connect(dsn: Optional[str] = None, **kwargs: Any) -> "Connection":
    """Opens a connection.

    ``dsn`` is a URL for any transport scheme, e.g. ``http://root:taosdata@host:6041/db?timeout=5``.
    Instead of (or on top of) a DSN, taospy-style keywords are accepted: ``url``, ``host``,
    ``port``, ``user``, ``password``, ``database``, ``token``, ``timeout``; the default scheme is
    ``http``. ``timezone`` (an IANA name or a tzinfo) makes timestamps aware datetimes in that
    zone instead of UTC.
    """
    timezone = kwargs.pop("timezone", None)
    converter = make_converter(timezone)
    options: List[Tuple[str, str]] = [(k, _option_value(v)) for k, v in kwargs.items() if v is not None]
    try:
        if dsn is not None and not options:
            native = _taoslink.connect(dsn)
        else:
            if dsn is not None:
                options.insert(0, ("url", dsn))
            native = _taoslink.connect_options("http", options)
    except _taoslink.NativeError as e:
        raise from_native(e) from None
    return Connection(native, converter)


class Connection(Closing, ErrorClasses):
    """A PEP 249 connection. Thread-safe: threads may share it (``threadsafety = 2``), each
    using its own cursors."""

    def __init__(self, native: "_taoslink.Connection", converter: "_taoslink.Converter") -> None:
        self._native = native
        self._converter = converter
        self._closed = False

    # --- PEP 249 ---------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the connection; later use raises InterfaceError. Idempotent."""
        if not self._closed:
            self._closed = True
            self._native.close()

    def commit(self) -> None:
        """TDengine has no transactions: every statement is committed when it runs."""
        self._check()

    def rollback(self) -> None:
        """Not supported: TDengine has no transactions."""
        self._check()
        raise NotSupportedError("TDengine has no transactions; nothing can be rolled back", 0xFFFF)

    def cursor(self) -> "Cursor":
        from .cursor import Cursor

        self._check()
        return Cursor(self)

    # --- Extensions --------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def dsn(self) -> str:
        """The DSN of this connection with the password and token redacted."""
        return self._native.describe()

    @property
    def converter(self) -> "_taoslink.Converter":
        """How this connection's cursors convert values."""
        return self._converter

    def execute(self, sql: str, params: Optional[Sequence[Any]] = None, req_id: int = 0) -> int:
        """Runs one statement for its effect and returns the affected rows. An INSERT's
        ``params`` are bound server-side where the transport can (see Cursor.execute)."""
        self._check()
        if params is not None and insert_shape(sql) is not None:
            cur = self.cursor()
            try:
                return cur.execute(sql, params, req_id=req_id).rowcount
            finally:
                cur.close()
        sql = format_qmark(sql, params, ProgrammingError)
        try:
            return self._native.execute(sql, req_id or 0)
        except _taoslink.NativeError as e:
            raise from_native(e) from None

    def query(self, sql: str, params: Optional[Sequence[Any]] = None, req_id: int = 0) -> "Cursor":
        """Runs a statement and returns a cursor positioned on its result (iterate it, or use
        fetchone/fetchmany/fetchall/fetch_columns)."""
        cur = self.cursor()
        cur.execute(sql, params, req_id=req_id)
        return cur

    def select_db(self, database: str) -> None:
        """Makes ``database`` the default database of later statements."""
        self._check()
        try:
            self._native.select_db(database)
        except _taoslink.NativeError as e:
            raise from_native(e) from None

    @property
    def database(self) -> str:
        """The current default database ('' when none)."""
        self._check()
        return self._native.database

    @property
    def server_info(self) -> str:
        """The server's version string."""
        self._check()
        try:
            return self._native.server_version()
        except _taoslink.NativeError as e:
            raise from_native(e) from None

    @property
    def client_info(self) -> str:
        return _taoslink.version()

    def schemaless_insert(
        self,
        lines: Union[str, Iterable[str]],
        protocol: Union[int, str],
        precision: Union[int, str, None] = None,
        ttl: int = 0,
        req_id: int = 0,
        table_name_key: Optional[str] = None,
        database: Optional[str] = None,
    ) -> int:
        """Writes InfluxDB line protocol, OpenTSDB telnet or OpenTSDB JSON data.

        ``protocol`` is SmlProtocol.* or "line"/"telnet"/"json"; ``precision`` is SmlPrecision.*
        or "h"/"m"/"s"/"ms"/"us"/"ns" (None: the protocol's default). Returns the rows written,
        or -1 when the transport does not report it."""
        self._check()
        if isinstance(protocol, str):
            try:
                protocol = _PROTOCOLS[protocol.lower()]
            except KeyError:
                raise ProgrammingError("unknown schemaless protocol %r" % protocol) from None
        if precision is None:
            precision = 0
        elif isinstance(precision, str):
            try:
                precision = _PRECISIONS[precision.lower() if precision != "\u03bc" else precision]
            except KeyError:
                raise ProgrammingError("unknown schemaless precision %r" % precision) from None
        if not isinstance(lines, str):
            lines = list(lines)
        try:
            return self._native.schemaless_insert(
                lines, int(protocol), int(precision), int(ttl), table_name_key or "", database or "", req_id or 0)
        except ValueError as e:
            raise ProgrammingError(str(e)) from None
        except _taoslink.NativeError as e:
            raise from_native(e) from None

    def statement(self, sql: Optional[str] = None, precision: Union[int, str] = "ms") -> "Statement":
        """A new prepared statement (prepared with ``sql`` when given). ``precision`` is the
        precision datetimes are converted to when bound to TIMESTAMP columns. Raises
        NotSupportedError on transports without statements (REST)."""
        from .stmt import Statement

        self._check()
        try:
            native = self._native.statement()
        except _taoslink.NativeError as e:
            raise from_native(e) from None
        stmt = Statement(self, native, precision)
        if sql is not None:
            stmt.prepare(sql)
        return stmt

    def _check(self) -> None:
        if self._closed:
            raise InterfaceError("the connection is closed", 0xFFFF)


    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return "<taoslink.Connection %s%s>" % (self._native.describe(), state)
