"""Threaded HTTP/1.1 server: keep-alive, chunked bodies, gzip, fault injection.

Deliberately hand-rolled on socketserver so the wire bytes (header set, chunk
framing, truncation faults) are under our control, like Go's net/http output:
headers sorted by name, a Date header, Content-Length for small one-shot
bodies and chunked transfer for streamed query results or gzip.
"""

import email.utils
import io
import socket
import socketserver
import ssl
import struct
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
        self.dropped = self._refused() or not self._tls_handshake()
        if self.dropped:            # nothing to read or write: no buffered files on it
            self.rfile, self.wfile = io.BytesIO(), io.BytesIO()
            return
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _refused(self) -> bool:
        """The ``refuse`` fault: reset the connection before reading anything."""
        faults = self.server.app.faults
        if not faults.has_refuse():
            return False
        path = None
        if not isinstance(self.request, ssl.SSLSocket):
            try:                    # peek at the request line: control requests pass
                self.request.settimeout(2)
                head = self.request.recv(256, socket.MSG_PEEK)
                self.request.settimeout(None)
            except OSError:
                head = b""
            words = head.split(b" ", 2)
            path = words[1].decode("latin-1") if len(words) > 1 else ""
            if path.startswith(CONTROL_PREFIX):
                return False
        if faults.take_refuse(path) is None:
            return False
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.request.close()        # linger 0: the client gets RST, not FIN
        return True

    def _tls_handshake(self) -> bool:
        if not isinstance(self.request, ssl.SSLSocket):
            return True
        try:
            self.request.settimeout(10)
            self.request.do_handshake()
            self.request.settimeout(None)
            return True
        except (OSError, ValueError):   # a client that refused our certificate, or not TLS
            self.request.close()
            return False

    def handle(self):
        if self.dropped:
            return
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

    def __init__(self, addr, app, tls: "ssl.SSLContext | None" = None):
        self.app = app
        self.tls = tls
        super().__init__(addr, Handler)

    def get_request(self):
        sock, addr = super().get_request()
        if self.tls is not None:    # the handshake runs on the handler's thread, not here
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    @property
    def port(self) -> int:
        return self.server_address[1]


def tls_context(cert_file: str, key_file: str) -> ssl.SSLContext:
    """A server context presenting ``cert_file`` (PEM chain) with ``key_file``."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert_file, key_file)
    return ctx


def start_in_thread(app, host: str = "127.0.0.1", port: int = 0, tls=None) -> Server:
    """Start a server on a background thread (used by the tests); ``tls``: an SSLContext."""
    srv = Server((host, port), app, tls)
    t = threading.Thread(target=srv.serve_forever, name="taossim", daemon=True)
    t.start()
    return srv
