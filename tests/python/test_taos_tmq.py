"""``taos.tmq`` over taos://: configuration checks, then a whole consumer cycle."""

from __future__ import annotations

import pytest

import taos
from taos.tmq import Consumer, Message, TopicPartition


def test_config_errors():
    with pytest.raises(taos.error.TmqError, match="missing group.id in consumer config setting"):
        Consumer({"td.connect.ip": "127.0.0.1"})
    with pytest.raises(taos.error.TmqError, match="is not string type"):
        Consumer({"group.id": "g", "td.connect.port": 6030})


def test_consumer_cycle(taos_conn, taos_args, dbname):
    c = taos_conn
    c.execute("create database %s" % dbname)
    c.select_db(dbname)
    c.execute("create table t (ts timestamp, v int, s varchar(10))")
    topic = "tp_" + dbname
    c.execute("create topic %s as select ts, v, s from %s.t" % (topic, dbname))
    c.execute("insert into t values (1700000000000, 1, 'a') (1700000000001, 2, 'b') (1700000000002, 3, null)")
    conf = {
        "group.id": "g1", "client.id": "c1", "td.connect.ip": taos_args["host"],
        "td.connect.port": str(taos_args["port"]), "td.connect.user": taos_args["user"],
        "td.connect.pass": taos_args["password"], "auto.offset.reset": "earliest",
        "enable.auto.commit": "false", "msg.with.table.name": "true",
    }
    consumer = Consumer(conf)
    try:
        with pytest.raises(taos.error.TmqError, match="unsubscribe topic"):
            consumer.poll(0.1)
        with pytest.raises(taos.error.TmqError, match="Unset topic for Consumer"):
            consumer.subscribe([])
        consumer.subscribe([topic])
        assert consumer.list_topics() == [topic]
        rows = []
        last = None
        for _ in range(50):
            msg = consumer.poll(0.5)
            if msg is None:
                if rows:
                    break
                continue
            assert isinstance(msg, Message) and msg.error() is None
            assert msg.topic() == topic and msg.database() == dbname
            assert isinstance(msg.offset(), int) and isinstance(msg.vgroup(), int)
            for block in msg:
                assert block.ncols() == 3 and block.nrows() == len(block.fetchall())
                assert [f.name for f in block.fields()] == ["ts", "v", "s"]
                assert block.table() == "t"
                rows.extend(block.fetchall())
            last = msg
        assert sorted(r[1:] for r in rows) == [(1, "a"), (2, "b"), (3, None)]
        assert rows[0][0].tzinfo is None
        consumer.commit(last)
        parts = consumer.assignment()
        assert parts and all(isinstance(p, TopicPartition) and p.topic == topic for p in parts)
        committed = consumer.committed([TopicPartition(topic, p.partition, 0) for p in parts])
        positions = consumer.position([TopicPartition(topic, p.partition, 0) for p in parts])
        assert all(isinstance(p.offset, int) for p in committed + positions)
        consumer.commit(offsets=[TopicPartition(topic, p.partition, p.offset) for p in positions])
        consumer.commit()
        for p in parts:
            consumer.seek(TopicPartition(topic, p.partition, p.begin))
        again = []
        for _ in range(20):
            msg = consumer.poll(0.5)
            if msg is None:
                if again:
                    break
                continue
            for block in msg.value():
                again.extend(block.fetchall())
        assert sorted(r[1:] for r in again) == [(1, "a"), (2, "b"), (3, None)]
        consumer.unsubscribe()
    finally:
        consumer.close()
        consumer.close()
        c.execute("drop topic if exists %s" % topic)
