"""stmt2: ``TaosStmt2``, ``BindTable`` and ``TaosStmt2Option`` (taospy's ``taos.statement2``),
mapped onto taoslink's prepared statement (set_table_name / set_tags / bind / add_batch per table).

taospy asks taosc for the placeholders' types (``taos_stmt2_get_fields``). Here an INSERT's
target is read from the SQL and its schema fetched once (``describe`` and ``select * ... limit
0``, which also gives the database's precision); query placeholders take their type from the
Python value, as in taospy (bool BOOL, int > 0 BIGINT UNSIGNED, int <= 0 BIGINT, float DOUBLE,
str VARCHAR; also bytes VARBINARY and datetime TIMESTAMP).
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from taoslink import _taoslink

from . import _link
from .bind import to_column
from .bind2 import IgnoreUpdateType, TAOS_FIELD_COL, TAOS_FIELD_QUERY, TAOS_FIELD_TAG, TAOS_FIELD_TBNAME
from .constants import FieldType
from .error import DataTypeAndRangeError, ErrMsg, NotSupportedError, StatementError
from .precision import PrecisionEnum
from .result import TaosResult
from .statement import _StmtBase
from .utils import gen_req_id

if TYPE_CHECKING:
    from .connection import TaosConnection

__all__ = ["BindTable", "TaosStmt2", "TaosStmt2Option", "TaosFieldAllCls", "PrecisionEnum", "StatementError"]


class BindTable(object):
    """One table's share of a stmt2 bind: ``name``, ``tags`` (one value per tag) and ``datas``
    (one list of values per column, added with ``add_col_data``)."""

    def __init__(self, name: Optional[str], tags: Optional[List[Any]]) -> None:
        self.name = name
        self.tags = tags
        self.datas: List[List[Any]] = []

    def add_col_data(self, data: List[Any]) -> None:
        self.datas.append(data)


class TaosStmt2Option(object):
    """stmt2 options. ``reqid`` None means a generated id; ``is_async`` is not supported."""

    def __init__(self, reqid: Optional[int] = None, single_stb_insert: bool = False,
                 single_table_bind_once: bool = False, **kwargs: Any) -> None:
        if reqid is None:
            reqid = gen_req_id()
        if not isinstance(reqid, int):
            raise StatementError("reqid must be an int, got %s" % type(reqid).__name__)
        self._reqid = reqid
        self._single_stb_insert = bool(single_stb_insert)
        self._single_table_bind_once = bool(single_table_bind_once)
        self._is_async = bool(kwargs.get("is_async", False))
        if self._is_async:
            raise NotSupportedError("TaosStmt2Option(is_async=True) is not supported by taoslink")

    @property
    def reqid(self) -> int:
        return self._reqid

    @property
    def single_stb_insert(self) -> bool:
        return self._single_stb_insert

    @property
    def single_table_bind_once(self) -> bool:
        return self._single_table_bind_once

    @property
    def async_exec_fn(self) -> None:
        return None

    @property
    def userdata(self) -> None:
        return None

    def get_impl(self) -> "TaosStmt2Option":
        return self


class TaosFieldAllCls(object):
    """A placeholder's description (``get_fields()``)."""

    def __init__(self, name: str, type: int, precision: int, scale: int, bytes: int, field_type: int) -> None:
        self.name, self.type, self.precision, self.scale = name, type, precision, scale
        self.bytes, self.field_type = bytes, field_type

    def __getitem__(self, item: str) -> Any:
        return getattr(self, item)

    def __repr__(self) -> str:
        return "{name: %s, type: %d, precision: %d, scale: %d, bytes: %d, field_type: %d}" % (
            self.name, self.type, self.precision, self.scale, self.bytes, self.field_type)


_INSERT = re.compile(
    r"\s*insert\s+into\s+(?P<target>`[^`]+`(?:\.`[^`]+`)?|[^\s(]+)\s*"
    r"(?:using\s+(?P<stb>`[^`]+`(?:\.`[^`]+`)?|[^\s(]+)\s*(?:\((?P<tagnames>[^)]*)\))?\s*tags\s*\((?P<tags>[^)]*)\))?\s*"
    r"(?:\((?P<cols>[^)]*)\))?\s*values\s*\((?P<values>.*)\)\s*;?\s*$", re.I | re.S)


