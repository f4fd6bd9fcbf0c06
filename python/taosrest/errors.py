"""taosrest's exception classes (taospy-compatible), plus two that also derive from Python's
builtin ConnectionError / TimeoutError, and the one function that maps the C++ library's errors.

    Exception
    ├── HTTPError(status_code, msg)          not under Error, as in taospy
    └── Error(msg, errno=0xFFFF, status="")  str "[0x%04x]: msg" (or "[status]: msg")
        ├── ExecutionError
        ├── ConnectError                     every error TDengine reports (errno = its code)
        │   ├── ConnectionFailedError        + builtins.ConnectionError: refused, reset, truncated reply
        │   └── RequestTimeoutError          + builtins.TimeoutError: connect or read timeout
        ├── InterfaceError
        └── DatabaseError
            └── InternalError, OperationalError, ProgrammingError, IntegrityError, DataError,
                NotSupportedError
"""

import builtins

__all__ = [
    "Error", "ExecutionError", "HTTPError", "ConnectError", "ConnectionFailedError", "RequestTimeoutError",
    "InterfaceError", "DatabaseError", "InternalError", "OperationalError", "ProgrammingError",
    "IntegrityError", "DataError", "NotSupportedError",
]


class Error(Exception):
    def __init__(self, msg=None, errno=0xFFFF, status=""):
        self.msg = msg
        self.errno = errno
        self.status = status
        if self.status != "":
            self._full_msg = "[%s]: %s" % (self.status, self.msg)
        else:
            self._full_msg = "[0x%04x]: %s" % (self.errno & 0xFFFF, self.msg)

    def __str__(self):
        return self._full_msg


class ExecutionError(Error):
    """Run sql error"""


class HTTPError(Exception):
    def __init__(self, status_code, msg=None):
        self.msg = msg
        self.status_code = status_code
        self._full_msg = "HTTP response code %s" % (status_code,)
        if msg:
            self._full_msg += "." + msg

    def __str__(self):
        return self._full_msg


class ConnectError(Error):
    """Exception raised for connection failed (and, as in taospy, for every error TDengine reports)."""


class _OSErrorMixin:
    # OSError.__new__ reads (errno, strerror) from the arguments; keep taospy's attributes.
    def __init__(self, msg=None, errno=0xFFFF, status=""):
        Error.__init__(self, msg, errno, status)
        self.strerror = msg

    def __reduce__(self):
        return (type(self), (self.msg, self.errno, self.status))


class ConnectionFailedError(_OSErrorMixin, ConnectError, builtins.ConnectionError):
    """The server could not be reached, or the connection broke mid-response. Also a builtin
    ConnectionError, so ``except ConnectionError`` works (taospy leaked ``requests``' exceptions
    here)."""


class RequestTimeoutError(_OSErrorMixin, ConnectError, builtins.TimeoutError):
    """A connect or read timeout passed. Also a builtin TimeoutError."""


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class InternalError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class DataError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


#: taospy's fixed texts for non-2xx HTTP statuses.
error_msgs = {
    400: "parameter error",
    401: "authorization error",
    404: "api not found",
    500: "internal error",
    503: "system resources is not sufficient. It is may be caused by a huge query.",
}

#: kind (the C++ exception class) -> taosrest class, for errors without a non-2xx HTTP status.
_KIND_TO_CLASS = {
    "ServerError": ConnectError,
    "AuthError": ConnectError,
    "ConnectionError": ConnectionFailedError,
    "ProtocolError": ConnectionFailedError,
    "TimeoutError": RequestTimeoutError,
    "DsnError": InterfaceError,
    "UsageError": InterfaceError,
    "PluginError": InterfaceError,
    "NotSupportedError": NotSupportedError,
}


def from_native(exc):
    """Translates a ``taoslink._taoslink.NativeError`` into a taosrest exception: a non-2xx
    reply becomes HTTPError(status) with taospy's fixed text; everything else goes by kind."""
    kind = getattr(exc, "kind", None)
    if kind is None:
        return exc
    if kind == "InterruptedError":
        return KeyboardInterrupt()
    # The REST transport reports the HTTP status of the reply that carried the error (0: none).
    status = int(getattr(exc, "http_status", 0) or 0)
    if status and not 200 <= status < 300:
        return HTTPError(status, error_msgs.get(status, "unknown error"))
    cls = _KIND_TO_CLASS.get(kind, Error)
    return cls(getattr(exc, "message", str(exc)), int(getattr(exc, "code", 0xFFFF)))
