"""taosws.Consumer (TMQ): a differential test that runs one consumer script under the official
taos-ws-py (.venv-taospy) and under ours against the same server and topic (separate groups),
then behaviour only ours has (documented in docs/compat.md §5)."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import subprocess
import sys
import textwrap
import time
import uuid
import warnings
from decimal import Decimal

import pytest

import taosws
from parity import ROOT, TAOSPY_PYTHON, TAOSWS_NORM, script_env

sys.path.insert(0, str(ROOT / "tests" / "sim"))
from taossim.tmq import vgroup_of  # noqa: E402  (the simulator's table → vgroup rule)

#: Child tables that land in the simulator's vgroups 2 and 3.
T2 = [n for n in ("c%d" % i for i in range(100)) if vgroup_of(n) == 2][:2]
T3 = [n for n in ("c%d" % i for i in range(100)) if vgroup_of(n) == 3][:2]

COLUMNS = ("ts timestamp, b bool, ti tinyint, si smallint, i int, bi bigint, uti tinyint unsigned, "
           "usi smallint unsigned, ui int unsigned, ubi bigint unsigned, f float, d double, vc varchar(10), "
           "nc nchar(10), vb varbinary(8), g geometry(64), dec decimal(12,3), dec2 decimal(24,4)")
FULL = ("(%d, true, -1, -2, -3, -4, 1, 2, 3, 18446744073709551615, 1.5, 2.25, 'x''y', 'wörld', '\\x0a0b', "
        "'POINT(1 2)', 12.5, -1.25)")
NULLS = "(%d" + ", null" * 17 + ")"


class Topics:
    """A database ``db`` (ms) with super table ``st`` and topic ``topic`` over it, and ``dbn`` (ns)
    with table ``t`` and topic ``topic_n``; rows in both simulated vgroups."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.db = "q_" + uuid.uuid4().hex[:10]
        self.dbn = self.db + "n"
        self.topic = self.db + "_t"
        self.topic_n = self.db + "_tn"

    def create(self) -> None:
        with taosws.connect(self.url) as c:
            c.execute("create database %s precision 'ms'" % self.db)
            c.execute("create stable %s.st (%s) tags (site nchar(8), gid int)" % (self.db, COLUMNS))
            for k, name in enumerate(T2 + T3):
                c.execute("insert into %s.%s using %s.st tags ('s%d', %d) values %s %s" % (
                    self.db, name, self.db, k, k, FULL % (1700000000000 + k), NULLS % (1700000000123 + k)))
            c.execute("create topic %s as select *, site, gid from %s.st" % (self.topic, self.db))
            c.execute("create database %s precision 'ns'" % self.dbn)
            c.execute("create table %s.t (ts timestamp, v int)" % self.dbn)
            c.execute("insert into %s.t values (1700000000123456789, 1) (1700000000000000000, 2)" % self.dbn)
            c.execute("create topic %s as select * from %s.t" % (self.topic_n, self.dbn))

    def insert(self, table: str, ts: int, v: int) -> None:
        with taosws.connect(self.url) as c:
            c.execute("insert into %s.%s (ts, i) values (%d, %d)" % (self.db, table, ts, v))

    def drop(self) -> None:
        with taosws.connect(self.url) as c:
            for topic in (self.topic, self.topic_n):
                try:
                    c.execute("drop topic if exists %s" % topic)
                except taosws.Error:
                    c.execute("drop topic if exists %s force" % topic)
            c.execute("drop database if exists %s" % self.db)
            c.execute("drop database if exists %s" % self.dbn)


@pytest.fixture
def ws_url(server) -> str:
    return "ws://%s:%s@%s:%d" % (server.user, server.password, server.host, server.port)


@pytest.fixture
def topics(ws_url):
    t = Topics(ws_url)
    t.create()
    yield t
    t.drop()


def conf(server, group: str, **extra) -> dict:
    c = {"td.connect.websocket.scheme": "ws", "td.connect.ip": server.host, "td.connect.port": str(server.port),
         "td.connect.user": server.user, "td.connect.pass": server.password, "group.id": group,
         "client.id": "c1", "auto.offset.reset": "earliest"}
    c.update(extra)
    return c


def group() -> str:
    return "g" + uuid.uuid4().hex[:10]


