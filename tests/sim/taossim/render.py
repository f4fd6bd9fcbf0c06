"""JSON rendering of REST results, byte-compatible with taosAdapter (§1.4, §1.5).

Encoding is column-at-a-time: each column becomes a list of JSON fragments
(str), rows are joined with ``','.join(zip(*cols))``.  That keeps the per-cell
work to one C-level call for most types, which is what makes a million-row
body affordable in pure Python.
"""

import datetime as _dt
import re
import struct
from decimal import Decimal

from . import types as T
from .result import Result

_F32 = struct.Struct("<f")
_NEEDS_ESC = re.compile(r'[\x00-\x1f"\\]')
_ESC_TABLE = {i: f"\\u{i:04x}" for i in range(0x20)}
_ESC_TABLE.update({ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r",
                   ord("\t"): "\\t"})
_SURROGATE = re.compile("[\ud800-\udfff]")


# -- strings ------------------------------------------------------------------

def json_str(s: str) -> str:
    """Go jsonbuilder WriteString: escape " \\ and C0 controls only."""
    if _NEEDS_ESC.search(s):
        s = s.translate(_ESC_TABLE)
    return '"' + s + '"'


def _bytes_str(b: bytes) -> str:
    # Bytes >= 0x80 are copied verbatim by the adapter; surrogateescape carries
    # them through str and back to the identical bytes at encode time.
    return json_str(b.decode("utf-8", "surrogateescape"))


def _nchar_str(s: str) -> str:
    if _SURROGATE.search(s):  # invalid code points become U+FFFD
        s = _SURROGATE.sub("\ufffd", s)
    return json_str(s)


# -- floats -------------------------------------------------------------------

def _go_format(shortest: str, x: float) -> str:
    """Reformat Python's shortest digits the way Go's AppendFloat('f'/'e', -1) does."""
    if x == 0:
        return "-0" if str(x).startswith("-") else "0"
    a = abs(x)
    d = Decimal(shortest)
    if a < 1e-6 or a >= 1e21:
        sign, digits, exp = d.as_tuple()
        ds = "".join(map(str, digits)).rstrip("0") or "0"
        e10 = len(digits) - 1 + exp
        mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
        return ("-" if sign else "") + mant + ("e-" if e10 < 0 else "e+") + f"{abs(e10):02d}"
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def float64_text(x: float) -> str:
    if x != x or x in (float("inf"), float("-inf")):
        return "null"
    r = repr(x)
    a = abs(x)
    if "e" not in r and (a >= 1e-6 or a == 0):  # repr already fixed-point
        return r[:-2] if r.endswith(".0") else r
    return _go_format(r, x)


_F32_CACHE: dict = {}


def float32_text(x: float) -> str:
    """Shortest decimal that reads back as the same float32."""
    s = _F32_CACHE.get(x)
    if s is not None:
        return s
    if x != x or x in (float("inf"), float("-inf")):
        return "null"
    pack, unpack = _F32.pack, _F32.unpack
    lo, hi = 1, 9           # 9 significant digits always round-trip a float32
    while lo < hi:
        mid = (lo + hi) // 2
        if unpack(pack(float("%.*g" % (mid, x))))[0] == x:
            hi = mid
        else:
            lo = mid + 1
    s = _go_format("%.*g" % (lo, x), x)
    if len(_F32_CACHE) < 200_000:
        _F32_CACHE[x] = s
    return s


# -- timestamps ---------------------------------------------------------------

_EPOCH = _dt.datetime(1970, 1, 1)
_DIV = {"ms": 1000, "us": 1_000_000, "ns": 1_000_000_000}
_FRAC_FMT = {"ms": "%03d", "us": "%06d", "ns": "%09d"}


def _offset_text(seconds: int) -> str:
    if seconds == 0:
        return "Z"
    sign = "+" if seconds > 0 else "-"
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _second_parts(sec: int, tz, off_cache: dict) -> tuple:
    """The text around the fraction for every timestamp in second `sec`: '"YYYY-MM-DDTHH:MM:SS.'
    and the zone suffix plus closing quote, rendered in `tz` (UTC when None)."""
    off = 0
    if tz is not None:
        bucket = sec // 900   # zone offsets only change on quarter hours
        off = off_cache.get(bucket)
        if off is None:
            off = int(_dt.datetime.fromtimestamp(sec, tz).utcoffset().total_seconds())
            off_cache[bucket] = off
    local = _EPOCH + _dt.timedelta(seconds=sec + off)
    return '"' + local.strftime("%Y-%m-%dT%H:%M:%S") + ".", _offset_text(off) + '"'


def timestamp_column(col: list, precision: str, tz=None) -> list:
    """RFC3339 strings with a fixed 3/6/9-digit fraction; 'Z' for zero offset."""
    if precision == "ms":
        return _timestamp_ms(col, tz)
    div = _DIV[precision]
    frac_fmt = _FRAC_FMT[precision]
    out = []
    append = out.append
    last_sec = None
    prefix = suffix = ""
    off_cache: dict = {}
    for v in col:
        if v is None:
            append("null")
            continue
        sec, frac = divmod(v, div)
        if sec != last_sec:
            last_sec = sec
            prefix, suffix = _second_parts(sec, tz, off_cache)
        append(prefix + (frac_fmt % frac) + suffix)
    return out


_MS_FRACS = ["%03d" % i for i in range(1000)]


