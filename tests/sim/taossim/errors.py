"""TDengine / taosAdapter error codes and messages (protocol.md §6).

Codes travel masked to 16 bits; messages are the 3.x texts.  Every failure
inside the simulator is a ``TaosError`` so the HTTP layer can render it the
way the adapter does, whatever module raised it.
"""

# -- native TDengine codes (already masked to 16 bits) ----------------------
TSC_INVALID_OPERATION = 0x0200
TSC_SQL_SYNTAX_ERROR = 0x0216
TSC_VALUE_OUT_OF_RANGE = 0x0224
TSC_STMT_API_ERROR = 0x022A
TSC_STMT_TBNAME_ERROR = 0x022B
MND_USER_NOT_EXIST = 0x0351
MND_AUTH_FAILURE = 0x0357
MND_STB_ALREADY_EXIST = 0x0360
MND_STB_NOT_EXIST = 0x0362
MND_DB_NOT_SELECTED = 0x0380
MND_DB_ALREADY_EXIST = 0x0381
MND_DB_NOT_EXIST = 0x0388
TDB_TABLE_ALREADY_EXIST = 0x0603
TDB_TIMESTAMP_OUT_OF_RANGE = 0x060B
PAR_SYNTAX_ERROR = 0x2600
PAR_INCOMPLETE_SQL = 0x2601
PAR_INVALID_COLUMN = 0x2602
PAR_TABLE_NOT_EXIST = 0x2603
PAR_AMBIGUOUS_COLUMN = 0x2604
PAR_WRONG_VALUE_TYPE = 0x2605
PAR_INVALID_TAGS_NUM = 0x2611  # "Invalid number of tag columns"
PAR_DB_NOT_SPECIFIED = 0x2616
PAR_INVALID_IDENTIFIER_NAME = 0x2617
PAR_INVALID_COLUMNS_NUM = 0x2634
PAR_INVALID_FIRST_COLUMN = 0x2637
PAR_INVALID_VAR_COLUMN_LEN = 0x2638
PAR_INVALID_TAG_NAME = 0x263A
PAR_DUPLICATED_COLUMN = 0x263C  # "Duplicated column names"
PAR_ONLY_ONE_JSON_TAG = 0x2648
PAR_INVALID_COL_JSON = 0x264C
PAR_VALUE_TOO_LONG = 0x2653
PAR_GET_META_ERROR = 0x2662
SML_INVALID_DATA = 0x3002
SML_NOT_SAME_TYPE = 0x3004

# -- adapter-only codes (httperror) ------------------------------------------
RPC_AUTH_FAILURE_LEGACY = 0x0003
HTTP_NO_AUTH_INFO = 0x1105
HTTP_NO_MSG_INPUT = 0x1106
HTTP_NO_SQL_INPUT = 0x1107
HTTP_GEN_TAOSD_TOKEN_ERR = 0x110A
HTTP_INVALID_CONTENT_LENGTH = 0x1121
HTTP_INVALID_AUTH_TYPE = 0x1122
HTTP_INVALID_BASIC_AUTH = 0x1124
HTTP_INVALID_TAOSD_AUTH = 0x1125
GENERIC = 0xFFFF