# -- parity with taos-ws-py -------------------------------------------------------------------------

PARITY = TAOSWS_NORM + textwrap.dedent(r"""
    import datetime, decimal, os, pickle, sys
    out_fd = os.dup(1)                      # taos-ws-py prints to stdout (get_vgroup_id)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    import taosws
    host, port, user, password, db, group = sys.argv[1:7]
    topic, topic_n = db + "_t", db + "_tn"

    def err(fn):
        try:
            return ("ok", norm(fn()))
        except BaseException as e:          # taos-ws-py's PanicException is a BaseException
            return (type(e).__name__, str(e))

    def conf(g, **extra):
        c = {"td.connect.websocket.scheme": "ws", "td.connect.ip": host, "td.connect.port": port,
             "td.connect.user": user, "td.connect.pass": password, "group.id": g, "client.id": "c1",
             "auto.offset.reset": "earliest"}
        c.update(extra)
        return c

    def describe(msg):
        blocks = []
        for block in msg:
            rows = block.fetchall()
            assert list(block) == rows and list(block) == rows
            fields = [(f.name(), f.type(), f.bytes(), repr(f), str(f)) for f in block.fields()]
            blocks.append(norm((fields, block.nrows(), block.ncols(), rows)))
        return (msg.topic(), msg.database(), msg.vgroup(), msg.get_vgroup_id(), blocks, list(msg))

    def drain(cons, commit, first_timeout=0.5):
        got = []
        timeout = first_timeout
        for _ in range(40):
            msg = cons.poll(timeout)
            timeout = 0.5
            if msg is None:
                return sorted(got, key=repr)
            got.append(describe(msg))
            if commit:
                cons.commit(msg)
        raise AssertionError("too many messages")

    out = {}
    c = taosws.Consumer(conf=conf(group))
    out["pre list_topics"] = err(lambda: c.list_topics())
    out["pre assignment"] = err(lambda: c.assignment())
    out["subscribe"] = err(lambda: c.subscribe([topic, topic_n]))
    out["list_topics"] = err(lambda: sorted(c.list_topics()))
    out["poll"] = drain(c, True, first_timeout=None)
    asg = c.assignment()
    out["assignment"] = sorted((t.topic(), sorted((a.vg_id(), a.offset(), a.begin(), a.end()) for a in t.assignments()),
                                t.to_string()) for t in asg)
    for t in (topic, topic_n):
        for vg in (2, 3):
            out["committed %s %d" % (t[len(db):], vg)] = err(lambda: c.committed(t, vg))
            out["position %s %d" % (t[len(db):], vg)] = err(lambda: c.position(t, vg))
    out["seek"] = err(lambda: c.seek(topic, 2, 0))
    out["position after seek"] = err(lambda: c.position(topic, 2))
    out["committed after seek"] = err(lambda: c.committed(topic, 2))
    out["poll again"] = drain(c, False)
    out["commit_offset"] = err(lambda: c.commit_offset(topic, 3, 0))
    out["committed after commit_offset"] = err(lambda: c.committed(topic, 3))
    c.seek(topic, 3, 0)
    m = None
    for _ in range(10):
        m = c.poll(0.5)
        if m is not None and m.topic() == topic:
            break
    out["iterate twice"] = err(lambda: (len(list(m)), len(list(m))))
    out["commit"] = err(lambda: c.commit(m))
    out["known commit twice"] = err(lambda: c.commit(m))
    out["known seek bad vgroup"] = err(lambda: c.seek(topic, 99, 0))
    out["known seek bad offset"] = err(lambda: c.seek(topic, 2, 1000))
    out["known commit_offset bad topic"] = err(lambda: c.commit_offset("nosuch", 2, 0))
    out["unsubscribe"] = err(lambda: c.unsubscribe())
    out["known after unsubscribe"] = err(lambda: c.list_topics())
    out["close"] = err(lambda: c.close())
    out["close again"] = err(lambda: c.close())
    out["unsubscribe closed"] = err(lambda: c.unsubscribe())
    out["poll closed"] = err(lambda: c.poll(0.1))
    out["assignment closed"] = err(lambda: c.assignment())

    z = taosws.Consumer(conf=conf(group + "z", timezone="America/New_York"))
    z.subscribe([topic])
    out["timezone"] = drain(z, False)
    z.close()
    d = taosws.Consumer(dsn="ws://%s:%s@%s:%s?group.id=%sd&auto.offset.reset=earliest"
                           % (user, password, host, port, group))
    d.subscribe([topic_n])
    out["dsn"] = drain(d, False)
    d.close()

    out["no group.id"] = err(lambda: taosws.Consumer(conf={"td.connect.ip": host, "td.connect.port": port}))
    out["no group.id dsn"] = err(lambda: taosws.Consumer(dsn="ws://%s:%s" % (host, port)))
    out["bad password"] = err(lambda: taosws.Consumer(conf=conf(group + "p", **{"td.connect.pass": "bad"}))
                              .subscribe([topic]))
    out["no such topic"] = err(lambda: taosws.Consumer(conf=conf(group + "t")).subscribe(["nosuch"]))
    out["known bad reset"] = err(lambda: taosws.Consumer(conf=conf(group + "r", **{"auto.offset.reset": "x"}))
                                 .subscribe([topic]))
    out["bad timezone"] = err(lambda: taosws.Consumer(conf=conf(group, timezone="Nowhere/X")))
    out["int port"] = err(lambda: taosws.Consumer(conf=conf(group + "i", **{"td.connect.port": int(port)})).close())
    out["bad port"] = err(lambda: taosws.Consumer(conf=conf(group, **{"td.connect.port": 1.5})))
    out["known refused"] = err(lambda: taosws.Consumer(conf=conf(group, **{"td.connect.port": "1"})))
    os.write(out_fd, pickle.dumps(out, protocol=2))
""")


