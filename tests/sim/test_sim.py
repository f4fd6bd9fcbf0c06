"""Tests for the taosAdapter simulator (stdlib http.client only).

Run: python -m pytest tests/sim   (any Python 3.11 with pytest)
"""

import base64
import gzip
import http.client
import json
import os
import socket
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from taossim import App, rawblock  # noqa: E402
from taossim import types as T  # noqa: E402

AUTH = "Basic " + base64.b64encode(b"root:taosdata").decode()
TOKEN = "/KfeAzX/f9na8qdtNZmtONryp201ma04bEl8LcvLUd7a8qdtNZmtONryp201ma04"


@pytest.fixture(scope="module")
def sim_app():
    """This module's simulator also accepts a bearer token (conftest.py serves it)."""
    return App(bearer_token="sekrit")


def call(port, method, path, body=b"", headers=None, conn=None):
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Authorization": AUTH}
    h.update(headers or {})
    h = {k: v for k, v in h.items() if v is not None}
    if isinstance(body, str):
        body = body.encode()
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    if conn is None:
        c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def sql(port, text, path="/rest/sql", **kw):
    return call(port, "POST", path, text, **kw)


def ok(port, text, path="/rest/sql"):
    st, _, body = sql(port, text, path)
    assert st == 200, body
    d = json.loads(body)
    assert d["code"] == 0, d
    return d


def err(port, text, path="/rest/sql"):
    st, _, body = sql(port, text, path)
    d = json.loads(body)
    assert set(d) == {"code", "desc", "timing"} and isinstance(d["timing"], int), d
    return st, d["code"], d["desc"]


AFFECTED = b'{"code":0,"column_meta":[["affected_rows","INT",4]],"data":[[%d]],"rows":1}'


# -- routes, auth, request checks ---------------------------------------------

def test_ping_and_404(port):
    assert call(port, "GET", "/-/ping", headers={"Authorization": None})[::2] == (200, b"")
    st, h, body = call(port, "GET", "/nope")
    assert (st, body, h["content-type"]) == (404, b"404 page not found", "text/plain")
    assert call(port, "GET", "/rest/sql")[0] == 404


@pytest.mark.parametrize("header,code,desc", [
    (None, 0x1105, "no auth info input"),
    ("Basic !!!notb64", 0x1124, "invalid basic Authorization"),
    ("Basic " + base64.b64encode(b"nocolon").decode(), 0x1124, "invalid basic Authorization"),
    ("Basic " + base64.b64encode(b":pw").decode(), 0x1124, "invalid basic Authorization"),
    ("Taosd notatoken", 0x1125, "invalid taosd Authorization"),
    ("Digest abc", 0x1122, "invalid type of Authorization"),
])
def test_auth_header_errors(port, header, code, desc):
    st, h, body = sql(port, "show databases", headers={"Authorization": header})
    d = json.loads(body)
    assert st == 401 and (d["code"], d["desc"]) == (code, desc)
    assert h["content-type"] == "application/json; charset=utf-8"


def test_wrong_password_is_native_error_with_200(port):
    bad = "Basic " + base64.b64encode(b"root:wrong").decode()
    st, _, body = sql(port, "show databases", headers={"Authorization": bad})
    d = json.loads(body)
    assert st == 200 and d["code"] == 0x0357 and d["desc"] == "Authentication failure"


def test_login_token_and_taosd_auth(port):
    st, _, body = call(port, "GET", "/rest/login/root/taosdata", headers={"Authorization": None})
    assert st == 200 and body == b'{"code":0,"desc":"%s"}' % TOKEN.encode()
    st, _, body = call(port, "GET", "/rest/login/root/nope")
    assert st == 401 and json.loads(body)["code"] == 3
    st, _, body = call(port, "GET", "/rest/login/" + "u" * 25 + "/x")
    assert st == 400 and json.loads(body)["code"] == 0x110A
    assert ok(port, "select server_version()")["data"] == [["3.3.6.0"]]
    st, _, body = sql(port, "select server_version()", headers={"Authorization": "Taosd " + TOKEN})
    assert st == 200 and json.loads(body)["data"] == [["3.3.6.0"]]


def test_bearer(port):
    st, _, body = sql(port, "select client_version()", headers={"Authorization": "Bearer sekrit"})
    assert json.loads(body)["code"] == 0
    st, _, body = sql(port, "select 1", headers={"Authorization": "Bearer wrong"})
    assert json.loads(body)["code"] == 0x0357
    st, _, body = sql(port, "select 1", "/rest/sql?token=x", headers={"Authorization": "Bearer sekrit"})
    assert st == 401 and json.loads(body)["code"] == 0x1122


def test_body_and_param_checks(port):
    assert (err(port, "")[:2]) == (400, 0x1106)
    assert err(port, " \n\t ")[:2] == (400, 0x1107)
    st, code, desc = err(port, "select 1", "/rest/sql?req_id=abc")
    assert (st, code) == (400, 0xFFFF)
    assert desc == 'illegal param, req_id must be numeric strconv.ParseInt: parsing "abc": invalid syntax'
    st, code, desc = err(port, "select 1", "/rest/sql?row_with_meta=yes")
    assert (st, code) == (400, 0xFFFF) and desc.startswith("illegal param, row_with_meta must be boolean")
    st, code, desc = err(port, "select 1", "/rest/sql?tz=Mars%2FBase")
    assert (st, code, desc) == (400, 0xFFFF, "unknown time zone Mars/Base")
    assert ok(port, "select 1", "/rest/sql?req_id=42")["data"] == [[1]]


# -- DDL / insert shapes ------------------------------------------------------

def test_affected_rows_shapes(port):
    ok(port, "drop database if exists shp")
    st, h, body = sql(port, "create database shp")
    assert body == AFFECTED % 0 and h["transfer-encoding"] == "chunked"
    ok(port, "create table shp.t (ts timestamp, v int)")
    assert sql(port, "insert into shp.t values (1, 1) (2, 2)")[2] == AFFECTED % 2
    body = sql(port, "insert into shp.t values (3, 3)", "/rest/sql?row_with_meta=true")[2]
    assert body == b'{"code":0,"column_meta":[["affected_rows","INT",4]],"data":[{"affected_rows":1}],"rows":1}'
    body = sql(port, "insert into shp.t values (4, 4)", "/rest/sql?timing=true")[2]
    assert body.startswith(b'{"code":0,"column_meta":[["affected_rows","INT",4]],"data":[[1]],"rows":1,"timing":')
    assert json.loads(body)["timing"] > 0
    body = sql(port, "select * from shp.t where v > 100")[2]
    assert body == b'{"code":0,"column_meta":[["ts","TIMESTAMP",8],["v","INT",4]],"data":[],"rows":0}'


def test_errors(port):
    ok(port, "create database if not exists er")
    ok(port, "create table if not exists er.t (ts timestamp, c1 tinyint, s varchar(3))")
    assert err(port, "select * from nosuch", "/rest/sql/er")[:3] == (
        200, 0x2603, "Fail to get table info, error: Table does not exist")
    assert err(port, "select * from nodb.t")[1:] == (0x0388, "Fail to get table info, error: Database not exist")
    assert err(port, "use nodb")[1:] == (0x0388, "Database not exist")
    assert err(port, "select * from t")[1:] == (0x2616, "Database not specified")
    assert err(port, "selec * from er.t")[1:] == (0x2600, 'syntax error near "selec * from er.t"')
    assert err(port, "select * from")[1] == 0x2601
    assert err(port, "insert into er.t values (now, 1, 'abcd')")[1:] == (
        0x2653, "Value too long for column/tag: s")
    assert err(port, "insert into er.t values (now, 300, 'a')")[1:] == (
        0x0216, "syntax error near '300, 'a')' (tinyint data overflow)")
    assert err(port, "insert into er.nosuch values (now, 1)")[1:] == (0x2603, "Table does not exist")
    assert err(port, "create database er")[1:] == (0x0381, "Database already exists")
    assert err(port, "create table er.t (ts timestamp, a int)")[1:] == (0x0603, "Table already exists")
    assert err(port, "select nosuchcol from er.t")[1:] == (0x2602, "Invalid column name: nosuchcol")
    assert err(port, "drop table er.zzz")[1] == 0x2603
    assert err(port, "create table er.bad (a int, ts timestamp)")[1] == 0x2637


