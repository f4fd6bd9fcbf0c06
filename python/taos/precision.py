"""Timestamp precisions (``taos.precision``)."""


class PrecisionEnum(object):
    """The precision of bound timestamps."""

    Milliseconds = 0
    Microseconds = 1
    Nanoseconds = 2


class PrecisionError(Exception):
    """A datetime cannot express nanoseconds."""
