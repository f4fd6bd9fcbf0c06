"""Helpers (``taos.utils``): request ids and the value checks stmt2 applies."""

from __future__ import annotations

import datetime as _dt
import os
import threading
import time
import uuid
from typing import Any, List, Optional

from .constants import FieldType
from .error import DataTypeAndRangeError

__all__ = ["gen_req_id", "murmurhash3_32", "detectListNone", "checkTypeValid", "ALL_NONE", "HAVE_NONE",
           "NOFOUND_NONE"]

_lock = threading.Lock()
_hash_id = 0
_serial = 0


def _rotl32(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & 0xFFFFFFFF


def _fmix32(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)


def murmurhash3_32(key: bytes, length: int) -> int:
    """MurmurHash3 (x86, 32 bit, seed 0x12345678 as in TDengine) of ``key[:length]``."""
    c1, c2 = 0xCC9E2D51, 0x1B873593
    h = 0x12345678
    nblocks = length // 4
    for i in range(nblocks):
        k = int.from_bytes(key[4 * i:4 * i + 4], "little")
        k = (_rotl32((k * c1) & 0xFFFFFFFF, 15) * c2) & 0xFFFFFFFF
        h = (_rotl32(h ^ k, 13) * 5 + 0xE6546B64) & 0xFFFFFFFF
    tail = key[4 * nblocks:length]
    k = 0
    for i in reversed(range(len(tail))):
        k = (k << 8) | tail[i]
    if tail:
        k = (_rotl32((k * c1) & 0xFFFFFFFF, 15) * c2) & 0xFFFFFFFF
        h ^= k
    return _fmix32(h ^ length)


def gen_req_id() -> int:
    """A fresh, non-zero 64-bit request id: a per-process hash, the pid, the time and a counter."""
    global _hash_id, _serial
    with _lock:
        if _hash_id == 0:
            uid = str(uuid.uuid4()).encode()
            _hash_id = murmurhash3_32(uid, len(uid))
        while True:
            _serial += 1
            rid = (((_hash_id & 0x07FF) << 52) | ((os.getpid() & 0x0F) << 48)
                   | (((int(time.time()) >> 8) & 0x3FFFFFF) << 20) | (_serial & 0xFFFFF))
            if rid:
                return rid


ALL_NONE = 0
HAVE_NONE = 1
NOFOUND_NONE = 2


def detectListNone(items: List[Any]) -> int:
    """ALL_NONE, HAVE_NONE or NOFOUND_NONE for a list."""
    nones = sum(1 for x in items if x is None)
    if nones == 0:
        return NOFOUND_NONE
    return ALL_NONE if nones == len(items) else HAVE_NONE


_INT_RANGES = {
    FieldType.C_TINYINT: (-2 ** 7, 2 ** 7 - 1), FieldType.C_SMALLINT: (-2 ** 15, 2 ** 15 - 1),
    FieldType.C_INT: (-2 ** 31, 2 ** 31 - 1), FieldType.C_BIGINT: (-2 ** 63, 2 ** 63 - 1),
    FieldType.C_TINYINT_UNSIGNED: (0, 2 ** 8 - 1), FieldType.C_SMALLINT_UNSIGNED: (0, 2 ** 16 - 1),
    FieldType.C_INT_UNSIGNED: (0, 2 ** 32 - 1), FieldType.C_BIGINT_UNSIGNED: (0, 2 ** 64 - 1),
}
_TEXT = (FieldType.C_VARCHAR, FieldType.C_NCHAR, FieldType.C_JSON)
_BYTES = (FieldType.C_VARBINARY, FieldType.C_GEOMETRY, FieldType.C_BLOB)


def _bad(label: str, value: Any) -> DataTypeAndRangeError:
    return DataTypeAndRangeError("%s: invalid value or data type %r (%s)" % (label, value, type(value).__name__))


def checkTypeValid(buffer_type: int, values: Optional[List[Any]]) -> None:
    """Raises DataTypeAndRangeError unless every value fits ``buffer_type`` (taospy's rules:
    exact Python types, integer ranges, ±3.4e38 for FLOAT, str for text, bytes for binary)."""
    if not values:
        return
    label = "type %d" % buffer_type
    for v in values:
        if v is None or type(v).__name__ == "IgnoreUpdateType":
            continue
        t = type(v)
        if buffer_type == FieldType.C_TIMESTAMP:
            if t is int:
                if not -2 ** 63 <= v < 2 ** 63:
                    raise _bad(label, v)
            elif not (t is str or isinstance(v, _dt.datetime)):
                raise _bad(label, v)
        elif buffer_type == FieldType.C_BOOL:
            if t not in (bool, int, float):
                raise _bad(label, v)
        elif buffer_type in _INT_RANGES:
            lo, hi = _INT_RANGES[buffer_type]
            if t not in (int, float) or not lo <= v <= hi:
                raise _bad(label, v)
        elif buffer_type == FieldType.C_FLOAT:
            if t not in (int, float) or not -3.4e38 <= v <= 3.4e38:
                raise _bad(label, v)
        elif buffer_type == FieldType.C_DOUBLE:
            if t not in (int, float) or not -1.7e308 <= v <= 1.7e308:
                raise _bad(label, v)
        elif buffer_type in _TEXT:
            if t is not str:
                raise _bad(label, v)
        elif buffer_type in _BYTES:
            if t not in (bytes, bytearray):
                raise _bad(label, v)
        else:
            raise DataTypeAndRangeError("invalid datatype %d" % buffer_type)
