"""SQL rendering for TDengine: backquoted identifiers, TDengine's DDL and type names.

TDengine's CREATE TABLE has no constraints, defaults or NULL clauses: the first column is the
TIMESTAMP key, a column flagged ``info={"tag": True}`` is a tag (the table is then a super
table, ``CREATE STABLE ... TAGS (...)``), and a second column in the primary key becomes
TDengine 3.3's composite key (``PRIMARY KEY``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exc
from sqlalchemy import types as sqltypes
from sqlalchemy.sql import compiler

#: TDengine's pseudo column naming a child table; quoting it would make it an ordinary name.
_PSEUDO_COLUMNS = frozenset(("tbname",))


def is_tag(column: Any) -> bool:
    """True when ``column`` is a super-table tag (``info={"tag": True}``)."""
    return bool(column.info.get("tag"))


class IdentifierPreparer(compiler.IdentifierPreparer):
    """Quotes every identifier with backquotes, so TDengine's many keywords (``current``,
    ``value``, ``status``...) work as column names without a keyword list to keep in step."""

    def __init__(self, dialect: Any, **kw: Any) -> None:
        super().__init__(dialect, initial_quote="`", escape_quote="`", **kw)

    def _requires_quotes(self, value: str) -> bool:
        return value.lower() not in _PSEUDO_COLUMNS


class StatementCompiler(compiler.SQLCompiler):
    def limit_clause(self, select: Any, **kw: Any) -> str:
        # TDengine wants LIMIT before OFFSET and has no OFFSET alone.
        text = ""
        if select._limit_clause is not None:
            text += "\n LIMIT " + self.process(select._limit_clause, **kw)
        if select._offset_clause is not None:
            if select._limit_clause is None:
                text += "\n LIMIT 9223372036854775807"
            text += " OFFSET " + self.process(select._offset_clause, **kw)
        return text


class DDLCompiler(compiler.DDLCompiler):
    def visit_create_table(self, create: Any, **kw: Any) -> str:
        table = create.element
        columns = [c.element for c in create.columns]
        data = [c for c in columns if not is_tag(c)]
        tags = [c for c in columns if is_tag(c)]
        if not data or not isinstance(data[0].type, sqltypes.DateTime):
            first = "%r %s" % (data[0].name, data[0].type) if data else "none"
            raise exc.CompileError(
                "TDengine table %r needs a TIMESTAMP first column (first column: %s); with "
                "pandas.to_sql pass index=False, or make a datetime column the index"
                % (table.name, first))
        text = "CREATE %s " % ("STABLE" if tags else "TABLE")
        if create.if_not_exists:
            text += "IF NOT EXISTS "
        text += self.preparer.format_table(table)
        text += " (%s)" % ", ".join(self._column(c, i) for i, c in enumerate(data))
        if tags:
            text += " TAGS (%s)" % ", ".join(self._column(c, -1) for c in tags)
        return text

    def _column(self, column: Any, position: int) -> str:
        try:
            spec = "%s %s" % (self.preparer.format_column(column),
                              self.dialect.type_compiler_instance.process(column.type))
        except exc.CompileError as e:
            raise exc.CompileError("column %r: %s" % (column.name, e)) from e
        if position == 1 and column.primary_key:
            spec += " PRIMARY KEY"
        return spec

    def visit_drop_table(self, drop: Any, **kw: Any) -> str:
        stable = any(is_tag(c) for c in drop.element.columns)
        text = "DROP STABLE " if stable else "DROP TABLE "
        if drop.if_exists:
            text += "IF EXISTS "
        return text + self.preparer.format_table(drop.element)

    def visit_create_index(self, create: Any, **kw: Any) -> str:
        index = create.element
        cols = list(index.columns)
        table_cols = [c for c in index.table.columns if not is_tag(c)]
        if len(cols) == 1 and table_cols and cols[0] is table_cols[0]:
            return ""  # the timestamp key is always indexed (pandas asks for it): nothing to send
        if len(cols) == 1 and is_tag(cols[0]):
            return "CREATE INDEX %s ON %s (%s)" % (
                self._prepared_index_name(index), self.preparer.format_table(index.table),
                self.preparer.format_column(cols[0]))
        raise exc.CompileError("TDengine indexes only a single tag column (index %r)" % index.name)


class TypeCompiler(compiler.GenericTypeCompiler):
    """Generic and TDengine types -> TDengine type names. Strings without a length get the
    dialect's ``default_string_length`` (TDengine needs one)."""

    def _length(self, type_: Any) -> int:
        return type_.length or self.dialect.default_string_length

    def _int(self, name: str, type_: Any) -> str:
        return name + (" UNSIGNED" if getattr(type_, "unsigned", False) else "")

    def visit_TIMESTAMP(self, type_: Any, **kw: Any) -> str:
        return "TIMESTAMP"

    visit_datetime = visit_DATETIME = visit_date = visit_DATE = visit_TIMESTAMP

    def visit_BOOL(self, type_: Any, **kw: Any) -> str:
        return "BOOL"

    visit_boolean = visit_BOOLEAN = visit_BOOL

    def visit_TINYINT(self, type_: Any, **kw: Any) -> str:
        return self._int("TINYINT", type_)

    def visit_SMALLINT(self, type_: Any, **kw: Any) -> str:
        return self._int("SMALLINT", type_)

    visit_small_integer = visit_SMALLINT

    def visit_INT(self, type_: Any, **kw: Any) -> str:
        return self._int("INT", type_)

    visit_integer = visit_INTEGER = visit_INT

    def visit_BIGINT(self, type_: Any, **kw: Any) -> str:
        return self._int("BIGINT", type_)

    visit_big_integer = visit_BIGINT

    def visit_float(self, type_: Any, **kw: Any) -> str:
        # float64 (pandas gives Float(precision=53)) needs DOUBLE; float32 fits FLOAT.
        return "DOUBLE" if (type_.precision or 0) > 24 else "FLOAT"

    def visit_FLOAT(self, type_: Any, **kw: Any) -> str:
        return "DOUBLE" if (type_.precision or 0) > 24 else "FLOAT"

    def visit_DOUBLE(self, type_: Any, **kw: Any) -> str:
        return "DOUBLE"

    visit_double = visit_REAL = visit_DOUBLE_PRECISION = visit_real = visit_DOUBLE

    def visit_numeric(self, type_: Any, **kw: Any) -> str:
        if type_.precision is None:
            raise exc.CompileError("DECIMAL needs a precision, e.g. Numeric(18, 4)")
        return "DECIMAL(%d, %d)" % (type_.precision, type_.scale or 0)

    visit_NUMERIC = visit_DECIMAL = visit_numeric

    def visit_VARCHAR(self, type_: Any, **kw: Any) -> str:
        return "VARCHAR(%d)" % self._length(type_)

    visit_string = visit_text = visit_TEXT = visit_CHAR = visit_enum = visit_uuid = visit_VARCHAR

    def visit_NCHAR(self, type_: Any, **kw: Any) -> str:
        return "NCHAR(%d)" % self._length(type_)

    visit_unicode = visit_unicode_text = visit_NVARCHAR = visit_NCHAR

    def visit_VARBINARY(self, type_: Any, **kw: Any) -> str:
        return "VARBINARY(%d)" % self._length(type_)

    visit_large_binary = visit_BINARY = visit_VARBINARY

    def visit_GEOMETRY(self, type_: Any, **kw: Any) -> str:
        return "GEOMETRY(%d)" % self._length(type_)

    def visit_BLOB(self, type_: Any, **kw: Any) -> str:
        return "BLOB"

    def visit_JSON(self, type_: Any, **kw: Any) -> str:
        return "JSON"

    def visit_null(self, type_: Any, **kw: Any) -> str:
        raise exc.CompileError("a column needs a type")

    def _unsupported(self, type_: Any, **kw: Any) -> str:
        raise exc.CompileError("TDengine has no column type for %s" % type(type_).__name__)

    visit_time = visit_TIME = visit_interval = visit_CLOB = _unsupported

