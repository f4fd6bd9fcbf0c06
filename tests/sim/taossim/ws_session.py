"""One /ws connection: the adapter's message dispatcher and reply envelope.

Text requests are ``{"action": ..., "args": {...}}``; binary requests start
with ``u64 req_id, u64 resource id, u64 action``.  Replies carry
``code, message, action, req_id, timing`` (+ ``stmt_id`` for statements) in
the member order of the adapter's Go structs, rendered like encoding/json.

Messages are handled one at a time, in arrival order (a legal ordering of the
adapter's one-goroutine-per-message dispatch).  The action handlers live in
``ws_sql`` (query, fetch, schemaless, misc), ``ws_stmt`` (stmt v1) and
``ws_stmt2`` (stmt2).
"""

import json
import os
import struct
import threading
import time
import traceback

from . import errors
from .engine import Session
from .faults import WsFaultPlan
from .render import go_json_str
from .websocket import OP_TEXT, WebSocket

# taosAdapter's keep-alive: a Ping every 54 s, drop after 114 s of silence.
PING_INTERVAL = 54.0
TRACE = bool(os.environ.get("TAOSSIM_WS_TRACE"))   # log every incoming message to stderr
READ_TIMEOUT = 114.0


def marshal(value) -> str:
    """encoding/json for the shapes the adapter sends (dicts keep their order)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return go_json_str(value)
    if isinstance(value, dict):
        return "{" + ",".join(go_json_str(k) + ":" + marshal(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(marshal(v) for v in value) + "]"
    raise TypeError(type(value))


class ArgError(Exception):
    """args could not be decoded into the action's Go struct."""


# -- args decoding with Go's json.Unmarshal strictness --------------------------

def _u64(v):
    if v is None:
        return 0
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 1 << 64:
        raise ArgError()
    return v


def _int(v):
    if v is None:
        return 0
    if isinstance(v, bool) or not isinstance(v, int) or not -(1 << 63) <= v < 1 << 63:
        raise ArgError()
    return v


def _str(v):
    if v is None:
        return ""
    if not isinstance(v, str):
        raise ArgError()
    return v


def _bool(v):
    if v is None:
        return False
    if not isinstance(v, bool):
        raise ArgError()
    return v


def _raw(v):
    return v


KINDS = {"u64": _u64, "int": _int, "str": _str, "bool": _bool, "raw": _raw}


def decode_args(args, spec: dict) -> dict:
    """``spec``: name -> kind; unknown members ignored, missing = zero value."""
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ArgError()
    out = {}
    for name, kind in spec.items():
        out[name] = KINDS[kind](args.get(name))
    return out


def loose_req_id(args) -> int:
    """jsoniter Get(args, "req_id").ToUint64(): best effort, 0 when unusable."""
    if not isinstance(args, dict):
        return 0
    v = args.get("req_id")
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v & 0xFFFFFFFFFFFFFFFF if v >= 0 else 0
    if isinstance(v, float):
        return int(v) if 0 <= v < 2 ** 64 else 0
    if isinstance(v, str):
        try:
            return max(0, int(float(v)))
        except ValueError:
            return 0
    return 0


def reply_envelope(start_ns: int, action: str, req_id: int, code: int = 0, message: str = "",
                   timing=None) -> dict:
    """The members every /ws and /rest/tmq reply starts with, in the adapter's order."""
    return {"code": code & 0xFFFF, "message": message, "action": action, "req_id": req_id,
            "timing": time.time_ns() - start_ns if timing is None else timing}


class WsConnection:
    """What the /ws and /rest/tmq sessions share: the read loop (keep-alive pings, the read
    timeout, tracing, the fault hooks; a simulator bug is logged, the socket lives on) and
    sending a reply.  A subclass handles one message in ``handle_message`` and frees its
    state in ``release`` once the socket is done."""
    PATH = "/ws"
    PING_THREAD = "taossim-ws-ping"

    def __init__(self, app, ws: WebSocket, client):
        self.app = app
        self.ws = ws
        self.client = client
        self._stop = threading.Event()
        self.faults = WsFaultPlan(app.faults, self.PATH, ws)   # sim-only fault injection

    def send(self, body: dict, extra=None):
        if extra:
            body.update(extra)
        self.ws.send_text(marshal(body))

    def run(self):
        if not self.faults.start():
            return
        pinger = threading.Thread(target=self._ping_loop, daemon=True, name=self.PING_THREAD)
        pinger.start()
        try:
            self.ws.sock.settimeout(READ_TIMEOUT)
        except OSError:
            pass
        try:
            while True:
                msg = self.ws.recv()
                if msg is None:
                    break
                opcode, data = msg
                start = time.time_ns()
                if TRACE:
                    shown = data[:400].decode("utf-8", "replace") if opcode == OP_TEXT \
                        else data[:64].hex()
                    self.app.log(f"{self.PATH} <- {'text' if opcode == OP_TEXT else 'binary'} "
                                 f"{len(data)}B {shown}")
                try:
                    self.handle_message(opcode, data, start)
                except Exception as exc:   # a simulator bug must not kill the socket
                    self.app.log(f"{self.PATH} internal error: {exc!r}")
                    traceback.print_exc()
                finally:
                    self.faults.end()
        finally:
            self._stop.set()
            self.release()
            self.ws.close()

    def _ping_loop(self):
        while not self._stop.wait(PING_INTERVAL):
            if not self.ws.ping():
                return

    def handle_message(self, opcode: int, data: bytes, start: int):
        raise NotImplementedError

    def release(self):
        pass


