"""/ws statement API v2 (protocol.md §2.9, §2.10): stmt2_init, stmt2_prepare
(with ``get_fields``), binary action 9 (stmt2_bind), stmt2_exec, stmt2_result,
stmt2_close.

The replies, ``prepare`` parsing and the insert machinery (target resolution,
tag/column placement, the write itself) are stmt v1's (``ws_stmt.StmtBase``);
this module adds the stmt2 payload parser and the stmt2 actions.  Payload structure errors are reported
like the adapter's Go parser (code 0xFFFF, a descriptive message); semantic
errors (type or count mismatch, bad values) with TDengine codes.

Stmt ids share the per-socket counter and table with stmt v1.
"""

import struct
from decimal import Decimal, InvalidOperation

from . import errors
from . import types as T
from . import values as V
from .errors import TaosError
from .ws_stmt import (Stmt, StmtBase, _normalise, check_columns, check_value, field_info,
                      stmt_action, stmt_binary_action)

FIELD_COL, FIELD_TAG, FIELD_QUERY, FIELD_TBNAME = 1, 2, 3, 4
TBNAME_BYTES = 271
HEADER = 28
_FMT = {T.BOOL: "?", T.TINYINT: "b", T.SMALLINT: "h", T.INT: "i", T.BIGINT: "q",
        T.FLOAT: "f", T.DOUBLE: "d", T.TIMESTAMP: "q", T.UTINYINT: "B", T.USMALLINT: "H",
        T.UINT: "I", T.UBIGINT: "Q"}
# types sent as byte strings (have_length = 1)
_VAR = frozenset({T.VARCHAR, T.NCHAR, T.JSON, T.VARBINARY, T.GEOMETRY, T.BLOB, T.DECIMAL,
                  T.DECIMAL64})
_INTEGRAL = frozenset(T.INTEGER_TYPES) | {T.TIMESTAMP}


class PayloadError(Exception):
    """A malformed bind payload (the adapter's Go parser: 0xFFFF)."""


class Stmt2(Stmt):
    def __init__(self, sid: int):
        super().__init__(sid)
        self.pending_result = None


class _Reader:
    """Bounds-checked little-endian reads inside ``buf[lo:hi]``."""

    def __init__(self, buf, lo, hi):
        self.buf, self.p, self.hi = buf, lo, hi

    def take(self, n, what):
        if n < 0 or self.p + n > self.hi:
            raise PayloadError(f"{what} out of range: need {n} bytes at offset {self.p}, "
                               f"have {max(0, self.hi - self.p)}")
        b = self.buf[self.p:self.p + n]
        self.p += n
        return b

    def u16(self, what):
        return struct.unpack("<H", self.take(2, what))[0]

    def u32(self, what):
        return struct.unpack("<I", self.take(4, what))[0]

    def i32(self, what):
        return struct.unpack("<i", self.take(4, what))[0]


def _record(r: _Reader, what: str):
    """One field-bind record -> (buffer_type, [values]) in the record's own type."""
    start = r.p
    total = r.u32(f"{what} length")
    if total < 17 or start + total > r.hi:
        raise PayloadError(f"{what} length {total} out of range")
    rec = _Reader(r.buf, r.p, start + total)
    btype = rec.i32(f"{what} buffer_type")
    num = rec.i32(f"{what} num")
    if num <= 0:
        raise PayloadError(f"{what} num {num} invalid")
    nulls = rec.take(num, f"{what} is_null")
    have_len = rec.take(1, f"{what} have_length")[0]
    lengths = None
    if have_len:
        lengths = struct.unpack(f"<{num}i", rec.take(4 * num, f"{what} lengths"))
    blen = rec.i32(f"{what} buffer_length")
    buf = rec.take(blen, f"{what} buffer")
    if rec.p != start + total:
        raise PayloadError(f"{what} length {total} does not match the {rec.p - start} bytes used")
    r.p = start + total
    if btype in _VAR:
        if lengths is None:
            raise PayloadError(f"{what}: type {btype} needs lengths")
        vals, q = [], 0
        for k in range(num):
            if nulls[k]:
                vals.append(None)
                continue
            n = lengths[k]
            if n < 0 or q + n > len(buf):
                raise PayloadError(f"{what}: row {k} length {n} exceeds the buffer")
            vals.append(bytes(buf[q:q + n]))
            q += n
        return btype, vals
    if btype in (T.DECIMAL, T.DECIMAL64):
        raise PayloadError(f"{what}: decimal needs lengths")
    fmt = _FMT.get(btype)
    if fmt is None:
        raise TaosError(errors.TSC_INVALID_OPERATION, f"unsupported data type {btype}")
    size = struct.calcsize(fmt)
    if have_len:
        raise PayloadError(f"{what}: fixed type {btype} must not carry lengths")
    if blen == 0 and all(nulls):
        return btype, [None] * num
    if blen != size * num:
        raise PayloadError(f"{what}: buffer_length {blen} != {num} x {size}")
    raw = struct.unpack(f"<{num}{fmt}", buf)
    return btype, [None if nulls[k] else raw[k] for k in range(num)]


