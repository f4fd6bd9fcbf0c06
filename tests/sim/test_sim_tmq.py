"""Tests for topics and the TMQ consumer endpoint /rest/tmq (stdlib only).

Reuses the RFC 6455 test client of test_sim_ws.py.  Run: python -m pytest tests/sim
"""

import os
import socket
import struct
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from taossim.engine import Session  # noqa: E402
from taossim.errors import TaosError  # noqa: E402
from taossim.tmq import NO_COMMITTED, vgroup_of  # noqa: E402
from test_sim_ws import WsClient, read_block  # noqa: E402

# child tables in each simulated vgroup (2 and 3)
T2 = next(f"c{i}" for i in range(100) if vgroup_of(f"c{i}") == 2)
T3 = next(f"c{i}" for i in range(100) if vgroup_of(f"c{i}") == 3)


def sql(app, text, db=None):
    return app.engine.execute(text, Session(db))


def sql_err(app, text, db=None) -> TaosError:
    with pytest.raises(TaosError) as ei:
        sql(app, text, db)
    return ei.value


def make_db(app, db):
    sql(app, f"drop database if exists {db}")
    sql(app, f"create database {db}")
    sql(app, f"create stable {db}.st (ts timestamp, v int, s nchar(8)) tags (g int)")


def insert(app, db, table, g, start, n, v0=0):
    values = " ".join(f"({1700000000000 + start + i}, {v0 + start + i}, 'r{start + i}')"
                      for i in range(n))
    sql(app, f"insert into {db}.{table} using {db}.st tags ({g}) values {values}")


class Tmq(WsClient):
    def __init__(self, port):
        super().__init__(port, "/rest/tmq")
        self.rid = 100

    def call(self, action, **args):
        self.rid += 1
        args.setdefault("req_id", self.rid)
        return self.json(action, **args)

    def subscribe(self, topics, group="g1", reset="earliest", **extra):
        args = dict(user="root", password="taosdata", db="", group_id=group, client_id="t",
                    offset_reset=reset, topics=topics, auto_commit="false",
                    with_table_name="true")
        args.update(extra)
        return self.call("subscribe", **args)

    def silent(self, payload: bytes, opcode=0x1, wait=0.3):
        """Send and expect no reply within ``wait`` seconds."""
        self.send_frame(opcode, payload)
        self.sock.settimeout(wait)
        try:
            with pytest.raises(socket.timeout):
                self.recv()
        finally:
            self.sock.settimeout(10)

    def poll(self, blocking=200, **extra):
        return self.call("poll", blocking_time=blocking, **extra)

    def read_all(self, message_id):
        """fetch + fetch_block until completed -> [(table, names, rows, cols)]."""
        out = []
        while True:
            self.rid += 1
            f = self.json("fetch", req_id=self.rid, message_id=message_id)
            assert f["code"] == 0, f
            if f["completed"]:
                assert f["timing"] == 0 and f["fields_names"] is None   # as the adapter
                return out
            self.send_frame(0x1, ('{"action":"fetch_block","args":{"req_id":%d,"message_id":%d}}'
                                  % (self.rid + 1000, message_id)).encode())
            op, data = self.recv()
            assert op == 0x2
            _, req_id, mid = struct.unpack_from("<QQQ", data, 0)
            assert req_id == self.rid and mid == message_id      # the *fetch*'s req_id
            block = data[24:]
            assert struct.unpack_from("<i", block, 0)[0] == 2      # block version 2 (TMQ)
            rows, cols = read_block(block)
            assert rows == f["rows"] and f["fields_count"] == len(cols)
            out.append((f["table_name"], f["fields_names"], rows, cols))

    def drain(self, limit=20):
        """Poll until no message; -> {table: [v, ...]} and the last message."""
        got = {}
        for _ in range(limit):
            p = self.poll(100)
            assert p["code"] == 0, p
            if not p["have_message"]:
                return got
            for table, _, _, cols in self.read_all(p["message_id"]):
                got.setdefault(table, []).extend(cols[1])
        raise AssertionError("too many messages")