def _names(text: Optional[str]) -> Optional[List[str]]:
    if text is None:
        return None
    return [n.strip().strip("`").lower() for n in text.split(",") if n.strip()]


def _infer(value: Any) -> int:
    """taospy's placeholder type for a query parameter (plus bytes and datetime)."""
    if isinstance(value, bool):
        return FieldType.C_BOOL
    if isinstance(value, int):
        return FieldType.C_BIGINT_UNSIGNED if value > 0 else FieldType.C_BIGINT
    if isinstance(value, float):
        return FieldType.C_DOUBLE
    if isinstance(value, str):
        return FieldType.C_VARCHAR
    if isinstance(value, (bytes, bytearray)):
        return FieldType.C_VARBINARY
    if isinstance(value, _dt.datetime):
        return FieldType.C_TIMESTAMP
    raise StatementError("data type not support, type: %s" % type(value).__name__)


class _Schema(object):
    """The placeholders of an INSERT: tag (name, code) and column (name, code) lists, whether
    ``tbname`` is a column, and the database precision."""

    def __init__(self, tags: List[Tuple[str, int, int]], cols: List[Tuple[str, int, int]], tbname_pos: int,
                 precision: int) -> None:
        self.tags = tags
        self.cols = cols
        self.tbname_pos = tbname_pos
        self.precision = precision


