#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets into tests/fuzz/corpus/<target>/.

Raw blocks and TMQ data containers come from the simulator's own encoders (tests/sim/taossim);
REST bodies are real /rest/sql replies of a simulator this script starts on loopback; the
WebSocket frames around them are put together here after protocol.md. Each seed is small, so
the fuzzer starts from every shape the parsers know. Re-run after a format change:

    python3 tests/fuzz/make_corpus.py
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import struct
import subprocess
import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "sim"))

from taossim import rawblock, tmq  # noqa: E402
from taossim import types as T  # noqa: E402

NEW_FORMAT = 0xFFFFFFFFFFFFFFFF
# The req_ids and legacy result id fuzz_ws_stream.cpp waits on.
TEXT_REQ, BINARY_REQ, LEGACY_REQ, LEGACY_RESULT = 1, 2, 3, 7


def write(target: str, name: str, data: bytes) -> None:
    d = HERE / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


# --- raw blocks ----------------------------------------------------------------------------------

def all_types_block() -> bytes:
    fields = [
        ("ts", T.SqlType(T.TIMESTAMP)), ("b", T.SqlType(T.BOOL)), ("i8", T.SqlType(T.TINYINT)),
        ("i16", T.SqlType(T.SMALLINT)), ("i32", T.SqlType(T.INT)), ("i64", T.SqlType(T.BIGINT)),
        ("u8", T.SqlType(T.UTINYINT)), ("u16", T.SqlType(T.USMALLINT)), ("u32", T.SqlType(T.UINT)),
        ("u64", T.SqlType(T.UBIGINT)), ("f", T.SqlType(T.FLOAT)), ("d", T.SqlType(T.DOUBLE)),
        ("s", T.SqlType(T.VARCHAR, 8)), ("n", T.SqlType(T.NCHAR, 4)), ("j", T.SqlType(T.JSON)),
        ("vb", T.SqlType(T.VARBINARY, 8)), ("g", T.SqlType(T.GEOMETRY, 32)), ("bl", T.SqlType(T.BLOB)),
        ("d64", T.decimal_type(10, 2)), ("d128", T.decimal_type(30, 5)),
    ]
    columns = [
        [1700000000000, None, 1700000000002], [True, None, False], [-1, None, 127], [-300, None, 300],
        [-70000, None, 70000], [-(1 << 40), None, 1 << 40], [255, None, 0], [65535, None, 1],
        [4000000000, None, 2], [(1 << 64) - 1, None, 3], [1.5, None, -2.25], [3.25, None, -1e300],
        ["abc", None, ""], ["中文", None, "x"], ['{"k":1}', None, "{}"], [b"\x00\xff", None, b""],
        [b"\x01\x01\x00\x00\x00" + b"\x00" * 16, None, b""], [b"blob", None, b""],
        [12345, None, -99999], [(1 << 100) + 7, None, -5],
    ]
    return rawblock.encode(fields, columns, group_id=42)


def small_blocks() -> dict:
    one_int = rawblock.encode([("v", T.SqlType(T.INT))], [[7]])
    empty = rawblock.encode([("v", T.SqlType(T.INT))], [[]])
    no_cols = rawblock.encode([], [])
    nine_rows = rawblock.encode([("v", T.SqlType(T.BIGINT)), ("s", T.SqlType(T.VARCHAR, 4))],
                                [list(range(9)), ["a", None, "bb", None, "c", "", None, "d", "e"]])
    return {"all_types": all_types_block(), "one_int": one_int, "empty": empty, "no_columns": no_cols,
            "nine_rows": nine_rows}


# --- WebSocket messages and frames ---------------------------------------------------------------

def raw_block_reply(req_id: int, block: bytes | None, code: int = 0, msg: bytes = b"") -> bytes:
    head = struct.pack("<QQHQQII", NEW_FORMAT, 7, 1, 123, req_id, code, len(msg)) + msg
    if block is None:
        return head + struct.pack("<QB", 5, 1)
    return head + struct.pack("<QBI", 5, 0, len(block)) + block


def legacy_block_reply(result_id: int, block: bytes) -> bytes:
    return struct.pack("<QQ", 99, result_id) + block


def ws_frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    """A server frame (never masked)."""
    b0 = (0x80 if fin else 0) | opcode
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", b0, n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, 126, n)
    else:
        head = struct.pack("!BBQ", b0, 127, n)
    return head + payload


