"""taos: a drop-in replacement for taospy's native module ``taos`` (taospy 2.8), on taoslink's
taos-native transport (``taos://``), which loads TDengine's client library (libtaos) at run time.

    import taos
    conn = taos.connect(host="localhost", user="root", password="taosdata", database="power")
    cur = conn.cursor()
    cur.execute("select ts, current from meters where voltage > ?", (200,))
    for row in cur:
        print(row)

``import taos`` works without libtaos; ``connect()`` then raises ``taos.error.InterfaceError``
with the loader's message. Values are converted block by block in C++ with taospy's mapping
(naive local datetimes, aware ones with ``timezone=``, nanoseconds as int, ...). docs/compat.md
lists the deliberate differences.
"""

from typing import Any

from taoslink import _taoslink as _native

from . import utils
from .bind import *  # noqa: F401,F403
from .bind import TaosBind, TaosMultiBind, new_bind_param, new_bind_params, new_multi_bind, new_multi_binds
from .bind2 import *  # noqa: F401,F403
from .bind2 import IGNORE, TAOS_FIELD_COL, TAOS_FIELD_QUERY, TAOS_FIELD_TAG, TAOS_FIELD_TBNAME
from .cinterface import IS_V3, CTaosInterface  # noqa: F401
from .connection import TaosConnection
from .constants import FieldType  # noqa: F401
from .cursor import *  # noqa: F401,F403
from .cursor import TaosCursor
from .error import *  # noqa: F401,F403
from .field import *  # noqa: F401,F403
from .precision import PrecisionEnum, PrecisionError  # noqa: F401
from .result import *  # noqa: F401,F403
from .result import TaosResult, TaosRow, TaosRows
from .schemaless import *  # noqa: F401,F403
from .schemaless import SmlPrecision, SmlProtocol
from .statement import *  # noqa: F401,F403
from .statement import TaosStmt
from .statement2 import *  # noqa: F401,F403
from .statement2 import BindTable, TaosStmt2, TaosStmt2Option
from .subscription import TaosSubscription  # noqa: F401
from . import log  # noqa: F401
# PEP 249 type objects and constructors (missing from taospy); not in __all__, as taospy has none
from taoslink.types import (BINARY, DATETIME, NUMBER, ROWID, STRING, Binary, Date, DateFromTicks,  # noqa: F401
                            Time, TimeFromTicks, Timestamp, TimestampFromTicks)

#: taoslink's version (taospy's is "2.8.x").
__version__ = _native.version()

#: PEP 249 (missing from taospy).
apilevel = "2.0"
threadsafety = 2
paramstyle = "qmark"

__all__ = [
    "__version__", "IS_V3", "IGNORE", "TAOS_FIELD_COL", "TAOS_FIELD_TAG", "TAOS_FIELD_QUERY", "TAOS_FIELD_TBNAME",
    "connect", "connect_test", "new_bind_param", "new_bind_params", "new_multi_binds", "new_multi_bind",
    "TaosBind", "TaosConnection", "TaosCursor", "TaosResult", "TaosRows", "TaosRow", "TaosStmt", "TaosStmt2",
    "TaosStmt2Option", "BindTable", "PrecisionEnum", "SmlPrecision", "SmlProtocol", "utils",
]


def connect(*args: Any, **kwargs: Any) -> TaosConnection:
    """Opens a connection (see TaosConnection for the keywords). Positional arguments are
    ignored, as in taospy."""
    return TaosConnection(*args, **kwargs)


def connect_test(**kwargs: Any) -> None:
    """taospy's TOTP connection test: not supported (TOTP logins need taosc's TOTP API)."""
    if "totp_code" not in kwargs:
        raise TypeError("connect_test() requires totp_code")
    raise NotSupportedError("TOTP logins are not supported by taoslink")  # noqa: F405
