"""POST /opentsdb/v1/put/json/{db} and /put/telnet/{db} (§1.9).

Metric -> super table with ``_ts`` and ``_value`` columns, tags -> NCHAR.
Timestamps: 10 digits = seconds, 13 = milliseconds (also 16/19 = us/ns).
Errors: {"code": <HTTP status>, "message": "..."}.
"""

import json
import re

from . import types as T
from .auth import decode_basic
from .errors import TaosError
from .http import JSON_TYPE, Request, Response
from .schemaless import Point, invalid, typed_number, write_points


def _err(status: int, message: str) -> Response:
    return Response(status, {"Content-Type": JSON_TYPE},
                    json.dumps({"code": status, "message": message},
                               separators=(",", ":"), ensure_ascii=False).encode())


def _ts_ns(v) -> int:
    """OpenTSDB timestamp -> ns; digit count decides the unit (TDengine rule)."""
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        raise invalid(f"timestamp {v!r}")
    s = str(v).strip()
    if not re.fullmatch(r"\d+", s):
        raise invalid(f"timestamp {v!r}")
    n = len(s)
    scale = {10: 1_000_000_000, 13: 1_000_000, 16: 1_000, 19: 1}.get(n)
    if scale is None:
        raise invalid(f"timestamp {v!r}")
    return int(s) * scale


def _value(v):
    if isinstance(v, bool):
        return T.BOOL, v
    if isinstance(v, (int, float)):
        return T.DOUBLE, float(v)
    if isinstance(v, str):
        return T.NCHAR, v
    if isinstance(v, dict) and "value" in v:
        typ = str(v.get("type", "")).lower()
        inner = v["value"]
        if typ in ("", "double", "float"):
            code, val = _value(inner)
            if typ == "float" and code == T.DOUBLE:
                return typed_number(f"{val!r}f32", allow_bool=False)
            return code, val
        suffix = {"tinyint": "i8", "smallint": "i16", "int": "i32", "bigint": "i64"}.get(typ)
        if suffix:
            return typed_number(f"{int(inner)}{suffix}", allow_bool=False)
        if typ in ("binary", "varchar"):
            return T.VARCHAR, str(inner).encode()
        if typ == "nchar":
            return T.NCHAR, str(inner)
        if typ == "bool":
            return T.BOOL, bool(inner)
    raise invalid(f"value {v!r}")


def _json_point(obj) -> Point:
    if not isinstance(obj, dict):
        raise invalid("not an object")
    try:
        metric = obj["metric"]
        ts = obj["timestamp"]
        value = obj["value"]
        tags = obj["tags"]
    except KeyError as e:
        raise invalid(f"missing {e.args[0]}") from None
    if not isinstance(metric, str) or not metric or not isinstance(tags, dict):
        raise invalid("metric/tags")
    p = Point(metric)
    p.ts_ns = _ts_ns(ts)
    p.fields["_value"] = _value(value)
    for k, v in tags.items():
        p.tags[str(k)] = v if isinstance(v, str) else json.dumps(v)
    return p


def _telnet_point(line: str) -> Point:
    parts = line.split()
    if len(parts) < 4:
        raise invalid(line)
    metric, ts, value, tags = parts[0], parts[1], parts[2], parts[3:]
    p = Point(metric)
    p.ts_ns = _ts_ns(ts)
    if value.startswith('"') or value.startswith('L"'):
        nchar = value.startswith("L")
        body = value[2:-1] if nchar else value[1:-1]
        p.fields["_value"] = (T.NCHAR, body) if nchar else (T.VARCHAR, body.encode())
    else:
        p.fields["_value"] = typed_number(value)
    for kv in tags:
        k, sep, v = kv.partition("=")
        if not sep or not k or not v:
            raise invalid(line)
        p.tags[k] = v
    return p


class OpenTsdbRoutes:
    def __init__(self, app):
        self.app = app

    def _auth(self, req: Request):
        auth = req.headers.get("authorization", "").strip()
        if not auth:
            return _err(401, "auth required")
        if auth.startswith("Basic"):
            try:
                user, password = decode_basic(auth[6:])
            except Exception:  # noqa: BLE001
                return _err(401, "auth error")
            acct = self.app.accounts
            if user != acct.user or password != acct.password:
                return _err(500, "[0x357] Authentication failure")
            return None
        if auth.startswith("Bearer"):
            tok = auth[7:].strip()
            if self.app.accounts.bearer_token is None or tok != self.app.accounts.bearer_token:
                return _err(500, "[0x357] Authentication failure")
            return None
        return _err(401, "auth error")

    def put(self, req: Request, db: str, kind: str) -> Response:
        rid = req.q("req_id", "")
        if rid and not rid.isdigit():
            return _err(400, f'illegal param, req_id must be numeric strconv.ParseUint: '
                             f'parsing "{rid}": invalid syntax')
        if not db:
            return _err(400, "db required")
        bad = self._auth(req)
        if bad is not None:
            return bad
        try:
            if kind == "json":
                try:
                    doc = json.loads(req.body)
                except ValueError:
                    raise invalid("json") from None
                items = doc if isinstance(doc, list) else [doc]
                points = [_json_point(o) for o in items]
            else:
                lines = req.body.decode("utf-8").splitlines()
                points = []
                for ln in lines:
                    ln = ln.strip()
                    if not ln:
                        continue
                    if ln.startswith("put "):
                        ln = ln[4:]
                    points.append(_telnet_point(ln))
            if not points:
                raise invalid("no data")
            write_points(self.app.store, db, points, req.q("table_name_key") or None)
        except UnicodeDecodeError:
            return _err(500, "[0x3002] Invalid data format")
        except TaosError as e:
            return _err(500, f"[0x{e.code:x}] {e.desc}")
        return Response(204, {}, b"", no_gzip=True)
