"""Column descriptions (``TaosField``, ``TaosFields``) and the time zone used for naive datetimes
(``set_tz``/``get_tz``). Value conversion itself runs in C++ (taoslink's Converter)."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterator, List, Optional

from .constants import FieldType

__all__ = ["set_tz", "get_tz", "TaosField", "TaosFields", "FieldType"]

_tz: Optional[_dt.tzinfo] = None


def set_tz(tz: Optional[_dt.tzinfo]) -> None:
    """Sets the zone that naive datetimes are taken to be in when bound to a statement (None:
    local time). ``connect(timezone=...)`` calls it, as taospy does."""
    global _tz
    _tz = tz


def get_tz() -> Optional[_dt.tzinfo]:
    return _tz


class TaosField(object):
    """One column: ``name``, ``type`` (a FieldType code), ``bytes``/``length``; ``field["name"]``
    works too."""

    __slots__ = ("_name", "_type", "_bytes", "_precision", "_scale")

    def __init__(self, name: str, type: int, bytes: int, precision: int = 0, scale: int = 0) -> None:
        self._name = name
        self._type = type
        self._bytes = bytes
        self._precision = precision
        self._scale = scale

    @property
    def name(self) -> str:
        return self._name

    @property
    def type(self) -> int:
        return self._type

    @property
    def bytes(self) -> int:
        return self._bytes

    @property
    def length(self) -> int:
        return self._bytes

    @property
    def precision(self) -> int:
        return self._precision

    @property
    def scale(self) -> int:
        return self._scale

    def __getitem__(self, item: str) -> Any:
        return getattr(self, item)

    def as_dict(self) -> dict:
        return {"name": self._name, "type": self._type, "bytes": self._bytes}

    def __str__(self) -> str:
        return "{name: %s, type: %d, bytes: %d}" % (self._name, self._type, self._bytes)

    __repr__ = __str__


class TaosFields(object):
    """The columns of a result: indexable, ``len()``, ``count``, iterable (restarting each time)."""

    def __init__(self, fields: List[TaosField], count: Optional[int] = None) -> None:
        self._fields = list(fields)
        self._count = len(self._fields) if count is None else count
        self._pos = 0

    @property
    def count(self) -> int:
        return self._count

    @property
    def fields(self) -> List[TaosField]:
        return self._fields

    def as_ptr(self) -> List[TaosField]:
        return self._fields

    def __iter__(self) -> "TaosFields":
        self._pos = 0
        return self

    def __next__(self) -> TaosField:
        if self._pos >= self._count:
            raise StopIteration
        f = self._fields[self._pos]
        self._pos += 1
        return f

    next = __next__

    def __getitem__(self, item: Any) -> Any:
        return self._fields[item]

    def __len__(self) -> int:
        return self._count

    def __str__(self) -> str:
        return ",".join(str(f) for f in self._fields)

    __repr__ = __str__
