"""Server-side binding of a cursor's INSERT parameters (ws:// and taos://).

``Cursor.execute``/``executemany`` of

    INSERT INTO {table | ?} [USING stable [(tags)] TAGS (...)] [(columns)] VALUES (...)

whose ``?`` are all the table name, TAGS items or VALUES items prepare a statement, ask it for
the placeholders' types (``Stmt.fields``) and bind every row as columns of one batch: no value
is written into the SQL text. Rows are grouped by table name and tags (set_table_name, set_tags,
bind, add_batch per group) and executed once.

Everything else keeps the escaped literals of params.py: REST (no statements), queries and DDL
(taosc's stmt cannot bind TIMESTAMP query parameters, and stmt v1 queries differ between
servers), INSERT forms the pattern does not cover (several tables, functions or parentheses
inside VALUES), transports whose statements cannot describe their fields (NotSupportedError),
statements the server refuses to prepare (the literal INSERT then reports the error), and a
GEOMETRY value given as WKT text (only the server can parse WKT).
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import math
import re
from collections import OrderedDict
from functools import lru_cache
from typing import TYPE_CHECKING, Any, List, Mapping, NamedTuple, Optional, Sequence

from . import _taoslink
from .errors import NotSupportedError, ProgrammingError, from_native
from .params import split_qmark
from .stmt import StmtField, bind_column

if TYPE_CHECKING:
    from .connection import Connection

__all__ = ["InsertBinder", "InsertShape", "insert_shape"]

_MARK = "\x00"  # a placeholder, once split_qmark has found it outside quotes and comments
_NAME = r"[^\s()\x00,;]+"
_INSERT = re.compile(
    r"(?is)^\s*insert\s+into\s+(\x00|" + _NAME + r")\s*"
    r"(?:using\s+" + _NAME + r"\s*(?:\([^()\x00]*\)\s*)?tags\s*\(([^()]*)\)\s*)?"
    r"(?:\([^()\x00]*\)\s*)?values\s*\(([^()]*)\)\s*;?\s*$")
_BOOL, _TIMESTAMP, _VARBINARY, _GEOMETRY, _BLOB = 1, 9, 16, 20, 18
_DECIMALS = (17, 21)
_TIME_TEXT = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?")
_TICKS = (1000, 1000000, 1000000000)
_CACHE_SIZE = 16  # prepared statements kept per cursor
_ROW = re.compile(r", row (\d+):")


class InsertShape(NamedTuple):
    table_param: bool  # INSERT INTO ?
    uses_stable: bool  # USING stable: the super table decides the types, not the table name
    tags: int          # ? in TAGS (...)
    columns: int       # ? in VALUES (...)


@lru_cache(maxsize=256)
def insert_shape(sql: str) -> Optional[InsertShape]:
    """The placeholders of an INSERT that can be bound, or None (bind literals instead)."""
    parts = split_qmark(sql)
    if len(parts) < 2:
        return None
    m = _INSERT.match(_MARK.join(parts))
    if m is None:
        return None
    table, tags, values = m.group(1), m.group(2) or "", m.group(3)
    shape = InsertShape(table == _MARK, m.group(2) is not None, tags.count(_MARK), values.count(_MARK))
    if shape.columns == 0 or int(shape.table_param) + shape.tags + shape.columns != len(parts) - 1:
        return None
    return shape


class _UseLiterals(Exception):
    """This call cannot be bound: the cursor renders literals instead (nothing was executed)."""


def _row(params: Any, n: int) -> Sequence[Any]:
    """``params`` as a sequence of ``n`` values (format_qmark's rules and messages)."""
    if isinstance(params, (str, bytes, bytearray)):
        raise ProgrammingError("parameters must be a sequence of values (a str was given: wrap it in a tuple)")
    if isinstance(params, Mapping):
        raise ProgrammingError("paramstyle is qmark: pass parameters as a sequence, not a mapping")
    if not isinstance(params, Sequence):
        try:
            params = list(params)
        except TypeError:
            raise ProgrammingError("parameters must be a sequence, not %s" % type(params).__name__) from None
    if len(params) != n:
        raise ProgrammingError("the statement has %d placeholder(s) but %d parameter(s) were given" % (n, len(params)))
    return params


def _time_text_ticks(text: str, precision: int, label: str) -> int:
    """'2024-01-02 03:04:05.123456789+08:00' as ticks; naive text is local time, as for a naive
    datetime. Digits beyond the precision are dropped (TDengine does the same)."""
    m = _TIME_TEXT.fullmatch(text.strip())
    if m is None:
        raise ProgrammingError("%s (TIMESTAMP): cannot read %r as a time (use a datetime, int ticks or "
                               "'YYYY-MM-DD[ HH:MM:SS[.fraction]][+HH:MM]')" % (label, text))
    day, clock, frac, zone = m.groups()
    try:
        whole = _dt.datetime.fromisoformat(day + "T" + (clock or "00:00:00") + (zone or "").replace("Z", "+00:00"))
    except ValueError as e:
        raise ProgrammingError("%s (TIMESTAMP): cannot read %r as a time: %s" % (label, text, e)) from None
    if whole.tzinfo is None:
        whole = whole.astimezone()
    seconds = (whole - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)) // _dt.timedelta(seconds=1)
    digits = 3 * (precision + 1)
    fraction = int(((frac or "") + "0" * digits)[:digits])
    return seconds * _TICKS[precision] + fraction