# -- SQL ------------------------------------------------------------------------

def test_topic_sql(app):
    make_db(app, "tsql")
    sql(app, "create topic tsql_a as select ts, v from tsql.st where g > 1")
    sql(app, "create topic if not exists tsql_a as database tsql")
    sql(app, "create topic tsql_b as stable tsql.st where g = 1")
    sql(app, "create topic tsql_c as database tsql")
    assert sql_err(app, "create topic tsql_a as database tsql").code == 0x03E0
    assert sql_err(app, "drop topic nope").code == 0x03E1
    sql(app, "drop topic if exists nope")
    assert sql_err(app, "create topic x as select nope from tsql.st").code == 0x2602
    assert sql_err(app, "create topic x as database nodb").code == 0x0388
    e = sql_err(app, "create topic x with meta as database tsql")
    assert e.code == 0xFFFF and e.desc.startswith("taossim:")
    res = sql(app, "show topics")
    names = [n.decode() for n in res.columns[0]]
    assert {"tsql_a", "tsql_b", "tsql_c"} <= set(names)
    i = names.index("tsql_b")
    assert res.columns[1][i] == b"tsql" and res.columns[5][i] == b"stable"
    assert b"as stable tsql.st" in res.columns[3][i]
    assert sql_err(app, "drop database tsql").code == 0x03ED    # topics first
    for t in ("tsql_a", "tsql_b", "tsql_c"):
        sql(app, f"drop topic {t}")
    sql(app, "drop database tsql")


# -- transport rules ----------------------------------------------------------------

def test_before_subscribe_and_malformed(app):
    c = Tmq(app.port)
    try:
        r = c.call("version")
        assert r["code"] == 0 and r["version"] == "3.3.6.0"
        r = c.call("commit", message_id=3)
        assert r["code"] == 0xFFFF and r["message"] == "tmq not init" and "message_id" not in r
        r = c.call("fetch", message_id=3)
        assert r["message"] == "tmq not init" and r["message_id"] == 3
        r = c.call("assignment", topic="x")
        assert r["message"] == "tmq not init"
        c.send_frame(0x1, b'{"action":"fetch_raw_data","args":{"req_id":9,"message_id":4}}')
        op, data = c.recv()
        assert op == 0x2
        flag, action, ver, _, req_id, code, mlen = struct.unpack_from("<QQHQQII", data, 0)
        assert (flag, action, ver, req_id, code) == (2 ** 64 - 1, 8, 1, 9, 0xFFFF)
        assert data[42:42 + mlen] == b"tmq not init"
        assert struct.unpack_from("<Q", data, 42 + mlen)[0] == 4 and len(data) == 50 + mlen
        # silently dropped: bad JSON, unknown action, undecodable args, binary frames
        c.silent(b"{nope")
        c.silent(b'{"action":"nope","args":{"req_id":1}}')
        c.silent(b'{"action":"commit","args":{"req_id":"x"}}')
        c.silent(b'{"action":"version","args":{"req_id":1}}'[:0] + b"\x00" * 30, opcode=0x2)
        # a poll before subscribe waits in the queue (no poller yet): no reply
        c.silent(b'{"action":"poll","args":{"req_id":5,"blocking_time":10}}')
        assert c.call("version")["code"] == 0
    finally:
        c.close()


