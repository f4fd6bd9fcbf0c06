"""Errors: each failure raises the right class with TDengine's code, in taoslink and in taosrest;
credentials never show up in messages or reprs."""

from __future__ import annotations

import socket
import time

import pytest

import taoslink
import taosrest

SECRET = "s3cr3t-Pw_9"


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _no_secret(*objs) -> None:
    for o in objs:
        assert SECRET not in str(o) and SECRET not in repr(o), o


# --- taoslink ----------------------------------------------------------------------------------

def test_syntax_error(conn):
    with pytest.raises(taoslink.ProgrammingError) as ei:
        conn.cursor().execute("selec 1")
    e = ei.value
    assert e.errno == 0x2600 and str(e).startswith("[0x2600]: ") and "syntax error" in e.msg
    assert isinstance(e, taoslink.DatabaseError) and isinstance(e, taoslink.Error)
    assert conn.ProgrammingError is taoslink.ProgrammingError


def test_unknown_database_and_table(conn, dbname):
    with pytest.raises(taoslink.ProgrammingError) as ei:
        conn.execute("select * from %s.t" % dbname)
    assert ei.value.errno in (0x0388, 0x2662)
    conn.execute("create database %s" % dbname)
    with pytest.raises(taoslink.ProgrammingError) as ei:
        conn.execute("select * from %s.no_such_table" % dbname)
    assert ei.value.errno in (0x2603, 0x2662, 0x0618)


def test_bad_password(server):
    with pytest.raises(taoslink.OperationalError) as ei:
        taoslink.connect("%s://%s:%s@%s:%d" % (server.scheme, server.user, SECRET, server.host, server.port))
    e = ei.value
    assert isinstance(e, taoslink.ConnectionError)
    assert e.errno == 0x0357
    _no_secret(e, e.msg, e.args)


def test_connection_refused():
    port = _closed_port()
    t0 = time.monotonic()
    with pytest.raises(taoslink.ConnectionError) as ei:
        taoslink.connect("http://root:%s@127.0.0.1:%d" % (SECRET, port))
    assert time.monotonic() - t0 < 5
    assert ei.value.errno == 0x000B
    assert isinstance(ei.value, taoslink.OperationalError)
    _no_secret(ei.value, ei.value.args)


def test_read_timeout(sim):
    conn = taoslink.connect(sim.url + "?timeout=0.5")
    sim.fault(kind="stall", seconds=3, times=1, path="/rest/sql")
    t0 = time.monotonic()
    with pytest.raises(taoslink.ConnectionError) as ei:
        conn.execute("show databases")
    assert time.monotonic() - t0 < 2.5
    assert ei.value.errno == 0x0019


def test_server_closes_mid_response(sim, conn, dbname):
    conn.execute("create database %s" % dbname)
    conn.execute("create table %s.t (ts timestamp, s varchar(100))" % dbname)
    cur = conn.cursor()
    cur.executemany("insert into %s.t values (?, ?)" % dbname, [(1700000000000 + i, "x" * 90) for i in range(200)])
    sim.fault(kind="close_mid_response", after_bytes=1000, times=1, path="/rest/sql")
    with pytest.raises(taoslink.OperationalError) as ei:
        cur.execute("select * from %s.t" % dbname).fetchall()
    assert ei.value.errno == 0x0018
    # the connection recovers: the next statement works
    assert len(cur.execute("select * from %s.t" % dbname).fetchall()) == 200


def test_http_503(sim, conn):
    sim.fault(kind="http_status", status=503, times=1, path="/rest/sql")
    with pytest.raises(taoslink.OperationalError):
        conn.execute("show databases")
    conn.execute("show databases")


def test_dsn_errors_are_interface_errors_without_secrets():
    with pytest.raises(taoslink.InterfaceError) as ei:
        taoslink.connect("http://root:%s@host:notaport" % SECRET)
    _no_secret(ei.value, ei.value.args)
    with pytest.raises(taoslink.InterfaceError):
        taoslink.connect("nosuchscheme://localhost")


