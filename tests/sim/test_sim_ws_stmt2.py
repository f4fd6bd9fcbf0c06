"""stmt2 over the simulator's /ws (protocol.md §2.9, §2.10). Stdlib only."""

import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from taossim import rawblock  # noqa: E402
from test_sim_ws import q  # noqa: E402

VAR = {8, 10, 15, 16, 17, 18, 20, 21}
FMT = {1: "b", 2: "b", 3: "h", 4: "i", 5: "q", 6: "f", 7: "d", 9: "q",
       11: "B", 12: "H", 13: "I", 14: "Q"}


def record(btype, values):
    """One field-bind record (§2.10.2); ``values`` may contain None."""
    num = len(values)
    nulls = bytes(1 if v is None else 0 for v in values)
    if btype in VAR:
        raw = [b"" if v is None else (v.encode() if isinstance(v, str) else v) for v in values]
        body = b"\x01" + struct.pack(f"<{num}i", *[len(r) for r in raw])
        buf = b"".join(raw)
    else:
        body = b"\x00"
        buf = b"" if all(v is None for v in values) else \
            struct.pack(f"<{num}{FMT[btype]}", *[0 if v is None else v for v in values])
    rec = struct.pack("<ii", btype, num) + nulls + body + struct.pack("<i", len(buf)) + buf
    return struct.pack("<I", 4 + len(rec)) + rec


def payload(tables):
    """tables: [(name or None, [records] or None, [records] or None)]."""
    names, tags, cols = ([t[k] for t in tables] for k in range(3))
    out = b""
    names_off = 0
    if names[0] is not None:
        names_off = 28
        enc = [n.encode() + b"\0" for n in names]
        out += b"".join(struct.pack("<H", len(e)) for e in enc) + b"".join(enc)

    def section(per_table):
        """The tags or columns section -> (its offset, records per table); (0, 0) if absent."""
        nonlocal out
        if per_table[0] is None:
            return 0, 0
        off = 28 + len(out)
        out += b"".join(struct.pack("<I", len(b"".join(t))) for t in per_table) + \
            b"".join(b"".join(t) for t in per_table)
        return off, len(per_table[0])

    tags_off, ntags = section(tags)
    cols_off, ncols = section(cols)
    head = struct.pack("<7I", 28 + len(out), len(tables), ntags, ncols, names_off, tags_off,
                       cols_off)
    return head + out


def bind(ws, sid, body, req_id=90, col_idx=-1, version=1):
    _, data = ws.binary(req_id, sid, 9, struct.pack("<Hi", version, col_idx) + body)
    return json.loads(data)


def fetch_all(ws, result_id):
    _, frame = ws.binary(55, result_id, 7, b"\x01\x00")
    return rawblock.decode(frame[55:])[1]


def test_worked_example_payload_bytes():
    # protocol.md §2.10.2 worked example, byte for byte
    body = payload([("d1", [record(4, [7])],
                     [record(9, [1700000000000, 1700000000001]), record(4, [5, None])])])
    assert len(body) == 125
    assert body[:28].hex() == "7d000000010000000100000002000000" "1c000000210000003b000000"
    assert body[98:].hex() == "1b00000004000000020000000001000800000005000000" "00000000"


def test_insert_multi_table_and_read_back(ws):
    q(ws, "create database if not exists s2")
    q(ws, "create stable if not exists s2.st (ts timestamp, v int, s nchar(8), b varchar(8), "
          "d double, u bigint unsigned, f bool) tags (g int, name varchar(8))")
    q(ws, "use s2")
    r = ws.json("stmt2_init", req_id=10, single_stb_insert=False, single_table_bind_once=False)
    assert r["code"] == 0 and list(r) == ["code", "message", "action", "req_id", "timing",
                                          "stmt_id"]
    sid = r["stmt_id"]
    r = ws.json("stmt2_prepare", req_id=11, stmt_id=sid, get_fields=True,
                sql="insert into ? using st tags(?, ?) values(?, ?, ?, ?, ?, ?, ?)")
    assert (r["code"], r["is_insert"], r["fields_count"]) == (0, True, 10), r
    assert r["fields"][0] == {"name": "tbname", "field_type": 8, "precision": 0, "scale": 0,
                              "bytes": 271, "bind_type": 4}
    assert [(f["name"], f["bind_type"]) for f in r["fields"][1:4]] == \
        [("g", 2), ("name", 2), ("ts", 1)]
    assert r["fields"][5] == {"name": "s", "field_type": 10, "precision": 0, "scale": 0,
                              "bytes": 34, "bind_type": 1}

    def cols(ts, v):
        return [record(9, ts), record(4, v), record(10, ["hé", None][:len(ts)]),
                record(8, [b"ab", b"c"][:len(ts)]), record(7, [1.5, None][:len(ts)]),
                record(14, [2 ** 64 - 1, 0][:len(ts)]), record(1, [1, 0][:len(ts)])]

    body = payload([("t1", [record(4, [1]), record(8, [b"x"])], cols([1700000000000, 1700000000001], [5, None])),
                    ("t2", [record(4, [2]), record(8, [None])], cols([1700000000002], [6]))])
    r = bind(ws, sid, body)
    assert (r["code"], r["action"], r["req_id"], r["stmt_id"]) == (0, "stmt2_bind", 90, sid), r
    r = ws.json("stmt2_exec", req_id=12, stmt_id=sid)
    assert (r["code"], r["affected"], r["stmt_id"]) == (0, 3, sid), r
    r = ws.json("stmt2_result", req_id=13, stmt_id=sid)
    assert (r["code"], r["message"]) == (0xFFFF, "stmt is insert, no result set")
    r = ws.json("stmt2_close", req_id=14, stmt_id=sid)
    assert (r["code"], r["stmt_id"]) == (0, sid)
    r = q(ws, "select ts, v, s, b, d, u, f, g, name from st order by ts")
    got = fetch_all(ws, r["id"])
    assert got[:4] == [[1700000000000, 1700000000001, 1700000000002], [5, None, 6],
                       ["hé", None, "hé"], [b"ab", b"c", b"ab"]]
    assert got[6] == [True, False, True]
    assert got[4][0] == 1.5 and got[4][1] is None
    assert got[5] == [2 ** 64 - 1, 0, 2 ** 64 - 1]
    assert got[7:] == [[1, 1, 2], [b"x", b"x", None]]


