"""Deterministic synthetic tables for benchmarks (POST /-/sim/generate).

Columns are built as whole lists with comprehensions; a million rows take
well under a few seconds.  Every value is a pure function of the row number,
so two runs produce byte-identical responses.
"""

import time

from . import types as T
from .store import Column, Database, Table
from .values import round_f32

BASE_MS = 1_700_000_000_000
_UNIT = {"ms": 1, "us": 1_000, "ns": 1_000_000}

SCHEMA = [
    ("ts", T.SqlType(T.TIMESTAMP)), ("c_int", T.SqlType(T.INT)),
    ("c_bigint", T.SqlType(T.BIGINT)), ("c_float", T.SqlType(T.FLOAT)),
    ("c_double", T.SqlType(T.DOUBLE)), ("c_bool", T.SqlType(T.BOOL)),
    ("c_varchar", T.SqlType(T.VARCHAR, 32)), ("c_nchar", T.SqlType(T.NCHAR, 32)),
    ("c_smallint", T.SqlType(T.SMALLINT)), ("c_tinyint_u", T.SqlType(T.UTINYINT)),
]


def build_columns(n: int, precision: str) -> list:
    unit = _UNIT[precision]
    r = range(n)
    floats = [round_f32((k % 1000) * 0.25 - 100.0) for k in range(1000)]
    vpool = [b"row-%04d" % k for k in range(1000)]
    npool = ["\u540d\u79f0-%d-\u00e9" % k for k in range(1000)]
    dpool = [k * 0.001 + 0.5 for k in range(50000)]
    base = BASE_MS * unit
    return [
        [base + i * unit for i in r],                                          # 1 ms apart
        [None if i % 97 == 0 else (i * 7919) % 2_000_000_000 - 1_000_000_000 for i in r],
        [None if i % 101 == 0 else i * 1_000_003 - 500_000_000_000 for i in r],
        [None if i % 103 == 0 else floats[i % 1000] for i in r],
        [None if i % 107 == 0 else dpool[i % 50000] for i in r],
        [None if i % 109 == 0 else i % 3 == 0 for i in r],
        [None if i % 113 == 0 else vpool[i % 1000] for i in r],
        [None if i % 127 == 0 else npool[i % 1000] for i in r],
        [None if i % 131 == 0 else (i % 65536) - 32768 for i in r],
        [None if i % 137 == 0 else i % 256 for i in r],
    ]


def generate(store, db_name: str, table: str, rows: int, precision: str = "ms") -> dict:
    if precision not in _UNIT:
        raise ValueError("precision must be ms, us or ns")
    if rows < 0:
        raise ValueError("rows must be >= 0")
    t0 = time.perf_counter()
    data = build_columns(rows, precision)
    with store.lock:
        db = store.dbs.get(db_name)
        if db is None:
            db = Database(db_name, precision, int(time.time() * 1000))
            store.dbs[db_name] = db
        elif db.precision != precision:
            # keep the database; scale timestamps to its precision instead
            data[0] = [v * _UNIT[db.precision] // _UNIT[precision] for v in data[0]]
        old = db.tables.pop(table, None)
        if old is not None and old.stable is not None:
            old.stable.children.pop(table, None)
        db.stables.pop(table, None)
        t = Table(table, [Column(n, typ) for n, typ in SCHEMA])
        t.data = data
        db.tables[table] = t
        store.touch()
    return {"db": db_name, "table": table, "rows": rows, "precision": db.precision,
            "seconds": round(time.perf_counter() - t0, 3)}
