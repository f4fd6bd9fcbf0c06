"""``TaosResult`` and its iterators (``TaosRows``, ``TaosRow``, ``TaosBlocks``).

Rows are converted block by block in C++ (taoslink's ``Result.fetch_rows``/``fetch_all`` with a
Converter); Python only hands the lists on. Iterating a result, ``rows_iter()``,
``blocks_iter()``, ``fetch_block()`` and ``fetch_all()`` share one read position, so no row is
returned twice or skipped.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Tuple

from taoslink import _taoslink
from taoslink.rowbuf import fetch_rest, fetch_rest_dicts

from . import _link
from .error import NotSupportedError, OperationalError, ProgrammingError, from_native

__all__ = ["TaosResult", "TaosRows", "TaosRow", "TaosBlocks"]


def _programming_error(e: BaseException) -> BaseException:
    return from_native(e, ProgrammingError)


class TaosResult(object):
    """A query result. ``close_after`` is kept for taospy's signature; the result is released by
    ``close()`` or when it is garbage collected."""

    def __init__(self, result: "_taoslink.Result", close_after: bool = False, decode_binary: bool = True,
                 converter: Optional["_taoslink.Converter"] = None) -> None:
        self._native = result
        self._close_after = close_after
        self.decode_binary = decode_binary
        self._conv = converter if converter is not None else _link.converter(None, decode_binary)
        self._fields: Any = None
        self._buf: List[tuple] = []
        self._pos = 0
        self._row_count = 0

    # --- description -------------------------------------------------------------------------------

    @property
    def fields(self) -> Any:
        if self._fields is None:
            self._fields = _link.fields_of(self._live().fields)
        return self._fields

    @property
    def field_count(self) -> int:
        """The number of columns (as in taospy's code)."""
        return len(self.fields)

    @property
    def row_count(self) -> int:
        """Rows consumed so far."""
        return self._row_count

    @property
    def precision(self) -> int:
        """0 ms, 1 µs, 2 ns."""
        return self._live().precision

    @property
    def affected_rows(self) -> int:
        return max(self._live().affected_rows, 0)

    def field_lengths(self) -> List[int]:
        """The declared width of each column."""
        return [f.bytes for f in self.fields]

    # --- reading -------------------------------------------------------------------------------------

    def _next_block(self) -> List[tuple]:
        if self._native is None or not self._native.fields:
            return []
        try:
            return self._native.fetch_rows(0, self._conv)
        except _taoslink.NativeError as e:
            raise _programming_error(e) from None

    def _take_buffered(self) -> List[tuple]:
        out = self._buf[self._pos:] if self._pos < len(self._buf) else []
        self._buf, self._pos = [], 0
        return out

    def fetch_block(self) -> Tuple[List[tuple], int]:
        """The next block of rows and its length; StopIteration at the end."""
        rows = self._take_buffered() or self._next_block()
        if not rows:
            raise StopIteration
        self._row_count += len(rows)
        return rows, len(rows)

    def fetch_all(self) -> List[tuple]:
        """Every remaining row."""
        out = self._take_buffered()
        if self._native is not None and self._native.fields:
            out = fetch_rest(self._native, self._conv, out, _programming_error)
        self._row_count += len(out)
        return out

    def fetch_all_into_dict(self) -> List[Dict[str, Any]]:
        """Every remaining row as {column name: value}, as taospy's ``dict(zip(names, row))``
        (a repeated name keeps its last column's value). The dicts are built in C++."""
        names = [f.name for f in self.fields]
        out = [dict(zip(names, row)) for row in self._take_buffered()]
        if self._native is not None and self._native.fields:
            out = fetch_rest_dicts(self._native, self._conv, out, _programming_error)
        self._row_count += len(out)
        return out

    def __iter__(self) -> "TaosResult":
        return self

    def __next__(self) -> tuple:
        if self._pos >= len(self._buf):
            self._buf, self._pos = self._next_block(), 0
            if not self._buf:
                raise StopIteration
        row = self._buf[self._pos]
        self._pos += 1
        self._row_count += 1
        return row

    next = __next__

    def rows_iter(self, num_of_rows: Optional[int] = None) -> "TaosRows":
        return TaosRows(self, num_of_rows)

    def blocks_iter(self) -> "TaosBlocks":
        return TaosBlocks(self)

    # --- the rest --------------------------------------------------------------------------------------

    def fetch_rows_a(self, callback: Any, param: Any) -> None:
        raise NotSupportedError("fetch_rows_a (asynchronous C callbacks) is not supported by taoslink; "
                                "iterate the result instead")

    def stop_query(self) -> None:
        """Stops reading: the rest of the result is discarded."""
        self.close()

    def get_topic_name(self) -> Optional[str]:
        return None

    def get_vgroup_id(self) -> Optional[int]:
        return None

    def get_table_name(self) -> Optional[str]:
        return None

    def get_db_name(self) -> Optional[str]:
        return None

    def errno(self) -> int:
        """0: errors are raised as exceptions when they happen."""
        return 0

    def errstr(self) -> str:
        return ""

    def check_error(self, errno: Optional[int] = None, close: bool = True) -> None:
        if errno:
            if close:
                self.close()
            raise OperationalError(self.errstr(), errno)

    def close(self) -> None:
        if self._native is not None:
            self._native.close()
            self._native = None
        self._buf, self._pos = [], 0

    def _live(self) -> "_taoslink.Result":
        if self._native is None:
            raise OperationalError("Invalid use of a closed result")
        return self._native

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


class TaosRow(object):
    """One row: ``as_tuple()``/``row()`` (calling it), ``as_dict()``, iteration, ``str()``."""

    __slots__ = ("_row", "_names")

    def __init__(self, row: tuple, names: List[str]) -> None:
        self._row = row
        self._names = names

    def __str__(self) -> str:
        return " ".join("NULL" if v is None else str(v) for v in self._row)

    def __repr__(self) -> str:
        return "TaosRow%r" % (self._row,)

    def __call__(self) -> tuple:
        return self._row

    def as_tuple(self) -> tuple:
        return self._row

    def as_dict(self) -> Dict[str, Any]:
        """The row as {column name: value} (taospy built it and returned None)."""
        return dict(zip(self._names, self._row))

    def as_ptr(self) -> None:
        raise NotSupportedError("TaosRow.as_ptr(): taoslink has no C row pointers")

    def __iter__(self) -> Iterator[Any]:
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)

    def __getitem__(self, i: Any) -> Any:
        return self._row[i]

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, TaosRow):
            return self._row == other._row
        return self._row == other

    __hash__ = None  # type: ignore[assignment]


class TaosRows(object):
    """Row iterator over a result (at most ``num_of_rows`` rows when given)."""

    def __init__(self, result: TaosResult, num_of_rows: Optional[int] = None) -> None:
        self._result = result
        self._limit = num_of_rows
        self._count = 0
        self._names = [f.name for f in result.fields]

    def __iter__(self) -> "TaosRows":
        return self

    def __next__(self) -> TaosRow:
        if self._limit is not None and self._count >= self._limit:
            raise StopIteration
        row = next(self._result)
        self._count += 1
        return TaosRow(row, self._names)

    next = __next__

    @property
    def row_count(self) -> int:
        return self._count


class TaosBlocks(object):
    """Block iterator over a result: yields ``(rows, length)``."""

    def __init__(self, result: TaosResult) -> None:
        self._result = result

    def __iter__(self) -> "TaosBlocks":
        return self

    def __next__(self) -> Tuple[List[tuple], int]:
        return self._result.fetch_block()

    next = __next__
