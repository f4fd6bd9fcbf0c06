"""Conformance: the official `taos-ws-py` stmt2 API (``conn.stmt2_statement()``) against the
simulator's stmt2 actions (stmt2_init / stmt2_prepare / binary 9 / stmt2_exec /
stmt2_result / stmt2_close).  Runs in the taospy venv, like test_taosws.py."""

import pytest

taosws = pytest.importorskip("taosws")
if not hasattr(taosws.Connection, "stmt2_statement"):
    pytest.skip("this taos-ws-py has no stmt2", allow_module_level=True)


@pytest.fixture(scope="module")
def conn(port):
    c = taosws.connect(f"ws://root:taosdata@127.0.0.1:{port}")
    c.execute("create database if not exists s2c")
    c.execute("use s2c")
    yield c
    c.close()


def test_stmt2_insert_two_tables(conn):
    conn.execute("create stable if not exists st (ts timestamp, v int, s varchar(8), n nchar(4)) "
                 "tags (g int, name varchar(8))")
    st = conn.stmt2_statement()
    st.prepare("insert into ? using st tags(?, ?) values(?, ?, ?, ?)")
    p1 = taosws.stmt2_bind_param_view(
        "t1", [taosws.int_to_tag(1), taosws.varchar_to_tag("a")],
        [taosws.millis_timestamps_to_column([1700000000000, 1700000000001]),
         taosws.ints_to_column([5, None]), taosws.varchar_to_column(["x", None]),
         taosws.nchar_to_column(["hé", "日本"])])
    p2 = taosws.stmt2_bind_param_view(
        "t2", [taosws.int_to_tag(2), taosws.varchar_to_tag("b")],
        [taosws.millis_timestamps_to_column([1700000000002]), taosws.ints_to_column([6]),
         taosws.varchar_to_column(["y"]), taosws.nchar_to_column(["z"])])
    st.bind([p1, p2])
    assert st.execute() == 3
    st.close()
    rows = list(conn.query("select v, s, n, g from st order by ts"))
    assert rows == [(5, "x", "hé", 1), (None, None, "日本", 1), (6, "y", "z", 2)]


def test_stmt2_query(conn):
    conn.execute("create table if not exists q (ts timestamp, v int)")
    conn.execute("insert into q values (1700000000000, 1) (1700000000001, 2)")
    st = conn.stmt2_statement()
    st.prepare("select v from q where v > ?")
    st.bind([taosws.stmt2_bind_param_view(None, None, [taosws.ints_to_column([1])])])
    st.execute()
    assert [r[0] for r in st.result_set()] == [2]
    st.close()
