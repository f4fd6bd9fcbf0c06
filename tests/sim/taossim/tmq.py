"""Topics, per-vgroup write-ahead logs and consumer groups (TDengine TMQ model).

* Every database has ``len(VGROUP_IDS)`` simulated vgroups; a child/normal
  table lives in vgroup ``2 + (crc32(name) & 1)`` (the same mapping as
  ``/rest/sql/{db}/vgid``).  Every write (SQL INSERT, schemaless, stmt)
  appends one entry per table to that vgroup's WAL; versions count from 0
  and increase by one per entry.
* A topic reads the WAL of its database's vgroups.  Query topics project and
  filter each entry with the compiled SELECT; ``AS STABLE`` / ``AS DATABASE``
  topics deliver whole rows with the table's own columns.
* A consumer group keeps committed offsets per (topic, vgroup).  The vgroups
  of a topic are split over the group's members subscribed to it in join
  order (vgroup *i* -> member *i mod n*); a join/leave drops the positions
  of vgroups that change hands (they restart from the committed offset or
  the reset rule).  No sessions time out: a member leaves on unsubscribe or
  when its socket closes.

All state is guarded by ``store.lock``; ``Broker.cond`` (on that lock) wakes
blocked polls when a write lands.
"""

import itertools
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Optional

from . import errors
from . import rawblock
from . import sqlast as A
from . import values as V
from .errors import TaosError
from .result import Field
from .store import SuperTable

VGROUP_IDS = (2, 3)
NO_COMMITTED = -2147467247          # TSDB_CODE_TMQ_NO_COMMITTED as an int64 offset
MAX_MESSAGE_ROWS = 4096             # a poll gathers WAL entries up to about this many rows
TMQ_BLOCK_VERSION = 2               # the client library rewrites v1 blocks to v2 (changeByteEndian)

# native error codes used by the consumer API
MND_TOPIC_ALREADY_EXIST = 0x03E0
MND_TOPIC_NOT_EXIST = 0x03E1
MND_TOPIC_SUBSCRIBED = 0x03EB
MND_TOPIC_MUST_BE_DELETED = 0x03ED
TMQ_VERSION_OUT_OF_RANGE = 0x4007
TMQ_INVALID_VGID = 0x4008
TMQ_INVALID_TOPIC = 0x4009
INVALID_PARA = 0x0118

MESSAGES = {
    MND_TOPIC_ALREADY_EXIST: "Topic already exists",
    MND_TOPIC_NOT_EXIST: "Topic not exist",
    MND_TOPIC_SUBSCRIBED: "Topic subscribed cannot be dropped",
    MND_TOPIC_MUST_BE_DELETED: "Topic must be dropped first",
    TMQ_VERSION_OUT_OF_RANGE: "Offset out of range",
    TMQ_INVALID_VGID: "VgId does not belong to this consumer",
    TMQ_INVALID_TOPIC: "Topic does not belong to this consumer",
    INVALID_PARA: "Invalid parameters",
}


def tmq_error(code: int) -> TaosError:
    return TaosError(code, MESSAGES[code])


def vgroup_of(table_name: str) -> int:
    return VGROUP_IDS[zlib.crc32(table_name.encode()) & 1]


# -- write-ahead log ----------------------------------------------------------

class WalEntry:
    __slots__ = ("version", "table", "columns", "rows", "created_ns")

    def __init__(self, version, table, rows):
        self.version = version
        self.table = table                   # the store.Table written to
        self.columns = list(table.columns)   # schema at write time
        self.rows = rows                     # full-width rows (None = NULL / not given)
        self.created_ns = time.time_ns()


class Wal:
    def __init__(self):
        self.first = 0
        self.entries: list = []

    @property
    def end(self) -> int:
        """Version the next write will get (= one past the last entry)."""
        return self.first + len(self.entries)

    def since(self, version: int):
        return self.entries[max(0, version - self.first):]


class _EntryView:
    """Lets query.py getters (t.data[k][i], t.tag_values[k], t.name) read an entry."""
    __slots__ = ("name", "data", "tag_values", "stable")

    def __init__(self, entry: WalEntry):
        t = entry.table
        self.name = t.name
        self.stable = t.stable
        self.tag_values = t.tag_values
        n = len(entry.columns)
        self.data = [[r[k] if k < len(r) else None for r in entry.rows] for k in range(n)]


# -- topics -----------------------------------------------------------------------

