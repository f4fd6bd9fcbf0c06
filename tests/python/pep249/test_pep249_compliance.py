"""PEP 249 (DB-API 2.0), item by item, for every driver in pep249_drivers.DRIVERS. Where a
drop-in keeps its official client's behaviour (pep249_drivers.DIFFERENCES), the test asserts
that behaviour."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from pep249_drivers import dconn, driver, table  # noqa: F401  (fixtures)

PEP249_ERRORS = ("Warning", "Error", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
                 "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError")
DATABASE_ERRORS = ("DataError", "OperationalError", "IntegrityError", "InternalError", "ProgrammingError",
                   "NotSupportedError")


# --- module interface ---------------------------------------------------------------------------

def test_module_globals(driver):
    m = driver.module
    assert m.apilevel == "2.0"
    assert m.threadsafety in (0, 1, 2, 3)
    assert m.paramstyle in ("qmark", "numeric", "named", "format", "pyformat")
    assert callable(m.connect)


def errors_of(driver):
    if driver.differs("no_warning"):
        assert not hasattr(driver.module, "Warning")
        return [n for n in PEP249_ERRORS if n != "Warning"]
    return list(PEP249_ERRORS)


def test_exception_hierarchy(driver):
    m = driver.module
    for name in errors_of(driver):
        assert issubclass(getattr(m, name), Exception), name
    if not driver.differs("no_warning"):
        assert not issubclass(m.Warning, m.Error)
    assert issubclass(m.DatabaseError, m.Error)
    for name in DATABASE_ERRORS:
        assert issubclass(getattr(m, name), m.DatabaseError), name
    if driver.differs("interface_error_outside"):
        assert not issubclass(m.InterfaceError, m.Error)
    else:
        assert issubclass(m.InterfaceError, m.Error)


def test_type_objects_and_constructors(driver):
    m = driver.module
    assert m.Date(2024, 1, 2) == dt.date(2024, 1, 2)
    assert m.Time(3, 4, 5) == dt.time(3, 4, 5)
    assert m.Timestamp(2024, 1, 2, 3, 4, 5).replace(tzinfo=None) == dt.datetime(2024, 1, 2, 3, 4, 5)
    t = 1700000000.0
    assert m.DateFromTicks(t) == dt.date.fromtimestamp(t)
    assert m.TimeFromTicks(t) == dt.datetime.fromtimestamp(t).time().replace(microsecond=0)
    assert m.TimestampFromTicks(t).timestamp() == t
    assert bytes(m.Binary(b"\x00\xff")) == b"\x00\xff"
    objects = [m.STRING, m.BINARY, m.NUMBER, m.DATETIME, m.ROWID]
    for i, a in enumerate(objects):  # the five groups are distinct
        for b in objects[i + 1:]:
            assert a != b


def test_description_type_codes_compare_equal_to_type_objects(driver, dconn, server, dbname):
    import taoslink

    with taoslink.connect(server.url) as c:
        c.execute("create database %s" % dbname)
        c.execute("create table %s.ty (ts timestamp, i int, d double, u bigint unsigned, s varchar(8), "
                  "n nchar(8), b varbinary(8), g geometry(64))" % dbname)
        c.execute("insert into %s.ty values (1700000000000, 1, 1.5, 2, 'x', 'y', '\\x01', 'POINT(1 2)')" % dbname)
    m = driver.module
    cur = dconn.cursor()
    cur.execute("select * from %s.ty" % dbname)
    codes = [d[1] for d in cur.description]
    expected = [m.DATETIME, m.NUMBER, m.NUMBER, m.NUMBER, m.STRING, m.STRING, m.BINARY, m.BINARY]
    assert codes == expected, codes
    assert all(c != m.ROWID for c in codes)
    assert codes[0] != m.NUMBER and codes[4] != m.BINARY and codes[6] != m.STRING
    cur.fetchall()


# --- connection ---------------------------------------------------------------------------------

def test_connection_methods_and_exception_attributes(driver, dconn):
    for name in errors_of(driver):
        assert getattr(dconn, name) is getattr(driver.module, name), name
    assert dconn.commit() is None
    try:
        dconn.rollback()  # TDengine has no transactions: a no-op or NotSupportedError
    except driver.module.NotSupportedError:
        pass
    cur = dconn.cursor()
    cur.execute("select server_version()")
    assert cur.fetchone()


def test_connect_failure_raises_error(driver):
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    port = dead.getsockname()[1]
    dead.close()  # nothing listens there: connection refused
    with pytest.raises(driver.module.Error):
        conn = driver.open(port)  # REST connections are lazy: the first statement connects
        conn.cursor().execute("select server_version()")


def test_cursor_unusable_after_connection_close(driver, table):
    conn = driver.connect()
    cur = conn.cursor()
    cur.execute("select v from %s order by ts" % table)
    assert cur.fetchone()[0] == 1  # the rest of the block is now buffered in the cursor
    conn.close()
    if driver.differs("close_noop"):
        assert [r[0] for r in cur.fetchall()] == [2, 3]
        return
    with pytest.raises(driver.module.Error):
        cur.fetchone()


def test_use_after_connection_close(driver):
    conn = driver.connect()
    conn.close()
    if driver.differs("close_noop"):
        cur = conn.cursor()
        cur.execute("select server_version()")
        assert cur.fetchone()
        return
    with pytest.raises(driver.module.Error):
        conn.cursor().execute("select server_version()")


# --- cursor attributes --------------------------------------------------------------------------

def test_description(driver, dconn, table):
    cur = dconn.cursor()
    if driver.differs("description_empty"):
        assert cur.description == []
    elif not driver.differs("description_rest"):
        assert cur.description is None
    driver.execute(cur, "insert into %s values (1700000001000, %s, 'd')" % (table, driver.mark(0)), (4,))
    if driver.differs("description_rest"):
        assert cur.description == [["affected_rows", "INT", 4]]
    elif driver.differs("description_empty") or driver.differs("description_3tuple"):
        assert cur.description == []
    else:
        assert cur.description is None
    cur.execute("select v, s from %s" % table)
    desc = cur.description
    assert [d[0] for d in desc] == ["v", "s"]
    if driver.differs("description_rest") or driver.differs("description_3tuple"):
        assert [len(d) for d in desc] == [3, 3] and desc[1][2] == 20
    else:
        assert [len(d) for d in desc] == [7, 7]
        assert all(isinstance(d, tuple) for d in desc)
        if not driver.differs("description_7tuple_sizes"):
            assert desc[0][3] == 4 and desc[1][3] == 20  # internal_size
    cur.fetchall()


def test_rowcount(driver, dconn, table):
    cur = dconn.cursor()
    assert cur.rowcount == -1
    driver.execute(cur, "insert into %s values (1700000001000, %s, 'd')" % (table, driver.mark(0)), (4,))
    assert cur.rowcount == 1
    cur.execute("select v from %s" % table)
    if driver.differs("rowcount_kept"):
        assert cur.rowcount == 1
    else:
        assert cur.rowcount in (-1, 4)
    assert len(cur.fetchall()) == 4
    assert cur.rowcount == 4


def test_arraysize_and_fetchmany_default(driver, dconn, table):
    cur = dconn.cursor()
    cur.execute("select v from %s order by ts" % table)
    if driver.differs("arraysize_none"):
        assert cur.arraysize is None
        assert [r[0] for r in cur.fetchmany()] == [1, 2, 3]
        assert cur.fetchmany() is None
    elif driver.differs("fetchmany_all"):
        assert cur.arraysize == 1
        assert [r[0] for r in cur.fetchmany()] == [1, 2, 3]
    else:
        assert cur.arraysize == 1
        assert [r[0] for r in cur.fetchmany()] == [1]
        cur.arraysize = 2
        assert [r[0] for r in cur.fetchmany()] == [2, 3]
        assert cur.fetchmany() == []
    cur.arraysize = 2
    cur.execute("select v from %s order by ts" % table)
    if not driver.differs("fetchmany_all"):
        assert [r[0] for r in cur.fetchmany()] == [1, 2]


def test_optional_cursor_attributes(driver, dconn, table):
    cur = dconn.cursor()
    assert cur.connection is dconn
    assert cur.lastrowid is None
    assert cur.rownumber is None  # no result set yet
    cur.execute("select v from %s order by ts" % table)
    assert iter(cur) is cur
    assert next(cur)[0] == 1
    assert [r[0] for r in cur] == [2, 3]
    with pytest.raises(StopIteration):
        next(cur)
    cur.execute("select v from %s order by ts" % table)
    assert cur.rownumber == 0
    cur.fetchone()
    assert cur.rownumber == 1
    cur.fetchmany(1)
    assert cur.rownumber == 2
    cur.fetchall()
    assert cur.rownumber == 3


# --- cursor methods -----------------------------------------------------------------------------

def test_execute_with_parameters(driver, dconn, table):
    cur = dconn.cursor()
    mark = driver.mark
    sql = "insert into %s values (%s, %s, %s)" % (table, mark(0), mark(1), mark(2))
    if driver.differs("format_params"):
        sql = "insert into %s values ({}, {}, '{}')" % table  # str.format: quotes in the template
    driver.execute(cur, sql, (1700000001000, 7, "it's"))
    assert cur.rowcount == 1
    driver.execute(cur, "select s from %s where v = %s" % (table, mark(0)), (7,))
    assert [tuple(r) for r in cur.fetchall()] == [("it's",)]
    if driver.module.paramstyle == "pyformat" and not driver.differs("format_params"):
        cur.execute("select s from %s where v = %%(v)s and s = %%(s)s" % table, {"v": 7, "s": "it's"})
        assert [tuple(r) for r in cur.fetchall()] == [("it's",)]


def test_executemany(driver, dconn, table):
    cur = dconn.cursor()
    mark = driver.mark
    rows = [(1700000001000 + i, 10 + i, "m%d" % i) for i in range(3)]
    if driver.differs("format_params"):
        cur.executemany("insert into %s values ({}, {}, '{}')" % table, rows)
    else:
        cur.executemany("insert into %s values (%s, %s, %s)" % (table, mark(0), mark(1), mark(2)), rows)
    assert cur.rowcount == 3
    cur.execute("select v from %s where v >= 10 order by ts" % table)
    assert [r[0] for r in cur.fetchall()] == [10, 11, 12]


def test_fetch_methods(driver, dconn, table):
    cur = dconn.cursor()
    cur.execute("select v, s from %s order by ts" % table)
    assert tuple(cur.fetchone()) == (1, "a")
    assert [tuple(r) for r in cur.fetchmany(1)] == [(2, "b")]
    assert [tuple(r) for r in cur.fetchall()] == [(3, "c")]
    assert cur.fetchone() is None
    assert cur.fetchmany(2) == [] and cur.fetchall() == []
    cur.execute("select v from %s order by ts" % table)
    assert [r[0] for r in cur.fetchmany(5)] == [1, 2, 3]


def test_fetch_without_result_set_raises(driver, dconn, table):
    m = driver.module
    cur = dconn.cursor()
    for fetch in (cur.fetchone, cur.fetchall, lambda: cur.fetchmany(1)):
        with pytest.raises(m.Error):
            fetch()  # no execute yet
    driver.execute(cur, "insert into %s values (1700000001000, %s, 'd')" % (table, driver.mark(0)), (4,))
    if driver.differs("affected_rows_result"):
        assert list(cur.fetchone()) == [1]
    elif driver.differs("no_result_fetch_none"):
        assert cur.fetchone() is None and cur.fetchall() == []
    else:
        for fetch in (cur.fetchone, cur.fetchall, lambda: cur.fetchmany(1)):
            with pytest.raises(m.Error):
                fetch()


def test_cursor_close(driver, dconn, table):
    m = driver.module
    cur = dconn.cursor()
    cur.execute("select v from %s" % table)
    cur.close()
    if driver.differs("close_noop"):
        assert len(cur.fetchall()) == 3
        return
    with pytest.raises(m.Error):
        cur.fetchone()
    with pytest.raises(m.Error):
        cur.execute("select v from %s" % table)
    other = dconn.cursor()  # closing a cursor leaves the connection alone
    other.execute("select count(*) from %s" % table)
    assert other.fetchone()[0] == 3


def test_callproc_nextset_sizes(driver, dconn, table):
    m = driver.module
    cur = dconn.cursor()
    if driver.differs("callproc_noop"):
        assert cur.callproc("p") is None
    else:
        with pytest.raises(m.NotSupportedError):
            cur.callproc("p")
    cur.execute("select v from %s" % table)
    try:
        assert cur.nextset() is None  # one result set per statement
    except m.NotSupportedError:
        pass
    if driver.differs("setsizes_raise"):
        with pytest.raises(m.NotSupportedError):
            cur.setinputsizes([None])
        with pytest.raises(m.NotSupportedError):
            cur.setoutputsize(10)
    else:
        assert cur.setinputsizes([None]) is None
        assert cur.setoutputsize(10) is None and cur.setoutputsize(10, 0) is None
    assert len(cur.fetchall()) == 3


def test_bad_parameters_raise_error(driver, dconn, table):
    m = driver.module
    cur = dconn.cursor()
    mark = driver.mark
    sql = "insert into %s values (%s, %s, %s)" % (table, mark(0), mark(1), mark(2))
    for params in [(1700000001000, 1), (1700000001000, 1, "a", 2)]:  # too few, too many
        with pytest.raises(m.DatabaseError):
            driver.execute(cur, sql, params)
    with pytest.raises(m.Error):
        driver.execute(cur, sql, (1700000001000, object(), "a"))  # no SQL form for this value
    cur.execute("select count(*) from %s" % table)
    assert cur.fetchall()[0][0] == 3  # nothing was written


def test_errors_are_database_errors(driver, dconn):
    m = driver.module
    cur = dconn.cursor()
    with pytest.raises(m.Error) as ei:
        cur.execute("selec 1")
    if driver.differs("sql_error_connect_error"):
        assert not isinstance(ei.value, m.DatabaseError) and isinstance(ei.value, m.ConnectError)
    else:
        assert isinstance(ei.value, m.DatabaseError)
