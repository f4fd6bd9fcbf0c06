"""What every client reads and writes: the SQL and the generated insert data.

Imported by both interpreters (ours and the official clients' venv), so standard library only;
every value is a function of the row number, so every client binds or sends the same bytes.
"""

from __future__ import annotations

DB = "bench"
FETCH_SQL = "select * from bench.t"                    # 10 typed columns (tests/sim/taossim/generate.py)
NUMERIC_SQL = ("select ts, c_int, c_bigint, c_float, c_double, c_bool, c_smallint, c_tinyint_u "
               "from bench.t")
NUMERIC_ROW_BYTES = 8 + 4 + 8 + 4 + 8 + 1 + 2 + 1      # the bytes memcpy copies per row
STREAM_SQL = "select * from bench.t_stream"            # served as copies of FETCH_SQL (/-/sim/repeat)
SHORT_STREAM_SQL = "select * from bench.t_stream_short"  # fewer copies, for the slow official clients
SMALL_SQL = "select * from bench.small"                # 10 rows

STABLE_SQL = ("create stable if not exists bench.st (ts timestamp, c_int int, c_bigint bigint, "
              "c_double double, c_bool bool, c_varchar varchar(16)) tags (loc int)")
STMT_SQL = "insert into ? using bench.st tags (?) values (?, ?, ?, ?, ?, ?)"
STMT_TYPES = ["timestamp", "int", "bigint", "double", "bool", "varchar"]
BASE_MS = 1_700_000_000_000


def insert_columns(start: int, stop: int) -> list:
    """ts (ms), INT, BIGINT, DOUBLE, BOOL, VARCHAR(16) of rows start..stop; no NULLs."""
    r = range(start, stop)
    return [[BASE_MS + i for i in r], [i % 100000 - 50000 for i in r], [i * 7919 for i in r],
            [i * 0.25 for i in r], [i % 3 == 0 for i in r], ["v%d" % (i % 1000) for i in r]]


def batches(rows: int, per_batch: int) -> list:
    return [insert_columns(b, min(rows, b + per_batch)) for b in range(0, rows, per_batch)]


def sql_batches(table: str, tag: int, rows: int, per_batch: int) -> list:
    """INSERT statements of per_batch rows each, into child `table` of bench.st."""
    out = []
    for ts, ci, cb, cd, cbo, cv in batches(rows, per_batch):
        values = " ".join("(%d,%d,%d,%r,%s,'%s')" % (t, a, b, c, "true" if d else "false", e)
                          for t, a, b, c, d, e in zip(ts, ci, cb, cd, cbo, cv))
        out.append("insert into bench.%s using bench.st tags (%d) values %s" % (table, tag, values))
    return out


def lines(measurement: str, n: int, per_call: int) -> list:
    """InfluxDB line protocol (2 tags, 5 fields, ns timestamps) in calls of per_call lines."""
    all_lines = ["%s,host=h%d,region=r%d c_int=%di,c_bigint=%di,c_double=%r,c_bool=%s,c_str=\"s%d\" %d"
                 % (measurement, i % 100, i % 4, i % 100000, i * 7919, i * 0.25, "t" if i % 3 == 0 else "f",
                    i % 1000, 1700000000000000000 + i * 1000) for i in range(n)]
    return [all_lines[b:b + per_call] for b in range(0, n, per_call)]
