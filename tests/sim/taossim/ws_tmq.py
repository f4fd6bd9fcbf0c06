"""One /rest/tmq connection: taosAdapter's TMQ consumer endpoint (protocol.md §3).

Transport rules that differ from /ws: text JSON only (binary frames are
ignored), malformed requests (bad JSON, args Go cannot decode, unknown
actions) are dropped without a reply, one consumer per socket created by
``subscribe``.  ``poll`` requests go through a one-slot queue served by a
poller thread that exists once a subscribe succeeded (a queued, not yet
started poll is replaced by a newer one without a reply); everything else is
handled on the reader thread.  The adapter holds one lock around every
native consumer call, so a blocking poll delays a concurrent commit/seek the
same way here.  At most one polled message is held; message ids count from 1.
"""

import json
import struct
import threading
import time

from . import errors
from .auth import Credentials
from .engine import CLIENT_VERSION
from .errors import TaosError
from .tmq import INVALID_PARA
from .websocket import OP_TEXT, WebSocket
from .ws_session import ArgError, WsConnection, decode_args, reply_envelope

FETCH_RAW_DATA = 8
TMQ_RAW_MESSAGE = 3
RES_TYPE_TMQ = 2                      # raw type of a data message (RES_TYPE__TMQ)
NEW_FORMAT_FLAG = 0xFFFFFFFFFFFFFFFF

# native tmq_conf_set: known keys and their value checks (TMQ_CONF_UNKNOWN / _INVALID)
_BOOL_KEYS = {"enable.auto.commit", "msg.with.table.name", "experimental.snapshot.enable",
              "enable.replay"}
_INT_KEYS = {"auto.commit.interval.ms", "session.timeout.ms", "max.poll.interval.ms",
             "msg.enable.batchmeta", "msg.consume.excluded", "msg.consume.rawdata",
             "heartbeat.interval.ms", "fetch.max.wait.ms", "min.poll.rows", "td.connect.port"}
_STR_KEYS = {"group.id", "client.id", "td.connect.ip", "td.connect.user", "td.connect.pass",
             "td.connect.db", "auto.offset.reset"}


def _go_parse_bool(v: str):
    if v in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if v in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise ValueError(f'strconv.ParseBool: parsing "{v}": invalid syntax')


def _go_parse_int(v: str) -> int:
    body = v[1:] if v[:1] in "+-" else v
    if not body or not body.isdigit() or not body.isascii():
        raise ValueError(f'strconv.ParseInt: parsing "{v}": invalid syntax')
    n = int(v)
    if not -(1 << 63) <= n < 1 << 63:
        raise ValueError(f'strconv.ParseInt: parsing "{v}": value out of range')
    return n


def _conf_check(k: str, v: str):
    """-> None, or the adapter's 0x0118 message for a rejected key/value."""
    if k in _BOOL_KEYS:
        ok = v.lower() in ("true", "false")
    elif k in _INT_KEYS:
        try:
            int(v)
            ok = True
        except ValueError:
            ok = False
    elif k in _STR_KEYS:
        ok = k != "auto.offset.reset" or v in ("earliest", "latest", "none")
    else:
        return f"unknown configuration key: {k}"
    return None if ok else f"invalid value for key '{k}': {v}"


def _strs(v):
    if v is None:
        return []
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ArgError()
    return v


def _str_map(v):
    if v is None:
        return {}
    if not isinstance(v, dict) or not all(isinstance(x, str) for x in v.values()):
        raise ArgError()
    return v


def _i32(v):
    if v is None:
        return 0
    if isinstance(v, bool) or not isinstance(v, int) or not -(1 << 31) <= v < 1 << 31:
        raise ArgError()
    return v


def _topic_vgroups(v):
    if v is None:
        return []
    if not isinstance(v, list):
        raise ArgError()
    out = []
    for item in v:
        if item is None:
            out.append(("", 0))
            continue
        if not isinstance(item, dict):
            raise ArgError()
        t = item.get("topic")
        if t is not None and not isinstance(t, str):
            raise ArgError()
        out.append((t or "", _i32(item.get("vgroup_id"))))
    return out


_SUBSCRIBE = {"req_id": "u64", "user": "str", "password": "str", "db": "str",
              "group_id": "str", "client_id": "str", "offset_rest": "str",
              "offset_reset": "str", "auto_commit": "str", "auto_commit_interval_ms": "str",
              "snapshot_enable": "str", "with_table_name": "str", "enable_batch_meta": "str",
              "msg_consume_excluded": "str", "session_timeout_ms": "str",
              "max_poll_interval_ms": "str", "tz": "str", "app": "str", "ip": "str",
              "connector": "str", "msg_consume_rawdata": "str", "list_instances": "bool"}
