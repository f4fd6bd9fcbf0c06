"""One mixin for the objects that hold a native handle: ``with`` closes them, and so does garbage
collection (errors while closing at collection time are dropped: there is no caller left)."""

from __future__ import annotations

from typing import Any, TypeVar

_T = TypeVar("_T", bound="Closing")

__all__ = ["Closing"]


class Closing:
    """For classes with an idempotent ``close()``."""

    def close(self) -> Any:  # pragma: no cover - every user defines it
        raise NotImplementedError

    def __enter__(self: _T) -> _T:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass
