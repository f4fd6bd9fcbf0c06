"""``taos.sqlalchemy``: the SQLAlchemy dialect for ``taos://`` URLs, as in taospy's native package
(entry point ``sqlalchemy.dialects`` ``taos``). The implementation is taoslink's, shared by every
transport: see ``taoslink.sqlalchemy`` and docs/sqlalchemy-pandas.md."""

from taoslink.sqlalchemy import TaosDialect

__all__ = ["TaosDialect"]
