"""The SQLAlchemy 2.x dialect for TDengine, over taoslink's DB-API (any transport).

One class does the work; the transport is only the DSN scheme the URL is turned into (see
``dialects.py`` for the URL schemes). Statements are sent with taoslink's client-side ``qmark``
parameters, ``executemany`` of an INSERT becomes multi-row INSERT statements, and TDengine has
no transactions, so COMMIT and ROLLBACK do nothing.
"""

from __future__ import annotations

import datetime as _dt
import urllib.parse
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import exc
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import default, reflection

from . import types as T
from .compiler import DDLCompiler, IdentifierPreparer, StatementCompiler, TypeCompiler
from .inspector import TDengineInspector

#: Databases every server has; not user schemas.
SYSTEM_DATABASES = ("information_schema", "performance_schema")
#: TDengine's codes for a missing table and a missing database.
_NO_TABLE = (0x2603, 0x0362)
_NO_DATABASE = (0x0388,)
#: Codes after which a pooled connection is dead: refused, broken link, timeout.
_DISCONNECT = (0x000B, 0x0018, 0x0019)


def _errno(error: BaseException) -> int:
    orig = getattr(error, "orig", error)
    return getattr(orig, "errno", 0) or 0


def _resolve_tz(name: Optional[str]) -> Optional[_dt.tzinfo]:
    if name is None or name == "":
        return None
    if name.upper() in ("UTC", "Z", "ETC/UTC"):
        return _dt.timezone.utc
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except Exception as e:  # ZoneInfoNotFoundError, ValueError
        raise exc.ArgumentError("unknown timezone %r in the URL: %s" % (name, e)) from None


class ExecutionContext(default.DefaultExecutionContext):
    def get_result_processor(self, type_: Any, colname: str, coltype: Any) -> Any:
        # Textual SQL (pandas.read_sql, exec_driver_sql) has no types: TIMESTAMP columns still
        # need the nanosecond conversion, found from the driver's type code.
        if isinstance(type_, sqltypes.NullType) and coltype == T.TIMESTAMP_CODE:
            type_ = T.TIMESTAMP()
        return super().get_result_processor(type_, colname, coltype)

    def post_exec(self) -> None:
        # SQLAlchemy closes an INSERT's cursor before anyone reads its rowcount; TDengine's
        # count is exact (executemany's too), and pandas.to_sql reports it.
        if self.isinsert and self._rowcount is None:
            self._rowcount = self.cursor.rowcount
        super().post_exec()


