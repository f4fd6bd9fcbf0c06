"""Sim-level checks of the WebSocket fault kinds (ws_close, ws_stall, ws_truncate, ws_corrupt)
on /ws and /rest/tmq, armed through POST /-/sim/fault (stdlib only)."""

import http.client
import json
import os
import socket
import struct
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from taossim.engine import Session  # noqa: E402
from taossim.faults import corrupt, find_raw_block, truncate  # noqa: E402
from test_sim_ws import WsClient, read_block  # noqa: E402
from test_sim_tmq import Tmq  # noqa: E402


@pytest.fixture(autouse=True)
def clean(app):
    yield
    app.faults.clear()


def control(app, method, name, body=None):
    c = http.client.HTTPConnection("127.0.0.1", app.port, timeout=10)
    c.request(method, "/-/sim/" + name, body=None if body is None else json.dumps(body))
    r = c.getresponse()
    out = r.status, json.loads(r.read() or b"null")
    c.close()
    return out


def arm(app, **spec):
    st, body = control(app, "POST", "fault", spec)
    assert st == 200, body
    return body


def sql(app, text):
    return app.engine.execute(text, Session(None))


def connected(app) -> WsClient:
    c = WsClient(app.port)
    r = c.json("conn", req_id=1, user="root", password="taosdata", db="")
    assert r["code"] == 0, r
    return c


def assert_dropped(c: WsClient):
    """The server shut the socket down without a close frame: EOF, nothing else."""
    c.sock.settimeout(5)
    data = b""
    try:
        while True:
            chunk = c.sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    assert c.buf + data == b"", "expected EOF without a close frame, got %r" % (c.buf + data)[:40]


def fill(app, db="wf", n=10000):
    sql(app, f"drop database if exists {db}")
    sql(app, f"create database {db}")
    sql(app, f"create table {db}.t (ts timestamp, v int, s varchar(12))")
    sql(app, f"insert into {db}.t values " + " ".join(
        f"({1700000000000 + i}, {i}, 's{i}')" for i in range(n)))


def binary_query(c: WsClient, text: str, req_id=0x21) -> int:
    b = text.encode()
    _, data = c.binary(req_id, 0, 6, struct.pack("<HI", 1, len(b)) + b)
    r = json.loads(data)
    assert r["code"] == 0, r
    return r["id"]


def fetch_raw(c: WsClient, rid: int, req_id=0x22):
    op, frame = c.binary(req_id, rid, 7, b"\x01\x00")
    assert op == 0x2
    return frame


# -- arming ---------------------------------------------------------------------------------

def test_arm_validate_and_list(app):
    st, body = control(app, "POST", "fault", {"kind": "ws_close", "path": "/ws",
                                              "after_messages": 2, "times": 2})
    assert st == 200
    (f,) = body["pending"]
    assert (f["kind"], f["path"], f["after_messages"], f["times"], f["action"]) == \
        ("ws_close", "/ws", 2, 2, "")
    assert control(app, "GET", "faults")[1]["pending"] == body["pending"]
    for bad in ({"kind": "ws_bogus"}, {"kind": "ws_close", "after_messages": -1},
                {"kind": "ws_stall", "times": 0}, {"kind": "stall", "action": "poll"},
                {"kind": "ws_stall", "seconds": -1}):
        st, body = control(app, "POST", "fault", bad)
        assert st == 400 and body["error"], bad
    control(app, "POST", "fault", {"kind": "clear"})
    assert control(app, "GET", "faults")[1]["pending"] == []


def test_http_and_ws_faults_do_not_consume_each_other(app):
    arm(app, kind="ws_stall", seconds=0.5, action="version")        # no path: any WS route
    arm(app, kind="http_status", status=503, path="/rest/")
    c = WsClient(app.port)
    t0 = time.monotonic()
    r = c.json("version", req_id=1)
    assert time.monotonic() - t0 >= 0.45 and r["code"] == 0          # the WS fault fired
    c.close()
    kinds = [f["kind"] for f in control(app, "GET", "faults")[1]["pending"]]
    assert kinds == ["http_status"]                                  # the HTTP one waits
    hc = http.client.HTTPConnection("127.0.0.1", app.port, timeout=10)
    hc.request("POST", "/rest/sql", body=b"select 1",
               headers={"Authorization": "Basic cm9vdDp0YW9zZGF0YQ=="})
    assert hc.getresponse().status == 503
    hc.close()


