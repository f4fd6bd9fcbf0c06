"""RFC 6455 WebSocket server side, by hand: upgrade handshake and framing.

What taosAdapter does (gorilla/websocket through melody), minus
permessage-deflate, which is never negotiated here (the extension header is
simply not answered, so a client must not compress).

* ``check_upgrade(req)`` -> None or the 400 Response gorilla would send;
  ``handshake_bytes(key)`` -> the 101 response.
* ``WebSocket`` reads whole messages (fragmentation, interleaved control
  frames, client masking enforced, size limit) and writes frames under a lock
  so several threads may send on one socket.
"""

import base64
import hashlib
import os
import socket
import struct
import threading

from .http import Request, Response

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONT, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA
_DATA_OPS = (OP_CONT, OP_TEXT, OP_BINARY)
_CONTROL_OPS = (OP_CLOSE, OP_PING, OP_PONG)

CLOSE_NORMAL = 1000
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_TOO_BIG = 1009

# taosAdapter sets no limit (MaxMessageSize = 0); a simulator wants one anyway.
DEFAULT_MAX_MESSAGE = 256 << 20


def accept_key(key: str) -> str:
    """Sec-WebSocket-Accept for a client's Sec-WebSocket-Key."""
    return base64.b64encode(hashlib.sha1(key.encode("latin-1") + GUID).digest()).decode()


def _tokens(value: str) -> list:
    return [t.strip().lower() for t in value.split(",") if t.strip()]


def is_upgrade(req: Request) -> bool:
    """Does this request ask for a WebSocket (any well-formedness aside)?"""
    return "upgrade" in _tokens(req.headers.get("connection", "")) and \
        "websocket" in _tokens(req.headers.get("upgrade", ""))


def _bad(status: int, reason: str) -> Response:
    # gorilla's returnError: http.Error(w, StatusText(status), status) plus the
    # version header; ``reason`` is only logged by the real server.
    text = {400: "Bad Request", 405: "Method Not Allowed"}.get(status, "Bad Request")
    return Response(status, {"Content-Type": "text/plain; charset=utf-8",
                             "Sec-Websocket-Version": "13",
                             "X-Content-Type-Options": "nosniff"}, (text + "\n").encode())


def check_upgrade(req: Request):
    """gorilla Upgrader checks, in its order; None when the handshake is valid."""
    if "upgrade" not in _tokens(req.headers.get("connection", "")):
        return _bad(400, "'upgrade' token not found in 'Connection' header")
    if "websocket" not in _tokens(req.headers.get("upgrade", "")):
        return _bad(400, "'websocket' token not found in 'Upgrade' header")
    if req.method != "GET":
        return _bad(405, "request method is not GET")
    if "13" not in _tokens(req.headers.get("sec-websocket-version", "")):
        return _bad(400, "unsupported version: 13 not found in 'Sec-Websocket-Version' header")
    key = req.headers.get("sec-websocket-key", "").strip()
    try:
        ok = len(base64.b64decode(key, validate=True)) == 16
    except ValueError:
        ok = False
    if not ok:
        return _bad(400, "'Sec-WebSocket-Key' header must be Base64 encoded value of "
                         "16-byte in length")
    return None


def handshake_bytes(key: str) -> bytes:
    """The 101 response exactly as gorilla writes it (no subprotocol/extension)."""
    return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n"
            % accept_key(key.strip())).encode("latin-1")


def encode_frame(opcode: int, payload: bytes, fin: bool = True, mask: bool = False) -> bytes:
    """One frame.  Servers never mask; ``mask`` exists for test clients."""
    b0 = (0x80 if fin else 0) | opcode
    n = len(payload)
    mbit = 0x80 if mask else 0
    if n < 126:
        head = struct.pack("!BB", b0, mbit | n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", b0, mbit | 126, n)
    else:
        head = struct.pack("!BBQ", b0, mbit | 127, n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + apply_mask(payload, key)


def apply_mask(data: bytes, key: bytes) -> bytes:
    """XOR with the 4-byte key, done as one big-integer operation (fast enough)."""
    n = len(data)
    if n == 0:
        return b""
    k = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "little") ^ int.from_bytes(k, "little")).to_bytes(n, "little")


class ProtocolError(Exception):
    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


class ConnectionClosed(Exception):
    pass


