"""Bulk insert of columnar data (a pandas DataFrame, a pyarrow Table or RecordBatch, or a dict of
numpy arrays or lists) through the statement API, whole columns at a time.

    import taoslink, taoslink.bulk
    conn = taoslink.connect("ws://root:taosdata@localhost:6041/power")
    taoslink.bulk.insert(conn, "meters", df, tbname="device", tags=["location", "group_id"],
                         progress=True)

Numeric numpy columns reach C++ through the buffer protocol (no Python object per value); the
table's column types and timestamp precision are read from the server once (``select * from
<table> limit 0``). Over REST (no statement API) the same rows are sent as multi-row INSERT
statements rendered client side. See docs/columnar.md.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from . import _taoslink
from .columnar import require
from .errors import InterfaceError, NotSupportedError, ProgrammingError
from .stmt import bind_column, datetime64_ticks

if TYPE_CHECKING:  # pragma: no cover
    from .connection import Connection

__all__ = ["insert"]

_CODES = {"ms": 0, "us": 1, "ns": 2}
_TIMESTAMP = 9


def _quote(name: str) -> str:
    if "`" in name:
        raise ProgrammingError("identifier %r contains a backquote" % (name,))
    return ".".join("`%s`" % part for part in name.split("."))


def _is_numpy(v: Any) -> bool:
    return type(v).__module__.startswith("numpy") and hasattr(v, "dtype")


# --- reading the input -------------------------------------------------------------------------

def _from_pandas(series: Any) -> Tuple[Any, Any]:
    """(values, mask) of a pandas Series: numpy values where the dtype allows, else a list."""
    import numpy as np

    dtype = series.dtype
    mask = series.isna().to_numpy()
    has_na = bool(mask.any())
    kind = getattr(dtype, "kind", "O")
    if kind == "M":  # datetime64 naive (UTC) or aware
        if getattr(dtype, "tz", None) is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        return series.to_numpy(), (mask if has_na else None)
    if kind in "biuf" and not isinstance(dtype, np.dtype):  # nullable extension dtypes
        fill = False if kind == "b" else 0
        numpy_dtype = getattr(dtype, "numpy_dtype", None)
        return series.to_numpy(dtype=numpy_dtype, na_value=fill), (mask if has_na else None)
    if kind in "biuf":
        return series.to_numpy(), (mask if has_na else None)
    values = series.to_numpy(dtype=object)
    if has_na:
        values = [None if m else v for v, m in zip(values.tolist(), mask.tolist())]
        return values, None
    return values.tolist(), None


def _from_arrow(array: Any) -> Tuple[Any, Any]:
    """(values, mask) of a pyarrow Array or ChunkedArray."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    t = array.type
    mask = array.is_null().to_numpy(zero_copy_only=False) if array.null_count else None
    if pa.types.is_timestamp(t):
        if t.tz is not None:
            array = array.cast(pa.timestamp(t.unit))
        values = array.to_numpy(zero_copy_only=False)
        return values, mask
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t):
        if array.null_count:
            fill = False if pa.types.is_boolean(t) else 0
            array = pc.fill_null(array, pa.scalar(fill, type=t))
        return array.to_numpy(zero_copy_only=False), mask
    return array.to_pylist(), None


def _columns(data: Any) -> List[Tuple[str, Any, Any]]:
    """(name, values, mask) of every column of ``data``."""
    mod = type(data).__module__
    if mod.startswith("pandas"):
        return [(str(name),) + _from_pandas(data[name]) for name in data.columns]
    if mod.startswith("pyarrow"):
        return [(name,) + _from_arrow(data.column(i)) for i, name in enumerate(data.schema.names)]
    if isinstance(data, dict):
        out = []
        for name, values in data.items():
            mask = None
            if _is_numpy(values):
                m = getattr(values, "mask", None)
                if m is not None and getattr(m, "shape", ()) == values.shape:
                    mask, values = m, values.data
            elif not isinstance(values, (list, tuple)):
                values = list(values)
            out.append((str(name), values, mask))
        return out
    raise ProgrammingError("bulk insert takes a pandas DataFrame, a pyarrow Table or RecordBatch, or a dict "
                           "of columns; got %s" % type(data).__name__)


def _slice(values: Any, mask: Any, idx: Any) -> Tuple[Any, Any]:
    if isinstance(idx, slice):
        return values[idx], (None if mask is None else mask[idx])
    if _is_numpy(values):
        return values[idx], (None if mask is None else mask[idx])
    return [values[i] for i in idx], (None if mask is None else mask[idx])


# --- the target table --------------------------------------------------------------------------