@dataclass
class Topic:
    name: str
    db: str
    kind: str                    # "column" (query), "stable", "db"
    sql: str
    created_ms: int
    target: object = None        # query: Table/SuperTable; stable: SuperTable
    fields: list = field(default_factory=list)    # query topics: output schema
    getters: list = field(default_factory=list)   # query topics: value getters
    pred: object = None

    def blocks_for(self, entry: WalEntry):
        """-> (fields, columns) of this entry as the topic delivers it, or None."""
        t = entry.table
        if self.kind == "column":
            tgt = self.target
            if isinstance(tgt, SuperTable):
                if t.stable is not tgt:
                    return None
            elif t is not tgt:
                return None
        elif self.kind == "stable":
            if t.stable is not self.target:
                return None
        view = _EntryView(entry)
        n = len(entry.rows)
        idx = range(n) if self.pred is None else [i for i in range(n) if self.pred(view, i)]
        if not idx:
            return None
        if self.kind == "column":
            cols = [[g(view, i) for i in idx] for g in self.getters]
            return self.fields, cols
        fields = [Field(c.name, c.type) for c in entry.columns]
        cols = [[col[i] for i in idx] for col in view.data]
        return fields, cols


def compile_topic(name, db, kind, sql, target, select: Optional[A.Select], where, session):
    """Build a Topic, resolving names now (the schema is fixed at creation)."""
    from .query import AGGREGATES, Scope, _expand_items, compile_pred, compile_value
    topic = Topic(name, db.name, kind, sql, int(time.time() * 1000), target)
    if kind == "db":
        return topic
    ctx = V.Ctx(sql, db.precision, time.time_ns(), session.tz)
    scope = Scope(target, db, ctx)
    cond = select.where if select is not None else where
    if cond is not None:
        topic.pred = compile_pred(cond, scope)
    if kind == "stable":
        return topic
    if select.order or select.limit is not None or select.offset or select.partition_by_tbname:
        raise TaosError(errors.GENERIC,
                        "taossim: ORDER BY / LIMIT / PARTITION BY in a topic are not simulated")
    for iname, kindi, payload in _expand_items(select, scope):
        if kindi == "agg":
            raise TaosError(errors.GENERIC,
                            "taossim: aggregate functions in a topic are not simulated")
        if kindi == "col":
            k, typ = payload
            getter = (lambda t, i, k=k: t.data[k][i])
        elif kindi == "tag":
            k, typ = payload
            getter = (lambda t, i, k=k: t.tag_values[k])
        else:
            if isinstance(payload, A.Func) and payload.name in AGGREGATES:
                raise TaosError(errors.GENERIC,
                                "taossim: aggregate functions in a topic are not simulated")
            getter, typ = compile_value(payload, scope)
        topic.fields.append(Field(iname, typ))
        topic.getters.append(getter)
    return topic


# -- messages ---------------------------------------------------------------------

@dataclass
class Block:
    table_name: str
    fields: list
    columns: list
    precision: str

    @property
    def rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def raw(self) -> bytes:
        b = bytearray(rawblock.encode(self.fields, self.columns))
        struct.pack_into("<i", b, 0, TMQ_BLOCK_VERSION)
        return bytes(b)


@dataclass
class PolledMessage:
    topic: str
    database: str
    vgroup_id: int
    offset: int                  # reqOffset: WAL version the scan started at
    end_offset: int              # rspOffset: version after the last entry read
    blocks: list
    with_table_name: bool
    kind: str

    def raw_data(self) -> bytes:
        """tmq_get_raw of a data message: MQ_DATA_RSP_VERSION container (§3.6)."""
        def offset_val(v):
            return struct.pack("<bq", 0x11, v)      # (TQ_OFFSET_VERSION << 4) | TMQ_OFFSET__LOG
        offs = offset_val(self.offset) + offset_val(self.end_offset)
        out = bytearray(struct.pack("<bi", 100, len(offs)) + offs)
        out += struct.pack("<ibb", len(self.blocks), 1 if self.with_table_name else 0, 1)
        for b in self.blocks:
            prec = {"ms": 0, "us": 1, "ns": 2}.get(b.precision, 0)
            body = struct.pack("<q", 1) + struct.pack(">q", b.rows) + struct.pack("<bb", 0, prec) \
                + b.raw()
            out += _uvarint(len(body)) + body
            out += _zigzag(len(b.fields)) + _zigzag(1)
            for col_id, f in enumerate(b.fields, 1):
                out += struct.pack("<bb", f.type.code, 0)
                out += _zigzag(rawblock.column_info_bytes(f.type)) + _zigzag(col_id)
                out += _cstr(f.name)
            if self.with_table_name:
                out += _cstr(b.table_name)
        return bytes(out)


def _uvarint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _zigzag(n: int) -> bytes:
    return _uvarint((n << 1) ^ (n >> 31) if n >= 0 else ((n << 1) ^ -1) & 0xFFFFFFFF)


