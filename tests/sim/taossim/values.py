"""SQL literal -> stored value, with TDengine's checks and error messages."""

import datetime as _dt
import json
import math
import re
import struct
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, ROUND_HALF_UP
from typing import Optional

from . import errors
from . import types as T
from . import wkt
from .sqlast import Lit
from .sqllex import unescape

_F32 = struct.Struct("<f")
F32_MAX = 3.4028234663852886e38
_EPOCH_ORD = _dt.date(1970, 1, 1).toordinal()
PREC_DIV = {"ms": 1_000_000, "us": 1_000, "ns": 1}
PREC_CODE = {"ms": 0, "us": 1, "ns": 2}

_TS_RE = re.compile(
    r"\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|z|[+-]\d{2}:?\d{2})?\s*")

_INT_NAMES = {T.TINYINT: "tinyint", T.SMALLINT: "smallint", T.INT: "int", T.BIGINT: "bigint",
              T.UTINYINT: "unsigned tinyint", T.USMALLINT: "unsigned smallint",
              T.UINT: "unsigned int", T.UBIGINT: "unsigned bigint"}


@dataclass
class Ctx:
    """What literal conversion needs to know about the statement."""
    sql: str
    precision: str = "ms"
    now_ns: int = 0
    tz: Optional[_dt.tzinfo] = None   # zone for naive time strings (conn_tz); None = UTC


def round_f32(x: float) -> float:
    return _F32.unpack(_F32.pack(x))[0]


def parse_time_string(s: str, precision: str, tz=None) -> Optional[int]:
    """'2024-01-01 00:00:00.123', RFC3339 with zone, or a bare date -> epoch ticks."""
    m = _TS_RE.fullmatch(s)
    if not m:
        return None
    y, mo, d, hh, mi, ss, frac, zone = m.groups()
    try:
        days = _dt.date(int(y), int(mo), int(d)).toordinal() - _EPOCH_ORD
    except ValueError:
        return None
    hh, mi, ss = int(hh or 0), int(mi or 0), int(ss or 0)
    if hh > 23 or mi > 59 or ss > 59:
        return None
    secs = days * 86400 + hh * 3600 + mi * 60 + ss
    if zone:
        if zone in ("Z", "z"):
            off = 0
        else:
            z = zone.replace(":", "")
            off = (int(z[1:3]) * 3600 + int(z[3:5]) * 60) * (1 if z[0] == "+" else -1)
        secs -= off
    elif tz is not None:
        local = _dt.datetime(int(y), int(mo), int(d), hh, mi, ss, tzinfo=tz)
        secs -= int(local.utcoffset().total_seconds())
    ns = secs * 1_000_000_000 + int((frac or "").ljust(9, "0") or 0)
    return ns // PREC_DIV[precision]


def _rest(ctx: Ctx, lit: Lit) -> str:
    return ctx.sql[lit.pos:]


def _lit_text(lit: Lit) -> str:
    if lit.kind == "str":
        return unescape(lit.value)
    if lit.kind == "hex":
        return "0x" + lit.value
    return str(lit.value)


def to_timestamp(lit: Lit, ctx: Ctx) -> int:
    v = _timestamp_value(lit, ctx)
    if not -(1 << 63) <= v < 1 << 63:   # taosc's parseTime fails on what int64 cannot hold
        raise errors.value_syntax_error(_rest(ctx, lit), "invalid timestamp")
    return v


def _timestamp_value(lit: Lit, ctx: Ctx) -> int:
    k = lit.kind
    if k == "int":
        return lit.value
    if k in ("now", "today"):
        base = ctx.now_ns
        if k == "today":
            base -= base % 86_400_000_000_000
        return (base + lit.value) // PREC_DIV[ctx.precision]
    if k == "str":
        text = unescape(lit.value)
        v = parse_time_string(text, ctx.precision, ctx.tz)
        if v is None and re.fullmatch(r"\s*-?\d+\s*", text):
            v = int(text)
        if v is not None:
            return v
    if k == "hex":
        return int(lit.value, 16)
    raise errors.value_syntax_error(_rest(ctx, lit), "invalid timestamp")


def _to_int(lit: Lit, code: int, ctx: Ctx) -> int:
    name = _INT_NAMES[code]
    k = lit.kind
    try:
        if k == "int":
            v = lit.value
        elif k == "float":
            v = int(float(lit.value))
        elif k == "bool":
            v = int(lit.value)
        elif k == "hex":
            v = int(lit.value, 16)
        elif k == "str":
            text = unescape(lit.value).strip()
            v = int(text, 0) if re.fullmatch(r"[-+]?(0[xX][0-9a-fA-F]+|\d+)", text) \
                else int(float(text))
        else:
            raise ValueError
    except (ValueError, OverflowError):
        raise errors.value_syntax_error(_rest(ctx, lit), f"invalid {name} data") from None
    lo, hi = T.INT_RANGE[code]
    if not lo <= v <= hi:
        raise errors.value_syntax_error(_rest(ctx, lit), f"{name} data overflow")
    return v


