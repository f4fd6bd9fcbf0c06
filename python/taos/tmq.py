"""TMQ consumers (``taos.tmq``): taospy's ``Consumer``, ``Message``, ``MessageBlock`` and
``TopicPartition`` over taoslink's consumer (poll() waits without the GIL).

The configuration is taospy's: ``group.id`` is required, values must be str, and
``td.connect.ip``/``port``/``user``/``pass`` name the server (a ``taos://`` connection, so
libtaos is used, as in taospy). ``decode_binary`` (bool) and ``timezone`` are read here.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

from taoslink import _taoslink
from taoslink.consumer import split_consumer_config

from . import _link
from .error import TmqError, from_native
from .field import TaosFields
from taoslink.closing import Closing

__all__ = ["Consumer", "Message", "MessageBlock", "TopicPartition", "TMQ_RES_INVALID", "TMQ_RES_DATA",
           "TMQ_RES_TABLE_META", "TMQ_RES_METADATA"]

TMQ_RES_INVALID = -1
TMQ_RES_DATA = 1
TMQ_RES_TABLE_META = 2
TMQ_RES_METADATA = 3


def _call(fn: Any, *args: Any) -> Any:
    return _link.call(TmqError, fn, *args)


class MessageBlock(object):
    """One block of a message: ``fields()``, ``nrows()``, ``ncols()``, ``fetchall()``, ``table()``."""

    def __init__(self, block: Any = None, fields: Any = None, row_count: int = 0, col_count: int = 0,
                 table: str = "", converter: Any = None, precision: int = 0) -> None:
        self._block = block
        self._fields = fields
        self._rows = row_count
        self._cols = col_count
        self._table = table
        self._conv = converter

    def fields(self) -> TaosFields:
        return self._fields

    def nrows(self) -> int:
        return self._rows

    def ncols(self) -> int:
        return self._cols

    def fetchall(self) -> List[tuple]:
        if self._block is None:
            return []
        return _call(self._block.to_rows, self._conv)

    def table(self) -> str:
        """The child table's name (needs ``msg.with.table.name=true``)."""
        return self._table

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())


class Message(object):
    """A polled message: ``error()``, ``topic()``, ``database()``, ``vgroup()``, ``offset()``,
    ``value()`` (its MessageBlocks), iteration over the blocks."""

    def __init__(self, msg: Any = None, error: Optional[TmqError] = None, decode_binary: bool = True,
                 converter: Any = None) -> None:
        self.msg = msg
        self._error = error
        self.decode_binary = decode_binary
        self._conv = converter if converter is not None else _link.converter(None, decode_binary)

    def error(self) -> Optional[TmqError]:
        return self._error

    def topic(self) -> Optional[str]:
        return None if self.msg is None else self.msg.topic

    def database(self) -> Optional[str]:
        return None if self.msg is None else self.msg.database

    def vgroup(self) -> Optional[int]:
        return None if self.msg is None else self.msg.vgroup

    def offset(self) -> Optional[int]:
        return None if self.msg is None else self.msg.offset

    def value(self) -> Optional[List[MessageBlock]]:
        """The data blocks; None for a message without data (table meta)."""
        if self.msg is None or self.msg.type in (TMQ_RES_TABLE_META, TMQ_RES_INVALID):
            return None
        fields = _link.fields_of(self.msg.fields)
        names = self.msg.table_names
        blocks = _call(self.msg.blocks)
        return [MessageBlock(b, fields, b.rows, b.columns, names[i] if i < len(names) else "", self._conv)
                for i, b in enumerate(blocks)]

    def __iter__(self) -> Iterator[MessageBlock]:
        return iter(self.value() or [])

    def __repr__(self) -> str:
        return "Message(topic=%s, vgroup=%s, offset=%s)" % (self.topic(), self.vgroup(), self.offset())


class TopicPartition(object):
    """A topic's vgroup (``partition``) with an ``offset`` and the ``begin``/``end`` of its range."""

    def __init__(self, topic: str, partition: int, offset: int, begin: int = 0, end: int = 0) -> None:
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.begin = begin
        self.end = end

    def __str__(self) -> str:
        return "TopicPartition(topic=%s, partition=%s, offset=%s)" % (self.topic, self.partition, self.offset)

    __repr__ = __str__