# -- ws_close ---------------------------------------------------------------------------------

def test_ws_close_session_mode(app):
    arm(app, kind="ws_close", path="/ws", after_messages=0)
    c = WsClient(app.port)                       # the handshake completes, then EOF
    assert c.status_line.startswith("HTTP/1.1 101")
    assert_dropped(c)
    old = connected(app)                         # a running session is not affected
    arm(app, kind="ws_close", path="/ws", after_messages=2)
    c = WsClient(app.port)
    assert c.json("version", req_id=1)["code"] == 0
    assert c.json("conn", req_id=2, user="root", password="taosdata")["code"] == 0
    c.send_frame(0x1, json.dumps({"action": "get_current_db", "args": {"req_id": 3}}).encode())
    assert_dropped(c)
    assert old.json("get_server_info", req_id=4)["code"] == 0
    c = connected(app)                           # times=1: the next session is normal
    assert c.json("get_current_db", req_id=5)["code"] == 0


def test_ws_close_session_mode_path_filter(app):
    arm(app, kind="ws_close", path="/rest/tmq", after_messages=0)
    c = connected(app)                           # /ws is not /rest/tmq
    assert c.json("version", req_id=2)["code"] == 0
    t = Tmq(app.port)
    assert_dropped(t)


def test_ws_close_request_mode_runs_the_request_then_drops(app):
    sql(app, "drop database if exists wfc")
    sql(app, "create database wfc")
    c = connected(app)
    before = app.faults.counters().get("/ws", {}).get("query", 0)
    arm(app, kind="ws_close", path="/ws", action="query")
    c.send_frame(0x1, json.dumps({"action": "query", "args": {
        "req_id": 9, "sql": "create table wfc.t (ts timestamp, v int)"}}).encode())
    assert_dropped(c)
    assert sql(app, "show wfc.tables").nrows == 1    # it ran; only the reply was lost
    assert control(app, "GET", "faults")[1]["ws_requests"]["/ws"]["query"] == before + 1


def test_ws_close_skips_after_messages_matching_requests(app):
    fill(app)
    c = connected(app)
    rid = binary_query(c, "select * from wf.t")
    arm(app, kind="ws_close", action="fetch_raw_block", after_messages=1)
    assert read_block(fetch_raw(c, rid)[55:])[0] == 4096      # the first passes
    c.send_frame(0x2, struct.pack("<QQQ", 0x23, rid, 7) + b"\x01\x00")
    assert_dropped(c)


def test_ws_close_on_request_without_reply_closes_after_it(app):
    fill(app)
    c = connected(app)
    rid = binary_query(c, "select * from wf.t")
    arm(app, kind="ws_close", action="free_result")
    c.send_frame(0x1, json.dumps({"action": "free_result", "args": {"req_id": 5, "id": rid}}).encode())
    assert_dropped(c)


# -- ws_stall ---------------------------------------------------------------------------------

def test_ws_stall_delays_only_the_matching_reply(app):
    c = connected(app)
    arm(app, kind="ws_stall", action="get_server_info", seconds=0.6)
    t0 = time.monotonic()
    assert c.json("get_current_db", req_id=2)["code"] == 0
    assert time.monotonic() - t0 < 0.3
    t0 = time.monotonic()
    r = c.json("get_server_info", req_id=3)
    assert r["code"] == 0 and r["req_id"] == 3 and time.monotonic() - t0 >= 0.55
    t0 = time.monotonic()
    assert c.json("get_server_info", req_id=4)["code"] == 0
    assert time.monotonic() - t0 < 0.3


# -- ws_truncate / ws_corrupt ---------------------------------------------------------------

def test_ws_truncate_fetch_raw_block(app):
    fill(app)
    c = connected(app)
    full = fetch_raw(c, binary_query(c, "select * from wf.t"))
    rid = binary_query(c, "select * from wf.t")
    arm(app, kind="ws_truncate", action="fetch_raw_block")
    cut = fetch_raw(c, rid, req_id=0x30)               # the same first block, cut
    assert len(cut) == len(full) // 2                 # default: half, header intact
    req_id, = struct.unpack_from("<Q", cut, 26)
    blen, = struct.unpack_from("<I", cut, 51)
    assert req_id == 0x30 and blen > len(cut) - 55   # the declared length is not there
    arm(app, kind="ws_truncate", action="fetch_raw_block", keep_bytes=20)
    assert len(fetch_raw(c, rid, req_id=0x31)) == 20
    # the socket stays fine
    assert c.json("get_current_db", req_id=7)["code"] == 0


