"""Client-side parameter substitution: Python values -> TDengine SQL literals.

TDengine's REST interface has no server-side binding, so parameters are rendered as literals:

============================  ==========================================================
Python                        SQL literal
============================  ==========================================================
None                          NULL
bool                          true / false
int (and objects with         the decimal number
``__index__``)
float                         ``repr()``; NaN and infinities are rejected
decimal.Decimal               fixed-point text (``format(d, "f")``); NaN/Inf rejected
str                           single-quoted; ``\\`` and ``'`` are backslash-escaped
bytes, bytearray, memoryview  ``'\\x0a1b...'`` (TDengine's hex literal for VARBINARY)
datetime.datetime             quoted ISO 8601 with offset, microseconds:
                              ``'2024-01-02T03:04:05.123456+00:00'``; a naive datetime
                              is taken as local time (as ``datetime.timestamp()`` does)
datetime.date                 ``'2024-01-02'`` (the server reads it in its time zone)
============================  ==========================================================

Anything else raises the caller's ProgrammingError. A ``?`` inside a quoted literal, a quoted
identifier or a comment is not a placeholder.
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import math
import operator
from functools import lru_cache
from typing import Any, List, Mapping, Sequence, Tuple, Type

__all__ = ["literal", "format_qmark", "format_pyformat", "split_qmark"]


def _quote(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _datetime_literal(v: _dt.datetime) -> str:
    if v.tzinfo is None or v.utcoffset() is None:
        v = v.astimezone()  # naive = local time
    off = v.utcoffset() or _dt.timedelta(0)
    total = int(off.total_seconds())
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return "'%04d-%02d-%02dT%02d:%02d:%02d.%06d%s%02d:%02d'" % (
        v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond,
        sign, total // 3600, total // 60 % 60)


def literal(value: Any, error: Type[Exception] = TypeError) -> str:
    """The SQL literal for one Python value; raises ``error`` for unsupported values."""
    if value is None:
        return "NULL"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise error("cannot bind %r: TDengine has no literal for NaN or infinity" % (value,))
        return repr(float(value))
    if isinstance(value, _decimal.Decimal):
        if not value.is_finite():
            raise error("cannot bind %r: TDengine has no literal for NaN or infinity" % (value,))
        return format(value, "f")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "'\\x" + bytes(value).hex() + "'"
    if isinstance(value, _dt.datetime):
        return _datetime_literal(value)
    if isinstance(value, _dt.date):
        return "'%04d-%02d-%02d'" % (value.year, value.month, value.day)
    if hasattr(type(value), "__index__"):  # numpy integers and the like
        return str(operator.index(value))
    raise error("cannot bind a value of type %s as a SQL parameter" % type(value).__name__)


@lru_cache(maxsize=256)
def split_qmark(sql: str) -> Tuple[str, ...]:
    """Splits ``sql`` at its ``?`` placeholders: n placeholders give n + 1 fragments.
    Quoted strings ('...', "..."), quoted identifiers (`...`), ``-- ...`` and ``/* ... */``
    comments are skipped. Inside quotes a backslash escapes the next character."""
    parts: List[str] = []
    start = 0
    i = 0
    n = len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"`":
            j = i + 1
            while j < n:
                d = sql[j]
                if d == "\\" and c != "`":
                    j += 2
                    continue
                if d == c:
                    break
                j += 1
            i = j + 1
            continue
        if c == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c == "/" and sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c == "?":
            parts.append(sql[start:i])
            start = i + 1
        i += 1
    parts.append(sql[start:])
    return tuple(parts)


def format_qmark(sql: str, params: Any, error: Type[Exception] = TypeError) -> str:
    """Substitutes a sequence of parameters for the ``?`` placeholders of ``sql``."""
    if params is None:
        return sql
    if isinstance(params, (str, bytes, bytearray, Mapping)) or not isinstance(params, Sequence):
        if isinstance(params, Mapping):
            raise error("paramstyle is qmark: pass parameters as a sequence, not a mapping")
        if isinstance(params, (str, bytes, bytearray)):
            raise error("parameters must be a sequence of values (a str was given: wrap it in a tuple)")
        try:
            params = list(params)
        except TypeError:
            raise error("parameters must be a sequence, not %s" % type(params).__name__) from None
    parts = split_qmark(sql)
    if len(parts) - 1 != len(params):
        raise error("the statement has %d placeholder(s) but %d parameter(s) were given"
                    % (len(parts) - 1, len(params)))
    if len(parts) == 1:
        return sql
    out = [parts[0]]
    for frag, value in zip(parts[1:], params):
        out.append(literal(value, error))
        out.append(frag)
    return "".join(out)


def format_pyformat(sql: str, params: Any, error: Type[Exception] = TypeError) -> str:
    """Substitutes parameters for ``%s`` (a sequence) or ``%(name)s`` (a mapping) placeholders,
    the style taospy's SQLAlchemy shim declares. ``%%`` is a literal ``%``."""
    if params is None:
        return sql
    try:
        if isinstance(params, Mapping):
            return sql % {k: _Literal(literal(v, error)) for k, v in params.items()}
        if isinstance(params, (str, bytes, bytearray)) or not isinstance(params, Sequence):
            params = (params,)
        return sql % tuple(_Literal(literal(v, error)) for v in params)
    except (TypeError, ValueError, KeyError) as e:
        if isinstance(e, error):
            raise
        raise error("cannot substitute parameters: %s" % e) from None


class _Literal(str):
    """A rendered literal; %s and %r both insert it verbatim."""

    def __repr__(self) -> str:
        return str(self)
