"""/ws statement API v1 (protocol.md §2.8): init / prepare / set_table_name /
set_tags / bind (JSON or binary actions 1 and 2) / add_batch / exec / close,
get_tag_fields / get_col_fields, use_result, stmt_num_params, stmt_get_param.

Insert statements: ``INSERT INTO {? | tb} [USING stb [(tags)] TAGS (...)]
[(cols)] VALUES (...)`` where any tag or value may be ``?`` or a literal.
Bound rows go straight into the statement's buffer (as TDengine writes them
into its data block); ``exec`` validates every table and then writes.
Query statements: the ``?`` are replaced by literals of the bound values and
the SQL is run by the engine; ``use_result`` hands out a result id.
"""

import binascii
import math
import re
import struct
import time
from decimal import Decimal, InvalidOperation, ROUND_HALF_UP

from . import errors
from . import rawblock
from . import sqlast as A
from . import types as T
from . import values as V
from .errors import TaosError
from .sqllex import tokenize
from .sqlparse import Parser, parse
from .store import Table
from .ws_sql import fields_meta

STMT_API_ERROR = errors.TSC_STMT_API_ERROR          # "Stmt API usage error"
STMT_TBNAME_ERROR = errors.TSC_STMT_TBNAME_ERROR    # "Stmt table name not set"
PREC_DIV = V.PREC_DIV
# what Go's time.Parse(time.RFC3339Nano, s) accepts: date, "T", time, zone
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})")


class ConvertError(Exception):
    pass


class InsertPlan:
    def __init__(self):
        self.table = None          # A.TableName, or None for "?"
        self.stable = None         # A.TableName of USING, or None
        self.tag_names = None      # explicit tag list or None
        self.tag_items = []        # "?" or A.Lit
        self.col_names = None
        self.col_items = []


class _StmtParser(Parser):
    """sqlparse.Parser plus ``?`` placeholders in INSERT."""

    def placeholder_or_value(self):
        if self.op("?"):
            return "?"
        return self.value()

    def items(self) -> list:
        out = [self.placeholder_or_value()]
        while self.op(","):
            out.append(self.placeholder_or_value())
        self.expect_op(")")
        return out

    def insert_plan(self) -> InsertPlan:
        p = InsertPlan()
        self.expect_kw("insert")
        self.expect_kw("into")
        if not self.op("?"):
            p.table = self.table_name()
        if self.kw("using"):
            p.stable = self.table_name()
            if self.op("("):
                p.tag_names = self.name_list()
            self.expect_kw("tags")
            self.expect_op("(")
            p.tag_items = self.items()
        if self.op("("):
            p.col_names = self.name_list()
        self.expect_kw("values")
        self.expect_op("(")
        p.col_items = self.items()
        self.op(";")
        self.end()
        return p


class Stmt:
    def __init__(self, sid: int):
        self.id = sid
        self.sql = None
        self.is_insert = False
        self.plan = None
        self.nparams = 0           # query: number of "?"
        self.params = None         # query: bound values (one row)
        self.tbname = None         # current target table name
        self.tags = None           # current bound tag values (for "?" tags)
        self.batches = []          # [(tbname, tags, [row values for "?" columns])]
        self.result = None         # query result after exec


