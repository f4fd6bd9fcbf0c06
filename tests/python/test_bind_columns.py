"""Column conversion for statement binds (_taoslink.BindColumn), without a server.

numpy arrays take a buffer path (a copy where the widths match, typed loops otherwise, UTF-8
encoding of str_ arrays in C++) and lists take a per-object path with fast cases for exact int,
float and str. Both must give the same bytes, NULL flags and errors; these tests hold the buffer
path to the list path, value for value.
"""

import datetime as dt
import math

import pytest

from taoslink import _taoslink
from taoslink.stmt import bind_column
from taoslink.errors import ProgrammingError

np = pytest.importorskip("numpy")

BOOL, TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, VARCHAR, TIMESTAMP, NCHAR = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
UTINYINT, USMALLINT, UINT, UBIGINT, JSON, VARBINARY, GEOMETRY = 11, 12, 13, 14, 15, 16, 20
INTEGER_TYPES = [TINYINT, SMALLINT, INT, BIGINT, UTINYINT, USMALLINT, UINT, UBIGINT, TIMESTAMP]
RANGES = {TINYINT: (-128, 127), SMALLINT: (-32768, 32767), INT: (-2**31, 2**31 - 1), BIGINT: (-2**63, 2**63 - 1),
          UTINYINT: (0, 255), USMALLINT: (0, 65535), UINT: (0, 2**32 - 1), UBIGINT: (0, 2**64 - 1),
          TIMESTAMP: (-2**63, 2**63 - 1)}
WIDTHS = {TINYINT: 1, UTINYINT: 1, SMALLINT: 2, USMALLINT: 2, INT: 4, UINT: 4}
INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]


def column(code, values, nulls=None):
    return _taoslink.BindColumn(code, values, 0, nulls, "c")


def same(a, b):
    return (a.data, a.lengths, a.nulls, a.rows) == (b.data, b.lengths, b.nulls, b.rows)


def outcome(code, values, nulls=None):
    """The column, or the exception type and its message's row part, for comparing paths."""
    try:
        c = column(code, values, nulls)
        return ("ok", c.data, tuple(c.lengths), tuple(c.nulls))
    except (TypeError, ValueError, OverflowError) as e:
        return (type(e).__name__, str(e).split(":")[0])


@pytest.mark.parametrize("dtype", INT_DTYPES)
@pytest.mark.parametrize("code", INTEGER_TYPES)
def test_integer_arrays_match_lists(dtype, code):
    info = np.iinfo(dtype)
    lo, hi = RANGES[code]
    # values at the edges of the source dtype and of the target type, where they exist in both
    candidates = {0, 1, info.max, info.min, lo, hi, lo - 1, hi + 1, 100, -100}
    values = sorted(v for v in candidates if info.min <= v <= info.max)
    arr = np.array(values, dtype=dtype)
    for sub in (arr, arr[::-1], arr[::2]):  # contiguous, negative and positive strides
        in_range = [v for v in sub.tolist() if lo <= v <= hi]
        got = outcome(code, sub)
        assert got == outcome(code, sub.tolist())
        if len(in_range) == len(sub):
            assert got[0] == "ok"
            assert len(got[1]) == WIDTHS.get(code, 8) * len(sub)
        else:
            assert got[0] == "OverflowError"


def test_integer_array_out_of_range_names_the_row():
    arr = np.array([1, 2, 300, 4], dtype="int16")
    with pytest.raises(OverflowError, match=r"^c \(TINYINT\), row 2: 300 is out of range"):
        column(TINYINT, arr)


def test_same_width_array_is_copied_exactly():
    arr = np.arange(-5, 5, dtype="int64") * (2**40)
    assert column(BIGINT, arr).data == arr.tobytes()
    assert column(TIMESTAMP, arr).data == arr.tobytes()
    d = np.linspace(-1e300, 1e300, 7)
    assert column(DOUBLE, d).data == d.tobytes()
    f = np.array([1.5, -0.25, np.inf, np.nan], dtype="float32")
    assert column(FLOAT, f).data == f.tobytes()


