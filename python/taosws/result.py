"""``TaosResult`` (what ``Connection.query()`` returns) and ``TaosField``."""

from __future__ import annotations

import functools
from typing import Any, Iterator, List, Optional

from taoslink import _taoslink

from . import values
from .errors import FetchError, from_native

__all__ = ["TaosField", "TaosResult"]


class TaosField:
    """One column: ``name()``, ``type()`` (the SQL type name; VARCHAR shows as "BINARY") and
    ``bytes()``, all methods as in taos-ws-py."""

    __slots__ = ("_name", "_code", "_bytes")

    def __init__(self, name: str, code: int, length: int) -> None:
        self._name = name
        self._code = code
        self._bytes = length

    def name(self) -> str:
        return self._name

    def type(self) -> str:
        if self._code == 8:
            return "BINARY"
        if self._code in (17, 21):
            return "DECIMAL"
        return _taoslink.type_name(self._code)

    def bytes(self) -> int:
        return self._bytes

    def __repr__(self) -> str:
        return "{name: %s, type: %s, bytes: %d}" % (self._name, self.type(), self._bytes)

    __str__ = __repr__


def fields_of(native_fields: list) -> List[TaosField]:
    return [TaosField(name, code, length) for name, code, length, _p, _s in native_fields]


def _next_block(native: "_taoslink.Result", converter: "_taoslink.Converter") -> List[tuple]:
    """The rows of the next block ([] at the end, or for a statement without a result set), for
    TaosResult's RowIterator."""
    try:
        return native.fetch_rows(0, converter)
    except _taoslink.NativeError as e:
        raise from_native(e, FetchError) from None


class TaosResult:
    """A query result. Iterating it yields tuples, with TIMESTAMP values as strings (taos-ws-py's
    behaviour for this path; cursors return datetimes). Streams block by block."""

    def __init__(self, native: "_taoslink.Result", zone: Any, explicit_zone: bool) -> None:
        self._native = native
        self._fields = native.fields
        # The rows come from the extension's iterator: no Python frame per row. Its fetch function
        # holds the native result, not self, so dropping the TaosResult frees it at once.
        self._rows = _taoslink.RowIterator(
            functools.partial(_next_block, native, values.text_converter(zone, explicit_zone)))

    @property
    def fields(self) -> List[TaosField]:
        return fields_of(self._fields)

    @property
    def field_count(self) -> int:
        return len(self._fields)

    @property
    def affected_rows(self) -> int:
        """Rows written by an INSERT (not in taos-ws-py)."""
        return max(self._native.affected_rows, 0)

    def __iter__(self) -> Iterator[tuple]:
        return self._rows

    def __next__(self) -> tuple:
        return next(self._rows)

    def close(self) -> None:
        self._native.close()
