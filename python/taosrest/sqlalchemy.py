"""``taosrest.sqlalchemy``: the SQLAlchemy dialect for ``taosrest://`` URLs, as in taospy's REST package
(entry point ``sqlalchemy.dialects`` ``taosrest``). The implementation is taoslink's, shared by every
transport: see ``taoslink.sqlalchemy`` and docs/sqlalchemy-pandas.md."""

from taoslink.sqlalchemy import TaosRestDialect

__all__ = ["TaosRestDialect"]
