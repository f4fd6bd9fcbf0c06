"""Conformance: the official taospy `taosrest` client against the simulator.

Runs in its own venv (see README.md); the simulator is started as a
subprocess on a free port, read from its first stdout line.
"""

import datetime
from decimal import Decimal

import pytest
import taosrest
from taosrest import ConnectError, RestClient


@pytest.fixture(scope="module")
def url(port):
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def conn(url):
    c = taosrest.connect(url=url, user="root", password="taosdata", timezone="UTC")
    yield c
    c.close()


TYPES = ("ts timestamp, b bool, ti tinyint, si smallint, i int, bi bigint, uti tinyint unsigned, "
         "usi smallint unsigned, ui int unsigned, ubi bigint unsigned, f float, d double, "
         "vc varchar(16), nc nchar(8), vb varbinary(8), g geometry(64), dec decimal(12,3), bl blob")


def test_all_types_round_trip(conn):
    cur = conn.cursor()
    cur.execute("create database if not exists conf precision 'ms'")
    cur.execute(f"create stable if not exists conf.st ({TYPES}) tags (j json)")
    n = cur.execute("insert into conf.t1 using conf.st tags ('{\"site\":\"a\",\"n\":2}') values "
                    "('2024-05-06T07:08:09.123Z', true, -5, 300, -70000, -9000000000, 200, 60000, "
                    "4000000000, 18446744073709551615, 1.25, 3.141592653589793, 'hello', '温度', "
                    "'\\x01ff', 'POINT(1 2)', 123.456, '\\x00aa') "
                    "('2024-05-06T07:08:10.000Z', null, null, null, null, null, null, null, null, "
                    "null, null, null, null, null, null, null, null, null)")
    assert n == 2 and cur.rowcount == 2
    cur.execute("select * from conf.st")
    assert cur.rowcount == 2
    names = [d[0] for d in cur.description]
    assert names == ["ts", "b", "ti", "si", "i", "bi", "uti", "usi", "ui", "ubi", "f", "d", "vc",
                     "nc", "vb", "g", "dec", "bl", "j"]
    assert [d[1] for d in cur.description][:3] == ["TIMESTAMP", "BOOL", "TINYINT"]
    row = cur.fetchone()
    utc = datetime.timezone.utc
    assert row[0] == datetime.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=utc)
    assert row[1:12] == [True, -5, 300, -70000, -9000000000, 200, 60000, 4000000000,
                         18446744073709551615, 1.25, 3.141592653589793]
    assert row[12:14] == ["hello", "温度"]
    assert row[14] == "01ff"
    assert row[15] == "0101000000000000000000f03f0000000000000040"
    assert Decimal(row[16]) == Decimal("123.456") and row[16] == "123.456"
    assert row[17] == "00aa"
    assert row[18] == {"n": 2, "site": "a"}
    row2 = cur.fetchone()
    assert row2[1:18] == [None] * 17 and row2[18] == {"n": 2, "site": "a"}
    assert cur.fetchone() is None


def test_naive_local_timestamps_without_timezone(url):
    c = taosrest.connect(url=url)
    cur = c.cursor()
    cur.execute("create database if not exists conf")
    cur.execute("create table if not exists conf.tt (ts timestamp, v int)")
    cur.execute("insert into conf.tt values (1700000000000, 1)")
    cur.execute("select ts from conf.tt")
    ts = cur.fetchone()[0]
    want = datetime.datetime.fromtimestamp(1700000000, datetime.timezone.utc).astimezone()
    assert ts.tzinfo is None and ts == want.replace(tzinfo=None)


def test_error_is_connect_error_with_errno(conn):
    cur = conn.cursor()
    with pytest.raises(ConnectError) as ei:
        cur.execute("select * from conf.no_such_table")
    assert ei.value.errno == 0x2603
    assert "Table does not exist" in ei.value.msg
    with pytest.raises(ConnectError) as ei:
        cur.execute("selec 1")
    assert ei.value.errno == 0x2600


def test_wrong_password(url):
    c = taosrest.connect(url=url, password="bad")
    with pytest.raises(ConnectError) as ei:
        c.execute("show databases")
    assert ei.value.errno == 0x0357


def test_multi_block_result(url, conn):
    import requests
    r = requests.post(url + "/-/sim/generate",
                      json={"db": "big", "table": "t", "rows": 20000, "precision": "ms"})
    assert r.ok, r.text
    cur = conn.cursor()
    cur.execute("select * from big.t")
    assert cur.rowcount == 20000
    rows = cur.fetchall()
    assert len(rows) == 20000
    assert rows[1][1:] == [-999992081, -499998999997, -99.75, 0.501, False, "row-0001",
                           "名称-1-é", -32767, 1]
    assert rows[-1][0] == datetime.datetime(2023, 11, 14, 22, 13, 39, 999000,
                                            tzinfo=datetime.timezone.utc)


def test_rest_client_sql(url):
    client = RestClient(url, database="conf", timezone="UTC")
    resp = client.sql("select count(*) from st")
    assert resp["code"] == 0 and resp["rows"] == 1 and resp["data"] == [[2]]
    assert resp["column_meta"] == [["count(*)", "BIGINT", 8]]
    resp = client.sql("select server_version()", req_id=7)
    assert resp["data"] == [["3.3.6.0"]]
    r = client.sql("create table if not exists conf.x (ts timestamp, v int)")
    assert r["column_meta"][0][0] == "affected_rows"


def test_connection_helpers(conn):
    assert conn.server_info == "3.3.6.0"
    res = conn.query("select * from conf.st")
    assert res.rows == 2 and res.field_count == 19
    assert res.fields[0] == {"name": "ts", "type": "TIMESTAMP", "bytes": 8}
