"""Sim-only control routes under /-/sim/ (not part of taosAdapter).

Loopback clients only, no auth:
  POST /-/sim/reset     drop all data, faults and cached responses
  POST /-/sim/fault     arm a fault (see faults.py / README.md)
  GET  /-/sim/faults    list armed faults, and WebSocket requests seen per path and action
  POST /-/sim/generate  {"db","table","rows","precision"} synthetic benchmark table
  GET  /-/sim/stats     response-cache counters (REST and /ws)
  POST /-/sim/repeat    {"sql","source","times"} serve `sql` as `times` copies of the cached
                        result of `source` (benchmarks: large results without encoding them)
  GET  /-/sim/sql       {"sql": [...]} the last 1000 SQL texts executed or prepared (REST, /ws
                        queries, stmt prepare), oldest first
"""

import ipaddress
import json

from .generate import generate
from .http import JSON_TYPE, Request, Response


def _json(status: int, obj) -> Response:
    return Response(status, {"Content-Type": JSON_TYPE},
                    json.dumps(obj, separators=(",", ":")).encode())


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


class ControlRoutes:
    def __init__(self, app):
        self.app = app

    def handle(self, req: Request, name: str) -> Response:
        if not _is_loopback(req.client[0]):
            return _json(403, {"error": "control routes are loopback-only"})
        try:
            body = json.loads(req.body) if req.body.strip() else {}
        except ValueError as e:
            return _json(400, {"error": f"invalid JSON: {e}"})
        app = self.app
        if name == "reset" and req.method == "POST":
            app.store.reset()
            app.engine.seen.clear()
            app.cache.clear()
            app.ws_cache.clear()
            app.faults.clear()
            app.faults.reset_counters()
            return _json(200, {"ok": True})
        if name == "fault" and req.method == "POST":
            try:
                app.faults.add(body)
            except (ValueError, TypeError) as e:
                return _json(400, {"error": str(e)})
            return _json(200, {"ok": True, "pending": app.faults.pending()})
        if name == "faults" and req.method == "GET":
            return _json(200, {"pending": app.faults.pending(),
                               "ws_requests": app.faults.counters()})
        if name == "generate" and req.method == "POST":
            try:
                info = generate(app.store, str(body.get("db", "bench")),
                                str(body.get("table", "t")), int(body.get("rows", 1000)),
                                str(body.get("precision", "ms")))
            except (ValueError, TypeError) as e:
                return _json(400, {"error": str(e)})
            return _json(200, dict(info, ok=True))
        if name == "repeat" and req.method == "POST":
            try:
                sql, source, times = str(body["sql"]).strip(), str(body["source"]).strip(), int(body["times"])
            except (KeyError, ValueError, TypeError) as e:
                return _json(400, {"error": f"repeat needs sql, source and times: {e}"})
            if times < 1 or not sql.lower().startswith("select"):
                return _json(400, {"error": "repeat needs a SELECT and times >= 1"})
            for cache in (app.cache, app.ws_cache):
                cache.repeats[sql] = (source, times)
            return _json(200, {"ok": True})
        if name == "sql" and req.method == "GET":
            return _json(200, {"sql": list(app.engine.seen)})
        if name == "stats" and req.method == "GET":
            return _json(200, {"cache_hits": app.cache.hits, "cache_misses": app.cache.misses,
                               "ws_cache_hits": app.ws_cache.hits,
                               "ws_cache_misses": app.ws_cache.misses,
                               "generation": app.store.generation})
        return Response(404, {"Content-Type": "text/plain"}, b"404 page not found")
