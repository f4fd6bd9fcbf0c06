"""``taosws.sqlalchemy``: the SQLAlchemy dialect for ``taosws://`` URLs, as in taos-ws-py's package
(entry point ``sqlalchemy.dialects`` ``taosws``). The implementation is taoslink's, shared by every
transport: see ``taoslink.sqlalchemy`` and docs/sqlalchemy-pandas.md."""

from taoslink.sqlalchemy import TaosWsDialect

__all__ = ["TaosWsDialect"]