class TDengineDialect(default.DefaultDialect):
    """TDengine over taoslink. Subclasses only choose ``name``, ``driver`` and ``transport``."""

    name = "taoslink"
    driver = "http"
    #: The taoslink DSN scheme this dialect connects with.
    transport = "http"

    supports_statement_cache = True
    default_paramstyle = "qmark"
    supports_native_boolean = True
    supports_native_decimal = True
    supports_alter = False
    supports_sequences = False
    supports_comments = False
    supports_default_values = False
    supports_default_metavalue = False
    supports_empty_insert = False
    supports_multivalues_insert = True
    use_insertmanyvalues = False
    postfetch_lastrowid = False
    supports_sane_rowcount = True
    supports_sane_multi_rowcount = True
    max_identifier_length = 192
    requires_name_normalize = False
    description_encoding = None

    preparer = IdentifierPreparer
    statement_compiler = StatementCompiler
    ddl_compiler = DDLCompiler
    type_compiler_cls = TypeCompiler
    execution_ctx_cls = ExecutionContext
    inspector = TDengineInspector
    colspecs = {sqltypes.DateTime: T.TIMESTAMP}

    def __init__(self, default_string_length: int = 255, **kw: Any) -> None:
        super().__init__(**kw)
        #: Length given to VARCHAR/NCHAR/VARBINARY columns created without one.
        self.default_string_length = int(default_string_length)
        #: None: naive local datetimes; else aware datetimes in this zone (URL ``timezone``).
        self.timestamp_tz: Optional[_dt.tzinfo] = None

    @classmethod
    def import_dbapi(cls) -> Any:
        import taoslink

        return taoslink

    # --- connecting --------------------------------------------------------------------------

    def create_connect_args(self, url: Any) -> Tuple[List[Any], Dict[str, Any]]:
        """The URL becomes a taoslink DSN of this dialect's transport. URL query parameters go
        into the DSN (``token``, ``timeout``, ...), except ``timezone`` (how TIMESTAMP values are
        returned) and ``hosts`` (``h1:6041,h2:6041``, instead of the URL's host)."""
        query = dict(url.query)
        self.timestamp_tz = _resolve_tz(query.pop("timezone", None))
        hosts = query.pop("hosts", None)
        userinfo = ""
        if url.username:
            userinfo = urllib.parse.quote(url.username, safe="")
        if url.password is not None:
            userinfo += ":" + urllib.parse.quote(str(url.password), safe="")
        if userinfo:
            userinfo += "@"
        if hosts:
            addr = hosts if isinstance(hosts, str) else ",".join(hosts)
        else:
            host = url.host or "localhost"
            addr = "[%s]" % host if ":" in host else host
            if url.port:
                addr += ":%d" % url.port
        dsn = "%s://%s%s" % (self.transport, userinfo, addr)
        if url.database:
            dsn += "/" + urllib.parse.quote(url.database, safe="")
        if query:
            dsn += "?" + urllib.parse.urlencode(query, doseq=True)
        return [dsn], {}

    def connect(self, *cargs: Any, **cparams: Any) -> Any:
        conn = self.loaded_dbapi.connect(*cargs, **cparams)
        from taoslink import _taoslink

        # SQLAlchemy's DateTime is naive by convention (as taospy's dialects return); an aware
        # zone only when the URL asks for one.
        if self.timestamp_tz is None:
            conn._converter = _taoslink.Converter(timestamps="local")
        else:
            conn._converter = self.loaded_dbapi.make_converter(self.timestamp_tz)
        return conn

    def is_disconnect(self, e: Any, connection: Any, cursor: Any) -> bool:
        dbapi = self.loaded_dbapi
        if isinstance(e, dbapi.InterfaceError) and "closed" in str(e):
            return True
        return isinstance(e, dbapi.Error) and _errno(e) in _DISCONNECT

    def do_execute(self, cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        if statement:  # an empty statement is DDL with nothing to do (see DDLCompiler)
            cursor.execute(statement, parameters)

    # --- no transactions ---------------------------------------------------------------------

    def do_begin(self, dbapi_connection: Any) -> None:
        pass

    def do_commit(self, dbapi_connection: Any) -> None:
        pass

    def do_rollback(self, dbapi_connection: Any) -> None:
        pass

    def get_isolation_level(self, dbapi_connection: Any) -> str:
        return "AUTOCOMMIT"

    def get_isolation_level_values(self, dbapi_connection: Any) -> List[str]:
        return ["AUTOCOMMIT"]

    def set_isolation_level(self, dbapi_connection: Any, level: str) -> None:
        if level != "AUTOCOMMIT":
            raise exc.ArgumentError("TDengine has no transactions: the only isolation level is AUTOCOMMIT")

    def _get_server_version_info(self, connection: Any) -> Tuple[int, ...]:
        text = connection.exec_driver_sql("SELECT SERVER_VERSION()").scalar() or ""
        return tuple(int(p) for p in text.split(".") if p.isdigit())

    def _get_default_schema_name(self, connection: Any) -> Optional[str]:
        return connection.exec_driver_sql("SELECT DATABASE()").scalar() or None

    # --- reflection --------------------------------------------------------------------------

    def _in_schema(self, word: str, schema: Optional[str]) -> str:
        """``word`` (TABLES, STABLES, VIEWS) qualified by ``schema`` for SHOW."""
        if schema is None:
            return word
        return "%s.%s" % (self.identifier_preparer.quote_identifier(schema), word)

    def _names(self, connection: Any, sql: str) -> List[str]:
        return [row[0] for row in connection.exec_driver_sql(sql)]

    @reflection.cache
    def get_schema_names(self, connection: Any, **kw: Any) -> List[str]:
        return [n for n in self._names(connection, "SHOW DATABASES") if n.lower() not in SYSTEM_DATABASES]

    def has_schema(self, connection: Any, schema_name: str, **kw: Any) -> bool:
        return schema_name in self.get_schema_names(connection, **kw)

    @reflection.cache
    def get_stable_names(self, connection: Any, schema: Optional[str] = None, **kw: Any) -> List[str]:
        return self._names(connection, "SHOW " + self._in_schema("STABLES", schema))

    @reflection.cache
    def get_normal_table_names(self, connection: Any, schema: Optional[str] = None, **kw: Any) -> List[str]:
        return self._names(connection, "SHOW NORMAL " + self._in_schema("TABLES", schema))

    @reflection.cache
    def get_child_table_names(self, connection: Any, schema: Optional[str] = None, **kw: Any) -> List[str]:
        return self._names(connection, "SHOW CHILD " + self._in_schema("TABLES", schema))

    @reflection.cache
    def get_table_names(self, connection: Any, schema: Optional[str] = None, **kw: Any) -> List[str]:
        """Super tables and normal tables, as taospy's dialects: child tables (there may be
        millions) are left out; ``inspect(engine).get_child_table_names()`` lists them."""
        return (self.get_stable_names(connection, schema, **kw)
                + self.get_normal_table_names(connection, schema, **kw))

    @reflection.cache
    def get_view_names(self, connection: Any, schema: Optional[str] = None, **kw: Any) -> List[str]:
        try:
            return self._names(connection, "SHOW " + self._in_schema("VIEWS", schema))
        except exc.DBAPIError as e:
            if _errno(e) == 0x2600:  # servers before 3.2.1 have no views (a syntax error there)
                return []
            raise

    def has_table(self, connection: Any, table_name: str, schema: Optional[str] = None, **kw: Any) -> bool:
        """True for a super, normal or child table of that exact name."""
        from taoslink.params import literal

        pattern = literal(table_name)  # LIKE's wildcards only widen the match; filtered below
        try:
            for word in ("TABLES", "STABLES"):
                sql = "SHOW %s LIKE %s" % (self._in_schema(word, schema), pattern)
                if table_name in self._names(connection, sql):
                    return True
        except exc.DBAPIError as e:
            if _errno(e) in _NO_DATABASE:
                return False
            raise
        return False

    @reflection.cache
    def _describe(self, connection: Any, table_name: str, schema: Optional[str] = None, **kw: Any) -> List[Any]:
        q = self.identifier_preparer
        name = q.quote_identifier(table_name)
        if schema is not None:
            name = q.quote_identifier(schema) + "." + name
        try:
            return list(connection.exec_driver_sql("DESCRIBE " + name))
        except exc.DBAPIError as e:
            if _errno(e) in _NO_TABLE + _NO_DATABASE:
                raise exc.NoSuchTableError(table_name) from None
            raise

    def get_columns(self, connection: Any, table_name: str, schema: Optional[str] = None, **kw: Any) -> List[Dict[str, Any]]:
        """One dict per column, tags included and flagged ``info={"tag": True}`` (so a reflected
        super table is re-created with its tags)."""
        out = []
        for i, row in enumerate(self._describe(connection, table_name, schema, **kw)):
            col: Dict[str, Any] = {
                "name": row[0],
                "type": T.type_from_describe(row[1], row[2]),
                "nullable": i != 0,
                "default": None,
                "autoincrement": False,
            }
            if len(row) > 3 and (row[3] or "").upper() == "TAG":
                col["info"] = {"tag": True}
            out.append(col)
        return out

    def get_pk_constraint(self, connection: Any, table_name: str, schema: Optional[str] = None, **kw: Any) -> Dict[str, Any]:
        """The first (TIMESTAMP) column, and TDengine 3.3's composite-key column after it."""
        rows = self._describe(connection, table_name, schema, **kw)
        cols = [rows[0][0]] if rows else []
        if len(rows) > 1 and len(rows[1]) > 3 and (rows[1][3] or "").upper() == "PRIMARY KEY":
            cols.append(rows[1][0])
        return {"constrained_columns": cols, "name": None}

    def get_foreign_keys(self, connection: Any, table_name: str, schema: Optional[str] = None, **kw: Any) -> List[Any]:
        return []

    def get_indexes(self, connection: Any, table_name: str, schema: Optional[str] = None, **kw: Any) -> List[Any]:
        return []

    def get_unique_constraints(self, connection: Any, table_name: str, schema: Optional[str] = None, **kw: Any) -> List[Any]:
        return []

    def get_check_constraints(self, connection: Any, table_name: str, schema: Optional[str] = None, **kw: Any) -> List[Any]:
        return []

    def get_table_comment(self, connection: Any, table_name: str, schema: Optional[str] = None, **kw: Any) -> Dict[str, Any]:
        return {"text": None}
