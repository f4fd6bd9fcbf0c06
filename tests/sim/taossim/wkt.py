"""WKT -> little-endian WKB for GEOMETRY columns (POINT, LINESTRING, POLYGON).

TDengine stores GEOMETRY as WKB produced by GEOS; for 2-D geometries that is
the plain ISO layout: byte order 0x01, u32 type, then f64 coordinates.
"""

import re
import struct

_POINT, _LINE, _POLY = 1, 2, 3
_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_PAIR = re.compile(rf"\s*({_NUM})\s+({_NUM})\s*")


class WktError(ValueError):
    pass


def _points(body: str) -> list:
    pts = []
    for part in body.split(","):
        m = _PAIR.fullmatch(part)
        if not m:
            raise WktError(body)
        pts.append((float(m.group(1)), float(m.group(2))))
    return pts


def _coords(pts) -> bytes:
    return b"".join(struct.pack("<dd", x, y) for x, y in pts)


def to_wkb(text: str) -> bytes:
    s = text.strip()
    m = re.fullmatch(r"(?i)(POINT|LINESTRING|POLYGON)\s*\((.*)\)", s, re.S)
    if not m:
        raise WktError(text)
    kind, body = m.group(1).upper(), m.group(2)
    if kind == "POINT":
        pts = _points(body)
        if len(pts) != 1:
            raise WktError(text)
        return struct.pack("<BI", 1, _POINT) + _coords(pts)
    if kind == "LINESTRING":
        pts = _points(body)
        if len(pts) < 2:
            raise WktError(text)
        return struct.pack("<BII", 1, _LINE, len(pts)) + _coords(pts)
    rings = re.findall(r"\(([^()]*)\)", body)
    if not rings or re.sub(r"\([^()]*\)", "", body).strip(" ,"):
        raise WktError(text)
    out = [struct.pack("<BII", 1, _POLY, len(rings))]
    for ring in rings:
        pts = _points(ring)
        if len(pts) < 4 or pts[0] != pts[-1]:
            raise WktError(text)
        out.append(struct.pack("<I", len(pts)) + _coords(pts))
    return b"".join(out)
