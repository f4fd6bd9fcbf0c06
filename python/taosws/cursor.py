"""taos-ws-py's ``Cursor``, sharing its connection's socket, with escaped parameters.

``execute(operation, *args, **kwargs)`` fills ``str.format`` fields as taos-ws-py does, but every
substituted value is escaped (taos-ws-py interpolated raw text, an SQL injection):

- inside a quoted part of the template (``'{}'``), a str value has ``\\``, ``'`` and ``"``
  escaped with a backslash;
- outside quotes, a str value that is a plain token (letters, digits, ``_`` and ``.`` only, e.g.
  a database or table name) is inserted as is, exactly as taos-ws-py did; any other str becomes
  a quoted literal (``{}`` with ``"a'b"`` gives ``'a\\'b'``), so it cannot add SQL;
- numbers are formatted with the field's format spec (``{:.2f}``), bool as true/false, None as
  NULL, bytes as ``\\x<hex>`` (quoted outside quotes), datetimes as ISO 8601 with offset,
  Decimal as fixed-point text. Anything else is formatted with str() and escaped like a str.
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import re
import string
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from taoslink import _taoslink
from taoslink.rowbuf import BufferedCursor, fetch_rest, fetch_rest_dicts

from .errors import ConnectionError, FetchError, NotSupportedError, OperationalError, ProgrammingError, from_native

if TYPE_CHECKING:
    from .connection import Connection

__all__ = ["Cursor", "format_sql"]

_FORMATTER = string.Formatter()
_TOKEN = re.compile(r"[A-Za-z0-9_.]+\Z")


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"')


def _quote_state(text: str, quote: Optional[str]) -> Optional[str]:
    """The quote character open after ``text`` ('"' or "'"), starting in state ``quote``."""
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if quote is None:
            if c in "'\"":
                quote = c
        elif c == "\\":
            i += 1
        elif c == quote:
            quote = None
        i += 1
    return quote


def _render(value: Any, spec: str, quoted: bool) -> str:
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, float, _decimal.Decimal)) and not isinstance(value, bool):
        if isinstance(value, _decimal.Decimal) and not spec:
            text = format(value, "f")
        else:
            text = format(value, spec)
        return _escape(text) if quoted else text
    if isinstance(value, (bytes, bytearray, memoryview)):
        text = "\\x" + bytes(value).hex()
        return text if quoted else "'" + text + "'"
    if isinstance(value, _dt.datetime):
        text = value.isoformat() if not spec else format(value, spec)
    else:
        text = format(value, spec) if spec else str(value)
    if quoted:
        return _escape(text)
    if isinstance(value, str) and _TOKEN.match(text):
        return text  # an identifier or a number: cannot add SQL
    return "'" + _escape(text) + "'"


def format_sql(operation: str, args: Sequence[Any], kwargs: Dict[str, Any]) -> str:
    """``operation.format(*args, **kwargs)`` with every value escaped (see the module doc)."""
    out: List[str] = []
    quote: Optional[str] = None
    auto = 0
    for literal, field, spec, conv in _FORMATTER.parse(operation):
        out.append(literal)
        quote = _quote_state(literal, quote)
        if field is None:
            continue
        if field == "":
            key: Any = auto
            auto += 1
        else:
            key = field
        try:
            value, _ = _FORMATTER.get_field(str(key) if isinstance(key, int) else key, args, kwargs)
        except (IndexError, KeyError, AttributeError) as e:
            raise ProgrammingError("cannot fill {%s}: %s: %s" % (field, type(e).__name__, e)) from None
        if conv:
            value = _FORMATTER.convert_field(value, conv)
        if spec and ("{" in spec):
            spec = _FORMATTER.vformat(spec, args, kwargs)
        out.append(_render(value, spec or "", quote is not None))
    return "".join(out)


class Cursor(BufferedCursor):
    """A cursor. It shares its connection's WebSocket (taos-ws-py opened a new one per cursor).

    ``row_count`` is taos-ws-py's: the affected rows after a write (and 0 after a query), plus
    the rows fetched so far. ``rowcount`` is PEP 249's: affected rows after a write, -1 after a
    query until it has been read to the end, then its number of rows. ``arraysize`` is None
    (taos-ws-py), meaning "the rest of the current block" for fetchmany(); set it to use a size.
    """

    def __init__(self, connection: "Connection") -> None:
        self._conn = connection
        self._result: Optional[_taoslink.Result] = None
        self._fields: Optional[list] = None
        self._row_count = 0
        self._rowcount = -1
        self._buf: List[tuple] = []
        self._pos = 0
        self._closed = False
        self.arraysize: Optional[int] = None
        #: PEP 249 extension (missing from taos-ws-py): TDengine has no row ids.
        self.lastrowid = None

    # --- attributes ----------------------------------------------------------------------------

    @property
    def description(self) -> Optional[List[Tuple[str, int, int]]]:
        """(name, type_code, bytes) per column; [] after a statement without a result set,
        None before any execute (taos-ws-py raised ConnectionError there)."""
        self._check()
        if self._fields is None:
            return None
        return [(name, code, length) for name, code, length, _p, _s in self._fields]

    @property
    def row_count(self) -> int:
        return self._row_count

    @property
    def connection(self) -> "Connection":
        return self._conn

    # --- execution -------------------------------------------------------------------------------

    def execute(self, operation: str, *args: Any, **kwargs: Any) -> int:
        """Runs one statement, its ``{}`` fields filled from args/kwargs (escaped); returns the
        affected rows (0 for a query)."""
        req_id = kwargs.pop("req_id", None) if "req_id" in kwargs and not _uses_field(operation, "req_id") else None
        return self._execute(operation, args, kwargs, req_id)

    def execute_with_req_id(self, operation: str, *args: Any, **kwargs: Any) -> int:
        """execute() with a request id: ``req_id=`` or the last positional argument."""
        if "req_id" in kwargs:
            req_id = kwargs.pop("req_id")
        elif args:
            args, req_id = args[:-1], args[-1]
        else:
            raise TypeError("execute_with_req_id() missing required argument: 'req_id'")
        return self._execute(operation, args, kwargs, req_id)

    def execute_many(self, operation: str, seq_of_parameters: Any) -> int:
        """Runs ``operation`` once per parameter row (a dict fills named fields, a sequence
        positional ones); returns the total affected rows."""
        return self._execute_many(operation, seq_of_parameters, None)

    def execute_many_with_req_id(self, operation: str, seq_of_parameters: Any, req_id: int) -> int:
        return self._execute_many(operation, seq_of_parameters, req_id)

    #: PEP 249 spelling.
    def executemany(self, operation: str, seq_of_parameters: Any) -> int:
        return self._execute_many(operation, seq_of_parameters, None)

    def _execute_many(self, operation: str, seq: Any, req_id: Optional[int]) -> int:
        self._check()
        sqls = []
        for row in seq:
            if isinstance(row, dict):
                sqls.append(format_sql(operation, (), row))
            else:
                sqls.append(format_sql(operation, tuple(row), {}))
        total = 0
        for sql in sqls:
            total += self._run(sql, req_id)
        self._row_count = total
        self._rowcount = total
        return total

    def _execute(self, operation: str, args: Sequence[Any], kwargs: Dict[str, Any], req_id: Optional[int]) -> int:
        self._check()
        sql = format_sql(operation, args, kwargs) if (args or kwargs) else operation
        return self._run(sql, req_id)

    def _run(self, sql: str, req_id: Optional[int]) -> int:
        self._reset()
        try:
            res = self._conn._live().query(sql, int(req_id or 0))
        except _taoslink.NativeError as e:
            raise from_native(e, OperationalError) from None
        self._fields = res.fields
        if res.fields:
            self._result = res
            self._row_count = 0
            self._rowcount = -1
            return 0
        affected = max(res.affected_rows, 0)
        res.close()
        self._row_count = affected
        self._rowcount = affected
        return affected

    # --- fetching ---------------------------------------------------------------------------------

    def _rows(self, max_rows: int) -> List[tuple]:
        if self._result is None:
            if self._fields is None:  # no execute yet (taos-ws-py raised ConnectionError here)
                raise ProgrammingError("no result set: execute a statement first")
            return []
        try:
            return self._result.fetch_rows(max_rows, self._conn._converter)
        except _taoslink.NativeError as e:
            raise _fetch_error(e) from None

    def fetchone(self) -> Optional[tuple]:
        self._check()
        if self._pos >= len(self._buf):
            self._buf = self._rows(0)
            self._pos = 0
            if not self._buf:
                return None
        row = self._buf[self._pos]
        self._pos += 1
        self._row_count += 1
        return row

    def fetchmany(self, size: Optional[int] = None) -> Optional[List[tuple]]:
        """Up to ``size`` rows; with no size (and arraysize None), the rest of the current
        block. None when a size-less call finds no rows, [] for a sized one (taos-ws-py)."""
        self._check()
        if size is None:
            size = self.arraysize
        if size is None:
            out = self._take_buffered(None)
            if not out:
                out = self._rows(0)
            self._row_count += len(out)
            return out or None
        size = max(int(size), 0)
        out = self._take_buffered(size)
        if len(out) < size:
            out.extend(self._rows(size - len(out)))
        self._row_count += len(out)
        return out

    def fetchall(self) -> List[tuple]:
        self._check()
        out = self._take_buffered(None)
        if self._result is not None:
            out = fetch_rest(self._result, self._conn._converter, out, _fetch_error)
        elif self._fields is None:
            self._rows(0)  # raises: no execute yet
        self._row_count += len(out)
        return out

    def fetchallintodict(self) -> List[Dict[str, Any]]:
        """Every remaining row as {column name: value} (a repeated name keeps its last column's
        value, as ``dict(zip(names, row))``); the dicts are built in C++."""
        self._check()
        names = [f[0] for f in (self._fields or [])]
        out = [dict(zip(names, row)) for row in self._take_buffered(None)]
        if self._result is not None:
            out = fetch_rest_dicts(self._result, self._conn._converter, out, _fetch_error)
        elif self._fields is None:
            self._rows(0)  # raises: no execute yet
        self._row_count += len(out)
        return out

    fetch_all_into_dict = fetchallintodict

    # --- the rest ------------------------------------------------------------------------------

    def call_proc(self, *args: Any) -> None:
        raise NotSupportedError("Cursor.call_proc() method is not supported")

    callproc = call_proc

    def nextset(self) -> None:
        raise NotSupportedError(
            "Cursor.nextset() method is not supported, because it does not support multiple result sets")

    def setinputsizes(self, *args: Any) -> None:
        """Does nothing (PEP 249); a method here, a getter in taos-ws-py."""

    def setoutputsizes(self, *args: Any) -> None:
        """Does nothing."""

    setoutputsize = setoutputsizes

    def _reset(self) -> None:
        self._drop_result()
        self._fields = None

    def _check(self) -> None:
        if self._closed:
            raise ConnectionError("Cursor was already closed")
        self._conn._live()


def _fetch_error(e: BaseException) -> BaseException:
    return from_native(e, FetchError)


def _uses_field(operation: str, name: str) -> bool:
    try:
        return any(field == name for _l, field, _s, _c in _FORMATTER.parse(operation))
    except ValueError:
        return False

