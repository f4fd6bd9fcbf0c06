"""Raw data block encoder and decoder (protocol.md §4), for /ws and /rest/tmq.

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


class BlockError(ValueError):
    pass


_REV_FMT = dict(_FIXED_FMT)


def column_types(data: bytes) -> list:
    """[(type code, info bytes)] from a block's column-info section."""
    if len(data) < 28:
        raise BlockError("block too short")
    ncols = struct.unpack_from("<i", data, 12)[0]
    if ncols < 0 or 28 + 9 * ncols > len(data):
        raise BlockError("bad column count")
    return [struct.unpack_from("<bi", data, 28 + 5 * i) for i in range(ncols)]


def decode(data: bytes, codes=None):
    """-> (nrows, columns).  ``codes`` overrides the block's own type codes
    (the adapter decodes stmt blocks with the statement's types).

    Values come back in the store's representation: ints, bools, floats
    (FLOAT as float32), VARCHAR/VARBINARY/GEOMETRY/BLOB bytes, NCHAR str
    (from UCS-4), JSON str, DECIMAL unscaled int; NULL is None.
    """
    infos = column_types(data)
    nrows = struct.unpack_from("<i", data, 8)[0]
    ncols = len(infos)
    if nrows < 0:
        raise BlockError("bad row count")
    codes = list(codes) if codes is not None else [c for c, _ in infos]
    if len(codes) != ncols:
        raise BlockError("column count mismatch")
    lengths = struct.unpack_from(f"<{ncols}i", data, 28 + 5 * ncols)
    p = 28 + 9 * ncols
    bm = (nrows + 7) >> 3
    out = []
    try:
        for code, length in zip(codes, lengths):
            if code in T.VAR_TYPES:
                offs = struct.unpack_from(f"<{nrows}i", data, p)
                base = p + 4 * nrows
                col = []
                for o in offs:
                    if o < 0:
                        col.append(None)
                        continue
                    q = base + o
                    if code == T.BLOB:
                        n = struct.unpack_from("<I", data, q)[0]
                        q += 4
                    else:
                        n = struct.unpack_from("<H", data, q)[0]
                        q += 2
                    raw = bytes(data[q:q + n])
                    if code == T.NCHAR:
                        col.append(raw.decode("utf-32-le"))
                    elif code == T.JSON:
                        col.append(raw.decode("utf-8", "replace"))
                    else:
                        col.append(raw)
                p = base + length
            else:
                bitmap = data[p:p + bm]
                p += bm
                if code == T.DECIMAL:
                    vals = []
                    for r in range(nrows):
                        lo, hi = struct.unpack_from("<Qq", data, p + 16 * r)
                        vals.append((hi << 64) | lo)
                    size = 16
                else:
                    fmt = _REV_FMT.get(code)
                    if fmt is None:
                        raise BlockError(f"unsupported data type {code}")
                    vals = list(struct.unpack_from(f"<{nrows}{fmt}", data, p))
                    size = struct.calcsize(fmt)
                    if code == T.BOOL:
                        vals = [bool(v) for v in vals]
                p += nrows * size
                col = [None if bitmap[r >> 3] & (0x80 >> (r & 7)) else vals[r]
                       for r in range(nrows)]
            out.append(col)
    except (struct.error, UnicodeDecodeError) as e:
        raise BlockError(str(e)) from None
    return nrows, out