@pytest.mark.parametrize("dtype", ["float32", "float64"] + INT_DTYPES)
@pytest.mark.parametrize("code", [FLOAT, DOUBLE])
def test_real_arrays_match_lists(dtype, code):
    if dtype.startswith("float"):
        arr = np.array([0.0, -1.5, 3.25e10, np.inf, -np.inf], dtype=dtype)
    else:
        info = np.iinfo(dtype)
        arr = np.array([0, 1, info.max, info.min], dtype=dtype)
    for sub in (arr, arr[::-1]):
        assert outcome(code, sub) == outcome(code, sub.tolist())


def test_float_array_beyond_float32_is_refused():
    with pytest.raises(OverflowError, match=r"row 1: .* is out of FLOAT's range"):
        column(FLOAT, np.array([1.0, 1e39]))
    with pytest.raises(TypeError, match="cannot be bound to INT without truncation"):
        column(INT, np.array([1.0, 2.0]))


def test_bool_arrays():
    b = np.array([True, False, True])
    assert same(column(BOOL, b), column(BOOL, [True, False, True]))
    assert same(column(BOOL, np.array([1, 0], dtype="int8")), column(BOOL, [1, 0]))
    with pytest.raises(ValueError, match=r"row 2: BOOL takes 0 or 1, got 2"):
        column(BOOL, np.array([0, 1, 2], dtype="uint8"))
    with pytest.raises(ValueError, match=r"row 0: BOOL takes 0 or 1, got -1"):
        column(BOOL, np.array([-1], dtype="int64"))
    assert same(column(INT, b), column(INT, [1, 0, 1]))


def test_masked_numeric_array_gives_nulls():
    arr = np.ma.masked_array(np.array([1, 2, 3], dtype="int32"), mask=[False, True, False])
    c = bind_column(INT, arr)
    assert c.nulls == [False, True, False]
    # a NULL row's value is not range-checked: the flag wins
    big = np.ma.masked_array(np.array([1, 10**6, 3], dtype="int64"), mask=[False, True, False])
    assert bind_column(SMALLINT, big).nulls == [False, True, False]


TEXTS = ["", "a", "héllo", "日本語", "emoji \U0001F600", "tab\tand\nnewline", "x" * 40]


@pytest.mark.parametrize("code", [VARCHAR, NCHAR, JSON])
def test_str_arrays_match_lists(code):
    arr = np.array(TEXTS)
    for sub in (arr, arr[::-1], arr[1::2]):
        a, b = column(code, sub), column(code, sub.tolist())
        assert same(a, b)
        assert b"".join(t.encode() for t in sub.tolist()) == a.data


def test_str_array_trailing_nuls_are_padding_as_in_numpy():
    arr = np.array(["ab\0", "c"])  # numpy itself drops trailing NULs
    assert arr.tolist() == ["ab", "c"]
    assert same(column(VARCHAR, arr), column(VARCHAR, ["ab", "c"]))


def test_str_arrays_wider_than_ascii_grow_the_column():
    # Room starts at a byte a code point: rows of 4-byte UTF-8 make the column grow, at the
    # start, after ASCII rows and at the end; NULs inside a value stay.
    wide = "\U0001F600\u65e5\u00e9"
    for values in ([wide] * 1000, ["abc"] * 999 + [wide], [wide] + ["x"] * 999, ["a\0b", wide, "\0\0c"] * 300):
        arr = np.array(values)
        a, b = column(NCHAR, arr), column(NCHAR, values)
        assert same(a, b)
        assert a.data == "".join(values).encode()


