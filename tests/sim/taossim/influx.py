"""POST /influxdb/v1/write?db=&precision= : InfluxDB line protocol (§1.9).

Errors use the plugin's own JSON with a *string* code: 400 badRequest
{"code","message","op","err","line"}, 401/500 {"code","message"}.
"""

import json
import time

from . import errors
from . import types as T
from .auth import decode_basic
from .errors import TaosError
from .http import JSON_TYPE, Request, Response
from .schemaless import Point, invalid, typed_number, write_points

# precision string -> ns per unit ("" and unknown: protocol default = ns)
PRECISIONS = {"": 1, "ns": 1, "u": 1_000, "\u03bc": 1_000, "ms": 1_000_000,
              "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000}


def _json(status: int, obj) -> Response:
    return Response(status, {"Content-Type": JSON_TYPE},
                    json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())


def _bad(message: str, op: str, err: str, code="illegal param") -> Response:
    return _json(400, {"code": code, "message": message, "op": op, "err": err, "line": 0})


def _split(text: str, sep: str, quotes: bool = False) -> list:
    """Split on unescaped ``sep``; with ``quotes`` separators inside "..." are kept."""
    out, cur, i, inq = [], [], 0, False
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            cur.append(text[i:i + 2])
            i += 2
            continue
        if quotes and ch == '"':
            inq = not inq
        if ch == sep and not inq:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    if inq:
        raise invalid("unterminated string")
    out.append("".join(cur))
    return out


def _unescape(s: str) -> str:
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in ', ="\\':
            out.append(s[i + 1])
            i += 2
            continue
        out.append(s[i])
        i += 1
    return "".join(out)


def _field_value(text: str):
    if text.startswith('"') or text.startswith('L"'):
        nchar = text.startswith("L")
        body = text[2:] if nchar else text[1:]
        if not body.endswith('"'):
            raise invalid(text)
        s = _unescape(body[:-1])
        return (T.NCHAR, s) if nchar else (T.VARCHAR, s.encode())
    return typed_number(text)


def parse_line(line: str, unit_ns: int) -> Point:
    sections = [s for s in _split(line, " ", quotes=True)]
    sections = [s for s in sections if s != ""]
    if len(sections) < 2 or len(sections) > 3:
        raise invalid(line)
    head = _split(sections[0], ",")
    measurement = _unescape(head[0])
    if not measurement:
        raise invalid(line)
    p = Point(measurement)
    for kv in head[1:]:
        k, sep, v = kv.partition("=")
        if not sep or not k or not v:
            raise invalid(line)
        p.tags[_unescape(k)] = _unescape(v)
    for kv in _split(sections[1], ",", quotes=True):
        parts = _split(kv, "=", quotes=True)
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise invalid(line)
        p.fields[_unescape(parts[0])] = _field_value(parts[1])
    if len(sections) == 3:
        try:
            p.ts_ns = int(sections[2]) * unit_ns
        except ValueError:
            raise invalid(line) from None
    return p


class InfluxRoutes:
    def __init__(self, app):
        self.app = app

    def write(self, req: Request) -> Response:
        rid = req.q("req_id", "")
        if rid and not rid.isdigit():
            return _bad("req_id must be numeric", "parse req_id", "req_id must be numeric")
        precision = req.q("precision", "") or "ns"
        user = password = ""
        auth = req.headers.get("authorization", "").strip()
        if auth.startswith("Basic"):
            try:
                user, password = decode_basic(auth[6:])
            except Exception:  # noqa: BLE001 - adapter ignores a bad header here
                pass
        user = req.q("u") or user
        password = req.q("p") or password
        if not user or not password:
            return _json(401, {"code": "forbidden", "message": "user or password is empty"})
        db = req.q("db", "")
        if not db:
            return _bad("db required", "get db query", "db required", code="not found")
        ttl = req.q("ttl", "")
        if ttl and not ttl.lstrip("-").isdigit():
            return _bad("ttl must be numeric", "parse ttl", "ttl must be numeric")
        if user != self.app.accounts.user or password != self.app.accounts.password:
            e = TaosError(errors.MND_AUTH_FAILURE)
            return _json(500, {"code": "internal error", "message": f"[0x{e.code:x}] {e.desc}"})
        unit = PRECISIONS.get(precision, 1)
        try:
            text = req.body.decode("utf-8").strip()
            points = [parse_line(ln.strip(), unit) for ln in text.split("\n")
                      if ln.strip() and not ln.lstrip().startswith("#")]
            if not points:
                raise invalid("no data")
            write_points(self.app.store, db, points, req.q("table_name_key") or None)
        except UnicodeDecodeError:
            e = invalid("not utf-8")
            return _json(500, {"code": "internal error", "message": f"[0x{e.code:x}] {e.desc}"})
        except TaosError as e:
            return _json(500, {"code": "internal error", "message": f"[0x{e.code:x}] {e.desc}"})
        return Response(204, {}, b"", no_gzip=True)
