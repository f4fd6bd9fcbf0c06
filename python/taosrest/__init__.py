"""taosrest: a drop-in replacement for taospy's REST module, on taoslink's C++ transport.

    import taosrest
    conn = taosrest.connect(url="http://localhost:6041", user="root", password="taosdata")
    cur = conn.cursor()
    cur.execute("select * from power.meters limit 10")
    rows = cur.fetchall()

The API and the values are taospy's (see docs/compat.md for the deliberate differences: kept-
alive connections, fetchmany(size) returning a list, honoured parameters, network errors that are
also builtin ConnectionError / TimeoutError). No ``requests``, ``iso8601`` or ``pytz`` needed.
"""

from .connection import Result, TaosRestConnection
from .cursor import TaosRestCursor
from .errors import *  # noqa: F401,F403  (taospy exports them this way)
from .errors import __all__ as _error_names
from .restclient import RestClient
# PEP 249 type objects and constructors (taospy has none); they also equal REST's type names,
# which is what description carries here.
from taoslink.types import (BINARY, DATETIME, NUMBER, ROWID, STRING, Binary, Date, DateFromTicks,  # noqa: F401
                            Time, TimeFromTicks, Timestamp, TimestampFromTicks)

#: PEP 249 (taospy's taosrest has none of the three). Connections may be shared between threads
#: (each statement is one HTTP request on a pooled connection); parameters are %s / %(name)s.
apilevel = "2.0"
threadsafety = 2
paramstyle = "pyformat"


def connect(**kwargs) -> TaosRestConnection:
    """Keyword arguments: url, token, user, password, database, timeout, convert_timestamp,
    timezone (see TaosRestConnection)."""
    return TaosRestConnection(**kwargs)


__all__ = ["connect", "TaosRestConnection", "TaosRestCursor", "RestClient", "Result"] + list(_error_names)