class StmtActions:
    _ID = {"req_id": "u64", "stmt_id": "u64"}
    ACTIONS = {
        "init": ({"req_id": "u64"}, "init", "stmt init"),
        "prepare": (dict(_ID, sql="str"), "prepare", "stmt prepare"),
        "set_table_name": (dict(_ID, name="str"), "set_table_name", "stmt set table name"),
        "set_tags": (dict(_ID, tags="raw"), "set_tags", "stmt set tags"),
        "bind": (dict(_ID, columns="raw"), "bind", "stmt bind"),
        "add_batch": (_ID, "add_batch", "stmt add batch"),
        "exec": (_ID, "exec", "stmt exec"),
        "close": (_ID, "close", "stmt close"),
        "get_tag_fields": (_ID, "get_tag_fields", "stmt get tag fields"),
        "get_col_fields": (_ID, "get_col_fields", "stmt get col fields"),
        "use_result": (_ID, "use_result", "stmt use result"),
        "stmt_num_params": (_ID, "num_params", "stmt num params"),
        "stmt_get_param": (dict(_ID, index="int"), "get_param", "stmt get param"),
    }

    def __init__(self, ws_session):
        self.s = ws_session

    @property
    def store(self):
        return self.s.app.store

    # -- helpers ---------------------------------------------------------------------
    def _ok(self, start, action, rid, sid, extra=None):
        self.s.reply(start, action, rid, extra=dict({"stmt_id": sid}, **(extra or {})))

    def _err(self, start, action, rid, sid, code, message):
        self.s.error(start, action, rid, code, message, stmt_id=sid)

    def _get(self, start, action, rid, sid):
        st = self.s.stmts.get(sid)
        if st is None:
            self._err(start, action, rid, sid, errors.GENERIC, "stmt is nil")
        return st

    def _db(self, tn):
        name = (tn.db if tn is not None and tn.db else None) or self.s.session.db
        if not name:
            raise TaosError(errors.PAR_DB_NOT_SPECIFIED)
        db = self.store.dbs.get(name)
        if db is None:
            raise TaosError(errors.MND_DB_NOT_EXIST)
        return db

    def _target(self, st: Stmt):
        """-> (db, columns, tag columns or [], existing Table or None, SuperTable or None)."""
        plan = st.plan
        name = st.tbname
        if name is None:
            if plan.table is None:
                raise TaosError(STMT_TBNAME_ERROR)
            tn = plan.table
        else:
            tn = _split_name(name)
        db = self._db(tn)
        table = db.tables.get(tn.name)
        stable = None
        if plan.stable is not None:
            sdb = self._db(plan.stable)
            stable = sdb.stables.get(plan.stable.name)
            if stable is None:
                raise TaosError(errors.PAR_TABLE_NOT_EXIST)
            if table is not None and table.stable is not stable:
                raise TaosError(errors.TSC_INVALID_OPERATION,
                                "Table does not belong to the super table")
        elif table is None:
            if tn.name in db.stables:
                raise TaosError(errors.TSC_INVALID_OPERATION,
                                "insert data into super table is not supported")
            raise TaosError(errors.PAR_TABLE_NOT_EXIST)
        cols = (table.columns if table is not None else stable.columns)
        tags = stable.tags if stable is not None else []
        return db, tn, cols, tags, table, stable

    def _col_targets(self, st: Stmt, cols):
        plan = st.plan
        if plan.col_names is None:
            idx = list(range(len(cols)))
        else:
            names = {c.name: i for i, c in enumerate(cols)}
            idx = []
            for n in plan.col_names:
                if n not in names:
                    raise errors.invalid_column(n)
                idx.append(names[n])
        if len(idx) != len(plan.col_items):
            raise TaosError(errors.PAR_INVALID_COLUMNS_NUM)
        return idx

    def _tag_targets(self, st: Stmt, tags):
        plan = st.plan
        if plan.tag_names is None:
            idx = list(range(len(tags)))
        else:
            names = {c.name: i for i, c in enumerate(tags)}
            idx = []
            for n in plan.tag_names:
                if n not in names:
                    raise TaosError(errors.PAR_INVALID_TAG_NAME, f"Invalid tag name: {n}")
                idx.append(names[n])
        if len(idx) != len(plan.tag_items):
            raise TaosError(errors.PAR_INVALID_TAGS_NUM)
        return idx

    def _bound_cols(self, st: Stmt):
        """The Columns of the "?" values, in order (raises when unresolved)."""
        with self.store.lock:
            _, _, cols, _, _, _ = self._target(st)
            idx = self._col_targets(st, cols)
        return [cols[k] for k, it in zip(idx, st.plan.col_items) if it == "?"]

    def _bound_tags(self, st: Stmt):
        if st.plan.stable is None:
            return []
        with self.store.lock:
            _, _, _, tags, _, _ = self._target(st)
            idx = self._tag_targets(st, tags)
        return [tags[k] for k, it in zip(idx, st.plan.tag_items) if it == "?"]

    # -- actions -----------------------------------------------------------------------
    def init(self, start, action, a):
        s = self.s
        sid = s.next_stmt_id
        s.next_stmt_id += 1
        s.stmts[sid] = Stmt(sid)
        self._ok(start, action, a["req_id"], sid)

    def prepare(self, start, action, a):
        rid, sid = a["req_id"], a["stmt_id"]
        st = self._get(start, action, rid, sid)
        if st is None:
            return
        sql = a["sql"].strip()
        try:
            toks = tokenize(sql)
            if toks and toks[0].is_kw("insert"):
                plan = _StmtParser(sql).insert_plan()
                st.plan, st.is_insert, st.nparams = plan, True, 0
                st.tbname = None
                if plan.table is not None:
                    with self.store.lock:
                        self._target(st)          # the table must exist (or USING)
            else:
                n = sum(1 for t in toks if t.is_op("?"))
                parse(_substitute(sql, ["0"] * n))   # syntax check
                st.plan, st.is_insert, st.nparams = None, False, n
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        except RecursionError:
            e = errors.syntax_error(sql)
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        st.sql = sql
        st.batches, st.tags, st.params, st.result = [], None, None, None
        self._ok(start, action, rid, sid, {"is_insert": st.is_insert})

    def set_table_name(self, start, action, a):
        rid, sid = a["req_id"], a["stmt_id"]
        st = self._get(start, action, rid, sid)
        if st is None:
            return
        try:
            if not st.is_insert:
                raise TaosError(STMT_API_ERROR)
            old, st.tbname = st.tbname, a["name"]
            try:
                with self.store.lock:
                    self._target(st)
            except TaosError:
                st.tbname = old
                raise
            st.tags = None
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        self._ok(start, action, rid, sid)

    def _apply_tags(self, st, values):
        st.tags = values

    def set_tags(self, start, action, a):
        rid, sid = a["req_id"], a["stmt_id"]
        st = self._get(start, action, rid, sid)
        if st is None:
            return
        try:
            tags = self._bound_tags(st) if st.is_insert else []
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        if not tags:
            self._ok(start, action, rid, sid)
            return
        raw = a["tags"]
        try:
            if not isinstance(raw, list) or len(raw) != len(tags):
                raise ConvertError("tags count not match" if isinstance(raw, list)
                                   else "tags is not an array")
            prec = self._precision(st)
            vals = [from_json(v, c.type, prec) for v, c in zip(raw, tags)]
        except ConvertError as e:
            self._err(start, action, rid, sid, errors.GENERIC, f"stmt parse tag json:{e}")
            return
        try:
            for v, c in zip(vals, tags):
                check_value(v, c)
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        st.tags = vals
        self._ok(start, action, rid, sid)

    def binary_set_tags(self, start, action, rid, sid, data):
        try:
            nrows = struct.unpack_from("<i", data, 24 + 8)[0]
        except struct.error:
            nrows = -1
        if nrows != 1:
            self._err(start, action, rid, sid, errors.GENERIC, "rows not equal 1")
            return
        st = self._get(start, action, rid, sid)
        if st is None:
            return
        try:
            tags = self._bound_tags(st) if st.is_insert else []
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        if not tags:
            self._ok(start, action, rid, sid)
            return
        block = data[24:]
        try:
            if len(rawblock.column_types(block)) != len(tags):
                self._err(start, action, rid, sid, errors.GENERIC, "stmt tags count not match")
                return
            _, cols = rawblock.decode(block, [c.type.code for c in tags])
            vals = [c[0] for c in cols]
            for v, c in zip(vals, tags):
                check_value(v, c)
        except rawblock.BlockError as e:
            self._err(start, action, rid, sid, errors.GENERIC, f"taossim: bad raw block: {e}")
            return
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        st.tags = [_normalise(v, c.type) for v, c in zip(vals, tags)]
        self._ok(start, action, rid, sid)

    def bind(self, start, action, a):
        rid, sid = a["req_id"], a["stmt_id"]
        st = self._get(start, action, rid, sid)
        if st is None:
            return
        raw = a["columns"]
        if not st.is_insert:
            try:
                if not isinstance(raw, list) or any(not isinstance(c, list) for c in raw):
                    raise ConvertError("columns is not an array of arrays")
                st.params = [c[0] if c else None for c in raw]
            except ConvertError as e:
                self._err(start, action, rid, sid, errors.GENERIC, f"stmt parse column json:{e}")
                return
            self._ok(start, action, rid, sid)
            return
        try:
            cols = self._bound_cols(st)
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        if not cols:
            self._ok(start, action, rid, sid)
            return
        try:
            if not isinstance(raw, list) or any(not isinstance(c, list) for c in raw):
                raise ConvertError("columns is not an array of arrays")
            if len(raw) != len(cols):
                raise ConvertError("column count not match")
            if len({len(c) for c in raw}) > 1:
                raise ConvertError("wrong row length")
            prec = self._precision(st)
            data = [[from_json(v, c.type, prec) for v in col] for col, c in zip(raw, cols)]
        except ConvertError as e:
            self._err(start, action, rid, sid, errors.GENERIC, f"stmt parse column json:{e}")
            return
        self._add_rows(start, action, rid, st, cols, data)

    def binary_bind(self, start, action, rid, sid, data):
        st = self._get(start, action, rid, sid)
        if st is None:
            return
        block = data[24:]
        if not st.is_insert:
            try:
                infos = rawblock.column_types(block)
                for code, _ in infos:
                    if code == T.TIMESTAMP or code not in T.BASE_NAMES:
                        self._err(start, action, rid, sid, errors.GENERIC,
                                  "parse row block info error, err:unsupported data type "
                                  f"{code}")
                        return
                _, cols = rawblock.decode(block)
            except rawblock.BlockError as e:
                self._err(start, action, rid, sid, errors.GENERIC, f"taossim: bad raw block: {e}")
                return
            st.params = [c[0] if c else None for c in cols]
            self._ok(start, action, rid, sid)
            return
        try:
            cols = self._bound_cols(st)
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        if not cols:
            self._ok(start, action, rid, sid)
            return
        try:
            if len(rawblock.column_types(block)) != len(cols):
                self._err(start, action, rid, sid, errors.GENERIC, "stmt column count not match")
                return
            _, values = rawblock.decode(block, [c.type.code for c in cols])
        except rawblock.BlockError as e:
            self._err(start, action, rid, sid, errors.GENERIC, f"taossim: bad raw block: {e}")
            return
        values = [[_normalise(v, c.type) for v in col] for col, c in zip(values, cols)]
        self._add_rows(start, action, rid, st, cols, values)

    def _add_rows(self, start, action, rid, st, cols, data):
        sid = st.id
        try:
            for col, c in zip(data, cols):
                for v in col:
                    check_value(v, c)
            if data and any(v is None for v in data[0]) and cols[0].type.code == T.TIMESTAMP \
                    and self._first_is_ts(st, cols[0]):
                raise TaosError(errors.TSC_INVALID_OPERATION,
                                "primary timestamp should not be null")
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        rows = [list(r) for r in zip(*data)]
        st.batches.append((st.tbname, st.tags, rows))
        self._ok(start, action, rid, sid)

    def _first_is_ts(self, st, col) -> bool:
        with self.store.lock:
            _, _, cols, _, _, _ = self._target(st)
        return cols[0] is col or cols[0].name == col.name

    def add_batch(self, start, action, a):
        rid, sid = a["req_id"], a["stmt_id"]
        st = self._get(start, action, rid, sid)
        if st is None:
            return
        if st.sql is None:
            self._err(start, action, rid, sid, STMT_API_ERROR, "Stmt API usage error")
            return
        self._ok(start, action, rid, sid)

    def exec(self, start, action, a):
        rid, sid = a["req_id"], a["stmt_id"]
        st = self._get(start, action, rid, sid)
        if st is None:
            return
        try:
            if st.sql is None:
                raise TaosError(STMT_API_ERROR)
            if st.is_insert:
                n = self._exec_insert(st)
            else:
                params = st.params if st.params is not None else [None] * st.nparams
                if len(params) != st.nparams:
                    raise TaosError(errors.TSC_INVALID_OPERATION,
                                    "bind number out of range or not match")
                res = self.s.sql.execute(_substitute(st.sql, [_literal(v) for v in params]))
                st.result = res
                n = res.affected_rows if res.is_update else 0
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        self._ok(start, action, rid, sid, {"affected": n})

    def _exec_insert(self, st: Stmt) -> int:
        plan = st.plan
        batches, st.batches = st.batches, []
        with self.store.lock:
            work = []
            for tbname, tags, rows in batches:
                saved = st.tbname
                st.tbname = tbname
                try:
                    db, tn, cols, tag_cols, table, stable = self._target(st)
                    idx = self._col_targets(st, cols)
                    tag_vals = None
                    if table is None:
                        tidx = self._tag_targets(st, tag_cols)
                        it = iter(tags or [])
                        tag_vals = [None] * len(tag_cols)
                        ctx = V.Ctx(st.sql, db.precision, time.time_ns(), self.s.session.tz)
                        for k, item in zip(tidx, plan.tag_items):
                            if item == "?":
                                if tags is None:
                                    raise TaosError(STMT_API_ERROR, "tags not set")
                                tag_vals[k] = next(it)
                            else:
                                tag_vals[k] = V.convert(item, tag_cols[k].name,
                                                        tag_cols[k].type, ctx)
                    ctx = V.Ctx(st.sql, db.precision, time.time_ns(), self.s.session.tz)
                    fixed = [(k, V.convert(item, cols[k].name, cols[k].type, ctx))
                             for k, item in zip(idx, plan.col_items) if item != "?"]
                    bound = [k for k, item in zip(idx, plan.col_items) if item == "?"]
                finally:
                    st.tbname = saved
                full = []
                for r in rows:
                    row = [None] * len(cols)
                    for k, v in fixed:
                        row[k] = v
                    for k, v in zip(bound, r):
                        row[k] = v
                    if row[0] is None:
                        raise TaosError(errors.TSC_INVALID_OPERATION,
                                        "primary timestamp should not be null")
                    full.append(row)
                given = [False] * len(cols)
                for k in idx:
                    given[k] = True
                work.append((db, tn, stable, table, tag_vals, full,
                             None if plan.col_names is None else given))
            n = 0
            for db, tn, stable, table, tag_vals, full, given in work:
                if table is None:
                    table = db.tables.get(tn.name)
                if table is None:
                    table = Table(tn.name, None, stable, tag_vals)
                    db.tables[tn.name] = table
                    stable.children[tn.name] = table
                for row in full:
                    table.upsert(row, given)
                self.store.tmq.record(db.name, table, full)
                n += len(full)
            self.store.touch()
        return n

    def close(self, start, action, a):
        self.s.stmts.pop(a["stmt_id"], None)        # no reply on success

    def _fields(self, cols, st):
        prec = self._precision(st)
        out = []
        for c in cols:
            t = c.type
            dec = t.code in (T.DECIMAL, T.DECIMAL64)
            out.append({"name": c.name, "field_type": t.code,
                        "precision": t.precision if dec else
                        (V.PREC_CODE[prec] if t.code == T.TIMESTAMP else 0),
                        "scale": t.scale if dec else 0,
                        "bytes": _field_bytes(t)})
        return out

    def _precision(self, st) -> str:
        if not st.is_insert:
            return "ms"
        with self.store.lock:
            try:
                return self._target(st)[0].precision
            except TaosError:
                return "ms"

    def get_tag_fields(self, start, action, a):
        # taosAdapter's tag reply omits an empty "fields" (omitempty); the column reply sends null.
        self._fields_reply(start, action, a, self._bound_tags, omit_empty=True)

    def get_col_fields(self, start, action, a):
        self._fields_reply(start, action, a, self._bound_cols, omit_empty=False)

    def _fields_reply(self, start, action, a, bound, omit_empty: bool):
        rid, sid = a["req_id"], a["stmt_id"]
        st = self._get(start, action, rid, sid)
        if st is None:
            return
        try:
            if not st.is_insert:
                raise TaosError(STMT_API_ERROR)
            fields = bound(st)
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        if fields:
            extra = {"fields": self._fields(fields, st)}
        else:
            extra = {} if omit_empty else {"fields": None}
        self._ok(start, action, rid, sid, extra)

    def use_result(self, start, action, a):
        rid, sid = a["req_id"], a["stmt_id"]
        st = self._get(start, action, rid, sid)
        if st is None:
            return
        res = st.result
        if st.is_insert or res is None or res.is_update:
            self._err(start, action, rid, sid, errors.GENERIC, "Stmt API usage error")
            return
        st.result = None
        result_id = self.s.sql.add_result(res)
        self._ok(start, action, rid, sid, dict({"result_id": result_id}, **fields_meta(res)))

    def num_params(self, start, action, a):
        rid, sid = a["req_id"], a["stmt_id"]
        st = self._get(start, action, rid, sid)
        if st is None:
            return
        if st.sql is None:
            self._err(start, action, rid, sid, STMT_API_ERROR, "Stmt API usage error")
            return
        n = sum(1 for it in st.plan.col_items if it == "?") if st.is_insert else st.nparams
        self._ok(start, action, rid, sid, {"num_params": n})

    def get_param(self, start, action, a):
        rid, sid = a["req_id"], a["stmt_id"]
        st = self._get(start, action, rid, sid)
        if st is None:
            return
        try:
            if not st.is_insert:
                raise TaosError(STMT_API_ERROR)
            cols = self._bound_cols(st)
            i = a["index"]
            if not 0 <= i < len(cols):
                raise TaosError(errors.TSC_INVALID_OPERATION, "invalid index")
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        t = cols[i].type
        self._ok(start, action, rid, sid, {"index": i, "data_type": t.code,
                                           "length": _field_bytes(t)})


