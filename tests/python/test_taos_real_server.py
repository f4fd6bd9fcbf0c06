"""The ``taos`` module against a real taosd through a real libtaos.

Runs only when TAOSLINK_TEST_TAOS_URL names a server (``taos://root:taosdata@host:6030``) and
the real client library is found (TAOSLINK_LIBTAOS, the system library path, or
/usr/local/taos/driver). Without the variable every test here is skipped with that reason,
which ``make test`` lists in its summary (pytest -rs): nothing here is counted as passing.
"""

from __future__ import annotations

import datetime
import os
import urllib.parse
import uuid

import pytest

URL = os.environ.get("TAOSLINK_TEST_TAOS_URL", "").strip()

pytestmark = pytest.mark.skipif(
    not URL, reason="no real taosd: set TAOSLINK_TEST_TAOS_URL=taos://user:pass@host:6030 to run these")


@pytest.fixture
def conn():
    import taos

    parts = urllib.parse.urlsplit(URL)
    c = taos.connect(host=parts.hostname, port=parts.port or 0,
                     user=urllib.parse.unquote(parts.username or "root"),
                     password=urllib.parse.unquote(parts.password or "taosdata"))
    db = "tl_real_%s" % uuid.uuid4().hex[:8]
    c.execute("create database %s precision 'us'" % db)
    c.select_db(db)
    yield c
    c.execute("drop database if exists %s" % db)
    c.close()


def test_real_client_is_not_the_fake(conn):
    assert "fake" not in conn.client_info
    assert conn.server_info and conn.server_info[0].isdigit()


def test_round_trip_with_statement_and_schemaless(conn):
    import taos

    conn.execute("create stable st (ts timestamp, v int, s nchar(8)) tags (g int)")
    stmt = conn.statement("insert into ? using st tags (?) values (?, ?, ?)")
    tags = taos.new_bind_params(1)
    tags[0].int(7)
    stmt.set_tbname_tags("d7", tags)
    cols = taos.new_multi_binds(3)
    cols[0].timestamp([1700000000000001, 1700000000000002], taos.PrecisionEnum.Microseconds)
    cols[1].int([1, None])
    cols[2].nchar(["温度", "x"])
    stmt.bind_param_batch(cols)
    stmt.execute()
    assert stmt.affected_rows == 2
    stmt.close()
    rows = conn.query("select ts, v, s from d7 order by ts").fetch_all()
    assert [r[1:] for r in rows] == [(1, "温度"), (None, "x")]
    assert rows[0][0] == datetime.datetime.fromtimestamp(1700000000) + datetime.timedelta(microseconds=1)

    n = conn.schemaless_insert(["m,host=a v=1i 1700000000000000"], taos.SmlProtocol.LINE_PROTOCOL,
                               taos.SmlPrecision.MICRO_SECONDS)
    assert n == 1
    assert conn.query("select count(*) from m").fetch_all() == [(1,)]


def test_server_error_carries_taosc_code(conn):
    import taos

    with pytest.raises(taos.error.ProgrammingError) as info:
        conn.query("select * from no_such_table")
    assert info.value.errno & 0xFFFF == 0x2662
