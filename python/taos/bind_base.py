"""``taos.bind_base``: the timestamp conversion the bind helpers share."""

from .bind import datetime_to_timestamp  # noqa: F401
