"""PEP 249 Cursor. Results stream block by block: fetchone() never materialises the whole result."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from . import _taoslink
from .errors import InterfaceError, NotSupportedError, ProgrammingError, from_native
from .insert_binding import InsertBinder
from .params import format_qmark, split_qmark
from .columnar import ColumnarFetch
from .rowbuf import BufferedCursor, fetch_rest

if TYPE_CHECKING:
    from .connection import Connection

__all__ = ["Cursor"]

#: (name, type_code, display_size, internal_size, precision, scale, null_ok)
Description = Tuple[str, int, None, int, Optional[int], Optional[int], bool]

_DECIMAL_CODES = (17, 21)
#: Largest statement executemany() builds when it batches INSERT rows (taosAdapter accepts 1 MiB
#: by default; stay well below).
_BATCH_BYTES = 512 * 1024
_INSERT_HEAD = re.compile(r"(?is)^(\s*insert\s.*\bvalues\s*)(\(.*)$")
_INSERT_TAIL = re.compile(r"(?s)^(.*\))\s*;?\s*$")


class Cursor(BufferedCursor, ColumnarFetch):
    """A PEP 249 cursor. Not thread-safe: use one cursor per thread.

    ``rowcount`` is the number of affected rows after a statement without a result set
    (INSERT, DDL). After a query it is -1 until the result has been read to the end, and then
    the number of rows it had (PEP 249 allows -1 when the count is not known yet; taoslink
    streams results, so it is known only at the end).
    """

    def __init__(self, connection: "Connection") -> None:
        self.connection = connection
        #: Rows fetchmany() returns by default.
        self.arraysize = 1
        #: TDengine has no row ids.
        self.lastrowid = None
        self._result: Optional[_taoslink.Result] = None
        self._description: Optional[Tuple[Description, ...]] = None
        self._rowcount = -1
        self._buf: List[Any] = []
        self._pos = 0
        self._closed = False
        self._binder = InsertBinder(connection)

    # --- attributes --------------------------------------------------------------------------

    @property
    def description(self) -> Optional[Tuple[Description, ...]]:
        """One 7-tuple per result column (name, type_code, None, internal_size, precision,
        scale, True), or None after a statement without a result set. type_code is TDengine's
        numeric type code; it compares equal to STRING, BINARY, NUMBER or DATETIME."""
        return self._description

    @property
    def closed(self) -> bool:
        return self._closed

    # --- execution ---------------------------------------------------------------------------

    def execute(self, operation: str, parameters: Optional[Sequence[Any]] = None, req_id: int = 0) -> "Cursor":
        """Runs one statement. ``parameters`` fill its ``?`` placeholders (qmark style). Over
        ws:// and taos:// an INSERT's values are bound server-side (taoslink.insert_binding);
        otherwise they are rendered client-side as escaped literals. Returns the cursor, so
        ``cur.execute(...).fetchall()`` works."""
        self._check()
        if parameters is not None and self._bound(operation, [parameters]):
            return self
        sql = format_qmark(operation, parameters, ProgrammingError)
        self._run(sql, req_id)
        return self

    def executemany(self, operation: str, seq_of_parameters: Any) -> "Cursor":
        """Runs ``operation`` once per parameter sequence. Over ws:// and taos:// an INSERT's
        rows are bound server-side as one batch of columns (taoslink.insert_binding); otherwise
        a plain ``INSERT ... VALUES (...)`` is sent as multi-row INSERTs of up to 512 KiB each.
        ``rowcount`` is then the total of affected rows."""
        self._check()
        seq = list(seq_of_parameters)
        if self._bound(operation, seq):
            return self
        total = 0
        batch = self._insert_batch_template(operation) if seq else None
        if batch is not None:
            prefix, group = batch
            chunk: List[str] = []
            size = len(prefix)
            for params in seq:
                values = format_qmark(group, params, ProgrammingError)
                if chunk and size + len(values) + 1 > _BATCH_BYTES:
                    self._run(prefix + " ".join(chunk), 0)
                    total += max(self._rowcount, 0)
                    chunk, size = [], len(prefix)
                chunk.append(values)
                size += len(values) + 1
            if chunk:
                self._run(prefix + " ".join(chunk), 0)
                total += max(self._rowcount, 0)
        else:
            for params in seq:
                self._run(format_qmark(operation, params, ProgrammingError), 0)
                if self._description is None:
                    total += max(self._rowcount, 0)
        if self._description is None:
            self._rowcount = total
        return self

    def _bound(self, operation: str, seq: List[Any]) -> bool:
        """Runs an INSERT with server-side binding when the transport can; False when the caller
        must render literals (nothing was sent then)."""
        self._reset()
        affected = self._binder.run(operation, seq)
        if affected is None:
            return False
        self._rowcount = affected
        return True

    @staticmethod
    def _insert_batch_template(operation: str) -> Optional[Tuple[str, str]]:
        """(prefix, "(?, ?, ...)") when ``operation`` is ``INSERT ... VALUES (group)`` with all
        placeholders inside that one group; None otherwise."""
        parts = split_qmark(operation)
        if len(parts) < 2:
            return None
        head = _INSERT_HEAD.match(parts[0])
        tail = _INSERT_TAIL.match(parts[-1])
        if head is None or tail is None:
            return None
        group = "?".join((head.group(2),) + parts[1:-1] + (tail.group(1),))
        if re.search(r"(?i)\bvalues\b", group) or group.count("(") != group.count(")"):
            return None
        return head.group(1), group

    def _run(self, sql: str, req_id: int) -> None:
        self._reset()
        try:
            result = self.connection._native.query(sql, req_id or 0)
        except _taoslink.NativeError as e:
            raise from_native(e) from None
        self._adopt(result)

    def _adopt(self, result: "_taoslink.Result") -> None:
        """Makes ``result`` this cursor's current result (statement results use it too)."""
        self._reset()
        fields = result.fields
        if fields:
            self._result = result
            self._description = tuple(
                (name, code, None, length,
                 prec if code in _DECIMAL_CODES else None,
                 scale if code in _DECIMAL_CODES else None,
                 True)
                for name, code, length, prec, scale in fields)
            self._rowcount = -1
        else:
            self._description = None
            self._rowcount = result.affected_rows
            result.close()

    # --- fetching ----------------------------------------------------------------------------

    def _live_result(self) -> _taoslink.Result:
        self._check()
        if self._result is None:
            raise ProgrammingError("no result set: execute a query first", 0xFFFF)
        return self._result

    def fetchone(self) -> Optional[Tuple[Any, ...]]:
        """The next row, or None when there are no more."""
        self._check()  # buffered rows too: a closed connection leaves the cursor unusable (PEP 249)
        if self._pos < len(self._buf):
            row = self._buf[self._pos]
            self._pos += 1
            return row
        result = self._live_result()
        try:
            self._buf = result.fetch_rows(0, self.connection._converter)
        except _taoslink.NativeError as e:
            raise from_native(e) from None
        self._pos = 0
        if not self._buf:
            return None
        self._pos = 1
        return self._buf[0]

    def fetchmany(self, size: Optional[int] = None) -> List[Tuple[Any, ...]]:
        """Up to ``size`` rows (default ``arraysize``); an empty list at the end."""
        if size is None:
            size = self.arraysize
        result = self._live_result()
        out = self._take_buffered(size)
        if len(out) < size:
            try:
                out.extend(result.fetch_rows(size - len(out), self.connection._converter))
            except _taoslink.NativeError as e:
                raise from_native(e) from None
        return out

    def fetchall(self) -> List[Tuple[Any, ...]]:
        """Every remaining row."""
        result = self._live_result()
        return fetch_rest(result, self.connection._converter, self._take_buffered(None), from_native)

    def fetch_columns(self) -> Dict[str, List[Any]]:
        """Every remaining row by column: ``{column name: [values...]}`` (the columnar fast
        path; a repeated column name gets a ``:N`` suffix with its position)."""
        result = self._live_result()
        assert self._description is not None
        buffered = self._take_buffered(None)
        try:
            cols = result.fetch_columns(self.connection._converter)
        except _taoslink.NativeError as e:
            raise from_native(e) from None
        if buffered:
            cols = [[row[i] for row in buffered] + col for i, col in enumerate(cols)]
        out: Dict[str, List[Any]] = {}
        for i, (d, col) in enumerate(zip(self._description, cols)):
            name = d[0] if d[0] not in out else "%s:%d" % (d[0], i)
            out[name] = col
        return out

    def _columnar_source(self) -> Any:
        """For the columnar fetches (fetchnumpy, fetch_df, fetch_arrow: taoslink.columnar)."""
        return self._live_result(), self.connection._converter, from_native

    # --- the rest of PEP 249 -----------------------------------------------------------------

    def setinputsizes(self, sizes: Any) -> None:
        """Does nothing (allowed by PEP 249)."""

    def setoutputsize(self, size: Any, column: Any = None) -> None:
        """Does nothing (allowed by PEP 249)."""

    def callproc(self, procname: str, parameters: Any = None) -> Any:
        raise NotSupportedError("TDengine has no stored procedures", 0xFFFF)

    def nextset(self) -> Optional[bool]:
        raise NotSupportedError("TDengine statements return at most one result set", 0xFFFF)

    def mogrify(self, operation: str, parameters: Optional[Sequence[Any]] = None) -> str:
        """The SQL with the parameters rendered as escaped literals: what execute() sends where
        it does not bind them server-side (REST, queries, DDL)."""
        return format_qmark(operation, parameters, ProgrammingError)

    def close(self) -> None:
        """Releases the current result and the cursor's prepared statements. Idempotent."""
        if not self._closed:
            self._binder.close()
        super().close()

    def _reset(self) -> None:
        self._drop_result()
        self._description = None
        self._rowcount = -1

    def _check(self) -> None:
        if self._closed:
            raise InterfaceError("the cursor is closed", 0xFFFF)
        if self.connection.closed:
            raise InterfaceError("the connection is closed", 0xFFFF)
