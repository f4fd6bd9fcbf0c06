"""``AsyncCursor``: taoslink's PEP 249 cursor with awaitable execute and fetch calls.

Every call that may touch the network runs on the connection's lane (see lane.py). Rows of the
block already received are handed out on the loop thread, without a thread hop, when the lane
is idle: iterating a result costs one hop per block, not one per row.

A cancelled call (``task.cancel()``, ``asyncio.wait_for`` running out) discards the cursor's
result set: the rows the cancelled call was reading are lost, so carrying on would skip them.
The cursor stays usable; its next execute() waits for the cancelled call to end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from ..cursor import Cursor

if TYPE_CHECKING:
    from .connection import AsyncConnection

__all__ = ["AsyncCursor"]

#: Sync fetches that return a reader doing network I/O as it is read: not offered as coroutines.
_STREAMING = ("fetch_record_batches",)


class AsyncCursor:
    """An asyncio cursor over one ``taoslink.Cursor``. Not to be shared between tasks that use
    it at the same time (as a sync cursor is not shared between threads)."""

    def __init__(self, connection: "AsyncConnection", cursor: Cursor) -> None:
        self._conn = connection
        self._sync = cursor

    # --- attributes (no I/O) ---------------------------------------------------------------------

    @property
    def connection(self) -> "AsyncConnection":
        return self._conn

    @property
    def sync_cursor(self) -> Cursor:
        """The wrapped ``taoslink.Cursor`` (blocking; use it only off the event loop)."""
        return self._sync

    @property
    def description(self) -> Optional[Tuple[Any, ...]]:
        return self._sync.description

    @property
    def rowcount(self) -> int:
        return self._sync.rowcount

    @property
    def rownumber(self) -> Optional[int]:
        return getattr(self._sync, "rownumber", None)

    @property
    def lastrowid(self) -> None:
        return None

    @property
    def arraysize(self) -> int:
        return self._sync.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._sync.arraysize = value

    @property
    def closed(self) -> bool:
        return self._sync.closed

    def mogrify(self, operation: str, parameters: Optional[Sequence[Any]] = None) -> str:
        return self._sync.mogrify(operation, parameters)

    def setinputsizes(self, sizes: Any) -> None:
        """Does nothing (allowed by PEP 249)."""

    def setoutputsize(self, size: Any, column: Any = None) -> None:
        """Does nothing (allowed by PEP 249)."""

    # --- execution ---------------------------------------------------------------------------------

    async def execute(self, operation: str, parameters: Optional[Sequence[Any]] = None,
                      req_id: int = 0) -> "AsyncCursor":
        """Runs one statement (``?`` placeholders, as taoslink.Cursor.execute); returns the cursor."""
        await self._run(self._sync.execute, operation, parameters, req_id)
        return self

    async def executemany(self, operation: str, seq_of_parameters: Any) -> "AsyncCursor":
        # the parameters are read here: an iterator must not be consumed on another thread
        await self._run(self._sync.executemany, operation, list(seq_of_parameters))
        return self

    async def callproc(self, procname: str, parameters: Any = None) -> Any:
        return self._sync.callproc(procname, parameters)

    async def nextset(self) -> Optional[bool]:
        return self._sync.nextset()

    # --- fetching ------------------------------------------------------------------------------------

    def _buffered(self) -> int:
        """Rows of the current block not handed out yet; 0 while the lane is busy."""
        if not self._conn._lane.idle:
            return 0
        return len(self._sync._buf) - self._sync._pos

    async def fetchone(self) -> Optional[Tuple[Any, ...]]:
        if self._buffered() > 0:
            return self._sync.fetchone()
        return await self._run(self._sync.fetchone)

    async def fetchmany(self, size: Optional[int] = None) -> List[Tuple[Any, ...]]:
        n = self._sync.arraysize if size is None else size
        if self._buffered() >= n:
            return self._sync.fetchmany(n)
        return await self._run(self._sync.fetchmany, n)

    async def fetchall(self) -> List[Tuple[Any, ...]]:
        return await self._run(self._sync.fetchall)

    async def fetch_columns(self) -> Dict[str, List[Any]]:
        """Every remaining row by column (taoslink.Cursor.fetch_columns)."""
        return await self._run(self._sync.fetch_columns)

    def __getattr__(self, name: str) -> Any:
        """Every other fetch method of taoslink.Cursor (the columnar ones: ``fetchnumpy``,
        ``fetch_df``, ``fetch_arrow``, ...) as a coroutine function with the same arguments."""
        if name in _STREAMING:
            raise AttributeError("%s reads the result while it is consumed, on the consumer's thread; "
                                 "use fetch_arrow(), or call it in a thread of your own" % name)
        if not name.startswith("fetch"):
            raise AttributeError(name)
        method = getattr(self._sync, name)

        async def fetch(*args: Any, **kwargs: Any) -> Any:
            return await self._run(lambda: method(*args, **kwargs))

        fetch.__name__ = name
        fetch.__doc__ = method.__doc__
        return fetch

    def __aiter__(self) -> "AsyncCursor":
        return self

    async def __anext__(self) -> Tuple[Any, ...]:
        row = await self.fetchone()
        if row is None:
            raise StopAsyncIteration
        return row

    # --- closing -------------------------------------------------------------------------------------

    def __del__(self) -> None:
        sync = getattr(self, "_sync", None)
        if sync is not None and not sync.closed:
            self._conn._lane.release(sync.close)

    async def close(self) -> None:
        """Releases the result set; later use raises InterfaceError. Idempotent."""
        if self._sync.closed:
            return
        if self._conn._lane.closed:
            self._sync.close()  # the connection is closed: nothing left to wait for
            return
        await self._conn._lane.run(self._sync.close)

    async def __aenter__(self) -> "AsyncCursor":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    async def _run(self, fn: Any, *args: Any) -> Any:
        return await self._conn._lane.run(fn, *args, on_cancel=lambda _f: self._sync._reset())

    def __repr__(self) -> str:
        return "<taoslink.aio.AsyncCursor%s>" % (" closed" if self.closed else "")
