"""The seam between ``taos`` and taoslink's extension module: the DSN, the value converter and
the error translation, each built in one place.

Everything reaches TDengine through the ``taos-native`` transport plugin (``taos://`` DSNs),
which loads libtaos at run time (DSN parameter ``libtaos``, env ``TAOSLINK_LIBTAOS``, the system
library path, then /usr/local/taos/driver). Nothing here loads libtaos: ``import taos`` works
without it and the failure comes at connect time.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Dict, List, Optional, Sequence, Tuple

from taoslink import _taoslink
from taosrest.timeutil import resolve_timezone

from .error import from_native

__all__ = ["SCHEME", "make_dsn", "converter", "resolve_timezone", "call", "fields_of"]

#: The DSN scheme of the native transport.
SCHEME = "taos"


def make_dsn(host: Optional[str], port: int, user: str, password: str, database: Optional[str],
             params: Sequence[Tuple[str, str]] = ()) -> str:
    """The taos:// DSN for taospy's connect() arguments. An empty host (None) and port 0 let
    taosc use firstEp/serverPort from its configuration, as in taospy."""
    options: List[Tuple[str, str]] = [("host", host or "")]
    if port:
        options.append(("port", str(int(port))))
    options.append(("user", user))
    options.append(("password", password))
    if database:
        options.append(("database", database))
    options.extend((k, v) for k, v in params if v is not None)
    return _taoslink.dsn_from_options(SCHEME, options)


_CONVERTERS: Dict[Tuple[Any, bool], "_taoslink.Converter"] = {}


def converter(tz: Optional[_dt.tzinfo], decode_binary: bool = True) -> "_taoslink.Converter":
    """How results become Python values (taospy's mapping): TIMESTAMP a naive local datetime
    (DST-correct) or, with ``tz``, an aware one; FLOAT the float32 value widened; nanoseconds as int; JSON str; VARBINARY,
    GEOMETRY, BLOB bytes; DECIMAL Decimal; VARCHAR str, or bytes when ``decode_binary`` is False."""
    key = (tz, bool(decode_binary))
    conv = _CONVERTERS.get(key)
    if conv is None:
        varchar = "str" if decode_binary else "bytes"
        if tz is None:
            conv = _taoslink.Converter(timestamps="local", varchar=varchar, floats="widen")
        else:
            conv = _taoslink.Converter(timestamps="tz", tz=tz, varchar=varchar, floats="widen")
        if len(_CONVERTERS) < 64:
            _CONVERTERS[key] = conv
    return conv


def call(cls: type, fn: Any, *args: Any, **extra: Any) -> Any:
    """``fn(*args)``, a NativeError raised as ``cls`` (``extra`` goes to its constructor)."""
    try:
        return fn(*args)
    except _taoslink.NativeError as e:
        raise from_native(e, cls, **extra) from None


def fields_of(native_fields: list) -> "Any":
    from .field import TaosField, TaosFields

    return TaosFields([TaosField(n, t, b, p, s) for n, t, b, p, s in native_fields])
