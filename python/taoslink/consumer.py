"""TMQ consumers over any transport that has them (WebSocket today).

    with taoslink.Consumer("ws://root:taosdata@localhost:6041", **{"group.id": "g1"}) as c:
        c.subscribe(["topic_meters"])
        while (msg := c.poll(1.0)) is not None:
            for row in msg:
                ...
            c.commit(msg)

``Consumer`` also accepts taosws/taospy-style configuration dicts (``td.connect.ip``,
``td.connect.port``, ``td.connect.user``, ``td.connect.pass``, ``group.id``, ...).
poll() waits without holding the GIL and sees Ctrl-C within a second.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping, NamedTuple, Optional, Tuple, Union

from . import _taoslink
from .errors import from_native

__all__ = ["Consumer", "Message", "TopicAssignment", "split_consumer_config"]

#: Configuration keys that name the connection rather than the consumer (taosws and taospy spellings).
_CONNECTION_KEYS = {
    "td.connect.websocket.scheme": "scheme", "protocol": "scheme", "driver": "scheme",
    "td.connect.ip": "host", "host": "host",
    "td.connect.port": "port", "port": "port",
    "td.connect.user": "user", "username": "user", "user": "user",
    "td.connect.pass": "password", "password": "password",
    "td.connect.token": "token", "token": "token",
    "td.connect.bearer_token": "bearer_token", "bearer_token": "bearer_token",
    "td.connect.db": "database",
}


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def split_consumer_config(conf: Mapping[str, Any], default_scheme: str = "ws") -> Tuple[str, Dict[str, str]]:
    """(dsn, consumer config) from a taosws/taospy-style configuration dict."""
    conn: Dict[str, str] = {}
    config: Dict[str, str] = {}
    for k, v in conf.items():
        if v is None:
            continue
        if k in _CONNECTION_KEYS:
            conn[_CONNECTION_KEYS[k]] = _text(v)
        else:
            config[k] = _text(v)
    options: List[Tuple[str, str]] = []
    for key in ("host", "port", "user", "password", "database", "token", "bearer_token"):
        if key in conn:
            options.append((key, conn[key]))
    scheme = conn.get("scheme", default_scheme).lower()
    if "host" not in conn:
        options.insert(0, ("host", "localhost"))
    dsn = _taoslink.dsn_from_options(scheme, options)
    return dsn, config


class TopicAssignment(NamedTuple):
    """One topic partition of a consumer: its vgroup, current offset and the offset range."""

    topic: str
    vgroup: int
    offset: int
    begin: int
    end: int


class Message:
    """One polled message. Iterating it yields rows (tuples); ``blocks()`` gives the columnar
    blocks. ``offset`` is the message's offset (commit it, or pass the message to commit())."""

    def __init__(self, native: "_taoslink.Message", converter: "_taoslink.Converter") -> None:
        self._native = native
        self._converter = converter

    topic = property(lambda self: self._native.topic)
    database = property(lambda self: self._native.database)
    vgroup = property(lambda self: self._native.vgroup)
    offset = property(lambda self: self._native.offset)
    type = property(lambda self: self._native.type)
    precision = property(lambda self: self._native.precision)
    table_names = property(lambda self: self._native.table_names)

    @property
    def fields(self) -> List[Tuple[str, int, int, int, int]]:
        """(name, type_code, length, decimal_precision, decimal_scale) per column."""
        return self._native.fields

    @property
    def row_count(self) -> int:
        return self._native.row_count

    def blocks(self) -> list:
        return self._native.blocks()

    def rows(self) -> list:
        """Every row of the message."""
        return self._native.rows(self._converter)

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.rows())

    def __repr__(self) -> str:
        return "<taoslink.Message topic=%s vgroup=%d offset=%d rows=%d>" % (
            self.topic, self.vgroup, self.offset, self.row_count)


class Consumer:
    """A TMQ consumer. ``dsn_or_conf`` is a DSN (``ws://user:pass@host:6041``; its query
    parameters are consumer settings too) or a configuration dict; ``config`` adds settings such
    as ``**{"group.id": "g1", "auto.offset.reset": "earliest"}``. ``timezone`` sets how
    timestamps convert (as for connect())."""

    def __init__(self, dsn_or_conf: Union[str, Mapping[str, Any], None] = None, timezone: Any = None,
                 **config: Any) -> None:
        from .connection import make_converter

        if dsn_or_conf is None or isinstance(dsn_or_conf, Mapping):
            dsn, conf = split_consumer_config(dict(dsn_or_conf or {}, **config))
        else:
            dsn = dsn_or_conf
            try:
                conf = {k: _text(v) for k, v in _taoslink.parse_dsn(dsn)["params"].items()}
            except _taoslink.NativeError as e:
                raise from_native(e) from None
            conf.update({k: _text(v) for k, v in config.items() if v is not None})
        self._converter = make_converter(timezone)
        try:
            self._native = _taoslink.open_consumer(dsn, conf)
        except _taoslink.NativeError as e:
            raise from_native(e) from None

    def subscribe(self, topics: List[str]) -> None:
        self._call(self._native.subscribe, list(topics))

    def unsubscribe(self) -> None:
        self._call(self._native.unsubscribe)

    def poll(self, timeout: Optional[float] = None) -> Optional[Message]:
        """The next message, waiting up to ``timeout`` seconds (None: until one arrives)."""
        ms = -1 if timeout is None else max(0, int(round(timeout * 1000)))
        native = self._call(self._native.poll, ms)
        return None if native is None else Message(native, self._converter)

    def commit(self, message: Optional[Message] = None) -> None:
        """Commits ``message``'s offset, or everything consumed so far (None)."""
        self._call(self._native.commit, None if message is None else message._native)

    def commit_offset(self, topic: str, vgroup: int, offset: int) -> None:
        self._call(self._native.commit_offset, topic, int(vgroup), int(offset))

    def seek(self, topic: str, vgroup: int, offset: int) -> None:
        self._call(self._native.seek, topic, int(vgroup), int(offset))

    def assignment(self) -> List[TopicAssignment]:
        return [TopicAssignment(*a) for a in self._call(self._native.assignment)]

    def committed(self, topic: str, vgroup: int) -> int:
        return self._call(self._native.committed, topic, int(vgroup))

    def position(self, topic: str, vgroup: int) -> int:
        return self._call(self._native.position, topic, int(vgroup))

    def list_topics(self) -> List[str]:
        return list(self._call(self._native.list_topics))

    def close(self) -> None:
        self._native.close()

    @property
    def closed(self) -> bool:
        return self._native.closed

    def __iter__(self) -> Iterator[Message]:
        """Messages as they arrive, forever (stop with break or close())."""
        while not self.closed:
            msg = self.poll(1.0)
            if msg is not None:
                yield msg

    def __enter__(self) -> "Consumer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _call(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except _taoslink.NativeError as e:
            raise from_native(e) from None

    def __repr__(self) -> str:
        return "<taoslink.Consumer%s>" % (" closed" if self.closed else "")

