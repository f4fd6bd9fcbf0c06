"""Environments for the interpreters the tests start, and the sanitizer hooks the tests need.

`make asan-test` runs pytest in the venv's ordinary CPython with GCC's libasan preloaded (the list
is in TAOSLINK_SANITIZER_PRELOAD), and LeakSanitizer checks that process at exit. Its children
inherit the preload, which is right only for some of them:

- a child that loads code of the sanitizer build (our extension and plugins, the fake libtaos)
  needs libasan first in LD_PRELOAD, or ASan refuses to start. It runs with detect_leaks=0: the
  pytest process runs the same code and is leak-checked, while a short child would only report
  what CPython, numpy and pyarrow never free at exit. ASan and UBSan errors still fail it;
- a child that loads none of it (the simulator, the official clients) gets no sanitizer at all.

Outside a sanitizer run every function here leaves things as they are.
"""

from __future__ import annotations

import ctypes
import os
from typing import Dict, Mapping, Optional

SANITIZER_PRELOAD = os.environ.get("TAOSLINK_SANITIZER_PRELOAD", "").split()
_SANITIZER_OPTIONS = ("ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS")


def child_env(env: Optional[Mapping[str, str]] = None, *, instrumented: bool = True) -> Dict[str, str]:
    """``env`` (default: this process's) for a child process; ``instrumented``: whether the child
    may load a library of the sanitizer build."""
    out = dict(os.environ if env is None else env)
    if not SANITIZER_PRELOAD:
        return out
    others = [p for p in out.get("LD_PRELOAD", "").split() if p not in SANITIZER_PRELOAD]
    if instrumented:
        out["LD_PRELOAD"] = " ".join(SANITIZER_PRELOAD + others)
        for name in _SANITIZER_OPTIONS:
            if name in os.environ:
                out.setdefault(name, os.environ[name])
        out["ASAN_OPTIONS"] = out.get("ASAN_OPTIONS", "") + ":detect_leaks=0"
    else:
        out["LD_PRELOAD"] = " ".join(others)
        if not others:
            del out["LD_PRELOAD"]
        for name in _SANITIZER_OPTIONS:
            out.pop(name, None)
    return out


def release_freed_memory() -> None:
    """Under ASan, hands freed memory back before RSS is read: ASan holds freed blocks in its
    quarantine (up to 256 MB), which looks like growth to an RSS check. No-op otherwise."""
    purge = getattr(ctypes.CDLL(None), "__sanitizer_purge_allocator", None)
    if purge is not None:
        purge()
