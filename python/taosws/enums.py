"""taos-ws-py's enumerations: schemaless protocol and precision, and the bind precision."""

from __future__ import annotations

import enum

__all__ = ["PySchemalessProtocol", "PySchemalessPrecision", "PyPrecision"]


class _Enum(enum.IntEnum):
    # taos-ws-py's (pyo3) enums print as "PySchemalessProtocol.Line" for both str() and repr().
    def __repr__(self) -> str:
        return "%s.%s" % (type(self).__name__, self.name)

    __str__ = __repr__


class PySchemalessProtocol(_Enum):
    Unknown = 0
    Line = 1
    Telnet = 2
    Json = 3


class PySchemalessPrecision(_Enum):
    """Microsecond means microseconds here (taos-ws-py sent milliseconds for it: a bug)."""

    NonConfigured = 0
    Hour = 1
    Minute = 2
    Second = 3
    Millisecond = 4
    Microsecond = 5
    Nanosecond = 6


class PyPrecision(_Enum):
    Milliseconds = 0
    Microseconds = 1
    Nanoseconds = 2
