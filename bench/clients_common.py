"""The interface every benchmarked client implements (ours and the official ones)."""

from __future__ import annotations


class NotAvailable(Exception):
    """The client's API has no way to do this workload; the table shows "-" and why."""


class Client:
    side = ""

    def __init__(self, transport: str, host: str, port: int):
        self.transport = transport
        self.host = host
        self.port = port

    def import_module(self):
        raise NotImplementedError

    def connect(self):
        raise NotImplementedError

    def close(self):
        pass

    # Each returns the number of rows or lines handled; NotAvailable where the API has no way.
    def _cursor(self, sql):
        """A PEP 249 cursor of ``self.conn`` that has run ``sql``."""
        cur = self.conn.cursor()
        cur.execute(sql)
        return cur

    def fetchall(self, sql):
        return len(self._cursor(sql).fetchall())

    def iterate(self, sql): raise NotAvailable("no iteration")
    def into_dict(self, sql): raise NotAvailable("no fetch_all_into_dict")
    def dataframe(self, sql): raise NotAvailable("no DataFrame")
    def numpy(self, sql): raise NotAvailable("no such API")
    def arrow(self, sql): raise NotAvailable("no such API")
    def small_query_fn(self, sql): raise NotAvailable("no queries")
    def insert_sql(self, statements): raise NotAvailable("no SQL insert")
    def insert_stmt(self, table, tag, batches, use_numpy=False): raise NotAvailable("no statements")
    def insert_sml(self, calls): raise NotAvailable("no schemaless insert")