# -- types and rendering ------------------------------------------------------

ALL_TYPES = ("ts timestamp, b bool, ti tinyint, si smallint, i int, bi bigint, uti tinyint unsigned, "
             "usi smallint unsigned, ui int unsigned, ubi bigint unsigned, f float, d double, "
             "vc varchar(10), bn binary(5), nc nchar(4), vb varbinary(8), g geometry(64), "
             "dec64 decimal(10,2), dec128 decimal(20,4), bl blob")


def test_every_type_renders_like_the_adapter(port):
    ok(port, "create database if not exists ty")
    ok(port, f"create stable if not exists ty.st ({ALL_TYPES}) tags (j json)")
    ok(port, "insert into ty.c1 using ty.st tags ('{\"k\":\"v\",\"a\":1}') values "
             "('2024-01-02 03:04:05.678', true, -128, 32767, -2147483648, 9223372036854775807, 255, "
             "65535, 4294967295, 18446744073709551615, 10.123, 1e-7, 'a\"b\\\\c', 'xy', '中文ab', "
             "'\\x0a0b', 'POINT(100 100)', 12.345, -4467440737095516.123, '\\xdeadbeef')")
    ok(port, "insert into ty.c1 values (1704164645679, null, null, null, null, null, null, null, "
             "null, null, null, null, null, null, null, null, null, null, null, null)")
    st, h, body = sql(port, "select * from ty.st")
    meta = (b'[["ts","TIMESTAMP",8],["b","BOOL",1],["ti","TINYINT",1],["si","SMALLINT",2],'
            b'["i","INT",4],["bi","BIGINT",8],["uti","TINYINT UNSIGNED",1],'
            b'["usi","SMALLINT UNSIGNED",2],["ui","INT UNSIGNED",4],["ubi","BIGINT UNSIGNED",8],'
            b'["f","FLOAT",4],["d","DOUBLE",8],["vc","VARCHAR",10],["bn","VARCHAR",5],'
            b'["nc","NCHAR",4],["vb","VARBINARY",8],["g","GEOMETRY",64],'
            b'["dec64","DECIMAL(10,2)",8],["dec128","DECIMAL(20,4)",16],["bl","BLOB",4194304],'
            b'["j","JSON",4095]]')
    row0 = ('["2024-01-02T03:04:05.678Z",true,-128,32767,-2147483648,9223372036854775807,255,65535,'
            '4294967295,18446744073709551615,10.123,1e-07,"a\\"b\\\\c","xy","中文ab","0a0b",'
            '"010100000000000000000059400000000000005940","12.35","-4467440737095516.1230",'
            '"deadbeef",{"a":1,"k":"v"}]').encode()
    row1 = b'["2024-01-02T03:04:05.679Z"' + b",null" * 19 + b',{"a":1,"k":"v"}]'
    assert body == b'{"code":0,"column_meta":' + meta + b',"data":[' + row0 + b"," + row1 + b'],"rows":2}'


def test_float_and_double_forms(port):
    ok(port, "create database if not exists fl")
    ok(port, "create table if not exists fl.t (ts timestamp, f float, d double)")
    ok(port, "insert into fl.t values (1, 0.1, 0.1) (2, 3.4028234e38, 1e21) (3, -0.0, 100.0) "
             "(4, 1.5e-7, 0.00001) (5, 16777217, 123456789012345678)")
    d = sql(port, "select f, d from fl.t")[2]
    assert b'"data":[[0.1,0.1],[3.4028235e+38,1e+21],[-0,100],[1.5e-07,0.00001],[16777216,123456789012345680]]' in d