def _timestamp_ms(col: list, tz) -> list:
    """Millisecond fast path: the second's text once per distinct second, a table lookup per row."""
    out = []
    append = out.append
    fr = _MS_FRACS
    last_sec = None
    prefix = suffix = ""
    off_cache: dict = {}
    for v in col:
        if v is None:
            append("null")
            continue
        sec = v // 1000
        if sec != last_sec:
            last_sec = sec
            prefix, suffix = _second_parts(sec, tz, off_cache)
        append(prefix + fr[v - sec * 1000] + suffix)
    return out


# -- per-type column encoders -------------------------------------------------

def _generic(col, fn):
    return ["null" if v is None else fn(v) for v in col]


def _memo(col, fn):
    """Encode each distinct value once: real and synthetic data repeat a lot."""
    uniq = set(col)
    if len(uniq) * 4 > len(col) + 64:
        return _generic(col, fn)
    table = {v: ("null" if v is None else fn(v)) for v in uniq}
    return list(map(table.__getitem__, col))


def _ints(col):
    if None not in col:
        return list(map(str, col))
    return _generic(col, str)


def _fix_double(s: str) -> str:
    if s == "null":
        return s
    return float64_text(float(s))


def _doubles(col):
    # repr is already Go's shortest form except for a trailing ".0", exponent
    # ranges and nan/inf; only those take the slow path.
    uniq = set(col)
    if len(uniq) * 4 <= len(col) + 64:
        table = {v: ("null" if v is None else float64_text(v)) for v in uniq}
        return list(map(table.__getitem__, col))
    rep = float.__repr__
    strs = ["null" if v is None else rep(v) for v in col]
    return [s[:-2] if s[-2:] == ".0" else (s if "e" not in s and "n" not in s else _fix_double(s))
            for s in strs]


def _decimal_text(scale):
    p = 10 ** scale

    def fmt(v):
        sign = "-" if v < 0 else ""
        q, r = divmod(abs(v), p)
        return f'"{sign}{q}.{r:0{scale}d}"' if scale else f'"{sign}{q}"'
    return fmt


def _hex_str(b: bytes) -> str:
    return '"' + b.hex() + '"'


def column_json(col: list, typ: T.SqlType, precision: str, tz=None) -> list:
    code = typ.code
    if code in T.INTEGER_TYPES:
        return _ints(col)
    if code == T.TIMESTAMP:
        return timestamp_column(col, precision, tz)
    if code == T.BOOL:
        return ["null" if v is None else ("true" if v else "false") for v in col]
    if code == T.FLOAT:
        return _memo(col, float32_text)
    if code == T.DOUBLE:
        return _doubles(col)
    if code == T.VARCHAR:
        return _memo(col, _bytes_str)
    if code == T.NCHAR:
        return _memo(col, _nchar_str)
    if code in T.BINARYISH:
        return _memo(col, _hex_str)
    if code == T.JSON:
        return _memo(col, str)
    if code in (T.DECIMAL, T.DECIMAL64):
        return _memo(col, _decimal_text(typ.scale))
    raise ValueError(f"cannot render type {code}")


# -- whole bodies -------------------------------------------------------------

def affected_rows_body(n: int, row_with_meta: bool, timing_ns=None) -> bytes:
    head = '{"code":0,"column_meta":[["affected_rows","INT",4]],"data":['
    row = f'{{"affected_rows":{n}}}' if row_with_meta else f"[{n}]"
    tail = "" if timing_ns is None else f',"timing":{timing_ns}'
    return (head + row + '],"rows":1' + tail + "}").encode()


def query_body_prefix(res: Result, row_with_meta: bool, tz=None) -> bytes:
    """Everything up to and including ``"rows":N``; the caller closes the object
    (with or without ``"timing"``), which keeps the prefix cacheable."""
    meta = ",".join(f"[{json_str(f.name)},{json_str(f.type.rest_name)},{f.type.rest_length}]"
                    for f in res.fields)
    n = res.nrows
    parts = ['{"code":0,"column_meta":[', meta, '],"data":[']
    if n:
        cols = [column_json(c, f.type, res.precision, tz) for c, f in zip(res.columns, res.fields)]
        if row_with_meta:
            keyed = []
            for f, c in zip(res.fields, cols):
                k = json_str(f.name) + ":"
                keyed.append([k + s for s in c])
            parts.append("{" + "},{".join(map(",".join, zip(*keyed))) + "}")
        else:
            parts.append("[" + "],[".join(map(",".join, zip(*cols))) + "]")
    parts.append(f'],"rows":{n}')
    return "".join(parts).encode("utf-8", "surrogateescape")


def query_body_tail(timing_ns=None) -> bytes:
    return b"}" if timing_ns is None else f',"timing":{timing_ns}}}'.encode()


_GO_HTML = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
            0x2028: "\\u2028", 0x2029: "\\u2029"}


def go_json_str(s: str) -> str:
    """encoding/json (what gin's c.JSON uses): also escapes < > & U+2028 U+2029,
    and replaces invalid UTF-8 with U+FFFD."""
    s = s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    out = json_str(s)
    return out.translate(_GO_HTML) if any(c in s for c in "<>&\u2028\u2029") else out


def error_body(code: int, desc: str, timing_ns=None) -> bytes:
    """The adapter's {"code","desc","timing"} object (gin c.JSON, no newline)."""
    if timing_ns is None:
        return ('{"code":%d,"desc":%s}' % (code, go_json_str(desc))).encode()
    return ('{"code":%d,"desc":%s,"timing":%d}' % (code, go_json_str(desc), timing_ns)).encode()