def test_str_array_with_a_lone_surrogate_is_refused():
    arr = np.array(["ok", "bad \ud800"])
    with pytest.raises(ValueError, match=r"row 1: a lone surrogate"):
        column(NCHAR, arr)
    with pytest.raises(UnicodeEncodeError):
        column(NCHAR, arr.tolist())


@pytest.mark.parametrize("code", [VARCHAR, VARBINARY, GEOMETRY])
def test_bytes_arrays_match_lists(code):
    arr = np.array([b"", b"\x01\x02", b"abc\0def", b"z" * 20])
    assert same(column(code, arr), column(code, arr.tolist()))


def test_string_arrays_of_the_wrong_kind_are_refused():
    with pytest.raises(TypeError, match="a numpy bytes array cannot be bound to NCHAR"):
        column(NCHAR, np.array([b"x"]))
    with pytest.raises(TypeError, match="a numpy str array cannot be bound to VARBINARY"):
        column(VARBINARY, np.array(["x"]))
    with pytest.raises(TypeError, match="a numpy str array cannot be bound to INT"):
        column(INT, np.array(["1"]))
    with pytest.raises(ProgrammingError, match="cannot be bound to INT"):
        bind_column("int", np.array(["1"]))


def test_masked_str_array_gives_nulls():
    arr = np.ma.masked_array(np.array(["a", "bb", "ccc"]), mask=[False, True, False])
    c = bind_column(VARCHAR, arr)
    assert c.nulls == [False, True, False] and c.lengths == [1, 0, 3] and c.data == b"accc"


def test_object_arrays_follow_the_list_rules():
    values = [1, None, np.int64(7), 2**40]
    arr = np.array(values, dtype=object)
    assert same(column(BIGINT, arr), column(BIGINT, values))
    assert column(BIGINT, arr).nulls == [False, True, False, False]
    texts = np.array(["x", None, "ÿ"], dtype=object)
    assert same(column(NCHAR, texts), column(NCHAR, ["x", None, "ÿ"]))
    with pytest.raises(TypeError, match=r"row 1: expected int, got str"):
        column(INT, np.array([1, "2"], dtype=object))
    assert same(column(INT, arr[::2][:1]), column(INT, [1]))  # strided: the sequence path


def test_list_fast_paths_keep_the_rules():
    # exact ints and floats take a fast path; subclasses and big values the general one
    assert column(UBIGINT, [2**64 - 1, 0]).data == (2**64 - 1).to_bytes(8, "little") + bytes(8)
    with pytest.raises(OverflowError, match=r"row 0: 18446744073709551616 is out of range"):
        column(UBIGINT, [2**64])
    with pytest.raises(OverflowError, match=r"row 1: -1 is out of range"):
        column(UINT, [1, -1])
    assert same(column(INT, [True, 5]), column(INT, [1, 5]))
    with pytest.raises(TypeError, match=r"row 0: expected int, got float"):
        column(INT, [1.0])
    assert column(DOUBLE, [1, 2.5]).data == np.array([1.0, 2.5]).tobytes()
    with pytest.raises(OverflowError, match=r"row 0: .* is out of FLOAT's range"):
        column(FLOAT, [1e39])
    assert math.isnan(np.frombuffer(column(DOUBLE, [float("nan")]).data)[0])
    c = column(VARCHAR, ["ab", None, b"cd", "é"])
    assert c.data == b"abcd\xc3\xa9" and c.lengths == [2, 0, 2, 2] and c.nulls == [False, True, False, False]


