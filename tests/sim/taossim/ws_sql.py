"""/ws connection, query, fetch, schemaless and misc actions (protocol.md §2.4–2.7).

Results are cut into raw blocks of at most BLOCK_ROWS rows; a result is freed
(forgotten) when a fetch reports completion, on ``free_result`` and on
disconnect, like the adapter's QueryResultHolder.

Plain SELECTs go through the /ws block cache (cache.BlockCache, keyed like the
REST cache on the SQL text, the session's database and zone, and the store's
generation): a hit skips execution and serves the blocks encoded for an earlier
identical query; on a miss the cursor keeps the blocks it encodes and stores
them once the whole result has been encoded.
"""

import json
import struct
import time

from . import errors
from . import rawblock
from .auth import Credentials
from .engine import SERVER_VERSION, CLIENT_VERSION
from .errors import TaosError
from .influx import PRECISIONS as LINE_PRECISIONS
from .influx import parse_line
from .opentsdb import _json_point, _telnet_point
from .rest import _NO_CACHE, load_location
from .result import Result
from .schemaless import invalid, write_points
from .sqlparse import parse
from .values import PREC_CODE

BLOCK_ROWS = 4096               # rows per raw block (taosd's default maxRows)
FETCH_RAW_BLOCK = 7
NEW_FORMAT_FLAG = 0xFFFFFFFFFFFFFFFF

# Schemaless precision strings (§7.2) -> ns per unit; anything else = "not configured".
SML_PRECISIONS = {"h": 3_600_000_000_000, "m": 60_000_000_000, "s": 1_000_000_000,
                  "ms": 1_000_000, "u": 1_000, "\u03bc": 1_000, "ns": 1}


class ResultCursor:
    """A query result held server-side between fetches.

    ``blocks``: pre-encoded ((rows, block), ...) to serve instead of encoding ``result``'s
    columns (a cache hit).  ``on_complete``: called once with the list of every encoded
    (rows, block) when the last block has been encoded (a cache miss to fill).
    """

    def __init__(self, result, blocks=None, on_complete=None):
        self.result = result
        self.pos = 0
        self.block = None            # last block handed out by `fetch`
        self._blocks = blocks
        self._on_complete = on_complete
        self._encoded = [] if on_complete is not None and blocks is None else None

    def next_block(self):
        """-> (rows, block bytes) or (0, None) at the end."""
        if self._blocks is not None:
            if self.pos >= len(self._blocks):
                return 0, None
            self.pos += 1
            return self._blocks[self.pos - 1]
        res = self.result
        n = res.nrows
        if self.pos >= n:
            self._complete()
            return 0, None
        begin = self.pos
        end = min(n, begin + BLOCK_ROWS)
        cols = [c[begin:end] for c in res.columns]
        self.pos = end
        out = (end - begin, rawblock.encode(res.fields, cols))
        if self._encoded is not None:
            self._encoded.append(out)
            if end >= n:
                self._complete()
        return out

    def _complete(self):
        if self._encoded is not None:
            encoded, self._encoded = self._encoded, None
            self._on_complete(encoded)


def fields_meta(res) -> dict:
    """The column description members shared by query / use_result replies."""
    types = [f.type for f in res.fields]
    dec = (17, 21)
    return {
        "fields_count": len(types),
        "fields_names": [f.name for f in res.fields],
        "fields_types": [t.code for t in types],
        "fields_lengths": [t.rest_length for t in types],
        "precision": PREC_CODE.get(res.precision, 0),
        "fields_precisions": [t.precision if t.code in dec else 0 for t in types],
        "fields_scales": [t.scale if t.code in dec else 0 for t in types],
    }


def query_reply(result_id: int, res) -> dict:
    if res.is_update:
        return {"id": 0, "is_update": True, "affected_rows": res.affected_rows, "fields_count": 0,
                "fields_names": None, "fields_types": None, "fields_lengths": None,
                "precision": 0, "fields_precisions": None, "fields_scales": None}
    meta = fields_meta(res)
    return {"id": result_id, "is_update": False, "affected_rows": 0,
            "fields_count": meta.pop("fields_count"), **meta}