def test_subscribe_errors(app):
    make_db(app, "tserr")
    sql(app, "create topic if not exists tserr_t as database tserr")
    c = Tmq(app.port)
    try:
        r = c.subscribe(["tserr_t"], password="bad")
        assert (r["code"], r["message"]) == (0xFFFF, "init tscObj failed")
        r = c.subscribe(["tserr_t"], group="")
        assert r["code"] == 0xFFFF and "group is empty" in r["message"]
        r = c.subscribe(["nope"])
        assert (r["code"], r["message"]) == (0x03E1, "Topic not exist")
        r = c.subscribe(["tserr_t"], config={"bad.key": "1"})
        assert (r["code"], r["message"]) == (0x0118, "unknown configuration key: bad.key")
        r = c.subscribe(["tserr_t"], reset="sometimes")
        assert r["code"] == 0x0118 and r["message"] == \
            "invalid value for key 'auto.offset.reset': sometimes"
        r = c.subscribe(["tserr_t"], auto_commit="yes")
        assert (r["code"], r["message"]) == \
            (0xFFFF, 'strconv.ParseBool: parsing "yes": invalid syntax')
        c.silent(b'{"action":"subscribe","args":{"req_id":1,"auto_commit":true}}')
        r = c.subscribe(["tserr_t"])
        assert r["code"] == 0 and r["version"] == "3.3.6.0" and r["action"] == "subscribe"
        assert list(r)[:6] == ["code", "message", "action", "req_id", "timing", "version"]
        r = c.subscribe(["tserr_t"])
        assert (r["code"], r["message"]) == (0xFFFF, "tmq should have unsubscribed first")
        assert sql_err(app, "drop topic tserr_t").code == 0x03EB     # subscribed
        r = c.call("seek", topic="tserr_t", vgroup_id=99, offset=0)
        assert r["code"] == 0x4008
        r = c.call("seek", topic="other", vgroup_id=2, offset=0)
        assert r["code"] == 0x4009
        r = c.call("seek", topic="tserr_t", vgroup_id=2, offset=5)
        assert (r["code"], r["message"]) == (0x4007, "Offset out of range")
        r = c.call("committed", topic_vgroup_ids=[{"topic": "tserr_t", "vgroup_id": 2}])
        assert r["committed"] == [NO_COMMITTED]
    finally:
        c.close()
    time.sleep(0.2)
    sql(app, "drop topic tserr_t")


# -- consuming ------------------------------------------------------------------------

