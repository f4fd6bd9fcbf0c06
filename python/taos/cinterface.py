"""``taos.cinterface``: the names code imports from taospy's ctypes layer that still mean
something here (``IS_V3``, ``FieldType``, the error classes, ``CTaosInterface``). taoslink has no
ctypes bindings: the ``taos_*`` C functions do not exist, and libtaos is loaded by the
taos-native transport plugin at connect time, not at import."""

from __future__ import annotations

from typing import Any, Optional

from .constants import FieldType, TaosOption, TSDB_CONNECTIONS_MODE, TSDB_OPTION_CONNECTION  # noqa: F401
from .error import *  # noqa: F401,F403
from .error import NotSupportedError
from .precision import PrecisionEnum, PrecisionError  # noqa: F401
from .schemaless import SmlPrecision, SmlProtocol  # noqa: F401

#: TDengine 3.x: the only version taoslink supports.
IS_V3 = True


class CTaosInterface(object):
    """taospy's connection factory: ``CTaosInterface(config=None, tz=None).connect(...)`` returns
    a TaosConnection here (taospy returned a C handle)."""

    def __init__(self, config: Optional[str] = None, tz: Optional[str] = None) -> None:
        self._config = config
        self._tz = tz

    def connect(self, host: Optional[str] = None, user: str = "root", password: str = "taosdata",
                db: Optional[str] = None, port: int = 0) -> Any:
        from .connection import TaosConnection

        kw = dict(host=host, user=user, password=password, database=db, port=port)
        if self._config is not None:
            kw["config"] = self._config
        if self._tz is not None:
            kw["timezone"] = self._tz
        return TaosConnection(**kw)

    def connect_totp(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError("TOTP logins are not supported by taoslink")

    def connect_token(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError("bearer-token logins are not supported by taoslink")
