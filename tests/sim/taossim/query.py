"""SELECT over one table or super table: filter, order, limit, project, aggregate.

Rows are addressed as (table, row index) so super-table queries can mix child
tables; the common no-WHERE/no-ORDER case slices column lists directly so a
million-row SELECT costs a few list copies.
"""

import json
import operator
import time

from . import errors
from . import sqlast as A
from . import types as T
from . import values as V
from .engine import BIGINT, DOUBLE, TBNAME_TYPE, _like_regex
from .result import Field, Result
from .store import SuperTable

AGGREGATES = {"count", "sum", "avg", "min", "max", "first", "last", "last_row", "spread"}
_CMP = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
        ">": operator.gt, ">=": operator.ge}
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "%": operator.mod}
_NUMERIC = T.INTEGER_TYPES | {T.FLOAT, T.DOUBLE, T.BOOL, T.TIMESTAMP}


class Scope:
    """Name resolution for one FROM target."""

    def __init__(self, obj, db, ctx):
        self.is_super = isinstance(obj, SuperTable)
        self.columns = obj.columns
        self.tags = obj.tags if self.is_super else (obj.stable.tags if obj.stable else [])
        self.tables = list(obj.children.values()) if self.is_super else [obj]
        self.db = db
        self.ctx = ctx

    def ref(self, col: A.Col):
        """-> (getter(t, i), SqlType)"""
        name = col.name
        if name == "tbname":
            return (lambda t, i: t.name.encode()), TBNAME_TYPE
        if name in ("_rowts", "_c0"):
            return (lambda t, i: t.data[0][i]), self.columns[0].type
        for k, c in enumerate(self.columns):
            if c.name == name:
                return (lambda t, i, k=k: t.data[k][i]), c.type
        for k, c in enumerate(self.tags):
            if c.name == name:
                return (lambda t, i, k=k: t.tag_values[k]), c.type
        raise errors.invalid_column(name)


def _coerce(lit: A.Lit, typ: T.SqlType, ctx):
    """A literal compared with a column of ``typ`` -> comparable Python value."""
    if lit.kind == "null":
        return None
    code = typ.code
    if code == T.TIMESTAMP:
        return V.to_timestamp(lit, ctx)
    text = V.unescape(lit.value) if lit.kind == "str" else lit.value
    if code in (T.VARCHAR, T.VARBINARY, T.GEOMETRY, T.BLOB):
        if lit.kind == "hex":
            return bytes.fromhex(lit.value)
        return str(text).encode("utf-8", "surrogateescape")
    if code in (T.NCHAR, T.JSON):
        return str(text)
    if code == T.BOOL:
        return V._to_bool(lit, ctx)
    if code in (T.DECIMAL, T.DECIMAL64):
        return V._to_decimal(lit, typ, ctx)
    try:
        if lit.kind == "bool":
            return int(lit.value)
        v = float(text) if lit.kind in ("float", "str") else int(text, 16) \
            if lit.kind == "hex" else text
        return v
    except (TypeError, ValueError):
        raise errors.TaosError(errors.PAR_WRONG_VALUE_TYPE,
                               f"Invalid value type: {text}") from None


def compile_value(e, scope: Scope, hint=None):
    """-> (getter(t, i), SqlType) for a scalar expression."""
    if isinstance(e, A.Col):
        return scope.ref(e)
    if isinstance(e, A.Lit):
        if hint is not None:
            v = _coerce(e, hint, scope.ctx)
            return (lambda t, i: v), hint
        from .engine import _literal_value
        typ, v = _literal_value(e) if e.kind not in ("now", "today") else \
            (T.SqlType(T.TIMESTAMP), V.to_timestamp(e, scope.ctx))
        return (lambda t, i: v), typ
    if isinstance(e, A.JsonGet):
        get, _ = compile_value(e.operand, scope)
        key = e.key

        def json_get(t, i):
            text = get(t, i)
            if text is None:
                return None
            obj = json.loads(text)
            if key not in obj:
                return None
            return json.dumps(obj[key], ensure_ascii=False)
        return json_get, T.SqlType(T.JSON)
    if isinstance(e, A.Unary) and e.op == "-":
        get, _ = compile_value(e.operand, scope)
        return (lambda t, i: None if get(t, i) is None else -float(get(t, i))), DOUBLE
    if isinstance(e, A.BinOp) and e.op in _ARITH:
        lg, _ = compile_value(e.left, scope)
        rg, _ = compile_value(e.right, scope)
        f = _ARITH[e.op]

        def arith(t, i):
            a, b = lg(t, i), rg(t, i)
            if a is None or b is None:
                return None
            try:
                return float(f(float(a), float(b)))
            except ZeroDivisionError:
                return None
        return arith, DOUBLE
    if isinstance(e, A.Func) and e.name in ("now", "today") and not e.args:
        v = V.to_timestamp(A.Lit(e.name, 0), scope.ctx)
        return (lambda t, i: v), T.SqlType(T.TIMESTAMP)
    raise errors.TaosError(errors.PAR_SYNTAX_ERROR, f"syntax error near \"{_text(e)}\"")