def parse_payload(data: bytes, base: int):
    """§2.10.2 payload at ``data[base:]`` -> [(name or None, tags or None, cols or None)],
    tags/cols as [(buffer_type, values)] per field."""
    size = len(data) - base
    if size < HEADER:
        raise PayloadError(f"bind payload of {size} bytes is shorter than its {HEADER}-byte header")
    total, count, ntags, ncols, names_off, tags_off, cols_off = \
        struct.unpack_from("<7I", data, base)
    if total != size:
        raise PayloadError(f"total length not match, expect {size}, but get {total}")
    if count == 0:
        raise PayloadError("table count is 0")
    for off, what in ((names_off, "table names"), (tags_off, "tags"), (cols_off, "columns")):
        if off and not HEADER <= off < size:
            raise PayloadError(f"{what} offset {off} out of range")
    if tags_off and ntags == 0 or ntags and not tags_off:
        raise PayloadError("tag count and tags offset disagree")
    if cols_off and ncols == 0 or ncols and not cols_off:
        raise PayloadError("column count and columns offset disagree")
    end = base + size
    names = [None] * count
    if names_off:
        r = _Reader(data, base + names_off, end)
        lens = [r.u16("table name length") for _ in range(count)]
        for i, n in enumerate(lens):
            if n == 0:
                raise PayloadError(f"table name length of table {i} is 0")
            raw = r.take(n, "table name")
            if raw[-1] != 0 or 0 in raw[:-1]:
                raise PayloadError(f"table name of table {i} is not NUL-terminated")
            names[i] = raw[:-1].decode("utf-8", "replace")

    def section(off, per_table, what):
        if not off:
            return [None] * count
        r = _Reader(data, base + off, end)
        lens = [r.u32(f"{what} length") for _ in range(count)]
        out = []
        for i, n in enumerate(lens):
            if n == 0:
                raise PayloadError(f"{what} length of table {i} is 0")
            start = r.p
            sub = _Reader(data, start, min(end, start + n))
            if start + n > end:
                raise PayloadError(f"{what} of table {i} out of range")
            out.append([_record(sub, f"table {i} {what[:-1]} {k}") for k in range(per_table)])
            if sub.p != start + n:
                raise PayloadError(f"{what} length of table {i} is {n}, records use {sub.p - start}")
            r.p = start + n
        return out

    tags = section(tags_off, ntags, "tags")
    cols = section(cols_off, ncols, "columns")
    return list(zip(names, tags, cols))