def _schema(conn: "Connection", table: str) -> Tuple[Dict[str, Tuple[str, int]], int]:
    """{lower-case name: (name, type code)} of the table's columns and tags, and its precision."""
    cur = conn.cursor()
    try:
        cur.execute("select * from %s limit 0" % _quote(table))
        result = cur._result
        precision = result.precision if result is not None else 0
        fields = {d[0].lower(): (d[0], d[1]) for d in (cur.description or ())}
        # REST sends no precision with an empty result: ask for the database's.
        db = table.split(".")[0] if "." in table else conn.database
        if db:
            cur.execute("show databases")
            names = [d[0] for d in cur.description or ()]
            if "name" in names and "precision" in names:
                i, p = names.index("name"), names.index("precision")
                for row in cur.fetchall():
                    if row[i] == db and row[p] in _CODES:
                        precision = _CODES[row[p]]
    finally:
        cur.close()
    return fields, precision


class _Progress:
    def __init__(self, enabled: Any, total: int) -> None:
        self._bar = None
        if enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                warnings.warn("progress=True needs the tqdm package (pip install tqdm); inserting without a "
                              "progress bar", RuntimeWarning, stacklevel=3)
                return
            self._bar = tqdm(total=total, unit="rows", desc="insert")

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


# --- insert ------------------------------------------------------------------------------------

def insert(conn: "Connection", table: str, data: Any, *, tbname: Optional[str] = None,
           tags: Sequence[str] = (), batch_rows: int = 50_000, progress: bool = False) -> int:
    """Inserts every row of ``data`` into ``table``; returns the rows written.

    ``data``: a pandas DataFrame, a pyarrow Table or RecordBatch, or a dict {column: numpy array
    or list}. Its column names are the table's (case-insensitive); columns of the table it does
    not name get NULL. NULLs: None, NaN/NaT in pandas, Arrow nulls, numpy masked arrays.

    ``tbname``: the name of a column of ``data`` holding each row's child table; ``table`` is
    then the super table, and ``tags`` the names of the columns holding the tag values (each
    child table's tags are read from its first row; child tables are created on first use).
    Without ``tbname``, ``table`` is a normal or child table.

    ``batch_rows``: rows sent per statement execution. ``progress=True`` shows a tqdm progress
    bar (a warning when tqdm is not installed).
    """
    if batch_rows <= 0:
        raise ProgrammingError("batch_rows must be positive")
    cols = _columns(data)
    lengths = {len(v) for _, v, _ in cols}
    if len(lengths) > 1:
        raise ProgrammingError("the columns have different lengths: %s" % sorted(lengths))
    rows = lengths.pop() if lengths else 0
    schema, precision = _schema(conn, table)

    by_name = {}
    tb_key = tbname.lower() if tbname is not None else None
    if tb_key is not None and tb_key not in {n.lower() for n, _, _ in cols}:
        raise ProgrammingError("data has no column %r (tbname)" % (tbname,))
    for name, values, mask in cols:
        key = name.lower()
        if key == tb_key:
            continue
        if key not in schema:
            known = ", ".join(n for n, _ in schema.values())
            raise ProgrammingError("%s has no column %r (it has %s)" % (table, name, known))
        if _is_numpy(values) and values.dtype.kind == "M":
            values, nat = datetime64_ticks(values, precision, name)
            mask = nat if mask is None else (mask | nat if nat is not None else mask)
        by_name[key] = (schema[key][0], schema[key][1], values, mask)

    tag_keys = [t.lower() for t in tags]
    if tag_keys and tb_key is None:
        raise ProgrammingError("tags need tbname (the column naming each row's child table)")
    for t in tag_keys:
        if t not in by_name:
            raise ProgrammingError("data has no tag column %r" % (t,))
    skip = set(tag_keys)
    value_keys = [k for k in by_name if k not in skip]
    if not value_keys or rows == 0:
        return 0

    bar = _Progress(progress, rows)
    try:
        groups = _groups(cols, tbname, rows)
        if "." in table:  # child tables live in the super table's database
            db = table.split(".")[0]
            groups = [(c if c is None or "." in c else db + "." + c, idx) for c, idx in groups]
        try:
            stmt = conn.statement(precision=precision)
        except NotSupportedError:
            return _insert_sql(conn, table, by_name, value_keys, tag_keys, groups, precision, batch_rows, bar)
        with stmt:
            return _insert_stmt(stmt, table, by_name, value_keys, tag_keys, groups, batch_rows, bar)
    finally:
        bar.close()


def _groups(cols: List[Tuple[str, Any, Any]], tbname: Optional[str], rows: int) -> List[Tuple[Optional[str], Any]]:
    """[(child table or None, row selection)], rows of one child table together, in first-seen order."""
    if tbname is None:
        return [(None, slice(0, rows))]
    np = require("numpy", "bulk insert with tbname")
    names = next(v for n, v, _ in cols if n.lower() == tbname.lower())
    names = np.asarray(names, dtype=object)
    uniq, first, inverse = np.unique(names, return_index=True, return_inverse=True)
    order = np.argsort(first)
    out = []
    for u in order:
        idx = np.nonzero(inverse == u)[0]
        out.append((str(uniq[u]), idx))
    return out