def json_replies() -> dict:
    return {
        "query": {"code": 0, "message": "", "action": "query", "req_id": TEXT_REQ, "timing": 5, "id": 9,
                  "is_update": False, "affected_rows": 0, "fields_count": 2, "fields_names": ["ts", "v"],
                  "fields_types": [9, 4], "fields_lengths": [8, 4], "precision": 0,
                  "fields_precisions": [0, 0], "fields_scales": [0, 0]},
        "error": {"code": 0x2603, "message": "Table does not exist", "action": "query", "req_id": TEXT_REQ},
        "poll": {"code": 0, "message": "", "action": "poll", "req_id": TEXT_REQ, "have_message": True,
                 "topic": "t1", "database": "db", "vgroup_id": 2, "message_type": 1, "message_id": 4,
                 "offset": 17},
        "auth": {"code": 0x0357, "message": "Authentication failure", "action": "conn", "req_id": TEXT_REQ},
    }


# --- TMQ -----------------------------------------------------------------------------------------

def tmq_container(with_table_name: bool) -> bytes:
    fields = [("ts", T.SqlType(T.TIMESTAMP)), ("v", T.SqlType(T.INT)), ("n", T.SqlType(T.NCHAR, 4))]
    block = tmq.Block("d0", [type("F", (), {"name": n, "type": t})() for n, t in fields],
                      [[1700000000000, 1700000000001], [1, None], ["ab", None]], "ms")
    msg = tmq.PolledMessage("topic", "db", 2, 10, 12, [block, block], with_table_name, "data")
    return msg.raw_data()


def fetch_raw_data_reply(raw: bytes, code: int = 0) -> bytes:
    msg = b"" if code == 0 else b"no message"
    head = struct.pack("<QQHQQII", NEW_FORMAT, 8, 1, 55, 1, code, len(msg)) + msg + struct.pack("<Q", 4)
    if code:
        return head
    return head + struct.pack("<HI", 2, len(raw)) + raw


# --- REST bodies from a running simulator ---------------------------------------------------------

def rest_bodies() -> dict:
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "sim" / "run_sim.py"), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=str(ROOT))
    try:
        m = re.search(rb"listening on ([0-9.]+):(\d+)", proc.stdout.readline())
        if not m:
            raise RuntimeError("the simulator did not start")
        base = "http://%s:%s/rest/sql" % (m.group(1).decode(), m.group(2).decode())
        auth = "Basic " + base64.b64encode(b"root:taosdata").decode()

        def sql(text: str) -> bytes:
            req = urllib.request.Request(base, data=text.encode(), headers={"Authorization": auth})
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    return resp.read()
            except urllib.error.HTTPError as e:  # error bodies are seeds too
                return e.read()

        sql("create database if not exists fz")
        sql("create table if not exists fz.t (ts timestamp, b bool, i8 tinyint, i16 smallint, i32 int, "
            "i64 bigint, u8 tinyint unsigned, u16 smallint unsigned, u32 int unsigned, u64 bigint unsigned, "
            "f float, d double, s varchar(8), n nchar(4), vb varbinary(8), g geometry(64), "
            "d64 decimal(10,2), d128 decimal(30,5))")
        out = {
            "insert": sql("insert into fz.t values (1700000000000, true, -1, -300, -70000, -1099511627776, 255, "
                          "65535, 4000000000, 18446744073709551615, 1.5, -2.25, 'abc', '中文', '\\x00ff', "
                          "'POINT(1 2)', 12.34, -123.45678) (1700000000001, null, null, null, null, null, null, "
                          "null, null, null, null, null, null, null, null, null, null, null)"),
            "select": sql("select * from fz.t"),
            "select_us": (sql("create database if not exists fzu precision 'us'"),
                          sql("create table if not exists fzu.t (ts timestamp, v int)"),
                          sql("insert into fzu.t values (1700000000000001, 1) (1700000000000002, null)"),
                          sql("select * from fzu.t"))[-1],
            "show": sql("show databases"),
            "error": sql("select * from fz.missing"),
            "syntax": sql("selec 1"),
        }
        return out
    finally:
        proc.kill()
        proc.wait()


