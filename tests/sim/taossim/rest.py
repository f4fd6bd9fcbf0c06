"""The /rest routes: /rest/sql[/{db}], /rest/sql/{db}/vgid, /rest/login/{u}/{p}.

Processing order follows the adapter (§1.3): req_id/timing -> auth header ->
tz/conn_tz/row_with_meta -> body checks -> connect (credentials) -> conn_tz
-> best-effort `use db` -> execute.
"""

import json
import re
import time
import zlib
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import errors
from . import render
from .auth import AuthError, encode_taosd_token, parse_authorization
from .engine import Session
from .errors import TaosError
from .http import JSON_TYPE, TERMINATOR, Request, Response, frame_chunks, json_response

_GO_INT = re.compile(r"[+-]?\d+")
_GO_BOOL = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
            "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}
_NO_CACHE = re.compile(r"\b(now|today|rand|server_status|database|timezone)\b", re.I)


def elapsed(req: Request) -> int:
    return time.time_ns() - req.start_ns


def error_response(req: Request, status: int, code: int, desc: str) -> Response:
    return json_response(status, render.error_body(code, desc, elapsed(req)))


def taos_error(req: Request, e: TaosError) -> Response:
    # httpCodeServerError=false (the default): native errors travel with HTTP 200
    return error_response(req, 200, errors.mask(e.code), e.desc)


def parse_go_int64(text: str):
    """strconv.ParseInt(text, 10, 64) -> (value, error text)."""
    if not _GO_INT.fullmatch(text):
        return None, f'strconv.ParseInt: parsing "{text}": invalid syntax'
    v = int(text)
    if not -2**63 <= v < 2**63:
        return None, f'strconv.ParseInt: parsing "{text}": value out of range'
    return v, None


def load_location(name: str):
    """time.LoadLocation: "" and "UTC" are UTC; unknown names are errors."""
    if name in ("", "UTC"):
        return None
    if name == "Local":
        return None   # the simulator's "server" lives in UTC
    try:
        if name.startswith("/") or ".." in name:
            raise ValueError
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name}") from None


def prepare(req: Request):
    """prepareCtx: -> (timing, error Response or None)."""
    timing = req.q("timing") == "true"
    rid = req.q("req_id", "")
    if rid:
        _, err = parse_go_int64(rid)
        if err:
            return timing, error_response(req, 400, errors.GENERIC,
                                          f"illegal param, req_id must be numeric {err}")
    return timing, None


def prepare_authorized(req: Request):
    """prepare(), then the Authorization header (401 on failure), in taosAdapter's order:
    -> (timing, credentials, error Response or None)."""
    timing, err = prepare(req)
    if err:
        return timing, None, err
    try:
        return timing, parse_authorization(req.headers.get("authorization"), req.has_q("token")), None
    except AuthError as e:
        return timing, None, error_response(req, 401, e.code, str(e))