def _cstr(s: str) -> bytes:
    b = s.encode() + b"\x00"
    return _uvarint(len(b)) + b


# -- consumers and groups -------------------------------------------------------

_ids = itertools.count(0x1F2E3D4C5B6A0001)


@dataclass
class Group:
    name: str
    offsets: dict = field(default_factory=dict)      # (topic, vg) -> committed version
    members: list = field(default_factory=list)      # Consumers in join order


class Consumer:
    def __init__(self, group: Group, client_id: str, user: str, reset: str,
                 with_table_name: bool, client: str):
        self.id = next(_ids)
        self.group = group
        self.client_id = client_id
        self.user = user
        self.reset = reset            # earliest | latest | none
        self.with_table_name = with_table_name
        self.fqdn = client
        self.topics: list = []
        self.positions: dict = {}     # (topic, vg) -> next version (after poll/seek)
        self.reset_at: dict = {}      # (topic, vg) -> resolved "latest"/"earliest" start
        self.rows: dict = {}          # (topic, vg) -> rows delivered
        self.rr = 0
        self.up_ms = int(time.time() * 1000)
        self.subscribe_ms = 0
        self.rebalance_ms = 0
        self.closed = False


class Broker:
    def __init__(self, store):
        self.store = store
        self.cond = threading.Condition(store.lock)
        self.topics: dict = {}
        self.wals: dict = {}          # (db, vg) -> Wal
        self.groups: dict = {}

    # -- writes ------------------------------------------------------------------
    def wal(self, db: str, vg: int) -> Wal:
        w = self.wals.get((db, vg))
        if w is None:
            w = self.wals[(db, vg)] = Wal()
        return w

    def record(self, db: str, table, rows: list):
        """One write to ``table`` (call with store.lock held)."""
        if not rows:
            return
        w = self.wal(db, vgroup_of(table.name))
        w.entries.append(WalEntry(w.end, table, [list(r) for r in rows]))
        self.cond.notify_all()

    def drop_db(self, db: str):
        for key in [k for k in self.wals if k[0] == db]:
            del self.wals[key]

    def reset(self):
        with self.cond:
            self.topics.clear()
            self.wals.clear()
            for g in self.groups.values():
                for c in g.members:
                    c.topics = []
                    c.closed = True
            self.groups.clear()
            self.cond.notify_all()

    def check_drop_db(self, db: str):
        if any(t.db == db for t in self.topics.values()):
            raise tmq_error(MND_TOPIC_MUST_BE_DELETED)

    def subscribed(self, topic: str) -> bool:
        return any(topic in c.topics for g in self.groups.values() for c in g.members)

    # -- membership ---------------------------------------------------------------
    def new_consumer(self, group_id, client_id, user, reset, with_table_name, client):
        with self.cond:
            g = self.groups.get(group_id)
            if g is None:
                g = self.groups[group_id] = Group(group_id)
            return Consumer(g, client_id, user, reset, with_table_name, client)

    def subscribe(self, c: Consumer, topics: list):
        with self.cond:
            for name in topics:
                if name not in self.topics:
                    raise tmq_error(MND_TOPIC_NOT_EXIST)
            seen = []
            for name in topics:
                if name not in seen:
                    seen.append(name)
            c.topics = seen
            c.positions.clear()
            c.reset_at.clear()
            c.subscribe_ms = int(time.time() * 1000)
            g = c.group
            if c not in g.members and seen:
                g.members.append(c)
            elif c in g.members and not seen:
                g.members.remove(c)
            self._rebalance(g)
            for t in c.topics:                  # "latest" is fixed when the vgroup is assigned
                for vg in self.assignment_vgs(c, t):
                    self._start(c, t, vg)

    def unsubscribe(self, c: Consumer):
        with self.cond:
            c.topics = []
            c.positions.clear()
            c.reset_at.clear()
            if c in c.group.members:
                c.group.members.remove(c)
                self._rebalance(c.group)
            self.cond.notify_all()

    def close(self, c: Consumer):
        self.unsubscribe(c)
        c.closed = True

    def _rebalance(self, g: Group):
        now = int(time.time() * 1000)
        for m in g.members:
            keep = {(t, vg) for t in m.topics for vg in self.assignment_vgs(m, t)}
            for d in (m.positions, m.reset_at):
                for key in [k for k in d if k not in keep]:
                    del d[key]
            m.rebalance_ms = now

    def assignment_vgs(self, c: Consumer, topic: str) -> list:
        members = [m for m in c.group.members if topic in m.topics]
        if c not in members:
            return []
        i, n = members.index(c), len(members)
        return [vg for k, vg in enumerate(VGROUP_IDS) if k % n == i]

    # -- offsets ------------------------------------------------------------------
    def _start(self, c: Consumer, topic: str, vg: int) -> int:
        """Where reading starts when nothing was polled/seeked: committed, else reset."""
        key = (topic, vg)
        if key in c.group.offsets:
            return c.group.offsets[key]
        if key not in c.reset_at:
            w = self.wal(self.topics[topic].db, vg)
            c.reset_at[key] = w.first if c.reset == "earliest" else w.end
        return c.reset_at[key]

    def position_of(self, c: Consumer, topic: str, vg: int) -> int:
        key = (topic, vg)
        if key in c.positions:
            return c.positions[key]
        return self._start(c, topic, vg)

    def _check(self, c: Consumer, topic: str, vg: int):
        if topic not in c.topics or topic not in self.topics:
            raise tmq_error(TMQ_INVALID_TOPIC)
        if vg not in self.assignment_vgs(c, topic):
            raise tmq_error(TMQ_INVALID_VGID)

    def commit_all(self, c: Consumer):
        with self.cond:
            for key, pos in c.positions.items():
                if key[0] in c.topics:
                    c.group.offsets[key] = pos

    def commit_offset(self, c: Consumer, topic: str, vg: int, offset: int):
        with self.cond:
            self._check(c, topic, vg)
            w = self.wal(self.topics[topic].db, vg)
            if not w.first <= offset <= w.end:
                raise tmq_error(TMQ_VERSION_OUT_OF_RANGE)
            c.group.offsets[(topic, vg)] = offset

    def seek(self, c: Consumer, topic: str, vg: int, offset: int):
        with self.cond:
            self._check(c, topic, vg)
            w = self.wal(self.topics[topic].db, vg)
            if not w.first <= offset <= w.end:
                raise tmq_error(TMQ_VERSION_OUT_OF_RANGE)
            c.positions[(topic, vg)] = offset

    def committed(self, c: Consumer, topic: str, vg: int) -> int:
        with self.cond:
            self._check(c, topic, vg)
            return c.group.offsets.get((topic, vg), NO_COMMITTED)

    def position(self, c: Consumer, topic: str, vg: int) -> int:
        with self.cond:
            self._check(c, topic, vg)
            return self.position_of(c, topic, vg)

    def assignment(self, c: Consumer, topic: str) -> list:
        with self.cond:
            if topic not in c.topics or topic not in self.topics:
                raise tmq_error(TMQ_INVALID_TOPIC)
            out = []
            for vg in self.assignment_vgs(c, topic):
                w = self.wal(self.topics[topic].db, vg)
                out.append({"vgroup_id": vg, "offset": self.position_of(c, topic, vg),
                            "begin": w.first, "end": w.end})
            return out

    # -- polling ------------------------------------------------------------------
    def poll(self, c: Consumer, timeout_ms: int, alive=lambda: True) -> Optional[PolledMessage]:
        deadline = None if timeout_ms < 0 else time.monotonic() + timeout_ms / 1000.0
        with self.cond:
            while True:
                msg = self._next(c)
                if msg is not None or c.closed or not alive():
                    return msg
                if deadline is None:
                    self.cond.wait(0.5)
                    continue
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(min(left, 0.5))

    def _next(self, c: Consumer) -> Optional[PolledMessage]:
        pairs = [(t, vg) for t in c.topics if t in self.topics
                 for vg in self.assignment_vgs(c, t)]
        if not pairs:
            return None
        n = len(pairs)
        for step in range(n):
            topic_name, vg = pairs[(c.rr + step) % n]
            topic = self.topics[topic_name]
            db = self.store.dbs.get(topic.db)
            w = self.wals.get((topic.db, vg))
            if db is None or w is None:
                continue
            start = self.position_of(c, topic_name, vg)
            pos = start
            blocks, rows = [], 0
            for entry in w.since(start):
                pos = entry.version + 1
                got = topic.blocks_for(entry)
                if got is None:
                    continue
                fields, cols = got
                blocks.append(Block(entry.table.name, fields, cols, db.precision))
                rows += len(cols[0]) if cols else 0
                if rows >= MAX_MESSAGE_ROWS:
                    break
            if pos != start:
                c.positions[(topic_name, vg)] = pos
            if blocks:
                c.rr = (c.rr + step + 1) % n
                key = (topic_name, vg)
                c.rows[key] = c.rows.get(key, 0) + rows
                return PolledMessage(topic_name, topic.db, vg, start, pos, blocks,
                                     c.with_table_name, topic.kind)
        return None