# -- value conversion -------------------------------------------------------------------

def _split_name(name: str) -> A.TableName:
    name = name.strip()
    if "." in name and not name.startswith("`"):
        db, _, tb = name.partition(".")
        return A.TableName(db.strip("`"), tb.strip("`"))
    return A.TableName(None, name.strip("`"))


def _field_bytes(t: T.SqlType) -> int:
    """TAOS_FIELD_E bytes of a stmt field: the internal width (VARCHAR n+2, NCHAR 4n+2)."""
    if t.code in (T.DECIMAL, T.DECIMAL64):
        return 16 if t.code == T.DECIMAL else 8
    return t.raw_bytes


def _wrap(v: int, code: int) -> int:
    """Go's integer conversion (types.TaosInt(x)): wrap to the width."""
    lo, hi = T.INT_RANGE[code]
    span = hi - lo + 1
    return (v - lo) % span + lo


def _go_int(text: str) -> int:
    """strconv.ParseInt(s, 0, 64)-ish: decimal, 0x, 0o, 0b prefixes."""
    try:
        return int(text, 0)
    except ValueError:
        raise ConvertError(f'strconv.ParseInt: parsing "{text}": invalid syntax') from None


def from_json(v, typ: T.SqlType, precision: str):
    """A JSON bind value -> store representation (adapter stmtConvert rules)."""
    if v is None:
        return None
    code = typ.code
    if code == T.BOOL:
        if isinstance(v, bool):
            return v
        if isinstance(v, (int, float)):
            return v == 1
        if isinstance(v, str):
            low = v
            if low in ("1", "t", "T", "TRUE", "true", "True"):
                return True
            if low in ("0", "f", "F", "FALSE", "false", "False"):
                return False
            raise ConvertError(f'strconv.ParseBool: parsing "{v}": invalid syntax')
        raise ConvertError(f"stmtConvert:{v} can not convert to bool")
    if code in T.INTEGER_TYPES:
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, float):
            if math.isnan(v) or math.isinf(v):
                raise ConvertError(f"stmtConvert:{v} can not convert to int")
            return _wrap(int(v), code)
        if isinstance(v, int):
            return _wrap(v, code)
        if isinstance(v, str):
            n = _go_int(v)
            lo, hi = T.INT_RANGE[code]
            if not lo <= n <= hi:
                raise ConvertError(f'strconv.ParseInt: parsing "{v}": value out of range')
            return n
        raise ConvertError(f"stmtConvert:{v} can not convert to int")
    if code in (T.FLOAT, T.DOUBLE):
        if isinstance(v, bool):
            f = float(v)
        elif isinstance(v, (int, float)):
            f = float(v)
        elif isinstance(v, str):
            try:
                f = float(v)
            except ValueError:
                raise ConvertError(f'strconv.ParseFloat: parsing "{v}": invalid syntax') from None
        else:
            raise ConvertError(f"stmtConvert:{v} can not convert to float")
        return V.round_f32(f) if code == T.FLOAT and abs(f) <= V.F32_MAX else f
    if code == T.VARCHAR:
        if not isinstance(v, str):
            raise ConvertError(f"stmtConvert:{v} can not convert to binary")
        return v.encode("utf-8", "surrogateescape")
    if code == T.NCHAR:
        if not isinstance(v, str):
            raise ConvertError(f"stmtConvert:{v} can not convert to nchar")
        return v
    if code == T.TIMESTAMP:
        if isinstance(v, bool):
            raise ConvertError(f"stmtConvert:{v} can not convert to timestamp")
        if isinstance(v, (int, float)):
            return int(v)
        if isinstance(v, str):
            ticks = V.parse_time_string(v, precision)
            if ticks is None or not _RFC3339.fullmatch(v):
                raise ConvertError(f'parsing time "{v}" as "2006-01-02T15:04:05.999999999Z07:00"'
                                   ': cannot parse')
            return ticks
        raise ConvertError(f"stmtConvert:{v} can not convert to timestamp")
    if code in (T.VARBINARY, T.GEOMETRY, T.BLOB):
        if not isinstance(v, str):
            raise ConvertError(f"stmtConvert:{v} can not convert to varbinary")
        try:
            return binascii.unhexlify(v)
        except (binascii.Error, ValueError):
            raise ConvertError(f"encoding/hex: invalid byte in {v!r}") from None
    if code == T.JSON:
        if not isinstance(v, str):
            raise ConvertError(f"stmtConvert:{v} can not convert to json")
        try:
            return V.normalise_json_tag(v) if v.strip() else None
        except (ValueError, TypeError):
            raise ConvertError(f"invalid json {v!r}") from None
    if code in (T.DECIMAL, T.DECIMAL64):
        try:
            d = Decimal(str(v))
            if not d.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise ConvertError(f"stmtConvert:{v} can not convert to decimal") from None
        return int((d * (Decimal(10) ** typ.scale)).to_integral_value(ROUND_HALF_UP))
    raise ConvertError(f"unsupported type {code}")


