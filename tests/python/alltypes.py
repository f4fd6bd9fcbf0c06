"""One table with every TDengine type, the rows written into it, and the exact Python values each
package must read back."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

UTC = dt.timezone.utc

COLUMNS = [
    ("ts", "timestamp"),
    ("c_bool", "bool"),
    ("c_ti", "tinyint"),
    ("c_si", "smallint"),
    ("c_int", "int"),
    ("c_bi", "bigint"),
    ("c_uti", "tinyint unsigned"),
    ("c_usi", "smallint unsigned"),
    ("c_ui", "int unsigned"),
    ("c_ubi", "bigint unsigned"),
    ("c_f", "float"),
    ("c_d", "double"),
    ("c_vc", "varchar(50)"),
    ("c_nc", "nchar(20)"),
    ("c_vb", "varbinary(20)"),
    ("c_geo", "geometry(100)"),
    ("c_dec", "decimal(20,4)"),
    ("c_dec64", "decimal(10,2)"),
]
TYPE_CODES = [9, 1, 2, 3, 4, 5, 11, 12, 13, 14, 6, 7, 8, 10, 16, 20, 17, 21]
JSON_TAG = {"k": "v", "n": 1, "b": True, "u": "\u00e9\u4e16"}

POINT_1_2 = bytes.fromhex("0101000000000000000000f03f0000000000000040")
LINE = bytes.fromhex("010200000002000000000000000000f03f000000000000004000000000000008400000000000001040")

# (parameters for the INSERT, values taoslink reads back) per row; ts in ms.
ROWS = [
    (
        [1700000000000, True, -128, -32768, -2147483648, -9223372036854775808, 0, 0, 0, 0,
         10.123, -1.5e300, "it's a \\ 'quote' \"dq\" \n nl ; --", "h\u00e9llo\u4e16\u754c\U0001F600",
         b"\xde\xad\xbe\xef", "POINT(1 2)", Decimal("12345.6789"), Decimal("-1.50")],
        (dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC), True, -128, -32768, -2147483648,
         -9223372036854775808, 0, 0, 0, 0, 10.123, -1.5e300, "it's a \\ 'quote' \"dq\" \n nl ; --",
         "h\u00e9llo\u4e16\u754c\U0001F600", b"\xde\xad\xbe\xef", POINT_1_2, Decimal("12345.6789"),
         Decimal("-1.50")),
    ),
    (
        [1700000000001] + [None] * 17,
        (dt.datetime(2023, 11, 14, 22, 13, 20, 1000, tzinfo=UTC),) + (None,) * 17,
    ),
    (
        [dt.datetime(2023, 11, 14, 22, 13, 20, 2000, tzinfo=UTC), False, 127, 32767, 2147483647,
         9223372036854775807, 255, 65535, 4294967295, 18446744073709551615, 3.4028234663852886e38,
         1.7976931348623157e308, "", "", b"", "LINESTRING(1 2, 3 4)", Decimal("-99999999999999.9999"),
         Decimal("0.01")],
        (dt.datetime(2023, 11, 14, 22, 13, 20, 2000, tzinfo=UTC), False, 127, 32767, 2147483647,
         9223372036854775807, 255, 65535, 4294967295, 18446744073709551615, 3.4028235e38,
         1.7976931348623157e308, "", "", b"", LINE, Decimal("-99999999999999.9999"), Decimal("0.01")),
    ),
    (
        ["2023-11-15T06:13:20.003+08:00", True, 1, 2, 3, 4, 5, 6, 7, 8, 0.1, 0.1, "x", "y", b"\x00", "POINT(-1.5 0)",
         Decimal("0"), Decimal("12345678.99")],
        (dt.datetime(2023, 11, 14, 22, 13, 20, 3000, tzinfo=UTC), True, 1, 2, 3, 4, 5, 6, 7, 8, 0.1, 0.1, "x", "y",
         b"\x00", bytes.fromhex("0101000000000000000000f8bf0000000000000000"), Decimal("0.0000"),
         Decimal("12345678.99")),
    ),
]


def create_all_types(cursor, db: str, precision: str = "ms") -> None:
    cursor.execute("create database %s precision '%s'" % (db, precision))
    cols = ", ".join("%s %s" % c for c in COLUMNS)
    cursor.execute("create stable %s.st (%s) tags (t_json json)" % (db, cols))
    cursor.execute("create table %s.ct using %s.st tags (?)" % (db, db), [json.dumps(JSON_TAG, ensure_ascii=False)])
    marks = ", ".join("?" * len(COLUMNS))
    for params, _ in ROWS:
        cursor.execute("insert into %s.ct values (%s)" % (db, marks), params)


def expected_taoslink() -> list:
    return [expected + (json.dumps(JSON_TAG),) for _, expected in ROWS]


def to_taosrest(value, ts_local: bool = True):
    """The value taospy's taosrest gives for a taoslink value (machine local time zone)."""
    if isinstance(value, dt.datetime):
        return value.astimezone().replace(tzinfo=None) if ts_local else value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Decimal):
        return str(value)
    return value
