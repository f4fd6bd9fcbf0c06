"""Pre-encoded SELECT responses, so large results are serialised only once.

REST (``ResponseCache``): an entry holds the chunk-framed body prefix (everything
up to ``"rows":N``), and lazily a gzip variant whose compressor state is kept so
the per-request tail (``}`` or ``,"timing":T}``) can still be appended.

/ws (``BlockCache``): an entry holds the result's column description and the
list of encoded raw blocks, stored by ws_sql.ResultCursor once it has encoded
the whole result.

Both key on the store's generation: any write to the store bumps it, which
empties the cache; an entry made for an older generation is never stored.

Repeats (``POST /-/sim/repeat``, for benchmarks): a SELECT text registered as
``times`` copies of another SELECT's cached result, made by reference from the
source entry, so a 10M-row result costs the simulator no encoding and little memory.
"""

import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Optional

from .http import frame_chunks

MAX_ENTRIES = 8


@dataclass
class Entry:
    framed: list                       # chunk-framed plain prefix
    raw_len: int
    gz_framed: Optional[list] = None
    gz_state: object = None            # zlib compressobj after the prefix
    lock: threading.Lock = field(default_factory=threading.Lock)

    def gzip_parts(self):
        with self.lock:
            if self.gz_framed is None:
                c = zlib.compressobj(1, zlib.DEFLATED, 31)
                out = []
                for piece in self.framed:   # strip "<hex>\r\n" ... "\r\n" framing
                    start = piece.index(b"\r\n") + 2
                    out.append(c.compress(piece[start:-2]))
                self.gz_framed = frame_chunks(b"".join(out))
                self.gz_state = c
        return self.gz_framed, self.gz_state.copy()


class GenerationCache:
    """A bounded LRU map valid for one store generation (generations only grow)."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._lock = threading.Lock()
        self._entries: OrderedDict = OrderedDict()
        self._generation = None
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self.repeats = {}                  # SQL text -> (source SQL text, times)

    def _sync(self, generation: int) -> bool:
        """Move to a newer generation (dropping every entry); False for an older one."""
        if self._generation is None or generation > self._generation:
            self._entries.clear()
            self._generation = generation
        return generation == self._generation

    def get(self, key: tuple, generation: int):
        with self._lock:
            e = self._entries.get(key) if self._sync(generation) else None
            if e is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return e

    def store(self, key: tuple, generation: int, value) -> None:
        with self._lock:
            if self._sync(generation):
                self._entries[key] = value
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.repeats.clear()

    def get_or_repeat(self, key: tuple, generation: int):
        """get(), or for a registered repeat (key[0] is its SQL) an entry built from the
        cached source entry under the same key otherwise; None if the source is not cached."""
        e = self.get(key, generation)
        rep = self.repeats.get(key[0])
        if e is not None or rep is None:
            return e
        src = self.get((rep[0],) + tuple(key[1:]), generation)
        if src is None:
            return None
        e = self.repeat_entry(src, rep[1])
        self.store(key, generation, e)
        return e

    def repeat_entry(self, src, times: int):
        raise NotImplementedError

    def __len__(self):
        with self._lock:
            return len(self._entries)


class ResponseCache(GenerationCache):
    """REST: key -> Entry (the framed JSON body prefix)."""

    def put(self, key: tuple, generation: int, prefix: bytes) -> Entry:
        e = Entry(frame_chunks(prefix), len(prefix))
        self.store(key, generation, e)
        return e

    def repeat_entry(self, src: Entry, times: int) -> Entry:
        # The prefix is '{..."data":[ROWS],"rows":N'; the copies of ROWS share one framed list.
        prefix = b"".join(p[p.index(b"\r\n") + 2:-2] for p in src.framed)
        start = prefix.index(b'"data":[') + len(b'"data":[')
        end = prefix.rindex(b'],"rows":')
        rows = int(prefix[end + len(b'],"rows":'):])
        head, data = prefix[:start], prefix[start:end]
        tail = b'],"rows":%d' % (rows * times)
        framed_data = frame_chunks(data)
        framed = frame_chunks(head) + framed_data
        if data:
            framed += (frame_chunks(b",") + framed_data) * (times - 1)
        framed += frame_chunks(tail)
        return Entry(framed, len(head) + len(tail) + (len(data) + 1) * times - 1 if data
                     else len(head) + len(tail))


@dataclass(frozen=True)
class BlockEntry:
    meta: object          # result.Result with fields and precision, no columns
    blocks: tuple         # ((rows, raw block bytes), ...) in fetch order


class BlockCache(GenerationCache):
    """/ws: key -> BlockEntry (the encoded raw blocks of a whole result)."""

    def put(self, key: tuple, generation: int, meta, blocks) -> BlockEntry:
        e = BlockEntry(meta, tuple(blocks))
        self.store(key, generation, e)
        return e

    def repeat_entry(self, src: BlockEntry, times: int) -> BlockEntry:
        return BlockEntry(src.meta, src.blocks * times)