def _coerce(btype, v, col):
    """A record value (record type ``btype``) -> the store value of column ``col``."""
    if v is None:
        return None
    code = col.type.code
    same = btype == code
    if code in _INTEGRAL and btype in _INTEGRAL or code == T.BOOL and btype == T.BOOL:
        if not same and not (code in T.INTEGER_TYPES and btype in T.INTEGER_TYPES
                             or {code, btype} <= {T.TIMESTAMP, T.BIGINT}):
            raise _mismatch(col)
        if code in T.INTEGER_TYPES:
            lo, hi = T.INT_RANGE[code]
            if not lo <= v <= hi:
                raise TaosError(errors.TSC_VALUE_OUT_OF_RANGE)
        return v
    if code in (T.FLOAT, T.DOUBLE) and btype in (T.FLOAT, T.DOUBLE):
        return V.round_f32(v) if code == T.FLOAT else float(v)
    if code in (T.VARCHAR, T.NCHAR) and btype in (T.VARCHAR, T.NCHAR):
        return v.decode("utf-8", "replace") if code == T.NCHAR else v
    if code in (T.VARBINARY, T.GEOMETRY, T.BLOB) and btype in (code, T.VARCHAR):
        return v
    if code == T.JSON and btype in (T.JSON, T.VARCHAR, T.NCHAR):
        return _normalise(v.decode("utf-8", "replace"), col.type)
    if code in (T.DECIMAL, T.DECIMAL64) and btype in (code, T.VARCHAR):
        try:
            d = Decimal(v.decode("ascii"))
            if not d.is_finite():
                raise InvalidOperation
        except (InvalidOperation, UnicodeDecodeError, ValueError):
            raise TaosError(errors.TSC_INVALID_OPERATION, "invalid decimal value") from None
        return int((d * (Decimal(10) ** col.type.scale)).to_integral_value())
    raise _mismatch(col)


def _mismatch(col):
    return TaosError(errors.TSC_INVALID_OPERATION,
                     f"column type mis-match with buffer type ({col.name})")


def _query_value(btype, v):
    """A query parameter -> python value for _literal."""
    if v is None or btype not in _VAR:
        return v
    if btype in (T.VARCHAR, T.NCHAR, T.JSON, T.DECIMAL, T.DECIMAL64):
        return v.decode("utf-8", "replace")
    return v


def _not_stmt2(sid) -> TaosError:
    return TaosError(errors.GENERIC, f"stmtID:{sid}, isStmt2:true not match")