def main() -> None:
    for target in ("dsn", "raw_block", "rest_json", "ws_reply", "ws_stream", "tmq"):
        shutil.rmtree(HERE / "corpus" / target, ignore_errors=True)

    dsns = [
        "http://root:taosdata@localhost:6041/power?timeout=30&tz=Asia/Shanghai",
        "ws://u:p%40ss@[::1]:6041,host2:6042/db?token=abc&tls_verify=false",
        "taos://localhost", "https://h.example.com/?bearer_token=x&read_timeout=5",
        "taos+ws://user@h1,h2,[fe80::1]:7/d%2Fb?a=&b=1&c",
        "url=localhost:6041/\nuser=root\npassword=taosdata\nport=6041\ntimeout=5",
        "host=[::1]\ndatabase=db\nx=y",
    ]
    for i, d in enumerate(dsns):
        write("dsn", "seed%02d" % i, d.encode())

    blocks = small_blocks()
    for name, b in blocks.items():
        write("raw_block", name, b)
        write("ws_reply", "raw_block_reply_" + name, b"\x01" + raw_block_reply(BINARY_REQ, b))
    write("ws_reply", "raw_block_finished", b"\x01" + raw_block_reply(BINARY_REQ, None))
    write("ws_reply", "legacy_block", b"\x01" + legacy_block_reply(LEGACY_RESULT, blocks["nine_rows"]))
    replies = json_replies()
    for name, obj in replies.items():
        write("ws_reply", "json_" + name, b"\x00" + json.dumps(obj).encode())

    # Byte streams after the upgrade: answers for all three calls, with pings and fragments between.
    text = json.dumps(replies["query"]).encode()
    raw = raw_block_reply(BINARY_REQ, blocks["all_types"])
    legacy = legacy_block_reply(LEGACY_RESULT, blocks["one_int"])
    write("ws_stream", "all_answered", b"\x00" + ws_frame(1, text) + ws_frame(2, raw) + ws_frame(2, legacy))
    write("ws_stream", "fragmented_with_ping", b"\x00" + ws_frame(9, b"TAOS") + ws_frame(2, raw[:20], fin=False)
          + ws_frame(9, b"") + ws_frame(0, raw[20:]) + ws_frame(1, text[:5], fin=False) + ws_frame(0, text[5:])
          + ws_frame(10, b"x"))
    write("ws_stream", "close_first", b"\x00" + ws_frame(8, b"\x03\xe8bye") + ws_frame(1, text))
    write("ws_stream", "error_for_binary", b"\x00"
          + ws_frame(1, json.dumps({"code": 0x2603, "message": "x", "req_id": BINARY_REQ}).encode())
          + ws_frame(2, raw_block_reply(LEGACY_REQ + 100, None)))
    write("ws_stream", "truncated_binary", b"\x00" + ws_frame(2, b"\xff" * 10) + ws_frame(1, text))
    write("ws_stream", "upgrade_401", b"\x01HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
    write("ws_stream", "upgrade_no_accept", b"\x01HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
          b"Connection: Upgrade\r\n\r\n")

    for with_name in (False, True):
        c = tmq_container(with_name)
        suffix = "_names" if with_name else ""
        write("tmq", "frame" + suffix, b"\x00" + fetch_raw_data_reply(c))
        write("tmq", "container" + suffix, b"\x01" + c)
    write("tmq", "frame_error", b"\x00" + fetch_raw_data_reply(b"", code=0x4000))
    write("tmq", "block_frame", b"\x02" + struct.pack("<QQQ", 1, 2, 4) + blocks["nine_rows"])
    empty = bytes(tmq.PolledMessage("t", "db", 1, 3, 3, [], False, "data").raw_data())
    write("tmq", "container_empty", b"\x01" + empty)

    bodies = rest_bodies()
    for name, body in bodies.items():
        write("rest_json", name, b"\x03" + body)
    # The first byte's high bits make the target read the body in small pieces (fuzz_rest_json.cpp).
    write("rest_json", "select_split", bytes([(10 << 3) | 3]) + bodies["select"])
    write("rest_json", "show_split1", bytes([1 << 3]) + bodies["show"])
    write("rest_json", "affected_rows", b"\x00" + json.dumps(
        {"code": 0, "column_meta": [["affected_rows", "INT", 4]], "data": [[3]], "rows": 1}).encode())
    write("rest_json", "v2_body", b"\x01" + json.dumps(
        {"status": "succ", "head": ["ts"], "column_meta": [["ts", 9, 8]], "data": [], "rows": 0}).encode())

    n = sum(1 for _ in (HERE / "corpus").rglob("*") if _.is_file())
    print("wrote %d seeds under %s" % (n, HERE / "corpus"))


if __name__ == "__main__":
    main()
