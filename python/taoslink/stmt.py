"""Prepared statements with column-wise binding (WebSocket and native transports; REST has none).

    stmt = conn.statement("insert into ? using meters tags (?) values (?, ?)")
    stmt.set_tbname("d1001")
    stmt.set_tags([2], types=["int"])
    stmt.bind([[1700000000000, 1700000000001], [1.5, None]], types=["timestamp", "double"])
    stmt.add_batch()
    stmt.execute()          # -> 2

Columns are whole lists (None for NULL) or numpy arrays. A numpy array of a numeric or
fixed-width string dtype is read through the buffer protocol without a Python object per value
(an object array as its objects, with the list rules), and gives its own type when
``types`` is omitted (int32 -> INT, float64 -> DOUBLE, datetime64 -> TIMESTAMP, ...); masked
arrays give NULLs. numpy is never imported by this module.

A value of the wrong type raises ProgrammingError naming the column, the row and the value's
type; values out of range are refused, never truncated (see python/src/stmt.cpp for the rules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, NamedTuple, Optional, Sequence, Type, Union

from . import _taoslink
from .errors import InterfaceError, ProgrammingError, from_native

if TYPE_CHECKING:
    from .connection import Connection
    from .cursor import Cursor

__all__ = ["Statement", "StmtField", "bind_column", "type_code"]

_TYPE_NAMES = {
    "bool": 1, "tinyint": 2, "smallint": 3, "int": 4, "integer": 4, "bigint": 5, "float": 6, "double": 7,
    "varchar": 8, "binary": 8, "timestamp": 9, "nchar": 10, "tinyint unsigned": 11, "utinyint": 11,
    "smallint unsigned": 12, "usmallint": 12, "int unsigned": 13, "uint": 13, "bigint unsigned": 14,
    "ubigint": 14, "json": 15, "varbinary": 16, "decimal": 17, "blob": 18, "geometry": 20, "decimal64": 21,
}
_PRECISIONS = {"ms": 0, "us": 1, "u": 1, "ns": 2, 0: 0, 1: 1, 2: 2}
_NUMPY_KINDS = {("b", 1): 1, ("i", 1): 2, ("i", 2): 3, ("i", 4): 4, ("i", 8): 5, ("u", 1): 11, ("u", 2): 12,
                ("u", 4): 13, ("u", 8): 14, ("f", 4): 6, ("f", 8): 7}
_DT64_UNITS = {0: "ms", 1: "us", 2: "ns"}
_TICKS_PER_SECOND = {0: 1000, 1: 1000000, 2: 1000000000}


def type_code(t: Union[int, str]) -> int:
    """A TDengine type code from a code or a name ("int", "timestamp", "varchar", ...)."""
    if isinstance(t, int) and not isinstance(t, bool):
        return t
    if isinstance(t, str):
        key = " ".join(t.lower().split())
        if key.startswith("decimal("):
            return 21 if int(key[8:].split(",")[0].rstrip(")")) <= 18 else 17
        if key in _TYPE_NAMES:
            return _TYPE_NAMES[key]
    raise ProgrammingError("unknown bind type %r" % (t,))


def _is_numpy(values: Any) -> bool:
    return type(values).__module__.startswith("numpy") and hasattr(values, "dtype")


def datetime64_ticks(values: Any, precision: int, label: str = "",
                     error: Type[Exception] = ProgrammingError) -> "tuple[Any, Any]":
    """A datetime64 array as int64 ticks of ``precision`` (0 ms, 1 us, 2 ns), and its NaT mask
    (None without NaT). numpy wraps around when a value does not fit the finer unit (a
    datetime64[us] of year 9999 as ns): such a value is an error naming its row, not another time."""
    isnat = values != values
    ticks = values.astype("datetime64[%s]" % _DT64_UNITS[precision]).view("int64")
    # As whole seconds the same values do not wrap (int64 seconds span 292 billion years): the
    # ticks must floor back to them.
    seconds = values.astype("datetime64[s]").view("int64")
    wrapped = (ticks // _TICKS_PER_SECOND[precision] != seconds) & ~isnat
    if wrapped.any():
        row = int(wrapped.argmax())
        raise error("%s (TIMESTAMP), row %d: %s is out of range for a %s TIMESTAMP"
                    % (label or "values", row, values[row], _DT64_UNITS[precision]))
    return ticks, (isnat if isnat.any() else None)


def _numpy_type(values: Any) -> Optional[int]:
    dt = values.dtype
    if dt.kind == "M":
        return 9
    return _NUMPY_KINDS.get((dt.kind, dt.itemsize))


def bind_column(code: Union[int, str, None], values: Any, precision: Union[int, str] = 0, label: str = "",
                error: Type[Exception] = ProgrammingError) -> "_taoslink.BindColumn":
    """Converts one column of values into a ``_taoslink.BindColumn``. ``code`` may be None for a
    numpy array (its dtype decides). Conversion errors are raised as ``error``."""
    if isinstance(values, _taoslink.BindColumn):
        return values
    try:
        prec = _PRECISIONS[precision]
    except (KeyError, TypeError):
        raise error("precision must be 'ms', 'us' or 'ns', not %r" % (precision,)) from None
    nulls = None
    if _is_numpy(values):
        mask = getattr(values, "mask", None)
        if mask is not None and getattr(mask, "shape", ()) == values.shape:
            nulls = mask
            values = values.data
        if code is None:
            code = _numpy_type(values)
            if code is None:
                raise error("%s: cannot infer a TDengine type from numpy dtype %s; pass types="
                            % (label or "values", values.dtype))
        if values.dtype.kind == "M":
            values, isnat = datetime64_ticks(values, prec, label, error)
            if isnat is not None:
                nulls = isnat if nulls is None else (nulls | isnat)
    elif code is None:
        raise error("%s: a type is needed for a list of values (types=[...])" % (label or "values"))
    try:
        return _taoslink.BindColumn(type_code(code), values, prec, nulls, label)
    except (TypeError, ValueError, OverflowError) as e:
        raise error(str(e)) from None


class StmtField(NamedTuple):
    """One placeholder of a prepared INSERT, as the server describes it."""
    name: str
    type_code: int
    is_tag: bool
    #: storage width: VARCHAR(n) n + 2, NCHAR(n) 4n + 2, fixed types their size
    bytes: int
    #: TIMESTAMP: the table's precision (0 ms, 1 us, 2 ns); DECIMAL: p
    precision: int
    scale: int


class Statement:
    """A prepared statement on one connection. Not thread-safe. Context manager."""

    def __init__(self, connection: "Connection", native: "_taoslink.Stmt", precision: Union[int, str] = "ms") -> None:
        self.connection = connection
        self._native = native
        #: The precision of timestamps given as datetimes or datetime64 ("ms", "us", "ns").
        self.precision = precision

    def prepare(self, sql: str) -> "Statement":
        self._call(self._native.prepare, sql)
        return self

    def set_tbname(self, name: str) -> None:
        """Sets the child or normal table the next batch goes to (for ``insert into ? ...``)."""
        self._call(self._native.set_table_name, name)

    set_table_name = set_tbname

    def set_tags(self, tags: Sequence[Any], types: Optional[Sequence[Union[int, str]]] = None) -> None:
        """Binds the tag values (one value per tag, or BindColumn objects)."""
        cols = [t if isinstance(t, _taoslink.BindColumn) else
                bind_column(self._type(types, i), [t], self.precision, "tag %d" % i)
                for i, t in enumerate(tags)]
        self._call(self._native.set_tags, cols)

    def bind(self, columns: Sequence[Any], types: Optional[Sequence[Union[int, str, None]]] = None,
             names: Optional[Sequence[str]] = None) -> None:
        """Binds whole columns: lists (None = NULL), numpy arrays or BindColumn objects.
        ``types`` gives each column's type (codes or names); numpy arrays may omit it."""
        cols = []
        for i, col in enumerate(columns):
            label = "column %d" % i if not names else "column %r" % names[i]
            cols.append(bind_column(self._type(types, i, col), col, self.precision, label))
        self._call(self._native.bind, cols, True)  # `cols` is ours: its new columns need no copy

    def bind_rows(self, rows: Sequence[Sequence[Any]], types: Sequence[Union[int, str]]) -> None:
        """Binds row-major data (a list of rows) by transposing it into columns."""
        columns = [list(c) for c in zip(*rows)] if rows else [[] for _ in types]
        self.bind(columns, types)

    def fields(self) -> List[StmtField]:
        """The placeholders of a prepared INSERT: tags first (set_tags' order), then columns
        (bind's order). For ``insert into ? ...`` call set_tbname first. ws:// and taos:// only;
        NotSupportedError where the transport cannot describe them."""
        return [StmtField(*f) for f in self._call(self._native.fields)]

    def add_batch(self) -> None:
        self._call(self._native.add_batch)

    def execute(self) -> int:
        """Executes the added batches; returns the rows affected."""
        return self._call(self._native.execute)

    @property
    def affected_rows(self) -> int:
        """Rows affected by every execute() of this statement."""
        return self._native.affected_rows

    def result(self) -> "Cursor":
        """A cursor positioned on the result set of an executed query statement."""
        from .cursor import Cursor

        native = self._call(self._native.result)
        cur = Cursor(self.connection)
        cur._adopt(native)
        return cur

    def close(self) -> None:
        self._native.close()

    @property
    def closed(self) -> bool:
        return self._native.closed

    def __enter__(self) -> "Statement":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @staticmethod
    def _type(types: Optional[Sequence[Any]], i: int, col: Any = None) -> Any:
        if types is not None and i < len(types) and types[i] is not None:
            return types[i]
        if isinstance(col, _taoslink.BindColumn) or _is_numpy(col):
            return None
        raise ProgrammingError("column %d: a type is needed for a list of values (types=[...])" % i)

    def _call(self, fn: Any, *args: Any) -> Any:
        if self.connection.closed:
            raise InterfaceError("the connection is closed", 0xFFFF)
        try:
            return fn(*args)
        except _taoslink.NativeError as e:
            raise from_native(e) from None
        except TypeError as e:
            raise ProgrammingError(str(e)) from None