def _text(e) -> str:
    return getattr(e, "name", type(e).__name__.lower())


def _operand_pair(left, right, scope):
    """Compile both sides, coercing a literal side to the other side's type."""
    if isinstance(right, A.Lit) and not isinstance(left, A.Lit):
        lg, lt = compile_value(left, scope)
        rg, _ = compile_value(right, scope, lt)
        return lg, rg
    if isinstance(left, A.Lit) and not isinstance(right, A.Lit):
        rg, rt = compile_value(right, scope)
        lg, _ = compile_value(left, scope, rt)
        return lg, rg
    lg, _ = compile_value(left, scope)
    rg, _ = compile_value(right, scope)
    return lg, rg


def _json_operand_pair(left, right, scope):
    """`tags->'k' = literal` compares the JSON value itself (TDengine does), not its JSON text."""
    if not (isinstance(left, A.JsonGet) and isinstance(right, A.Lit)):
        return None
    get, _ = compile_value(left, scope)
    from .engine import _literal_value
    _, lit = _literal_value(right)
    if isinstance(lit, bytes):
        lit = lit.decode("utf-8", "surrogateescape")

    def json_value(t, i):
        text = get(t, i)
        return None if text is None else json.loads(text)
    return json_value, (lambda t, i: lit)


def compile_pred(e, scope: Scope):
    """-> predicate(t, i) -> bool (SQL NULL counts as false)."""
    if isinstance(e, A.BinOp) and e.op in ("and", "or"):
        lp, rp = compile_pred(e.left, scope), compile_pred(e.right, scope)
        if e.op == "and":
            return lambda t, i: lp(t, i) and rp(t, i)
        return lambda t, i: lp(t, i) or rp(t, i)
    if isinstance(e, A.Unary) and e.op == "not":
        p = compile_pred(e.operand, scope)
        return lambda t, i: not p(t, i)
    if isinstance(e, A.BinOp) and e.op in _CMP:
        lg, rg = _json_operand_pair(e.left, e.right, scope) or _operand_pair(e.left, e.right, scope)
        f = _CMP[e.op]

        def cmp(t, i):
            a, b = lg(t, i), rg(t, i)
            if a is None or b is None:
                return False
            try:
                return f(a, b)
            except TypeError:
                return False
        return cmp
    if isinstance(e, A.IsNull):
        g, _ = compile_value(e.operand, scope)
        if e.negate:
            return lambda t, i: g(t, i) is not None
        return lambda t, i: g(t, i) is None
    if isinstance(e, A.InList):
        g, typ = compile_value(e.operand, scope)
        items = set()
        for it in e.items:
            if not isinstance(it, A.Lit):
                raise errors.syntax_error(_text(it))
            items.add(_coerce(it, typ, scope.ctx))
        items.discard(None)
        neg = e.negate
        return lambda t, i: (g(t, i) is not None) and ((g(t, i) in items) != neg)
    if isinstance(e, A.Between):
        g, typ = compile_value(e.operand, scope)
        lo, _ = compile_value(e.low, scope, typ if isinstance(e.low, A.Lit) else None)
        hi, _ = compile_value(e.high, scope, typ if isinstance(e.high, A.Lit) else None)
        neg = e.negate

        def between(t, i):
            v, a, b = g(t, i), lo(t, i), hi(t, i)
            if v is None or a is None or b is None:
                return False
            return (a <= v <= b) != neg
        return between
    if isinstance(e, A.Like):
        g, _ = compile_value(e.operand, scope)
        if not isinstance(e.pattern, A.Lit) or e.pattern.kind != "str":
            raise errors.syntax_error(_text(e.pattern))
        rx = _like_regex(V.unescape(e.pattern.value))
        neg = e.negate

        def like(t, i):
            v = g(t, i)
            if v is None:
                return False
            if isinstance(v, bytes):
                v = v.decode("utf-8", "surrogateescape")
            return (rx.fullmatch(v) is not None) != neg
        return like
    if isinstance(e, A.Lit) and e.kind == "bool":
        return lambda t, i: e.value
    g, _ = compile_value(e, scope)
    return lambda t, i: bool(g(t, i))


