"""stmt v1 bind helpers (``taos.bind``): ``TaosMultiBind`` and ``TaosBind`` hold a column (or one
value) and its TDengine type; ``new_bind_param(s)`` and ``new_multi_bind(s)`` make them. They are
plain Python holders with taospy's setters; the values are converted into a
``_taoslink.BindColumn`` in C++ when the statement binds them (no ctypes)."""

from __future__ import annotations

import datetime as _dt
from typing import Any, List, Optional

from taoslink import _taoslink

from .constants import FieldType
from .error import StatementError
from .field import get_tz
from .precision import PrecisionEnum, PrecisionError

__all__ = ["TaosMultiBind", "TaosBind", "new_bind_param", "new_bind_params", "new_multi_bind", "new_multi_binds",
           "datetime_to_timestamp"]

_PER_SECOND = {PrecisionEnum.Milliseconds: 1000, PrecisionEnum.Microseconds: 1000000,
               PrecisionEnum.Nanoseconds: 1000000000}


def _as_list(values: Any) -> List[Any]:
    if isinstance(values, (list, tuple)):
        return list(values)
    return [values]


def _localize(value: _dt.datetime) -> _dt.datetime:
    """A naive datetime in the zone set by connect(timezone=...) (set_tz), else local time."""
    if value.tzinfo is not None:
        return value
    tz = get_tz()
    if tz is None:
        return value
    localize = getattr(tz, "localize", None)  # pytz: the right offset, not LMT
    return localize(value) if localize else value.replace(tzinfo=tz)


def datetime_to_timestamp(value: Any, precision: int, is_null_type: int = 0) -> Any:
    """A timestamp value as ticks in ``precision``: datetimes and ISO strings keep their
    microseconds (taospy dropped everything below the second); float seconds are rounded; ints
    pass through; None is NULL (FieldType.C_BIGINT_NULL, as in taospy)."""
    if value is None or is_null_type > 0:
        return FieldType.C_BIGINT_NULL
    if isinstance(value, str):
        value = _dt.datetime.fromisoformat(value)
    if isinstance(value, _dt.datetime):
        value = _localize(value)
        if value.tzinfo is None:
            value = value.astimezone()
        delta = value - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
        us = (delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds
        if precision == PrecisionEnum.Milliseconds:
            return us // 1000
        if precision == PrecisionEnum.Microseconds:
            return us
        return us * 1000
    if isinstance(value, float):
        if precision == PrecisionEnum.Nanoseconds:
            raise PrecisionError("float timestamps cannot be bound with nanosecond precision")
        return round(value * _PER_SECOND.get(precision, 1000))
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return FieldType.C_BIGINT_NULL


class TaosMultiBind(object):
    """One column of values (a list, or a scalar for one row; None = NULL) and its type, set by
    one of the typed setters: ``bool``, ``tinyint`` ... ``bigint_unsigned``, ``float``, ``double``,
    ``binary``/``varchar``, ``nchar``, ``json``, ``varbinary``, ``geometry``, ``blob``,
    ``timestamp(values, precision)``, ``null()``."""

    def __init__(self) -> None:
        self.buffer_type = FieldType.C_NULL
        self.values: List[Any] = []
        self.precision = PrecisionEnum.Milliseconds

    @property
    def num(self) -> int:
        return len(self.values)

    def _set(self, buffer_type: int, values: Any) -> None:
        self.buffer_type = buffer_type
        self.values = _as_list(values)

    def null(self) -> None:
        self._set(FieldType.C_NULL, None)

    def bool(self, values: Any) -> None:
        self._set(FieldType.C_BOOL, values)

    def tinyint(self, values: Any) -> None:
        self._set(FieldType.C_TINYINT, values)

    def smallint(self, values: Any) -> None:
        self._set(FieldType.C_SMALLINT, values)

    def int(self, values: Any) -> None:
        self._set(FieldType.C_INT, values)

    def bigint(self, values: Any) -> None:
        self._set(FieldType.C_BIGINT, values)

    def tinyint_unsigned(self, values: Any) -> None:
        self._set(FieldType.C_TINYINT_UNSIGNED, values)

    def smallint_unsigned(self, values: Any) -> None:
        self._set(FieldType.C_SMALLINT_UNSIGNED, values)

    def int_unsigned(self, values: Any) -> None:
        self._set(FieldType.C_INT_UNSIGNED, values)

    def bigint_unsigned(self, values: Any) -> None:
        self._set(FieldType.C_BIGINT_UNSIGNED, values)

    def float(self, values: Any) -> None:
        self._set(FieldType.C_FLOAT, values)

    def double(self, values: Any) -> None:
        self._set(FieldType.C_DOUBLE, values)

    def binary(self, values: Any) -> None:
        self._set(FieldType.C_BINARY, values)

    def varchar(self, values: Any) -> None:
        self._set(FieldType.C_VARCHAR, values)

    def nchar(self, values: Any) -> None:
        self._set(FieldType.C_NCHAR, values)

    def json(self, values: Any) -> None:
        self._set(FieldType.C_JSON, values)

    def varbinary(self, values: Any) -> None:
        self._set(FieldType.C_VARBINARY, values)

    def geometry(self, values: Any) -> None:
        self._set(FieldType.C_GEOMETRY, values)

    def blob(self, values: Any) -> None:
        self._set(FieldType.C_BLOB, values)

    def timestamp(self, values: Any, precision: int = PrecisionEnum.Milliseconds) -> None:
        self.precision = precision
        self._set(FieldType.C_TIMESTAMP, values)

    def to_column(self, label: str = "") -> "_taoslink.BindColumn":
        """The holder as a ``_taoslink.BindColumn`` (StatementError for a bad value)."""
        return to_column(self.buffer_type, self.values, self.precision, label)

    def __repr__(self) -> str:
        return "%s(type=%d, num=%d)" % (type(self).__name__, self.buffer_type, self.num)


class TaosBind(TaosMultiBind):
    """A single value (taospy's v2 binder); the same setters, with ``timestamp(value, precision)``."""


def _ticks(values: List[Any], precision: int) -> List[Any]:
    """Timestamp values the C++ converter does not take (ISO strings, float seconds, naive
    datetimes under set_tz) as ticks; others unchanged."""
    tz_set = get_tz() is not None
    if not any(isinstance(v, (str, float)) or (tz_set and isinstance(v, _dt.datetime) and v.tzinfo is None)
               for v in values):
        return values
    return [None if v is None else datetime_to_timestamp(v, precision) if isinstance(v, (str, float, _dt.datetime))
            else v for v in values]


def to_column(buffer_type: int, values: List[Any], precision: int = 0, label: str = "",
              error: type = StatementError) -> "_taoslink.BindColumn":
    """Converts one column of Python values into a BindColumn of ``buffer_type``."""
    if buffer_type == FieldType.C_NULL:
        buffer_type = FieldType.C_BOOL
        values = [None] * len(values)
    if buffer_type == FieldType.C_TIMESTAMP:
        values = _ticks(values, precision)
    try:
        return _taoslink.BindColumn(int(buffer_type), values, int(precision), None, label)
    except (TypeError, ValueError, OverflowError) as e:
        raise error(str(e)) from None


def new_bind_param() -> TaosMultiBind:
    return TaosMultiBind()


def new_bind_params(size: int) -> List[TaosMultiBind]:
    return [TaosMultiBind() for _ in range(size)]


def new_multi_bind() -> TaosMultiBind:
    return TaosMultiBind()


def new_multi_binds(size: int) -> List[TaosMultiBind]:
    return [TaosMultiBind() for _ in range(size)]
