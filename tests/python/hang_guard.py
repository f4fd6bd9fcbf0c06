"""A hang fails the run loudly, with every thread's stack, instead of stalling CI."""

from __future__ import annotations

import contextlib
import faulthandler
import sys
from typing import Iterator


@contextlib.contextmanager
def hang_guard(seconds: float) -> Iterator[None]:
    # sys.__stderr__, not sys.stderr: under pytest's --capture=sys (make asan-test) sys.stderr is a
    # buffer without a file descriptor, and faulthandler writes to a descriptor.
    faulthandler.dump_traceback_later(seconds, exit=True, file=sys.__stderr__)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
