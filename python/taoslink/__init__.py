"""taoslink: a PEP 249 (DB-API 2.0) driver for TDengine over pluggable C++ transports.

    import taoslink
    with taoslink.connect("http://root:taosdata@localhost:6041/power") as conn:
        with conn.cursor() as cur:
            cur.execute("select ts, current from meters where voltage > ?", (220,))
            for ts, current in cur:
                ...

The transport is chosen by the DSN's scheme (``http``/``https``/``taosrest`` for taosAdapter's
REST API, ``ws``/``wss``/``taosws`` for its WebSocket API); its plugin is loaded on first use. No
TDengine client library (libtaos) is needed for the REST or WebSocket transports.
"""

from __future__ import annotations

from . import _taoslink
from .connection import Connection, SmlPrecision, SmlProtocol, connect, make_converter
from .consumer import Consumer, Message, TopicAssignment
from .cursor import Cursor
from .stmt import Statement, bind_column
from . import bulk  # bulk.insert(); numpy/pandas/pyarrow are imported only when it runs
from .errors import (
    ConnectionError,
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Warning,
)
from .types import (
    BINARY,
    DATETIME,
    NUMBER,
    ROWID,
    STRING,
    Binary,
    Date,
    DateFromTicks,
    FieldType,
    Time,
    TimeFromTicks,
    Timestamp,
    TimestampFromTicks,
)

#: PEP 249 globals.
apilevel = "2.0"
#: Threads may share the module and connections, but not cursors.
threadsafety = 2
paramstyle = "qmark"

__version__ = _taoslink.version()


def loaded_plugins() -> list:
    """Names of the transport plugins loaded so far in this process."""
    return list(_taoslink.loaded_plugins())


def available_plugins() -> list:
    """Names of the transport plugins installed on the search path (none is loaded to find out)."""
    return list(_taoslink.available_plugins())


def plugin_search_path() -> list:
    """The directories searched for transport plugins, in order."""
    return list(_taoslink.plugin_search_path())


def scheme_map() -> dict:
    """The URL scheme -> plugin name map in force."""
    return dict(_taoslink.scheme_map())


def redact_dsn(dsn: str) -> str:
    """``dsn`` with its password and token replaced by ``***``."""
    try:
        return _taoslink.redact_dsn(dsn)
    except _taoslink.NativeError as e:
        from .errors import from_native

        raise from_native(e) from None


__all__ = [
    "apilevel", "threadsafety", "paramstyle", "connect", "Connection", "Cursor",
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError", "ConnectionError",
    "STRING", "BINARY", "NUMBER", "DATETIME", "ROWID", "Date", "Time", "Timestamp",
    "DateFromTicks", "TimeFromTicks", "TimestampFromTicks", "Binary", "FieldType",
    "SmlProtocol", "SmlPrecision", "make_converter", "loaded_plugins", "plugin_search_path",
    "scheme_map", "redact_dsn", "available_plugins", "__version__",
    "Statement", "bind_column", "Consumer", "Message", "TopicAssignment",
]
