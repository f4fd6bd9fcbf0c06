"""Schemaless protocol and precision numbers (``taos.schemaless``): plain int attributes, the same
classes as taoslink's."""

from taoslink.connection import SmlPrecision, SmlProtocol

__all__ = ["SmlPrecision", "SmlProtocol"]
