"""Executes parsed statements against the Store and returns Results.

Error codes and messages mirror what a 3.3.x server sends through taosAdapter;
see README.md for the places where the simulator knowingly differs.
"""

import re
import time
from collections import deque
from dataclasses import dataclass
from typing import Optional

from . import errors
from . import sqlast as A
from . import types as T
from . import values as V
from .result import Field, Result, affected
from .sqlparse import parse
from .store import SYSTEM_DBS, Column, Database, Store, SuperTable, Table, positions

SERVER_VERSION = "3.3.6.0"
CLIENT_VERSION = "3.3.6.0"

VARCHAR = lambda n: T.SqlType(T.VARCHAR, n)  # noqa: E731
TBNAME_TYPE = VARCHAR(192)        # TSDB_TABLE_NAME_LEN - 1
DB_NAME_TYPE = VARCHAR(64)        # TSDB_DB_NAME_LEN - 1
BIGINT = T.SqlType(T.BIGINT)
DOUBLE = T.SqlType(T.DOUBLE)


@dataclass
class Session:
    """Per-request state: REST is stateless, so this lives for one statement."""
    db: Optional[str] = None
    tz: object = None            # conn_tz zone used to parse naive time strings


class Engine:
    def __init__(self, store: Store):
        self.store = store
        # the SQL texts run or prepared lately (GET /-/sim/sql): tests check what reached the server
        self.seen = deque(maxlen=1000)

    # -- entry point ---------------------------------------------------------
    def execute(self, sql: str, session: Session) -> Result:
        self.seen.append(sql)
        stmt = parse(sql)
        with self.store.lock:
            method = getattr(self, "_" + type(stmt).__name__)
            return method(stmt, session, sql)

    # -- name resolution -----------------------------------------------------
    def _db(self, name: Optional[str], session: Session) -> Database:
        name = name or session.db
        if not name:
            raise errors.TaosError(errors.PAR_DB_NOT_SPECIFIED)
        db = self.store.dbs.get(name)
        if db is None:
            raise errors.TaosError(errors.MND_DB_NOT_EXIST)
        return db

    def _find(self, tn: A.TableName, session: Session, for_select=False):
        """-> (db, Table | SuperTable); select-style errors when for_select."""
        try:
            db = self._db(tn.db, session)
        except errors.TaosError as e:
            if for_select and e.code == errors.MND_DB_NOT_EXIST:
                raise errors.table_meta_error(errors.MND_DB_NOT_EXIST) from None
            raise
        obj = db.tables.get(tn.name) or db.stables.get(tn.name)
        if obj is None:
            if for_select:
                raise errors.table_meta_error(errors.PAR_TABLE_NOT_EXIST)
            raise errors.TaosError(errors.PAR_TABLE_NOT_EXIST)
        return db, obj

    # -- databases -----------------------------------------------------------
    def _CreateDatabase(self, s: A.CreateDatabase, session, sql):
        if s.name in self.store.dbs or s.name in SYSTEM_DBS:
            if s.if_not_exists:
                return affected(0)
            raise errors.TaosError(errors.MND_DB_ALREADY_EXIST)
        self.store.dbs[s.name] = Database(s.name, s.precision, int(time.time() * 1000))
        self.store.touch()
        return affected(0)

    def _DropDatabase(self, s: A.DropDatabase, session, sql):
        if s.name not in self.store.dbs:
            if s.if_exists:
                return affected(0)
            raise errors.TaosError(errors.MND_DB_NOT_EXIST)
        self.store.tmq.check_drop_db(s.name)
        del self.store.dbs[s.name]
        self.store.tmq.drop_db(s.name)
        self.store.touch()
        return affected(0)

    def _UseDatabase(self, s: A.UseDatabase, session, sql):
        if s.name not in self.store.dbs and s.name not in SYSTEM_DBS:
            raise errors.TaosError(errors.MND_DB_NOT_EXIST)
        session.db = s.name
        return affected(0)

    # -- tables --------------------------------------------------------------
    @staticmethod
    def _check_schema(cols: list, tags: list):
        if not cols or cols[0].type.code != T.TIMESTAMP:
            raise errors.TaosError(errors.PAR_INVALID_FIRST_COLUMN)
        names = [c.name for c in cols] + [t.name for t in tags]
        if len(set(names)) != len(names):
            raise errors.TaosError(errors.PAR_DUPLICATED_COLUMN)
        if any(c.type.code == T.JSON for c in cols):
            raise errors.TaosError(errors.PAR_INVALID_COL_JSON)
        if any(t.type.code == T.JSON for t in tags) and len(tags) > 1:
            raise errors.TaosError(errors.PAR_ONLY_ONE_JSON_TAG)

    def _CreateTable(self, s: A.CreateTable, session, sql):
        db = self._db(s.table.db, session)
        name = s.table.name
        if name in db.tables or name in db.stables:
            if s.if_not_exists:
                return affected(0)
            if name in db.stables:
                raise errors.TaosError(errors.MND_STB_ALREADY_EXIST)
            raise errors.TaosError(errors.TDB_TABLE_ALREADY_EXIST)
        cols = [Column(c.name, c.type) for c in s.columns]
        tags = [Column(c.name, c.type) for c in s.tags]
        self._check_schema(cols, tags)
        if tags:
            db.stables[name] = SuperTable(name, cols, tags, int(time.time() * 1000))
        else:
            db.tables[name] = Table(name, cols)
        self.store.touch()
        return affected(0)

    def _tag_values(self, st: SuperTable, names, lits, ctx) -> list:
        targets = positions(st.tags, names, errors.invalid_tag_name)
        if len(targets) != len(lits):
            raise errors.TaosError(errors.PAR_INVALID_TAGS_NUM)
        vals = [None] * len(st.tags)
        for k, lit in zip(targets, lits):
            tag = st.tags[k]
            vals[k] = V.convert(lit, tag.name, tag.type, ctx)
        return vals

    def _create_child(self, c: A.CreateChild, session, sql, db=None) -> bool:
        db = db or self._db(c.table.db, session)
        if c.table.name in db.tables or c.table.name in db.stables:
            if c.if_not_exists:
                return False
            raise errors.TaosError(errors.TDB_TABLE_ALREADY_EXIST)
        sdb = self._db(c.stable.db or c.table.db, session)
        st = sdb.stables.get(c.stable.name)
        if st is None:
            raise errors.TaosError(errors.PAR_TABLE_NOT_EXIST)
        ctx = V.Ctx(sql, db.precision, time.time_ns(), session.tz)
        tags = self._tag_values(st, c.tag_names, c.tag_values, ctx)
        t = Table(c.table.name, None, st, tags)
        db.tables[t.name] = t
        st.children[t.name] = t
        self.store.touch()
        return True

    def _CreateChild(self, s: A.CreateChild, session, sql):
        self._create_child(s, session, sql)
        return affected(0)

    def _CreateChildren(self, s: A.CreateChildren, session, sql):
        for c in s.items:
            self._create_child(c, session, sql)
        return affected(0)

    def _DropTables(self, s: A.DropTables, session, sql):
        for tn in s.tables:
            db = self._db(tn.db, session)
            if tn.name in db.stables and (s.stable or tn.name not in db.tables):
                st = db.stables.pop(tn.name)
                for child in st.children:
                    db.tables.pop(child, None)
            elif tn.name in db.tables and not s.stable:
                t = db.tables.pop(tn.name)
                if t.stable is not None:
                    t.stable.children.pop(t.name, None)
            elif not s.if_exists:
                raise errors.TaosError(errors.MND_STB_NOT_EXIST if s.stable
                                       else errors.PAR_TABLE_NOT_EXIST)
        self.store.touch()
        return affected(0)

    # -- topics (tmq_sql.py) ---------------------------------------------------
    def _CreateTopic(self, s, session, sql):
        from .tmq_sql import create_topic
        return create_topic(self, s, session)

    def _DropTopic(self, s, session, sql):
        from .tmq_sql import drop_topic
        return drop_topic(self, s)

    # -- metadata queries ----------------------------------------------------
    def _Describe(self, s: A.Describe, session, sql):
        _, obj = self._find(s.table, session, for_select=True)
        cols = obj.columns if isinstance(obj, SuperTable) else obj.columns
        tags = obj.tags if isinstance(obj, SuperTable) else (obj.stable.tags if obj.stable else [])
        out = [[] for _ in range(7)]
        for c in cols:
            enc, comp = _default_compress(c.type.code)
            for k, v in enumerate((c.name.encode(), _describe_type(c.type).encode(),
                                   _describe_len(c.type), b"", enc, comp, b"medium")):
                out[k].append(v)
        for c in tags:
            for k, v in enumerate((c.name.encode(), _describe_type(c.type).encode(),
                                   _describe_len(c.type), b"TAG", b"disabled", b"disabled",
                                   b"disabled")):
                out[k].append(v)
        fields = [Field("field", VARCHAR(64)), Field("type", VARCHAR(20)),
                  Field("length", T.SqlType(T.INT)), Field("note", VARCHAR(16)),
                  Field("encode", VARCHAR(12)), Field("compress", VARCHAR(12)),
                  Field("level", VARCHAR(12))]
        return Result(fields, out)

    def _Show(self, s: A.Show, session, sql):
        if s.what == "databases":
            return self._show_databases()
        if s.what in ("topics", "consumers", "subscriptions"):
            from .tmq_sql import show
            return show(self.store.tmq, s.what)
        if s.what == "views":   # the simulator has no views: an empty list of the right shape
            self._db(s.db, session)
            return Result([Field("view_name", TBNAME_TYPE)], [[]])
        if s.what in ("stables", "tables", "normal_tables", "child_tables"):
            db = self._db(s.db, session)
            if s.what == "stables":
                names = list(db.stables)
            else:
                names = [n for n, t in db.tables.items()
                         if s.what == "tables" or (t.stable is None) == (s.what == "normal_tables")]
            if s.like is not None:
                rx = _like_regex(V.unescape(s.like))
                names = [n for n in names if rx.fullmatch(n)]
            field = "stable_name" if s.what == "stables" else "table_name"
            return Result([Field(field, TBNAME_TYPE)], [[n.encode() for n in names]])
        if s.what == "create_table":
            _, obj = self._find(s.table, session, for_select=True)
            return Result([Field("Table", TBNAME_TYPE), Field("Create Table", VARCHAR(65517))],
                          [[obj.name.encode()], [_create_sql(obj).encode()]])
        if s.what == "create_database":
            db = self._db(s.db, session)
            text = f"CREATE DATABASE `{db.name}` PRECISION '{db.precision}'"
            return Result([Field("Database", DB_NAME_TYPE), Field("Create Database",
                                                                  VARCHAR(65517))],
                          [[db.name.encode()], [text.encode()]])
        raise errors.TaosError(errors.TSC_INVALID_OPERATION)

    def _show_databases(self) -> Result:
        spec = [("name", DB_NAME_TYPE), ("create_time", T.SqlType(T.TIMESTAMP)),
                ("vgroups", T.SqlType(T.SMALLINT)), ("ntables", BIGINT),
                ("replica", T.SqlType(T.TINYINT)), ("strict", VARCHAR(4)),
                ("duration", VARCHAR(10)), ("keep", VARCHAR(32)), ("buffer", T.SqlType(T.INT)),
                ("pagesize", T.SqlType(T.INT)), ("pages", T.SqlType(T.INT)),
                ("minrows", T.SqlType(T.INT)), ("maxrows", T.SqlType(T.INT)),
                ("comp", T.SqlType(T.TINYINT)), ("precision", VARCHAR(2)),
                ("status", VARCHAR(10)), ("retentions", VARCHAR(60)),
                ("single_stable", T.SqlType(T.BOOL)), ("cachemodel", VARCHAR(11)),
                ("cachesize", T.SqlType(T.INT)), ("wal_level", T.SqlType(T.TINYINT)),
                ("wal_fsync_period", T.SqlType(T.INT)), ("wal_retention_period", T.SqlType(T.INT)),
                ("wal_retention_size", BIGINT), ("stt_trigger", T.SqlType(T.SMALLINT)),
                ("table_prefix", T.SqlType(T.SMALLINT)), ("table_suffix", T.SqlType(T.SMALLINT)),
                ("tsdb_pagesize", T.SqlType(T.INT))]
        rows = [[n.encode()] + [None] * (len(spec) - 1) for n in SYSTEM_DBS]
        for db in self.store.dbs.values():
            rows.append([db.name.encode(), db.created_ms, 2, len(db.tables), 1, b"off", b"10d",
                         b"3650d,3650d,3650d", 256, 4, 256, 100, 4096, 2,
                         db.precision.encode(), b"ready", None, False, b"none", 1, 1, 3000, 3600,
                         0, 2, 0, 0, 4])
        cols = [list(c) for c in zip(*rows)]
        return Result([Field(n, t) for n, t in spec], cols, "ms")

    # -- insert --------------------------------------------------------------
    def _Insert(self, s: A.Insert, session, sql):
        now = time.time_ns()
        plans = []
        from .stable_insert import expand   # super-table targets with a tbname column
        for tgt in expand(s.targets, lambda tn: self._db(tn.db, session)):
            db = self._db(tgt.table.db, session)
            table = db.tables.get(tgt.table.name)
            if table is None and tgt.stable is not None:
                self._create_child(A.CreateChild(tgt.table, True, tgt.stable, tgt.tag_names,
                                                 tgt.tag_values), session, sql, db)
                table = db.tables[tgt.table.name]
            if table is None:
                if tgt.table.name in db.stables:
                    raise errors.TaosError(errors.TSC_INVALID_OPERATION,
                                           "insert data into super table is not supported")
                raise errors.TaosError(errors.PAR_TABLE_NOT_EXIST)
            cols = table.columns
            idx = positions(cols, tgt.columns, errors.invalid_column)
            if tgt.columns is not None and 0 not in idx:
                raise errors.TaosError(errors.PAR_SYNTAX_ERROR,
                                       "Primary timestamp column should not be null")
            given = [False] * len(cols)
            for k in idx:
                given[k] = True
            ctx = V.Ctx(sql, db.precision, now, session.tz)
            rows = []
            for lits in tgt.rows:
                if len(lits) != len(idx):
                    raise errors.TaosError(errors.PAR_INVALID_COLUMNS_NUM)
                row = [None] * len(cols)
                for k, lit in zip(idx, lits):
                    c = cols[k]
                    row[k] = V.convert(lit, c.name, c.type, ctx)
                if row[0] is None:
                    raise errors.value_syntax_error(sql[lits[idx.index(0)].pos:],
                                                    "Primary timestamp column should not be null")
                rows.append(row)
            plans.append((db, table, rows, None if tgt.columns is None else given))
        n = 0
        for db, table, rows, given in plans:
            for row in rows:
                table.upsert(row, given)
            self.store.tmq.record(db.name, table, rows)
            n += len(rows)
        self.store.touch()
        return affected(n)

    # -- select --------------------------------------------------------------
    def _Select(self, s: A.Select, session, sql):
        if s.table is None:
            return self._select_constants(s, session)
        db, obj = self._find(s.table, session, for_select=True)
        from .query import run_select   # query planning lives in its own module
        return run_select(self, s, db, obj, session, sql)

    def _select_constants(self, s: A.Select, session) -> Result:
        fields, cols = [], []
        for item in s.items:
            e = item.expr
            name = item.alias or item.text
            if isinstance(e, A.Func) and not e.args:
                fn = e.name
                if fn == "database":
                    v = session.db.encode() if session.db else None
                    fields.append(Field(name, DB_NAME_TYPE)); cols.append([v]); continue
                if fn in ("server_version", "client_version"):
                    v = SERVER_VERSION if fn == "server_version" else CLIENT_VERSION
                    fields.append(Field(name, VARCHAR(32))); cols.append([v.encode()]); continue
                if fn == "server_status":
                    fields.append(Field(name, T.SqlType(T.INT))); cols.append([1]); continue
                if fn in ("now", "today"):
                    ns = time.time_ns()
                    if fn == "today":
                        ns -= ns % 86_400_000_000_000
                    fields.append(Field(name, T.SqlType(T.TIMESTAMP)))
                    cols.append([ns // 1_000_000]); continue
                if fn == "timezone":
                    fields.append(Field(name, VARCHAR(64)))
                    cols.append([b"UTC (UTC, +0000)"]); continue
            if isinstance(e, A.Lit):
                typ, v = _literal_value(e)
                fields.append(Field(name, typ)); cols.append([v]); continue
            if isinstance(e, A.Unary) and e.op == "-" and isinstance(e.operand, A.Lit):
                typ, v = _literal_value(e.operand)
                fields.append(Field(name, typ)); cols.append([-v]); continue
            raise errors.syntax_error(item.text)
        return Result(fields, cols, "ms")


# -- helpers shared with query.py ---------------------------------------------

def _literal_value(lit: A.Lit):
    if lit.kind == "int":
        return BIGINT, lit.value
    if lit.kind == "float":
        return DOUBLE, float(lit.value)
    if lit.kind == "bool":
        return T.SqlType(T.BOOL), lit.value
    if lit.kind == "null":
        return VARCHAR(0), None
    if lit.kind == "str":
        b = V.unescape(lit.value).encode("utf-8", "surrogateescape")
        return VARCHAR(len(b)), b
    raise errors.syntax_error(str(lit.value))


def _like_regex(pattern: str):
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.S)


def _describe_type(t: T.SqlType) -> str:
    return t.rest_name


def _describe_len(t: T.SqlType) -> int:
    return t.rest_length


def _default_compress(code: int):
    """Default (encode, compress) that DESCRIBE shows for a column in 3.3.x."""
    if code == T.TIMESTAMP:
        return b"delta-i", b"lz4"
    if code == T.BOOL:
        return b"bit-packing", b"lz4"
    if code in T.INTEGER_TYPES:
        return b"simple8b", b"lz4"
    if code in (T.FLOAT, T.DOUBLE):
        return b"delta-d", b"lz4"
    return b"disabled", b"zstd"


def _create_sql(obj) -> str:
    cols = ", ".join(f"`{c.name}` {c.type.sql_text()}" for c in obj.columns)
    if isinstance(obj, SuperTable):
        tags = ", ".join(f"`{c.name}` {c.type.sql_text()}" for c in obj.tags)
        return f"CREATE STABLE `{obj.name}` ({cols}) TAGS ({tags})"
    if obj.stable is not None:
        return f"CREATE TABLE `{obj.name}` USING `{obj.stable.name}` TAGS (...)"
    return f"CREATE TABLE `{obj.name}` ({cols})"