def raw_block_frame(req_id, result_id, timing, code=0, message="", block=None) -> bytes:
    """fetch_raw_block reply (§2.7.1): 55-byte header + block, or 51+M bytes when finished."""
    msg = message.encode()
    head = struct.pack("<QQHQQII", NEW_FORMAT_FLAG, FETCH_RAW_BLOCK, 1, timing, req_id,
                       code & 0xFFFF, len(msg)) + msg + struct.pack("<Q", result_id)
    if block is None:
        return head + b"\x01"
    return head + b"\x00" + struct.pack("<I", len(block)) + block


class SqlActions:
    # action -> (args spec, method, name used in "unmarshal <name> request error")
    ACTIONS = {
        "version": ({"req_id": "u64"}, "version", "version"),
        "conn": ({"req_id": "u64", "user": "str", "password": "str", "db": "str", "mode": "raw",
                  "tz": "str", "app": "str", "ip": "str", "connector": "str",
                  "totp_code": "str", "bearer_token": "str", "list_instances": "bool"},
                 "conn", "connect"),
        "check_server_status": ({"req_id": "u64", "fqdn": "raw", "port": "int"},
                                "check_server_status", "check server status"),
        "options_connection": ({"req_id": "u64", "options": "raw"}, "options_connection",
                               "options connection"),
        "query": ({"req_id": "u64", "sql": "str"}, "query", "query"),
        "fetch": ({"req_id": "u64", "id": "u64"}, "fetch", "fetch"),
        "fetch_block": ({"req_id": "u64", "id": "u64"}, "fetch_block", "fetch block"),
        "free_result": ({"req_id": "u64", "id": "u64"}, "free_result", "free result"),
        "num_fields": ({"req_id": "u64", "result_id": "u64"}, "num_fields", "num fields"),
        "insert": ({"req_id": "u64", "protocol": "int", "precision": "str", "ttl": "int",
                    "data": "str", "table_name_key": "str"}, "schemaless", "schemaless insert"),
        "get_current_db": ({"req_id": "u64"}, "get_current_db", "get current db"),
        "get_server_info": ({"req_id": "u64"}, "get_server_info", "get server info"),
    }

    def __init__(self, ws_session):
        self.s = ws_session

    @property
    def app(self):
        return self.s.app

    # -- connection ------------------------------------------------------------------
    def version(self, start, action, a):
        self.s.reply(start, action, a["req_id"], extra={"version": CLIENT_VERSION})

    def conn(self, start, action, a):
        s = self.s
        rid = a["req_id"]
        if s.connected:
            s.error(start, action, rid, errors.GENERIC, "duplicate connections")
            return
        cred = Credentials(user=a["user"], password=a["password"])
        if a["bearer_token"]:
            cred = Credentials(bearer=a["bearer_token"])
        try:
            self.app.accounts.connect(cred)
            db = a["db"]
            if db:
                with self.app.store.lock:
                    if db not in self.app.store.dbs:
                        raise TaosError(errors.MND_DB_NOT_EXIST)
        except TaosError as e:
            s.taos_error(start, action, rid, e)
            return
        mode = a["mode"]
        if mode is not None:
            if isinstance(mode, bool) or not isinstance(mode, int):
                s.error(start, action, rid, errors.GENERIC, "unmarshal connect request error")
                return
            if mode != 0:
                s.error(start, action, rid, errors.GENERIC, f"unexpected mode:{mode}")
                return
        if a["tz"]:
            try:
                s.session.tz = load_location(a["tz"])
            except ValueError:
                pass     # the native option's error for a bad zone is not known; see README
        s.session.db = a["db"] or None
        s.user = a["user"]
        s.connected = True
        extra = {"version": CLIENT_VERSION}
        if a["list_instances"]:
            extra["list_instances"] = []
        s.reply(start, action, rid, extra=extra)

    def check_server_status(self, start, action, a):
        self.s.reply(start, action, a["req_id"], extra={"status": 2, "details": ""})

    def options_connection(self, start, action, a):
        opts = a["options"] or []
        if not isinstance(opts, list):
            self.s.error(start, action, a["req_id"], errors.GENERIC,
                         "unmarshal options connection request error")
            return
        for o in opts:
            if isinstance(o, dict) and o.get("option") in (-1, 1):
                v = o.get("value")
                try:
                    self.s.session.tz = load_location(v) if v else None
                except ValueError:
                    pass
        self.s.reply(start, action, a["req_id"])

    def get_current_db(self, start, action, a):
        # taos_get_current_db succeeds with "" when no database is selected
        self.s.reply(start, action, a["req_id"], extra={"db": self.s.session.db or ""})

    def get_server_info(self, start, action, a):
        self.s.reply(start, action, a["req_id"], extra={"info": SERVER_VERSION})

    # -- query -------------------------------------------------------------------------
    def query(self, start, action, a):
        self.run_sql(start, action, a["req_id"], a["sql"])

    def _binary_sql(self, start, action, req_id, data: bytes):
        """The SQL text of a binary query/validate_sql request (version u16 at 24, length u32 at
        26, text from 30), or None after replying with taosAdapter's error for a malformed one."""
        s = self.s
        if len(data) < 31:
            s.error(start, action, req_id, errors.GENERIC, "message length is too short")
            return None
        version = struct.unpack_from("<H", data, 24)[0]
        if version != 1:
            s.error(start, action, req_id, errors.GENERIC,
                    f"unknown binary query version:{version}")
            return None
        sql_len = struct.unpack_from("<I", data, 26)[0]
        remain = len(data) - 30
        if remain < sql_len:
            s.error(start, action, req_id, errors.GENERIC,
                    f"uncompleted message, sql length:{sql_len}, remainMessageLength:{remain}")
            return None
        return data[30:30 + sql_len].decode("utf-8", "surrogateescape")

    def binary_query(self, start, action, req_id, data: bytes):
        sql = self._binary_sql(start, action, req_id, data)
        if sql is not None:
            self.run_sql(start, action, req_id, sql)

    def execute(self, sql: str):
        """Run one statement on this socket's session; raises TaosError."""
        sql = sql.strip()
        try:
            return self.app.engine.execute(sql, self.s.session)
        except RecursionError:
            raise errors.syntax_error(sql) from None

    def run_sql(self, start, action, req_id, sql):
        s = self.s
        app = self.app
        store = app.store
        key = None
        text = sql.strip()
        if app.cache_enabled and text[:6].lower() == "select" and not _NO_CACHE.search(text):
            key = (text, s.session.db, s.session.tz)
            hit = app.ws_cache.get_or_repeat(key, store.generation)
            if hit is not None:
                rid = self.add_result(hit.meta, ResultCursor(hit.meta, blocks=hit.blocks))
                s.reply(start, action, req_id, extra=query_reply(rid, hit.meta))
                return
        generation = store.generation
        try:
            res = self.execute(sql)
        except TaosError as e:
            s.taos_error(start, action, req_id, e)
            return
        rid = 0
        if not res.is_update:
            cursor = None
            if key is not None and res.cacheable and generation == store.generation:
                meta = Result(res.fields, [], res.precision)
                cursor = ResultCursor(res, on_complete=lambda blocks: app.ws_cache.put(
                    key, generation, meta, blocks))
            rid = self.add_result(res, cursor)
        s.reply(start, action, req_id, extra=query_reply(rid, res))

    def add_result(self, res, cursor=None) -> int:
        s = self.s
        rid = s.next_result_id
        s.next_result_id += 1
        s.results[rid] = cursor if cursor is not None else ResultCursor(res)
        return rid

    def _result(self, start, action, a, key="id"):
        """The open result named by a[key], or None after answering taosAdapter's "result is nil"."""
        cur = self.s.results.get(a[key])
        if cur is None:
            self.s.error(start, action, a["req_id"], errors.GENERIC, "result is nil")
        return cur

    def fetch(self, start, action, a):
        s = self.s
        rid = a["id"]
        cur = self._result(start, action, a)
        if cur is None:
            return
        rows, block = cur.next_block()
        if block is None:
            s.results.pop(rid, None)
            s.reply(start, action, a["req_id"], extra={"id": rid, "completed": True,
                                                       "lengths": None, "rows": 0})
            return
        cur.block = block
        # taos_fetch_lengths: the internal column widths (raw-block "bytes")
        lengths = [f.type.raw_bytes if f.type.code not in (17, 21) else
                   (16 if f.type.code == 17 else 8) for f in cur.result.fields]
        s.reply(start, action, a["req_id"], extra={"id": rid, "completed": False,
                                                   "lengths": lengths, "rows": rows})

    def fetch_block(self, start, action, a):
        s = self.s
        cur = self._result(start, action, a)
        if cur is None:
            return
        if cur.block is None:
            s.error(start, action, a["req_id"], errors.GENERIC, "block is nil")
            return
        s.ws.send_binary(struct.pack("<QQ", time.time_ns() - start, a["id"]) + cur.block)

    def fetch_raw_block(self, start, req_id, result_id, data: bytes):
        s = self.s

        def err(msg):
            s.ws.send_binary(raw_block_frame(req_id, result_id, time.time_ns() - start,
                                             errors.GENERIC, msg))
        if len(data) < 26:
            err("message length is too short")
            return
        if struct.unpack_from("<H", data, 24)[0] != 1:
            err("unknown fetch raw block version")
            return
        cur = s.results.get(result_id)
        if cur is None:
            err("result is nil")
            return
        rows, block = cur.next_block()
        if block is None:
            s.results.pop(result_id, None)
            s.ws.send_binary(raw_block_frame(req_id, result_id, time.time_ns() - start))
            return
        cur.block = block
        s.ws.send_binary(raw_block_frame(req_id, result_id, time.time_ns() - start, block=block))

    def free_result(self, start, action, a):
        self.s.results.pop(a["id"], None)       # never answered

    def num_fields(self, start, action, a):
        s = self.s
        cur = self._result(start, action, a, key="result_id")
        if cur is None:
            return
        s.reply(start, action, a["req_id"], extra={"num_fields": len(cur.result.fields)})

    def validate_sql(self, start, action, req_id, data: bytes):
        s = self.s
        sql = self._binary_sql(start, action, req_id, data)
        if sql is None:
            return
        code = 0
        try:
            parse(sql.strip())
        except TaosError as e:
            code = (e.code | 0x80000000) - (1 << 32)      # native errno, negative int32
        except RecursionError:
            code = (errors.PAR_SYNTAX_ERROR | 0x80000000) - (1 << 32)
        s.reply(start, action, req_id, extra={"result_code": code})

    # -- schemaless ----------------------------------------------------------------------
    def schemaless(self, start, action, a):
        s = self.s
        rid = a["req_id"]
        protocol = a["protocol"]
        if protocol == 0:
            s.error(start, action, rid, errors.GENERIC, "schemaless write protocol is null")
            return
        try:
            if not s.session.db:
                raise TaosError(errors.PAR_DB_NOT_SPECIFIED)
            points = self._points(protocol, a["precision"], a["data"])
            n = write_points(self.app.store, s.session.db, points,
                             a["table_name_key"] or None)
        except TaosError as e:
            s.taos_error(start, action, rid, e)
            return
        s.reply(start, action, rid, extra={"affected_rows": n, "total_rows": len(points)})

    @staticmethod
    def _points(protocol: int, precision: str, data: str) -> list:
        unit = SML_PRECISIONS.get(precision)       # None = not configured
        if protocol == 1:
            line_unit = unit if unit is not None else LINE_PRECISIONS["ns"]
            points = [parse_line(ln.strip(), line_unit) for ln in data.split("\n")
                      if ln.strip() and not ln.lstrip().startswith("#")]
        elif protocol == 2:
            points = []
            for ln in data.split("\n"):
                ln = ln.strip()
                if not ln:
                    continue
                p = _telnet_point(_with_precision(ln, unit))
                points.append(p)
        elif protocol == 3:
            try:
                doc = json.loads(data)
            except ValueError:
                raise invalid("json") from None
            items = doc if isinstance(doc, list) else [doc]
            points = []
            for o in items:
                if unit is not None and isinstance(o, dict) and "timestamp" in o:
                    ts = o["timestamp"]
                    if isinstance(ts, int) and not isinstance(ts, bool):
                        o = dict(o, timestamp=str(ts * unit))
                points.append(_json_point(o))
        else:
            # TDengine: TSDB_CODE_SML_INVALID_PROTOCOL_TYPE
            raise TaosError(0x3000, "Invalid line protocol type")
        if not points:
            raise invalid("no data")
        return points


def _with_precision(line: str, unit):
    """Telnet with a configured precision: rewrite the timestamp to ns digits."""
    if unit is None:
        return line
    parts = line.split(None, 2)
    if len(parts) >= 2 and parts[1].isdigit():
        parts[1] = str(int(parts[1]) * unit)
        if len(parts[1]) != 19:
            raise invalid(f"timestamp {parts[1]}")
        return " ".join(parts)
    return line
