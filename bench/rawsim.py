"""The simulator alone: minimal clients that send pre-built requests and barely read the
replies, so their time is the simulator's (plus loopback), the floor for every client's row."""

from __future__ import annotations

import base64
import http.client
import json
import os
import socket
import struct
import time

AUTH = "Basic " + base64.b64encode(b"root:taosdata").decode()


# --- REST -----------------------------------------------------------------------------------------

class RawHttp:
    """One keep-alive HTTP/1.1 connection POSTing /rest/sql."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)

    def sql(self, sql: str) -> bytes:
        self.conn.request("POST", "/rest/sql/bench", body=sql.encode(),
                          headers={"Authorization": AUTH, "Content-Type": "text/plain"})
        resp = self.conn.getresponse()
        body = resp.read()
        if resp.status != 200 or not body.startswith(b'{"code":0'):
            raise RuntimeError("REST %d: %r" % (resp.status, body[:200]))
        return body

    def close(self):
        self.conn.close()


def rest_fetch(port: int, sql: str) -> int:
    """Downloads the whole JSON body of `sql`; its size in bytes."""
    c = RawHttp(port)
    try:
        return len(c.sql(sql))
    finally:
        c.close()


def rest_small(port: int, sql: str, n: int) -> list:
    """Nanoseconds per request for n requests on one connection (after a short warm-up)."""
    c = RawHttp(port)
    try:
        for _ in range(min(200, n)):
            c.sql(sql)
        out = []
        for _ in range(n):
            t0 = time.perf_counter_ns()
            c.sql(sql)
            out.append(time.perf_counter_ns() - t0)
        return out
    finally:
        c.close()


# --- WebSocket /ws ----------------------------------------------------------------------------------

class RawWS:
    """RFC 6455 client for the benchmark's floor: frames are masked with the all-zero key (legal,
    and it costs the client nothing), replies are read and barely parsed."""

    def __init__(self, port: int, path: str = "/ws"):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                           % (path, port, key)).encode())
        self.rf = self.sock.makefile("rb", buffering=1 << 20)
        status = self.rf.readline()
        if b" 101 " not in status:
            raise RuntimeError("no WebSocket upgrade: %r" % status)
        while self.rf.readline() not in (b"\r\n", b""):
            pass
        self.req = 0

    @staticmethod
    def frame(opcode: int, payload: bytes) -> bytes:
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 1 << 16:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        return head + b"\0\0\0\0" + payload

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def recv(self) -> bytes:
        while True:
            b0, b1 = self.rf.read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self.rf.read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self.rf.read(8))[0]
            payload = self.rf.read(n)
            if b0 & 0x0F in (1, 2):
                return payload
            if b0 & 0x0F == 8:
                raise RuntimeError("closed by the simulator")

    def call(self, action: str, **args) -> dict:
        self.req += 1
        args["req_id"] = self.req
        self.send(self.frame(1, json.dumps({"action": action, "args": args}).encode()))
        reply = json.loads(self.recv())
        if reply.get("code"):
            raise RuntimeError("%s: %s" % (action, reply))
        return reply

    def close(self) -> None:
        try:
            self.send(self.frame(8, struct.pack("!H", 1000)))
        except OSError:
            pass
        self.sock.close()


def raw_connect(port: int, db: str = "") -> RawWS:
    ws = RawWS(port)
    ws.call("conn", user="root", password="taosdata", db=db)
    return ws


def ws_query(ws: RawWS, sql: bytes, req: int):
    """Binary query (action 6) + fetch_raw_block (7) to the end + free_result: (rows, bytes)."""
    ws.send(ws.frame(2, struct.pack("<QQQHI", req, 0, 6, 1, len(sql)) + sql))
    reply = json.loads(ws.recv())
    if reply["code"] != 0:
        raise RuntimeError("query: %r" % reply)
    rid = reply["id"]
    fetch = ws.frame(2, struct.pack("<QQQH", req, rid, 7, 1))
    rows = nbytes = 0
    while True:
        ws.send(fetch)
        p = ws.recv()
        code, mlen = struct.unpack_from("<II", p, 34)
        if code != 0:
            raise RuntimeError("fetch_raw_block: %r" % p[42:42 + mlen])
        pos = 42 + mlen + 8
        if p[pos]:
            break
        nbytes += struct.unpack_from("<I", p, pos + 1)[0]
        rows += struct.unpack_from("<i", p, pos + 5 + 8)[0]
    ws.send(ws.frame(1, json.dumps({"action": "free_result", "args": {"req_id": req, "id": rid}}).encode()))
    return rows, nbytes


def ws_fetch(port: int, sql: str):
    """(rows, raw block bytes) of `sql`."""
    ws = raw_connect(port, "bench")
    try:
        return ws_query(ws, sql.encode(), 1)
    finally:
        ws.close()


def ws_small(port: int, sql: str, n: int) -> list:
    """Nanoseconds per query (query + fetches + free) for n queries on one connection."""
    ws = raw_connect(port, "bench")
    text = sql.encode()
    try:
        for i in range(min(200, n)):
            ws_query(ws, text, i + 1)
        out = []
        for i in range(n):
            t0 = time.perf_counter_ns()
            ws_query(ws, text, i + 1)
            out.append(time.perf_counter_ns() - t0)
        return out
    finally:
        ws.close()