class WsSession(WsConnection):
    """State of one /ws socket: connection, current db, results, statements."""

    NO_CONN_ACTIONS = ("version", "conn", "check_server_status")
    # real 3.3.6.0 actions the simulator does not implement: say so explicitly
    NOT_SIMULATED = ()

    def __init__(self, app, ws: WebSocket, client=("127.0.0.1", 0)):
        from .ws_sql import SqlActions
        from .ws_stmt import StmtActions
        from .ws_stmt2 import Stmt2Actions
        super().__init__(app, ws, client)
        self.connected = False
        self.user = ""
        self.session = Session()            # current db + tz, lives for the socket
        self.results = {}                   # result id -> ResultCursor
        self.next_result_id = 1
        self.stmts = {}                     # stmt id -> Stmt
        self.next_stmt_id = 1
        self.sql = SqlActions(self)
        self.stmt = StmtActions(self)
        self.stmt2 = Stmt2Actions(self)

    # -- replies ---------------------------------------------------------------
    def reply(self, start_ns: int, action: str, req_id: int, code: int = 0, message: str = "",
              extra=None, stmt_id=None):
        body = reply_envelope(start_ns, action, req_id, code, message)
        if stmt_id is not None:
            body["stmt_id"] = stmt_id
        self.send(body, extra)

    def error(self, start_ns, action, req_id, code, message, stmt_id=None):
        self.reply(start_ns, action, req_id, code, message, stmt_id=stmt_id)

    def taos_error(self, start_ns, action, req_id, e: errors.TaosError, stmt_id=None):
        self.reply(start_ns, action, req_id, e.code, e.desc, stmt_id=stmt_id)

    # -- messages ----------------------------------------------------------------
    def handle_message(self, opcode: int, data: bytes, start: int):
        if opcode == OP_TEXT:
            self.handle_text(data, start)
        else:
            self.handle_binary(data, start)

    def release(self):
        self.results.clear()            # the adapter frees everything on disconnect
        self.stmts.clear()

    # -- text ----------------------------------------------------------------------
    def handle_text(self, data: bytes, start: int):
        try:
            request = json.loads(data.decode("utf-8", "replace"))
            if request is not None and not isinstance(request, dict):
                raise ValueError
            request = request or {}
            action = request.get("action")
            if action is not None and not isinstance(action, str):
                raise ValueError
        except ValueError:
            self.error(start, "", 0, errors.GENERIC, "unmarshal request error")
            return
        args = request.get("args")
        self.faults.begin(action or "")
        if not action:
            self.error(start, "", loose_req_id(args), errors.GENERIC, "request no action")
            return
        if action not in self.NO_CONN_ACTIONS and not self.connected:
            self.error(start, action, loose_req_id(args), errors.GENERIC, "server not connected")
            return
        handler = (self.sql.ACTIONS.get(action) or self.stmt.ACTIONS.get(action)
                   or self.stmt2.ACTIONS.get(action))
        if handler is None and action in self.NOT_SIMULATED:
            self.error(start, action, loose_req_id(args), errors.GENERIC,
                       f"taossim: action {action} is not simulated")
            return
        if handler is None:
            self.error(start, action, loose_req_id(args), errors.GENERIC,
                       f"unknown action {action}")
            return
        owner = self.sql if action in self.sql.ACTIONS else \
            self.stmt if action in self.stmt.ACTIONS else self.stmt2
        spec, method, what = handler
        if action == "version" and args is None:
            parsed = {"req_id": 0}
        else:
            try:
                parsed = decode_args(args, spec)
            except ArgError:
                self.error(start, action, loose_req_id(args), errors.GENERIC,
                           f"unmarshal {what} request error")
                return
        try:
            getattr(owner, method)(start, action, parsed)
        except Exception as exc:
            # a simulator bug: say so instead of leaving the client waiting
            self.error(start, action, parsed.get("req_id", 0), errors.GENERIC,
                       f"taossim internal error: {exc!r}")
            raise

    # -- binary --------------------------------------------------------------------
    BINARY_NAMES = {1: "set_tags", 2: "bind", 3: "write_raw", 4: "write_raw_block",
                    5: "write_raw_block_with_fields", 6: "binary_query", 7: "fetch_raw_block",
                    9: "stmt2_bind", 10: "validate_sql"}

    def handle_binary(self, data: bytes, start: int):
        if len(data) < 24:
            # the adapter reads the 24-byte header unconditionally (undefined);
            # the simulator drops such a frame
            self.app.log(f"/ws: binary message of {len(data)} bytes ignored")
            return
        req_id, resource_id, action = struct.unpack_from("<QQQ", data, 0)
        name = self.BINARY_NAMES.get(action, "unknown")
        self.faults.begin(name)
        if not self.connected:
            self.error(start, name, req_id, errors.GENERIC, "server not connected")
            return
        if action == 6:
            self.sql.binary_query(start, name, req_id, data)
        elif action == 7:
            self.sql.fetch_raw_block(start, req_id, resource_id, data)
        elif action == 10:
            self.sql.validate_sql(start, name, req_id, data)
        elif action == 1:
            self.stmt.binary_set_tags(start, name, req_id, resource_id, data)
        elif action == 2:
            self.stmt.binary_bind(start, name, req_id, resource_id, data)
        elif action == 9:
            self.stmt2.bind(start, name, req_id, resource_id, data)
        elif action in (3, 4, 5):
            self.error(start, name, req_id, errors.GENERIC,
                       f"taossim: binary action {action} ({name}) is not simulated")
        else:
            self.error(start, name, req_id, errors.GENERIC, f"unknown binary action {action}")
