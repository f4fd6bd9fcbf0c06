"""taos-ws-py's exception classes, with its hierarchy, and the one table that maps the C++
library's errors onto them.

    Exception
    ├── Warning
    ├── InterfaceError                 NOT under Error (as in taos-ws-py)
    └── Error                          .msg .errno ; str(e) == "[0x2600] Internal error: `msg`"
        ├── DatabaseError
        │   └── DataError, OperationalError, IntegrityError, InternalError, ProgrammingError,
        │       NotSupportedError, QueryError, FetchError
        ├── ConnectionError            connect failures, closed connections and cursors
        └── ConsumerException          every TMQ consumer error

Which class an error gets depends on the call, as in taos-ws-py: ``Connection.query/execute``
raise QueryError, ``Cursor.execute`` OperationalError, fetches FetchError, statements
ProgrammingError (QueryError for ``execute``), schemaless OperationalError, connect
ConnectionError, consumers ConsumerException.
"""

from __future__ import annotations

from typing import Optional

__all__ = [
    "Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
    "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError", "QueryError",
    "FetchError", "ConnectionError", "ConsumerException",
]

_builtin_Warning = Warning


class Warning(_builtin_Warning):  # noqa: A001 - taos-ws-py's name
    pass


class InterfaceError(Exception):
    """Not a subclass of Error, as in taos-ws-py."""


class Error(Exception):
    """Base of the database errors. ``errno`` is TDengine's 16-bit code (None when the error has
    none), ``msg`` the message without the code; ``str(e)`` is taos-ws-py's text."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.errno: Optional[int] = None
        self.msg: str = str(args[0]) if args else ""


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


class QueryError(DatabaseError):
    pass


class FetchError(DatabaseError):
    pass


class ConnectionError(Error):  # noqa: A001 - taos-ws-py's name
    pass


class ConsumerException(Error):
    pass


def text(code: Optional[int], message: str) -> str:
    """taos-ws-py's rendering of an error: ``[0x2600] Internal error: `msg```."""
    if code is None:
        return "Internal error: `%s`" % message
    return "[0x%04X] Internal error: `%s`" % (code & 0xFFFF, message)


def make(cls: type, code: Optional[int], message: str, raw: bool = False) -> Error:
    """An error of ``cls``; ``raw`` keeps ``message`` as the whole text."""
    err = cls(message if raw else text(code, message))
    err.errno = code
    err.msg = message
    return err


def from_native(exc: BaseException, cls: type) -> BaseException:
    """Translates a ``_taoslink.NativeError`` into ``cls`` (the class of the call that failed).
    Connection failures met during a connect become ConnectionError by the caller's choice of
    ``cls``; NotSupportedError stays NotSupportedError; an interrupted wait is KeyboardInterrupt."""
    kind = getattr(exc, "kind", None)
    if kind is None:
        return exc
    if kind == "InterruptedError":
        return KeyboardInterrupt()
    if kind == "NotSupportedError" and cls is not ConsumerException:
        cls = NotSupportedError
    code = int(getattr(exc, "code", 0xFFFF))
    return make(cls, code, getattr(exc, "message", str(exc)))
