"""CREATE/DROP TOPIC and SHOW TOPICS/CONSUMERS/SUBSCRIPTIONS (engine side of TMQ)."""

from . import errors
from . import types as T
from .errors import TaosError
from .result import Field, Result, affected
from .tmq import (MND_TOPIC_ALREADY_EXIST, MND_TOPIC_NOT_EXIST, MND_TOPIC_SUBSCRIBED,
                  compile_topic, tmq_error)

VARCHAR = lambda n: T.SqlType(T.VARCHAR, n)  # noqa: E731
TS = T.SqlType(T.TIMESTAMP)
BIGINT = T.SqlType(T.BIGINT)
INT = T.SqlType(T.INT)


def create_topic(engine, s, session):
    broker = engine.store.tmq
    if s.name in broker.topics:
        if s.if_not_exists:
            return affected(0)
        raise tmq_error(MND_TOPIC_ALREADY_EXIST)
    if s.with_meta:
        raise TaosError(errors.GENERIC, "taossim: topics WITH META / ONLY META are not simulated")
    if s.kind == "db":
        db = engine.store.dbs.get(s.db)
        if db is None:
            raise TaosError(errors.MND_DB_NOT_EXIST)
        topic = compile_topic(s.name, db, "db", s.sql, None, None, None, session)
    elif s.kind == "stable":
        db = engine._db(s.table.db, session)
        st = db.stables.get(s.table.name)
        if st is None:
            if s.table.name in db.tables:
                raise TaosError(errors.MND_STB_NOT_EXIST)
            raise errors.table_meta_error(errors.PAR_TABLE_NOT_EXIST)
        topic = compile_topic(s.name, db, "stable", s.sql, st, None, s.where, session)
    else:
        db, obj = engine._find(s.select.table, session, for_select=True) \
            if s.select.table is not None else (None, None)
        if obj is None:
            raise errors.TaosError(errors.PAR_SYNTAX_ERROR, "syntax error near \"\"")
        topic = compile_topic(s.name, db, "column", s.sql, obj, s.select, None, session)
    broker.topics[s.name] = topic
    return affected(0)


def drop_topic(engine, s):
    broker = engine.store.tmq
    if s.name not in broker.topics:
        if s.if_exists:
            return affected(0)
        raise tmq_error(MND_TOPIC_NOT_EXIST)
    if broker.subscribed(s.name) and not s.force:
        raise tmq_error(MND_TOPIC_SUBSCRIBED)
    del broker.topics[s.name]
    for g in broker.groups.values():
        for key in [k for k in g.offsets if k[0] == s.name]:
            del g.offsets[key]
        for c in g.members:
            if s.name in c.topics:
                c.topics.remove(s.name)
    return affected(0)


def _result(spec, rows) -> Result:
    cols = [list(c) for c in zip(*rows)] if rows else [[] for _ in spec]
    return Result([Field(n, t) for n, t in spec], cols, "ms")


def show(broker, what: str) -> Result:
    if what == "topics":
        spec = [("topic_name", VARCHAR(192)), ("db_name", VARCHAR(64)), ("create_time", TS),
                ("sql", VARCHAR(1024)), ("meta", VARCHAR(4)), ("type", VARCHAR(8))]
        rows = [[t.name.encode(), t.db.encode(), t.created_ms, t.sql.encode(), b"no",
                 t.kind.encode()] for t in broker.topics.values()]
        return _result(spec, rows)
    if what == "consumers":
        spec = [("consumer_id", VARCHAR(32)), ("consumer_group", VARCHAR(192)),
                ("client_id", VARCHAR(255)), ("user", VARCHAR(24)), ("fqdn", VARCHAR(128)),
                ("status", VARCHAR(20)), ("topics", VARCHAR(192)), ("up_time", TS),
                ("subscribe_time", TS), ("rebalance_time", TS), ("parameters", VARCHAR(1024))]
        rows = []
        for g in broker.groups.values():
            for c in g.members:
                params = (f"tbname:{int(c.with_table_name)},commit:0,interval:5000ms,"
                          f"reset:{c.reset}")
                for t in c.topics:
                    rows.append([f"0x{c.id:x}".encode(), g.name.encode(), c.client_id.encode(),
                                 c.user.encode(), c.fqdn.encode(), b"ready", t.encode(),
                                 c.up_ms, c.subscribe_ms, c.rebalance_ms, params.encode()])
        return _result(spec, rows)
    # subscriptions: one row per (topic, group, vgroup) with a member or a committed offset
    spec = [("topic_name", VARCHAR(192)), ("consumer_group", VARCHAR(192)),
            ("vgroup_id", INT), ("consumer_id", VARCHAR(32)), ("user", VARCHAR(24)),
            ("fqdn", VARCHAR(128)), ("offset", VARCHAR(64)), ("rows", BIGINT)]
    rows = []
    for g in broker.groups.values():
        for tname in broker.topics:
            owners = {}
            for c in g.members:
                if tname in c.topics:
                    for vg in broker.assignment_vgs(c, tname):
                        owners[vg] = c
            for vg in sorted(set(owners) | {k[1] for k in g.offsets if k[0] == tname}):
                c = owners.get(vg)
                off = g.offsets.get((tname, vg))
                rows.append([tname.encode(), g.name.encode(), vg,
                             f"0x{c.id:x}".encode() if c else None,
                             c.user.encode() if c else None, c.fqdn.encode() if c else None,
                             (f"log:{off}" if off is not None else "none").encode(),
                             c.rows.get((tname, vg), 0) if c else 0])
    return _result(spec, rows)

