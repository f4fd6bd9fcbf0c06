"""Pre-encoded SELECT responses, so large results are serialised only once.

An entry holds the chunk-framed body prefix (everything up to ``"rows":N``),
and lazily a gzip variant whose compressor state is kept so the per-request
tail (``}`` or ``,"timing":T}``) can still be appended.  Any write to the store
bumps its generation, which empties the cache.
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


class ResponseCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._entries: "OrderedDict[tuple, Entry]" = OrderedDict()
        self._generation = None
        self.hits = 0
        self.misses = 0

    def _sync(self, generation: int):
        if generation != self._generation:
            self._entries.clear()
            self._generation = generation

    def get(self, key: tuple, generation: int) -> Optional[Entry]:
        with self._lock:
            self._sync(generation)
            e = self._entries.get(key)
            if e is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return e

    def put(self, key: tuple, generation: int, prefix: bytes) -> Entry:
        e = Entry(frame_chunks(prefix), len(prefix))
        with self._lock:
            self._sync(generation)
            if generation == self._generation:
                self._entries[key] = e
                while len(self._entries) > MAX_ENTRIES:
                    self._entries.popitem(last=False)
        return e

    def clear(self):
        with self._lock:
            self._entries.clear()