def test_timestamp_precisions_and_tz(port):
    for prec, lit, want in (("ms", "1700000000001", "2023-11-14T22:13:20.001Z"),
                            ("us", "1700000000000001", "2023-11-14T22:13:20.000001Z"),
                            ("ns", "1700000000000000001", "2023-11-14T22:13:20.000000001Z")):
        ok(port, f"create database if not exists p{prec} precision '{prec}'")
        ok(port, f"create table if not exists p{prec}.t (ts timestamp, v int)")
        ok(port, f"insert into p{prec}.t values ({lit}, 1)")
        assert ok(port, f"select ts from p{prec}.t")["data"] == [[want]]
    d = ok(port, "select ts from pms.t", "/rest/sql?tz=Asia%2FShanghai")
    assert d["data"] == [["2023-11-15T06:13:20.001+08:00"]]
    d = ok(port, "select ts from pms.t", "/rest/sql?conn_tz=America%2FNew_York&tz=Asia%2FShanghai")
    assert d["data"] == [["2023-11-14T17:13:20.001-05:00"]]
    ok(port, "insert into pms.t values ('2023-11-14T22:13:21+00:00', 2)")
    ok(port, "insert into pms.t values ('2023-11-14 22:13:22', 3)")
    assert [r[1] for r in ok(port, "select * from pms.t")["data"]] == [1, 2, 3]


def test_row_with_meta_and_timing_query(port):
    ok(port, "create database if not exists rm")
    ok(port, "create table if not exists rm.t (ts timestamp, v int, s nchar(3))")
    ok(port, "insert into rm.t values (1700000000000, 1, 'ab')")
    st, _, body = sql(port, "select * from rm.t", "/rest/sql?row_with_meta=true&timing=true")
    assert body.startswith(b'{"code":0,"column_meta":[["ts","TIMESTAMP",8],["v","INT",4],["s","NCHAR",3]],'
                           b'"data":[{"ts":"2023-11-14T22:13:20.000Z","v":1,"s":"ab"}],"rows":1,"timing":')


# -- SQL coverage -------------------------------------------------------------

def test_super_tables_filters_order_limit(port):
    ok(port, "drop database if exists sq")
    ok(port, "create database sq precision 'ms'")
    ok(port, "create stable sq.meters (ts timestamp, current float, volt int) tags (loc binary(16), gid int)")
    ok(port, "create table sq.d1 using sq.meters tags ('sf', 1) sq.d2 using sq.meters (gid) tags (2)")
    ok(port, "insert into sq.d1 values (1000, 1.5, 220) (2000, 2.5, null) sq.d2 values (1500, 3.5, 230)")
    ok(port, "insert into sq.d3 using sq.meters tags ('la', 3) values (500, 0.5, 210)")
    d = ok(port, "select * from meters", "/rest/sql/sq")
    assert [c[0] for c in d["column_meta"]] == ["ts", "current", "volt", "loc", "gid"]
    assert d["rows"] == 4
    d = ok(port, "select tbname, volt from sq.meters where gid >= 2 order by ts desc")
    assert d["data"] == [["d2", 230], ["d3", 210]]
    d = ok(port, "select ts, volt from sq.meters order by ts limit 2 offset 1")
    assert [r[1] for r in d["data"]] == [220, 230]
    assert ok(port, "select count(*) from sq.meters")["data"] == [[4]]
    assert ok(port, "select count(volt), max(volt), min(current) from sq.meters")["data"] == [[3, 230, 0.5]]
    assert ok(port, "select volt from sq.meters where volt is null")["data"] == [[None]]
    assert len(ok(port, "select * from sq.meters where loc in ('sf', 'la') and volt is not null")["data"]) == 2
    assert len(ok(port, "select * from sq.meters where loc like 's%' or tbname = 'd2'")["data"]) == 3
    assert ok(port, "select * from sq.d1 where ts > '1970-01-01 00:00:01'")["data"][0][2] is None
    assert [c[0] for c in ok(port, "select * from sq.d1")["column_meta"]] == ["ts", "current", "volt"]
    assert ok(port, "show sq.stables")["data"] == [["meters"]]
    assert sorted(r[0] for r in ok(port, "show tables", "/rest/sql/sq")["data"]) == ["d1", "d2", "d3"]
    assert ok(port, "select database()", "/rest/sql/sq")["data"] == [["sq"]]
    desc = ok(port, "describe sq.meters")
    assert [c[0] for c in desc["column_meta"]] == ["field", "type", "length", "note", "encode",
                                                   "compress", "level"]
    assert desc["data"][3][:4] == ["loc", "VARCHAR", 16, "TAG"]
    names = [r[0] for r in ok(port, "show databases")["data"]]
    assert names[:2] == ["information_schema", "performance_schema"] and "sq" in names
    ok(port, "drop table sq.d3")
    ok(port, "drop stable sq.meters")
    assert ok(port, "show sq.tables")["data"] == []