def _insert_stmt(stmt: Any, table: str, by_name: Dict[str, Any], value_keys: List[str], tag_keys: List[str],
                 groups: List[Tuple[Optional[str], Any]], batch_rows: int, bar: _Progress) -> int:
    names = ", ".join(_quote(by_name[k][0]) for k in value_keys)
    marks = ", ".join("?" * len(value_keys))
    if groups[0][0] is None:
        sql = "insert into %s (%s) values (%s)" % (_quote(table), names, marks)
    else:
        tag_names = ", ".join(_quote(by_name[k][0]) for k in tag_keys)
        sql = "insert into ? using %s (%s) tags (%s) (%s) values (%s)" % (
            _quote(table), tag_names, ", ".join("?" * len(tag_keys)), names, marks)
    stmt.prepare(sql)
    total = 0
    pending = 0
    for child, idx in groups:
        n = (idx.stop - idx.start) if isinstance(idx, slice) else len(idx)
        if child is not None:
            stmt.set_tbname(child)
            first = idx[0]
            tags = []
            for k in tag_keys:
                name, code, values, mask = by_name[k]
                v = None if (mask is not None and mask[first]) else values[first]
                tags.append(bind_column(code, [v.item() if hasattr(v, "item") else v], stmt.precision,
                                        "tag %r" % name))
            stmt.set_tags(tags)
        for start in range(0, n, batch_rows):
            part = slice(start, min(n, start + batch_rows))
            sel = slice(idx.start + part.start, idx.start + part.stop) if isinstance(idx, slice) else idx[part]
            columns = []
            for k in value_keys:
                name, code, values, mask = by_name[k]
                v, m = _slice(values, mask, sel)
                if m is not None:
                    v = _masked(v, m)
                columns.append(bind_column(code, v, stmt.precision, "column %r" % name))
            stmt.bind(columns)
            stmt.add_batch()
            pending += part.stop - part.start
            if pending >= batch_rows:
                total += _flush(stmt, bar, pending)
                pending = 0
    if pending:
        total += _flush(stmt, bar, pending)
    return total


def _flush(stmt: Any, bar: _Progress, rows: int) -> int:
    n = stmt.execute()
    bar.update(rows)
    return n if n >= 0 else rows


def _masked(values: Any, mask: Any) -> Any:
    if _is_numpy(values):
        import numpy as np

        return np.ma.MaskedArray(values, mask=mask)
    return [None if m else v for v, m in zip(values, mask)]


def _insert_sql(conn: "Connection", table: str, by_name: Dict[str, Any], value_keys: List[str],
                tag_keys: List[str], groups: List[Tuple[Optional[str], Any]], precision: int, batch_rows: int,
                bar: _Progress) -> int:
    """REST: multi-row INSERT statements rendered client side (Cursor.executemany batches them)."""
    names = ", ".join(_quote(by_name[k][0]) for k in value_keys)
    marks = ", ".join("?" * len(value_keys))
    cur = conn.cursor()
    total = 0
    try:
        for child, idx in groups:
            if child is None:
                head = "insert into %s (%s) values (%s)" % (_quote(table), names, marks)
            else:
                first = idx[0]
                tag_values = []
                for k in tag_keys:
                    _, _, values, mask = by_name[k]
                    v = None if (mask is not None and mask[first]) else values[first]
                    tag_values.append(v.item() if hasattr(v, "item") else v)
                tags_sql = cur.mogrify(", ".join("?" * len(tag_keys)), tag_values)
                head = "insert into %s using %s (%s) tags (%s) (%s) values (%s)" % (
                    _quote(child), _quote(table), ", ".join(_quote(by_name[k][0]) for k in tag_keys), tags_sql,
                    names, marks)
            n = (idx.stop - idx.start) if isinstance(idx, slice) else len(idx)
            for start in range(0, n, batch_rows):
                part = slice(start, min(n, start + batch_rows))
                sel = slice(idx.start + part.start, idx.start + part.stop) if isinstance(idx, slice) else idx[part]
                columns = []
                for k in value_keys:
                    _, _, values, mask = by_name[k]
                    v, m = _slice(values, mask, sel)
                    v = v.tolist() if _is_numpy(v) else list(v)
                    if m is not None:
                        v = [None if f else x for x, f in zip(v, m.tolist())]
                    columns.append(v)
                cur.executemany(head, list(zip(*columns)))
                written = part.stop - part.start
                total += cur.rowcount if cur.rowcount >= 0 else written
                bar.update(written)
    finally:
        cur.close()
    return total
