"""taossim: a loopback taosAdapter (TDengine REST + /ws) simulator for client tests.

Pure standard library.  Layout, one idea per module:
  server    HTTP/1.1 transport (keep-alive, chunked, gzip, faults)
  app       routing;  rest / influx / opentsdb / control: route handlers
  auth, des Authorization parsing, Taosd tokens
  sqllex, sqlparse, sqlast, engine, query, values, wkt: SQL
  store     catalogue + columnar data;  generate: synthetic tables
  render    JSON value rendering;  rawblock: raw block encoder (for /ws, TMQ)
  cache     pre-encoded SELECT bodies and /ws raw blocks;  errors, types: codes, type table
  websocket RFC 6455 handshake/frames;  ws_session, ws_sql, ws_stmt: the /ws actions
"""

from .app import App
from .server import Server, start_in_thread

__all__ = ["App", "Server", "start_in_thread"]