class Consumer(Closing):
    """``Consumer(configs)``; see the module doc for the configuration."""

    def __init__(self, configs: Dict[str, Any]) -> None:
        self._native: Any = None
        if "group.id" not in configs:
            raise TmqError("missing group.id in consumer config setting")
        self._subscribed = False
        self.decode_binary = True
        conf: Dict[str, str] = {}
        timezone = None
        for key, value in configs.items():
            if key == "decode_binary":
                self.decode_binary = bool(value)
                continue
            if key == "timezone":
                timezone = value
                continue
            if not isinstance(value, str):
                raise TmqError("fail to execute tmq_conf_set(%s,%s), %s is not string type" % (key, value, value))
            if key == "td.connect.bearer_token":
                key = "td.connect.token"
            conf[key] = value
        if "td.connect.ip" not in conf:
            conf["td.connect.ip"] = ""
        tz = _link.resolve_timezone(timezone) if timezone is not None else None
        self._conv = _link.converter(tz, self.decode_binary)
        try:
            dsn, config = split_consumer_config(conf, default_scheme=_link.SCHEME)
        except _taoslink.NativeError as e:
            raise from_native(e, TmqError) from None
        self._native = _call(_taoslink.open_consumer, dsn, config)

    def _live(self) -> Any:
        if self._native is None or self._native.closed:
            raise TmqError("the consumer is closed")
        return self._native

    def subscribe(self, topics: List[str]) -> None:
        if not topics:
            raise TmqError("Unset topic for Consumer")
        _call(self._live().subscribe, list(topics))
        self._subscribed = True

    def unsubscribe(self) -> None:
        _call(self._live().unsubscribe)
        self._subscribed = False

    def poll(self, timeout: float = 1.0) -> Optional[Message]:
        """The next message, waiting up to ``timeout`` seconds; None on timeout."""
        if not self._subscribed:
            raise TmqError("unsubscribe topic")
        native = _call(self._live().poll, int(timeout * 1000))
        if native is None:
            return None
        return Message(native, decode_binary=self.decode_binary, converter=self._conv)

    def assignment(self) -> Optional[List[TopicPartition]]:
        rows = _call(self._live().assignment)
        if not rows:
            return None
        return [TopicPartition(t, vg, off, begin, end) for t, vg, off, begin, end in rows]

    def seek(self, partition: TopicPartition) -> None:
        _call(self._live().seek, partition.topic, int(partition.partition), int(partition.offset))

    def commit(self, message: Optional[Message] = None, offsets: Optional[List[TopicPartition]] = None) -> None:
        """Commits ``message``, or each of ``offsets``, or (neither) everything consumed so far."""
        native = self._live()
        if message:
            if not isinstance(message, Message):
                raise TmqError("Invalid message type")
            _call(native.commit, message.msg)
            return
        if offsets and isinstance(offsets, list):
            for tp in offsets:
                if not isinstance(tp, TopicPartition):
                    raise TmqError("Invalid offset type")
                _call(native.commit_offset, tp.topic, int(tp.partition), int(tp.offset))
            return
        _call(native.commit, None)

    def committed(self, partitions: List[TopicPartition]) -> List[TopicPartition]:
        native = self._live()
        for tp in partitions:
            if not isinstance(tp, TopicPartition):
                raise TmqError("Invalid partition type")
            tp.offset = _call(native.committed, tp.topic, int(tp.partition))
        return partitions

    def position(self, partitions: List[TopicPartition]) -> List[TopicPartition]:
        native = self._live()
        for tp in partitions:
            if not isinstance(tp, TopicPartition):
                raise TmqError("Invalid partition type")
            tp.offset = _call(native.position, tp.topic, int(tp.partition))
        return partitions

    def list_topics(self) -> List[str]:
        return list(_call(self._live().list_topics))

    def close(self) -> None:
        if self._native is not None:
            self._native.close()
            self._native = None

    def __iter__(self) -> "Consumer":
        return self

    def __next__(self) -> Message:
        if self._native is None:
            raise StopIteration("Tmq consumer is closed")
        while True:
            msg = self.poll()
            if msg:
                return msg

