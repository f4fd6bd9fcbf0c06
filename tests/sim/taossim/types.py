"""TDengine column types (protocol.md §5): codes, names and reported widths."""

from dataclasses import dataclass

NULL, BOOL, TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE = 0, 1, 2, 3, 4, 5, 6, 7
VARCHAR, TIMESTAMP, NCHAR = 8, 9, 10
UTINYINT, USMALLINT, UINT, UBIGINT = 11, 12, 13, 14
JSON, VARBINARY, DECIMAL, BLOB, MEDIUMBLOB, GEOMETRY, DECIMAL64 = 15, 16, 17, 18, 19, 20, 21

# Name used in column_meta for the non-parameterised types (adapter's TypeDatabaseName).
BASE_NAMES = {
    BOOL: "BOOL", TINYINT: "TINYINT", SMALLINT: "SMALLINT", INT: "INT", BIGINT: "BIGINT",
    FLOAT: "FLOAT", DOUBLE: "DOUBLE", VARCHAR: "VARCHAR", TIMESTAMP: "TIMESTAMP", NCHAR: "NCHAR",
    UTINYINT: "TINYINT UNSIGNED", USMALLINT: "SMALLINT UNSIGNED", UINT: "INT UNSIGNED",
    UBIGINT: "BIGINT UNSIGNED", JSON: "JSON", VARBINARY: "VARBINARY", DECIMAL: "DECIMAL",
    BLOB: "BLOB", GEOMETRY: "GEOMETRY", DECIMAL64: "DECIMAL",
}

FIXED_SIZE = {
    BOOL: 1, TINYINT: 1, SMALLINT: 2, INT: 4, BIGINT: 8, FLOAT: 4, DOUBLE: 8, TIMESTAMP: 8,
    UTINYINT: 1, USMALLINT: 2, UINT: 4, UBIGINT: 8, DECIMAL64: 8, DECIMAL: 16,
}

INT_RANGE = {
    TINYINT: (-128, 127), SMALLINT: (-32768, 32767), INT: (-2**31, 2**31 - 1),
    BIGINT: (-2**63, 2**63 - 1), UTINYINT: (0, 255), USMALLINT: (0, 65535),
    UINT: (0, 2**32 - 1), UBIGINT: (0, 2**64 - 1),
}

VAR_TYPES = frozenset({VARCHAR, NCHAR, JSON, VARBINARY, BLOB, GEOMETRY})
INTEGER_TYPES = frozenset(INT_RANGE)
STRINGISH = frozenset({VARCHAR, NCHAR})
BINARYISH = frozenset({VARBINARY, GEOMETRY, BLOB})

JSON_TAG_BYTES = 16384          # TSDB_MAX_JSON_TAG_LEN
BLOB_REPORTED_LEN = 4194304     # observed in an adapter test (§5.2)
MAX_BINARY_LEN = 65517          # TSDB_MAX_BINARY_LEN
MAX_NCHAR_LEN = 16379           # (TSDB_MAX_FIELD_LEN - 2) / 4 in 3.x, rounded


@dataclass(frozen=True)
class SqlType:
    """A declared column type.  ``width`` is the declared n of VARCHAR(n) etc."""

    code: int
    width: int = 0
    precision: int = 0   # DECIMAL p
    scale: int = 0       # DECIMAL s

    @property
    def is_var(self) -> bool:
        return self.code in VAR_TYPES

    @property
    def rest_name(self) -> str:
        if self.code in (DECIMAL, DECIMAL64):
            return f"DECIMAL({self.precision},{self.scale})"
        return BASE_NAMES[self.code]

    @property
    def rest_length(self) -> int:
        """Third element of column_meta (§5.2: user-facing width)."""
        if self.code in FIXED_SIZE:
            return FIXED_SIZE[self.code]
        if self.code == JSON:
            return (JSON_TAG_BYTES - 2) // 4
        if self.code == BLOB:
            return BLOB_REPORTED_LEN
        return self.width

    @property
    def raw_bytes(self) -> int:
        """Column-info "bytes" in a raw block (§4.3); DECIMAL handled by rawblock."""
        if self.code in FIXED_SIZE:
            return FIXED_SIZE[self.code]
        if self.code == NCHAR:
            return self.width * 4 + 2
        if self.code == JSON:
            return JSON_TAG_BYTES
        if self.code == BLOB:
            return BLOB_REPORTED_LEN + 4
        return self.width + 2

    def sql_text(self) -> str:
        """How SHOW CREATE TABLE spells the type."""
        if self.code in (VARCHAR, NCHAR, VARBINARY, GEOMETRY):
            return f"{BASE_NAMES[self.code]}({self.width})"
        return self.rest_name


def decimal_type(p: int, s: int) -> SqlType:
    # p <= 18 fits an i64 unscaled value: DECIMAL64 (21); otherwise 128-bit DECIMAL (17).
    return SqlType(DECIMAL64 if p <= 18 else DECIMAL, 0, p, s)


# Keyword spelling -> code for types without parameters.
SIMPLE_TYPE_WORDS = {
    "BOOL": BOOL, "TINYINT": TINYINT, "SMALLINT": SMALLINT, "INT": INT, "INTEGER": INT,
    "BIGINT": BIGINT, "FLOAT": FLOAT, "DOUBLE": DOUBLE, "TIMESTAMP": TIMESTAMP, "JSON": JSON,
    "BLOB": BLOB,
}
UNSIGNED_OF = {TINYINT: UTINYINT, SMALLINT: USMALLINT, INT: UINT, BIGINT: UBIGINT}
SIZED_TYPE_WORDS = {"VARCHAR": VARCHAR, "BINARY": VARCHAR, "NCHAR": NCHAR,
                    "VARBINARY": VARBINARY, "GEOMETRY": GEOMETRY}
