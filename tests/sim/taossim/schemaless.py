"""Schemaless ingestion shared by the InfluxDB and OpenTSDB routes.

Like TDengine: a measurement/metric becomes a super table whose first column
is ``_ts``; fields become columns, tags become NCHAR tags; new keys add
columns/tags, variable widths grow to fit, and a type change is an error
(0x3004).  Child tables are named ``t_`` + md5 of the measurement and sorted
tags, unless ``table_name_key`` names a tag whose value is the table name.
"""

import hashlib
import re
import time
from dataclasses import dataclass, field
from typing import Optional

from . import errors
from . import types as T
from .errors import TaosError
from .store import Column, SuperTable, Table
from .values import PREC_DIV, round_f32

_NUM_SUFFIX = re.compile(r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(i8|i16|i32|i64|u8|u16|u32|"
                         r"u64|f32|f64|i|u)?")
_SUFFIX_TYPE = {None: T.DOUBLE, "f64": T.DOUBLE, "f32": T.FLOAT, "i": T.BIGINT, "i64": T.BIGINT,
                "i32": T.INT, "i16": T.SMALLINT, "i8": T.TINYINT, "u": T.UBIGINT,
                "u64": T.UBIGINT, "u32": T.UINT, "u16": T.USMALLINT, "u8": T.UTINYINT}
_BOOLS = {"t": True, "T": True, "true": True, "True": True, "TRUE": True,
          "f": False, "F": False, "false": False, "False": False, "FALSE": False}


def invalid(detail: str = "") -> TaosError:
    return TaosError(errors.SML_INVALID_DATA,
                     "Invalid data format" + (f": {detail}" if detail else ""))


@dataclass
class Point:
    measurement: str
    tags: dict = field(default_factory=dict)      # name -> str (NCHAR)
    fields: dict = field(default_factory=dict)    # name -> (type code, value)
    ts_ns: Optional[int] = None                   # None = now


def typed_number(text: str, allow_bool: bool = True):
    """'12i' / '1.5' / '3u8' / 't' -> (type code, stored value)."""
    if allow_bool and text in _BOOLS:
        return T.BOOL, _BOOLS[text]
    m = _NUM_SUFFIX.fullmatch(text)
    if not m:
        raise invalid(text)
    num, suffix = m.group(1), m.group(2)
    code = _SUFFIX_TYPE[suffix]
    if code in (T.DOUBLE, T.FLOAT):
        v = float(num)
        if code == T.FLOAT:
            if abs(v) > 3.4028234663852886e38:
                raise invalid(text)
            v = round_f32(v)
        return code, v
    if not re.fullmatch(r"[-+]?\d+", num):
        raise invalid(text)
    v = int(num)
    lo, hi = T.INT_RANGE[code]
    if not lo <= v <= hi:
        raise invalid(text)
    return code, v


def _width(code: int, value) -> int:
    if code == T.VARCHAR:
        return max(len(value), 1)
    if code == T.NCHAR:
        return max(len(value), 1)
    return 0


def _child_name(p: Point, table_name_key: Optional[str]) -> str:
    if table_name_key and p.tags.get(table_name_key):
        return p.tags[table_name_key]
    key = p.measurement + "," + ",".join(f"{k}={p.tags[k]}" for k in sorted(p.tags))
    return "t_" + hashlib.md5(key.encode()).hexdigest()


def _ensure_stable(db, p: Point) -> SuperTable:
    st = db.stables.get(p.measurement)
    if st is None:
        if p.measurement in db.tables:
            raise invalid(f"{p.measurement} is a normal table")
        cols = [Column("_ts", T.SqlType(T.TIMESTAMP))]
        cols += [Column(k, T.SqlType(c, _width(c, v))) for k, (c, v) in p.fields.items()]
        tags = [Column(k, T.SqlType(T.NCHAR, _width(T.NCHAR, v))) for k, v in
                sorted(p.tags.items())]
        st = SuperTable(p.measurement, cols, tags, int(time.time() * 1000))
        db.stables[p.measurement] = st
        return st
    names = {c.name: i for i, c in enumerate(st.columns)}
    for k, (code, v) in p.fields.items():
        if k not in names:
            st.columns.append(Column(k, T.SqlType(code, _width(code, v))))
            for child in st.children.values():
                child.data.append([None] * child.nrows)
            names[k] = len(st.columns) - 1
            continue
        col = st.columns[names[k]]
        if col.type.code != code:
            raise TaosError(errors.SML_NOT_SAME_TYPE)
        w = _width(code, v)
        if w > col.type.width:
            st.columns[names[k]] = Column(k, T.SqlType(code, w))
    tag_names = {c.name: i for i, c in enumerate(st.tags)}
    for k, v in p.tags.items():
        if k not in tag_names:
            st.tags.append(Column(k, T.SqlType(T.NCHAR, _width(T.NCHAR, v))))
            for child in st.children.values():
                child.tag_values.append(None)
            tag_names[k] = len(st.tags) - 1
        else:
            col = st.tags[tag_names[k]]
            if len(v) > col.type.width:
                st.tags[tag_names[k]] = Column(k, T.SqlType(T.NCHAR, len(v)))
    return st


def write_points(store, db_name: str, points: list, table_name_key: Optional[str] = None) -> int:
    now_ns = time.time_ns()
    with store.lock:
        db = store.dbs.get(db_name)
        if db is None:
            raise TaosError(errors.MND_DB_NOT_EXIST)
        div = PREC_DIV[db.precision]
        for p in points:
            st = _ensure_stable(db, p)
            name = _child_name(p, table_name_key)
            child = db.tables.get(name)
            if child is None:
                tags = [p.tags.get(c.name) for c in st.tags]
                child = Table(name, None, st, tags)
                db.tables[name] = child
                st.children[name] = child
            elif child.stable is not st:
                raise invalid(f"table {name} belongs to another super table")
            row = [None] * len(st.columns)
            given = [False] * len(st.columns)
            row[0] = (p.ts_ns if p.ts_ns is not None else now_ns) // div
            given[0] = True
            index = {c.name: i for i, c in enumerate(st.columns)}
            for k, (_, v) in p.fields.items():
                row[index[k]] = v
                given[index[k]] = True
            child.upsert(row, given)
            store.tmq.record(db_name, child, [row])
        store.touch()
    return len(points)
