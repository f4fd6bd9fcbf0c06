"""Schemaless protocol and precision numbers (``taos.schemaless``): plain int attributes."""


class SmlPrecision(object):
    NOT_CONFIGURED = 0
    HOURS = 1
    MINUTES = 2
    SECONDS = 3
    MILLI_SECONDS = 4
    MICRO_SECONDS = 5
    NANO_SECONDS = 6


class SmlProtocol(object):
    UNKNOWN_PROTOCOL = 0
    LINE_PROTOCOL = 1
    TELNET_PROTOCOL = 2
    JSON_PROTOCOL = 3
