"""Rows as dicts built in C++ (``Result.fetch_all_dicts``: taos's ``fetch_all_into_dict`` and
taosws's ``fetch_all_into_dict``/``fetchallintodict``) give exactly ``dict(zip(names, row))`` over
``fetchall()``: every type, NULLs, repeated column names, many blocks, rows already buffered by a
``fetchone()``. Also checks the fast paths of the row conversion (NCHAR from UCS-4, FLOAT's
shortest decimal) against Python's own conversions."""

from __future__ import annotations

import random
import struct

import pytest

import taoslink
from alltypes import COLUMNS, create_all_types

NAMES = [c[0] for c in COLUMNS] + ["t_json"]


def _reference(names, rows):
    return [dict(zip(names, row)) for row in rows]


def _assert_same(got, want):
    """Equal, with the same keys in the same order and values of the same types."""
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert type(g) is dict
        assert list(g) == list(w)
        for k in w:
            assert g[k] == w[k] and type(g[k]) is type(w[k]), (k, g[k], w[k])


@pytest.fixture
def all_types_db(conn, dbname):
    with conn.cursor() as cur:
        create_all_types(cur, dbname)
    return dbname


@pytest.fixture
def big_db(sim, dbname):
    """A generated table of several blocks (the bench's 10 typed columns, ~1 % NULLs)."""
    sim.control("generate", {"db": dbname, "table": "t", "rows": 20000, "precision": "ms"})
    return dbname


@pytest.fixture
def ws_url(server):
    return "ws://%s:%s@%s:%d" % (server.user, server.password, server.host, server.port)


def _taosws_dicts(ws_url, sql, method, skip=0):
    import taosws

    with taosws.connect(ws_url) as c:
        cur = c.cursor()
        cur.execute(sql)
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
        cur.execute(sql)
        for _ in range(skip):
            assert cur.fetchone() is not None
        got = getattr(cur, method)()
        assert cur.fetchall() == []  # everything was consumed
        return got, _reference(names, rows[skip:])


def _taos_dicts(taos_args, sql, skip=0):
    import taos

    c = taos.connect(**taos_args)
    try:
        ref = c.query(sql)
        names = [f.name for f in ref.fields]
        rows = ref.fetch_all()
        res = c.query(sql)
        for _ in range(skip):
            next(res)
        got = res.fetch_all_into_dict()
        assert res.fetch_all() == []
        assert res.row_count == len(rows)
        return got, _reference(names, rows[skip:])
    finally:
        c.close()


@pytest.mark.parametrize("method", ["fetch_all_into_dict", "fetchallintodict"])
def test_taosws_all_types(ws_url, all_types_db, method):
    got, want = _taosws_dicts(ws_url, "select * from %s.st order by ts" % all_types_db, method)
    assert list(want[0]) == NAMES and any(v is None for v in want[1].values())
    _assert_same(got, want)


def test_taos_all_types(taos_args, all_types_db):
    got, want = _taos_dicts(taos_args, "select * from %s.st order by ts" % all_types_db)
    assert list(want[0]) == NAMES and any(v is None for v in want[1].values())
    _assert_same(got, want)


def test_repeated_names_keep_the_last_value(ws_url, taos_args, all_types_db):
    sql = "select c_int, c_bi as c_int, c_vc from %s.st order by ts" % all_types_db
    got, want = _taosws_dicts(ws_url, sql, "fetch_all_into_dict")
    assert list(want[0]) == ["c_int", "c_vc"] and want[0]["c_int"] == -9223372036854775808
    _assert_same(got, want)
    got, want = _taos_dicts(taos_args, sql)
    _assert_same(got, want)


@pytest.mark.parametrize("skip", [0, 1, 4100])
def test_many_blocks_and_buffered_rows(ws_url, taos_args, big_db, skip):
    sql = "select * from %s.t" % big_db
    got, want = _taosws_dicts(ws_url, sql, "fetch_all_into_dict", skip)
    assert len(want) == 20000 - skip
    _assert_same(got, want)
    got, want = _taos_dicts(taos_args, sql, skip)
    assert len(want) == 20000 - skip
    _assert_same(got, want)


