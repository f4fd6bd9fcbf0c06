"""What the streaming cursors share (taoslink's PEP 249 ``Cursor`` and taosws's ``Cursor``): the
current ``_taoslink.Result``, the rows of its current block buffered in Python (``_buf`` from
``_pos`` on), iteration, ``with`` and ``close()``; and ``fetch_rest()``, which finishes a result
after its buffered rows (taos's ``TaosResult`` uses it too)."""

from __future__ import annotations

from typing import Any, Callable, List, Optional

from . import _taoslink
from .closing import ClosesOnExit

__all__ = ["BufferedCursor", "fetch_rest", "fetch_rest_dicts"]


def fetch_rest(result: "_taoslink.Result", converter: "_taoslink.Converter", buffered: List[Any],
               translate: Callable[[BaseException], BaseException]) -> List[Any]:
    """``buffered`` (a list of rows the caller owns) followed by every remaining row of ``result``;
    a ``NativeError`` is raised as ``translate(error)``."""
    return _then_rest(result.fetch_all, converter, buffered, translate)


def fetch_rest_dicts(result: "_taoslink.Result", converter: "_taoslink.Converter", buffered: List[Any],
                     translate: Callable[[BaseException], BaseException]) -> List[Any]:
    """``fetch_rest`` with rows as ``{column name: value}`` dicts built by the extension
    (``Result.fetch_all_dicts``); ``buffered`` holds the caller's rows already made dicts."""
    return _then_rest(result.fetch_all_dicts, converter, buffered, translate)


def _then_rest(fetch: Callable[[Any], List[Any]], converter: "_taoslink.Converter", buffered: List[Any],
               translate: Callable[[BaseException], BaseException]) -> List[Any]:
    try:
        rest = fetch(converter)
    except _taoslink.NativeError as e:
        raise translate(e) from None
    if buffered:
        buffered.extend(rest)
        return buffered
    return rest


class BufferedCursor(ClosesOnExit):
    """Mixin for a cursor that sets ``_result``, ``_rowcount``, ``_buf``, ``_pos`` and ``_closed``
    in its ``__init__`` and defines ``fetchone()`` (None at the end) and ``_reset()`` (which calls
    ``_drop_result()``)."""

    _result: Optional["_taoslink.Result"]
    _rowcount: int
    _buf: List[Any]
    _pos: int
    _closed: bool

    def fetchone(self) -> Any:  # pragma: no cover - every user defines it
        raise NotImplementedError

    def _reset(self) -> None:  # pragma: no cover - every user defines it
        raise NotImplementedError

    @property
    def rowcount(self) -> int:
        """The rows of the result once it has been read to the end; before that, and after a
        statement without a result set, the cursor's own ``_rowcount``."""
        if self._result is not None and self._result.exhausted:
            return self._result.rows_fetched
        return self._rowcount

    @property
    def rownumber(self) -> Optional[int]:
        """PEP 249 extension: the 0-based index of the next row in the result set; None with no
        result set."""
        if self._result is None:
            return None
        return self._result.rows_fetched - (len(self._buf) - self._pos)

    def _take_buffered(self, n: Optional[int]) -> List[Any]:
        """Up to ``n`` (None: all) of the buffered rows not handed out yet."""
        if self._pos >= len(self._buf):
            return []
        end = len(self._buf) if n is None else min(len(self._buf), self._pos + n)
        out = self._buf[self._pos:end]
        self._pos = end
        return out

    def _drop_result(self) -> None:
        """Closes the current result and forgets its buffered rows."""
        if self._result is not None:
            self._result.close()
        self._result = None
        self._buf = []
        self._pos = 0

    def close(self) -> None:
        """Releases the current result; later use raises the cursor's "closed" error. Idempotent."""
        if not self._closed:
            self._reset()
            self._closed = True

    def __iter__(self) -> Any:
        return self

    def __next__(self) -> Any:
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row