def test_ws_corrupt_fetch_raw_block_lengths(app):
    fill(app)
    c = connected(app)
    rid = binary_query(c, "select * from wf.t")
    arm(app, kind="ws_corrupt", action="fetch_raw_block")
    frame = fetch_raw(c, rid)
    block = frame[55:]
    version, total, rows, cols = struct.unpack_from("<iiii", block, 0)
    assert (version, total, rows, cols) == (1, len(block), 4096, 3)   # header intact
    first_len, = struct.unpack_from("<i", block, 28 + 5 * cols)
    assert first_len > total                           # column 0 says more than the block has
    with pytest.raises(Exception):
        read_block(block)
    frame2 = fetch_raw(c, rid, req_id=0x40)            # next block: clean
    assert read_block(frame2[55:])[1][1][0] == 4096


def test_corrupt_and_truncate_helpers():
    from taossim import rawblock
    from taossim import types as T
    from taossim.result import Field
    block = rawblock.encode([Field("v", T.SqlType(T.INT))], [[1, 2, None]])
    payload = b"\x00" * 55 + block
    assert find_raw_block(payload) == (55, 1)
    bad = corrupt(payload)
    assert len(bad) == len(payload) and bad != payload
    assert struct.unpack_from("<i", bad, 55 + 28 + 5)[0] > len(block)
    assert corrupt(b"abcd", offset=1) == b"a\x9dcd"
    assert corrupt(b"{}") == b"{\x82"                  # no block: the middle byte
    assert truncate(b"12345678") == b"1234" and truncate(b"1234", 99) == b"123"


# -- /rest/tmq --------------------------------------------------------------------------------

def _tmq_setup(app, db="wft", topic="wft_topic"):
    sql(app, f"drop topic if exists {topic} force")
    sql(app, f"drop database if exists {db}")
    sql(app, f"create database {db}")
    sql(app, f"create table {db}.t (ts timestamp, v int)")
    sql(app, f"create topic {topic} as select ts, v from {db}.t")
    sql(app, f"insert into {db}.t values " + " ".join(
        f"({1700000000000 + i}, {i})" for i in range(100)))
    return topic


def test_tmq_ws_close_on_poll(app):
    topic = _tmq_setup(app)
    t = Tmq(app.port)
    assert t.subscribe([topic], group="wf1")["code"] == 0
    arm(app, kind="ws_close", path="/rest/tmq", action="poll")
    t.send_frame(0x1, json.dumps({"action": "poll", "args": {"req_id": 3, "blocking_time": 500}}).encode())
    assert_dropped(t)
    # the consumer left with the socket; nothing was committed: a new one starts over
    t = Tmq(app.port)
    assert t.subscribe([topic], group="wf1")["code"] == 0
    got = t.drain()
    assert sorted(v for vs in got.values() for v in vs) == list(range(100))
    t.close()


def test_tmq_ws_corrupt_fetch_raw_data(app):
    topic = _tmq_setup(app)
    t = Tmq(app.port)
    assert t.subscribe([topic], group="wf2")["code"] == 0
    p = t.poll(500)
    assert p["have_message"], p
    arm(app, kind="ws_corrupt", path="/rest/tmq", action="fetch_raw_data")
    t.send_frame(0x1, json.dumps({"action": "fetch_raw_data", "args": {
        "req_id": 5, "message_id": p["message_id"]}}).encode())
    op, frame = t.recv()
    assert op == 0x2
    o, cols = find_raw_block(frame)
    version, total = struct.unpack_from("<ii", frame, o)
    assert version == 2 and struct.unpack_from("<i", frame, o + 28 + 5 * cols)[0] > total
    t.close()


def test_reset_clears_counters(app):
    c = connected(app)
    c.close()
    assert control(app, "GET", "faults")[1]["ws_requests"]["/ws"]["conn"] >= 1
    st, _ = control(app, "POST", "reset", {})
    assert st == 200
    assert control(app, "GET", "faults")[1]["ws_requests"] == {}


def test_session_fault_is_taken_by_websocket_sessions_only(app):
    # a plain TCP connection (no upgrade) does not consume it
    arm(app, kind="ws_close", path="/ws", after_messages=1)
    s = socket.create_connection(("127.0.0.1", app.port))
    s.close()
    c = connected(app)                  # the fault hits this one after its conn reply
    assert_dropped(c)