class WebSocket:
    """Server end of an upgraded connection.

    ``rfile`` must be the buffered reader the HTTP layer used (it may already
    hold bytes the client sent right after the handshake).
    """

    def __init__(self, sock: socket.socket, rfile, max_message: int = DEFAULT_MAX_MESSAGE):
        self.sock = sock
        self.rfile = rfile
        self.max_message = max_message
        self._wlock = threading.Lock()
        self.closed = False          # we sent a close frame or the socket died
        self.close_code = None       # what the peer sent, if it closed first
        # fault injection (faults.WsFaultPlan): on_send(opcode, payload) -> payload or None
        # (None: shut the socket down instead of sending); after_send() after a data message
        self.on_send = None
        self.after_send = None

    # -- reading -------------------------------------------------------------
    def _read(self, n: int) -> bytes:
        data = self.rfile.read(n)
        if data is None or len(data) != n:
            raise ConnectionClosed()
        return data

    def _read_frame(self):
        b0, b1 = self._read(2)
        fin = bool(b0 & 0x80)
        if b0 & 0x70:
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, "RSV bits set without an extension")
        opcode = b0 & 0x0F
        if opcode not in _DATA_OPS and opcode not in _CONTROL_OPS:
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, f"unknown opcode {opcode}")
        if not b1 & 0x80:
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, "client frame is not masked")
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
            if n >> 63:
                raise ProtocolError(CLOSE_PROTOCOL_ERROR, "invalid payload length")
        if opcode in _CONTROL_OPS and (n > 125 or not fin):
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, "invalid control frame")
        if n > self.max_message:
            raise ProtocolError(CLOSE_TOO_BIG, "message too big")
        key = self._read(4)
        return fin, opcode, apply_mask(self._read(n), key)

    def recv(self):
        """Next data message as (opcode, bytes); None once the peer closed.

        Pings are answered, pongs dropped, a close frame is echoed.  Protocol
        violations close the connection with 1002 / 1009 and return None.
        """
        parts, opcode, size = [], None, 0
        try:
            while True:
                fin, op, payload = self._read_frame()
                if op == OP_PING:
                    self.send(OP_PONG, payload)
                    continue
                if op == OP_PONG:
                    continue
                if op == OP_CLOSE:
                    code = CLOSE_NORMAL
                    if len(payload) >= 2:
                        code = struct.unpack("!H", payload[:2])[0]
                    self.close_code = code
                    self.close(code if len(payload) >= 2 else None)
                    return None
                if op == OP_CONT:
                    if opcode is None:
                        raise ProtocolError(CLOSE_PROTOCOL_ERROR, "continuation without start")
                elif opcode is not None:
                    raise ProtocolError(CLOSE_PROTOCOL_ERROR, "new message inside a fragmented one")
                else:
                    opcode = op
                size += len(payload)
                if size > self.max_message:
                    raise ProtocolError(CLOSE_TOO_BIG, "message too big")
                parts.append(payload)
                if fin:
                    return opcode, b"".join(parts)
        except ProtocolError as e:
            self.close(e.code, e.reason)
            return None
        except (ConnectionClosed, OSError, ValueError):
            self.closed = True
            return None

    # -- writing -------------------------------------------------------------
    def send(self, opcode: int, payload: bytes) -> bool:
        data = opcode in (OP_TEXT, OP_BINARY)
        if data and self.on_send is not None:
            if self.closed:
                return False
            payload = self.on_send(opcode, payload)
            if payload is None:
                self.abort()
                return False
        frame = encode_frame(opcode, payload)
        with self._wlock:
            if self.closed:
                return False
            try:
                self.sock.sendall(frame)
            except OSError:
                self.closed = True
                return False
        if data and self.after_send is not None:
            self.after_send()
        return True

    def send_text(self, data) -> bool:
        return self.send(OP_TEXT, data.encode() if isinstance(data, str) else data)

    def send_binary(self, data: bytes) -> bool:
        return self.send(OP_BINARY, data)

    def ping(self, payload: bytes = b"") -> bool:
        return self.send(OP_PING, payload)

    def abort(self):
        """Drop the connection without a close frame (fault injection): both directions
        are shut down, so the peer reads EOF and our reader returns None."""
        with self._wlock:
            self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self, code=CLOSE_NORMAL, reason: str = ""):
        """Send a close frame (once) and shut the socket down."""
        payload = b"" if code is None else struct.pack("!H", code) + reason.encode()[:123]
        with self._wlock:
            if self.closed:
                return
            self.closed = True
            try:
                self.sock.sendall(encode_frame(OP_CLOSE, payload))
            except OSError:
                pass
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