def test_poll_fetch_commit_seek(app):
    make_db(app, "tp1")
    sql(app, "create topic if not exists tp1_t as select ts, v, s, g, tbname from tp1.st "
             "where v >= 1")
    insert(app, "tp1", T2, 7, 0, 3)            # v = 0,1,2 (0 filtered out)
    insert(app, "tp1", T3, 8, 0, 2)
    c = Tmq(app.port)
    try:
        assert c.subscribe(["tp1_t"])["code"] == 0
        r = c.call("list_topics")
        assert r["topics"] == ["tp1_t"]
        p = c.poll()
        assert p["code"] == 0 and p["have_message"] and p["message_id"] == 1
        assert list(p)[5:] == ["have_message", "topic", "database", "vgroup_id",
                               "message_type", "message_id", "offset"]
        assert (p["topic"], p["database"], p["message_type"], p["offset"]) == \
            ("tp1_t", "tp1", 1, 0)
        first_vg = p["vgroup_id"]
        blocks = c.read_all(1)
        assert len(blocks) == 1
        table, names, rows, cols = blocks[0]
        assert names == ["ts", "v", "s", "g", "tbname"]
        if first_vg == 2:
            assert table == T2 and cols[1] == [1, 2] and cols[2] == ["r1", "r2"]
            assert cols[3] == [7, 7] and cols[4] == [T2.encode()] * 2
        else:
            assert table == T3 and cols[1] == [1]
        # fetch_block after completion resends the last buffer; bad ids are errors
        r = c.call("fetch_block", message_id=9)
        assert (r["code"], r["message"], r["message_id"]) == (0xFFFF, "message is nil", 9)
        r = c.call("fetch", message_id=9)
        assert r["message"] == "message ID are not equal"
        r = c.call("fetch_json_meta", message_id=1)
        assert r["message"] == "message type can not get meta, type: 1"
        # the whole message at once (fetch_raw_data, §3.6 container)
        c.send_frame(0x1, b'{"action":"fetch_raw_data","args":{"req_id":77,"message_id":1}}')
        op, data = c.recv()
        assert op == 0x2 and struct.unpack_from("<Q", data, 26)[0] == 77
        code, mlen = struct.unpack_from("<II", data, 34)
        mid, raw_type, raw_len = struct.unpack_from("<QHI", data, 42 + mlen)
        assert (code, mid, raw_type) == (0, 1, 2) and raw_len == len(data) - 56 - mlen
        raw = data[56 + mlen:]
        assert raw[0] == 100
        skip = struct.unpack_from("<i", raw, 1)[0]
        p2 = 5 + skip
        nblocks, with_tb, with_schema = struct.unpack_from("<ibb", raw, p2)
        assert (nblocks, with_tb, with_schema) == (1, 1, 1)
        # commit, committed, position
        r = c.call("commit", message_id=1)
        assert r["code"] == 0 and r["message_id"] == 1
        ids = [{"topic": "tp1_t", "vgroup_id": first_vg}]
        r = c.call("committed", topic_vgroup_ids=ids)
        assert r["committed"] == [1]          # one WAL entry consumed in that vgroup
        r = c.call("position", topic_vgroup_ids=ids)
        assert r["position"] == [1]
        # assignment: both vgroups, begin/end of each WAL
        r = c.call("assignment", topic="tp1_t")
        asg = {a["vgroup_id"]: a for a in r["assignment"]}
        assert set(asg) == {2, 3} and asg[first_vg] == {"vgroup_id": first_vg, "offset": 1,
                                                          "begin": 0, "end": 1}
        # the other vgroup, then nothing
        p = c.poll()
        assert p["have_message"] and p["vgroup_id"] != first_vg and p["message_id"] == 2
        # a poll naming an older message id gets the held message again (3.3.6 resend)
        r = c.poll(message_id=1)
        assert r["message_id"] == 2 and r["have_message"]
        c.read_all(2)
        t0 = time.monotonic()
        p = c.poll(300, message_id=2)
        assert p["have_message"] is False and p["message_id"] == 0 and p["topic"] == ""
        assert time.monotonic() - t0 >= 0.25
        # seek back and re-read the first vgroup
        r = c.call("seek", topic="tp1_t", vgroup_id=first_vg, offset=0)
        assert r["code"] == 0 and list(r) == ["code", "message", "action", "req_id", "timing"]
        p = c.poll()
        assert p["vgroup_id"] == first_vg and p["offset"] == 0
        assert c.read_all(p["message_id"])[0][3] == cols
        # new data wakes a blocking poll
        insert(app, "tp1", T2, 7, 10, 1)
        p = c.poll(2000)
        assert p["have_message"] and p["vgroup_id"] == 2
        r = c.call("commit_offset", topic="tp1_t", vgroup_id=2, offset=0)
        assert (r["topic"], r["vgroup_id"], r["offset"]) == ("tp1_t", 2, 0)
        r = c.call("unsubscribe")
        assert r["code"] == 0
        r = c.call("fetch", message_id=p["message_id"])
        assert r["message"] == "message has been freed"
        res = sql(app, "show subscriptions")
        assert b"tp1_t" in res.columns[0]
    finally:
        c.close()


