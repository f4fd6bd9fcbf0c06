"""Threaded HTTP/1.1 server: keep-alive, chunked bodies, gzip, fault injection.

Deliberately hand-rolled on socketserver so the wire bytes (header set, chunk
framing, truncation faults) are under our control, like Go's net/http output:
headers sorted by name, a Date header, Content-Length for small one-shot
bodies and chunked transfer for streamed query results or gzip.
"""

import email.utils
import socket
import socketserver
import threading
import time
import zlib
from urllib.parse import unquote

from .http import CHUNK, TERMINATOR, Request, Response, frame_chunks, parse_query
from . import websocket

_REASONS = {200: "OK", 204: "No Content", 307: "Temporary Redirect", 400: "Bad Request",
            401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            413: "Request Entity Too Large", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout"}

MAX_HEADER = 1 << 20
CONTROL_PREFIX = "/-/sim/"


class _BadRequest(Exception):
    pass


def gzip_bytes(data: bytes) -> bytes:
    c = zlib.compressobj(1, zlib.DEFLATED, 31)   # speed over ratio: it is loopback
    return c.compress(data) + c.flush()


class Handler(socketserver.StreamRequestHandler):
    rbufsize = 65536

    def setup(self):
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self):
        app = self.server.app
        while True:
            try:
                req = self._read_request()
            except (_BadRequest, UnicodeDecodeError, ValueError):
                self._raw_send(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; "
                               b"charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request")
                return
            except (ConnectionError, OSError):
                return
            if req is None:
                return
            keep = self._keep_alive(req)
            if req.path in ("/ws", "/rest/tmq") and websocket.is_upgrade(req):
                self._websocket(req)
                return
            fault = None
            if not req.path.startswith(CONTROL_PREFIX):
                fault = app.faults.take(req.path)
            if fault is not None and fault.kind == "stall":
                time.sleep(fault.seconds)
                fault = None
            try:
                if fault is not None and fault.kind == "http_status":
                    resp = app.fault_response(req, fault)
                else:
                    resp = app.handle(req)
            except Exception as exc:  # a bug in the simulator must not kill the connection
                app.log(f"internal error on {req.method} {req.target}: {exc!r}")
                import traceback
                traceback.print_exc()
                resp = Response(500, {"Content-Type": "text/plain; charset=utf-8"},
                                b"simulator internal error")
            try:
                if fault is not None and fault.kind == "close_mid_response":
                    self._send(req, resp, keep, cut_after=fault.after_bytes)
                    return
                self._send(req, resp, keep)
            except (ConnectionError, OSError):
                return
            if not keep:
                return

    # -- WebSocket /ws and /rest/tmq -------------------------------------------
    def _websocket(self, req: Request):
        """Upgrade (or refuse like gorilla) and run the /ws or /rest/tmq session here."""
        bad = websocket.check_upgrade(req)
        if bad is not None:
            try:
                self._send(req, bad, keep=False)
            except OSError:
                pass
            return
        try:
            self.request.sendall(websocket.handshake_bytes(req.headers["sec-websocket-key"]))
        except OSError:
            return
        ws = websocket.WebSocket(self.request, self.rfile)
        if req.path == "/rest/tmq":
            from .ws_tmq import TmqSession
            TmqSession(self.server.app, ws, self.client_address).run()
            return
        from .ws_session import WsSession
        WsSession(self.server.app, ws, self.client_address).run()

    # -- reading -------------------------------------------------------------
    def _readline(self) -> bytes:
        line = self.rfile.readline(MAX_HEADER + 1)
        if len(line) > MAX_HEADER:
            raise _BadRequest()
        return line

    def _read_request(self):
        line = self._readline()
        while line in (b"\r\n", b"\n"):      # tolerate stray CRLF between requests
            line = self._readline()
        if not line:
            return None
        parts = line.decode("latin-1").rstrip("\r\n").split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            raise _BadRequest()
        method, target, version = parts
        headers = {}
        while True:
            h = self._readline()
            if not h:
                return None
            if h in (b"\r\n", b"\n"):
                break
            name, _, value = h.decode("latin-1").partition(":")
            key = name.strip().lower()
            value = value.strip()
            headers[key] = headers[key] + ", " + value if key in headers else value
        self._version = version
        if headers.get("expect", "").lower() == "100-continue":
            self._raw_send(b"HTTP/1.1 100 Continue\r\n\r\n")
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._read_chunked()
        else:
            n = int(headers.get("content-length", "0") or 0)
            body = self.rfile.read(n) if n > 0 else b""
            if len(body) != n:
                return None
        if headers.get("content-encoding", "").lower() == "gzip" and body:
            body = zlib.decompress(body, 47)
        path, _, qs = target.partition("?")
        if path.startswith("http://"):   # absolute-form request target
            path = "/" + path.split("/", 3)[-1]
        return Request(method, target, unquote(path), parse_query(qs), headers, body,
                       self.client_address)

    def _read_chunked(self) -> bytes:
        out = []
        while True:
            size_line = self._readline().split(b";")[0].strip()
            size = int(size_line, 16)
            if size == 0:
                while self._readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(out)
            out.append(self.rfile.read(size))
            self.rfile.readline()

    def _keep_alive(self, req: Request) -> bool:
        conn = req.headers.get("connection", "").lower()
        if self._version == "HTTP/1.0":
            return "keep-alive" in conn
        return "close" not in conn

    # -- writing -------------------------------------------------------------
    def _raw_send(self, data: bytes):
        try:
            self.wfile.write(data)
        except OSError:
            pass

    def _send(self, req: Request, resp: Response, keep: bool, cut_after=None):
        headers = dict(resp.headers)
        pieces: list
        status = resp.status
        bodyless = status in (204, 304) or req.method == "HEAD"
        if resp.framed is not None:
            pieces = resp.framed
            headers["Transfer-Encoding"] = "chunked"
        elif bodyless:
            pieces = []
        else:
            body = resp.body
            chunked = resp.chunked
            if body and req.accepts_gzip and not resp.encoded and not resp.no_gzip:
                # gin-contrib/gzip wraps every route: compressed, so always chunked
                body = gzip_bytes(body)
                headers["Content-Encoding"] = "gzip"
                headers["Vary"] = "Accept-Encoding"
                chunked = True
            if chunked:
                headers["Transfer-Encoding"] = "chunked"
                pieces = frame_chunks(body, CHUNK) + [TERMINATOR]
            else:
                headers["Content-Length"] = str(len(body))
                pieces = [body]
        headers["Date"] = email.utils.formatdate(usegmt=True)
        if not keep:
            headers["Connection"] = "close"
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}\r\n"]
        for k in sorted(headers):
            head.append(f"{k}: {headers[k]}\r\n")
        head.append("\r\n")
        head_bytes = "".join(head).encode("latin-1")
        sock = self.request
        if cut_after is not None:
            body = b"".join(pieces)[:cut_after]
            sock.sendall(head_bytes + body)
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if len(pieces) <= 4:
            sock.sendall(head_bytes + b"".join(pieces))
        else:
            sock.sendall(head_bytes)
            batch, size = [], 0
            for p in pieces:              # coalesce chunks into ~1 MB writes
                batch.append(p)
                size += len(p)
                if size >= 1 << 20:
                    sock.sendall(b"".join(batch))
                    batch, size = [], 0
            if batch:
                sock.sendall(b"".join(batch))


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, app):
        self.app = app
        super().__init__(addr, Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]


def start_in_thread(app, host: str = "127.0.0.1", port: int = 0) -> Server:
    """Start a server on a background thread (used by the tests)."""
    srv = Server((host, port), app)
    t = threading.Thread(target=srv.serve_forever, name="taossim", daemon=True)
    t.start()
    return srv
