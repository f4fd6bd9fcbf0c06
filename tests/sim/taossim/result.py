"""A statement's outcome: either affected rows, or named typed columns."""

from dataclasses import dataclass, field
from typing import Optional

from .types import SqlType


@dataclass
class Field:
    name: str
    type: SqlType


@dataclass
class Result:
    fields: list = field(default_factory=list)     # [Field]; empty => affected_rows shape
    columns: list = field(default_factory=list)    # one list per field, equal lengths
    precision: str = "ms"                          # of TIMESTAMP values in columns
    affected_rows: int = 0
    cacheable: bool = False                        # a plain SELECT whose body may be reused

    @property
    def is_update(self) -> bool:
        return not self.fields

    @property
    def nrows(self) -> int:
        return len(self.columns[0]) if self.columns else 0


def affected(n: int) -> Result:
    return Result(affected_rows=n)