def test_same_results_as_taos_ws_py(server, topics):
    if not os.path.exists(TAOSPY_PYTHON):
        pytest.skip("official taos-ws-py not installed: make .venv-taospy (or set TAOSLINK_TAOSPY_PYTHON)")
    procs = []
    for python, name in ((sys.executable, "ours"), (TAOSPY_PYTHON, "theirs")):
        args = [python, "-c", PARITY, server.host, str(server.port), server.user, server.password, topics.db,
                "g%s_%s" % (name, uuid.uuid4().hex[:8])]
        procs.append(subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=script_env(python),
                                      cwd="/"))
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        if b"No module named 'taosws'" in err:
            pytest.skip("%s has no taos-ws-py" % TAOSPY_PYTHON)
        assert proc.returncode == 0, err.decode(errors="replace")[-3000:]
        results.append(pickle.loads(out))
    ours, theirs = results
    assert ours.keys() == theirs.keys()

    # Deliberate differences (docs/compat.md §5). taos-ws-py panics (PanicException, not an
    # Exception) on server errors in commit/seek/commit_offset and on a second commit of one
    # message; ours raises ConsumerException with the server's code, or accepts the repeat.
    known = {k: (ours.pop(k), theirs.pop(k)) for k in list(ours) if k.startswith("known ")}
    for key, code in (("seek bad vgroup", 0x4008), ("seek bad offset", 0x4007), ("commit_offset bad topic", 0x4009)):
        mine, official = known["known " + key]
        assert official[0] == "PanicException" and "[0x%04X]" % code in official[1], (key, official)
        assert mine[0] == "ConsumerException" and mine[1].startswith("[0x%04X] Internal error: `" % code), (key, mine)
    assert known["known commit twice"][1][0] == "PanicException"
    assert known["known commit twice"][0] == ("ok", ("NoneType", None))
    # unsubscribe() drops taos-ws-py's consumer; ours stays usable (and has no topics).
    assert known["known after unsubscribe"][1] == ("ConsumerException", "consumer has been already closed")
    assert known["known after unsubscribe"][0] == ("ok", ["list"])
    # Config values are checked before sending (other code and text); transport errors are ours.
    for key in ("bad reset", "refused"):
        mine, official = known["known " + key]
        assert mine[0] == official[0] == "ConsumerException", (key, mine, official)
    assert "auto.offset.reset" in known["known bad reset"][0][1]
    assert "Connection refused" in known["known refused"][0][1]

    diffs = {k: (ours[k], theirs[k]) for k in ours if ours[k] != theirs[k]}
    for k, (a, b) in diffs.items():
        print("DIFF", k, "\n  ours:  ", a, "\n  theirs:", b)
    assert not diffs, sorted(diffs)
    # The script really read something: all four child tables, both topics, both vgroups.
    assert sorted((m[0][len(topics.db):], m[2]) for m in ours["poll"]) == [("_t", 2), ("_t", 3), ("_tn", 2)]
    assert ours["iterate twice"] == ("ok", ["tuple", ("int", 2), ("int", 0)])


