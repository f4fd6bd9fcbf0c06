"""Routing: maps (method, path) to the route modules.  Unknown -> gin's 404."""

import sys
import time
from typing import Optional

from . import render
from .auth import Accounts
from .cache import BlockCache, ResponseCache
from .control import ControlRoutes
from .engine import Engine
from .faults import Fault, Faults
from .http import JSON_TYPE, Request, Response
from .influx import InfluxRoutes
from .opentsdb import OpenTsdbRoutes
from .rest import RestRoutes
from .store import Store

NOT_FOUND = Response(404, {"Content-Type": "text/plain"}, b"404 page not found")


class App:
    def __init__(self, user: str = "root", password: str = "taosdata",
                 bearer_token: Optional[str] = None, cache: bool = True, quiet: bool = True):
        self.store = Store()
        self.engine = Engine(self.store)
        self.accounts = Accounts(user, password, bearer_token)
        self.cache = ResponseCache()          # REST bodies
        self.ws_cache = BlockCache()          # /ws raw blocks
        self.cache_enabled = cache
        self.faults = Faults()
        self.quiet = quiet
        self.rest = RestRoutes(self)
        self.influx = InfluxRoutes(self)
        self.opentsdb = OpenTsdbRoutes(self)
        self.control = ControlRoutes(self)

    def log(self, msg: str):
        print(f"taossim: {msg}", file=sys.stderr, flush=True)

    def handle(self, req: Request) -> Response:
        parts = req.path.split("/")[1:]       # "/rest/sql/db" -> ["rest", "sql", "db"]
        m = req.method
        n = len(parts)
        if req.path == "/rest/tmq" and m == "GET":
            from .websocket import check_upgrade
            return check_upgrade(req)
        if n >= 2 and parts[0] == "rest":
            if parts[1] == "sql" and m == "POST":
                if n == 2:
                    return self.rest.sql(req)
                if n == 3 and parts[2]:
                    return self.rest.sql(req, parts[2])
                if n == 4 and parts[3] == "vgid" and parts[2]:
                    return self.rest.vgid(req, parts[2])
            if parts[1] == "login" and n == 4 and m == "GET" and parts[2] and parts[3]:
                return self.rest.login(req, parts[2], parts[3])
            return NOT_FOUND
        if req.path == "/ws" and m == "GET":
            # upgrades never reach here (server.py takes them); gorilla refuses the rest
            from .websocket import check_upgrade
            return check_upgrade(req)
        if req.path == "/-/ping" and m in ("GET", "HEAD"):
            return Response(200, {}, b"")
        if n == 3 and parts[0] == "-" and parts[1] == "sim":
            return self.control.handle(req, parts[2])
        if req.path == "/influxdb/v1/write" and m == "POST":
            return self.influx.write(req)
        if n == 5 and parts[:3] == ["opentsdb", "v1", "put"] and m == "POST" \
                and parts[3] in ("json", "telnet"):
            return self.opentsdb.put(req, parts[4], parts[3])
        return NOT_FOUND

    def fault_response(self, req: Request, fault: Fault) -> Response:
        """The body taosAdapter sends with that status on /rest routes."""
        status = fault.status
        if fault.body is not None:
            body = fault.body if isinstance(fault.body, str) else str(fault.body)
            return Response(status, {"Content-Type": JSON_TYPE}, body.encode())
        if status == 404:
            return NOT_FOUND
        if status == 503:
            # memory guard: a bare JSON string, not an object (§1.1)
            return Response(status, {"Content-Type": JSON_TYPE}, b'"memory exceeds threshold"')
        defaults = {400: (0x1106, "request is empty"), 401: (0x1105, "no auth info input"),
                    403: (0xFFFF, "whitelist prohibits current IP access")}
        code, desc = defaults.get(status, (0xFFFF, "internal error"))
        timing = time.time_ns() - req.start_ns
        return Response(status, {"Content-Type": JSON_TYPE}, render.error_body(code, desc, timing))
