"""``AsyncConsumer`` and ``consumer()``: taoslink's TMQ consumer with awaitable calls.

    async with await taoslink.aio.consumer("ws://root:taosdata@localhost:6041",
                                           **{"group.id": "g1"}) as c:
        await c.subscribe(["topic_meters"])
        async for msg in c:
            for row in msg:
                ...
            await c.commit(msg)

A poll waits on the consumer's own lane (lane.py) in slices of at most a second, so cancelling
it takes effect within a second and never loses a message: one that arrives while the poll is
being cancelled is kept and returned by the next poll().
"""

from __future__ import annotations

import collections
import time
from typing import Any, Deque, List, Mapping, Optional, Union

from ..consumer import Consumer, Message, TopicAssignment
from ..errors import InterfaceError
from .lane import Lane

__all__ = ["AsyncConsumer", "consumer"]

#: The longest single wait on the lane (seconds).
_SLICE = 1.0


async def consumer(dsn_or_conf: Union[str, Mapping[str, Any], None] = None, timezone: Any = None,
                   **config: Any) -> "AsyncConsumer":
    """Opens a consumer without blocking the loop; the arguments are taoslink.Consumer's."""
    lane = Lane("taoslink-aio-tmq", "the consumer is closed")

    def close_opened(future: Any) -> None:
        if not future.cancelled() and future.exception() is None:
            future.result().close()

    try:
        sync = await lane.run(lambda: Consumer(dsn_or_conf, timezone, **config), on_cancel=close_opened)
    except BaseException:
        await lane.close()
        raise
    return AsyncConsumer(sync, lane)


class AsyncConsumer:
    """An asyncio TMQ consumer over one ``taoslink.Consumer``; open it with ``consumer()``."""

    def __init__(self, sync: Consumer, lane: Lane) -> None:
        self._sync = sync
        self._lane = lane
        #: Messages polled by a cancelled poll(), handed out first.
        self._kept: Deque[Message] = collections.deque()

    @property
    def sync_consumer(self) -> Consumer:
        """The wrapped ``taoslink.Consumer`` (blocking; use it only off the event loop)."""
        return self._sync

    @property
    def closed(self) -> bool:
        return self._lane.closed or self._sync.closed

    async def subscribe(self, topics: List[str]) -> None:
        await self._lane.run(self._sync.subscribe, list(topics))

    async def unsubscribe(self) -> None:
        await self._lane.run(self._sync.unsubscribe)

    async def poll(self, timeout: Optional[float] = None) -> Optional[Message]:
        """The next message, waiting up to ``timeout`` seconds (None: until one arrives)."""
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        while True:
            if self._kept:
                return self._kept.popleft()
            wait = _SLICE if deadline is None else min(_SLICE, max(0.0, deadline - time.monotonic()))
            msg = await self._lane.run(self._poll_slice, wait, on_cancel=self._keep)
            if msg is not None:
                return msg
            if deadline is not None and time.monotonic() >= deadline:
                return None

    def _poll_slice(self, wait: float) -> Optional[Message]:
        if self._kept:
            return self._kept.popleft()
        return self._sync.poll(wait)

    def _keep(self, future: Any) -> None:
        if not future.cancelled() and future.exception() is None and future.result() is not None:
            self._kept.appendleft(future.result())

    async def commit(self, message: Optional[Message] = None) -> None:
        """Commits ``message``'s offset, or everything consumed so far (None)."""
        await self._lane.run(self._sync.commit, message)

    async def commit_offset(self, topic: str, vgroup: int, offset: int) -> None:
        await self._lane.run(self._sync.commit_offset, topic, vgroup, offset)

    async def seek(self, topic: str, vgroup: int, offset: int) -> None:
        """Moves the position; messages kept from a cancelled poll are dropped (they precede it)."""
        self._kept.clear()
        await self._lane.run(self._sync.seek, topic, vgroup, offset)

    async def assignment(self) -> List[TopicAssignment]:
        return await self._lane.run(self._sync.assignment)

    async def committed(self, topic: str, vgroup: int) -> int:
        return await self._lane.run(self._sync.committed, topic, vgroup)

    async def position(self, topic: str, vgroup: int) -> int:
        return await self._lane.run(self._sync.position, topic, vgroup)

    async def list_topics(self) -> List[str]:
        return await self._lane.run(self._sync.list_topics)

    async def close(self) -> None:
        """Closes the consumer after the calls already queued have run. Idempotent."""
        self._kept.clear()
        await self._lane.close(self._sync.close)

    def __aiter__(self) -> "AsyncConsumer":
        return self

    async def __anext__(self) -> Message:
        """Messages as they arrive, until the consumer is closed."""
        while not self.closed:
            try:
                msg = await self.poll(_SLICE)
            except InterfaceError:
                if self.closed:  # closed by another task while this one waited
                    break
                raise
            if msg is not None:
                return msg
        raise StopAsyncIteration

    async def __aenter__(self) -> "AsyncConsumer":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __repr__(self) -> str:
        return "<taoslink.aio.AsyncConsumer%s>" % (" closed" if self.closed else "")
