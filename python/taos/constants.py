"""TDengine constants (``taos.constants``): type codes, NULL sentinels, option numbers."""

import struct
from enum import Enum

from taoslink.types import FieldType as _TypeCodes


class FieldType(_TypeCodes):
    """TDengine's column type codes (shared with taoslink), plus taosc's NULL sentinels and the
    timestamp precision codes taospy keeps here."""

    # NULL sentinels of taosc's row format
    C_BOOL_NULL = 0x02
    C_TINYINT_NULL = -128
    C_TINYINT_UNSIGNED_NULL = 255
    C_SMALLINT_NULL = -32768
    C_SMALLINT_UNSIGNED_NULL = 65535
    C_INT_NULL = -2147483648
    C_INT_UNSIGNED_NULL = 4294967295
    C_BIGINT_NULL = -9223372036854775808
    C_BIGINT_UNSIGNED_NULL = 18446744073709551615
    # plain floats here (ctypes objects in taospy)
    C_FLOAT_NULL = struct.unpack("<f", b"\x00\x00\xf0\x7f")[0]
    C_DOUBLE_NULL = struct.unpack("<d", b"\x00\x00\x00\x00\x00\xff\xff\x7f")[0]
    C_BINARY_NULL = bytearray([0xFF])
    # timestamp precisions
    C_TIMESTAMP_MILLI = 0
    C_TIMESTAMP_MICRO = 1
    C_TIMESTAMP_NANO = 2
    C_TIMESTAMP_UNKNOWN = 3


class TSDB_OPTION_CONNECTION(Enum):
    TSDB_OPTION_CONNECTION_CLEAR = -1
    TSDB_OPTION_CONNECTION_CHARSET = 0
    TSDB_OPTION_CONNECTION_TIMEZONE = 1
    TSDB_OPTION_CONNECTION_USER_IP = 2
    TSDB_OPTION_CONNECTION_USER_APP = 3
    TSDB_MAX_OPTIONS_CONNECTION = 4


class TSDB_CONNECTIONS_MODE(Enum):
    TSDB_CONNECTIONS_MODE_BI = 0


class TaosOption(object):
    """Process-wide taosc options (taos_options)."""

    Locale = 0
    Charset = 1
    Timezone = 2
    ConfigDir = 3
    ShellActivityTimer = 4
