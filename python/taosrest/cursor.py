"""taospy's ``TaosRestCursor``, with the PEP 249 fixes listed in docs/compat.md."""

from typing import Optional

from taoslink.params import format_pyformat

from .errors import NotSupportedError, OperationalError, ProgrammingError
from .restclient import RestClient

__all__ = ["TaosRestCursor"]


class TaosRestCursor:
    """A cursor over one client. Results are read whole (``rowcount`` is known right after
    execute(), as in taospy); rows are lists; ``description`` is taosAdapter's ``column_meta``
    (``[name, type_name, length]`` lists)."""

    def __init__(self, client: RestClient, connection=None):
        self._c = client
        #: PEP 249 extensions (missing from taospy): the connection that made the cursor, and no row ids.
        self.connection = connection
        self.lastrowid = None
        self.arraysize = 1
        self._rowcount = -1
        self._response = None
        self._index = -1
        self._description = None
        self._logfile = ""
        self._affected_rows = None

    @property
    def rowcount(self):
        """Rows the last execute produced (queries) or affected (INSERT)."""
        return self._rowcount

    @property
    def rownumber(self):
        """PEP 249 extension: the 0-based index of the next row; None before execute."""
        if self._response is None:
            return None
        return min(self._index + 1, self._response["rows"])

    @property
    def affected_rows(self):
        """Rows inserted by the last statement; None for queries."""
        return self._affected_rows

    @property
    def description(self):
        """Per column ``[column_name, type_name, internal_size]``; None before execute."""
        if self._response is None:
            return None
        return self._description

    def callproc(self, procname, parameters=None):
        raise NotSupportedError()

    def close(self):
        pass

    def execute(self, operation: str, parameters=None, req_id: Optional[int] = None):
        """Executes one statement. ``parameters`` (a sequence for ``%s``, a mapping for
        ``%(name)s``) are rendered as escaped SQL literals; taospy ignored them. Returns the
        affected rows for INSERT/DDL, None for queries."""
        if parameters is not None:
            operation = format_pyformat(operation, parameters, ProgrammingError)
        self._response = None
        self._index = -1
        self._response = self._c.sql(operation, req_id=req_id)

        if self._logfile:
            with open(self._logfile, "a", encoding="utf-8") as logfile:
                logfile.write("%s;\n" % operation)

        if self._response["column_meta"][0][0] == "affected_rows":
            self._description = self._response["column_meta"]
            self._affected_rows = self._response["data"][0][0]
            self._rowcount = self._affected_rows
            return self._affected_rows
        self._description = self._response["column_meta"]
        self._affected_rows = None
        self._rowcount = self._response["rows"]
        return None

    def log(self, logfile):
        """Appends every executed statement to ``logfile``."""
        self._logfile = logfile

    def executemany(self, operation: str, parameters=None, req_id: Optional[int] = None):
        """Executes ``operation`` once per parameter set (once, when ``parameters`` is None);
        rowcount/affected_rows add up over the runs."""
        if parameters is None:
            return self.execute(operation, None, req_id)
        total = 0
        ran = False
        for params in parameters:
            n = self.execute(operation, params, req_id)
            ran = True
            if n is not None:
                total += n
        if ran and self._affected_rows is not None:
            self._affected_rows = total
            self._rowcount = total
            return total
        return None

    def istype(self, col, datatype):
        if datatype.upper().strip() == self._description[col][1]:
            return True
        if datatype.upper().strip() == "BINARY" and self._description[col][1] == "VARCHAR":
            return True
        return False

    def get_type(self, col):
        if not self._description:
            return None
        return self._description[col][1]

    def fetchone(self):
        """The next row (a list), or None."""
        if self._response is None:
            raise OperationalError("no result to fetch")
        self._index += 1
        if self._index + 1 > self._response["rows"]:
            return None
        return self._response["data"][self._index]

    def fetchmany(self, size=None):
        """Up to ``size`` rows (default ``arraysize``) as a list; taospy returned one row."""
        if self._response is None:
            raise OperationalError("no result to fetch")
        if size is None:
            size = self.arraysize
        start = self._index + 1
        end = min(start + max(int(size), 0), self._response["rows"])
        if end <= start:
            return []
        self._index = end - 1
        return self._response["data"][start:end]

    def fetchall(self):
        """The remaining rows."""
        if self._response is None:
            raise OperationalError("no result to fetch")
        start_index = self._index + 1
        self._index = self._response["rows"]
        return self._response["data"][start_index:]

    def nextset(self):
        raise NotSupportedError()

    def setinputsizes(self, *args, **kwargs):
        raise NotSupportedError()

    def setoutputsize(self, size, column=None):
        raise NotSupportedError()

    def __iter__(self):
        return self

    def __next__(self):
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
