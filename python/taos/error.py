"""taospy's exception classes (``taos.error``), with its hierarchy and texts.

    Exception
    ├── Warning
    └── Error(msg=None, errno=0xFFFF)     .msg .errno ; str(e) == "[0x%04x]: msg"
        ├── InterfaceError                 libtaos missing or unusable, closed objects
        ├── ConnectionError                connect failures
        ├── DataTypeAndRangeError          a stmt2 value of the wrong type or out of range
        └── DatabaseError
            ├── DataError, OperationalError, IntegrityError, InternalError,
            │   ProgrammingError (every SQL error), NotSupportedError
            ├── StatementError, ResultError, LinesError, TmqError
            └── SchemalessError(msg, errno, affected_rows)

``errno`` is taosc's raw code, a negative int32 (``-2147473822`` for 0x80002662), as taospy
reports it; ``errno & 0xFFFF`` is TDengine's 16-bit code. Errors raised by Python-side checks keep
taospy's default 0xFFFF.
"""

from __future__ import annotations

from typing import Any, Optional

_builtin_Warning = Warning


class ErrMsg:
    STMT2_NULL = "stmt2 object is null"
    STMT2_COUNT_NOTMATCH = "count is not match"


class Error(Exception):
    def __init__(self, msg: Optional[str] = None, errno: int = 0xFFFF) -> None:
        super().__init__(msg, errno)
        self.msg = msg
        self.errno = errno
        self._full_msg = "[0x%04x]: %s" % (self.errno & 0xFFFF, self.msg)

    def __str__(self) -> str:
        return self._full_msg


class Warning(_builtin_Warning):  # noqa: A001 - taospy's name
    """Important warnings (PEP 249); none are raised."""


class InterfaceError(Error):
    """An error of the interface (libtaos cannot be loaded, a closed object) rather than the database."""


class DatabaseError(Error):
    pass


class ConnectionError(Error):  # noqa: A001 - taospy's name
    """The connection could not be made."""


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    """Every error a SQL statement raises (whatever TDengine's code), as in taospy."""


class NotSupportedError(DatabaseError):
    pass


class StatementError(DatabaseError):
    """Prepared statement (stmt, stmt2) errors."""


class ResultError(DatabaseError):
    pass


class SchemalessError(DatabaseError):
    """A schemaless write failed; ``affected_rows`` is what the server reported."""

    def __init__(self, msg: Optional[str] = None, errno: int = 0xFFFF, affected_rows: int = 0) -> None:
        DatabaseError.__init__(self, msg, errno)
        self.affected_rows = affected_rows

    def __str__(self) -> str:
        return self._full_msg + "(affected rows: %d)" % self.affected_rows


class LinesError(DatabaseError):
    pass


class TmqError(DatabaseError):
    """TMQ consumer errors."""


class DataTypeAndRangeError(Error):
    """A value bound through stmt2 has the wrong type or is out of range."""


def raw_errno(code: int) -> int:
    """taosc's raw error number for TDengine's 16-bit ``code``: 0x80000000 | code as a signed
    int32. 0 and 0xFFFF (no code) stay as they are."""
    code = int(code) & 0xFFFF
    if code in (0, 0xFFFF):
        return code
    return (0x80000000 | code) - 0x100000000


def from_native(exc: BaseException, cls: type, **extra: Any) -> BaseException:
    """A ``_taoslink.NativeError`` as ``cls`` (the class taospy raises for the failing call).
    A missing or broken transport (libtaos not found) is InterfaceError, an unsupported
    operation NotSupportedError, an interrupted wait KeyboardInterrupt."""
    kind = getattr(exc, "kind", None)
    if kind is None:
        return exc
    if kind == "InterruptedError":
        return KeyboardInterrupt()
    if kind in ("PluginError", "DsnError"):
        cls = InterfaceError
    elif kind == "NotSupportedError":
        cls = NotSupportedError
    msg = getattr(exc, "message", str(exc))
    if kind == "PluginError" and "taos client library" not in msg:
        msg = "unable to load taos client library: " + msg
    return cls(msg, raw_errno(getattr(exc, "code", 0xFFFF)), **extra)