# -- projection -----------------------------------------------------------------

def _expand_items(s: A.Select, scope: Scope):
    """-> [(name, kind, payload)] with * expanded; kind is col/tag/tbname/expr/agg."""
    out = []
    for item in s.items:
        e = item.expr
        if isinstance(e, A.Star):
            for k, c in enumerate(scope.columns):
                out.append((c.name, "col", (k, c.type)))
            if scope.is_super:
                for k, c in enumerate(scope.tags):
                    out.append((c.name, "tag", (k, c.type)))
            continue
        if isinstance(e, A.Func) and e.name in AGGREGATES:
            if e.star and e.name in ("first", "last", "last_row"):
                for k, c in enumerate(scope.columns):
                    out.append((f"{e.name}({c.name})", "agg", (e.name, A.Col(c.name))))
                continue
            out.append((item.alias or item.text, "agg", (e.name, None if e.star else
                                                         (e.args[0] if e.args else None))))
            continue
        name = item.alias or (e.name if isinstance(e, A.Col) else item.text)
        out.append((name, "expr", e))
    return out


def _segments_len(segs):
    return sum(len(ix) for _, ix in segs)


def _trim(segs, offset, limit):
    out = []
    skip, left = offset, limit
    for t, ix in segs:
        if skip >= len(ix):
            skip -= len(ix)
            continue
        ix = ix[skip:]
        skip = 0
        if left is not None:
            ix = ix[:left]
            left -= len(ix)
        if len(ix):
            out.append((t, ix))
        if left == 0:
            break
    return out


def _column_from_segments(segs, kind, payload, scope):
    col = []
    if kind == "col":
        k = payload[0]
        for t, ix in segs:
            data = t.data[k]
            if isinstance(ix, range) and ix.step == 1:
                col.extend(data[ix.start:ix.stop])
            else:
                col.extend([data[i] for i in ix])
        return col
    if kind == "tag":
        k = payload[0]
        for t, ix in segs:
            col.extend([t.tag_values[k]] * len(ix))
        return col
    g = payload
    for t, ix in segs:
        col.extend([g(t, i) for i in ix])
    return col


def _aggregate(fn, arg, rows, scope):
    """rows: list of (t, i).  -> (value, SqlType)"""
    if fn == "count":
        if arg is None:
            return len(rows), BIGINT
        g, _ = compile_value(arg, scope)
        return sum(1 for t, i in rows if g(t, i) is not None), BIGINT
    if arg is None:
        raise errors.syntax_error(fn)
    g, typ = compile_value(arg, scope)
    vals = [(t, i, g(t, i)) for t, i in rows]
    present = [v for _, _, v in vals if v is not None]
    if fn in ("first", "last", "last_row"):
        if fn == "last_row":
            pick = max(vals, key=lambda x: x[0].data[0][x[1]], default=None)
            return (pick[2] if pick else None), typ
        seq = [x for x in vals if x[2] is not None]
        if not seq:
            return None, typ
        key = (lambda x: x[0].data[0][x[1]])
        pick = min(seq, key=key) if fn == "first" else max(seq, key=key)
        return pick[2], typ
    if fn in ("min", "max"):
        return ((min if fn == "min" else max)(present) if present else None), typ
    if fn == "sum":
        if typ.code in (T.FLOAT, T.DOUBLE):
            return (float(sum(present)) if present else None), DOUBLE
        rtyp = T.SqlType(T.UBIGINT) if typ.code in (T.UTINYINT, T.USMALLINT, T.UINT,
                                                     T.UBIGINT) else BIGINT
        return (sum(present) if present else None), rtyp
    if fn == "avg":
        return (float(sum(present)) / len(present) if present else None), DOUBLE
    if fn == "spread":
        return (float(max(present) - min(present)) if present else None), DOUBLE
    raise errors.syntax_error(fn)


