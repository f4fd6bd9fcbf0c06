"""Conformance: the official taos-ws-py `taosws.Consumer` against the simulator's
TMQ endpoint /rest/tmq.

taosws 0.7.0 opens /rest/tmq, sends `version` (3.3.6.0 >= 3.3.2.0, so it reads
messages with `fetch_raw_data` and parses the §3.6 container), `subscribe`
(with the misspelt `offset_rest`, auto_commit forced "false",
enable_batch_meta "1"), then `poll` (blocking_time = timeout / 2, carrying the
last message id), `commit`, `assignment`, `seek`, `committed`, `position`,
`unsubscribe`.  `list_topics` is answered by the client itself.
"""

import datetime
import os
import sys
import time

import pytest

taosws = pytest.importorskip("taosws")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UTC = datetime.timezone.utc
sys.path.insert(0, os.path.join(ROOT, "tests", "sim"))
from taossim.tmq import vgroup_of  # noqa: E402

T2 = next(f"d{i}" for i in range(100) if vgroup_of(f"d{i}") == 2)
T3 = next(f"d{i}" for i in range(100) if vgroup_of(f"d{i}") == 3)


@pytest.fixture(scope="module")
def conn(port):
    c = taosws.connect(f"ws://root:taosdata@127.0.0.1:{port}")
    c.execute("create database if not exists tmqc precision 'ms'")
    c.execute("create stable if not exists tmqc.st (ts timestamp, v int, f double, "
              "s nchar(8)) tags (g int)")
    yield c
    c.close()


def consumer(port, group, **extra):
    conf = {"td.connect.websocket.scheme": "ws", "td.connect.ip": "127.0.0.1",
            "td.connect.port": str(port), "td.connect.user": "root",
            "td.connect.pass": "taosdata", "group.id": group, "client.id": "conf",
            "auto.offset.reset": "earliest"}
    conf.update(extra)
    return taosws.Consumer(conf=conf)


def drain(cons, commit=True):
    """Poll until empty -> {vgroup: [rows]}."""
    got = {}
    for _ in range(20):
        msg = cons.poll(0.6)
        if msg is None:
            return got
        assert msg.topic() == "tmqc_t" and msg.database() == "tmqc"
        rows = got.setdefault(msg.vgroup(), [])
        for block in msg:
            rows.extend(block.fetchall())
        if commit:
            cons.commit(msg)
    raise AssertionError("too many messages")


def ts(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, UTC)


def test_subscribe_poll_commit_seek(conn, port):
    conn.execute("create topic if not exists tmqc_t as select ts, v, f, s, g from tmqc.st "
                 "where v > 0")
    conn.execute(f"insert into tmqc.{T2} using tmqc.st tags (2) values "
                 "(1700000000000, 0, 0.5, 'zero') (1700000000001, 1, 1.5, 'one') "
                 "(1700000000002, 2, null, 'twö')")
    conn.execute(f"insert into tmqc.{T3} using tmqc.st tags (3) values "
                 "(1700000000000, 7, 7.5, null)")
    cons = consumer(port, "cg1")
    cons.subscribe(["tmqc_t"])
    assert cons.list_topics() == ["tmqc_t"]
    got = drain(cons)
    assert sorted(got) == [2, 3]
    assert [(r[0].astimezone(UTC), *r[1:]) for r in got[2]] == [
        (ts(1700000000001), 1, 1.5, "one", 2), (ts(1700000000002), 2, None, "twö", 2)]
    assert [r[1:] for r in got[3]] == [(7, 7.5, None, 3)]
    # committed / position after consuming one WAL entry in each vgroup
    assert cons.committed("tmqc_t", 2) == 1 and cons.position("tmqc_t", 2) == 1
    (topic_asg,) = cons.assignment()
    assert topic_asg.topic() == "tmqc_t"
    asg = {a.vg_id(): (a.offset(), a.begin(), a.end()) for a in topic_asg.assignments()}
    assert asg == {2: (1, 0, 1), 3: (1, 0, 1)}
    # seek back and read vgroup 2 again
    cons.seek("tmqc_t", 2, 0)
    assert cons.position("tmqc_t", 2) == 0
    again = drain(cons, commit=False)
    assert [r[1] for r in again[2]] == [1, 2] and 3 not in again
    # new rows arrive in order; unsubscribe ends the session
    conn.execute(f"insert into tmqc.{T3} using tmqc.st tags (3) values "
                 "(1700000000005, 8, 8.5, 'x')")
    assert [r[1] for r in drain(cons)[3]] == [8]
    cons.unsubscribe()
    cons.close()


def test_group_resumes_from_committed(conn, port):
    conn.execute("create topic if not exists tmqc_t as select ts, v, f, s, g from tmqc.st "
                 "where v > 0")
    cons = consumer(port, "cg2")
    cons.subscribe(["tmqc_t"])
    first = drain(cons)
    assert sum(len(v) for v in first.values()) >= 3
    cons.close()
    time.sleep(0.3)                         # let the server see the socket close (group leave)
    conn.execute(f"insert into tmqc.{T2} using tmqc.st tags (2) values "
                 "(1700000000009, 9, 9.5, 'n')")
    cons = consumer(port, "cg2")
    cons.subscribe(["tmqc_t"])
    rows = drain(cons)                      # only the row written after the commit
    assert list(rows) == [2] and len(rows[2]) == 1
    r = rows[2][0]
    assert (r[0].astimezone(UTC), *r[1:]) == (ts(1700000000009), 9, 9.5, "n", 2)
    cons.close()
