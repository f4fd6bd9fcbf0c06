"""taospy's ``TaosRestConnection``."""

from typing import Optional

from .cursor import TaosRestCursor
from . import errors as _errors
from taoslink.errors import error_classes_mixin
from .errors import ConnectError, NotSupportedError
from .restclient import RestClient
from .result import Result

__all__ = ["TaosRestConnection", "Result"]


_ErrorClasses = error_classes_mixin(_errors)  # PEP 249: the exception classes on connections


class TaosRestConnection(_ErrorClasses):
    """A connection to taosAdapter's REST API (PEP 249 connection, taospy flavour).

    Keyword arguments: url (default ``http://localhost:6041``), token, user (``root``),
    password (``taosdata``), database, timeout (seconds), convert_timestamp (True), timezone
    (str or tzinfo). Any other keyword raises ConnectError("Unrecognized configs: ...").
    Like taospy, nothing is sent until the first statement.
    """

    default_configs = {"url", "token", "user", "password", "database", "timeout", "convert_timestamp", "timezone"}


    def __init__(self, **kwargs):
        for key in kwargs:
            if key not in self.default_configs:
                raise ConnectError("Unrecognized configs: %s" % key)
        self._url = kwargs.get("url", "http://localhost:6041")
        self._token = kwargs.get("token")
        self._user = kwargs.get("user", "root")
        self._password = kwargs.get("password", "taosdata")
        self._database = kwargs.get("database")
        self._timeout = kwargs.get("timeout")
        self._convert_timestamp = kwargs.get("convert_timestamp", True)
        self._timezone = kwargs.get("timezone", None)
        self._client = RestClient(
            self._url,
            token=self._token,
            database=self._database,
            user=self._user,
            password=self._password,
            timeout=self._timeout,
            convert_timestamp=self._convert_timestamp,
            timezone=self._timezone,
        )

    def close(self):
        """Releases the pooled HTTP connections. The connection stays usable (taospy's close()
        is a no-op); it reconnects on the next statement."""
        self._client.close()

    def commit(self):
        pass

    def rollback(self):
        raise NotSupportedError()

    def cursor(self):
        return TaosRestCursor(self._client, self)

    # Not PEP 249: taospy's extras.

    @property
    def server_info(self):
        resp = self._client.sql("select server_version()")
        if len(resp["data"]) > 0:
            return resp["data"][0][0]
        return ""

    def execute(self, sql: str, req_id: Optional[int] = None) -> Optional[int]:
        """Executes a statement; returns the affected rows, or None for a query."""
        resp = self._client.sql(sql, req_id=req_id)
        if resp["column_meta"][0][0] == "affected_rows":
            return resp["data"][0][0]
        return None

    def query(self, sql: str, req_id: Optional[int] = None) -> Result:
        """Executes a statement and wraps the response as a Result."""
        return Result(self._client.sql(sql, req_id=req_id))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<taosrest.TaosRestConnection %r>" % (self._client,)
