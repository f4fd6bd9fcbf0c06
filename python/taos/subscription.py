"""Legacy subscriptions (TDengine 2.x only): not supported; use ``taos.tmq.Consumer``."""

from typing import Any

from .error import NotSupportedError


class TaosSubscription(object):
    def __init__(self, sub: Any = None, with_callback: bool = False) -> None:
        raise NotSupportedError("legacy subscriptions (TDengine 2.x) are not supported; use taos.tmq.Consumer")