def test_rows_share_the_key_objects(ws_url, big_db):
    got, _ = _taosws_dicts(ws_url, "select * from %s.t" % big_db, "fetch_all_into_dict")
    first = list(got[0])
    assert all(a is b for a, b in zip(first, got[-1]))


def test_empty_result_and_errors(ws_url, taos_args, all_types_db):
    import taos
    import taosws

    sql = "select * from %s.st where c_int = 12345" % all_types_db
    with taosws.connect(ws_url) as c:
        cur = c.cursor()
        cur.execute(sql)
        assert cur.fetch_all_into_dict() == []
        with pytest.raises(taosws.ProgrammingError):
            c.cursor().fetch_all_into_dict()  # no execute yet
    tc = taos.connect(**taos_args)
    try:
        assert tc.query(sql).fetch_all_into_dict() == []
        res = tc.query(sql)
        res.close()
        with pytest.raises(taos.error.OperationalError):
            res.fetch_all_into_dict()
    finally:
        tc.close()


def test_taoslink_result_dicts(server, big_db):
    """The extension's method itself, over ws:// and taos:// (the fake libtaos)."""
    for scheme in ("ws", "taos"):
        url = "%s://%s:%s@%s:%d/%s" % (scheme, server.user, server.password, server.host, server.port, big_db)
        with taoslink.connect(url) as c:
            cur = c.cursor()
            cur.execute("select * from t")
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
            cur.execute("select * from t")
            _assert_same(cur._result.fetch_all_dicts(c._converter), _reference(names, rows))


def test_nchar_text_of_every_width(ws_url, dbname):
    """NCHAR arrives as UCS-4 over ws:// and is built straight into the narrowest str kind."""
    texts = ["", "a", "ascii only", "\x7f\x00x", "caf\u00e9 \u00ff", "\u0100\u4e16\u754c", "\uffff\ue000\ud7ff",
             "\U0001F600 smile", "\U0010FFFF", "mixed a\u00e9\u4e16\U0001F600"]
    conn = taoslink.connect(ws_url)
    cur = conn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.n (ts timestamp, s nchar(20))" % dbname)
    for i, t in enumerate(texts):
        cur.execute("insert into %s.n values (?, ?)" % dbname, [1700000000000 + i, t])
    cur.execute("select s from %s.n order by ts" % dbname)
    got = [r[0] for r in cur.fetchall()]
    assert got == texts
    assert all(type(g) is str for g in got)
    # the kind is canonical: equal strings hash alike and compare equal to literals
    assert {hash(g) for g in got} == {hash(t) for t in texts}
    conn.close()


def test_float_shortest_decimal(ws_url, dbname):
    """FLOAT (float32 in ws:// blocks) reads as the double of its shortest float32 decimal, the
    text numpy prints for a float32."""
    np = pytest.importorskip("numpy")
    rnd = random.Random(6)
    values = [0.1, 10.123, -1.5, 3.4028234663852886e38, 1e-45, 1.17549435e-38, 123456.78, 1e10, 1e-10, 1.5e22,
              2.5e-23, 16777217.0, 0.30000001192092896]
    values += [struct.unpack("<f", struct.pack("<I", rnd.getrandbits(32)))[0] for _ in range(600)]
    values = [v for v in values if v == v and abs(v) != float("inf")]
    conn = taoslink.connect(ws_url)
    cur = conn.cursor()
    cur.execute("create database %s" % dbname)
    cur.execute("create table %s.f (ts timestamp, v float)" % dbname)
    step = 200
    for start in range(0, len(values), step):
        chunk = values[start:start + step]
        cur.execute("insert into %s.f values %s" % (dbname, " ".join(
            "(%d, %r)" % (1700000000000 + start + i, v) for i, v in enumerate(chunk))))
    cur.execute("select v from %s.f order by ts" % dbname)
    got = [r[0] for r in cur.fetchall()]
    conn.close()
    want = [float(str(np.float32(v))) for v in values]
    assert len(got) == len(want)
    for g, w, v in zip(got, want, values):
        assert np.float32(g) == np.float32(v), (v, g)  # round-trips
        # Where std::to_chars prints fixed notation for a large integral value it prints the
        # exact integer (as numbers were shown before this fast path), not numpy's zeros.
        exact = float(np.float32(v))
        assert g == w or (g == exact and exact == int(exact) and abs(exact) >= 2 ** 24), (v, g, w)