def _to_float(lit: Lit, ctx: Ctx, double: bool) -> float:
    name = "double" if double else "float"
    try:
        if lit.kind in ("int", "float"):
            v = float(lit.value)
        elif lit.kind == "bool":
            v = float(lit.value)
        elif lit.kind == "str":
            v = float(unescape(lit.value))
        else:
            raise ValueError
    except (ValueError, OverflowError):
        raise errors.value_syntax_error(_rest(ctx, lit), f"illegal {name} data") from None
    if math.isinf(v) or (not double and abs(v) > F32_MAX):
        raise errors.value_syntax_error(_rest(ctx, lit), f"illegal {name} data")
    return v if double else round_f32(v)


def _to_bool(lit: Lit, ctx: Ctx) -> bool:
    k = lit.kind
    if k == "bool":
        return lit.value
    if k == "int":
        return lit.value != 0
    if k == "float":
        return float(lit.value) != 0
    if k == "str":
        t = unescape(lit.value).strip().lower()
        if t in ("true", "false"):
            return t == "true"
        if re.fullmatch(r"-?\d+(\.\d*)?", t):
            return float(t) != 0
    raise errors.value_syntax_error(_rest(ctx, lit), "invalid bool data")


def _to_decimal(lit: Lit, typ: T.SqlType, ctx: Ctx) -> int:
    try:
        text = unescape(lit.value) if lit.kind == "str" else str(lit.value)
        d = Decimal(text.strip())
        if not d.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise errors.value_syntax_error(_rest(ctx, lit), "invalid decimal data") from None
    unscaled = int((d * (Decimal(10) ** typ.scale)).to_integral_value(ROUND_HALF_UP))
    if abs(unscaled) >= 10 ** typ.precision:
        raise errors.value_syntax_error(_rest(ctx, lit), "decimal data overflow")
    return unscaled


def normalise_json_tag(text: str) -> Optional[str]:
    """TDengine keeps a JSON tag as sorted key/values and prints it back compactly."""
    obj = json.loads(text)
    if obj is None:
        return None
    if not isinstance(obj, dict):
        raise ValueError("json tag must be an object")
    out = {}
    for k in sorted(obj):
        v = obj[k]
        if isinstance(v, (dict, list)):
            raise ValueError("nested json")
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = float(v)
            v = int(v) if v.is_integer() and abs(v) < 1e15 else v
        out[k] = v
    return json.dumps(out, separators=(",", ":"), ensure_ascii=False)


def convert(lit: Lit, name: str, typ: T.SqlType, ctx: Ctx):
    """Convert one literal for column ``name`` of type ``typ``; raises TaosError."""
    code = typ.code
    if lit.kind == "null":
        return None
    if code == T.TIMESTAMP:
        return to_timestamp(lit, ctx)
    if code in T.INTEGER_TYPES:
        return _to_int(lit, code, ctx)
    if code == T.FLOAT:
        return _to_float(lit, ctx, False)
    if code == T.DOUBLE:
        return _to_float(lit, ctx, True)
    if code == T.BOOL:
        return _to_bool(lit, ctx)
    if code == T.VARCHAR:
        if lit.kind in ("now", "today"):
            raise errors.value_syntax_error(_rest(ctx, lit), "invalid binary data")
        b = _lit_text(lit).encode("utf-8", "surrogateescape")
        if len(b) > typ.width:
            raise errors.value_too_long(name)
        return b
    if code == T.NCHAR:
        s = _lit_text(lit)
        if len(s) > typ.width:
            raise errors.value_too_long(name)
        return s
    if code in (T.VARBINARY, T.BLOB):
        if lit.kind == "hex":
            b = bytes.fromhex(lit.value if len(lit.value) % 2 == 0 else "0" + lit.value)
        elif lit.kind == "str" and lit.value[:2] in ("\\x", "\\X"):
            h = lit.value[2:]
            try:
                b = bytes.fromhex(h if len(h) % 2 == 0 else "0" + h)
            except ValueError:
                raise errors.value_syntax_error(_rest(ctx, lit), "invalid hex data") from None
        elif lit.kind == "str":
            b = unescape(lit.value).encode("utf-8", "surrogateescape")
        else:
            raise errors.value_syntax_error(_rest(ctx, lit), "invalid varbinary data")
        if code == T.VARBINARY and len(b) > typ.width:
            raise errors.value_too_long(name)
        return b
    if code == T.GEOMETRY:
        if lit.kind != "str":
            raise errors.value_syntax_error(_rest(ctx, lit), "invalid geometry data")
        try:
            b = wkt.to_wkb(unescape(lit.value))
        except wkt.WktError:
            # TDengine reports GEOS parse failures through buildSyntaxErrMsg (0x0216)
            raise errors.value_syntax_error(_rest(ctx, lit), "ParseException: invalid WKT") from None
        if len(b) > typ.width:
            raise errors.value_too_long(name)
        return b
    if code == T.JSON:
        if lit.kind != "str":
            raise errors.value_syntax_error(_rest(ctx, lit), "json string error")
        text = unescape(lit.value)
        if text.strip() == "":
            return None
        try:
            v = normalise_json_tag(text)
        except (ValueError, TypeError):
            raise errors.value_syntax_error(_rest(ctx, lit), "json string error") from None
        if v is not None and len(v.encode()) > T.JSON_TAG_BYTES - 2:
            raise errors.value_too_long(name)
        return v
    if code in (T.DECIMAL, T.DECIMAL64):
        return _to_decimal(lit, typ, ctx)
    raise errors.TaosError(errors.TSC_INVALID_OPERATION)