def _column_values(field: StmtField, values: List[Any], label: str) -> List[Any]:
    """Python-side steps before the C++ converter, for the types that need one."""
    code = field.type_code
    if code == _TIMESTAMP:
        prec = field.precision if field.precision in (0, 1, 2) else 0
        out = []
        for v in values:
            if isinstance(v, str):
                v = _time_text_ticks(v, prec, label)
            elif isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
                v = _dt.datetime(v.year, v.month, v.day)  # midnight local time
            out.append(v)
        return out
    if code in _DECIMALS:
        out = []
        for v in values:
            if isinstance(v, float):
                if not math.isfinite(v):
                    raise ProgrammingError("%s (DECIMAL): cannot bind %r" % (label, v))
                v = _decimal.Decimal(repr(v))  # the shortest text that reads back as v
            elif isinstance(v, str):
                try:
                    v = _decimal.Decimal(v.strip())
                except _decimal.InvalidOperation:
                    raise ProgrammingError("%s (DECIMAL): cannot read %r as a number" % (label, v)) from None
            out.append(v)
        return out
    if code == _BOOL:
        # numpy.bool_ (pandas, numpy rows) has no __index__ for the converter's int path
        return [bool(v) if type(v).__module__ == "numpy" else v for v in values]
    if code in (_VARBINARY, _BLOB):
        return [v.encode("utf-8") if isinstance(v, str) else v for v in values]
    if code == _GEOMETRY and any(isinstance(v, str) for v in values):
        raise _UseLiterals()  # WKT text: only the server parses it
    return values


def _bind(field: StmtField, values: List[Any], label: str) -> "_taoslink.BindColumn":
    values = _column_values(field, values, label)
    precision = field.precision if field.type_code == _TIMESTAMP and field.precision in (0, 1, 2) else 0
    return bind_column(field.type_code, values, precision, label, ProgrammingError)


