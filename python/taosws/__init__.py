"""taosws: a drop-in replacement for the official ``taos-ws-py`` (module ``taosws``), on taoslink's
C++ WebSocket transport.

    import taosws
    conn = taosws.connect("ws://root:taosdata@localhost:6041/power")
    cur = conn.cursor()
    cur.execute("select * from meters where location = {}", "California")   # escaped
    rows = cur.fetchall()

The API and the values are taos-ws-py's (0.7); docs/compat.md lists the deliberate differences
(no GIL held during network waits, cursors share their connection's socket, escaped str.format
parameters, ``rowcount``, the schemaless Microsecond fix, ...). No Rust extension, no libtaos.
"""

import sys as _sys

from taoslink import _taoslink as _native

from . import stmt as _stmt
from .connection import Connection, connect
from .consumer import Assignment, Consumer, Message, MessageBlock, TopicAssignment
from .cursor import Cursor
from .enums import PyPrecision, PySchemalessPrecision, PySchemalessProtocol
from .errors import (
    ConnectionError,
    ConsumerException,
    DatabaseError,
    DataError,
    Error,
    FetchError,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    QueryError,
    Warning,
)
from .result import TaosField, TaosResult
from .stmt import PyColumnView, PyStmt2BindParam, PyTagView, TaosStmt, TaosStmt2, stmt2_bind_param_view

# PEP 249 type objects and constructors (taos-ws-py has none); not in __all__
from taoslink.types import (BINARY, DATETIME, NUMBER, ROWID, STRING, Binary, Date, DateFromTicks,  # noqa: F401,E402
                            Time, TimeFromTicks, Timestamp, TimestampFromTicks)

globals().update({name: getattr(_stmt, name) for name in _stmt.COLUMN_BUILDERS + _stmt.TAG_BUILDERS})

apilevel = "2.0"
threadsafety = 2
#: taos-ws-py's declared style; execute() takes str.format fields (escaped here).
paramstyle = "pyformat"
__version__ = _native.version()

# taos-ws-py registers its native module under this alias; code imports from it.
_sys.modules.setdefault(__name__ + ".taosws", _sys.modules[__name__])

__all__ = [
    "connect", "Connection", "Cursor", "TaosResult", "TaosField", "TaosStmt", "TaosStmt2",
    "PyColumnView", "PyTagView", "PyStmt2BindParam", "stmt2_bind_param_view",
    "PyPrecision", "PySchemalessProtocol", "PySchemalessPrecision",
    "Consumer", "Message", "MessageBlock", "TopicAssignment", "Assignment",
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError", "QueryError",
    "FetchError", "ConnectionError", "ConsumerException",
    "apilevel", "threadsafety", "paramstyle",
] + _stmt.COLUMN_BUILDERS + _stmt.TAG_BUILDERS
