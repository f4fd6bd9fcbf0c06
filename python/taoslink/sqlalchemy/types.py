"""TDengine's column types as SQLAlchemy types, and the reverse map used by reflection.

Each class renders as its TDengine name in DDL (see ``compiler.TypeCompiler``), so a table
reflected from one database can be created in another unchanged. Generic SQLAlchemy types map
too: ``DateTime`` -> TIMESTAMP, ``Integer`` -> INT, ``Float(53)`` -> DOUBLE, ``String`` ->
VARCHAR, ``Unicode`` -> NCHAR, ``LargeBinary`` -> VARBINARY, ``Numeric(p, s)`` -> DECIMAL.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Callable, Optional

from sqlalchemy import types as sqltypes

__all__ = [
    "TIMESTAMP", "BOOL", "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "VARCHAR",
    "BINARY", "NCHAR", "JSON", "VARBINARY", "GEOMETRY", "BLOB", "DECIMAL", "type_from_describe",
    "ns_converter",
]

#: TDengine's type code for TIMESTAMP in ``cursor.description``.
TIMESTAMP_CODE = 9


def ns_converter(tz: Optional[_dt.tzinfo]) -> Callable[[int], Any]:
    """Converts int nanoseconds since the epoch (what the driver returns for a nanosecond
    database) to a ``pandas.Timestamp`` that keeps the nanoseconds (naive local time, or aware in
    ``tz``); without pandas, to a ``datetime`` truncated to microseconds."""
    try:
        import pandas as pd
    except ImportError:
        pd = None

    def convert(value: int) -> Any:
        secs, nanos = divmod(value, 1_000_000_000)
        base = _dt.datetime.fromtimestamp(secs, tz)  # DST-correct local time when tz is None
        if pd is None:
            return base.replace(microsecond=nanos // 1000)
        return pd.Timestamp(base) + pd.Timedelta(nanoseconds=nanos)

    return convert


class TIMESTAMP(sqltypes.DateTime):
    """TDengine TIMESTAMP. Values are ``datetime`` (naive local time, or aware in the URL's
    ``timezone``); in a nanosecond database ``pandas.Timestamp`` so the nanoseconds survive."""

    __visit_name__ = "TIMESTAMP"

    def result_processor(self, dialect: Any, coltype: Any) -> Callable[[Any], Any]:
        to_ts = ns_converter(getattr(dialect, "timestamp_tz", None))

        def process(value: Any) -> Any:
            # The driver returns int ticks only for nanosecond precision (datetime cannot hold them).
            if isinstance(value, int) and not isinstance(value, bool):
                return to_ts(value)
            return value

        return process


class BOOL(sqltypes.Boolean):
    __visit_name__ = "BOOL"


class _Int:
    """The integer types take ``unsigned=True`` for TDengine's UNSIGNED variants."""

    def __init__(self, unsigned: bool = False) -> None:
        super().__init__()
        self.unsigned = unsigned

    def __repr__(self) -> str:
        return "%s(unsigned=True)" % type(self).__name__ if self.unsigned else "%s()" % type(self).__name__


class TINYINT(_Int, sqltypes.SmallInteger):
    __visit_name__ = "TINYINT"


class SMALLINT(_Int, sqltypes.SmallInteger):
    __visit_name__ = "SMALLINT"


class INT(_Int, sqltypes.Integer):
    __visit_name__ = "INT"


class BIGINT(_Int, sqltypes.BigInteger):
    __visit_name__ = "BIGINT"


class FLOAT(sqltypes.Float):
    """4-byte float."""

    __visit_name__ = "FLOAT"


class DOUBLE(sqltypes.Double):
    __visit_name__ = "DOUBLE"


class VARCHAR(sqltypes.String):
    """VARCHAR(n) (TDengine's BINARY(n) is the same type): ``n`` bytes of UTF-8 text."""

    __visit_name__ = "VARCHAR"


#: TDengine's older name for VARCHAR (text, not bytes; unlike ``sqlalchemy.BINARY``).
BINARY = VARCHAR


class NCHAR(sqltypes.Unicode):
    """NCHAR(n): ``n`` Unicode characters."""

    __visit_name__ = "NCHAR"


class JSON(sqltypes.JSON):
    """JSON: a super table's only tag when used."""

    __visit_name__ = "JSON"


class VARBINARY(sqltypes.LargeBinary):
    __visit_name__ = "VARBINARY"


class GEOMETRY(sqltypes.LargeBinary):
    """GEOMETRY(n): values are WKB bytes; insert them as WKT text or bytes."""

    __visit_name__ = "GEOMETRY"


class BLOB(sqltypes.LargeBinary):
    __visit_name__ = "BLOB"


class DECIMAL(sqltypes.Numeric):
    """DECIMAL(p, s); values are ``decimal.Decimal``."""

    __visit_name__ = "DECIMAL"


_FIXED = {
    "TIMESTAMP": TIMESTAMP, "BOOL": BOOL, "FLOAT": FLOAT, "DOUBLE": DOUBLE, "JSON": JSON,
    "TINYINT": TINYINT, "SMALLINT": SMALLINT, "INT": INT, "BIGINT": BIGINT,
}
_SIZED = {"VARCHAR": VARCHAR, "BINARY": VARCHAR, "NCHAR": NCHAR, "VARBINARY": VARBINARY,
          "GEOMETRY": GEOMETRY, "BLOB": BLOB}
_DECIMAL = re.compile(r"DECIMAL\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$")


def type_from_describe(name: str, length: Optional[int]) -> sqltypes.TypeEngine:
    """The SQLAlchemy type for one ``DESCRIBE`` row (its ``type`` and ``length`` columns).
    An unknown name gives ``NullType`` (SQLAlchemy's "type not known")."""
    text = name.strip().upper()
    unsigned = text.endswith(" UNSIGNED")
    base = text[: -len(" UNSIGNED")] if unsigned else text
    if base in ("TINYINT", "SMALLINT", "INT", "BIGINT"):
        return _FIXED[base](unsigned=unsigned)
    if base in _FIXED:
        return _FIXED[base]()
    if base in _SIZED:
        return _SIZED[base](length if base != "BLOB" else None)
    m = _DECIMAL.match(base)
    if m:
        return DECIMAL(int(m.group(1)), int(m.group(2)))
    return sqltypes.NullType()
