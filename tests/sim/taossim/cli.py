"""Command line: python -m taossim / tests/sim/run_sim.py."""

import argparse
import ipaddress
import os
import signal
import socket
import sys
import threading

from .app import App
from .server import Server, tls_context


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="taossim",
                                 description="Loopback taosAdapter REST simulator")
    ap.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    ap.add_argument("--port", type=int, default=int(os.environ.get("SIM_PORT", "6041")),
                    help="TCP port (env SIM_PORT, default 6041; 0 = any free port)")
    ap.add_argument("--user", default="root")
    ap.add_argument("--password", default="taosdata")
    ap.add_argument("--bearer-token", default=None,
                    help="accept 'Authorization: Bearer <token>' with this token")
    ap.add_argument("--no-cache", action="store_true",
                    help="disable the SELECT response caches (REST and /ws)")
    ap.add_argument("--meta-error-code", choices=("inner", "2662"), default="inner",
                    help="code for a missing table/db in SELECT: the inner code (3.3.x, "
                         "0x2603/0x0388) or 0x2662 (3.0-3.2)")
    ap.add_argument("--tls-cert", default=None,
                    help="serve HTTPS/wss with this PEM certificate (chain); needs --tls-key")
    ap.add_argument("--tls-key", default=None, help="the PEM private key of --tls-cert")
    args = ap.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        print("taossim: --tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    if args.meta_error_code == "2662":
        from . import errors
        errors.META_ERROR_CODE = errors.PAR_GET_META_ERROR
    if not _loopback(args.host):
        print(f"taossim: refusing to bind non-loopback host {args.host!r}", file=sys.stderr)
        return 2
    app = App(args.user, args.password, args.bearer_token, cache=not args.no_cache)
    Server.address_family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    host = "127.0.0.1" if args.host == "localhost" else args.host
    tls = tls_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    srv = Server((host, args.port), app, tls)
    stop = threading.Event()

    def _stop(signum, frame):
        stop.set()
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    print(f"taossim listening on {host}:{srv.port}" + (" (tls)" if tls else ""), flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()
    return 0
