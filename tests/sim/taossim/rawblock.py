"""Raw data block encoder (protocol.md §4), for the future /ws and /rest/tmq.

Layout: 28-byte header, 5-byte column infos, i32 data lengths, then per column
either (MSB-first null bitmap + packed values) or (i32 offsets, -1 for NULL,
+ length-prefixed values).  Everything little-endian.
"""

import struct

from . import types as T

BLOCK_VERSION = 1
HAS_COLUMN_SEGMENT = 0x80000000

_FIXED_FMT = {
    T.BOOL: "b", T.TINYINT: "b", T.SMALLINT: "h", T.INT: "i", T.BIGINT: "q", T.FLOAT: "f",
    T.DOUBLE: "d", T.TIMESTAMP: "q", T.UTINYINT: "B", T.USMALLINT: "H", T.UINT: "I",
    T.UBIGINT: "Q", T.DECIMAL64: "q",
}


def column_info_bytes(typ: T.SqlType) -> int:
    """The i32 "bytes" of a column info entry; DECIMAL packs [scale, prec, 0, size]."""
    if typ.code in (T.DECIMAL, T.DECIMAL64):
        size = 16 if typ.code == T.DECIMAL else 8
        return typ.scale | (typ.precision << 8) | (size << 24)
    return typ.raw_bytes


def _null_bitmap(col: list) -> bytes:
    bm = bytearray((len(col) + 7) >> 3)
    for r, v in enumerate(col):
        if v is None:
            bm[r >> 3] |= 0x80 >> (r & 7)
    return bytes(bm)


def _fixed_data(col: list, typ: T.SqlType) -> bytes:
    code = typ.code
    if code == T.DECIMAL:
        out = bytearray()
        for v in col:
            n = 0 if v is None else v & ((1 << 128) - 1)   # two's complement i128
            out += struct.pack("<QQ", n & 0xFFFFFFFFFFFFFFFF, n >> 64)
        return bytes(out)
    fmt = _FIXED_FMT[code]
    zero = 0.0 if fmt in "fd" else 0
    vals = [zero if v is None else (int(v) if code == T.BOOL else v) for v in col]
    return struct.pack(f"<{len(vals)}{fmt}", *vals)


def _var_payload(v, code: int) -> bytes:
    if code == T.NCHAR:
        return v.encode("utf-32-le")
    if code == T.JSON:
        return v.encode("utf-8") if isinstance(v, str) else v
    if isinstance(v, str):
        return v.encode("utf-8", "surrogateescape")
    return v


def _var_section(col: list, code: int):
    offsets, data, pos = [], [], 0
    wide = code == T.BLOB              # BLOB carries a u32 length prefix
    for v in col:
        if v is None:
            offsets.append(-1)
            continue
        p = _var_payload(v, code)
        item = (struct.pack("<I", len(p)) if wide else struct.pack("<H", len(p))) + p
        offsets.append(pos)
        data.append(item)
        pos += len(item)
    return struct.pack(f"<{len(offsets)}i", *offsets), b"".join(data)


def encode(fields: list, columns: list, group_id: int = 0) -> bytes:
    """fields: [(name, SqlType)] or objects with .type; columns: equal-length lists."""
    types = [f.type if hasattr(f, "type") else f[1] for f in fields]
    nrows = len(columns[0]) if columns else 0
    ncols = len(types)
    infos, lengths, sections = [], [], []
    for typ, col in zip(types, columns):
        infos.append(struct.pack("<bi", typ.code, column_info_bytes(typ)))
        if typ.is_var:
            head, data = _var_section(col, typ.code)
        else:
            head, data = _null_bitmap(col), _fixed_data(col, typ)
        lengths.append(struct.pack("<i", len(data)))
        sections.append(head + data)
    body = b"".join(infos) + b"".join(lengths) + b"".join(sections)
    total = 28 + len(body)
    header = struct.pack("<iiiiIQ", BLOCK_VERSION, total, nrows, ncols, HAS_COLUMN_SEGMENT,
                         group_id)
    return header + body
