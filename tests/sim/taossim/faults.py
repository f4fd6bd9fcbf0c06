"""Fault injection for client tests (sim-only, driven by POST /-/sim/fault).

HTTP kinds (``close_mid_response``, ``stall``, ``http_status``) apply to plain HTTP
requests; WebSocket kinds (``ws_close``, ``ws_stall``, ``ws_truncate``, ``ws_corrupt``)
apply to the ``/ws`` and ``/rest/tmq`` sessions, through a ``WsFaultPlan`` each session
owns.  The two families never consume each other's faults.

WebSocket faults come in two modes:

* session mode — ``ws_close`` without ``action``: taken by the next session whose path
  matches when it starts; that session's socket is shut down (no close frame) right after
  it sent ``after_messages`` data messages (0: at once, before any reply).
* request mode — every other WebSocket fault: applies to the next request whose action
  matches ``action`` ("" = any; ``ws_truncate``/``ws_corrupt`` without an action match the
  actions answered in binary).  The first ``after_messages`` matching requests pass
  untouched.  The request is carried out; then its (first) reply is dropped and the socket
  shut down (``ws_close``), delayed by ``seconds`` (``ws_stall``), cut to ``keep_bytes``
  bytes (``ws_truncate``; default half), or corrupted (``ws_corrupt``: the first raw block
  in the reply gets an impossible length for its first column, or the byte at ``offset`` is
  inverted).  The WebSocket frame itself stays well formed.

``refuse`` applies to new TCP connections: the next ``times`` connections whose first
request's path starts with ``path`` are reset (RST) right after accept, before anything is
read, as a server whose listener is closed or overloaded would be.  Control requests
(``/-/sim/``) are never refused; on a TLS server the path cannot be seen before the
handshake, so every connection counts.
"""

import struct
import threading
import time
from dataclasses import dataclass

REST_KINDS = ("close_mid_response", "stall", "http_status")
WS_KINDS = ("ws_close", "ws_stall", "ws_truncate", "ws_corrupt")
CONN_KINDS = ("refuse",)
KINDS = REST_KINDS + WS_KINDS + CONN_KINDS

# actions answered with a binary message (/ws and /rest/tmq)
BINARY_REPLY_ACTIONS = ("fetch_raw_block", "fetch_block", "fetch_raw", "fetch_raw_data")


@dataclass
class Fault:
    kind: str
    times: int = 1
    path: str = ""            # applies to request paths starting with this prefix
    after_bytes: int = 0      # close_mid_response: body bytes sent before closing
    seconds: float = 0.0      # stall, ws_stall
    status: int = 503         # http_status
    body: object = None       # http_status: optional body override (str)
    action: str = ""          # ws_*: request action filter ("" = any)
    after_messages: int = 0   # ws_*: messages sent (session mode) / matching requests passed
    keep_bytes: int = -1      # ws_truncate: payload bytes kept (-1 = half)
    offset: int = -1          # ws_corrupt: invert this payload byte instead (-1 = raw block)

    @property
    def is_ws(self) -> bool:
        return self.kind in WS_KINDS

    @property
    def is_http(self) -> bool:
        return self.kind in REST_KINDS

    @property
    def session_mode(self) -> bool:
        return self.kind == "ws_close" and not self.action

    def matches_action(self, action: str) -> bool:
        if self.action:
            return self.action == action
        if self.kind in ("ws_truncate", "ws_corrupt"):
            return action in BINARY_REPLY_ACTIONS
        return True


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending: list[Fault] = []
        self.ws_requests: dict = {}     # path -> {action: count}, for tests (never cleared
        #                                 by "clear", only by reset_counters)

    def add(self, spec: dict) -> Fault:
        if not isinstance(spec, dict):
            raise ValueError("a fault is a JSON object")
        kind = spec.get("kind")
        if kind == "clear":
            self.clear()
            return None
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {KINDS}")
        f = Fault(kind=kind, times=int(spec.get("times", 1)), path=str(spec.get("path", "")),
                  after_bytes=int(spec.get("after_bytes", 0)),
                  seconds=float(spec.get("seconds", 0)), status=int(spec.get("status", 503)),
                  body=spec.get("body"), action=str(spec.get("action") or ""),
                  after_messages=int(spec.get("after_messages", 0)),
                  keep_bytes=int(spec.get("keep_bytes", -1)), offset=int(spec.get("offset", -1)))
        if f.times < 1:
            raise ValueError("times must be >= 1")
        if f.after_messages < 0:
            raise ValueError("after_messages must be >= 0")
        if not 0 <= f.seconds <= 3600:
            raise ValueError("seconds must be in [0, 3600]")
        if not f.is_ws and (f.action or "after_messages" in spec):
            raise ValueError(f"'action' and 'after_messages' are for ws_* kinds, not {kind}")
        with self._lock:
            self._pending.append(f)
        return f

    def _consume(self, f: Fault):
        f.times -= 1
        if f.times == 0:
            self._pending.remove(f)

    def take(self, path: str):
        """The first pending HTTP fault matching ``path``; consumes one of its uses."""
        with self._lock:
            for f in self._pending:
                if f.is_http and path.startswith(f.path):
                    self._consume(f)
                    return f
        return None

    def has_refuse(self) -> bool:
        return any(f.kind == "refuse" for f in self._pending)   # racy peek: a fast path

    def take_refuse(self, path):
        """A ``refuse`` fault for a new connection whose first request has ``path`` (None:
        unknown, e.g. under TLS), or None; consumes one of its uses."""
        with self._lock:
            for f in self._pending:
                if f.kind == "refuse" and (path is None or path.startswith(f.path)):
                    self._consume(f)
                    return f
        return None

    def has_ws(self) -> bool:
        return any(f.is_ws for f in self._pending)     # a racy peek is fine: a fast path

    def take_ws_session(self, path: str):
        """A session-mode ws_close for a new session on ``path``, or None."""
        with self._lock:
            for f in self._pending:
                if f.session_mode and path.startswith(f.path):
                    self._consume(f)
                    return f
        return None

    def take_ws(self, path: str, action: str):
        """A request-mode WebSocket fault for one request, or None."""
        with self._lock:
            for f in self._pending:
                if not f.is_ws or f.session_mode or not path.startswith(f.path) \
                        or not f.matches_action(action):
                    continue
                if f.after_messages > 0:
                    f.after_messages -= 1           # this one passes untouched
                    continue
                self._consume(f)
                return f
        return None

    def count_ws(self, path: str, action: str):
        with self._lock:
            per = self.ws_requests.setdefault(path, {})
            per[action] = per.get(action, 0) + 1

    def clear(self):
        with self._lock:
            self._pending.clear()

    def counters(self) -> dict:
        with self._lock:
            return {p: dict(v) for p, v in self.ws_requests.items()}

    def reset_counters(self):
        with self._lock:
            self.ws_requests = {}

    def pending(self) -> list:
        with self._lock:
            return [dict(vars(f)) for f in self._pending]


