"""Fault injection for client tests (sim-only, driven by POST /-/sim/fault)."""

import threading
from dataclasses import dataclass

KINDS = ("close_mid_response", "stall", "http_status")


@dataclass
class Fault:
    kind: str
    times: int = 1
    path: str = ""            # applies to request paths starting with this prefix
    after_bytes: int = 0      # close_mid_response: body bytes sent before closing
    seconds: float = 0.0      # stall
    status: int = 503         # http_status
    body: object = None       # http_status: optional body override (str)


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending: list[Fault] = []

    def add(self, spec: dict) -> Fault:
        kind = spec.get("kind")
        if kind == "clear":
            self.clear()
            return None
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {KINDS}")
        f = Fault(kind=kind, times=int(spec.get("times", 1)), path=str(spec.get("path", "")),
                  after_bytes=int(spec.get("after_bytes", 0)),
                  seconds=float(spec.get("seconds", 0)), status=int(spec.get("status", 503)),
                  body=spec.get("body"))
        if f.times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._pending.append(f)
        return f

    def take(self, path: str):
        """The first pending fault matching ``path``; consumes one of its uses."""
        with self._lock:
            for f in self._pending:
                if path.startswith(f.path):
                    f.times -= 1
                    if f.times == 0:
                        self._pending.remove(f)
                    return f
        return None

    def clear(self):
        with self._lock:
            self._pending.clear()

    def pending(self) -> list:
        with self._lock:
            return [dict(vars(f)) for f in self._pending]