def _normalise(v, typ: T.SqlType):
    """Block-decoded value -> store representation (JSON tags are normalised)."""
    if v is not None and typ.code == T.JSON:
        try:
            return V.normalise_json_tag(v) if v.strip() else None
        except (ValueError, TypeError):
            raise TaosError(errors.TSC_INVALID_OPERATION, "invalid json") from None
    return v


def check_value(v, col) -> None:
    """Width checks of qBindStmtColsValue / qBindStmtTagsValue."""
    if v is None:
        return
    t = col.type
    if t.code in (T.VARCHAR, T.VARBINARY, T.GEOMETRY) and len(v) > t.width:
        raise TaosError(errors.TSC_INVALID_OPERATION, "var data length too big")
    if t.code == T.NCHAR and len(v) > t.width:
        raise TaosError(errors.TSC_INVALID_OPERATION, "var data length too big")
    if t.code in (T.DECIMAL, T.DECIMAL64) and abs(v) >= 10 ** t.precision:
        raise TaosError(errors.TSC_INVALID_OPERATION, "decimal data overflow")


def _literal(v) -> str:
    """A bound query parameter as SQL literal text."""
    if v is None:
        return "NULL"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, bytes):
        v = v.decode("utf-8", "surrogateescape")
    return "'" + str(v).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _substitute(sql: str, literals: list) -> str:
    """Replace the "?" tokens (outside strings/identifiers) by literal text."""
    out, last, k = [], 0, 0
    for t in tokenize(sql):
        if t.is_op("?"):
            out.append(sql[last:t.pos])
            out.append(literals[k] if k < len(literals) else "NULL")
            k += 1
            last = t.pos + 1
    out.append(sql[last:])
    return "".join(out)
