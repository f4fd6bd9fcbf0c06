"""taos-ws-py's statement API: ``TaosStmt``, ``TaosStmt2`` and the column/tag builders.

Each builder converts its values at once (in C++, see python/src/stmt.cpp), so a wrong value
fails where it is given: TypeError for a wrong type, OverflowError for an integer out of range
(taos-ws-py's classes); the message names the row and the value's type. The timestamp builders
also take datetimes (taos-ws-py: ints only). The decimal builders keep taos-ws-py's messages.
"""

from __future__ import annotations

import decimal as _decimal
from typing import TYPE_CHECKING, Any, List, Optional, Sequence

from taoslink import _taoslink

from .enums import PyPrecision
from .errors import ProgrammingError, QueryError, from_native

if TYPE_CHECKING:
    from .connection import Connection
    from .result import TaosResult

__all__ = ["PyColumnView", "PyTagView", "PyStmt2BindParam", "TaosStmt", "TaosStmt2", "stmt2_bind_param_view"]


class PyColumnView:
    """A converted column of bind values."""

    __slots__ = ("_col",)

    def __init__(self, col: "_taoslink.BindColumn") -> None:
        self._col = col

    def __len__(self) -> int:
        return len(self._col)

    def __repr__(self) -> str:
        return "<PyColumnView %s>" % repr(self._col)[1:-1]


class PyTagView(PyColumnView):
    """One converted tag value."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<PyTagView %s>" % repr(self._col)[1:-1]


def _column(code: int, values: Any, precision: int = 0) -> PyColumnView:
    return PyColumnView(_taoslink.BindColumn(code, values, precision, None, "values"))


def _tag(code: int, value: Any, precision: int = 0) -> PyTagView:
    return PyTagView(_taoslink.BindColumn(code, [value], precision, None, "tag"))


def _check_decimals(values: Sequence[Any], limit: int, name: str) -> List[Any]:
    values = list(values)
    for i, v in enumerate(values):
        if v is None:
            continue
        if not isinstance(v, _decimal.Decimal):
            raise ProgrammingError("expected decimal.Decimal or None, got %s at index %d" % (type(v).__name__, i))
        if not v.is_finite():
            raise ProgrammingError("decimal value must be finite, got '%s' at index %d" % (v, i))
    scales = [max(0, -v.as_tuple().exponent) for v in values if v is not None]
    if scales and max(scales) > limit:
        raise ProgrammingError("%s scale exceeds maximum %d: %r" % (name, limit, values))
    return values


# --- column builders: (values: list[Optional[T]]) -> PyColumnView ---------------------------------

def millis_timestamps_to_column(values): return _column(9, values, 0)
def micros_timestamps_to_column(values): return _column(9, values, 1)
def nanos_timestamps_to_column(values): return _column(9, values, 2)
def bools_to_column(values): return _column(1, values)
def tiny_ints_to_column(values): return _column(2, values)
def small_ints_to_column(values): return _column(3, values)
def ints_to_column(values): return _column(4, values)
def big_ints_to_column(values): return _column(5, values)
def unsigned_tiny_ints_to_column(values): return _column(11, values)
def unsigned_small_ints_to_column(values): return _column(12, values)
def unsigned_ints_to_column(values): return _column(13, values)
def unsigned_big_ints_to_column(values): return _column(14, values)
def floats_to_column(values): return _column(6, values)
def doubles_to_column(values): return _column(7, values)
def varchar_to_column(values): return _column(8, values)
def binary_to_column(values): return _column(8, values)
def nchar_to_column(values): return _column(10, values)
def json_to_column(values): return _column(15, values)
def varbinary_to_column(values): return _column(16, values)
def geometry_to_column(values): return _column(20, values)
def blob_to_column(values): return _column(18, values)
def decimal64_to_column(values): return _column(21, _check_decimals(values, 18, "decimal64"))
def decimal_to_column(values): return _column(17, _check_decimals(values, 38, "decimal"))


# --- tag builders: (value: Optional[T]) -> PyTagView -----------------------------------------------

def bool_to_tag(value): return _tag(1, value)
def tiny_int_to_tag(value): return _tag(2, value)
def small_int_to_tag(value): return _tag(3, value)
def int_to_tag(value): return _tag(4, value)
def big_int_to_tag(value): return _tag(5, value)
def float_to_tag(value): return _tag(6, value)
def double_to_tag(value): return _tag(7, value)
def varchar_to_tag(value): return _tag(8, value)
def nchar_to_tag(value): return _tag(10, value)
def u_tiny_int_to_tag(value): return _tag(11, value)
def u_small_int_to_tag(value): return _tag(12, value)
def u_int_to_tag(value): return _tag(13, value)
def u_big_int_to_tag(value): return _tag(14, value)
def json_to_tag(value): return _tag(15, value)
def varbinary_to_tag(value): return _tag(16, value)
def geometry_to_tag(value): return _tag(20, value)
def timestamp_to_tag(value, precision: PyPrecision): return _tag(9, value, int(precision))


COLUMN_BUILDERS = [n for n in dir() if n.endswith("_to_column")]
TAG_BUILDERS = [n for n in dir() if n.endswith("_to_tag")]


def _natives(views: Sequence[Any], kind: type) -> list:
    out = []
    for i, v in enumerate(views):
        if not isinstance(v, PyColumnView):
            raise ProgrammingError("argument %d: expected %s, got %s" % (i, kind.__name__, type(v).__name__))
        out.append(v._col)
    return out


class TaosStmt:
    """A prepared statement (``conn.statement()``), on the connection's own socket."""

    def __init__(self, native: "_taoslink.Stmt") -> None:
        self._native = native

    def _call(self, fn: Any, *args: Any, error: type = ProgrammingError) -> Any:
        try:
            return fn(*args)
        except _taoslink.NativeError as e:
            raise from_native(e, error) from None

    def prepare(self, sql: str) -> None:
        self._call(self._native.prepare, sql)

    def set_tbname(self, name: str) -> None:
        self._call(self._native.set_table_name, name)

    def set_tags(self, tags: List[PyTagView]) -> None:
        self._call(self._native.set_tags, _natives(tags, PyTagView))

    def set_tbname_tags(self, name: str, tags: List[PyTagView]) -> None:
        self.set_tbname(name)
        self.set_tags(tags)

    def bind_param(self, params: List[PyColumnView]) -> None:
        self._call(self._native.bind, _natives(params, PyColumnView))

    def add_batch(self) -> None:
        self._call(self._native.add_batch)

    def execute(self) -> int:
        """Executes the added batches; returns the rows this execution affected."""
        return self._call(self._native.execute, error=QueryError)

    def affect_rows(self) -> int:
        """Rows affected by every execute() so far."""
        return self._native.affected_rows

    def close(self) -> None:
        self._native.close()