# -- ours only ------------------------------------------------------------------------------------

def drain(cons, commit: bool = True, timeout: float = 0.5) -> list:
    rows = []
    while True:
        msg = cons.poll(timeout)
        if msg is None:
            return rows
        for block in msg:
            rows.extend(block.fetchall())
        if commit:
            cons.commit(msg)


def test_group_resumes_from_committed_offset(server, topics):
    g = group()
    with taosws.Consumer(conf=conf(server, g)) as c:
        c.subscribe([topics.topic])
        first = drain(c)
    assert len(first) == 8
    time.sleep(0.2)                      # the server sees the socket close: the group is empty
    topics.insert(T2[0], 1700000001000, 100)
    topics.insert(T3[0], 1700000001000, 101)
    with taosws.Consumer(conf=conf(server, g)) as c:
        c.subscribe([topics.topic])
        second = drain(c)
        assert c.poll(0.2) is None
    assert sorted(r[4] for r in second) == [100, 101]          # only the new rows, once each
    keys = [(r[0], r[-2]) for r in first + second]
    assert len(keys) == len(set(keys)) == 10
    with taosws.Consumer(conf=conf(server, g)) as c:       # everything committed: nothing left
        c.subscribe([topics.topic])
        assert c.poll(0.3) is None


def test_commit_all_and_message_extras(server, topics):
    with taosws.Consumer(conf=conf(server, group())) as c:
        c.subscribe([topics.topic])
        msgs = []
        while (m := c.poll(0.5)) is not None:
            msgs.append(m)
        assert {m.vgroup() for m in msgs} == {2, 3}
        c.commit()                                          # None: everything consumed so far
        for m in msgs:
            assert c.committed(topics.topic, m.vgroup()) == c.position(topics.topic, m.vgroup()) > 0
            assert isinstance(m.offset(), int) and "topic=%s" % topics.topic in repr(m)
            assert m.topic() == topics.topic                # still readable after the commit
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert msgs[0].get_vgroup_id() == msgs[0].vgroup()
        assert w and issubclass(w[0].category, DeprecationWarning)
        (ta,) = c.assignment()
        assert "TopicAssignment { topic: %s" % topics.topic in repr(ta)
        assert ta.to_string().startswith("topic: %s,vgoup_id: " % topics.topic)
        c.unsubscribe()                                     # the consumer stays usable
        assert c.list_topics() == [] and c.assignment() == []
        c.subscribe([topics.topic_n])
        assert c.list_topics() == [topics.topic_n]
        assert [r[1] for r in drain(c)] == [1, 2]


def test_conf_and_dsn(server, topics):
    aliases = {"host": server.host, "port": server.port, "user": server.user, "password": server.password,
               "group.id": group(), "auto.offset.reset": "earliest", "timezone": "Asia/Tokyo",
               "enable.auto.commit": False}          # no scheme: ws; bools and ints as text
    with taosws.Consumer(conf=aliases) as c:
        c.subscribe([topics.topic])
        rows = drain(c, commit=False)
    assert len(rows) == 8
    assert all(r[0].tzinfo is not None and str(r[0].tzinfo) == "Asia/Tokyo" for r in rows)
    assert min(r[0] for r in rows) == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)
    full = [r for r in rows if r[1] is not None]
    assert full[0][1:] == (True, -1, -2, -3, -4, 1, 2, 3, 18446744073709551615, 1.5, 2.25, "x'y", "wörld",
                           b"\n\x0b", full[0][15], Decimal("12.500"), Decimal("-1.2500")) + full[0][18:]

    dsn = "ws://%s:%s@%s:%d?group.id=%s&auto.offset.reset=earliest&client.id=me&timezone=UTC" % (
        server.user, server.password, server.host, server.port, group())
    with taosws.Consumer(dsn=dsn) as c:
        c.subscribe([topics.topic_n])
        assert sorted(drain(c)) == [(1700000000000000000, 2), (1700000000123456789, 1)]   # ns → int
    with taosws.Consumer(dsn="taosws://%s:%d?group.id=%s" % (server.host, server.port, group())) as c:
        c.subscribe([topics.topic])                        # default reset is latest: nothing yet
        assert c.poll(0.2) is None
        topics.insert(T3[1], 1700000002000, 7)
        assert [r[4] for r in drain(c)] == [7]


