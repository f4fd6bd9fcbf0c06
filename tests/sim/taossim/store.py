"""In-memory catalogue and columnar data: databases, super/child/normal tables.

Every table keeps one Python list per column (column 0 is the primary
timestamp, kept sorted), which is what the JSON encoder and the raw-block
encoder both want.  Stored representations:

  TIMESTAMP int (db precision) | integers int | BOOL bool | FLOAT float (already
  rounded to float32) | DOUBLE float | VARCHAR bytes | NCHAR str | JSON str (text)
  | VARBINARY/GEOMETRY/BLOB bytes | DECIMAL int (unscaled) | NULL None
"""

import threading
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Optional

from .types import SqlType

SYSTEM_DBS = ("information_schema", "performance_schema")


@dataclass
class Column:
    name: str
    type: SqlType


def positions(columns: list, names, unknown) -> list:
    """The indexes in ``columns`` of the listed ``names`` (of every column when ``names`` is
    None); a name that is not there raises ``unknown(name)``."""
    if names is None:
        return list(range(len(columns)))
    index = {c.name: i for i, c in enumerate(columns)}
    out = []
    for n in names:
        if n not in index:
            raise unknown(n)
        out.append(index[n])
    return out


@dataclass
class SuperTable:
    name: str
    columns: list          # [Column]
    tags: list             # [Column]
    created_ms: int = 0
    children: dict = field(default_factory=dict)   # name -> Table (creation order)



class Table:
    """A normal or child table: schema plus column lists."""

    def __init__(self, name: str, columns: list, stable: Optional[SuperTable] = None,
                 tag_values: Optional[list] = None):
        self.name = name
        self.columns = columns if stable is None else stable.columns
        self.stable = stable
        self.tag_values = tag_values or []
        self.data = [[] for _ in self.columns]
        self.created_ms = int(time.time() * 1000)

    @property
    def nrows(self) -> int:
        return len(self.data[0])

    def upsert(self, row: list, given: Optional[list] = None) -> None:
        """Insert one row; a duplicate timestamp overwrites (TDengine semantics).

        ``given`` flags the columns named in the INSERT; on overwrite the others
        keep their old values, like TDengine's partial-column update.
        """
        ts_col = self.data[0]
        ts = row[0]
        if not ts_col or ts > ts_col[-1]:
            for col, v in zip(self.data, row):
                col.append(v)
            return
        pos = bisect_left(ts_col, ts)
        if pos < len(ts_col) and ts_col[pos] == ts:
            for j, col in enumerate(self.data):
                if given is None or given[j]:
                    col[pos] = row[j]
            return
        for col, v in zip(self.data, row):
            col.insert(pos, v)


@dataclass
class Database:
    name: str
    precision: str = "ms"
    created_ms: int = 0
    tables: dict = field(default_factory=dict)    # normal + child tables by name
    stables: dict = field(default_factory=dict)


class Store:
    """The whole server state.  ``lock`` serialises every statement."""

    def __init__(self):
        self.lock = threading.RLock()
        self.dbs: dict[str, Database] = {}
        self.generation = 0   # bumped on every write; the response cache keys on it
        from .tmq import Broker
        self.tmq = Broker(self)   # topics, per-vgroup WALs, consumer groups

    def reset(self):
        with self.lock:
            self.dbs.clear()
            self.tmq.reset()
            self.generation += 1

    def touch(self):
        self.generation += 1
