"""Statement and expression nodes produced by sqlparse and run by engine."""

from dataclasses import dataclass, field
from typing import Any, Optional

from .types import SqlType


# -- expressions -------------------------------------------------------------

@dataclass
class Lit:
    kind: str          # int, float, str, null, bool, now, hex
    value: Any         # python value; for "now" the offset in ns
    pos: int = 0       # offset of the literal in the SQL (error messages)
    quote: str = ""    # for str: the quote character


@dataclass
class Col:
    name: str
    table: Optional[str] = None


@dataclass
class Star:
    pass


@dataclass
class Func:
    name: str
    args: list
    star: bool = False


@dataclass
class BinOp:
    op: str
    left: Any
    right: Any


@dataclass
class Unary:
    op: str
    operand: Any


@dataclass
class IsNull:
    operand: Any
    negate: bool


@dataclass
class InList:
    operand: Any
    items: list
    negate: bool


@dataclass
class Between:
    operand: Any
    low: Any
    high: Any
    negate: bool


@dataclass
class Like:
    operand: Any
    pattern: Any
    negate: bool


@dataclass
class JsonGet:
    operand: Any
    key: str


# -- statements --------------------------------------------------------------

@dataclass
class TableName:
    db: Optional[str]
    name: str
    pos: int = 0


@dataclass
class ColumnDef:
    name: str
    type: SqlType


@dataclass
class CreateDatabase:
    name: str
    if_not_exists: bool
    precision: str = "ms"


@dataclass
class DropDatabase:
    name: str
    if_exists: bool


@dataclass
class UseDatabase:
    name: str


@dataclass
class CreateTable:
    table: TableName
    if_not_exists: bool
    columns: list
    tags: list            # non-empty => super table
    is_stable_kw: bool


@dataclass
class CreateChild:
    table: TableName
    if_not_exists: bool
    stable: TableName
    tag_names: Optional[list]
    tag_values: list


@dataclass
class CreateChildren:
    items: list


@dataclass
class DropTables:
    tables: list
    if_exists: bool
    stable: bool


@dataclass
class Describe:
    table: TableName


@dataclass
class Show:
    what: str                 # databases, stables, [normal_|child_]tables, views, create_table, create_database
    db: Optional[str] = None
    like: Optional[str] = None
    table: Optional[TableName] = None


@dataclass
class InsertTarget:
    table: TableName
    stable: Optional[TableName] = None
    tag_names: Optional[list] = None
    tag_values: Optional[list] = None
    columns: Optional[list] = None
    rows: list = field(default_factory=list)


@dataclass
class Insert:
    targets: list


@dataclass
class SelectItem:
    expr: Any
    alias: Optional[str]
    text: str


@dataclass
class Select:
    items: list
    table: Optional[TableName]
    where: Any = None
    order: list = field(default_factory=list)
    limit: Optional[int] = None
    offset: int = 0
    partition_by_tbname: bool = False


@dataclass
class Noop:
    """Statements accepted and ignored (ALTER ..., FLUSH ..., RESET QUERY CACHE)."""
    text: str


@dataclass
class CreateTopic:
    name: str
    if_not_exists: bool
    kind: str                            # "column" (AS SELECT), "stable", "db"
    sql: str                             # the whole statement text (ins_topics.sql)
    select: Optional[Select] = None
    table: Optional[TableName] = None    # AS STABLE st
    db: Optional[str] = None             # AS DATABASE db
    where: Any = None                    # AS STABLE st WHERE ...
    with_meta: bool = False


@dataclass
class DropTopic:
    name: str
    if_exists: bool
    force: bool = False
