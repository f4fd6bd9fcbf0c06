"""taospy's ``RestClient``, on taoslink's C++ REST transport.

``sql()`` returns the same dict taospy returns: ``{"code": 0, "column_meta": [...], "data":
[[...], ...], "rows": N}``, with values as taosAdapter's JSON would give them after taospy's
post-processing (see docs/compat.md): TIMESTAMP as datetime (naive local, or aware in
``timezone``; nanoseconds truncated to microseconds) or, with ``convert_timestamp=False``, the
RFC 3339 string; VARBINARY/GEOMETRY/BLOB as lowercase hex str; JSON parsed; DECIMAL as str.

The JSON is parsed and converted in C++; one HTTP keep-alive connection pool per client.
"""

import datetime
import threading
from typing import Optional, Union

from taoslink import _taoslink

from .errors import error_msgs, from_native  # noqa: F401  (error_msgs: taospy's name)
from .timeutil import resolve_timezone

__all__ = ["RestClient"]

_DECIMAL_CODES = (17, 21)


def _type_name(code, precision, scale):
    if code in _DECIMAL_CODES:
        return "DECIMAL(%d,%d)" % (precision, scale)
    return _taoslink.type_name(code)


class RestClient:
    """A wrapper for TDengine's REST API (``POST /rest/sql``)."""

    def __init__(
        self,
        url: str,
        token: str = None,
        database: str = None,
        user: str = "root",
        password: str = "taosdata",
        timeout: int = None,
        convert_timestamp: bool = True,
        timezone: Union[str, datetime.tzinfo] = None,
    ):
        """
        - url: service address, e.g. ``http://192.168.1.103:6041`` (``http://`` is added when
          no scheme is given)
        - token: TDengine Cloud token (sent as ``?token=``; no Authorization header)
        - database: default database (``/rest/sql/<database>``)
        - user, password: Basic authentication
        - timeout: seconds, for connecting and for each read; None: 10 s to connect, 300 s per read
        - convert_timestamp: TIMESTAMP as datetime (True) or as the RFC 3339 string (False)
        - timezone: str or tzinfo: aware datetimes in that zone; None: naive local datetimes
        """
        self._url = url.strip("/")
        if not self._url.startswith("http://") and not self._url.startswith("https://"):
            self._url = "http://" + self._url
        self._timeout = timeout
        self._convert_timestamp = convert_timestamp
        self._timezone = resolve_timezone(timezone)

        options = [("url", self._url)]
        if token:
            options.append(("token", str(token)))
        else:
            options.append(("user", "" if user is None else str(user)))
            options.append(("password", "" if password is None else str(password)))
        if database:
            options.append(("database", str(database)))
        if timeout is not None:
            options.append(("timeout", str(timeout)))
        # taospy never touches the network before the first statement; neither do we.
        options.append(("verify_connection", "false"))
        self._options = options

        if not convert_timestamp:
            ts = dict(timestamps="rfc3339")
        elif self._timezone is None:
            ts = dict(timestamps="local", nanos="datetime")
        else:
            ts = dict(timestamps="tz", tz=self._timezone, nanos="datetime")
        self._converter = _taoslink.Converter(binary="hex", json="parse", decimal="str", rows="list", **ts)
        self._native = None
        self._lock = threading.Lock()

    def _connection(self):
        native = self._native
        if native is not None:
            return native
        with self._lock:
            if self._native is None:
                try:
                    self._native = _taoslink.connect_options("http", self._options)
                except _taoslink.NativeError as e:
                    raise from_native(e) from None
            return self._native

    def sql(self, q: str, req_id: Optional[int] = None) -> dict:
        """Executes one SQL statement and returns the response dict.

        Raises HTTPError for a non-2xx reply, ConnectError(desc, errno=code) when TDengine
        reports an error, ConnectionFailedError / RequestTimeoutError (also builtin
        ConnectionError / TimeoutError) when the server cannot be reached in time."""
        conn = self._connection()
        try:
            result = conn.query(q, int(req_id or 0))
            fields = result.fields
            if not fields:
                return {
                    "code": 0,
                    "column_meta": [["affected_rows", "INT", 4]],
                    "data": [[result.affected_rows]],
                    "rows": 1,
                }
            data = result.fetch_all(self._converter)
        except _taoslink.NativeError as e:
            raise from_native(e) from None
        return {
            "code": 0,
            "column_meta": [[name, _type_name(code, prec, scale), length] for name, code, length, prec, scale in fields],
            "data": data,
            "rows": len(data),
        }

    def close(self):
        """Closes the pooled HTTP connections; the client reconnects if used again."""
        with self._lock:
            native, self._native = self._native, None
        if native is not None:
            native.close()

    def __repr__(self):
        if self._native is not None:
            where = self._native.describe()
        else:
            try:
                where = _taoslink.redact_dsn(self._url)
            except _taoslink.NativeError:
                where = self._url.rsplit("@", 1)[-1]
        return "<taosrest.RestClient %s>" % where