def test_insert_into_super_table_by_tbname_and_table_kinds(port):
    ok(port, "drop database if exists sb")
    ok(port, "create database sb")
    ok(port, "create stable sb.m (ts timestamp, v int) tags (loc varchar(8), g int)")
    ok(port, "create table sb.d0 using sb.m tags ('old', 0)")
    ok(port, "create table sb.n (ts timestamp, v int)")
    d = ok(port, "insert into sb.m (tbname, ts, v, loc) values ('d0', 1, 1, 'new') ('d1', 1, 2, 'sf') "
                 "('d1', 2, 3, 'ignored')")
    assert d["data"] == [[3]]
    rows = ok(port, "select tbname, ts, v, loc, g from sb.m order by v")["data"]
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [("d0", 1, "old", 0), ("d1", 2, "sf", None),
                                                        ("d1", 3, "sf", None)]
    assert err(port, "insert into sb.m (ts, v) values (1, 1)")[1] == 0x0200   # no tbname
    assert err(port, "insert into sb.m (tbname, ts, v) values (1, 1, 1)")[1] == 0x022B
    assert ok(port, "show normal sb.tables")["data"] == [["n"]]
    assert sorted(r[0] for r in ok(port, "show child sb.tables")["data"]) == ["d0", "d1"]
    assert ok(port, "show normal tables like 'n'", "/rest/sql/sb")["data"] == [["n"]]
    assert ok(port, "show sb.views")["data"] == []
    ok(port, "drop database sb")


def test_duplicate_timestamp_overwrites_and_order(port):
    ok(port, "create database if not exists du")
    ok(port, "create table if not exists du.t (ts timestamp, a int, b int)")
    ok(port, "insert into du.t values (3, 3, 3) (1, 1, 1) (2, 2, 2)")
    ok(port, "insert into du.t (ts, a) values (2, 20)")
    assert ok(port, "select * from du.t")["data"] == [
        ["1970-01-01T00:00:00.001Z", 1, 1], ["1970-01-01T00:00:00.002Z", 20, 2],
        ["1970-01-01T00:00:00.003Z", 3, 3]]


def test_string_literals_and_identifiers(port):
    ok(port, "create database if not exists `lit`")
    ok(port, "create table if not exists lit.`MyTab` (ts timestamp, s varchar(20), n nchar(20))")
    ok(port, "insert into lit.`MyTab` values (1, \"it's\", 'say \"hi\"') (2, 'a\\'b', 'tab\\tx')")
    d = sql(port, "select s, n from lit.`MyTab`")[2]
    assert b'"data":[["it\'s","say \\"hi\\""],["a\'b","tab\\tx"]]' in d


# -- big results, cache, transport --------------------------------------------

