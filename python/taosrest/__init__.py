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


def connect(**kwargs) -> TaosRestConnection:
    """Keyword arguments: url, token, user, password, database, timeout, convert_timestamp,
    timezone (see TaosRestConnection)."""
    return TaosRestConnection(**kwargs)


__all__ = ["connect", "TaosRestConnection", "TaosRestCursor", "RestClient", "Result"] + list(_error_names)
