"""stmt v1: ``TaosStmt`` over taoslink's prepared statement (taospy's ``taos.statement``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, List, Optional

from taoslink import _taoslink

from . import _link
from .bind import TaosMultiBind, to_column
from .error import StatementError
from .result import TaosResult

if TYPE_CHECKING:
    from .connection import TaosConnection

__all__ = ["TaosStmt"]


def _columns(binds: Iterable[TaosMultiBind], what: str) -> List["_taoslink.BindColumn"]:
    out = []
    for i, b in enumerate(binds):
        if isinstance(b, _taoslink.BindColumn):
            out.append(b)
        else:
            out.append(to_column(b.buffer_type, b.values, b.precision, "%s %d" % (what, i)))
    return out


class _StmtBase(object):
    """What TaosStmt and TaosStmt2 share: the native statement (None once closed), the connection
    whose converter its results use, ``affected_rows`` and closing (also at garbage collection)."""

    def __init__(self, stmt: "_taoslink.Stmt", decode_binary: bool = True,
                 connection: Optional["TaosConnection"] = None) -> None:
        self._stmt: Optional["_taoslink.Stmt"] = stmt
        self._conn = connection
        self.decode_binary = decode_binary

    def _result(self, native: "_taoslink.Result") -> TaosResult:
        """The statement's result set: the statement frees it, so closing it leaves it alone."""
        conv = self._conn._converter if self._conn is not None else None
        return TaosResult(native, close_after=False, decode_binary=self.decode_binary, converter=conv)

    @property
    def affected_rows(self) -> int:
        return 0 if self._stmt is None else self._stmt.affected_rows

    def close(self) -> None:
        if self._stmt is not None:
            self._stmt.close()
            self._stmt = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


class TaosStmt(_StmtBase):
    """A prepared statement. Values are bound as columns: ``bind_param`` takes one row (from
    ``new_bind_params``), ``bind_param_batch`` whole columns (``new_multi_binds``). Errors are
    StatementError with taosc's code."""

    def _call(self, fn: Any, *args: Any) -> Any:
        if self._stmt is None:
            raise StatementError("Invalid use of stmt")
        return _link.call(StatementError, fn, *args)

    def set_tbname(self, name: str) -> None:
        """The table the next rows go to (``insert into ? ...``)."""
        self._call(self._stmt.set_table_name, name)

    def set_tbname_tags(self, name: str, tags: Iterable[TaosMultiBind]) -> None:
        """The table and its tags (``insert into ? using stb tags (?, ...) ...``)."""
        self.set_tbname(name)
        self.set_tags(tags)

    def set_tags(self, tags: Iterable[TaosMultiBind]) -> None:
        self._call(self._stmt.set_tags, _columns(tags, "tag"))

    def prepare(self, sql: str) -> None:
        self._call(self._stmt.prepare, sql)

    def bind_param(self, params: Iterable[TaosMultiBind], add_batch: bool = True) -> None:
        """Binds one row (one holder per placeholder)."""
        self._call(self._stmt.bind, _columns(params, "param"))
        if add_batch:
            self.add_batch()

    def bind_param_batch(self, binds: Iterable[TaosMultiBind], add_batch: bool = True) -> None:
        """Binds whole columns (one TaosMultiBind per placeholder)."""
        self._call(self._stmt.bind, _columns(binds, "column"))
        if add_batch:
            self.add_batch()

    def add_batch(self) -> None:
        self._call(self._stmt.add_batch)

    def execute(self) -> None:
        self._call(self._stmt.execute)

    def use_result(self) -> TaosResult:
        """The result set of an executed query. Don't use a statement's result more than once."""
        return self._result(self._call(self._stmt.result))