def test_generate_cache_chunked_gzip_keepalive(port):
    st, _, body = call(port, "POST", "/-/sim/generate",
                       json.dumps({"db": "bench", "table": "t", "rows": 30000}))
    assert st == 200 and json.loads(body)["rows"] == 30000
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    st, h, b1 = call(port, "POST", "/rest/sql", "select * from bench.t", conn=conn)
    assert h["transfer-encoding"] == "chunked" and len(b1) > 16384 * 3
    st, h, b2 = call(port, "POST", "/rest/sql", "select * from bench.t", conn=conn)  # keep-alive
    assert b1 == b2
    stats = json.loads(call(port, "GET", "/-/sim/stats")[2])
    assert stats["cache_hits"] >= 1
    st, h, gz = call(port, "POST", "/rest/sql", "select * from bench.t",
                     headers={"Accept-Encoding": "gzip"}, conn=conn)
    assert h["content-encoding"] == "gzip" and gzip.decompress(gz) == b1
    st, h, gz = call(port, "POST", "/rest/sql?timing=true", "select * from bench.t",
                     headers={"Accept-Encoding": "gzip"}, conn=conn)
    assert json.loads(gzip.decompress(gz))["timing"] > 0
    conn.close()
    d = json.loads(b1)
    assert d["rows"] == 30000 and d["data"][0][0] == "2023-11-14T22:13:20.000Z"
    assert d["data"][1] == ["2023-11-14T22:13:20.001Z", -999992081, -499998999997, -99.75, 0.501,
                            False, "row-0001", "名称-1-é", -32767, 1]
    ok(port, "insert into bench.t values (now, 1, 1, 1, 1, true, 'x', 'y', 1, 1)")  # invalidates
    assert json.loads(sql(port, "select * from bench.t")[2])["rows"] == 30001


def test_faults(port):
    call(port, "POST", "/-/sim/fault", json.dumps({"kind": "http_status", "status": 503, "times": 1}))
    st, _, body = sql(port, "select 1")
    assert (st, body) == (503, b'"memory exceeds threshold"')
    assert sql(port, "select 1")[0] == 200
    call(port, "POST", "/-/sim/fault", json.dumps({"kind": "stall", "seconds": 0.5, "path": "/rest/"}))
    t0 = time.monotonic()
    assert sql(port, "select 1")[0] == 200
    assert time.monotonic() - t0 >= 0.45
    call(port, "POST", "/-/sim/generate", json.dumps({"db": "bench", "table": "f", "rows": 2000}))
    call(port, "POST", "/-/sim/fault", json.dumps({"kind": "close_mid_response", "after_bytes": 1000}))
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/rest/sql", body=b"select * from bench.f", headers={"Authorization": AUTH})
    r = c.getresponse()
    assert r.status == 200
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        r.read()
    c.close()
    st, _, body = call(port, "POST", "/-/sim/fault", json.dumps({"kind": "bogus"}))
    assert st == 400


def test_reset(port):
    ok(port, "create database if not exists gone")
    assert call(port, "POST", "/-/sim/reset")[0] == 200
    names = [r[0] for r in ok(port, "show databases")["data"]]
    assert names == ["information_schema", "performance_schema"]


# -- schemaless ---------------------------------------------------------------

def test_influx_line_protocol(port):
    ok(port, "create database if not exists sml precision 'ns'")
    lines = ("cpu,host=a,region=west usage=1.5,cores=4i,ok=t,name=\"x y\",ul=7u 1700000000000000000\n"
             "cpu,host=b usage=2,cores=8i 1700000000000000001\n")
    st, _, body = call(port, "POST", "/influxdb/v1/write?db=sml", lines)
    assert (st, body) == (204, b"")
    d = ok(port, "select * from sml.cpu order by _ts")
    assert [c[:2] for c in d["column_meta"]] == [
        ["_ts", "TIMESTAMP"], ["usage", "DOUBLE"], ["cores", "BIGINT"], ["ok", "BOOL"],
        ["name", "VARCHAR"], ["ul", "BIGINT UNSIGNED"], ["host", "NCHAR"], ["region", "NCHAR"]]
    assert d["data"][0][1:] == [1.5, 4, True, "x y", 7, "a", "west"]
    assert d["data"][1][1:] == [2, 8, None, None, None, "b", None]
    st, _, body = call(port, "POST", "/influxdb/v1/write", lines)
    assert st == 400 and json.loads(body) == {"code": "not found", "message": "db required",
                                              "op": "get db query", "err": "db required", "line": 0}
    st, _, body = call(port, "POST", "/influxdb/v1/write?db=sml", "cpu usage=abc 1")
    assert st == 500 and json.loads(body)["code"] == "internal error"
    st, _, body = call(port, "POST", "/influxdb/v1/write?db=sml&precision=ms", "mem,h=a v=1i32 1700000000000")
    assert st == 204
    assert ok(port, "select _ts, v from sml.mem")["data"] == [["2023-11-14T22:13:20.000000000Z", 1]]


