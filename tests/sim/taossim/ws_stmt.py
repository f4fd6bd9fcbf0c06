"""/ws statement API v1 (protocol.md §2.8): init / prepare / set_table_name /
set_tags / bind (JSON or binary actions 1 and 2) / add_batch / exec / close,
get_tag_fields / get_col_fields, use_result, stmt_num_params, stmt_get_param.

Insert statements: ``INSERT INTO {? | tb} [USING stb [(tags)] TAGS (...)]
[(cols)] VALUES (...)`` where any tag or value may be ``?`` or a literal.
Bound rows go straight into the statement's buffer (as TDengine writes them
into its data block); ``exec`` validates every table and then writes.
Query statements: the ``?`` are replaced by literals of the bound values and
the SQL is run by the engine; ``use_result`` hands out a result id.

``StmtBase`` is what stmt v1 and stmt2 (``ws_stmt2``) share: the replies,
statement lookup, ``prepare`` parsing and the insert machinery.
"""

import binascii
import functools
import math
import re
import struct
import time
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation, ROUND_HALF_UP

from . import errors
from . import rawblock
from . import sqlast as A
from . import types as T
from . import values as V
from .errors import TaosError
from .sqllex import tokenize
from .sqlparse import Parser, parse
from .store import Table, positions
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

    def prepared(self, sql: str):
        """``sql`` is now the statement; nothing is bound yet."""
        self.sql = sql
        self.batches, self.tags, self.params, self.result = [], None, None, None


def stmt_action(handler):
    """A text action ``handler(self, args)`` on a statement: what it returns (reply members
    or None) is the success reply, a TaosError it raises the error reply; both carry the
    request's stmt_id."""
    @functools.wraps(handler)
    def action(self, start, name, a):
        self._answer(start, name, a["req_id"], a["stmt_id"], handler, self, a)
    return action


def stmt_binary_action(handler):
    """A binary action ``handler(self, stmt_id, message)``, answered like ``stmt_action``."""
    @functools.wraps(handler)
    def action(self, start, name, rid, sid, data):
        self._answer(start, name, rid, sid, handler, self, sid, data)
    return action


class StmtBase:
    """The replies, statement lookup, ``init``/``prepare`` parsing and insert machinery
    (target resolution, tag and column placement, the write itself) of stmt v1 and stmt2."""
    STMT = Stmt                    # the statement class ``init`` creates

    def __init__(self, ws_session):
        self.s = ws_session

    @property
    def store(self):
        return self.s.app.store

    # -- replies -----------------------------------------------------------------------
    def _ok(self, start, action, rid, sid, extra=None):
        self.s.reply(start, action, rid, extra=dict({"stmt_id": sid}, **(extra or {})))

    def _err(self, start, action, rid, sid, code, message):
        self.s.error(start, action, rid, code, message, stmt_id=sid)

    def _answer(self, start, action, rid, sid, handler, *args):
        try:
            extra = handler(*args)
        except TaosError as e:
            self._err(start, action, rid, sid, e.code, e.desc)
            return
        self._ok(start, action, rid, sid, extra)

    def _stmt(self, sid) -> Stmt:
        st = self.s.stmts.get(sid)
        if st is None:
            raise TaosError(errors.GENERIC, "stmt is nil")
        return st

    # -- actions both versions have ------------------------------------------------------
    def init(self, start, action, a):
        s = self.s
        sid = s.next_stmt_id
        s.next_stmt_id += 1
        s.stmts[sid] = self.STMT(sid)
        self._ok(start, action, a["req_id"], sid)

    def _parse(self, st: Stmt, sql: str):
        """Makes ``st`` an insert (its plan; the target must exist) or a query statement
        (its number of "?", syntax checked)."""
        self.s.app.engine.seen.append(sql)
        try:
            toks = tokenize(sql)
            if toks and toks[0].is_kw("insert"):
                plan = _StmtParser(sql).insert_plan()
                st.plan, st.is_insert, st.nparams, st.tbname = plan, True, 0, None
                if plan.table is not None:
                    with self.store.lock:
                        self._target(st)          # the table must exist (or USING)
            else:
                n = sum(1 for t in toks if t.is_op("?"))
                parse(_substitute(sql, ["0"] * n))   # syntax check
                st.plan, st.is_insert, st.nparams = None, False, n
        except RecursionError:
            raise errors.syntax_error(sql) from None

    def _run_query(self, st: Stmt, params) -> int:
        """Runs the query with ``params`` for its "?" -> the affected rows."""
        res = self.s.sql.execute(_substitute(st.sql, [_literal(v) for v in params]))
        st.result = res
        return res.affected_rows if res.is_update else 0

    def _take_result(self, st: Stmt, key: str) -> dict:
        """Hands the query's result out under a result id -> the reply members."""
        res = st.result
        if res is None or res.is_update:
            raise TaosError(errors.GENERIC, "Stmt API usage error")
        st.result = None
        return dict({key: self.s.sql.add_result(res)}, **fields_meta(res))

    # -- insert machinery ----------------------------------------------------------------
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
        idx = positions(cols, st.plan.col_names, errors.invalid_column)
        if len(idx) != len(st.plan.col_items):
            raise TaosError(errors.PAR_INVALID_COLUMNS_NUM)
        return idx

    def _tag_targets(self, st: Stmt, tags):
        idx = positions(tags, st.plan.tag_names, errors.invalid_tag_name)
        if len(idx) != len(st.plan.tag_items):
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

    def _precision(self, st) -> str:
        if not st.is_insert:
            return "ms"
        with self.store.lock:
            try:
                return self._target(st)[0].precision
            except TaosError:
                return "ms"