def test_query_statement_and_result(ws):
    q(ws, "create database if not exists s2")
    q(ws, "create table if not exists s2.q (ts timestamp, v int, s varchar(4))")
    q(ws, "insert into s2.q values (1700000000000, 1, 'a') (1700000000001, 2, 'b')")
    sid = ws.json("stmt2_init", req_id=20)["stmt_id"]
    r = ws.json("stmt2_prepare", req_id=21, stmt_id=sid, get_fields=True,
                sql="select v, s from s2.q where v > ? and s = ?")
    assert (r["code"], r["is_insert"], r["fields_count"], r["fields"]) == (0, False, 2, None)
    r = bind(ws, sid, payload([(None, None, [record(5, [1]), record(8, ["b"])])]))
    assert r["code"] == 0, r
    assert ws.json("stmt2_exec", req_id=22, stmt_id=sid)["affected"] == 0
    r = ws.json("stmt2_result", req_id=23, stmt_id=sid)
    assert (r["code"], r["fields_names"], r["fields_types"]) == (0, ["v", "s"], [4, 8]), r
    assert list(r)[5:7] == ["stmt_id", "id"]
    assert fetch_all(ws, r["id"]) == [[2], [b"b"]]
    assert ws.json("stmt2_close", req_id=24, stmt_id=sid)["code"] == 0


def test_errors(ws):
    q(ws, "create database if not exists s2")
    q(ws, "create table if not exists s2.e (ts timestamp, v int)")
    r = ws.json("stmt2_exec", req_id=30, stmt_id=999)
    assert (r["code"], r["message"], r["stmt_id"]) == (0xFFFF, "stmt is nil", 999)
    assert ws.json("stmt2_close", req_id=31, stmt_id=999)["code"] == 0   # unknown id: success
    v1 = ws.json("init", req_id=32)["stmt_id"]
    r = ws.json("stmt2_exec", req_id=33, stmt_id=v1)
    assert r["message"] == f"stmtID:{v1}, isStmt2:true not match"
    sid = ws.json("stmt2_init", req_id=34)["stmt_id"]
    assert sid == v1 + 1                                                  # shared counter
    r = ws.json("stmt2_prepare", req_id=35, stmt_id=sid, sql="insert into s2.e values(?, ?)",
                get_fields=True)
    assert [f["bind_type"] for f in r["fields"]] == [1, 1]
    good = payload([(None, None, [record(9, [1]), record(4, [1])])])
    # short frame, bad version, bad total length, truncated record, zero name length
    _, data = ws.binary(36, sid, 9, b"\x01\x00")
    assert json.loads(data)["code"] == 0xFFFF
    assert bind(ws, sid, good, version=2)["message"] == "unknown stmt2 bind version"
    r = bind(ws, sid, good[:-1])
    assert (r["code"], r["message"].startswith("total length not match")) == (0xFFFF, True)
    bad = bytearray(good)
    bad[0:4] = struct.pack("<I", len(good))
    struct.pack_into("<I", bad, 28 + 4, 999)                             # record length
    assert bind(ws, sid, bytes(bad))["code"] == 0xFFFF
    named = payload([("s2.e", None, [record(9, [1]), record(4, [1])])])
    bad = bytearray(named)
    struct.pack_into("<H", bad, 28, 0)
    assert "is 0" in bind(ws, sid, bytes(bad))["message"]
    # type mismatch, column count, NULL primary key
    r = bind(ws, sid, payload([(None, None, [record(9, [1]), record(8, ["x"])])]))
    assert r["code"] == 0x0200 and "mis-match" in r["message"]
    r = bind(ws, sid, payload([(None, None, [record(9, [1])])]))
    assert r["code"] == 0x2634
    r = bind(ws, sid, payload([(None, None, [record(9, [None]), record(4, [1])])]))
    assert r["code"] == 0
    r = ws.json("stmt2_exec", req_id=37, stmt_id=sid)
    assert (r["code"], r["message"]) == (0x0200, "primary timestamp should not be null")
    # nothing half-written; the statement still works
    assert bind(ws, sid, good)["code"] == 0
    assert ws.json("stmt2_exec", req_id=38, stmt_id=sid)["affected"] == 1
    # tbname placeholder without a name
    r = ws.json("stmt2_prepare", req_id=39, stmt_id=sid, sql="insert into ? values(?, ?)",
                get_fields=False)
    assert r["code"] == 0
    r = bind(ws, sid, good)
    assert r["code"] == 0x022B
    assert bind(ws, sid, named)["code"] == 0
    assert ws.json("stmt2_exec", req_id=40, stmt_id=sid)["affected"] == 1
    r = ws.json("stmt2_prepare", req_id=41, stmt_id=sid, sql="selec 1", get_fields=True)
    assert r["code"] != 0