def test_connection_repr_redacts(server):
    conn = taoslink.connect(server.url)
    assert server.password not in repr(conn) and "***" in conn.dsn
    conn.close()
    assert taoslink.redact_dsn("http://u:%s@h:1/db?token=%s" % (SECRET, SECRET)) == "http://u:***@h:1/db?token=***"


def test_closed_objects(conn):
    cur = conn.cursor()
    cur.close()
    with pytest.raises(taoslink.InterfaceError):
        cur.execute("show databases")
    conn.close()
    with pytest.raises(taoslink.InterfaceError):
        conn.cursor()
    with pytest.raises(taoslink.InterfaceError):
        conn.execute("show databases")
    conn.close()  # idempotent


# --- taosrest ----------------------------------------------------------------------------------

def test_rest_syntax_error(rest_conn):
    with pytest.raises(taosrest.ConnectError) as ei:
        rest_conn.cursor().execute("selec 1")
    assert ei.value.errno == 9728 and str(ei.value).startswith("[0x2600]: ")
    assert isinstance(ei.value, taosrest.Error)


def test_rest_unknown_database(rest_conn, dbname):
    with pytest.raises(taosrest.ConnectError) as ei:
        rest_conn.query("select * from %s.t" % dbname)
    assert ei.value.errno in (0x0388, 0x2662)


def test_rest_bad_password(server):
    conn = taosrest.connect(url=server.base, user=server.user, password=SECRET)  # no I/O yet, as in taospy
    with pytest.raises(taosrest.ConnectError) as ei:
        conn.execute("show databases")
    assert ei.value.errno == 855
    _no_secret(ei.value, conn, conn.cursor())


def test_rest_connection_refused():
    conn = taosrest.connect(url="http://127.0.0.1:%d" % _closed_port(), password=SECRET)
    with pytest.raises(ConnectionError) as ei:  # the builtin
        conn.execute("show databases")
    assert isinstance(ei.value, taosrest.ConnectError)
    assert ei.value.errno == 0x000B
    _no_secret(ei.value, conn)


def test_rest_timeout(sim):
    conn = taosrest.connect(url=sim.base, user=sim.user, password=sim.password, timeout=0.5)
    sim.fault(kind="stall", seconds=3, times=1, path="/rest/sql")
    with pytest.raises(TimeoutError) as ei:  # the builtin
        conn.execute("show databases")
    assert isinstance(ei.value, taosrest.ConnectError) and ei.value.errno == 0x0019


def test_rest_close_mid_response(sim, rest_conn, dbname):
    rest_conn.execute("create database %s" % dbname)
    rest_conn.execute("create table %s.t (ts timestamp, s varchar(100))" % dbname)
    values = " ".join("(%d, '%s')" % (1700000000000 + i, "y" * 90) for i in range(200))
    rest_conn.execute("insert into %s.t values %s" % (dbname, values))
    sim.fault(kind="close_mid_response", after_bytes=1000, times=1, path="/rest/sql")
    with pytest.raises(ConnectionError) as ei:
        rest_conn.query("select * from %s.t" % dbname)
    assert isinstance(ei.value, taosrest.ConnectError) and ei.value.errno == 0x0018
    assert rest_conn.query("select * from %s.t" % dbname).rows == 200


def test_rest_http_status(sim, rest_conn):
    sim.fault(kind="http_status", status=503, times=1, path="/rest/sql")
    with pytest.raises(taosrest.HTTPError) as ei:
        rest_conn.execute("show databases")
    assert ei.value.status_code == 503
    assert str(ei.value) == ("HTTP response code 503.system resources is not sufficient. "
                             "It is may be caused by a huge query.")
    assert not isinstance(ei.value, taosrest.Error)


def test_rest_unrecognized_config():
    with pytest.raises(taosrest.ConnectError) as ei:
        taosrest.connect(url="http://localhost:6041", nonsense=1)
    assert str(ei.value) == "[0xffff]: Unrecognized configs: nonsense"
