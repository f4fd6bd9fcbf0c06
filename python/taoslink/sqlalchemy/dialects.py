"""One dialect per URL scheme; all are ``TDengineDialect`` over another taoslink transport.

=========================  ==============  ===========================================
SQLAlchemy URL             transport       as in
=========================  ==============  ===========================================
``taosrest://``            ``http://``     taospy's ``taosrest.sqlalchemy``
``taosws://``              ``ws://``       taos-ws-py's ``taosws.sqlalchemy``
``taos://``                ``taos://``     taospy's ``taos.sqlalchemy`` (loads libtaos)
``taoslink://``,           ``http://``
``taoslink+http://``
``taoslink+https://``      ``https://``
``taoslink+ws://``         ``ws://``
``taoslink+wss://``        ``wss://``
``taoslink+taos://``       ``taos://``
=========================  ==============  ===========================================
"""

from __future__ import annotations

from .dialect import TDengineDialect


class TaosRestDialect(TDengineDialect):
    name = "taosrest"
    driver = "taosrest"
    transport = "http"
    supports_statement_cache = True


class TaosWsDialect(TDengineDialect):
    name = "taosws"
    driver = "taosws"
    transport = "ws"
    supports_statement_cache = True


class TaosDialect(TDengineDialect):
    name = "taos"
    driver = "taos"
    transport = "taos"
    supports_statement_cache = True


class TaoslinkHttpDialect(TDengineDialect):
    name = "taoslink"
    driver = "http"
    transport = "http"
    supports_statement_cache = True


class TaoslinkHttpsDialect(TaoslinkHttpDialect):
    driver = "https"
    transport = "https"
    supports_statement_cache = True


class TaoslinkWsDialect(TaoslinkHttpDialect):
    driver = "ws"
    transport = "ws"
    supports_statement_cache = True


class TaoslinkWssDialect(TaoslinkHttpDialect):
    driver = "wss"
    transport = "wss"
    supports_statement_cache = True


class TaoslinkTaosDialect(TaoslinkHttpDialect):
    driver = "taos"
    transport = "taos"
    supports_statement_cache = True