class RestRoutes:
    def __init__(self, app):
        self.app = app

    # -- POST /rest/sql[/{db}] ----------------------------------------------
    def sql(self, req: Request, db: str = "") -> Response:
        timing, cred, err = prepare_authorized(req)
        if err:
            return err
        tz = None
        tz_name = "UTC"
        try:
            if req.has_q("conn_tz"):
                tz_name = req.q("conn_tz")
                tz = load_location(tz_name)
            elif req.has_q("tz"):
                tz_name = req.q("tz")
                tz = load_location(tz_name)
        except ValueError as e:
            return error_response(req, 400, errors.GENERIC, str(e))
        row_with_meta = False
        rwm = req.q("row_with_meta", "")
        if rwm:
            if rwm not in _GO_BOOL:
                return error_response(req, 400, errors.GENERIC,
                                      "illegal param, row_with_meta must be boolean "
                                      f'strconv.ParseBool: parsing "{rwm}": invalid syntax')
            row_with_meta = _GO_BOOL[rwm]
        if len(req.body) == 0:
            return error_response(req, 400, errors.HTTP_NO_MSG_INPUT, "request is empty")
        sql = req.body.decode("utf-8", "surrogateescape").strip()
        if not sql:
            return error_response(req, 400, errors.HTTP_NO_SQL_INPUT, "no sql input")
        try:
            self.app.accounts.connect(cred)
        except TaosError as e:
            return taos_error(req, e)
        session = Session()
        if req.q("conn_tz"):
            session.tz = tz
        engine = self.app.engine
        store = self.app.store
        if db:
            with store.lock:
                if db in store.dbs:      # `use db` errors are ignored by the adapter
                    session.db = db
        cache_key = None
        if self.app.cache_enabled and sql[:6].lower() == "select" and not _NO_CACHE.search(sql):
            cache_key = (sql, session.db, tz_name, row_with_meta, session.tz is not None)
            entry = self.app.cache.get_or_repeat(cache_key, store.generation)
            if entry is not None:
                return self._cached(req, entry, timing)
        generation = store.generation
        try:
            res = engine.execute(sql, session)
        except TaosError as e:
            return taos_error(req, e)
        except RecursionError:
            return taos_error(req, errors.syntax_error(sql))
        if res.is_update:
            body = render.affected_rows_body(res.affected_rows, row_with_meta,
                                             elapsed(req) if timing else None)
            return json_response(200, body, chunked=True)
        prefix = render.query_body_prefix(res, row_with_meta, tz)
        if cache_key is not None and res.cacheable and generation == store.generation:
            entry = self.app.cache.put(cache_key, generation, prefix)
            return self._cached(req, entry, timing)
        tail = render.query_body_tail(elapsed(req) if timing else None)
        return json_response(200, prefix + tail, chunked=True)

    def _cached(self, req: Request, entry, timing: bool) -> Response:
        tail = render.query_body_tail(elapsed(req) if timing else None)
        headers = {"Content-Type": JSON_TYPE}
        if req.accepts_gzip:
            parts, comp = entry.gzip_parts()
            last = comp.compress(tail) + comp.flush()
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
            return Response(200, headers, framed=parts + frame_chunks(last) + [TERMINATOR],
                            encoded=True)
        return Response(200, headers, framed=entry.framed + frame_chunks(tail) + [TERMINATOR])

    # -- POST /rest/sql/{db}/vgid ---------------------------------------------
    def vgid(self, req: Request, db: str) -> Response:
        _, cred, err = prepare_authorized(req)
        if err:
            return err
        try:
            names = json.loads(req.body or b"null")
        except ValueError as e:
            return error_response(req, 400, errors.GENERIC, str(e))
        if not db or not isinstance(names, list) or not names:
            return error_response(req, 400, errors.GENERIC, "illegal params")
        try:
            self.app.accounts.connect(cred)
        except TaosError as e:
            return taos_error(req, e)
        with self.app.store.lock:
            if db not in self.app.store.dbs:
                return taos_error(req, TaosError(errors.MND_DB_NOT_EXIST))
        # two simulated vgroups (ids 2 and 3), chosen by a stable hash of the name
        ids = [2 + (zlib.crc32(str(n).encode()) & 1) for n in names]
        return json_response(200, json.dumps({"code": 0, "vgIDs": ids},
                                             separators=(",", ":")).encode())

    # -- GET /rest/login/{user}/{password} --------------------------------------
    def login(self, req: Request, user: str, password: str) -> Response:
        _, err = prepare(req)
        if err:
            return err
        if not user or len(user.encode()) > 24 or not password or len(password.encode()) > 24:
            return error_response(req, 400, errors.HTTP_GEN_TAOSD_TOKEN_ERR,
                                  "generate taosd token error")
        acct = self.app.accounts
        if user != acct.user or password != acct.password:
            return error_response(req, 401, errors.RPC_AUTH_FAILURE_LEGACY,
                                  "Authentication failure")
        token = encode_taosd_token(user, password)
        return json_response(200, ('{"code":0,"desc":%s}' % render.go_json_str(token)).encode())