class Stmt2Actions(StmtBase):
    STMT = Stmt2
    _ID = {"req_id": "u64", "stmt_id": "u64"}
    ACTIONS = {
        "stmt2_init": ({"req_id": "u64", "single_stb_insert": "bool",
                        "single_table_bind_once": "bool"}, "init", "stmt2 init"),
        "stmt2_prepare": (dict(_ID, sql="str", get_fields="bool"), "prepare", "stmt2 prepare"),
        "stmt2_exec": (_ID, "exec", "stmt2 exec"),
        "stmt2_result": (_ID, "result", "stmt2 result"),
        "stmt2_close": (_ID, "close", "stmt2 close"),
    }

    def _stmt(self, sid) -> Stmt2:
        st = super()._stmt(sid)
        if not isinstance(st, Stmt2):
            raise _not_stmt2(sid)
        return st

    # -- actions ---------------------------------------------------------------------
    @stmt_action
    def prepare(self, a):
        st = self._stmt(a["stmt_id"])
        sql = a["sql"].strip()
        self._parse(st, sql)
        fields = self._insert_fields(st) if st.is_insert and a["get_fields"] else None
        st.prepared(sql)
        count = (len(fields) if fields is not None else 0) if st.is_insert else st.nparams
        return {"is_insert": st.is_insert, "fields": fields,
                "fields_count": count if a["get_fields"] else 0}

    def _insert_fields(self, st):
        plan = st.plan
        with self.store.lock:
            if plan.stable is not None:
                db = self._db(plan.stable)
                stable = db.stables.get(plan.stable.name)
                if stable is None:
                    raise TaosError(errors.PAR_TABLE_NOT_EXIST)
                cols, tags = stable.columns, stable.tags
                tidx = self._tag_targets(st, tags)
            elif plan.table is not None:
                db, _, cols, tags, _, _ = self._target(st)
                tidx = []
            else:
                raise TaosError(errors.TSC_STMT_TBNAME_ERROR)
            cidx = self._col_targets(st, cols)
        prec = V.PREC_CODE[db.precision]
        out = []
        if plan.table is None:
            out.append({"name": "tbname", "field_type": T.VARCHAR, "precision": 0, "scale": 0,
                        "bytes": TBNAME_BYTES, "bind_type": FIELD_TBNAME})
        for k, item in zip(tidx, plan.tag_items):
            if item == "?":
                out.append(dict(field_info(tags[k], prec), bind_type=FIELD_TAG))
        for k, item in zip(cidx, plan.col_items):
            if item == "?":
                out.append(dict(field_info(cols[k], prec), bind_type=FIELD_COL))
        return out

    @stmt_binary_action
    def bind(self, sid, data):
        """Binary action 9: header, u16 version, i32 col_idx, payload (§2.10)."""
        if len(data) < 30:
            raise TaosError(errors.GENERIC, f"stmt2 bind message too short: {len(data)} bytes")
        version, col_idx = struct.unpack_from("<Hi", data, 24)
        if version != 1:
            raise TaosError(errors.GENERIC, "unknown stmt2 bind version")
        st = self._stmt(sid)
        if st.sql is None:
            raise TaosError(errors.TSC_STMT_API_ERROR)
        if col_idx != -1:
            raise TaosError(errors.GENERIC, "taossim: stmt2 bind with col_idx >= 0 is "
                            "not simulated")
        try:
            tables = parse_payload(data, 30)
        except PayloadError as e:
            raise TaosError(errors.GENERIC, str(e)) from None
        if st.is_insert:
            batches = [self._insert_batch(st, name, tags, cols) for name, tags, cols in tables]
            st.batches.extend(batches)
            return
        if len(tables) != 1 or tables[0][0] is not None or tables[0][1] is not None:
            raise TaosError(errors.TSC_INVALID_OPERATION,
                            "query statements bind one table of parameters")
        cols = tables[0][2] or []
        if len(cols) != st.nparams:
            raise TaosError(errors.TSC_INVALID_OPERATION, "bind number out of range or not match")
        params = []
        for btype, vals in cols:
            if len(vals) != 1:
                raise TaosError(errors.TSC_INVALID_OPERATION,
                                "query parameters bind exactly one row")
            params.append(_query_value(btype, vals[0]))
        st.params = params

    def _insert_batch(self, st, name, tags, cols):
        plan = st.plan
        if name is None and plan.table is None:
            raise TaosError(errors.TSC_STMT_TBNAME_ERROR)
        saved = st.tbname
        st.tbname = name
        try:
            bound_cols = self._bound_cols(st)
            bound_tags = self._bound_tags(st)
        finally:
            st.tbname = saved
        cols = cols or []
        if len(cols) != len(bound_cols):
            raise TaosError(errors.PAR_INVALID_COLUMNS_NUM)
        nrows = {len(v) for _, v in cols}
        if len(nrows) > 1:
            raise TaosError(errors.TSC_INVALID_OPERATION, "columns have different row counts")
        data = [[_coerce(bt, v, c) for v in vals] for (bt, vals), c in zip(cols, bound_cols)]
        tag_vals = None
        if tags is not None:
            if len(tags) != len(bound_tags):
                raise TaosError(errors.PAR_INVALID_TAGS_NUM)
            tag_vals = []
            for (bt, vals), c in zip(tags, bound_tags):
                if len(vals) != 1:
                    raise TaosError(errors.TSC_INVALID_OPERATION, "a tag binds exactly one row")
                tag_vals.append(_coerce(bt, vals[0], c))
        elif not bound_tags:
            tag_vals = []
        check_columns(data, bound_cols)
        for v, c in zip(tag_vals or [], bound_tags):
            check_value(v, c)
        rows = [list(r) for r in zip(*data)]
        return (name, tag_vals, rows)

    @stmt_action
    def exec(self, a):
        st = self._stmt(a["stmt_id"])
        try:
            if st.sql is None:
                raise TaosError(errors.TSC_STMT_API_ERROR)
            if st.is_insert:
                n = self._exec_insert(st)
            else:
                if st.params is None:
                    raise TaosError(errors.TSC_STMT_API_ERROR)
                n = self._run_query(st, st.params)
        except TaosError:
            st.batches = []
            raise
        return {"affected": n}

    @stmt_action
    def result(self, a):
        st = self._stmt(a["stmt_id"])
        if st.is_insert:
            raise TaosError(errors.GENERIC, "stmt is insert, no result set")
        return self._take_result(st, "id")

    @stmt_action
    def close(self, a):
        sid = a["stmt_id"]
        st = self.s.stmts.get(sid)
        if st is not None and not isinstance(st, Stmt2):
            raise _not_stmt2(sid)
        self.s.stmts.pop(sid, None)