MESSAGES = {
    TSC_INVALID_OPERATION: "Invalid operation",
    TSC_SQL_SYNTAX_ERROR: "Syntax error in SQL",
    TSC_VALUE_OUT_OF_RANGE: "Value out of range",
    TSC_STMT_API_ERROR: "Stmt API usage error",
    TSC_STMT_TBNAME_ERROR: "Stmt table name not set",
    MND_USER_NOT_EXIST: "Invalid user",
    MND_AUTH_FAILURE: "Authentication failure",
    MND_STB_ALREADY_EXIST: "STable already exists",
    MND_STB_NOT_EXIST: "STable not exist",
    MND_DB_NOT_SELECTED: "Database not specified or available",
    MND_DB_ALREADY_EXIST: "Database already exists",
    MND_DB_NOT_EXIST: "Database not exist",
    TDB_TABLE_ALREADY_EXIST: "Table already exists",
    TDB_TIMESTAMP_OUT_OF_RANGE: "Timestamp data out of range",
    PAR_INCOMPLETE_SQL: "Incomplete SQL statement",
    PAR_TABLE_NOT_EXIST: "Table does not exist",
    PAR_DB_NOT_SPECIFIED: "Database not specified",
    PAR_INVALID_COLUMNS_NUM: "Illegal number of columns",
    PAR_INVALID_TAGS_NUM: "Invalid number of tag columns",
    PAR_INVALID_FIRST_COLUMN: "First column must be timestamp",
    PAR_INVALID_VAR_COLUMN_LEN: "Invalid column length for var length type",
    PAR_DUPLICATED_COLUMN: "Duplicated column names",
    PAR_ONLY_ONE_JSON_TAG: "Only one tag if there is a json tag",
    PAR_INVALID_COL_JSON: "Only tag can be json type",
    PAR_GET_META_ERROR: "Fail to get table info",
    SML_INVALID_DATA: "Invalid data format",
    SML_NOT_SAME_TYPE: "Not the same type like before",
    RPC_AUTH_FAILURE_LEGACY: "Authentication failure",
    HTTP_NO_AUTH_INFO: "no auth info input",
    HTTP_NO_MSG_INPUT: "request is empty",
    HTTP_NO_SQL_INPUT: "no sql input",
    HTTP_GEN_TAOSD_TOKEN_ERR: "generate taosd token error",
    HTTP_INVALID_CONTENT_LENGTH: "invalid content length",
    HTTP_INVALID_AUTH_TYPE: "invalid type of Authorization",
    HTTP_INVALID_BASIC_AUTH: "invalid basic Authorization",
    HTTP_INVALID_TAOSD_AUTH: "invalid taosd Authorization",
}


def mask(code: int) -> int:
    """Wire form of a code: the adapter sends ``native & 0xFFFF``."""
    return code & 0xFFFF


class TaosError(Exception):
    """An error with a TDengine code; ``desc`` is the text sent to clients."""

    def __init__(self, code: int, desc: str | None = None):
        code = mask(code)
        if desc is None:
            desc = MESSAGES.get(code, "Unknown error")
        super().__init__(desc)
        self.code = code
        self.desc = desc

    def __repr__(self):
        return f"TaosError(0x{self.code:04x}, {self.desc!r})"


# -- constructors for the messages whose text carries context ---------------

def syntax_error(near: str) -> TaosError:
    """Parser (sql.y) error: the message quotes the SQL from the bad token on."""
    if near == "":
        return TaosError(PAR_INCOMPLETE_SQL)
    return TaosError(PAR_SYNTAX_ERROR, f'syntax error near "{near[:480]}"')


def value_syntax_error(rest_of_sql: str, info: str) -> TaosError:
    """Insert-value error (buildSyntaxErrMsg): 0x0216 and at most 63 SQL chars."""
    return TaosError(TSC_SQL_SYNTAX_ERROR, f"syntax error near '{rest_of_sql[:63]}' ({info})")


def value_too_long(col: str) -> TaosError:
    return TaosError(PAR_VALUE_TOO_LONG, f"Value too long for column/tag: {col}")


def invalid_column(col: str) -> TaosError:
    return TaosError(PAR_INVALID_COLUMN, f"Invalid column name: {col}")


def invalid_tag_name(tag: str) -> TaosError:
    return TaosError(PAR_INVALID_TAG_NAME, f"Invalid tag name: {tag}")


# 3.3.x servers keep the inner code (0x2603 / 0x0388) for a missing table or db in
# a SELECT; 3.0-3.2 servers answered 0x2662 PAR_GET_META_ERROR with the same text.
# ``--meta-error-code 2662`` on the command line selects the older behaviour.
META_ERROR_CODE = None


def table_meta_error(inner: int) -> TaosError:
    """Select/describe on a missing table or database."""
    code = META_ERROR_CODE if META_ERROR_CODE is not None else inner
    return TaosError(code, "Fail to get table info, error: " + MESSAGES[mask(inner)])
