"""TDengine type codes, PEP 249 type objects and constructors.

``cursor.description[i][1]`` is TDengine's numeric type code (``FieldType``); it compares equal to
the type object of its group, e.g. ``description[0][1] == taoslink.DATETIME``.
"""

from __future__ import annotations

import datetime as _dt
import time as _time
from typing import Any, FrozenSet, Iterable


class FieldType:
    """TDengine's type codes (taos.h ``TSDB_DATA_TYPE_*``), as taospy names them."""

    C_NULL = 0
    C_BOOL = 1
    C_TINYINT = 2
    C_SMALLINT = 3
    C_INT = 4
    C_BIGINT = 5
    C_FLOAT = 6
    C_DOUBLE = 7
    C_VARCHAR = 8
    C_BINARY = 8
    C_TIMESTAMP = 9
    C_NCHAR = 10
    C_TINYINT_UNSIGNED = 11
    C_SMALLINT_UNSIGNED = 12
    C_INT_UNSIGNED = 13
    C_BIGINT_UNSIGNED = 14
    C_JSON = 15
    C_VARBINARY = 16
    C_DECIMAL = 17
    C_BLOB = 18
    C_MEDIUMBLOB = 19
    C_GEOMETRY = 20
    C_DECIMAL64 = 21


class DBAPITypeObject:
    """A PEP 249 type object: equal to every type code in its group, and to the type names
    taosAdapter's REST API reports for them ("VARCHAR", "INT UNSIGNED", "DECIMAL(10,2)"...), which
    are what taosrest's ``description`` carries."""

    def __init__(self, name: str, *codes: int, names: Iterable[str] = ()) -> None:
        self.name = name
        self.values: FrozenSet[int] = frozenset(codes)
        self.names: FrozenSet[str] = frozenset(names)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, DBAPITypeObject):
            return self.values == other.values
        if isinstance(other, str):
            return other.split("(", 1)[0].strip().upper() in self.names
        return other in self.values

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.values)

    def __repr__(self) -> str:
        return "DBAPITypeObject(%s)" % self.name


STRING = DBAPITypeObject("STRING", FieldType.C_VARCHAR, FieldType.C_NCHAR, FieldType.C_JSON,
                         names=("VARCHAR", "BINARY", "NCHAR", "JSON"))
BINARY = DBAPITypeObject("BINARY", FieldType.C_VARBINARY, FieldType.C_GEOMETRY, FieldType.C_BLOB,
                         FieldType.C_MEDIUMBLOB, names=("VARBINARY", "GEOMETRY", "BLOB", "MEDIUMBLOB"))
NUMBER = DBAPITypeObject(
    "NUMBER",
    FieldType.C_BOOL, FieldType.C_TINYINT, FieldType.C_SMALLINT, FieldType.C_INT, FieldType.C_BIGINT,
    FieldType.C_FLOAT, FieldType.C_DOUBLE, FieldType.C_TINYINT_UNSIGNED, FieldType.C_SMALLINT_UNSIGNED,
    FieldType.C_INT_UNSIGNED, FieldType.C_BIGINT_UNSIGNED, FieldType.C_DECIMAL, FieldType.C_DECIMAL64,
    names=("BOOL", "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "TINYINT UNSIGNED",
           "SMALLINT UNSIGNED", "INT UNSIGNED", "BIGINT UNSIGNED", "DECIMAL"),
)
DATETIME = DBAPITypeObject("DATETIME", FieldType.C_TIMESTAMP, names=("TIMESTAMP",))
#: TDengine has no row ids; nothing compares equal to ROWID.
ROWID = DBAPITypeObject("ROWID")

# --- Constructors (PEP 249) --------------------------------------------------------------------

Date = _dt.date
Time = _dt.time
Timestamp = _dt.datetime


def DateFromTicks(ticks: float) -> _dt.date:
    """The local date of ``ticks`` seconds since the epoch."""
    return Date(*_time.localtime(ticks)[:3])


def TimeFromTicks(ticks: float) -> _dt.time:
    """The local time of day of ``ticks`` seconds since the epoch."""
    return Time(*_time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks: float) -> _dt.datetime:
    """An aware UTC datetime for ``ticks`` seconds since the epoch (TDengine stores UTC instants)."""
    return _dt.datetime.fromtimestamp(ticks, _dt.timezone.utc)


def Binary(data: Any) -> bytes:
    """A value bound as VARBINARY."""
    return bytes(data)