def test_datetimes_beyond_int64_nanoseconds_are_refused():
    utc = dt.timezone.utc
    last = dt.datetime(2262, 4, 11, 23, 47, 16, 854775, tzinfo=utc)  # the last whole microsecond int64 ns holds
    ns = lambda values: _taoslink.BindColumn(TIMESTAMP, values, 2, None, "ts")
    assert ns([last]).data == (9223372036854775000).to_bytes(8, "little", signed=True)
    first = dt.datetime(1677, 9, 21, 0, 12, 43, 145225, tzinfo=utc)
    assert ns([first]).data == (-9223372036854775000).to_bytes(8, "little", signed=True)
    for beyond in (last + dt.timedelta(microseconds=1), dt.datetime(9999, 1, 1, tzinfo=utc),
                   first - dt.timedelta(microseconds=1)):
        with pytest.raises(ValueError, match=r"ts \(TIMESTAMP\), row 1: .* is out of range for a nanosecond"):
            ns([last, beyond])
    # microseconds reach year 9999 and beyond: the same datetime binds there
    us = _taoslink.BindColumn(TIMESTAMP, [dt.datetime(9999, 1, 1, tzinfo=utc)], 1, None, "ts")
    assert int.from_bytes(us.data, "little", signed=True) == 253370764800 * 10**6


def test_datetime64_arrays_are_ticks_of_the_precision_and_never_wrap():
    ts = np.array(["1969-12-31T23:59:59.999999", "NaT", "2262-04-11T23:47:16.854775"], dtype="datetime64[us]")
    c = bind_column(TIMESTAMP, ts, "ns", "ts")
    assert np.frombuffer(c.data, "<i8")[[0, 2]].tolist() == [-1000, 9223372036854775000] and c.nulls == [False, True, False]
    assert np.frombuffer(bind_column(TIMESTAMP, ts, "ms", "ts").data, "<i8")[[0, 2]].tolist() == [-1, 9223372036854]
    late = np.array(["2024-01-01", "2262-04-11T23:47:16.854776"], dtype="datetime64[us]")
    with pytest.raises(ProgrammingError, match=r"ts \(TIMESTAMP\), row 1: 2262-04-11T23:47:16.854776 is out of range"):
        bind_column(TIMESTAMP, late, "ns", "ts")
    assert np.frombuffer(bind_column(TIMESTAMP, late, "us", "ts").data, "<i8")[1] == 9223372036854776


@pytest.fixture
def ws_conn(server):
    import taoslink

    c = taoslink.connect("ws://%s:%s@%s:%d" % (server.user, server.password, server.host, server.port))
    yield c
    c.close()


def test_statement_round_trip_of_numpy_strings_and_reused_columns(ws_conn, dbname):
    """numpy str_/bytes_/object columns reach the server as the lists would; a BindColumn the
    caller keeps is copied, not emptied, so it can be bound again."""
    conn = ws_conn
    cur = conn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.s (ts timestamp, v varchar(20), n nchar(10), b varbinary(8), i int)" % dbname)
    st = conn.statement("insert into %s.s values (?, ?, ?, ?, ?)" % dbname)
    kept = _taoslink.BindColumn(INT, [7, 8, 9], 0, None, "i")
    v = np.ma.masked_array(np.array(["a", "héllo", "日本"]), mask=[False, True, False])
    st.bind([np.array([1, 2, 3], dtype="int64"), v, np.array(["x", None, "ÿ"], dtype=object),
             np.array([b"\x01", b"", b"ab"]), kept], types=["timestamp", "varchar", "nchar", "varbinary", None])
    st.add_batch()
    assert st.execute() == 3
    assert kept.rows == 3 and len(kept.data) == 12
    st.bind([[4, 5, 6], ["d", "e", "f"], ["g", "h", "i"], [b"", b"", b""], kept],
            types=["timestamp", "varchar", "nchar", "varbinary", None])
    st.add_batch()
    assert st.execute() == 3
    rows = cur.execute("select v, n, b, i from %s.s order by ts" % dbname).fetchall()
    assert [r[0] for r in rows] == ["a", None, "日本", "d", "e", "f"]
    assert [r[1] for r in rows] == ["x", None, "ÿ", "g", "h", "i"]
    assert [r[2] for r in rows[:3]] == [b"\x01", b"", b"ab"]
    assert [r[3] for r in rows] == [7, 8, 9, 7, 8, 9]
