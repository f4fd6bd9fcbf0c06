"""taosrest's API surface, as taospy defines it, and the deliberate fixes (docs/compat.md)."""

from __future__ import annotations

import pytest

import taosrest


def test_exports():
    for name in ("connect", "TaosRestConnection", "TaosRestCursor", "RestClient", "Result", "Error",
                 "ExecutionError", "HTTPError", "ConnectError", "InterfaceError", "DatabaseError",
                 "InternalError", "OperationalError", "ProgrammingError", "IntegrityError", "DataError",
                 "NotSupportedError"):
        assert hasattr(taosrest, name), name
    assert not issubclass(taosrest.HTTPError, taosrest.Error)
    assert issubclass(taosrest.ConnectError, taosrest.Error)
    assert issubclass(taosrest.ProgrammingError, taosrest.DatabaseError)
    assert not hasattr(taosrest, "Warning")
    e = taosrest.Error("m", status="error")
    assert str(e) == "[error]: m"
    assert str(taosrest.HTTPError(404, "api not found")) == "HTTP response code 404.api not found"
    assert str(taosrest.HTTPError(418)) == "HTTP response code 418"
    assert taosrest.TaosRestConnection.default_configs == {
        "url", "token", "user", "password", "database", "timeout", "convert_timestamp", "timezone"}


def test_connection_methods(rest_conn, dbname):
    assert rest_conn.server_info
    assert rest_conn.execute("create database %s" % dbname) == 0
    assert rest_conn.execute("create table %s.t (ts timestamp, v int, s binary(10))" % dbname) == 0
    assert rest_conn.execute("insert into %s.t values (1700000000000, 1, 'a') (1700000000001, 2, 'b')" % dbname) == 2
    assert rest_conn.execute("select * from %s.t" % dbname) is None
    res = rest_conn.query("select v, s from %s.t order by ts" % dbname, req_id=12345)
    assert res.code == 0 and res.rows == 2 and res.field_count == 2
    assert res.column_meta == [["v", "INT", 4], ["s", "VARCHAR", 10]]
    assert res.fields == [{"name": "v", "type": "INT", "bytes": 4}, {"name": "s", "type": "VARCHAR", "bytes": 10}]
    assert list(res) == [[1, "a"], [2, "b"]]
    assert rest_conn.commit() is None
    with pytest.raises(taosrest.NotSupportedError):
        rest_conn.rollback()
    rest_conn.close()
    assert rest_conn.query("select count(*) from %s.t" % dbname).data == [[2]]  # usable after close, as in taospy


def test_cursor(rest_conn, dbname, tmp_path):
    cur = rest_conn.cursor()
    assert cur.description is None and cur.rowcount == -1 and cur.arraysize == 1
    with pytest.raises(taosrest.OperationalError):
        cur.fetchone()
    logfile = tmp_path / "sql.log"
    cur.log(str(logfile))
    assert cur.execute("create database %s" % dbname) == 0
    cur.execute("create table %s.t (ts timestamp, v int, s nchar(10))" % dbname)
    assert cur.execute("insert into %s.t values (1700000000000, 1, 'x')" % dbname) == 1
    assert cur.affected_rows == 1 and cur.rowcount == 1
    assert cur.description == [["affected_rows", "INT", 4]]
    # parameters are honoured (pyformat), not ignored
    n = cur.executemany("insert into %s.t values (%%s, %%s, %%s)" % dbname,
                        [(1700000000001 + i, i, "it's %d" % i) for i in range(5)])
    assert n == 5 and cur.rowcount == 5 and cur.affected_rows == 5
    cur.execute("insert into %s.t values (%%(ts)s, %%(v)s, %%(s)s)" % dbname, {"ts": 1700000000010, "v": 10, "s": None})
    assert cur.execute("select v, s from %s.t order by ts" % dbname) is None
    assert cur.rowcount == 7 and cur.affected_rows is None
    assert cur.description == [["v", "INT", 4], ["s", "NCHAR", 10]]
    assert cur.istype(0, "int") and not cur.istype(1, "INT")
    assert cur.get_type(1) == "NCHAR"
    assert cur.fetchone() == [1, "x"]
    assert cur.fetchmany() == [[0, "it's 0"]]  # a list of rows (taospy returned one row)
    assert cur.fetchmany(2) == [[1, "it's 1"], [2, "it's 2"]]
    assert cur.fetchall() == [[3, "it's 3"], [4, "it's 4"], [10, None]]
    assert cur.fetchone() is None and cur.fetchmany(3) == [] and cur.fetchall() == []
    for name in ("nextset", "setinputsizes"):
        with pytest.raises(taosrest.NotSupportedError):
            getattr(cur, name)()
    with pytest.raises(taosrest.NotSupportedError):
        cur.setoutputsize(1)
    with pytest.raises(taosrest.NotSupportedError):
        cur.callproc("p")
    cur.close()
    lines = logfile.read_text().splitlines()
    assert lines[0] == "create database %s;" % dbname and len(lines) == 10
    with pytest.raises(taosrest.ProgrammingError):
        cur.execute("select %s, %s", (1,))


def test_rest_client(server, dbname):
    c = taosrest.RestClient(server.base, user=server.user, password=server.password)
    resp = c.sql("create database %s" % dbname)
    assert resp == {"code": 0, "column_meta": [["affected_rows", "INT", 4]], "data": [[0]], "rows": 1}
    c.sql("create table %s.t (ts timestamp, v int)" % dbname, req_id=7)
    c.sql("insert into %s.t values (1700000000000, 3)" % dbname)
    resp = c.sql("select * from %s.t" % dbname)
    assert set(resp) == {"code", "column_meta", "data", "rows"} and resp["rows"] == 1
    raw = taosrest.RestClient(server.base.replace("http://", ""), database=dbname, user=server.user,
                              password=server.password, convert_timestamp=False)
    assert raw.sql("select * from t")["data"] == [["2023-11-14T22:13:20.000Z", 3]]


def test_database_option(server, dbname):
    c = taosrest.connect(url=server.base + "/", user=server.user, password=server.password)
    c.execute("create database %s" % dbname)
    d = taosrest.connect(url=server.base, user=server.user, password=server.password, database=dbname)
    d.execute("create table t (ts timestamp, v int)")
    assert d.execute("insert into t values (now, 1)") == 1
    assert d.query("select v from t").data == [[1]]