def run_select(engine, s: A.Select, db, obj, session, sql) -> Result:
    ctx = V.Ctx(sql, db.precision, time.time_ns(), session.tz)
    scope = Scope(obj, db, ctx)
    items = _expand_items(s, scope)
    pred = compile_pred(s.where, scope) if s.where is not None else None

    # 1. filter -> segments of (table, indices)
    segs = []
    for t in scope.tables:
        n = t.nrows
        if pred is None:
            ix = range(n)
        else:
            ix = [i for i in range(n) if pred(t, i)]
        if len(ix):
            segs.append((t, ix))

    is_agg = any(kind == "agg" for _, kind, _ in items)
    if is_agg:
        return _run_aggregate(s, items, segs, scope, db)

    # 2. order
    if s.order:
        pairs = [(t, i) for t, ix in segs for i in ix]
        for expr, desc in reversed(s.order):
            if isinstance(expr, A.Lit) and expr.kind == "int":   # ORDER BY 1
                expr = s.items[expr.value - 1].expr
            g, _ = compile_value(expr, scope)
            pairs.sort(key=lambda p: (g(*p) is not None, g(*p)), reverse=desc)
        segs = [(t, [i]) for t, i in pairs]
        segs = _merge_runs(segs)

    # 3. limit / offset
    if s.limit is not None or s.offset:
        segs = _trim(segs, s.offset, s.limit)

    # 4. project
    fields, columns = [], []
    for name, kind, payload in items:
        if kind in ("col", "tag"):
            fields.append(Field(name, payload[1]))
            columns.append(_column_from_segments(segs, kind, payload, scope))
        else:
            if isinstance(payload, A.Col):
                getter, typ = scope.ref(payload)
                if payload.name not in ("tbname",):
                    for k, c in enumerate(scope.columns):
                        if c.name == payload.name:
                            fields.append(Field(name, typ))
                            columns.append(_column_from_segments(segs, "col", (k, typ), scope))
                            break
                    else:
                        fields.append(Field(name, typ))
                        columns.append(_column_from_segments(segs, "expr", getter, scope))
                    continue
            getter, typ = compile_value(payload, scope)
            fields.append(Field(name, typ))
            columns.append(_column_from_segments(segs, "expr", getter, scope))
    return Result(fields, columns, db.precision, cacheable=True)


def _merge_runs(segs):
    """Glue consecutive single-row segments of the same table back together."""
    out = []
    for t, ix in segs:
        if out and out[-1][0] is t:
            out[-1][1].extend(ix)
        else:
            out.append((t, list(ix)))
    return out


def _run_aggregate(s, items, segs, scope, db) -> Result:
    if s.partition_by_tbname:
        groups = [[(t, i) for i in ix] for t, ix in segs]
    else:
        groups = [[(t, i) for t, ix in segs for i in ix]]
    fields, columns = None, None
    for rows in groups:
        row_vals, row_types = [], []
        for name, kind, payload in items:
            if kind == "agg":
                fn, arg = payload
                v, typ = _aggregate(fn, arg, rows, scope)
            elif kind == "col":
                typ = payload[1]
                v = rows[0][0].data[payload[0]][rows[0][1]] if rows else None
            elif kind == "tag":
                typ = payload[1]
                v = rows[0][0].tag_values[payload[0]] if rows else None
            else:
                g, typ = compile_value(payload, scope)
                v = g(*rows[0]) if rows else None
            row_vals.append(v)
            row_types.append(typ)
        if fields is None:
            fields = [Field(n, t) for (n, _, _), t in zip(items, row_types)]
            columns = [[] for _ in items]
        for col, v in zip(columns, row_vals):
            col.append(v)
    res = Result(fields, columns, db.precision, cacheable=True)
    if s.limit is not None or s.offset:
        res.columns = [c[s.offset:None if s.limit is None else s.offset + s.limit]
                       for c in res.columns]
    return res