class InsertBinder:
    """One cursor's prepared INSERT statements (by SQL text) and their fields."""

    def __init__(self, connection: "Connection") -> None:
        self._conn = connection
        self._stmts: "OrderedDict[str, Any]" = OrderedDict()
        self._fields: dict = {}
        self._unsupported = False  # the transport has no statements, or they cannot describe fields

    def run(self, sql: str, seq: Sequence[Any]) -> Optional[int]:
        """Binds and executes ``sql`` for every parameter sequence of ``seq``; the affected rows,
        or None when the caller must render literals instead (nothing was sent then)."""
        if self._unsupported or not seq:
            return None
        shape = insert_shape(sql)
        if shape is None:
            return None
        n = int(shape.table_param) + shape.tags + shape.columns
        rows = [_row(p, n) for p in seq]
        stmt = self._statement(sql)
        if stmt is None:
            return None
        try:
            return self._execute(stmt, sql, shape, rows)
        except _UseLiterals:
            self._discard(sql)
            return None
        except BaseException:
            self._discard(sql)  # its bound state is unknown: prepare anew next time
            raise

    def close(self) -> None:
        for stmt in self._stmts.values():
            stmt.close()
        self._stmts.clear()
        self._fields.clear()

    # --- internals ---------------------------------------------------------------------------

    def _statement(self, sql: str) -> Any:
        stmt = self._stmts.get(sql)
        if stmt is not None:
            self._stmts.move_to_end(sql)
            return stmt
        try:
            stmt = self._conn._native.statement()
        except _taoslink.NativeError as e:
            err = from_native(e)
            if isinstance(err, NotSupportedError):
                self._unsupported = True
                return None
            raise err from None
        try:
            stmt.prepare(sql)
        except _taoslink.NativeError:
            stmt.close()  # not preparable here (another dialect, or an error the literal INSERT reports)
            return None
        self._stmts[sql] = stmt
        if len(self._stmts) > _CACHE_SIZE:
            old_sql, old = self._stmts.popitem(last=False)
            old.close()
            self._forget_fields(old_sql)
        return stmt

    def _discard(self, sql: str) -> None:
        stmt = self._stmts.pop(sql, None)
        if stmt is not None:
            stmt.close()
        self._forget_fields(sql)

    def _forget_fields(self, sql: str) -> None:
        for key in [k for k in self._fields if k[0] == sql]:
            del self._fields[key]

    def _fields_of(self, stmt: Any, sql: str, shape: InsertShape, table: Optional[str]) -> List[StmtField]:
        # without USING, `insert into ?` may name tables of different schemas
        key = (sql, table if shape.table_param and not shape.uses_stable else None)
        fields = self._fields.get(key)
        if fields is None:
            try:
                fields = [StmtField(*f) for f in stmt.fields()]
            except _taoslink.NativeError as e:
                if isinstance(from_native(e), NotSupportedError):
                    self._unsupported = True
                raise _UseLiterals() from None
            tags = sum(1 for f in fields if f.is_tag)
            if tags != shape.tags or len(fields) - tags != shape.columns:
                raise _UseLiterals()  # not the shape this module read from the SQL
            self._fields[key] = fields
        return fields

    def _execute(self, stmt: Any, sql: str, shape: InsertShape, rows: List[Sequence[Any]]) -> int:
        first = 1 if shape.table_param else 0
        tag_end = first + shape.tags
        try:
            start = 0
            while start < len(rows):
                # a run of rows for the same table and tags is one batch
                head = rows[start]
                end = start + 1
                while end < len(rows) and list(rows[end][:tag_end]) == list(head[:tag_end]):
                    end += 1
                table = None
                if shape.table_param:
                    table = head[0]
                    if not isinstance(table, str) or not table:
                        raise ProgrammingError("the table name parameter must be a non-empty str, not %r" % (table,))
                    stmt.set_table_name(table)
                fields = self._fields_of(stmt, sql, shape, table)
                if shape.tags:
                    stmt.set_tags([_bind(f, [head[first + i]], "tag %r" % f.name)
                                   for i, f in enumerate(fields[:shape.tags])])
                group = rows[start:end]
                try:
                    cols = [_bind(f, [r[tag_end + i] for r in group], "column %r" % f.name)
                            for i, f in enumerate(fields[shape.tags:])]
                except ProgrammingError as e:
                    if start == 0:
                        raise
                    # the converter counts rows within this group: name the parameter set instead
                    msg = _ROW.sub(lambda m: ", row %d:" % (int(m.group(1)) + start), str(e), count=1)
                    raise ProgrammingError(msg) from None
                stmt.bind(cols, True)  # our own list: its columns need no copy
                stmt.add_batch()
                start = end
            return stmt.execute()
        except _taoslink.NativeError as e:
            raise from_native(e) from None
