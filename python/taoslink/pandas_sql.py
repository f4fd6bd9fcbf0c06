"""``read_sql`` for a plain DB-API connection, with TDengine's timestamps as pandas datetimes.

``pandas.read_sql(sql, conn)`` on a raw connection (taoslink, ``taos``, ``taosrest``,
``taosws``) keeps what the cursor returns: in a nanosecond database TIMESTAMP values are int
nanoseconds there (as in taospy, since ``datetime`` cannot hold them), so the column arrives as
int64. This helper reads the same rows and turns every TIMESTAMP column into ``datetime64``:
int nanoseconds become ``datetime64[ns, UTC]``, datetimes keep their own zone (or none).
Through SQLAlchemy (``taoslink.sqlalchemy``) ``pandas.read_sql`` needs no helper.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Union

__all__ = ["read_sql", "timestamp_columns"]

#: TDengine's TIMESTAMP type code; taosrest's description names the type instead.
_TIMESTAMP = (9, "TIMESTAMP")


def timestamp_columns(description: Sequence[Sequence[Any]]) -> List[int]:
    """Positions of the TIMESTAMP columns in a cursor's ``description``."""
    return [i for i, d in enumerate(description or ()) if len(d) > 1 and d[1] in _TIMESTAMP]


def read_sql(sql: str, con: Any, params: Any = None,
             index_col: Optional[Union[str, Sequence[str]]] = None) -> Any:
    """Runs ``sql`` on ``con`` and returns a ``pandas.DataFrame``. ``con`` is a DB-API
    connection (``taoslink.connect()``, ``taos.connect()``, ``taosrest.connect()``,
    ``taosws.connect()``) or anything ``pandas.read_sql`` takes (an SQLAlchemy engine or
    connection is passed straight to it). ``params`` go to ``cursor.execute`` in the driver's
    own style."""
    import pandas as pd

    if not hasattr(con, "cursor") or hasattr(con, "exec_driver_sql") or hasattr(con, "dialect"):
        return pd.read_sql(sql, con, params=params, index_col=index_col)
    cur = con.cursor()
    try:
        if params is None:
            cur.execute(sql)
        else:
            cur.execute(sql, params)
        description = cur.description or ()
        rows = cur.fetchall()
    finally:
        cur.close()
    names = [d[0] for d in description]
    columns = [list(c) for c in zip(*rows)] if rows else [[] for _ in names]
    for i in timestamp_columns(description):
        values = columns[i]
        if any(isinstance(v, int) and not isinstance(v, bool) for v in values):
            # Built from exact ints: a float64 detour would round nanoseconds away.
            ticks = pd.array([None if v is None else int(v) for v in values], dtype="Int64")
            columns[i] = pd.to_datetime(ticks, unit="ns", utc=True)
        else:
            columns[i] = pd.to_datetime(pd.Series(values, dtype=object))
    frame = pd.DataFrame({i: pd.Series(v) for i, v in enumerate(columns)})
    frame.columns = names
    if index_col is not None:
        frame = frame.set_index(index_col)
    return frame
