"""``TaosConnection`` (taospy's ``taos.connection``) over the taos-native transport."""

from __future__ import annotations

from typing import Any, List, Optional

from taoslink import _taoslink

from . import _link
from . import error as _error
from taoslink.errors import error_classes_mixin
from .constants import TSDB_OPTION_CONNECTION
from .cursor import TaosCursor
from .error import (ConnectionError, DatabaseError, InterfaceError, NotSupportedError, ProgrammingError,
                    SchemalessError, from_native)
from .field import set_tz
from .result import TaosResult
from .schemaless import SmlPrecision, SmlProtocol
from .statement import TaosStmt
from .statement2 import TaosStmt2, TaosStmt2Option
from taoslink.closing import Closing

__all__ = ["TaosConnection"]

#: connect() keywords that become taos-native DSN parameters.
_PARAMS = (("config", "config"), ("charset", "charset"), ("user_app", "app"), ("user_ip", "user_ip"))


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise AttributeError("%s is expected as a str" % name)
    return value


_ErrorClasses = error_classes_mixin(_error)  # PEP 249: the exception classes on connections


class TaosConnection(Closing, _ErrorClasses):
    """A connection. Keywords (all optional, unknown ones ignored, as in taospy): host, port,
    user, password, database, config (taosc config directory), timezone (IANA name or tzinfo:
    aware datetimes in it), decode_binary (False: VARCHAR as bytes), charset, user_app, user_ip.
    A failed connect raises ConnectionError; no usable libtaos, InterfaceError."""


    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._native: Optional["_taoslink.Connection"] = None
        host = kwargs.get("host")
        if host is not None:
            _text("host", host)
        user = _text("user", kwargs.get("user", "root"))
        password = _text("password", kwargs.get("password", "taosdata"))
        database = kwargs.get("database")
        if database is not None:
            _text("db", database)
        port = kwargs.get("port", 0) or 0
        if isinstance(port, bool) or not isinstance(port, int):
            raise TypeError("port is expected as an uint16")
        self.decode_binary = bool(kwargs.get("decode_binary", True))
        if kwargs.get("totp_code") is not None or kwargs.get("bearer_token") is not None:
            raise NotSupportedError("TOTP and bearer-token logins are not supported by taoslink's native transport")
        params = []
        for key, name in _PARAMS:
            if kwargs.get(key) is not None:
                params.append((name, _text(key, kwargs[key])))
        tz = kwargs.get("timezone")
        self._tz = _link.resolve_timezone(tz) if tz is not None else None
        if tz is not None:
            set_tz(self._tz)
            if isinstance(tz, str):
                params.append(("tz", tz))
        self._converter = _link.converter(self._tz, self.decode_binary)
        dsn = _link.make_dsn(host, port & 0xFFFF, user, password, database, params)
        try:
            self._native = _taoslink.connect(dsn)
        except _taoslink.NativeError as e:
            raise from_native(e, ConnectionError) from None
        if kwargs.get("bi_mode") is not None:
            self.set_mode(0, 1 if kwargs["bi_mode"] else 0)

    # --- properties ------------------------------------------------------------------------------

    @property
    def client_info(self) -> str:
        """The client library's version (taosc's, e.g. "3.3.6.0")."""
        return _link.call(InterfaceError, self._live_native().client_version)

    @property
    def server_info(self) -> str:
        return _link.call(ProgrammingError, self._live_native().server_version)

    @property
    def closed(self) -> bool:
        return self._native is None or self._native.closed

    # --- statements --------------------------------------------------------------------------------

    def query(self, sql: str, req_id: Optional[int] = None) -> TaosResult:
        """Runs ``sql``; any error raises ProgrammingError (as in taospy)."""
        native = _link.call(ProgrammingError, self._live_native().query, sql, int(req_id or 0))
        return TaosResult(native, close_after=True, decode_binary=self.decode_binary, converter=self._converter)

    def execute(self, sql: str, req_id: Optional[int] = None) -> int:
        """Runs ``sql``; returns the affected rows (0 for a query)."""
        result = self.query(sql, req_id)
        try:
            return result.affected_rows
        finally:
            result.close()

    def query_a(self, sql: str, callback: Any, param: Any, req_id: Optional[int] = None) -> None:
        raise NotSupportedError("query_a (asynchronous C callbacks) is not supported by taoslink; "
                                "run query() in a thread instead")

    def select_db(self, database: str) -> None:
        native = self._live_native()
        try:
            native.select_db(database)
        except _taoslink.NativeError as e:
            err = from_native(e, DatabaseError)
            if type(err) is DatabaseError:
                err = DatabaseError("select database error", err.errno)
            raise err from None

    def cursor(self) -> TaosCursor:
        return TaosCursor(self, decode_binary=self.decode_binary)

    def statement(self, sql: Optional[str] = None) -> Optional[TaosStmt]:
        """A stmt v1 statement (prepared when ``sql`` is given); None once closed."""
        if self.closed:
            return None
        from .error import StatementError

        stmt = TaosStmt(_link.call(StatementError, self._native.statement), self.decode_binary, self)
        if sql is not None:
            stmt.prepare(sql)
        return stmt

    def statement2(self, sql: Optional[str] = None, option: Optional[TaosStmt2Option] = None) -> Optional[TaosStmt2]:
        """A stmt2 statement (prepared when ``sql`` is given); None once closed."""
        if self.closed:
            return None
        from .error import StatementError

        stmt = TaosStmt2(_link.call(StatementError, self._native.statement), self.decode_binary, self, option)
        if sql is not None:
            stmt.prepare(sql)
        return stmt

    def schemaless_insert(self, lines: List[str], protocol: int, precision: int, req_id: Optional[int] = None,
                          ttl: Optional[int] = None) -> int:
        """Writes InfluxDB line / OpenTSDB telnet / OpenTSDB JSON lines; returns the affected
        rows. Errors raise SchemalessError."""
        if isinstance(lines, str):
            lines = [lines]
        return self._schemaless(list(lines), protocol, precision, req_id, ttl)

    def schemaless_insert_raw(self, lines: str, protocol: int, precision: int, req_id: Optional[int] = None,
                              ttl: Optional[int] = None) -> int:
        """Like schemaless_insert with the lines in one string (newline separated). The whole
        string is sent, whatever its characters (taospy cut non-ASCII text short)."""
        return self._schemaless(lines, protocol, precision, req_id, ttl)

    def _schemaless(self, lines: Any, protocol: int, precision: Optional[int], req_id: Optional[int],
                    ttl: Optional[int]) -> int:
        native = self._live_native()
        try:
            return max(native.schemaless_insert(lines, int(protocol), int(precision or 0), int(ttl or 0), "", "",
                                                int(req_id or 0)), 0)
        except _taoslink.NativeError as e:
            raise from_native(e, SchemalessError) from None

    def load_table_info(self, tables: str) -> None:
        """Warms taosc's table-meta cache in taospy; a no-op here."""

    def get_table_vgroup_id(self, db: str, table: str) -> int:
        raise NotSupportedError("get_table_vgroup_id is not supported by taoslink")

    def subscribe(self, restart: bool, topic: str, sql: str, interval: int, callback: Any = None,
                  param: Any = None) -> None:
        raise NotSupportedError("legacy subscriptions (TDengine 2.x) are not supported; use taos.tmq.Consumer")

    def set_option(self, option: int, value: str) -> None:
        """Per-connection options: only at connect time here (connect(charset=, user_app=,
        user_ip=, timezone=)); changing them afterwards raises NotSupportedError."""
        raise NotSupportedError("set_option(%s) after connect is not supported by taoslink; pass charset, "
                                "user_app, user_ip or timezone to connect()" % (option,))

    def set_mode(self, mode: int, value: int) -> None:
        raise NotSupportedError("set_mode (BI mode) is not supported by taoslink")

    def clear_result_set(self) -> None:
        """No-op (as in taospy)."""

    def commit(self) -> None:
        """No-op: TDengine has no transactions."""

    def rollback(self) -> None:
        """No-op: TDengine has no transactions."""

    def close(self) -> None:
        """Closes the connection. Idempotent."""
        if self._native is not None:
            self._native.close()
            self._native = None


    def __repr__(self) -> str:
        if self._native is None:
            return "<taos.TaosConnection (closed)>"
        return "<taos.TaosConnection %s>" % self._native.describe()

    def _live_native(self) -> "_taoslink.Connection":
        if self._native is None or self._native.closed:
            raise InterfaceError("the connection is closed")
        return self._native


_ = (SmlPrecision, SmlProtocol, TSDB_OPTION_CONNECTION)