class TaosStmt2(_StmtBase):
    """A stmt2 prepared statement (see the module doc). Errors are StatementError; values of the
    wrong type DataTypeAndRangeError."""

    def __init__(self, stmt: "_taoslink.Stmt", decode_binary: bool = True,
                 connection: Optional["TaosConnection"] = None, option: Optional[TaosStmt2Option] = None) -> None:
        super().__init__(stmt, decode_binary, connection)
        self._option = option
        self._sql = ""
        self._insert = False
        self._match: Any = None
        self._schema: Optional[_Schema] = None
        self._schemas: Dict[str, _Schema] = {}
        self._types: Optional[List[int]] = None
        self._executed_rows = 0
        self.fields: List[TaosFieldAllCls] = []
        self.tag_fields: List[TaosFieldAllCls] = []
        self.all_fields: List[TaosFieldAllCls] = []
        self.is_tbname = False
        self.types: List[int] = []

    # --- preparing -----------------------------------------------------------------------------------

    def _live(self) -> "_taoslink.Stmt":
        if self._stmt is None:
            raise StatementError(ErrMsg.STMT2_NULL)
        return self._stmt

    def prepare(self, sql: str) -> None:
        if not isinstance(sql, str) or not sql.strip():
            raise StatementError("sql is empty or not a str: %r" % (sql,))
        stmt = self._live()
        self._sql = sql
        self._insert = sql.lstrip().lower().startswith("insert")
        m = _INSERT.match(sql) if self._insert else None
        cols = _names(m.group("cols")) if m is not None else None
        if cols and "tbname" in cols and m.group("stb") is None:
            # super-bind: bound per child table as "insert into ? (cols) values (...)"
            self._match = m
            schema = self._load_schema(m.group("target"))
            tag_names = {n for n, _c, _b in schema.tags}
            data = [n for n in cols if n != "tbname" and n not in tag_names]
            if tag_names:
                tags = [n for n in cols if n in tag_names]
                sql = "insert into ? using %s (%s) tags (%s) (%s) values (%s)" % (
                    m.group("target"), ", ".join(tags), ", ".join("?" * len(tags)), ", ".join(data),
                    ", ".join("?" * len(data)))
            else:
                sql = "insert into ? (%s) values (%s)" % (", ".join(data), ", ".join("?" * len(data)))
            _link.call(StatementError, stmt.prepare, sql)
            self._match = m
            self._schema = schema
            self.is_tbname = True
            return
        _link.call(StatementError, stmt.prepare, sql)
        self._schema = None
        self._schemas = {}
        self.is_tbname = False
        if self._insert:
            self._match = _INSERT.match(sql)
            if self._match is None:
                raise StatementError("cannot read the target table of the INSERT: %s" % sql)
            target = self._match.group("stb") or self._match.group("target")
            if target != "?":
                self._schema = self._load_schema(target)
            else:
                cols = _names(self._match.group("cols")) or []
                self.is_tbname = "tbname" in cols

    def _load_schema(self, table: str) -> _Schema:
        cached = self._schemas.get(table)
        if cached is not None:
            return cached
        if self._conn is None:
            raise StatementError("no connection to read the schema of %s" % table)
        native = self._conn._live_native()
        desc = _link.call(StatementError, native.query, "describe %s" % table)
        try:
            tag_names = {row[0].lower() for row in desc.fetch_all() if len(row) > 3 and row[3] == "TAG"}
        finally:
            desc.close()
        res = _link.call(StatementError, native.query, "select * from %s limit 0" % table)
        try:
            fields = res.fields
            precision = res.precision
        finally:
            res.close()
        by_name = {f[0].lower(): (f[0], f[1], f[2]) for f in fields}
        m = self._match
        all_cols = [by_name[n] for n in by_name if n not in tag_names]
        all_tags = [by_name[n] for n in by_name if n in tag_names]
        tbname_pos = -1
        col_names = _names(m.group("cols"))
        if col_names:
            cols, tags = [], []
            for i, n in enumerate(col_names):
                if n == "tbname":
                    tbname_pos = i
                    cols.append(("tbname", FieldType.C_VARCHAR, 192))
                elif n in tag_names:
                    tags.append(by_name[n])
                elif n in by_name:
                    cols.append(by_name[n])
                else:
                    raise StatementError("invalid column name: %s" % n)
        else:
            cols, tags = all_cols, []
        if m.group("tags") is not None:
            tag_list = _names(m.group("tagnames"))
            tags = [by_name[n] for n in tag_list] if tag_list else all_tags
            placeholders = [t.strip() for t in m.group("tags").split(",")]
            tags = [t for t, p in zip(tags, placeholders) if p == "?"]
        values = [v.strip() for v in m.group("values").split(",")]
        if len(values) == len(cols):
            cols = [c for c, p in zip(cols, values) if p == "?"]
        schema = _Schema(tags, cols, tbname_pos, precision)
        self._schemas[table] = schema
        self.is_tbname = tbname_pos >= 0
        self.fields = [TaosFieldAllCls(n, t, precision, 0, b, TAOS_FIELD_COL) for n, t, b in cols]
        self.tag_fields = [TaosFieldAllCls(n, t, precision, 0, b, TAOS_FIELD_TAG) for n, t, b in tags]
        self.all_fields = self.tag_fields + self.fields
        self.types = [t for _n, t, _b in tags + cols]
        return schema

    # --- binding -------------------------------------------------------------------------------------

    def _column(self, code: int, values: List[Any], precision: int, label: str) -> "_taoslink.BindColumn":
        if any(isinstance(v, IgnoreUpdateType) for v in values):
            raise NotSupportedError("taos.IGNORE (partial update) is not supported by taoslink")
        if code in (FieldType.C_DECIMAL, FieldType.C_DECIMAL64):
            raise DataTypeAndRangeError("invalid datatype: DECIMAL cannot be bound")
        return to_column(code, values, precision, label, DataTypeAndRangeError)

    def _schema_for(self, tbname: Optional[str]) -> _Schema:
        if self._schema is not None:
            return self._schema
        if tbname is None:
            raise StatementError("the table name is required for %s" % self._sql)
        return self._load_schema(tbname)

    def _bind_table(self, name: Optional[str], tags: Optional[Sequence[Any]], cols: Sequence[Sequence[Any]]) -> None:
        stmt = self._live()
        schema = self._schema_for(name)
        if name is not None:
            _link.call(StatementError, stmt.set_table_name, name)
        if tags is not None:
            if len(tags) != len(schema.tags):
                raise StatementError("tags count is inconsistent: %d given, %d expected" % (len(tags), len(schema.tags)))
            tag_cols = [self._column(code, [v], schema.precision, "tag %r" % n)
                        for (n, code, _b), v in zip(schema.tags, tags)]
            _link.call(StatementError, stmt.set_tags, tag_cols)
        if len(cols) != len(schema.cols):
            raise StatementError("columns count is inconsistent: %d given, %d expected" % (len(cols), len(schema.cols)))
        data = [self._column(code, list(vals), schema.precision, "column %r" % n)
                for (n, code, _b), vals in zip(schema.cols, cols)]
        _link.call(StatementError, stmt.bind, data)
        _link.call(StatementError, stmt.add_batch)

    def bind_param(self, tbnames: Optional[Sequence[Optional[str]]], tags: Optional[Sequence[Any]],
                   datas: Sequence[Any]) -> None:
        """Binds tables: ``tbnames`` (or None), ``tags`` (per table a list of tag values, or
        None), ``datas`` (per table a list of columns). For a query, ``datas`` holds the
        parameters; with a ``tbname`` column and no tbnames/tags, ``datas`` is a list of rows."""
        self._live()
        if not self._insert:
            self._bind_query(datas)
            return
        if isinstance(tbnames, str):
            raise StatementError("tbnames must be a list of str, not a str")
        if tbnames is None and tags is None and self.is_tbname:
            self._bind_super(datas)
            return
        n = len(datas)
        for what, seq in (("tbnames", tbnames), ("tags", tags)):
            if seq is not None:
                if len(seq) != n:
                    raise StatementError("%s count is inconsistent with datas: %d vs %d" % (what, len(seq), n))
                if any(x is None for x in seq) and not all(x is None for x in seq):
                    raise StatementError("%s has None mixed with values" % what)
        for i in range(n):
            self._bind_table(None if tbnames is None else tbnames[i], None if tags is None else tags[i], datas[i])

    def bind_param_with_tables(self, tables: Sequence[BindTable]) -> None:
        self._live()
        for t in tables:
            self._bind_table(t.name, t.tags, t.datas)

    def _bind_super(self, rows: Sequence[Sequence[Any]]) -> None:
        """Rows with their table name in the ``tbname`` column: grouped into one bind per table."""
        schema = self._schema_for(None)
        pos = schema.tbname_pos
        tag_pos = []
        col_names = _names(self._match.group("cols")) or []
        tag_names = {n for n, _c, _b in schema.tags}
        for i, n in enumerate(col_names):
            if n in tag_names:
                tag_pos.append(i)
        data_pos = [i for i in range(len(col_names)) if i != pos and i not in tag_pos]
        tables: Dict[str, Tuple[Optional[List[Any]], List[List[Any]]]] = {}
        for row in rows:
            name = row[pos]
            entry = tables.get(name)
            if entry is None:
                entry = tables[name] = ([row[i] for i in tag_pos] if tag_pos else None, [[] for _ in data_pos])
            for k, i in enumerate(data_pos):
                entry[1][k].append(row[i])
        plain = _Schema(schema.tags, [c for c in schema.cols if c[0] != "tbname"], -1, schema.precision)
        saved, self._schema = self._schema, plain
        try:
            for name, (tags, cols) in tables.items():
                self._bind_table(name, tags, cols)
        finally:
            self._schema = saved

    def _bind_query(self, datas: Sequence[Any]) -> None:
        if datas and all(isinstance(d, (list, tuple)) and len(d) == 1 for d in datas) and len(datas) > 1:
            params = [d[0] for d in datas]
        elif len(datas) == 1 and isinstance(datas[0], (list, tuple)):
            params = list(datas[0])
        else:
            params = list(datas)
        types = self._types or [_infer(v) for v in params]
        cols = [self._column(t, [v], PrecisionEnum.Milliseconds, "param %d" % i)
                for i, (t, v) in enumerate(zip(types, params))]
        stmt = self._live()
        _link.call(StatementError, stmt.bind, cols)
        _link.call(StatementError, stmt.add_batch)

    def set_columns_type(self, types: List[int]) -> None:
        """The types of a query's placeholders (instead of inferring them from the values)."""
        self._types = list(types)

    # --- running -------------------------------------------------------------------------------------

    def execute(self) -> int:
        self._executed_rows = _link.call(StatementError, self._live().execute)
        return self._executed_rows

    def result(self) -> TaosResult:
        return self._result(_link.call(StatementError, self._live().result))

    def is_insert(self) -> bool:
        return self._insert

    def get_fields(self) -> Tuple[int, List[TaosFieldAllCls]]:
        """(count, fields) of the placeholders: the table name, tags and columns of an INSERT;
        for a query (TAOS_FIELD_QUERY) the count only."""
        if not self._insert:
            return self._sql.count("?"), []
        out = list(self.all_fields)
        if self._match is not None and self._match.group("target") == "?":
            out.insert(0, TaosFieldAllCls("tbname", FieldType.C_VARCHAR, 0, 0, 192, TAOS_FIELD_TBNAME))
        return len(out), out

    def error(self) -> str:
        return ""


_ = TAOS_FIELD_QUERY