def test_two_consumers_split_vgroups(app):
    make_db(app, "tp2")
    sql(app, "create topic if not exists tp2_t as stable tp2.st")
    insert(app, "tp2", T2, 1, 0, 4)
    insert(app, "tp2", T3, 2, 0, 5)
    a, b = Tmq(app.port), Tmq(app.port)
    try:
        assert a.subscribe(["tp2_t"], group="split")["code"] == 0
        assert b.subscribe(["tp2_t"], group="split")["code"] == 0
        va = [x["vgroup_id"] for x in a.call("assignment", topic="tp2_t")["assignment"]]
        vb = [x["vgroup_id"] for x in b.call("assignment", topic="tp2_t")["assignment"]]
        assert sorted(va + vb) == [2, 3] and len(va) == len(vb) == 1
        got_a, got_b = a.drain(), b.drain()
        assert set(got_a) | set(got_b) == {T2, T3} and not set(got_a) & set(got_b)
        both = {**got_a, **got_b}
        assert both[T2] == [0, 1, 2, 3] and both[T3] == [0, 1, 2, 3, 4]
        r = a.call("seek", topic="tp2_t", vgroup_id=vb[0], offset=0)
        assert r["code"] == 0x4008                     # not a's vgroup
        rows = sql(app, "show consumers")
        assert rows.columns[1].count(b"split") == 2
        # b leaves: a takes over both vgroups; b's part restarts from the (empty) commit
        b.call("unsubscribe")
        va = [x["vgroup_id"] for x in a.call("assignment", topic="tp2_t")["assignment"]]
        assert sorted(va) == [2, 3]
    finally:
        a.close()
        b.close()


def test_resume_from_committed(app):
    make_db(app, "tp3")
    sql(app, "create topic if not exists tp3_t as select ts, v from tp3.st")
    insert(app, "tp3", T2, 1, 0, 2)
    c = Tmq(app.port)
    try:
        assert c.subscribe(["tp3_t"], group="res")["code"] == 0
        assert c.drain() == {T2: [0, 1]}
        assert c.call("commit", message_id=0)["code"] == 0
        assert c.call("unsubscribe")["code"] == 0
        insert(app, "tp3", T2, 1, 2, 2)
        assert c.subscribe(["tp3_t"], group="ignored")["code"] == 0   # re-subscribe
        assert c.drain() == {T2: [2, 3]}                 # no loss, no duplicate
    finally:
        c.close()
    insert(app, "tp3", T2, 1, 4, 1)
    c = Tmq(app.port)                                   # a new socket, same group
    try:
        assert c.subscribe(["tp3_t"], group="res")["code"] == 0
        assert c.drain() == {T2: [2, 3, 4]}              # uncommitted rows 2..3 come again
        c.call("commit", message_id=0)
    finally:
        c.close()
    c = Tmq(app.port)
    try:                                                  # latest: only new writes
        assert c.subscribe(["tp3_t"], group="late", reset="latest")["code"] == 0
        assert c.drain() == {}
        insert(app, "tp3", T2, 1, 5, 1)
        assert c.drain() == {T2: [5]}
    finally:
        c.close()


def test_auto_commit_and_poll_queue(app):
    make_db(app, "tp4")
    sql(app, "create topic if not exists tp4_t as database tp4")
    insert(app, "tp4", T3, 1, 0, 1)
    c = Tmq(app.port)
    try:
        assert c.subscribe(["tp4_t"], group="auto", auto_commit="true",
                           auto_commit_interval_ms="0")["code"] == 0
        assert c.poll()["have_message"]
        ids = [{"topic": "tp4_t", "vgroup_id": 3}]
        assert c.call("committed", topic_vgroup_ids=ids)["committed"] == [NO_COMMITTED]
        assert not c.poll()["have_message"]            # commits before polling
        assert c.call("committed", topic_vgroup_ids=ids)["committed"] == [1]
        # one-slot queue: A runs, B is queued then replaced by C -> replies for A and C
        for rid, wait in ((501, 400), (502, 10), (503, 10)):
            c.send_frame(0x1, ('{"action":"poll","args":{"req_id":%d,"blocking_time":%d}}'
                               % (rid, wait)).encode())
            if rid == 501:
                time.sleep(0.1)
        got = [c.recv_json()["req_id"], c.recv_json()["req_id"]]
        assert got == [501, 503]
        c.silent(b"", opcode=0x2)                        # and nothing for 502
    finally:
        c.close()
