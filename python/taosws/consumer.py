"""taos-ws-py's TMQ ``Consumer`` and its ``Message``, ``MessageBlock``, ``TopicAssignment`` and
``Assignment`` objects, over taoslink's consumer (poll() waits without the GIL)."""

from __future__ import annotations

import warnings
from typing import Any, Dict, Iterator, List, Optional

from taoslink import _taoslink
from taoslink.consumer import split_consumer_config

from . import values
from .errors import ConsumerException, from_native, make
from .result import TaosField, fields_of

__all__ = ["Consumer", "Message", "MessageBlock", "TopicAssignment", "Assignment"]

#: Set by taos-ws-py before the user's keys (which override them).
_DEFAULTS = {"enable.auto.commit": "true", "experimental.snapshot.enable": "false"}


class MessageBlock:
    """One block of a message: ``fields()``, ``nrows()``, ``ncols()``, ``fetchall()``, iteration."""

    def __init__(self, block: "_taoslink.Block", fields: list, converter: "_taoslink.Converter") -> None:
        self._block = block
        self._fields = fields
        self._converter = converter

    def fields(self) -> List[TaosField]:
        return fields_of(self._fields)

    def nrows(self) -> int:
        return self._block.rows

    def ncols(self) -> int:
        return self._block.columns

    def fetchall(self) -> List[tuple]:
        return self._block.to_rows(self._converter)

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())


class Message:
    """A polled message: ``topic()``, ``database()``, ``vgroup()``, ``offset()`` (not in
    taos-ws-py), iteration over its MessageBlocks."""

    def __init__(self, native: "_taoslink.Message", converter: "_taoslink.Converter") -> None:
        self._native = native
        self._converter = converter

    def topic(self) -> str:
        return self._native.topic

    def database(self) -> str:
        return self._native.database

    def vgroup(self) -> int:
        return self._native.vgroup

    def get_vgroup_id(self) -> int:
        warnings.warn("get_vgroup_id() is deprecated, use vgroup()", DeprecationWarning, stacklevel=2)
        return self._native.vgroup

    def offset(self) -> int:
        return self._native.offset

    def __iter__(self) -> Iterator[MessageBlock]:
        fields = self._native.fields
        return iter([MessageBlock(b, fields, self._converter) for b in self._native.blocks()])

    def __repr__(self) -> str:
        return "Message(topic=%s, vgroup=%d, offset=%d)" % (self.topic(), self.vgroup(), self.offset())


class Assignment:
    def __init__(self, vg_id: int, offset: int, begin: int, end: int) -> None:
        self._v = (vg_id, offset, begin, end)

    def vg_id(self) -> int:
        return self._v[0]

    def offset(self) -> int:
        return self._v[1]

    def begin(self) -> int:
        return self._v[2]

    def end(self) -> int:
        return self._v[3]

    def __repr__(self) -> str:
        return "Assignment { vgroup_id: %d, offset: %d, begin: %d, end: %d }" % self._v


class TopicAssignment:
    def __init__(self, topic: str, assignments: List[Assignment]) -> None:
        self._topic = topic
        self._assignments = assignments

    def topic(self) -> str:
        return self._topic

    def assignments(self) -> List[Assignment]:
        return list(self._assignments)

    def to_string(self) -> str:
        return "TopicAssignment { topic: %s, assignments: [%s] }" % (
            self._topic, ", ".join(repr(a) for a in self._assignments))

    __repr__ = to_string


class Consumer:
    """``Consumer(conf=None, dsn=None)``: ``conf`` is a dict (td.connect.ip/host, td.connect.port/
    port, td.connect.user/username/user, td.connect.pass/password, group.id (required),
    client.id, auto.offset.reset, ...); or ``dsn`` ``ws://host:6041?group.id=g&...``."""

    def __init__(self, conf: Optional[Dict[str, Any]] = None, dsn: Optional[str] = None) -> None:
        timezone = None
        if conf is not None:
            conf = dict(conf)
            timezone = conf.pop("timezone", None)
            merged = dict(_DEFAULTS)
            merged.update({k: v for k, v in conf.items()})
            if "group.id" not in merged:
                raise make(ConsumerException, None, "group.id must be set")
            url, config = split_consumer_config(merged)
        elif dsn is not None:
            try:
                params = _taoslink.parse_dsn(dsn)["params"]
            except _taoslink.NativeError as e:
                raise from_native(e, ConsumerException) from None
            config = dict(_DEFAULTS)
            config.update(params)
            timezone = config.pop("timezone", None)
            if "group.id" not in config:
                raise make(ConsumerException, None, "group.id must be set")
            url = dsn
        else:
            raise make(ConsumerException, None, "either conf or dsn is required")
        try:
            zone = values.resolve_zone(timezone)
        except ValueError:
            raise make(ConsumerException, None, "Invalid timezone: %s" % timezone) from None
        self._converter = values.row_converter(zone)
        try:
            self._native = _taoslink.open_consumer(url, config)
        except _taoslink.NativeError as e:
            raise from_native(e, ConsumerException) from None

    def _call(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except _taoslink.NativeError as e:
            raise from_native(e, ConsumerException) from None

    def subscribe(self, topics: List[str]) -> None:
        self._call(self._native.subscribe, list(topics))

    def unsubscribe(self) -> None:
        """Unsubscribes; the consumer stays usable (taos-ws-py dropped it)."""
        self._call(self._native.unsubscribe)

    def list_topics(self) -> List[str]:
        return list(self._call(self._native.list_topics))

    def poll(self, timeout: Optional[float] = None) -> Optional[Message]:
        """The next message, waiting up to ``timeout`` seconds (None: until one arrives)."""
        ms = -1 if timeout is None else max(0, int(round(float(timeout) * 1000)))
        native = self._call(self._native.poll, ms)
        return None if native is None else Message(native, self._converter)

    def commit(self, message: Optional[Message] = None) -> None:
        """Commits ``message`` (None: everything consumed so far). Committing a message twice is
        harmless (taos-ws-py panicked)."""
        self._call(self._native.commit, None if message is None else message._native)

    def commit_offset(self, topic: str, vg_id: int, offset: int) -> None:
        self._call(self._native.commit_offset, topic, int(vg_id), int(offset))

    def assignment(self) -> Optional[List[TopicAssignment]]:
        rows = self._call(self._native.assignment)
        by_topic: Dict[str, List[Assignment]] = {}
        for topic, vg, offset, begin, end in rows:
            by_topic.setdefault(topic, []).append(Assignment(vg, offset, begin, end))
        return [TopicAssignment(t, a) for t, a in by_topic.items()]

    def seek(self, topic: str, vg_id: int, offset: int) -> None:
        self._call(self._native.seek, topic, int(vg_id), int(offset))

    def committed(self, topic: str, vg_id: int) -> int:
        return self._call(self._native.committed, topic, int(vg_id))

    def position(self, topic: str, vg_id: int) -> int:
        return self._call(self._native.position, topic, int(vg_id))

    def close(self) -> None:
        self._native.close()

    def __enter__(self) -> "Consumer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
