"""Client-side parameter rendering (no server needed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from taoslink.params import format_pyformat, format_qmark, literal, split_qmark


class Bad(Exception):
    pass


@pytest.mark.parametrize("value,sql", [
    (None, "NULL"),
    (True, "true"),
    (False, "false"),
    (0, "0"),
    (-9223372036854775808, "-9223372036854775808"),
    (18446744073709551615, "18446744073709551615"),
    (1.5, "1.5"),
    (1e-300, "1e-300"),
    (Decimal("-12.340"), "-12.340"),
    (Decimal("1E+3"), "1000"),
    ("plain", "'plain'"),
    ("it's", "'it\\'s'"),
    ("back\\slash", "'back\\\\slash'"),
    ("'); drop table x; --", "'\\'); drop table x; --'"),
    (b"\x00\xffA", "'\\x00ff41'"),
    (bytearray(b"\x01"), "'\\x01'"),
    (memoryview(b"\x02"), "'\\x02'"),
    (dt.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=dt.timezone.utc), "'2024-01-02T03:04:05.000006+00:00'"),
    (dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=-5, minutes=-30))),
     "'2024-01-02T03:04:05.000000-05:30'"),
    (dt.date(2024, 1, 2), "'2024-01-02'"),
])
def test_literal(value, sql):
    assert literal(value, Bad) == sql


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN"), object(), dt.time(1, 2), [1], {"a": 1}])
def test_literal_rejects(value):
    with pytest.raises(Bad):
        literal(value, Bad)


def test_naive_datetime_is_local_time():
    naive = dt.datetime(2024, 1, 2, 3, 4, 5)
    assert literal(naive, Bad) == literal(naive.astimezone(), Bad)


def test_split_qmark_skips_quotes_and_comments():
    assert split_qmark("select ?") == ("select ", "")
    assert split_qmark("select '?', \"?\", `?` from t where a = ?") == ("select '?', \"?\", `?` from t where a = ", "")
    assert split_qmark("select 'it\\'s ?' , ?") == ("select 'it\\'s ?' , ", "")
    assert split_qmark("select ? -- what?\n, ?") == ("select ", " -- what?\n, ", "")
    assert split_qmark("select /* ? */ ?") == ("select /* ? */ ", "")
    assert split_qmark("select 1") == ("select 1",)


def test_format_qmark():
    assert format_qmark("insert into t values (?, ?)", (1, "a"), Bad) == "insert into t values (1, 'a')"
    assert format_qmark("select 1", None, Bad) == "select 1"
    assert format_qmark("select 1", (), Bad) == "select 1"
    assert format_qmark("select ?", [None], Bad) == "select NULL"
    with pytest.raises(Bad):
        format_qmark("select ?", (), Bad)
    with pytest.raises(Bad):
        format_qmark("select ?", "a", Bad)
    with pytest.raises(Bad):
        format_qmark("select ?", {"a": 1}, Bad)
    assert format_qmark("select ?", iter([1]), Bad) == "select 1"


def test_format_pyformat():
    assert format_pyformat("select %s, %s", (1, "a'b"), Bad) == "select 1, 'a\\'b'"
    assert format_pyformat("select %(x)s, %(y)s", {"x": None, "y": b"\x01"}, Bad) == "select NULL, '\\x01'"
    assert format_pyformat("select '100%%', %s", [2], Bad) == "select '100%', 2"
    assert format_pyformat("select '100%'", None, Bad) == "select '100%'"
    with pytest.raises(Bad):
        format_pyformat("select %s, %s", (1,), Bad)
    with pytest.raises(Bad):
        format_pyformat("select %(x)s", {"y": 1}, Bad)
