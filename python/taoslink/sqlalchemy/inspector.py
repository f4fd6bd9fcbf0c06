"""``sqlalchemy.inspect(engine)`` for TDengine: the standard Inspector plus the table kinds
TDengine has and SQL has not (super, normal and child tables)."""

from __future__ import annotations

from typing import List, Optional

from sqlalchemy.engine import reflection


class TDengineInspector(reflection.Inspector):
    def get_stable_names(self, schema: Optional[str] = None) -> List[str]:
        """The super tables of ``schema`` (default: the URL's database)."""
        with self._operation_context() as conn:
            return self.dialect.get_stable_names(conn, schema, info_cache=self.info_cache)

    def get_normal_table_names(self, schema: Optional[str] = None) -> List[str]:
        """The normal tables (neither super nor child tables) of ``schema``."""
        with self._operation_context() as conn:
            return self.dialect.get_normal_table_names(conn, schema, info_cache=self.info_cache)

    def get_child_table_names(self, schema: Optional[str] = None) -> List[str]:
        """The child tables of every super table of ``schema`` (``get_table_names`` leaves
        them out, as taospy's dialects do)."""
        with self._operation_context() as conn:
            return self.dialect.get_child_table_names(conn, schema, info_cache=self.info_cache)
