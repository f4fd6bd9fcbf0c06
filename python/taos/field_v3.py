"""``taos.field_v3``: the v3 field classes (one set of classes here)."""

from .field import TaosField, TaosFields  # noqa: F401

TaosFieldE = TaosField
TaosFieldEs = TaosFields