# -- applying WebSocket faults ---------------------------------------------------------

_FLAG = struct.pack("<I", 0x80000000)      # raw block flag (HAS_COLUMN_SEGMENT)


def find_raw_block(buf: bytes):
    """(offset, columns) of the first plausible raw block (version 1 or 2) in ``buf``."""
    pos = buf.find(_FLAG, 16)
    while pos >= 0:
        o = pos - 16
        version, length, rows, cols = struct.unpack_from("<iiii", buf, o)
        if version in (1, 2) and 0 < cols < 4096 and rows >= 0 \
                and 28 + 9 * cols <= length <= len(buf) - o:
            return o, cols
        pos = buf.find(_FLAG, pos + 1)
    return None


def corrupt(payload: bytes, offset: int = -1) -> bytes:
    """Make the raw block inside ``payload`` inconsistent: its first column's data length
    gets its top byte inverted (a length far past the block).  Without a raw block (or with
    ``offset`` >= 0) one byte is inverted instead: ``offset``, or the middle one."""
    b = bytearray(payload)
    if not b:
        return payload
    if offset < 0:
        found = find_raw_block(payload)
        if found is not None:
            o, cols = found
            at = o + 28 + 5 * cols + 3           # MSB of the i32 length of column 0
            b[at] ^= 0x7F
            return bytes(b)
        offset = len(b) // 2
    b[min(offset, len(b) - 1)] ^= 0xFF
    return bytes(b)


def truncate(payload: bytes, keep: int = -1) -> bytes:
    if keep < 0:
        keep = len(payload) // 2
    return payload[:min(keep, max(len(payload) - 1, 0))]


class WsFaultPlan:
    """The faults of one WebSocket session.

    The session calls ``begin(action)`` once it knows a request's action, on the thread
    that will answer it, and ``end()`` when the handler returned; the WebSocket calls
    ``on_send`` for every data message it is about to send.
    """

    def __init__(self, faults: Faults, path: str, ws):
        self.faults = faults
        self.path = path
        self.ws = ws
        self.sent = 0
        self.close_after = None
        self._local = threading.local()
        if faults.has_ws():
            f = faults.take_ws_session(path)
            if f is not None:
                self.close_after = f.after_messages
        ws.on_send = self.on_send
        ws.after_send = self.after_send

    def start(self) -> bool:
        """False when the session must end at once (session-mode close after 0 messages)."""
        if self.close_after == 0:
            self.ws.abort()
            return False
        return True

    def begin(self, action: str):
        self.faults.count_ws(self.path, action)
        self._local.fault = self.faults.take_ws(self.path, action) \
            if self.faults.has_ws() else None

    def end(self):
        f = getattr(self._local, "fault", None)
        self._local.fault = None
        if f is not None and f.kind == "ws_close":
            self.ws.abort()        # the action sent no reply: close after it anyway

    def on_send(self, opcode: int, payload: bytes):
        """-> the payload to send, or None to shut the socket down instead."""
        f = getattr(self._local, "fault", None)
        if f is None:
            return payload
        self._local.fault = None
        if f.kind == "ws_close":
            return None
        if f.kind == "ws_stall":
            time.sleep(f.seconds)
            return payload
        if f.kind == "ws_truncate":
            return truncate(payload, f.keep_bytes)
        if f.kind == "ws_corrupt":
            return corrupt(payload, f.offset)
        return payload

    def after_send(self):
        self.sent += 1
        if self.close_after is not None and self.sent >= self.close_after:
            self.ws.abort()