_MSG = {"req_id": "u64", "message_id": "u64"}
_OFFSET = {"req_id": "u64", "topic": "str", "vgroup_id": "raw", "offset": "int"}


class HeldMessage:
    def __init__(self, index, msg):
        self.index = index
        self.msg = msg
        self.cursor = 0                 # next block handed out by `fetch`
        self.buffer = b""               # the adapter's per-message reply buffer


class TmqSession(WsConnection):
    PATH = "/rest/tmq"
    PING_THREAD = "taossim-tmq-ping"

    def __init__(self, app, ws: WebSocket, client=("127.0.0.1", 0)):
        super().__init__(app, ws, client)
        self.broker = app.store.tmq
        self.consumer = None
        self.unsubscribed = False
        self.auto_commit = False
        self.auto_interval = 5.0
        self.next_commit = 0.0
        self.index = 0                  # message id counter
        self.held = None                # HeldMessage
        self.native = threading.Lock()  # the adapter's asyncLocker around native calls
        self.sub_lock = threading.Lock()
        self.slot_cond = threading.Condition()
        self.slot = None                # the one queued poll request
        self.poller = None

    # -- replies ---------------------------------------------------------------
    def reply(self, start, action, req_id, extra=None, code=0, message="", timing=None):
        self.send(reply_envelope(start, action, req_id, code, message, timing), extra)

    def error(self, start, action, req_id, code, message, message_id=None):
        self.reply(start, action, req_id, None if message_id is None else
                   {"message_id": message_id}, code, message)

    # -- messages ------------------------------------------------------------------
    def handle_message(self, opcode: int, data: bytes, start: int):
        if opcode == OP_TEXT:
            self.handle(data, start)               # binary frames are ignored

    def release(self):
        with self.slot_cond:
            self.slot_cond.notify_all()
        if self.consumer is not None:
            self.consumer.closed = True
            with self.broker.cond:
                self.broker.cond.notify_all()
            with self.native:
                self.broker.close(self.consumer)
        self.held = None

    def handle(self, data: bytes, start: int):
        try:
            request = json.loads(data.decode("utf-8", "replace"))
        except ValueError:
            return
        if not isinstance(request, dict):
            return                                  # Go: cannot unmarshal into WSAction
        action = request.get("action")
        args = request.get("args")
        if action is not None and not isinstance(action, str):
            return
        action = action or ""
        handler = self.ACTIONS.get(action)
        if handler is None:
            return                                  # unknown action: logged, dropped
        spec, method = handler
        if action == "version" and args is None:
            parsed = {"req_id": 0}
        else:
            try:
                parsed = self._decode(action, args, spec)
            except ArgError:
                return                              # unmarshal error: logged, dropped
        if action == "poll":
            with self.slot_cond:
                self.slot = (start, parsed)         # replaces an older queued poll
                self.slot_cond.notify_all()
            return
        self.faults.begin(action)                   # polls: on the poller thread
        getattr(self, method)(start, action, parsed)

    @staticmethod
    def _decode(action, args, spec):
        if args is None:
            args = {}
        if not isinstance(args, dict):
            raise ArgError()
        out = decode_args(args, {k: v for k, v in spec.items() if v in
                                 ("u64", "int", "str", "bool", "raw")})
        if action == "subscribe":
            out["topics"] = _strs(args.get("topics"))
            out["config"] = _str_map(args.get("config"))
        if action == "poll":
            mid = args.get("message_id")
            out["message_id"] = None if mid is None else decode_args({"m": mid}, {"m": "u64"})["m"]
        if "vgroup_id" in spec:
            out["vgroup_id"] = _i32(args.get("vgroup_id"))
        if action in ("committed", "position"):
            out["topic_vgroup_ids"] = _topic_vgroups(args.get("topic_vgroup_ids"))
        return out

    # -- version / subscribe --------------------------------------------------------
    def version(self, start, action, a):
        self.reply(start, action, a["req_id"], {"version": CLIENT_VERSION})

    def subscribe(self, start, action, a):
        req_id = a["req_id"]
        with self.sub_lock:
            extra = {"version": CLIENT_VERSION}
            if a["list_instances"]:
                extra["list_instances"] = []
            if self.consumer is not None:
                if not self.unsubscribed:
                    self.error(start, action, req_id, errors.GENERIC,
                               "tmq should have unsubscribed first")
                    return
                try:
                    with self.native:
                        self.broker.subscribe(self.consumer, a["topics"])
                except TaosError as e:
                    self.error(start, action, req_id, e.code, e.desc)
                    return
                self.unsubscribed = False
                self.reply(start, action, req_id, extra)
                return
            opts = {}
            for key, name in (("group_id", "group.id"), ("client_id", "client.id"),
                              ("db", "td.connect.db"), ("snapshot_enable",
                                                        "experimental.snapshot.enable"),
                              ("enable_batch_meta", "msg.enable.batchmeta"),
                              ("session_timeout_ms", "session.timeout.ms"),
                              ("max_poll_interval_ms", "max.poll.interval.ms"),
                              ("msg_consume_rawdata", "msg.consume.rawdata"),
                              ("with_table_name", "msg.with.table.name"),
                              ("msg_consume_excluded", "msg.consume.excluded"),
                              ("auto_commit", "enable.auto.commit"),
                              ("auto_commit_interval_ms", "auto.commit.interval.ms")):
                if a[key]:
                    opts[name] = a[key]
            opts["td.connect.user"] = a["user"]
            opts["td.connect.pass"] = a["password"]
            reset = a["offset_reset"] or a["offset_rest"]
            if reset:
                opts["auto.offset.reset"] = reset
            for k, v in a["config"].items():
                if k not in ("td.connect.user", "td.connect.pass", "td.connect.ip",
                             "td.connect.port"):
                    opts[k] = v
            auto_commit, interval = False, 5.0
            if "enable.auto.commit" in opts:
                try:
                    auto_commit = _go_parse_bool(opts["enable.auto.commit"])
                except ValueError as e:
                    self.error(start, action, req_id, errors.GENERIC, str(e))
                    return
            opts["enable.auto.commit"] = "false"
            if "auto.commit.interval.ms" in opts:
                try:
                    interval = _go_parse_int(opts["auto.commit.interval.ms"]) / 1000.0
                except ValueError as e:
                    self.error(start, action, req_id, errors.GENERIC, str(e))
                    return
            for k, v in opts.items():
                bad = _conf_check(k, v)
                if bad is not None:
                    self.error(start, action, req_id, INVALID_PARA, bad)
                    return
            # tmq_consumer_new: group id required, then connect with the credentials
            if not opts.get("group.id"):
                self.error(start, action, req_id, errors.GENERIC,
                           "malloc tmq element failed or group is empty")
                return
            try:
                self.app.accounts.connect(Credentials(a["user"], a["password"]))
            except TaosError:                       # 3.3.x hides the auth code (TS-7274)
                self.error(start, action, req_id, errors.GENERIC, "init tscObj failed")
                return
            with_tb = opts.get("msg.with.table.name", "true").lower() == "true"
            consumer = self.broker.new_consumer(opts["group.id"], opts.get("client.id", ""),
                                                a["user"], opts.get("auto.offset.reset", "latest"),
                                                with_tb, self.client[0])
            try:
                with self.native:
                    self.broker.subscribe(consumer, a["topics"])
            except TaosError as e:
                self.error(start, action, req_id, e.code, e.desc)
                return
            self.auto_commit = auto_commit
            self.auto_interval = interval
            self.next_commit = 0.0
            self.consumer = consumer
            self.poller = threading.Thread(target=self._poll_loop, daemon=True,
                                           name="taossim-tmq-poll")
            self.poller.start()
            self.reply(start, action, req_id, extra)

    # -- poll ----------------------------------------------------------------------
    def _poll_loop(self):
        while not self._stop.is_set():
            with self.slot_cond:
                while self.slot is None and not self._stop.is_set():
                    self.slot_cond.wait(0.5)
                if self._stop.is_set():
                    return
                start, a = self.slot
                self.slot = None
            try:
                self.faults.begin("poll")
                self.poll(start, "poll", a)
            except Exception as exc:
                self.app.log(f"/rest/tmq poll internal error: {exc!r}")
                import traceback
                traceback.print_exc()
            finally:
                self.faults.end()

    @staticmethod
    def _describe(h: HeldMessage) -> dict:
        m = h.msg
        return {"have_message": True, "topic": m.topic, "database": m.database,
                "vgroup_id": m.vgroup_id, "message_type": 1, "message_id": h.index,
                "offset": m.offset}

    def poll(self, start, action, a):
        req_id = a["req_id"]
        if self.consumer is None:
            self.error(start, action, req_id, errors.GENERIC, "tmq not init")
            return
        mid = a["message_id"]
        held = self.held
        if mid is not None and held is not None and mid != held.index:
            self.reply(start, action, req_id, self._describe(held))   # resend the held one
            return
        with self.native:
            now = time.monotonic()
            if self.auto_commit and now > self.next_commit:
                self.broker.commit_all(self.consumer)
                self.next_commit = now + self.auto_interval
            msg = self.broker.poll(self.consumer, a["blocking_time"],
                                   alive=lambda: not self._stop.is_set())
        if self._stop.is_set():
            return
        body = {"have_message": False, "topic": "", "database": "", "vgroup_id": 0,
                "message_type": 0, "message_id": 0, "offset": 0}
        if msg is not None:
            self.index += 1
            self.held = HeldMessage(self.index, msg)     # frees the previous one
            body = self._describe(self.held)
        self.reply(start, action, req_id, body)

    # -- reading a message ---------------------------------------------------------
    def _held_for(self, start, action, a, nil_msg, check_data=True):
        """Common checks of fetch/fetch_block/fetch_raw; -> HeldMessage or None (replied)."""
        req_id, mid = a["req_id"], a["message_id"]
        if self.consumer is None:
            self.error(start, action, req_id, errors.GENERIC, "tmq not init", mid)
            return None
        h = self.held
        if h is None:
            self.error(start, action, req_id, errors.GENERIC, "message has been freed", mid)
            return None
        if h.index != mid:
            self.error(start, action, req_id, errors.GENERIC, nil_msg, mid)
            return None
        return h

    def fetch(self, start, action, a):
        h = self._held_for(start, action, a, "message ID are not equal")
        if h is None:
            return
        req_id, mid = a["req_id"], a["message_id"]
        with self.native:
            blocks = h.msg.blocks
            if h.cursor >= len(blocks):
                # the adapter never sets `timing` on this path: it stays 0
                self.reply(start, action, req_id, timing=0, extra={
                    "message_id": mid, "completed": True, "table_name": "", "rows": 0,
                    "fields_count": 0, "fields_names": None, "fields_types": None,
                    "fields_lengths": None, "precision": 0})
                return
            b = blocks[h.cursor]
            h.cursor += 1
            raw = b.raw()
            h.buffer = struct.pack("<QQQ", 0, req_id, mid) + raw
        body = {"message_id": mid, "completed": False,
                "table_name": b.table_name if h.msg.with_table_name else "",
                "rows": b.rows, "fields_count": len(b.fields),
                "fields_names": [f.name for f in b.fields],
                "fields_types": [f.type.code for f in b.fields],
                "fields_lengths": [f.type.rest_length for f in b.fields],
                "precision": {"ms": 0, "us": 1, "ns": 2}.get(b.precision, 0)}
        self.reply(start, action, req_id, body)

    def fetch_block(self, start, action, a):
        h = self._held_for(start, action, a, "message is nil")
        if h is None:
            return
        if not h.buffer:
            self.error(start, action, a["req_id"], errors.GENERIC, "no fetch data",
                       a["message_id"])
            return
        buf = bytearray(h.buffer)
        struct.pack_into("<Q", buf, 0, time.time_ns() - start)
        h.buffer = bytes(buf)
        self.ws.send_binary(h.buffer)

    def fetch_raw(self, start, action, a):
        h = self._held_for(start, action, a, "message ID is not equal")
        if h is None:
            return
        raw = h.msg.raw_data()
        h.buffer = struct.pack("<QQQQIH", time.time_ns() - start, a["req_id"], a["message_id"],
                               TMQ_RAW_MESSAGE, len(raw), RES_TYPE_TMQ) + raw
        self.ws.send_binary(h.buffer)

    def _raw_data_error(self, start, req_id, mid, code, message):
        m = message.encode()
        frame = struct.pack("<QQHQQII", NEW_FORMAT_FLAG, FETCH_RAW_DATA, 1,
                            time.time_ns() - start, req_id, code & 0xFFFF, len(m)) + m \
            + struct.pack("<Q", mid)
        self.ws.send_binary(frame)

    def fetch_raw_data(self, start, action, a):
        req_id, mid = a["req_id"], a["message_id"]
        if self.consumer is None:
            self._raw_data_error(start, req_id, mid, errors.GENERIC, "tmq not init")
            return
        h = self.held
        if h is None:
            self._raw_data_error(start, req_id, mid, errors.GENERIC, "message has been freed")
            return
        if h.index != mid:
            self._raw_data_error(start, req_id, mid, errors.GENERIC, "message ID is not equal")
            return
        with self.native:
            raw = h.msg.raw_data()
        h.buffer = struct.pack("<QQHQQIIQHI", NEW_FORMAT_FLAG, FETCH_RAW_DATA, 1,
                               time.time_ns() - start, req_id, 0, 0, mid, RES_TYPE_TMQ,
                               len(raw)) + raw
        self.ws.send_binary(h.buffer)

    def fetch_json_meta(self, start, action, a):
        req_id, mid = a["req_id"], a["message_id"]
        if self.consumer is None:
            self.error(start, action, req_id, errors.GENERIC, "tmq not init", mid)
            return
        h = self.held
        if h is None:
            self.error(start, action, req_id, errors.GENERIC, "message has been freed", mid)
            return
        # only data messages (type 1) exist in the simulator
        self.error(start, action, req_id, errors.GENERIC,
                   "message type can not get meta, type: 1", mid)

    # -- offsets ---------------------------------------------------------------------
    def _need_consumer(self, start, action, req_id) -> bool:
        if self.consumer is None:
            self.error(start, action, req_id, errors.GENERIC, "tmq not init")
            return False
        return True

    def commit(self, start, action, a):
        if not self._need_consumer(start, action, a["req_id"]):
            return
        with self.native:
            self.broker.commit_all(self.consumer)
        self.reply(start, action, a["req_id"], {"message_id": a["message_id"]})

    def commit_offset(self, start, action, a):
        if not self._need_consumer(start, action, a["req_id"]):
            return
        try:
            with self.native:
                self.broker.commit_offset(self.consumer, a["topic"], a["vgroup_id"], a["offset"])
        except TaosError as e:
            self.error(start, action, a["req_id"], e.code, e.desc)
            return
        self.reply(start, action, a["req_id"], {"topic": a["topic"], "vgroup_id": a["vgroup_id"],
                                                "offset": a["offset"]})

    def seek(self, start, action, a):
        if not self._need_consumer(start, action, a["req_id"]):
            return
        try:
            with self.native:
                self.broker.seek(self.consumer, a["topic"], a["vgroup_id"], a["offset"])
        except TaosError as e:
            self.error(start, action, a["req_id"], e.code, e.desc)
            return
        self.reply(start, action, a["req_id"])

    def _offsets(self, start, action, a, fn):
        if not self._need_consumer(start, action, a["req_id"]):
            return
        out = []
        for topic, vg in a["topic_vgroup_ids"]:
            try:
                with self.native:
                    out.append(fn(self.consumer, topic, vg))
            except TaosError as e:
                self.error(start, action, a["req_id"], e.code, e.desc)
                return
        self.reply(start, action, a["req_id"], {action: out})

    def committed(self, start, action, a):
        self._offsets(start, action, a, self.broker.committed)

    def position(self, start, action, a):
        self._offsets(start, action, a, self.broker.position)

    def assignment(self, start, action, a):
        if not self._need_consumer(start, action, a["req_id"]):
            return
        try:
            with self.native:
                result = self.broker.assignment(self.consumer, a["topic"])
        except TaosError as e:
            self.error(start, action, a["req_id"], e.code, e.desc)
            return
        self.reply(start, action, a["req_id"], {"assignment": result or None})

    def list_topics(self, start, action, a):
        if not self._need_consumer(start, action, a["req_id"]):
            return
        self.reply(start, action, a["req_id"], {"topics": list(self.consumer.topics)})

    def unsubscribe(self, start, action, a):
        with self.sub_lock:
            if not self._need_consumer(start, action, a["req_id"]):
                return
            with self.native:
                self.broker.unsubscribe(self.consumer)
            self.held = None
            self.unsubscribed = True
            self.reply(start, action, a["req_id"])

    ACTIONS = {
        "version": ({"req_id": "u64"}, "version"),
        "subscribe": (_SUBSCRIBE, "subscribe"),
        "poll": ({"req_id": "u64", "blocking_time": "int"}, "poll"),
        "fetch": (_MSG, "fetch"),
        "fetch_block": (_MSG, "fetch_block"),
        "fetch_raw": (_MSG, "fetch_raw"),
        "fetch_raw_data": (_MSG, "fetch_raw_data"),
        "fetch_json_meta": (_MSG, "fetch_json_meta"),
        "commit": (_MSG, "commit"),
        "commit_offset": (_OFFSET, "commit_offset"),
        "seek": (_OFFSET, "seek"),
        "committed": ({"req_id": "u64"}, "committed"),
        "position": ({"req_id": "u64"}, "position"),
        "assignment": ({"req_id": "u64", "topic": "str"}, "assignment"),
        "list_topics": ({"req_id": "u64"}, "list_topics"),
        "unsubscribe": ({"req_id": "u64"}, "unsubscribe"),
    }
