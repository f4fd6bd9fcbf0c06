"""taoslink.aio: asyncio versions of taoslink's connection, cursor, statement and TMQ consumer.

    import taoslink.aio

    async with await taoslink.aio.connect("ws://root:taosdata@localhost:6041/power") as conn:
        cur = await conn.query("select ts, current from meters where voltage > ?", (220,))
        async for ts, current in cur:
            ...

Every call that may wait on the network runs on a worker thread (one per connection or
consumer, keeping the calls in order), never on the event loop; the transports release the GIL
while they wait. A cancelled call (``asyncio.wait_for`` timing out, ``task.cancel()``) returns
at once; the blocking call finishes on its thread and its result is dropped, leaving the
connection usable. docs/asyncio.md has the details.
"""

from .connection import AsyncConnection, connect
from .consumer import AsyncConsumer, consumer
from .cursor import AsyncCursor
from .stmt import AsyncStatement

__all__ = ["connect", "consumer", "AsyncConnection", "AsyncCursor", "AsyncStatement", "AsyncConsumer"]
