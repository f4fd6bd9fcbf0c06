"""stmt2 bind helpers (``taos.bind2``): the IGNORE marker, the null-type numbers, and
``TaosStmt2Bind``/``TaosStmt2BindV`` as plain Python holders (no ctypes)."""

from __future__ import annotations

from typing import Any, List, Optional

from .bind import TaosMultiBind
from .precision import PrecisionEnum

__all__ = ["IGNORE", "IgnoreUpdateType", "IS_NULL_TYPE_FALSE", "IS_NULL_TYPE_TRUE", "IS_NULL_TYPE_IGNORE",
           "get_is_null_type", "TaosStmt2Bind", "TaosStmt2BindV", "new_stmt2_binds", "new_bindv",
           "TAOS_FIELD_COL", "TAOS_FIELD_TAG", "TAOS_FIELD_QUERY", "TAOS_FIELD_TBNAME"]

IS_NULL_TYPE_FALSE = 0
IS_NULL_TYPE_TRUE = 1
IS_NULL_TYPE_IGNORE = 2

TAOS_FIELD_COL = 1
TAOS_FIELD_TAG = 2
TAOS_FIELD_QUERY = 3
TAOS_FIELD_TBNAME = 4


class IgnoreUpdateType(object):
    """The type of ``IGNORE``: "leave this column as it is" in a partial update."""

    def __repr__(self) -> str:
        return "IGNORE"


IGNORE = IgnoreUpdateType()


def get_is_null_type(value: Any) -> int:
    if value is None:
        return IS_NULL_TYPE_TRUE
    if isinstance(value, IgnoreUpdateType):
        return IS_NULL_TYPE_IGNORE
    return IS_NULL_TYPE_FALSE


class TaosStmt2Bind(TaosMultiBind):
    """One column for stmt2, with taospy's ``set_value(buffer_type, values, precision)``."""

    def set_value(self, buffer_type: int, values: Any, precision: int = PrecisionEnum.Milliseconds) -> None:
        self.precision = precision
        self._set(buffer_type, values)


class TaosStmt2BindV(object):
    """The tables of one stmt2 bind: names, tag columns and data columns per table."""

    def __init__(self, count: int, tbnames: Optional[List[str]], tags: Optional[List[Any]],
                 bind_cols: Optional[List[Any]]) -> None:
        self.count = count
        self.tbnames = tbnames
        self.tags = tags
        self.bind_cols = bind_cols

    def get_address(self) -> "TaosStmt2BindV":
        return self


def new_stmt2_binds(size: int) -> List[TaosStmt2Bind]:
    return [TaosStmt2Bind() for _ in range(size)]


def new_bindv(count: int, tbnames: Optional[List[str]], tags: Optional[List[Any]],
              bind_cols: Optional[List[Any]]) -> TaosStmt2BindV:
    return TaosStmt2BindV(count, tbnames, tags, bind_cols)
