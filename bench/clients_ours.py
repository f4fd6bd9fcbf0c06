"""taoslink's side of every workload, one class for all three transports.

The main API (``taoslink``) does everything; ``fetch_all_into_dict`` exists only in the drop-ins
(our ``taosws`` and ``taos``), so that row uses them, and the ws iteration row uses our ``taosws``'s
``Connection.query()`` as the official side does. Each method returns the number of rows
(or lines) it handled, for the runner to check.
"""

from __future__ import annotations

import data
from clients_common import NotAvailable, Client


class Ours(Client):
    side = "ours"

    def __init__(self, transport: str, host: str, port: int):
        super().__init__(transport, host, port)
        scheme = {"rest": "http", "ws": "ws", "native": "taos"}[transport]
        self.dsn = "%s://root:taosdata@%s:%d/%s" % (scheme, host, port, data.DB)
        self.conn = None
        self.dropin = None         # our taosws / taos connection, for fetch_all_into_dict

    def import_module(self):
        import taoslink  # noqa: F401

    def connect(self):
        import taoslink
        self.conn = taoslink.connect(self.dsn)
        return self.conn

    def close(self):
        for c in (self.conn, self.dropin):
            if c is not None:
                c.close()
        self.conn = self.dropin = None

    # -- fetch (fetchall: Client's)

    def iterate(self, sql):
        n = 0
        if self.transport == "ws":
            # Like for like with taos-ws-py, whose iteration is Connection.query(): our taosws's
            # query() yields the same values (TIMESTAMPs as its text), not the cursor's datetimes.
            for _ in self._dropin_ws().query(sql):
                n += 1
            return n
        for _ in self._cursor(sql):
            n += 1
        return n

    def _dropin_ws(self):
        import taosws
        if self.dropin is None:
            self.dropin = taosws.connect(self.dsn)
        return self.dropin

    def into_dict(self, sql):
        # The drop-in's connection is opened once and kept, like self.conn (best_of takes the
        # fastest run, so the first run's connect does not count).
        if self.transport == "ws":
            cur = self._dropin_ws().cursor()
            cur.execute(sql)
            return len(cur.fetch_all_into_dict())
        if self.transport == "native":
            import taos
            if self.dropin is None:
                # database= as the official side: the simulator's cache key includes the session's
                # database, and a miss would time the simulator encoding 1M rows (was 10 s).
                self.dropin = taos.connect(host=self.host, port=self.port, user="root", password="taosdata",
                                           database=data.DB)
            return len(self.dropin.query(sql).fetch_all_into_dict())
        raise NotAvailable("not in taosrest's API")

    def _method(self, name):
        cur = self.conn.cursor()
        if not hasattr(cur, name):
            raise NotAvailable("no Cursor.%s() in this build" % name)
        return cur

    def dataframe(self, sql):
        cur = self._method("fetch_df")
        cur.execute(sql)
        return len(cur.fetch_df())

    def numpy(self, sql):
        cur = self._method("fetchnumpy")
        cur.execute(sql)
        return len(next(iter(cur.fetchnumpy().values())))

    def arrow(self, sql):
        cur = self._method("fetch_arrow")
        cur.execute(sql)
        return cur.fetch_arrow().num_rows

    # -- small queries: one cursor, as an application would keep
    def small_query_fn(self, sql):
        cur = self.conn.cursor()

        def one():
            cur.execute(sql)
            return len(cur.fetchall())
        return one

    # -- inserts
    def insert_sql(self, statements):
        cur = self.conn.cursor()
        n = 0
        for s in statements:
            cur.execute(s)
            n += cur.rowcount
        return n

    def insert_stmt(self, table, tag, batches, use_numpy=False):
        # `batches` holds numpy arrays when use_numpy (built by the caller, untimed)
        if self.transport == "rest":
            raise NotAvailable("REST has no statements")
        n = 0
        with self.conn.statement(data.STMT_SQL) as st:
            st.set_tbname(table)
            st.set_tags([tag], types=["int"])
            for cols in batches:
                st.bind(cols, types=data.STMT_TYPES)
                st.add_batch()
                n += st.execute()
        return n

    def insert_sml(self, calls):
        n = 0
        for lines in calls:
            self.conn.schemaless_insert(lines, protocol="line", precision="ns")
            n += len(lines)
        return n
