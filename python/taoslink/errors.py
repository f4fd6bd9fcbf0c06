"""PEP 249 exceptions, and the one table that maps the C++ library's errors onto them.

Tree::

    Exception
    ├── Warning
    └── Error(msg, errno)                .msg .errno ; str(e) == "[0x%04x]: msg"
        ├── InterfaceError               bad DSN, plugin not found/loadable, closed objects
        └── DatabaseError
            ├── DataError                value out of range, too long, bad timestamp
            ├── OperationalError         everything the programmer did not cause
            │   └── ConnectionError      refused, broken link, timeout, bad credentials
            ├── IntegrityError
            ├── InternalError
            ├── ProgrammingError         bad SQL, unknown database/table, wrong parameters
            └── NotSupportedError        the transport or TDengine cannot do it
"""

from __future__ import annotations

import sys

from typing import Optional

__all__ = [
    "Warning",
    "Error",
    "InterfaceError",
    "DatabaseError",
    "DataError",
    "OperationalError",
    "IntegrityError",
    "InternalError",
    "ProgrammingError",
    "NotSupportedError",
    "ConnectionError",
]

_builtin_Warning = Warning


class Warning(_builtin_Warning):  # noqa: A001 - PEP 249 name
    """Important warnings (PEP 249). taoslink currently raises none."""


class Error(Exception):
    """Base of every taoslink error. ``errno`` is TDengine's 16-bit error code (0xFFFF when the
    error has none), ``msg`` the message; ``str(e)`` is ``"[0x2600]: msg"`` like taospy."""

    def __init__(self, msg: Optional[str] = None, errno: int = 0xFFFF, http_status: int = 0) -> None:
        super().__init__(msg, errno)
        self.msg = msg
        self.errno = errno
        #: HTTP status of the reply that carried the error (REST), 0 otherwise.
        self.http_status = http_status

    def __str__(self) -> str:
        return "[0x%04x]: %s" % (self.errno & 0xFFFF, self.msg)

    def __repr__(self) -> str:
        return "%s(%r, errno=0x%04x)" % (type(self).__name__, self.msg, self.errno & 0xFFFF)


class InterfaceError(Error):
    """An error of the interface rather than the database: a DSN that does not parse, a transport
    plugin that cannot be found or loaded, use of a closed connection or cursor."""


class DatabaseError(Error):
    """An error related to the database."""


class DataError(DatabaseError):
    """A value the database cannot store: out of range, too long, a bad timestamp."""


class OperationalError(DatabaseError):
    """A failure outside the programmer's control: the network, the server, a broken reply."""


class ConnectionError(OperationalError):  # noqa: A001 - taospy's name
    """The server cannot be reached, the link broke, a deadline passed, or the credentials were
    refused. Reconnecting (or fixing the credentials) may help; the SQL is not at fault."""


class IntegrityError(DatabaseError):
    """Relational integrity is affected (TDengine has no constraints that raise this today)."""


class InternalError(DatabaseError):
    """The database or the library is in an unexpected state."""


class ProgrammingError(DatabaseError):
    """Fix the call: bad SQL, an unknown database or table, wrong parameters."""


class NotSupportedError(DatabaseError):
    """The operation is not supported by TDengine or by the transport in use."""


#: PEP 249's exception names, in its order.
PEP249_ERRORS = ("Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
                 "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError")


def error_classes_mixin(module: object, names: tuple = PEP249_ERRORS) -> type:
    """PEP 249's optional extension: a mixin giving a connection ``module``'s exception classes
    (those of ``names`` it has) as attributes, so code holding only the connection can catch them.
    Every module's connections use it, each with its own classes."""
    return type("ErrorClasses", (), {n: getattr(module, n) for n in names if hasattr(module, n)})


ErrorClasses = error_classes_mixin(sys.modules[__name__], PEP249_ERRORS + ("ConnectionError",))


# --- The mapping from the C++ library's errors: one table --------------------------------------

#: TDengine codes that mean "fix the SQL or the names in it" (besides 0x2600-0x26FF).
_PROGRAMMING_CODES = frozenset({
    0x0216,  # TSC_SQL_SYNTAX_ERROR
    0x021B,  # TSC_LINE_SYNTAX_ERROR
    0x0303,  # MND_NO_RIGHTS
    0x0360,  # MND_STB_ALREADY_EXIST
    0x0362,  # MND_STB_NOT_EXIST
    0x0380,  # MND_DB_NOT_SELECTED
    0x0381,  # MND_DB_ALREADY_EXIST
    0x0388,  # MND_DB_NOT_EXIST
    0x0603,  # TDB_TABLE_ALREADY_EXIST
    0x0618,  # TDB_TABLE_NOT_EXIST
    0x3000, 0x3001, 0x3002,  # SML invalid protocol / precision / data
})
#: TDengine codes for values that cannot be stored.
_DATA_CODES = frozenset({
    0x060B,  # TDB_TIMESTAMP_OUT_OF_RANGE
    0x0224,  # TSC_VALUE_OUT_OF_RANGE
    0x2653,  # PAR_VALUE_TOO_LONG
    0x3004,  # SML_NOT_SAME_TYPE
})
#: TDengine codes that mean the link or the login failed.
_CONNECTION_CODES = frozenset({
    0x000B,  # RPC_NETWORK_UNAVAIL
    0x0018,  # RPC_BROKEN_LINK
    0x0019,  # RPC_TIMEOUT
    0x020B,  # TSC_INVALID_CONNECTION
    0x0207, 0x0208,  # TSC_INVALID_USER_LENGTH / PASS_LENGTH
    0x0315,  # MND_USER_DISABLED
    0x0351,  # MND_USER_NOT_EXIST
    0x0357,  # MND_AUTH_FAILURE
    0x1105, 0x1122, 0x1124, 0x1125,  # taosAdapter auth header errors (HTTP 401)
})


def _server_error_class(code: int) -> type:
    if code in _DATA_CODES:
        return DataError
    if code in _PROGRAMMING_CODES or 0x2600 <= code <= 0x26FF:
        return ProgrammingError
    if code in _CONNECTION_CODES:
        return ConnectionError
    return OperationalError


#: kind (the C++ exception class) -> Python class; ServerError is refined by code above.
_KIND_TO_CLASS = {
    "DsnError": InterfaceError,
    "PluginError": InterfaceError,
    "UsageError": InterfaceError,
    "NotSupportedError": NotSupportedError,
    "ConnectionError": ConnectionError,
    "TimeoutError": ConnectionError,
    "AuthError": ConnectionError,
    # A truncated or undecodable reply: not the programmer's fault, may go away on retry.
    "ProtocolError": OperationalError,
    "Error": DatabaseError,
}


def from_native(exc: BaseException) -> BaseException:
    """Translates a ``_taoslink.NativeError`` into this module's class (KeyboardInterrupt for an
    interrupted call). Anything else is returned unchanged."""
    kind = getattr(exc, "kind", None)
    if kind is None:
        return exc
    if kind == "InterruptedError":
        return KeyboardInterrupt()
    code = int(getattr(exc, "code", 0xFFFF))
    if kind == "ServerError":
        cls = _server_error_class(code)
    else:
        cls = _KIND_TO_CLASS.get(kind, DatabaseError)
    err = cls(getattr(exc, "message", str(exc)), code, int(getattr(exc, "http_status", 0)))
    err.kind = kind  # type: ignore[attr-defined]
    return err