def test_errors_are_consumer_exceptions_with_codes(server, topics):
    with taosws.Consumer(conf=conf(server, group())) as c:
        with pytest.raises(taosws.ConsumerException, match=r"^\[0x0200\] Internal error: `poll: .*subscribe"):
            c.poll(0.1)
        with pytest.raises(taosws.ConsumerException, match=r"^\[0x03E1\] Internal error: `Topic not exist`$") as ei:
            c.subscribe(["nosuch"])
        assert ei.value.errno == 0x03E1 and ei.value.msg == "Topic not exist"
        assert isinstance(ei.value, taosws.Error) and not isinstance(ei.value, taosws.DatabaseError)
        c.subscribe([topics.topic])
        with pytest.raises(taosws.ConsumerException, match=r"^\[0x4008\] Internal error: `VgId does not belong"):
            c.seek(topics.topic, 99, 0)
        with pytest.raises(taosws.ConsumerException, match=r"^\[0x4007\] Internal error: `Offset out of range`"):
            c.seek(topics.topic, 2, 10 ** 6)
        with pytest.raises(taosws.ConsumerException, match=r"^\[0x4009\] Internal error: `Topic does not belong"):
            c.committed("nosuch", 2)
        with pytest.raises(taosws.ConsumerException, match=r"^\[0x4008\] "):
            c.position(topics.topic, 99)
    bad = taosws.Consumer(conf=conf(server, group(), **{"td.connect.pass": "bad"}))
    with pytest.raises(taosws.ConsumerException, match=r"^Internal error: `init tscObj failed`$") as ei:
        bad.subscribe([topics.topic])                       # 0xFFFF: no code in the text
    assert ei.value.errno == 0xFFFF
    bad.close()
    for kwargs, text in (({"conf": {"td.connect.ip": server.host}}, "group.id must be set in configurations"),
                         ({"conf": conf(server, "g", timezone="Nowhere/X")}, "Invalid timezone: Nowhere/X"),
                         ({"conf": conf(server, "g", **{"td.connect.port": 1.5})}, "Invalid port: 1.5"),
                         ({"dsn": "ws://%s:%d" % (server.host, server.port)},
                          "Internal error: `requires parameter: group.id`")):
        with pytest.raises(taosws.ConsumerException) as ei:
            taosws.Consumer(**kwargs)
        assert str(ei.value) == text
    with pytest.raises(taosws.ConsumerException, match=r"auto\.offset\.reset"):
        taosws.Consumer(conf=conf(server, group(), **{"auto.offset.reset": "x"})).subscribe([topics.topic])


def test_poll_timeout_returns_none(server, topics):
    with taosws.Consumer(conf=conf(server, group(), **{"auto.offset.reset": "latest"})) as c:
        c.subscribe([topics.topic])
        for timeout, low, high in ((0, 0.0, 0.5), (0.3, 0.25, 1.5)):
            t0 = time.monotonic()
            assert c.poll(timeout) is None
            assert low <= time.monotonic() - t0 < high, timeout


def test_context_manager_and_close_idempotent(server, topics):
    with taosws.Consumer(conf=conf(server, group())) as c:
        c.subscribe([topics.topic])
        assert c.poll(1.0) is not None
    for call in (lambda: c.poll(0.1), c.list_topics, c.assignment, lambda: c.subscribe([topics.topic]),
                 lambda: c.position(topics.topic, 2)):
        with pytest.raises(taosws.ConsumerException, match="^consumer has been already closed$"):
            call()
    c.close()
    c.unsubscribe()                                         # a no-op once closed, as in taos-ws-py
    c.close()
    with pytest.raises(RuntimeError):
        with taosws.Consumer(conf=conf(server, group())) as c2:
            raise RuntimeError("boom")
    with pytest.raises(taosws.ConsumerException, match="already closed"):
        c2.list_topics()
