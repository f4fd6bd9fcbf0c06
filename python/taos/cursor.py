"""``TaosCursor``: taospy's PEP 249 cursor, with its quirks kept (``description`` is ``[]``
when there is no result set; ``rowcount`` is set by writes and by ``fetchall()``;
``fetchmany(None)`` means all; ``execute()`` returns the affected rows or a result) and PEP 249's
gaps filled (``arraysize``, ``setinputsizes``, ``connection``, context manager). Rows are
converted block by block in C++."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Union

from taoslink import _taoslink

from . import _link
from .constants import FieldType
from .error import InterfaceError, OperationalError, ProgrammingError, from_native
from .result import TaosResult
from taoslink.closing import Closing

if TYPE_CHECKING:
    from .connection import TaosConnection
    from .statement2 import TaosStmt2

__all__ = ["TaosCursor"]

_TYPE_NAMES = {
    "BOOL": FieldType.C_BOOL, "TINYINT": FieldType.C_TINYINT, "TINYINT UNSIGNED": FieldType.C_TINYINT_UNSIGNED,
    "SMALLINT": FieldType.C_SMALLINT, "SMALLINT UNSIGNED": FieldType.C_SMALLINT_UNSIGNED,
    "INT": FieldType.C_INT, "INT UNSIGNED": FieldType.C_INT_UNSIGNED, "BIGINT": FieldType.C_BIGINT,
    "BIGINT UNSIGNED": FieldType.C_BIGINT_UNSIGNED, "FLOAT": FieldType.C_FLOAT, "DOUBLE": FieldType.C_DOUBLE,
    "BINARY": FieldType.C_BINARY, "TIMESTAMP": FieldType.C_TIMESTAMP, "NCHAR": FieldType.C_NCHAR,
    "JSON": FieldType.C_JSON,
}


class TaosCursor(Closing):
    """A cursor (not thread-safe; the connection may be shared). ``arraysize`` (default 1) is
    what ``fetchmany()`` without a size would use under PEP 249; here, as in taospy, a missing
    size means "all rows"."""

    def __init__(self, connection: Optional["TaosConnection"] = None, decode_binary: bool = True) -> None:
        self._connection = connection
        self.decode_binary = decode_binary
        self.arraysize = 1
        self._description: list = []
        self._rowcount = -1
        self._affected_rows = 0
        self._result: Optional[TaosResult] = None
        self._stmt: Optional["TaosStmt2"] = None
        self._bind_sql = ""
        self._logfile = ""
        self._fields: Any = None

    # --- attributes ------------------------------------------------------------------------------

    @property
    def description(self) -> list:
        """7-tuples (name, type_code, None, None, None, None, False) after a query; [] otherwise."""
        return self._description

    @property
    def rowcount(self) -> int:
        """Affected rows after a write; after a query, -1 (or the previous value) until
        fetchall(), then the number of rows it returned (taospy's rules)."""
        return self._rowcount

    @property
    def affected_rows(self) -> int:
        return self._affected_rows

    @property
    def connection(self) -> Optional["TaosConnection"]:
        return self._connection

    @property
    def lastrowid(self) -> None:
        return None

    @property
    def rownumber(self) -> Optional[int]:
        """PEP 249 extension (missing from taospy): the 0-based index of the next row; None with
        no result set."""
        return None if self._result is None else self._result._row_count

    def keys(self) -> Any:
        """The result's fields ([] when there is none)."""
        return self._fields if self._fields else []

    def istype(self, col: int, dataType: str) -> bool:
        """Whether column ``col`` has the type named ``dataType`` ("INT", "BIGINT UNSIGNED", ...)."""
        code = _TYPE_NAMES.get(dataType.upper())
        return code is not None and self._description[col][1] == code

    def log(self, logfile: str) -> None:
        """Appends "<sql>;" to ``logfile`` for every plain SQL execute()."""
        self._logfile = logfile

    # --- execution -------------------------------------------------------------------------------

    def _conn(self) -> "TaosConnection":
        if self._connection is None:
            raise ProgrammingError("Cursor is not connected")
        return self._connection

    def execute(self, operation: str, params: Any = None, req_id: Optional[int] = None) -> Any:
        """Runs ``operation``. With ``params`` (a non-empty list, tuple or dict) it goes through
        stmt2 with ``?`` placeholders. Returns the affected rows for a write, a TaosResult (truthy)
        for a query, None for an empty operation."""
        if not operation:
            return None
        self._reset_result()
        if params is not None and isinstance(params, (dict, list, tuple)) and len(params) > 0:
            if isinstance(params, dict):
                params = list(params.values())
            return self._execute_stmt(operation, params)
        return self._execute_sql(operation, req_id)

    def _execute_sql(self, operation: str, req_id: Optional[int]) -> Any:
        conn = self._conn()
        native = _link.call(ProgrammingError, conn._live_native().query, operation, int(req_id or 0))
        if self._logfile:
            with open(self._logfile, "a", encoding="utf-8") as f:
                f.write("%s;\n" % operation)
        if not native.fields:
            affected = max(native.affected_rows, 0)
            native.close()
            self._affected_rows = affected
            self._rowcount = affected
            return affected
        self._result = TaosResult(native, close_after=True, decode_binary=self.decode_binary,
                                  converter=conn._converter)
        return self._handle_result()

    def _handle_result(self) -> TaosResult:
        assert self._result is not None
        self._fields = self._result.fields
        self._description = [(f.name, f.type, None, None, None, None, False) for f in self._fields]
        return self._result

    def _execute_stmt(self, operation: str, params: Sequence[Any], is_convert: bool = False) -> Any:
        conn = self._conn()
        if self._stmt is None or self._bind_sql != operation:
            if self._stmt is not None:
                self._stmt.close()
                self._stmt = None
            self._stmt = conn.statement2(operation)
            self._bind_sql = operation
            if self._stmt is None:
                raise OperationalError("Failed to initialize statement")
        stmt = self._stmt
        if is_convert and not stmt.is_tbname and isinstance(params[0], (list, tuple, set)):
            params = [[list(col) for col in zip(*params)]]
        elif not is_convert and stmt.is_insert() and not isinstance(params[0], (list, tuple)):
            # execute(insert, (v1, v2, ...)): one row (taospy had no layout for this)
            params = [list(params)] if stmt.is_tbname else [[[v] for v in params]]
        stmt.bind_param(None, None, params)
        stmt.execute()
        if stmt.is_insert():
            self._affected_rows = stmt._executed_rows
            self._rowcount = self._affected_rows
            return self._affected_rows
        self._result = stmt.result()
        return self._handle_result()

    def executemany(self, operation: str, data_list: Sequence[Any]) -> Any:
        """Binds every row through stmt2 in one go (rows are transposed into columns; with a
        ``tbname`` column each row goes to its table). Returns the affected rows."""
        if not operation or not data_list:
            return None
        self._reset_result()
        return self._execute_stmt(operation, data_list, True)

    def execute_many(self, operation: str, data_list: Sequence[Any], req_id: Optional[int] = None) -> int:
        """taospy's string building: dict rows run ``operation.format(**row)`` one by one; list
        and tuple rows are appended as ``" (v1, v2) "`` (Python's repr of the tuple) to one
        statement. Returns the total affected rows."""
        sql = operation
        single = True
        total = 0
        for row in data_list:
            if isinstance(row, dict):
                single = False
                total += self.execute(operation.format(**row), req_id=req_id)
            elif isinstance(row, list):
                sql += " %s " % (tuple(row),)
            elif isinstance(row, tuple):
                sql += " %s " % (row,)
        if single:
            total += self.execute(sql, req_id=req_id)
        return total

    def callproc(self, procname: str, *args: Any) -> None:
        """No-op (as in taospy)."""

    # --- fetching --------------------------------------------------------------------------------

    def _need_result(self, what: str = "Invalid use of fetch iterator") -> TaosResult:
        if self._connection is not None and self._connection.closed:
            raise InterfaceError("the connection is closed")  # PEP 249: its cursors are unusable too
        if self._result is None:
            raise OperationalError(what)
        return self._result

    def fetchone(self) -> Optional[tuple]:
        result = self._need_result()
        try:
            return next(result)
        except StopIteration:
            return None

    def fetchmany(self, size: Optional[int] = None) -> List[tuple]:
        """Up to ``size`` rows; ``size=None`` means all remaining rows (taospy)."""
        result = self._need_result()
        if size is None:
            return self.fetchall()
        if size <= 0:
            raise ValueError("size must be greater than 0")
        out: List[tuple] = []
        while len(out) < size:
            if result._pos >= len(result._buf):
                result._buf, result._pos = result._next_block(), 0
                if not result._buf:
                    break
            end = min(len(result._buf), result._pos + size - len(out))
            out.extend(result._buf[result._pos:end])
            result._row_count += end - result._pos
            result._pos = end
        return out

    def fetchall(self) -> List[tuple]:
        """Every remaining row, the ones buffered by fetchone/fetchmany included; sets rowcount."""
        result = self._need_result("Invalid use of fetchall")
        rows = result.fetch_all()
        self._rowcount = len(rows)
        return rows

    fetchall_row = fetchall

    def __iter__(self) -> "TaosCursor":
        return self

    def __next__(self) -> tuple:
        return next(self._need_result())

    next = __next__

    # --- the rest --------------------------------------------------------------------------------

    def stop_query(self) -> None:
        if self._result is not None:
            self._result.stop_query()

    def nextset(self) -> None:
        """No-op (as in taospy)."""

    def setinputsize(self, sizes: Any) -> None:
        """No-op (taospy's spelling)."""

    def setinputsizes(self, sizes: Any) -> None:
        """No-op (PEP 249)."""

    def setoutputsize(self, size: Any, column: Any = None) -> None:
        """No-op."""

    def close(self) -> bool:
        """Closes the cursor; False if it was already closed."""
        if self._connection is None:
            return False
        if self._stmt is not None:
            self._stmt.close()
            self._stmt = None
        self._reset_result()
        self._connection = None
        self._bind_sql = ""
        return True


    def _reset_result(self) -> None:
        self._description = []
        if self._result is not None:
            self._result.close()
        self._result = None
        self._fields = None
        self._affected_rows = 0


_ = (Dict, Union, from_native, _taoslink)
