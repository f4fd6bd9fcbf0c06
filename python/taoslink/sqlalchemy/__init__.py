"""SQLAlchemy 2.x dialects for TDengine over taoslink (see docs/sqlalchemy-pandas.md).

    from sqlalchemy import create_engine, inspect, text
    engine = create_engine("taosws://root:taosdata@localhost:6041/power")
    with engine.connect() as conn:
        rows = conn.execute(text("select ts, current from meters where voltage > :v"), {"v": 220}).all()
    inspect(engine).get_stable_names()

The dialects are registered as entry points (``taos``, ``taosrest``, ``taosws``,
``taoslink+<scheme>``); ``register()`` does the same in-process, e.g. for a source checkout.
"""

from __future__ import annotations

from .compiler import is_tag
from .dialect import TDengineDialect
from .dialects import (
    TaosDialect,
    TaoslinkHttpDialect,
    TaoslinkHttpsDialect,
    TaoslinkTaosDialect,
    TaoslinkWsDialect,
    TaoslinkWssDialect,
    TaosRestDialect,
    TaosWsDialect,
)
from .inspector import TDengineInspector
from .types import (
    BIGINT,
    BINARY,
    BLOB,
    BOOL,
    DECIMAL,
    DOUBLE,
    FLOAT,
    GEOMETRY,
    INT,
    JSON,
    NCHAR,
    SMALLINT,
    TIMESTAMP,
    TINYINT,
    VARBINARY,
    VARCHAR,
)

#: SQLAlchemy dialect name -> "module:class", as in pyproject.toml's entry points.
DIALECTS = {
    "taos": "taos.sqlalchemy:TaosDialect",
    "taosrest": "taosrest.sqlalchemy:TaosRestDialect",
    "taosws": "taosws.sqlalchemy:TaosWsDialect",
    "taoslink": "taoslink.sqlalchemy:TaoslinkHttpDialect",
    "taoslink.http": "taoslink.sqlalchemy:TaoslinkHttpDialect",
    "taoslink.https": "taoslink.sqlalchemy:TaoslinkHttpsDialect",
    "taoslink.ws": "taoslink.sqlalchemy:TaoslinkWsDialect",
    "taoslink.wss": "taoslink.sqlalchemy:TaoslinkWssDialect",
    "taoslink.taos": "taoslink.sqlalchemy:TaoslinkTaosDialect",
}


def register() -> None:
    """Registers every dialect with SQLAlchemy in this process (no entry points needed)."""
    from sqlalchemy.dialects import registry

    for name, target in DIALECTS.items():
        module, cls = target.split(":")
        registry.register(name, module, cls)


__all__ = [
    "TDengineDialect", "TDengineInspector", "TaosDialect", "TaosRestDialect", "TaosWsDialect",
    "TaoslinkHttpDialect", "TaoslinkHttpsDialect", "TaoslinkWsDialect", "TaoslinkWssDialect",
    "TaoslinkTaosDialect", "register", "is_tag", "DIALECTS",
    "TIMESTAMP", "BOOL", "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "VARCHAR",
    "BINARY", "NCHAR", "JSON", "VARBINARY", "GEOMETRY", "BLOB", "DECIMAL",
]
