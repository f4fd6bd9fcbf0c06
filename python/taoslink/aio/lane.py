"""``Lane``: one worker thread that runs a handle's blocking calls, one at a time, in the order
they were made. The event loop awaits each call; it never blocks on one.

One lane per connection (shared by its cursors and statements) and one per consumer: taoslink's
sync objects are used by one thread at a time, as their documented thread safety asks, and a
call queued behind another never overtakes it.

Cancelling an awaited call never interrupts the thread: a call that has started runs to its end
(bounded by the transport's timeouts) and its result is dropped; a call still queued is removed
and never runs. ``on_cancel(future)`` (a plain function given the cancelled call's finished
``concurrent.futures.Future``) is then queued on the lane, so it runs after the cancelled call
and before any later one: it puts the handle back in a consistent state, or keeps or releases
what the call produced.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any, Callable, Optional

from ..errors import InterfaceError

__all__ = ["Lane"]


class Lane:
    def __init__(self, name: str, closed_message: str = "the connection is closed") -> None:
        self._closed_message = closed_message
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._last: Optional["concurrent.futures.Future[Any]"] = None
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def idle(self) -> bool:
        """True when nothing runs or waits on the lane (the handle may be used from the loop)."""
        last = self._last
        return last is None or last.done()

    def submit(self, fn: Callable[..., Any], *args: Any) -> "concurrent.futures.Future[Any]":
        with self._lock:
            if self._closed:
                raise InterfaceError(self._closed_message, 0xFFFF)
            self._last = self._pool.submit(fn, *args)
            return self._last

    async def run(self, fn: Callable[..., Any], *args: Any,
                  on_cancel: Optional[Callable[["concurrent.futures.Future[Any]"], Any]] = None) -> Any:
        """``fn(*args)`` on the lane's thread; its result or its exception."""
        future = self.submit(fn, *args)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            if on_cancel is not None:
                self._submit_quietly(on_cancel, future)
            raise

    def release(self, close: Callable[[], Any]) -> None:
        """For a wrapper's ``__del__``: runs ``close`` (the wrapped sync handle's, which may wait
        on the network, e.g. to close prepared statements) on the lane rather than on whatever
        thread dropped the last reference, usually the event loop's. Never raises."""
        try:
            self._submit_quietly(lambda _f: close(), None)
        except Exception:
            pass

    def _submit_quietly(self, fn: Callable[[Any], Any], future: Optional["concurrent.futures.Future[Any]"]) -> None:
        def guarded() -> None:
            try:
                fn(future)
            except BaseException:  # nobody awaits the clean-up: there is no caller to tell
                pass

        with self._lock:
            if not self._closed:
                self._last = self._pool.submit(guarded)

    async def close(self, final: Optional[Callable[[], Any]] = None) -> None:
        """Runs ``final`` after every queued call, then lets the thread end. Idempotent."""
        with self._lock:
            if self._closed:
                return
            future = self._pool.submit(final) if final is not None else None
            self._closed = True
            self._last = future
        self._pool.shutdown(wait=False)
        if future is not None:
            await asyncio.shield(asyncio.wrap_future(future))
