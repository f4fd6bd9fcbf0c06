"""The official clients' side: taospy's ``taosrest`` (REST) and ``taos`` (native, over the same
libtaos.so as ours), and taos-ws-py's ``taosws`` (WebSocket). Runs in their own venv.

Each workload uses the client's documented way; a DataFrame is built the way their users do,
``pandas.DataFrame(cursor.fetchall(), columns=...)``.
"""

from __future__ import annotations

import data
from clients_common import NotAvailable, Client

USER, PASSWORD = "root", "taosdata"


class Official(Client):
    side = "official"

    def __init__(self, transport: str, host: str, port: int):
        super().__init__(transport, host, port)
        self.conn = None

    def import_module(self):
        __import__({"rest": "taosrest", "ws": "taosws", "native": "taos"}[self.transport])

    def connect(self):
        if self.transport == "rest":
            import taosrest
            self.conn = taosrest.connect(url="http://%s:%d" % (self.host, self.port), user=USER,
                                         password=PASSWORD, database=data.DB)
        elif self.transport == "ws":
            import taosws
            self.conn = taosws.connect("ws://%s:%s@%s:%d/%s" % (USER, PASSWORD, self.host, self.port, data.DB))
        else:
            import taos
            self.conn = taos.connect(host=self.host, port=self.port, user=USER, password=PASSWORD,
                                     database=data.DB)
        return self.conn

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    # -- fetch (fetchall: Client's)

    def iterate(self, sql):
        n = 0
        if self.transport == "rest":      # TaosRestCursor is not iterable: fetchone() until None
            cur = self._cursor(sql)
            while cur.fetchone() is not None:
                n += 1
            return n
        for _ in self.conn.query(sql):    # taosws.TaosResult / taos.TaosResult iterate rows
            n += 1
        return n

    def into_dict(self, sql):
        if self.transport == "ws":
            return len(self._cursor(sql).fetch_all_into_dict())
        if self.transport == "native":
            return len(self.conn.query(sql).fetch_all_into_dict())
        raise NotAvailable("not in taosrest")

    def dataframe(self, sql):
        import pandas as pd
        cur = self._cursor(sql)
        rows = cur.fetchall()
        return len(pd.DataFrame(rows, columns=[d[0] for d in cur.description]))

    # -- small queries
    def small_query_fn(self, sql):
        cur = self.conn.cursor()

        def one():
            cur.execute(sql)
            return len(cur.fetchall())
        return one

    # -- inserts
    def insert_sql(self, statements):
        n = 0
        if self.transport == "ws":
            for s in statements:
                n += self.conn.execute(s)
            return n
        cur = self.conn.cursor()
        for s in statements:
            cur.execute(s)
            n += cur.rowcount
        return n

    def insert_stmt(self, table, tag, batches, use_numpy=False):
        if use_numpy:
            raise NotAvailable("binds lists only")
        if self.transport == "ws":
            return self._stmt_ws(table, tag, batches)
        if self.transport == "native":
            return self._stmt_native(table, tag, batches)
        raise NotAvailable("not in taosrest")

    def _stmt_ws(self, table, tag, batches):
        import taosws
        stmt = self.conn.statement()
        stmt.prepare(data.STMT_SQL)
        stmt.set_tbname(table)
        stmt.set_tags([taosws.int_to_tag(tag)])
        n = 0
        for ts, ci, cb, cd, cbo, cv in batches:
            stmt.bind_param([taosws.millis_timestamps_to_column(ts), taosws.ints_to_column(ci),
                             taosws.big_ints_to_column(cb), taosws.doubles_to_column(cd),
                             taosws.bools_to_column(cbo), taosws.varchar_to_column(cv)])
            stmt.add_batch()
            n += stmt.execute()
        stmt.close()
        return n

    def _stmt_native(self, table, tag, batches):
        import taos
        stmt = self.conn.statement(data.STMT_SQL)
        tags = taos.new_bind_params(1)
        tags[0].int(tag)
        stmt.set_tbname_tags(table, tags)
        for ts, ci, cb, cd, cbo, cv in batches:
            binds = taos.new_multi_binds(6)
            binds[0].timestamp(ts)
            binds[1].int(ci)
            binds[2].bigint(cb)
            binds[3].double(cd)
            binds[4].bool(cbo)
            binds[5].binary(cv)
            stmt.bind_param_batch(binds)
            stmt.execute()
        n = stmt.affected_rows          # taos_stmt_affected_rows counts since prepare
        stmt.close()
        return n

    def insert_sml(self, calls):
        n = 0
        if self.transport == "ws":
            import taosws
            for lines in calls:
                self.conn.schemaless_insert(lines=lines, protocol=taosws.PySchemalessProtocol.Line,
                                            precision=taosws.PySchemalessPrecision.Nanosecond, ttl=0, req_id=0)
                n += len(lines)
            return n
        if self.transport == "native":
            import taos
            for lines in calls:
                self.conn.schemaless_insert(lines, taos.SmlProtocol.LINE_PROTOCOL, taos.SmlPrecision.NANO_SECONDS)
                n += len(lines)
            return n
        raise NotAvailable("not in taosrest")
