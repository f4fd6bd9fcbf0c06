"""Transport-neutral request/response objects shared by routes and server."""

import time
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import parse_qs


@dataclass
class Request:
    method: str
    target: str                      # raw request target ("/rest/sql?tz=UTC")
    path: str                        # decoded path
    query: dict                      # name -> [values]
    headers: dict                    # lower-case name -> value
    body: bytes = b""
    client: tuple = ("127.0.0.1", 0)
    start_ns: int = field(default_factory=time.time_ns)

    def q(self, name: str, default=None) -> Optional[str]:
        """First value like Go's c.Query; ``default`` when absent."""
        vals = self.query.get(name)
        return vals[0] if vals else default

    def has_q(self, name: str) -> bool:
        return name in self.query

    @property
    def accepts_gzip(self) -> bool:
        return "gzip" in self.headers.get("accept-encoding", "").lower()


def parse_query(qs: str) -> dict:
    return parse_qs(qs, keep_blank_values=True)


@dataclass
class Response:
    status: int = 200
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    # Send with Transfer-Encoding: chunked (body is split into ~16 KB chunks).
    chunked: bool = False
    # Already chunk-framed (and possibly gzip-encoded) pieces, terminator included;
    # used by the response cache.  When set, ``body`` is ignored.
    framed: Optional[list] = None
    encoded: bool = False            # body/framed already carries Content-Encoding
    no_gzip: bool = False            # never compress (e.g. 204)


JSON_TYPE = "application/json; charset=utf-8"


def json_response(status: int, body: bytes, chunked: bool = False) -> Response:
    return Response(status, {"Content-Type": JSON_TYPE}, body, chunked)


CHUNK = 16384


def frame_chunks(data: bytes, size: int = CHUNK) -> list:
    """HTTP/1.1 chunked framing of ``data`` (without the terminating chunk)."""
    out = []
    mv = memoryview(data)
    for i in range(0, len(data), size):
        piece = mv[i:i + size]
        out.append(b"%x\r\n" % len(piece) + bytes(piece) + b"\r\n")
    return out


TERMINATOR = b"0\r\n\r\n"
