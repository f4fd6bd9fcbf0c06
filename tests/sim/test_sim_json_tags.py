"""JSON tag filters compare the JSON value, as TDengine does (`info->'k' = 'text'` matches a string)."""
import pytest

from taossim.engine import Engine, Session
from taossim.store import Store


@pytest.fixture()
def run():
    engine, session = Engine(Store()), Session()
    engine.execute("create database d", session)
    session.db = "d"
    engine.execute("create stable st (ts timestamp, v int) tags (info json)", session)
    engine.execute("""insert into t1 using st tags('{"model":"T-200","floor":2}') values(now, 1)""", session)
    engine.execute("""insert into t2 using st tags('{"model":"X","floor":3}') values(now, 2)""", session)
    engine.execute("""insert into t3 using st tags('{"other":true}') values(now, 3)""", session)
    return lambda where: sorted(engine.execute("select v from st where " + where, session).columns[0])


@pytest.mark.parametrize("where, expected", [
    ("info->'model' = 'T-200'", [1]),
    ("info->'model' <> 'X'", [1]),
    ("info->'floor' = 2", [1]),
    ("info->'floor' > 2", [2]),
    ("info->'model' = 2", []),           # a string never equals a number
    ("info->'missing' = 'T-200'", []),   # an absent key is NULL
])
def test_json_tag_comparison(run, where, expected):
    assert run(where) == expected
