"""Mixins for the objects that hold a native handle: ``with`` closes them (``ClosesOnExit``), and
``Closing`` also closes them at garbage collection (errors while closing at collection time are
dropped: there is no caller left)."""

from __future__ import annotations

from typing import Any, TypeVar

_T = TypeVar("_T", bound="ClosesOnExit")

__all__ = ["ClosesOnExit", "Closing"]


class ClosesOnExit:
    """For classes with an idempotent ``close()``: ``with obj:`` closes it at the end."""

    def close(self) -> Any:  # pragma: no cover - every user defines it
        raise NotImplementedError

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Closing(ClosesOnExit):
    """``ClosesOnExit``, and closed when garbage collected too."""

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass
