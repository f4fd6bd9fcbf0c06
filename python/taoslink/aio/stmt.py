"""``AsyncStatement``: taoslink's prepared statement with awaitable calls, on its connection's
lane. Cancelling one of its calls closes the statement: a half-bound batch cannot be trusted,
so later calls raise InterfaceError and a new statement is needed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence, Union

from ..stmt import Statement
from .cursor import AsyncCursor

if TYPE_CHECKING:
    from .connection import AsyncConnection

__all__ = ["AsyncStatement"]


class AsyncStatement:
    """See taoslink.Statement for the arguments of each call."""

    def __init__(self, connection: "AsyncConnection", statement: Statement) -> None:
        self._conn = connection
        self._sync = statement

    @property
    def connection(self) -> "AsyncConnection":
        return self._conn

    @property
    def affected_rows(self) -> int:
        return self._sync.affected_rows

    @property
    def closed(self) -> bool:
        return self._sync.closed

    async def prepare(self, sql: str) -> "AsyncStatement":
        await self._run(self._sync.prepare, sql)
        return self

    async def set_tbname(self, name: str) -> None:
        await self._run(self._sync.set_tbname, name)

    set_table_name = set_tbname

    async def set_tags(self, tags: Sequence[Any], types: Optional[Sequence[Union[int, str]]] = None) -> None:
        await self._run(self._sync.set_tags, tags, types)

    async def bind(self, columns: Sequence[Any], types: Optional[Sequence[Union[int, str, None]]] = None,
                   names: Optional[Sequence[str]] = None) -> None:
        await self._run(self._sync.bind, columns, types, names)

    async def bind_rows(self, rows: Sequence[Sequence[Any]], types: Sequence[Union[int, str]]) -> None:
        await self._run(self._sync.bind_rows, rows, types)

    async def add_batch(self) -> None:
        await self._run(self._sync.add_batch)

    async def execute(self) -> int:
        """Executes the added batches; returns the rows affected."""
        return await self._run(self._sync.execute)

    async def result(self) -> AsyncCursor:
        """A cursor on the result set of an executed query statement."""
        return AsyncCursor(self._conn, await self._run(self._sync.result))

    def __del__(self) -> None:
        sync = getattr(self, "_sync", None)
        if sync is not None and not sync.closed:
            self._conn._lane.release(sync.close)

    async def close(self) -> None:
        if self._sync.closed:
            return
        if self._conn._lane.closed:
            self._sync.close()
            return
        await self._conn._lane.run(self._sync.close)

    async def __aenter__(self) -> "AsyncStatement":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    async def _run(self, fn: Any, *args: Any) -> Any:
        return await self._conn._lane.run(fn, *args, on_cancel=lambda _f: self._sync.close())
