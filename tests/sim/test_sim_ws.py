"""Tests for the simulator's WebSocket endpoint /ws (stdlib only).

A tiny RFC 6455 client lives in this file.  Run: python -m pytest tests/sim
"""

import base64
import hashlib
import json
import os
import socket
import struct
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from taossim import App, rawblock, start_in_thread  # noqa: E402
from taossim import types as T  # noqa: E402
from taossim.result import Field  # noqa: E402

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

# protocol.md §4.7: INT, VARCHAR(10), TIMESTAMP(ms); rows (1,"ab",1700000000000),
# (NULL,"xyz",1700000000001)
BLOCK_47 = bytes.fromhex(
    "0100000062000000020000000300000000000080000000000000000004040000"
    "00080c0000000908000000080000000900000010000000400100000000000000"
    "000000000400000002006162030078797a000068e5cf8b0100000168e5cf8b01"
    "0000")


class WsClient:
    def __init__(self, port, path="/ws", key=None, extra=""):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.key = key or base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {self.key}\r\nSec-WebSocket-Version: 13\r\n"
                           f"{extra}\r\n").encode())
        self.buf = b""
        head = self._read_until(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status_line = lines[0]
        self.headers = {}
        for h in lines[1:]:
            if h:
                k, _, v = h.partition(":")
                self.headers[k.strip().lower()] = v.strip()

    def _read_until(self, marker):
        while marker not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        head, _, self.buf = self.buf.partition(marker)
        return head

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send_frame(self, opcode, payload, fin=True, masked=True):
        b0 = (0x80 if fin else 0) | opcode
        n = len(payload)
        mbit = 0x80 if masked else 0
        if n < 126:
            head = struct.pack("!BB", b0, mbit | n)
        elif n < 65536:
            head = struct.pack("!BBH", b0, mbit | 126, n)
        else:
            head = struct.pack("!BBQ", b0, mbit | 127, n)
        if masked:
            mask = os.urandom(4)
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            head += mask
        self.sock.sendall(head + payload)

    def recv_frame(self):
        b0, b1 = self._read(2)
        assert not b1 & 0x80, "server frames must not be masked"
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
        return b0 & 0x0F, bool(b0 & 0x80), self._read(n)

    def recv(self):
        """Next data message (pings are answered)."""
        while True:
            op, fin, data = self.recv_frame()
            assert fin
            if op == 0x9:
                self.send_frame(0xA, data)
                continue
            return op, data

    def json(self, action, **args):
        self.send_frame(0x1, json.dumps({"action": action, "args": args}).encode())
        return self.recv_json()

    def recv_json(self):
        op, data = self.recv()
        assert op == 0x1, data
        return json.loads(data)

    def binary(self, req_id, resource, action, payload=b""):
        self.send_frame(0x2, struct.pack("<QQQ", req_id, resource, action) + payload)
        return self.recv()

    def close(self):
        self.sock.close()


def q(ws, sql, req_id=7):
    r = ws.json("query", req_id=req_id, sql=sql)
    assert r["code"] == 0, r
    return r


def read_block(block: bytes):
    """A small independent raw-block reader (protocol.md §4.8)."""
    _, total, rows, ncols, _, _ = struct.unpack_from("<iiiiIQ", block, 0)
    assert total == len(block)
    infos = [struct.unpack_from("<bi", block, 28 + 5 * i) for i in range(ncols)]
    lens = struct.unpack_from(f"<{ncols}i", block, 28 + 5 * ncols)
    p = 28 + 9 * ncols
    cols = []
    for (typ, _), ln in zip(infos, lens):
        if typ in (8, 10, 15, 16, 20):
            offs = struct.unpack_from(f"<{rows}i", block, p)
            base = p + 4 * rows
            col = []
            for o in offs:
                if o < 0:
                    col.append(None)
                    continue
                n = struct.unpack_from("<H", block, base + o)[0]
                raw = block[base + o + 2: base + o + 2 + n]
                col.append(raw.decode("utf-32-le") if typ == 10 else raw)
            p = base + ln
        else:
            fmt = {1: "b", 2: "b", 3: "h", 4: "i", 5: "q", 6: "f", 7: "d", 9: "q"}[typ]
            bm = block[p:p + (rows + 7) // 8]
            p += (rows + 7) // 8
            vals = struct.unpack_from(f"<{rows}{fmt}", block, p)
            col = [None if bm[r // 8] & (0x80 >> (r % 8)) else vals[r] for r in range(rows)]
            p += ln
        cols.append(col)
    assert p == total
    return rows, cols


# -- transport ------------------------------------------------------------------------

def test_handshake_accept_key(port):
    key = "dGhlIHNhbXBsZSBub25jZQ=="            # RFC 6455 §1.3 example
    c = WsClient(port, key=key)
    assert c.status_line == "HTTP/1.1 101 Switching Protocols"
    assert c.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    assert c.headers["upgrade"].lower() == "websocket"
    assert "sec-websocket-extensions" not in c.headers       # no permessage-deflate
    expect = base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()
    assert c.headers["sec-websocket-accept"] == expect
    c.close()


def test_non_upgrade_get_is_400(port):
    import http.client
    h = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    h.request("GET", "/ws")
    r = h.getresponse()
    assert r.status == 400 and r.read() == b"Bad Request\n"
    h.close()
    bad = WsClient.__new__(WsClient)
    bad.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    bad.buf = b""
    bad.sock.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade"
                     b"\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     b"Sec-WebSocket-Version: 8\r\n\r\n")
    assert bad._read_until(b"\r\n").startswith(b"HTTP/1.1 400")
    bad.sock.close()


def test_fragmentation_ping_and_close(port):
    c = WsClient(port)
    msg = json.dumps({"action": "version", "args": {"req_id": 3}}).encode()
    c.send_frame(0x1, msg[:10], fin=False)
    c.send_frame(0x9, b"hi")                   # control frame between fragments
    c.send_frame(0x0, msg[10:20], fin=False)
    c.send_frame(0x0, msg[20:], fin=True)
    op, fin, data = c.recv_frame()
    assert (op, data) == (0xA, b"hi")          # pong echoes the ping payload
    r = c.recv_json()
    assert r["action"] == "version" and r["version"] == "3.3.6.0" and r["req_id"] == 3
    c.send_frame(0x8, struct.pack("!H", 1000))
    op, _, data = c.recv_frame()
    assert op == 0x8 and struct.unpack("!H", data[:2])[0] == 1000
    c.close()


def test_unmasked_client_frame_is_protocol_error(port):
    c = WsClient(port)
    c.send_frame(0x1, b'{"action":"version"}', masked=False)
    op, _, data = c.recv_frame()
    assert op == 0x8 and struct.unpack("!H", data[:2])[0] == 1002
    c.close()


# -- connection-level actions ----------------------------------------------------------

def test_version_conn_and_dispatch_errors(port):
    c = WsClient(port)
    c.send_frame(0x1, b'{"action":"version"}')
    r = c.recv_json()
    assert list(r) == ["code", "message", "action", "req_id", "timing", "version"]
    assert r["version"] == "3.3.6.0" and r["req_id"] == 0
    r = c.json("query", req_id=5, sql="select 1")
    assert (r["code"], r["message"], r["action"], r["req_id"]) == \
        (0xFFFF, "server not connected", "query", 5)
    _, data = c.binary(6, 0, 7, b"\x01\x00")
    assert json.loads(data)["message"] == "server not connected"
    r = c.json("conn", req_id=9, user="root", password="nope")
    assert (r["code"], r["message"], r["action"], r["req_id"]) == \
        (0x0357, "Authentication failure", "conn", 9)
    r = c.json("conn", req_id=10, user="root", password="taosdata", db="no_such_db")
    assert (r["code"], r["message"]) == (0x0388, "Database not exist")
    r = c.json("conn", req_id=11, user="root", password="taosdata", db=None, tz=None)
    assert r == {"code": 0, "message": "", "action": "conn", "req_id": 11,
                 "timing": r["timing"], "version": "3.3.6.0"}
    r = c.json("conn", req_id=12, user="root", password="taosdata")
    assert (r["code"], r["message"]) == (0xFFFF, "duplicate connections")
    c.send_frame(0x1, b"not json")
    assert c.recv_json() == {"code": 65535, "message": "unmarshal request error", "action": "",
                             "req_id": 0, "timing": pytest.approx(0, abs=10**9)}
    r = c.json("", req_id=4)
    assert (r["message"], r["req_id"]) == ("request no action", 4)
    r = c.json("frobnicate", req_id=4)
    assert (r["code"], r["message"], r["action"]) == (0xFFFF, "unknown action frobnicate",
                                                      "frobnicate")
    r = c.json("query", req_id="x", sql=1)
    assert (r["message"], r["action"]) == ("unmarshal query request error", "query")
    r = c.json("get_server_info", req_id=2)
    assert r["info"] == "3.3.6.0"
    r = c.json("get_current_db", req_id=2)
    assert r["db"] == ""
    c.close()


# -- query / fetch -----------------------------------------------------------------------

def test_binary_query_and_fetch_raw_block_bytes(ws):
    q(ws, "create database if not exists wsb")
    q(ws, "create table if not exists wsb.t (ts timestamp, c_int int, c_str varchar(10))")
    r = q(ws, "insert into wsb.t values (1700000000000, 1, 'ab') (1700000000001, null, 'xyz')")
    assert (r["is_update"], r["affected_rows"], r["id"], r["fields_names"]) == (True, 2, 0, None)
    sql = b"select c_int, c_str, ts from wsb.t"
    _, data = ws.binary(0x11, 0, 6, struct.pack("<HI", 1, len(sql)) + sql)
    r = json.loads(data)
    assert r["action"] == "binary_query" and r["req_id"] == 0x11
    assert list(r) == ["code", "message", "action", "req_id", "timing", "id", "is_update",
                       "affected_rows", "fields_count", "fields_names", "fields_types",
                       "fields_lengths", "precision", "fields_precisions", "fields_scales"]
    assert (r["fields_names"], r["fields_types"], r["fields_lengths"], r["precision"]) == \
        (["c_int", "c_str", "ts"], [4, 8, 9], [4, 10, 8], 0)
    assert r["fields_precisions"] == [0, 0, 0] and r["fields_scales"] == [0, 0, 0]
    rid = r["id"]
    op, frame = ws.binary(0x10, rid, 7, b"\x01\x00")
    assert op == 0x2
    flag, action, version, _timing, req_id, code, mlen = struct.unpack_from("<QQHQQII", frame)
    assert (flag, action, version, req_id, code, mlen) == (2**64 - 1, 7, 1, 0x10, 0, 0)
    res_id, finished, blen = struct.unpack_from("<QBI", frame, 42)
    assert (res_id, finished, blen) == (rid, 0, 98)
    block = frame[55:]
    assert block == BLOCK_47                     # byte-exact §4.7 example
    rows, cols = read_block(block)
    assert rows == 2 and cols == [[1, None], [b"ab", b"xyz"], [1700000000000, 1700000000001]]
    _, frame = ws.binary(0x12, rid, 7, b"\x01\x00")
    assert len(frame) == 51 and frame[50] == 1   # finished, result freed
    _, frame = ws.binary(0x13, rid, 7, b"\x01\x00")
    code, mlen = struct.unpack_from("<II", frame, 34)
    assert (code, frame[42:42 + mlen], frame[-1]) == (0xFFFF, b"result is nil", 1)


def test_json_fetch_fetch_block_and_free_result(ws):
    q(ws, "create database if not exists wsb")
    q(ws, "create table if not exists wsb.n (ts timestamp, v bigint, s nchar(4))")
    q(ws, "insert into wsb.n values (1700000000000, 10, 'é') (1700000000001, 11, null)")
    r = q(ws, "select * from wsb.n")
    rid = r["id"]
    f = ws.json("fetch", req_id=20, id=rid)
    assert (f["id"], f["completed"], f["rows"], f["lengths"]) == (rid, False, 2, [8, 8, 18])
    ws.send_frame(0x1, json.dumps({"action": "fetch_block",
                                   "args": {"req_id": 21, "id": rid}}).encode())
    op, data = ws.recv()
    assert op == 0x2
    assert struct.unpack_from("<Q", data, 8)[0] == rid       # [timing][result id][block]
    rows, cols = read_block(data[16:])
    assert cols == [[1700000000000, 1700000000001], [10, 11], ["é", None]]
    f = ws.json("fetch", req_id=22, id=rid)
    assert (f["completed"], f["lengths"], f["rows"]) == (True, None, 0)
    r2 = q(ws, "select * from wsb.n")
    n = ws.json("num_fields", req_id=23, result_id=r2["id"])
    assert n["num_fields"] == 3
    ws.send_frame(0x1, json.dumps({"action": "free_result",
                                   "args": {"req_id": 24, "id": r2["id"]}}).encode())
    f = ws.json("fetch", req_id=25, id=r2["id"])        # the first reply after free_result
    assert (f["code"], f["message"], f["action"], f["req_id"]) == \
        (0xFFFF, "result is nil", "fetch", 25)
    r = ws.json("query", req_id=26, sql="select * from wsb.nope")
    assert (r["code"], r["message"]) == (0x2603, "Fail to get table info, error: "
                                                 "Table does not exist")
    assert list(r) == ["code", "message", "action", "req_id", "timing"]
    _, data = ws.binary(27, 0, 6, b"\x01\x00")
    assert json.loads(data)["message"] == "message length is too short"
    _, data = ws.binary(28, 0, 99)
    r = json.loads(data)
    assert (r["action"], r["message"]) == ("unknown", "unknown binary action 99")


def test_use_and_current_db(ws):
    q(ws, "create database if not exists wsb")
    q(ws, "use wsb")
    assert ws.json("get_current_db", req_id=1)["db"] == "wsb"


# -- schemaless ---------------------------------------------------------------------------

def test_schemaless_insert_then_select(ws):
    q(ws, "create database if not exists wss")
    q(ws, "use wss")
    r = ws.json("insert", req_id=31, protocol=1, precision="ms", ttl=0,
                data="cpu,host=a usage=0.5,n=3i 1700000000000\ncpu,host=b usage=1.5 1700000000001")
    assert (r["code"], r["action"], r["affected_rows"], r["total_rows"]) == (0, "insert", 2, 2)
    r = ws.json("insert", req_id=32, protocol=2, precision="",
                data="temp 1700000000 21.5 room=k")
    assert r["code"] == 0, r
    r = ws.json("insert", req_id=33, protocol=3, precision="ms",
                data=json.dumps({"metric": "hum", "timestamp": 1700000000000, "value": 40,
                                 "tags": {"room": "k"}}))
    assert r["code"] == 0, r
    r = q(ws, "select usage, n, host from cpu order by _ts")
    _, frame = ws.binary(34, r["id"], 7, b"\x01\x00")
    _, cols = read_block(frame[55:])
    assert cols == [[0.5, 1.5], [3, None], ["a", "b"]]
    r = ws.json("insert", req_id=35, protocol=0, data="x")
    assert (r["code"], r["message"]) == (0xFFFF, "schemaless write protocol is null")
    r = ws.json("insert", req_id=36, protocol=1, precision="ms", data="cpu usage=t 1")
    assert r["code"] == 0x3004          # type change BOOL vs DOUBLE


# -- stmt v1 ------------------------------------------------------------------------------

def test_stmt_json_and_binary_bind(ws):
    q(ws, "create database if not exists wst")
    q(ws, "create stable if not exists wst.st (ts timestamp, v int, s nchar(4)) "
          "tags (g int, name varchar(8))")
    q(ws, "use wst")
    r = ws.json("init", req_id=40)
    sid = r["stmt_id"]
    assert list(r) == ["code", "message", "action", "req_id", "timing", "stmt_id"]
    r = ws.json("prepare", req_id=41, stmt_id=sid,
                sql="insert into ? using st tags(?, ?) values(?, ?, ?)")
    assert (r["code"], r["is_insert"], r["stmt_id"]) == (0, True, sid)
    r = ws.json("get_col_fields", req_id=42, stmt_id=sid)
    assert (r["code"], r["message"]) == (0x022B, "Stmt table name not set")
    assert r["stmt_id"] == sid
    assert ws.json("set_table_name", req_id=43, stmt_id=sid, name="c1")["code"] == 0
    r = ws.json("get_col_fields", req_id=44, stmt_id=sid)
    assert r["fields"] == [
        {"name": "ts", "field_type": 9, "precision": 0, "scale": 0, "bytes": 8},
        {"name": "v", "field_type": 4, "precision": 0, "scale": 0, "bytes": 4},
        {"name": "s", "field_type": 10, "precision": 0, "scale": 0, "bytes": 18}]
    r = ws.json("get_tag_fields", req_id=45, stmt_id=sid)
    assert [f["name"] for f in r["fields"]] == ["g", "name"]
    assert ws.json("set_tags", req_id=46, stmt_id=sid, tags=[7, "xy"])["code"] == 0
    r = ws.json("bind", req_id=47, stmt_id=sid,
                columns=[[1700000000000, "2023-11-14T22:13:20.001Z"], [5, None], ["hé", None]])
    assert r["code"] == 0, r
    assert ws.json("add_batch", req_id=48, stmt_id=sid)["code"] == 0
    # binary bind (action 2): a raw block with one column per "?"
    block = rawblock.encode([Field("ts", T.SqlType(T.TIMESTAMP)), Field("v", T.SqlType(T.INT)),
                             Field("s", T.SqlType(T.NCHAR, 4))],
                            [[1700000000002], [6], ["ok"]])
    op, data = ws.binary(49, sid, 2, block)
    r = json.loads(data)
    assert (r["code"], r["action"], r["req_id"], r["stmt_id"]) == (0, "bind", 49, sid)
    assert ws.json("add_batch", req_id=50, stmt_id=sid)["code"] == 0
    r = ws.json("exec", req_id=51, stmt_id=sid)
    assert (r["code"], r["affected"]) == (0, 3)
    r = ws.json("bind", req_id=52, stmt_id=sid, columns=[[1], [2]])
    assert (r["code"], r["message"].startswith("stmt parse column json:")) == (0xFFFF, True)
    ws.send_frame(0x1, json.dumps({"action": "close",
                                   "args": {"req_id": 53, "stmt_id": sid}}).encode())
    r = ws.json("add_batch", req_id=54, stmt_id=sid)     # first reply after close
    assert (r["code"], r["message"], r["stmt_id"]) == (0xFFFF, "stmt is nil", sid)
    r = q(ws, "select ts, v, s, g, name from st order by ts")
    _, frame = ws.binary(55, r["id"], 7, b"\x01\x00")
    _, cols = read_block(frame[55:])
    assert cols == [[1700000000000, 1700000000001, 1700000000002], [5, None, 6],
                    ["hé", None, "ok"], [7, 7, 7], [b"xy", b"xy", b"xy"]]


def test_stmt_query_use_result(ws):
    q(ws, "create database if not exists wst")
    q(ws, "create table if not exists wst.q (ts timestamp, v int)")
    q(ws, "insert into wst.q values (1700000000000, 1) (1700000000001, 2)")
    sid = ws.json("init", req_id=60)["stmt_id"]
    r = ws.json("prepare", req_id=61, stmt_id=sid, sql="select v from wst.q where v > ?")
    assert r["is_insert"] is False
    assert ws.json("bind", req_id=62, stmt_id=sid, columns=[[1]])["code"] == 0
    assert ws.json("exec", req_id=63, stmt_id=sid)["affected"] == 0
    r = ws.json("use_result", req_id=64, stmt_id=sid)
    assert (r["code"], r["fields_names"], r["fields_types"]) == (0, ["v"], [4])
    f = ws.json("fetch", req_id=65, id=r["result_id"])
    assert f["rows"] == 1


# -- /ws block cache ----------------------------------------------------------------------

def _post_json(port, path, obj=None, method="POST"):
    import http.client
    h = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h.request(method, path, body=json.dumps(obj).encode() if obj is not None else None)
    r = h.getresponse()
    body = r.read()
    h.close()
    assert r.status == 200, body
    return json.loads(body)


def _stats(port):
    return _post_json(port, "/-/sim/stats", method="GET")


def _binary_fetch_all(ws, sql, req_id=0x70):
    """binary query + fetch_raw_block to the end -> (query reply without timing and result
    id, [blocks])."""
    s = sql.encode()
    _, data = ws.binary(req_id, 0, 6, struct.pack("<HI", 1, len(s)) + s)
    reply = json.loads(data)
    assert reply["code"] == 0, reply
    reply.pop("timing")
    rid = reply.pop("id")
    blocks = []
    while True:
        _, frame = ws.binary(req_id + 1, rid, 7, b"\x01\x00")
        mlen = struct.unpack_from("<I", frame, 38)[0]
        assert struct.unpack_from("<I", frame, 34)[0] == 0, frame
        p = 42 + mlen + 8
        if frame[p]:
            return reply, blocks
        blocks.append(frame[p + 5:])


def _rows(block: bytes) -> int:
    return struct.unpack_from("<i", block, 8)[0]


def _connect(port):
    c = WsClient(port)
    assert c.json("conn", req_id=1, user="root", password="taosdata", db="")["code"] == 0
    return c


def test_ws_block_cache_hit_is_byte_identical_and_writes_invalidate(port):
    _post_json(port, "/-/sim/generate", {"db": "wsc", "table": "t", "rows": 10000})
    sql = "select * from wsc.t"
    ws = _connect(port)
    s0 = _stats(port)
    r1, b1 = _binary_fetch_all(ws, sql)
    s1 = _stats(port)
    assert (s1["ws_cache_misses"] - s0["ws_cache_misses"], s1["ws_cache_hits"]) == \
        (1, s0["ws_cache_hits"])
    assert len(b1) == 3 and sum(_rows(b) for b in b1) == 10000   # 4096+4096+1808 rows
    r2, b2 = _binary_fetch_all(ws, "  " + sql + " ")        # same statement, served from cache
    s2 = _stats(port)
    assert s2["ws_cache_hits"] == s1["ws_cache_hits"] + 1
    assert s2["ws_cache_misses"] == s1["ws_cache_misses"]
    assert r2 == r1 and b2 == b1                             # same reply fields, same bytes
    # JSON fetch + fetch_block read the same cached blocks, on another connection
    ws2 = _connect(port)
    r = q(ws2, sql)
    got = []
    while True:
        f = ws2.json("fetch", req_id=80, id=r["id"])
        if f["completed"]:
            break
        ws2.send_frame(0x1, json.dumps({"action": "fetch_block",
                                        "args": {"req_id": 81, "id": r["id"]}}).encode())
        _, data = ws2.recv()
        got.append(data[16:])
        assert f["rows"] == _rows(data[16:])
    assert got == b1 and _stats(port)["ws_cache_hits"] == s2["ws_cache_hits"] + 1
    ws2.close()
    # any write bumps the generation: the next query is executed and encoded again
    q(ws, "insert into wsc.t values (1800000000000, 1, 1, 1, 1, true, 'x', 'y', 1, 1)")
    s3 = _stats(port)
    assert s3["generation"] > s2["generation"]
    r4, b4 = _binary_fetch_all(ws, sql)
    s4 = _stats(port)
    assert s4["ws_cache_misses"] == s3["ws_cache_misses"] + 1
    assert s4["ws_cache_hits"] == s3["ws_cache_hits"]
    assert sum(_rows(b) for b in b4) == 10001 and b4[:2] == b1[:2] and b4[2] != b1[2]
    r5, b5 = _binary_fetch_all(ws, sql)
    assert _stats(port)["ws_cache_hits"] == s4["ws_cache_hits"] + 1 and b5 == b4
    ws.close()


def test_ws_block_cache_matches_uncached_server_and_no_cache(port):
    """The same data on a --no-cache simulator gives the same bytes; that one never caches."""
    _post_json(port, "/-/sim/generate", {"db": "wsu", "table": "t", "rows": 5000})
    plain = start_in_thread(App(cache=False))
    try:
        _post_json(plain.port, "/-/sim/generate", {"db": "wsu", "table": "t", "rows": 5000})
        sqls = ["select * from wsu.t", "select c_int, c_nchar, ts from wsu.t where c_int > 0",
                "select count(*), max(c_double) from wsu.t", "select * from wsu.t limit 0"]
        ws, wp = _connect(port), _connect(plain.port)
        for sql in sqls:
            a1, a2 = _binary_fetch_all(ws, sql), _binary_fetch_all(ws, sql)   # miss, hit
            p1, p2 = _binary_fetch_all(wp, sql), _binary_fetch_all(wp, sql)
            assert a1 == a2 == p1 == p2, sql
        st = _stats(plain.port)
        assert (st["ws_cache_hits"], st["ws_cache_misses"]) == (0, 0)
        ws.close()
        wp.close()
    finally:
        plain.shutdown()
        plain.server_close()


def test_ws_block_cache_skips_partial_and_nondeterministic(port):
    _post_json(port, "/-/sim/generate", {"db": "wsp", "table": "t", "rows": 9000})
    ws = _connect(port)
    sql = "select * from wsp.t"
    s0 = _stats(port)
    r = q(ws, sql)
    ws.binary(0x90, r["id"], 7, b"\x01\x00")              # one block of three, then freed
    ws.send_frame(0x1, json.dumps({"action": "free_result",
                                   "args": {"req_id": 0x91, "id": r["id"]}}).encode())
    _binary_fetch_all(ws, sql)                            # not stored by the partial read: a miss
    s1 = _stats(port)
    assert (s1["ws_cache_hits"], s1["ws_cache_misses"]) == \
        (s0["ws_cache_hits"], s0["ws_cache_misses"] + 2)
    for _ in range(2):                                    # now() is never looked up
        _binary_fetch_all(ws, "select now(), c_int from wsp.t limit 1")
    s2 = _stats(port)
    assert (s2["ws_cache_hits"], s2["ws_cache_misses"]) == (s1["ws_cache_hits"],
                                                            s1["ws_cache_misses"])
    ws.close()


def test_ws_block_cache_concurrent_sessions(port):
    import threading
    _post_json(port, "/-/sim/generate", {"db": "wsm", "table": "t", "rows": 9000})
    sql = "select * from wsm.t"
    ws = _connect(port)
    ref = _binary_fetch_all(ws, sql)[1]
    ws.close()
    q(_connect(port), "insert into wsm.t values (1800000000000, 1, 1, 1, 1, true, 'x', 'y', 1, 1)")
    out, errs = [], []

    def run():
        try:
            c = _connect(port)
            for _ in range(3):
                out.append(_binary_fetch_all(c, sql)[1])
            c.close()
        except Exception as e:        # noqa: BLE001 - reported below
            errs.append(e)
    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errs and len(out) == 12
    assert all(b == out[0] for b in out) and sum(_rows(b) for b in out[0]) == 9001
    assert out[0][:2] == ref[:2]
