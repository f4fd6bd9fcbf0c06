"""POST /-/sim/repeat: a SELECT served as copies of another SELECT's cached result (benchmarks)."""

import gzip
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from taossim.cache import BlockCache, BlockEntry, ResponseCache  # noqa: E402
from test_sim import call, ok, sql  # noqa: E402

SOURCE = "select * from bench.t"
COPIES = "select * from bench.t_copies"


def body(port, text, **kw):
    st, _, b = sql(port, text, **kw)
    assert st == 200, b
    return b


def test_rest_repeat_is_the_source_rows_times_n(port):
    st, _, b = call(port, "POST", "/-/sim/generate", json.dumps({"db": "bench", "table": "t", "rows": 2500}))
    assert st == 200, b
    st, _, b = call(port, "POST", "/-/sim/repeat", json.dumps({"sql": COPIES, "source": SOURCE, "times": 3}))
    assert st == 200, b
    src = json.loads(body(port, SOURCE))              # fills the source's cache entry
    rep = json.loads(body(port, COPIES))
    assert rep["column_meta"] == src["column_meta"]
    assert rep["rows"] == 7500 and rep["data"] == src["data"] * 3
    st, h, gz = call(port, "POST", "/rest/sql", COPIES, headers={"Accept-Encoding": "gzip"})
    assert h["content-encoding"] == "gzip" and json.loads(gzip.decompress(gz)) == rep
    ok(port, "insert into bench.t values (now, 1, 1, 1, 1, true, 'x', 'y', 1, 1)")
    # A write empties the cache: the copies are not served again until the source is cached.
    st, _, b = sql(port, COPIES)
    assert json.loads(b)["code"] != 0
    assert json.loads(body(port, SOURCE))["rows"] == 2501
    assert json.loads(body(port, COPIES))["rows"] == 3 * 2501


def test_repeat_rejects_bad_arguments(port):
    for bad in ({"sql": COPIES, "source": SOURCE}, {"sql": COPIES, "source": SOURCE, "times": 0},
                {"sql": "insert into x values (1)", "source": SOURCE, "times": 2},
                {"sql": COPIES, "source": SOURCE, "times": "many"}):
        st, _, b = call(port, "POST", "/-/sim/repeat", json.dumps(bad))
        assert st == 400 and b"error" in b, (bad, b)


def test_rest_repeat_of_an_empty_result():
    cache = ResponseCache()
    cache.repeats["c"] = ("s", 4)
    cache.put(("s", "db"), 1, b'{"code":0,"column_meta":[["a","INT",4]],"data":[],"rows":0')
    e = cache.get_or_repeat(("c", "db"), 1)
    text = b"".join(p[p.index(b"\r\n") + 2:-2] for p in e.framed) + b"}"
    assert json.loads(text) == {"code": 0, "column_meta": [["a", "INT", 4]], "data": [], "rows": 0}
    assert e.raw_len == len(text) - 1


def test_ws_repeat_shares_the_blocks_and_needs_the_same_session_key():
    cache = BlockCache()
    cache.repeats["c"] = ("s", 3)
    blocks = [(2, b"block-a"), (1, b"block-b")]
    cache.put(("s", "db", None), 7, "meta", blocks)
    assert cache.get_or_repeat(("c", "other-db", None), 7) is None   # no source under that key
    e = cache.get_or_repeat(("c", "db", None), 7)
    assert isinstance(e, BlockEntry) and e.meta == "meta" and list(e.blocks) == blocks * 3
    assert cache.get_or_repeat(("c", "db", None), 8) is None          # a newer generation
