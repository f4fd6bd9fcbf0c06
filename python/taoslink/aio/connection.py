"""``AsyncConnection`` and ``connect()``: taoslink's connection with awaitable calls.

The sync ``taoslink.Connection`` does the work; each call that may wait on the network runs on
the connection's lane, one thread that keeps the calls in order (lane.py). The loop is never
blocked; for calls that run in parallel, open several connections.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, Sequence, Union

from ..connection import Connection
from ..connection import connect as _sync_connect
from ..errors import ErrorClasses
from .cursor import AsyncCursor
from .lane import Lane
from .stmt import AsyncStatement

__all__ = ["AsyncConnection", "connect"]


async def connect(dsn: Optional[str] = None, **kwargs: Any) -> "AsyncConnection":
    """Opens a connection without blocking the loop; the arguments are taoslink.connect()'s."""
    lane = Lane("taoslink-aio")
    try:
        sync = await lane.run(lambda: _sync_connect(dsn, **kwargs), on_cancel=_close_result)
    except BaseException:
        await lane.close()
        raise
    return AsyncConnection(sync, lane)


def _close_result(future: Any) -> None:
    """Closes what a cancelled open produced (nobody will)."""
    if not future.cancelled() and future.exception() is None:
        future.result().close()


class AsyncConnection(ErrorClasses):
    """An asyncio connection over one ``taoslink.Connection``. Tasks may share it: their calls
    run one after another, in the order they were made."""

    def __init__(self, connection: Connection, lane: Lane) -> None:
        self._sync = connection
        self._lane = lane

    # --- no I/O ----------------------------------------------------------------------------------

    @property
    def sync_connection(self) -> Connection:
        """The wrapped ``taoslink.Connection`` (blocking; use it only off the event loop)."""
        return self._sync

    @property
    def closed(self) -> bool:
        return self._sync.closed

    @property
    def dsn(self) -> str:
        return self._sync.dsn

    @property
    def database(self) -> str:
        """The current default database ('' when none)."""
        return self._sync.database

    @property
    def client_info(self) -> str:
        return self._sync.client_info

    def cursor(self) -> AsyncCursor:
        return AsyncCursor(self, self._sync.cursor())

    # --- PEP 249 -----------------------------------------------------------------------------------

    async def commit(self) -> None:
        """A no-op: TDengine has no transactions (raises InterfaceError once closed)."""
        self._sync.commit()

    async def rollback(self) -> None:
        """Raises NotSupportedError, as the sync connection does."""
        self._sync.rollback()

    async def close(self) -> None:
        """Closes the connection after the calls already queued have run. Idempotent."""
        await self._lane.close(self._sync.close)

    # --- extensions ----------------------------------------------------------------------------------

    async def execute(self, sql: str, params: Optional[Sequence[Any]] = None, req_id: int = 0) -> int:
        """Runs one statement for its effect; returns the affected rows."""
        return await self._lane.run(self._sync.execute, sql, params, req_id)

    async def query(self, sql: str, params: Optional[Sequence[Any]] = None, req_id: int = 0) -> AsyncCursor:
        """A new cursor on the result of ``sql``."""
        return await self.cursor().execute(sql, params, req_id)

    async def select_db(self, database: str) -> None:
        await self._lane.run(self._sync.select_db, database)

    async def server_info(self) -> str:
        """The server's version string (a property on the sync connection)."""
        return await self._lane.run(lambda: self._sync.server_info)

    async def schemaless_insert(self, lines: Union[str, Iterable[str]], protocol: Union[int, str],
                                precision: Union[int, str, None] = None, ttl: int = 0, req_id: int = 0,
                                table_name_key: Optional[str] = None, database: Optional[str] = None) -> int:
        """taoslink.Connection.schemaless_insert on the lane."""
        if not isinstance(lines, str):
            lines = list(lines)
        return await self._lane.run(lambda: self._sync.schemaless_insert(
            lines, protocol, precision, ttl, req_id, table_name_key, database))

    async def statement(self, sql: Optional[str] = None, precision: Union[int, str] = "ms") -> AsyncStatement:
        """A prepared statement (prepared with ``sql`` when given); NotSupportedError over REST."""
        sync = await self._lane.run(self._sync.statement, None, precision)
        stmt = AsyncStatement(self, sync)
        if sql is not None:
            await stmt.prepare(sql)
        return stmt

    async def run_sync(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(sync_connection, *args)`` on the connection's thread: any blocking taoslink call
        this class does not wrap, in order with the others."""
        return await self._lane.run(fn, self._sync, *args)

    async def __aenter__(self) -> "AsyncConnection":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return "<taoslink.aio.AsyncConnection %s%s>" % (self._sync.dsn, " closed" if self.closed else "")