class PyStmt2BindParam:
    """One table's worth of stmt2 binds: a table name, tags and columns."""

    __slots__ = ("table_name", "tags", "columns")

    def __init__(self, table_name: Optional[str], tags: Optional[List[PyTagView]], columns: List[PyColumnView]):
        self.table_name = table_name
        self.tags = tags
        self.columns = columns


def stmt2_bind_param_view(table_name: Optional[str], tags: Optional[List[PyTagView]],
                          columns: List[PyColumnView]) -> PyStmt2BindParam:
    if not columns:
        raise ProgrammingError("stmt2 columns cannot be empty")
    return PyStmt2BindParam(table_name, tags, columns)


class TaosStmt2:
    """taos-ws-py's stmt2 API (``conn.stmt2_statement()``), over the same prepared-statement
    transport as TaosStmt: each bind parameter becomes set_tbname/set_tags/bind/add_batch."""

    def __init__(self, native: "_taoslink.Stmt", conn: "Connection") -> None:
        self._stmt = TaosStmt(native)
        self._conn = conn
        self._affected = 0

    def prepare(self, sql: str) -> None:
        self._stmt.prepare(sql)

    def bind(self, params: List[PyStmt2BindParam]) -> None:
        for p in params:
            if p.table_name is not None:
                self._stmt.set_tbname(p.table_name)
            if p.tags:
                self._stmt.set_tags(p.tags)
            self._stmt.bind_param(p.columns)
            self._stmt.add_batch()

    def execute(self) -> int:
        n = self._stmt.execute()
        self._affected = n
        return n

    def affect_rows(self) -> int:
        return self._affected

    def result_set(self) -> "TaosResult":
        from .result import TaosResult

        native = self._stmt._call(self._stmt._native.result)
        return TaosResult(native, self._conn._zone, self._conn._explicit_zone)

    def close(self) -> None:
        self._stmt.close()