def test_opentsdb_json_and_telnet(port):
    ok(port, "create database if not exists tsdb")
    doc = [{"metric": "sys.cpu", "timestamp": 1700000000, "value": 18.5,
            "tags": {"host": "web01", "dc": "lga"}},
           {"metric": "sys.cpu", "timestamp": 1700000000001, "value": 9, "tags": {"host": "web02"}}]
    st, _, _ = call(port, "POST", "/opentsdb/v1/put/json/tsdb", json.dumps(doc))
    assert st == 204
    d = ok(port, "select _ts, _value, host, dc from tsdb.`sys.cpu` order by _ts")
    assert d["data"] == [["2023-11-14T22:13:20.000Z", 18.5, "web01", "lga"],
                         ["2023-11-14T22:13:20.001Z", 9, "web02", None]]
    assert [c[1] for c in d["column_meta"]] == ["TIMESTAMP", "DOUBLE", "NCHAR", "NCHAR"]
    st, _, _ = call(port, "POST", "/opentsdb/v1/put/telnet/tsdb",
                    "put meters.current 1700000000 10.3 loc=sf gid=2\nmeters.current 1700000001 11 loc=sf gid=2\n")
    assert st == 204
    assert ok(port, "select count(*) from tsdb.`meters.current`")["data"] == [[2]]
    st, _, body = call(port, "POST", "/opentsdb/v1/put/json/tsdb", "{bad json")
    assert st == 500 and json.loads(body)["code"] == 500
    st, _, body = call(port, "POST", "/opentsdb/v1/put/json/tsdb", "[]", headers={"Authorization": None})
    assert st == 401


def test_vgid(port):
    ok(port, "create database if not exists vg")
    st, _, body = call(port, "POST", "/rest/sql/vg/vgid", json.dumps(["a", "b"]))
    d = json.loads(body)
    assert st == 200 and d["code"] == 0 and len(d["vgIDs"]) == 2


# -- raw block ----------------------------------------------------------------

WORKED_EXAMPLE = (
    "0100000062000000020000000300000000000080000000000000000004040000"
    "00080c0000000908000000080000000900000010000000400100000000000000"
    "000000000400000002006162030078797a000068e5cf8b0100000168e5cf8b01"
    "0000")


def test_rawblock_worked_example():
    fields = [("c_int", T.SqlType(T.INT)), ("c_str", T.SqlType(T.VARCHAR, 10)),
              ("ts", T.SqlType(T.TIMESTAMP))]
    block = rawblock.encode(fields, [[1, None], [b"ab", b"xyz"], [1700000000000, 1700000000001]])
    assert block.hex() == WORKED_EXAMPLE


def test_rawblock_variants():
    fields = [("c_int", T.SqlType(T.INT)), ("c_str", T.SqlType(T.VARCHAR, 10)),
              ("ts", T.SqlType(T.TIMESTAMP))]
    block = rawblock.encode(fields, [[1, 2], [b"ab", None], [1700000000000, 1700000000001]])
    assert bytes.fromhex("0000000000ffffffff" + "0200" + "6162")[:0] == b""
    assert b"\x00\x00\x00\x00\xff\xff\xff\xff\x02\x00ab" in block
    nblock = rawblock.encode([("n", T.SqlType(T.NCHAR, 10))], [["ab", "xyz"]])
    assert nblock[28:33] == bytes([10, 42, 0, 0, 0])
    assert nblock.endswith(bytes.fromhex("00000000" "0a000000" "080061000000" "62000000"
                                         "0c00780000007900" "00007a000000"))
    dblock = rawblock.encode([("d", T.decimal_type(20, 4))], [[1]])
    assert dblock[29:33] == bytes([4, 20, 0, 16])
    bblock = rawblock.encode([("b", T.SqlType(T.BLOB))], [[b"\x01\x02"]])
    assert bblock.endswith(b"\x00\x00\x00\x00" + b"\x02\x00\x00\x00\x01\x02")