class StmtActions(StmtBase):
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

    @stmt_action
    def prepare(self, a):
        st = self._stmt(a["stmt_id"])
        sql = a["sql"].strip()
        self._parse(st, sql)
        st.prepared(sql)
        return {"is_insert": st.is_insert}

    @stmt_action
    def set_table_name(self, a):
        st = self._stmt(a["stmt_id"])
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

    def _tag_columns(self, st):
        """The columns of the "?" tags ([] for a query)."""
        return self._bound_tags(st) if st.is_insert else []

    @stmt_action
    def set_tags(self, a):
        st = self._stmt(a["stmt_id"])
        tags = self._tag_columns(st)
        if not tags:
            return
        raw = a["tags"]
        with _json_errors("tag"):
            if not isinstance(raw, list) or len(raw) != len(tags):
                raise ConvertError("tags count not match" if isinstance(raw, list)
                                   else "tags is not an array")
            prec = self._precision(st)
            vals = [from_json(v, c.type, prec) for v, c in zip(raw, tags)]
        for v, c in zip(vals, tags):
            check_value(v, c)
        st.tags = vals

    @stmt_binary_action
    def binary_set_tags(self, sid, data):
        try:
            nrows = struct.unpack_from("<i", data, 24 + 8)[0]
        except struct.error:
            nrows = -1
        if nrows != 1:
            raise TaosError(errors.GENERIC, "rows not equal 1")
        st = self._stmt(sid)
        tags = self._tag_columns(st)
        if not tags:
            return
        vals = [c[0] for c in _block_columns(data[24:], tags, "tags")]
        for v, c in zip(vals, tags):
            check_value(v, c)
        st.tags = [_normalise(v, c.type) for v, c in zip(vals, tags)]

    @stmt_action
    def bind(self, a):
        st = self._stmt(a["stmt_id"])
        raw = a["columns"]
        if not st.is_insert:
            with _json_errors("column"):
                st.params = [c[0] if c else None for c in _json_columns(raw)]
            return
        cols = self._bound_cols(st)
        if not cols:
            return
        with _json_errors("column"):
            if len(_json_columns(raw)) != len(cols):
                raise ConvertError("column count not match")
            if len({len(c) for c in raw}) > 1:
                raise ConvertError("wrong row length")
            prec = self._precision(st)
            data = [[from_json(v, c.type, prec) for v in col] for col, c in zip(raw, cols)]
        self._add_rows(st, cols, data)

    @stmt_binary_action
    def binary_bind(self, sid, data):
        st = self._stmt(sid)
        block = data[24:]
        if not st.is_insert:
            try:
                for code, _ in rawblock.column_types(block):
                    if code == T.TIMESTAMP or code not in T.BASE_NAMES:
                        raise TaosError(errors.GENERIC, "parse row block info error, "
                                        f"err:unsupported data type {code}")
                _, cols = rawblock.decode(block)
            except rawblock.BlockError as e:
                raise _bad_block(e) from None
            st.params = [c[0] if c else None for c in cols]
            return
        cols = self._bound_cols(st)
        if not cols:
            return
        values = _block_columns(block, cols, "column")
        self._add_rows(st, cols, [[_normalise(v, c.type) for v in col]
                                  for col, c in zip(values, cols)])

    def _add_rows(self, st, cols, data):
        check_columns(data, cols)
        if data and any(v is None for v in data[0]) and cols[0].type.code == T.TIMESTAMP \
                and self._first_is_ts(st, cols[0]):
            raise TaosError(errors.TSC_INVALID_OPERATION, "primary timestamp should not be null")
        st.batches.append((st.tbname, st.tags, [list(r) for r in zip(*data)]))

    def _first_is_ts(self, st, col) -> bool:
        with self.store.lock:
            _, _, cols, _, _, _ = self._target(st)
        return cols[0] is col or cols[0].name == col.name

    @stmt_action
    def add_batch(self, a):
        if self._stmt(a["stmt_id"]).sql is None:
            raise TaosError(STMT_API_ERROR, "Stmt API usage error")

    @stmt_action
    def exec(self, a):
        st = self._stmt(a["stmt_id"])
        if st.sql is None:
            raise TaosError(STMT_API_ERROR)
        if st.is_insert:
            n = self._exec_insert(st)
        else:
            params = st.params if st.params is not None else [None] * st.nparams
            if len(params) != st.nparams:
                raise TaosError(errors.TSC_INVALID_OPERATION,
                                "bind number out of range or not match")
            n = self._run_query(st, params)
        return {"affected": n}

    def close(self, start, action, a):
        self.s.stmts.pop(a["stmt_id"], None)        # no reply on success

    @stmt_action
    def get_tag_fields(self, a):
        # taosAdapter's tag reply omits an empty "fields" (omitempty); the column reply sends null.
        return self._fields_reply(a, self._bound_tags, omit_empty=True)

    @stmt_action
    def get_col_fields(self, a):
        return self._fields_reply(a, self._bound_cols, omit_empty=False)

    def _fields_reply(self, a, bound, omit_empty: bool):
        st = self._stmt(a["stmt_id"])
        if not st.is_insert:
            raise TaosError(STMT_API_ERROR)
        fields = bound(st)
        if fields:
            prec = V.PREC_CODE[self._precision(st)]
            return {"fields": [field_info(c, prec) for c in fields]}
        return {} if omit_empty else {"fields": None}

    @stmt_action
    def use_result(self, a):
        st = self._stmt(a["stmt_id"])
        if st.is_insert:
            raise TaosError(errors.GENERIC, "Stmt API usage error")
        return self._take_result(st, "result_id")

    @stmt_action
    def num_params(self, a):
        st = self._stmt(a["stmt_id"])
        if st.sql is None:
            raise TaosError(STMT_API_ERROR, "Stmt API usage error")
        n = sum(1 for it in st.plan.col_items if it == "?") if st.is_insert else st.nparams
        return {"num_params": n}

    @stmt_action
    def get_param(self, a):
        st = self._stmt(a["stmt_id"])
        if not st.is_insert:
            raise TaosError(STMT_API_ERROR)
        cols = self._bound_cols(st)
        i = a["index"]
        if not 0 <= i < len(cols):
            raise TaosError(errors.TSC_INVALID_OPERATION, "invalid index")
        t = cols[i].type
        return {"index": i, "data_type": t.code, "length": _field_bytes(t)}


