"""taos-ws-py's TMQ ``Consumer`` and its ``Message``, ``MessageBlock``, ``TopicAssignment`` and
``Assignment`` objects, over taoslink's consumer (poll() waits without the GIL)."""

from __future__ import annotations

import warnings
from typing import Any, Dict, Iterator, List, Optional

from taoslink import _taoslink
from taoslink.consumer import split_consumer_config

from . import values
from .errors import ConsumerException, from_native, make, text
from .result import TaosField

__all__ = ["Consumer", "Message", "MessageBlock", "TopicAssignment", "Assignment"]

#: Set by taos-ws-py before the user's keys (which override them).
_DEFAULTS = {"enable.auto.commit": "true", "experimental.snapshot.enable": "false"}

#: TDengine's "unknown" error code: taos-ws-py's consumer errors omit it from the text.
_UNKNOWN_CODE = 0xFFFF

_CLOSED = "consumer has been already closed"


def _raw_width(code: int, length: int) -> int:
    """The column width as a TMQ raw block's schema states it (what taos-ws-py's
    ``MessageBlock.fields()`` reports): the 2-byte length prefix included, NCHAR/JSON in UCS-4."""
    if code in (8, 16, 20):          # VARCHAR, VARBINARY, GEOMETRY
        return length + 2
    if code in (10, 15):             # NCHAR, JSON
        return length * 4 + 2
    if code == 18:                   # BLOB
        return length + 4
    return length


def _error(exc: BaseException) -> BaseException:
    """A ``_taoslink.NativeError`` as taos-ws-py's ConsumerException."""
    err = from_native(exc, ConsumerException)
    if isinstance(err, ConsumerException) and err.errno == _UNKNOWN_CODE:
        err.args = (text(None, err.msg),)
    return err


def _message_error(message: str) -> ConsumerException:
    """A ConsumerException whose text is ``message`` alone (taos-ws-py's own checks)."""
    return make(ConsumerException, None, message, raw=True)


class MessageBlock:
    """One block of a message: ``fields()``, ``nrows()``, ``ncols()``, ``fetchall()``, iteration."""

    def __init__(self, block: "_taoslink.Block", fields: list, converter: "_taoslink.Converter") -> None:
        self._block = block
        self._fields = fields
        self._converter = converter

    def fields(self) -> List[TaosField]:
        """The columns; ``bytes()`` is the width in the raw block (VARCHAR(10) → 12, NCHAR(10) →
        42), as taos-ws-py reports it for messages."""
        return [TaosField(name, code, _raw_width(code, length)) for name, code, length, _p, _s in self._fields]

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
    taos-ws-py). As in taos-ws-py the message is its own iterator: it yields its MessageBlocks
    once."""

    def __init__(self, native: "_taoslink.Message", converter: "_taoslink.Converter") -> None:
        self._native = native
        self._converter = converter
        self._blocks: Optional[Iterator[MessageBlock]] = None

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

    def __iter__(self) -> "Message":
        return self

    def __next__(self) -> MessageBlock:
        if self._blocks is None:
            fields = self._native.fields
            self._blocks = iter([MessageBlock(b, fields, self._converter) for b in self._native.blocks()])
        return next(self._blocks)

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
        """taos-ws-py's text, its spelling included."""
        return "topic: %s," % self._topic + "".join(
            "vgoup_id: %d, offset: %d, begin: %d, end: %d" % a._v for a in self._assignments)

    def __repr__(self) -> str:
        return "TopicAssignment { topic: %s, assignments: [%s] }" % (
            self._topic, ", ".join(repr(a) for a in self._assignments))


class Consumer:
    """``Consumer(conf=None, dsn=None)``: ``conf`` is a dict (td.connect.websocket.scheme,
    td.connect.ip/host, td.connect.port/port, td.connect.user/username/user,
    td.connect.pass/password, group.id (required), client.id, auto.offset.reset, timezone, ...);
    or ``dsn`` ``ws://user:pass@host:6041?group.id=g&...``. Every error is a ConsumerException
    whose text carries TDengine's code (``[0x03E1] Internal error: `Topic not exist```) and whose
    ``errno`` is that code."""

    def __init__(self, conf: Optional[Dict[str, Any]] = None, dsn: Optional[str] = None) -> None:
        timezone = None
        if conf is not None:
            conf = dict(conf)
            timezone = conf.pop("timezone", None)
            if "group.id" not in conf:
                raise _message_error("group.id must be set in configurations")
            for key in ("td.connect.port", "port"):
                port = conf.get(key)
                if port is not None:
                    if isinstance(port, bool) or not isinstance(port, (int, str)):
                        raise _message_error("Invalid port: %s" % (port,))
                    break
            merged = dict(_DEFAULTS)
            merged.update(conf)
            try:
                url, config = split_consumer_config(merged)
            except _taoslink.NativeError as e:
                raise _error(e) from None
        elif dsn is not None:
            try:
                params = _taoslink.parse_dsn(dsn)["params"]
            except _taoslink.NativeError as e:
                raise _error(e) from None
            config = dict(_DEFAULTS)     # TDengine's defaults too; the DSN's parameters override
            config.update(params)
            timezone = config.pop("timezone", None)
            if "group.id" not in config:
                raise make(ConsumerException, None, "requires parameter: group.id")
            url = dsn
        else:
            raise make(ConsumerException, None, "requires parameter: group.id")
        try:
            zone = values.resolve_zone(timezone)
        except ValueError:
            raise _message_error("Invalid timezone: %s" % timezone) from None
        self._converter = values.row_converter(zone)
        try:
            self._native = _taoslink.open_consumer(url, config)
        except _taoslink.NativeError as e:
            raise _error(e) from None

    def _call(self, fn: Any, *args: Any) -> Any:
        if self._native.closed:
            raise _message_error(_CLOSED)
        try:
            return fn(*args)
        except _taoslink.NativeError as e:
            raise _error(e) from None

    def subscribe(self, topics: List[str]) -> None:
        self._call(self._native.subscribe, list(topics))

    def unsubscribe(self) -> None:
        """Unsubscribes; the consumer stays usable (taos-ws-py dropped it). A no-op once closed,
        as in taos-ws-py."""
        if not self._native.closed:
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