# -- bound data ---------------------------------------------------------------------------

@contextmanager
def _json_errors(what: str):
    """A ConvertError inside is the adapter's ``stmt parse {what} json:...`` error."""
    try:
        yield
    except ConvertError as e:
        raise TaosError(errors.GENERIC, f"stmt parse {what} json:{e}") from None


def _json_columns(raw) -> list:
    """JSON bind columns: an array of arrays."""
    if not isinstance(raw, list) or any(not isinstance(c, list) for c in raw):
        raise ConvertError("columns is not an array of arrays")
    return raw


def _bad_block(e: rawblock.BlockError) -> TaosError:
    return TaosError(errors.GENERIC, f"taossim: bad raw block: {e}")


def _block_columns(block: bytes, cols: list, what: str) -> list:
    """The values of a bound raw block, one list per column of ``cols`` (in their types)."""
    try:
        if len(rawblock.column_types(block)) != len(cols):
            raise TaosError(errors.GENERIC, f"stmt {what} count not match")
        return rawblock.decode(block, [c.type.code for c in cols])[1]
    except rawblock.BlockError as e:
        raise _bad_block(e) from None


def field_info(c, prec_code: int) -> dict:
    """A stmt field description (TAOS_FIELD_E) of column ``c``, timestamps in ``prec_code``."""
    t = c.type
    dec = t.code in (T.DECIMAL, T.DECIMAL64)
    return {"name": c.name, "field_type": t.code,
            "precision": t.precision if dec else (prec_code if t.code == T.TIMESTAMP else 0),
            "scale": t.scale if dec else 0, "bytes": _field_bytes(t)}


def check_columns(data: list, cols: list) -> None:
    """``check_value`` for every value of the bound columns ``data`` (a list per column)."""
    for col, c in zip(data, cols):
        for v in col:
            check_value(v, c)


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
