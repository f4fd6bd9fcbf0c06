"""Recursive-descent parser: SQL text -> sqlast statement.

Only syntax lives here; names are resolved and values checked by the engine.
Errors follow TDengine's parser: 0x2600 quoting the SQL from the offending
token, 0x2601 when the statement ends early.
"""

from . import errors
from . import sqlast as A
from . import types as T
from .sqllex import Tok, tokenize

_DUR_NS = {"b": 1, "u": 1_000, "us": 1_000, "a": 1_000_000, "ms": 1_000_000, "s": 1_000_000_000,
           "m": 60_000_000_000, "h": 3_600_000_000_000, "d": 86_400_000_000_000,
           "w": 604_800_000_000_000}

_CMP_OPS = ("=", "==", "!=", "<>", "<", "<=", ">", ">=")


def parse(sql: str):
    return Parser(sql).statement()


def duration_ns(text: str) -> int:
    num = "".join(ch for ch in text if ch.isdigit())
    unit = text[len(num):]
    if unit not in _DUR_NS:  # n (month) / y (year) are calendar units
        raise errors.syntax_error(text)
    return int(num) * _DUR_NS[unit]


class Parser:
    def __init__(self, sql: str):
        self.sql = sql
        self.toks = tokenize(sql)
        self.i = 0

    # -- token helpers -------------------------------------------------------
    def peek(self, k: int = 0) -> Tok:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def next(self) -> Tok:
        t = self.toks[self.i]
        if t.kind != "EOF":
            self.i += 1
        return t

    def error(self, tok: Tok | None = None):
        tok = tok or self.peek()
        if tok.kind == "EOF":
            return errors.TaosError(errors.PAR_INCOMPLETE_SQL)
        return errors.syntax_error(self.sql[tok.pos:])

    def kw(self, *words) -> bool:
        if self.peek().is_kw(*words):
            self.i += 1
            return True
        return False

    def op(self, *ops) -> bool:
        if self.peek().is_op(*ops):
            self.i += 1
            return True
        return False

    def expect_kw(self, *words) -> str:
        t = self.peek()
        if not t.is_kw(*words):
            raise self.error(t)
        self.i += 1
        return t.text

    def expect_op(self, o: str):
        if not self.op(o):
            raise self.error()

    def ident(self) -> str:
        t = self.peek()
        if t.kind == "ID":
            self.i += 1
            return t.text
        if t.kind == "QID":
            self.i += 1
            return t.text
        raise self.error(t)

    def table_name(self) -> A.TableName:
        pos = self.peek().pos
        first = self.ident()
        if self.op("."):
            return A.TableName(first, self.ident(), pos)
        return A.TableName(None, first, pos)

    def if_not_exists(self) -> bool:
        if self.peek().is_kw("if"):
            self.next()
            self.expect_kw("not")
            self.expect_kw("exists")
            return True
        return False

    def if_exists(self) -> bool:
        if self.peek().is_kw("if"):
            self.next()
            self.expect_kw("exists")
            return True
        return False

    def end(self):
        self.op(";")
        if self.peek().kind != "EOF":
            raise self.error()

    # -- statements ----------------------------------------------------------
    def statement(self):
        t = self.peek()
        if t.kind == "EOF":
            raise errors.TaosError(errors.PAR_INCOMPLETE_SQL)
        handler = {
            "create": self.create, "drop": self.drop, "use": self.use, "show": self.show,
            "describe": self.describe, "desc": self.describe, "insert": self.insert,
            "select": self.select,
        }.get(t.text if t.kind == "ID" else "")
        if handler is None:
            raise self.error(t)
        self.next()
        stmt = handler()
        self.end()
        return stmt

    def create(self):
        if self.kw("database"):
            ine = self.if_not_exists()
            name = self.ident()
            precision = "ms"
            while self.peek().kind not in ("EOF",) and not self.peek().is_op(";"):
                if self.kw("precision"):
                    t = self.next()
                    if t.kind != "STR" or t.text.lower() not in ("ms", "us", "ns"):
                        raise self.error(t)
                    precision = t.text.lower()
                else:
                    self.next()  # other options are accepted and ignored
            return A.CreateDatabase(name, ine, precision)
        if self.kw("stable"):
            return self.create_table(True)
        if self.kw("table"):
            return self.create_table(False)
        if self.kw("topic"):
            return self.create_topic()
        raise self.error()

    def create_topic(self):
        ine = self.if_not_exists()
        name = self.ident()
        with_meta = False
        if self.kw("with"):
            self.expect_kw("meta")
            with_meta = True
        elif self.kw("only"):
            self.expect_kw("meta")
            with_meta = True
        self.expect_kw("as")
        if self.kw("database"):
            return A.CreateTopic(name, ine, "db", self.sql.strip(), db=self.ident(),
                                 with_meta=with_meta)
        if self.kw("stable"):
            tn = self.table_name()
            where = self.expr() if self.kw("where") else None
            return A.CreateTopic(name, ine, "stable", self.sql.strip(), table=tn, where=where,
                                 with_meta=with_meta)
        if self.peek().is_kw("select"):
            self.next()
            sel = self.select()
            return A.CreateTopic(name, ine, "column", self.sql.strip(), select=sel,
                                 with_meta=with_meta)
        raise self.error()

    def create_table(self, stable_kw: bool):
        ine = self.if_not_exists()
        name = self.table_name()
        if self.peek().is_kw("using") and not stable_kw:
            items = [self.child_clause(name, ine)]
            while self.peek().kind in ("ID", "QID") and not self.peek().is_op(";"):
                ine2 = self.if_not_exists()
                items.append(self.child_clause(self.table_name(), ine2))
            return items[0] if len(items) == 1 else A.CreateChildren(items)
        self.expect_op("(")
        cols = self.column_defs()
        tags = []
        if self.kw("tags"):
            self.expect_op("(")
            tags = self.column_defs()
        elif stable_kw:
            raise self.error()
        while self.peek().kind != "EOF" and not self.peek().is_op(";"):
            self.next()  # table options (comment, ttl, ...) are ignored
        return A.CreateTable(name, ine, cols, tags, stable_kw)

    def child_clause(self, name, ine):
        self.expect_kw("using")
        st = self.table_name()
        tag_names = None
        if self.op("("):
            tag_names = self.name_list()
        self.expect_kw("tags")
        self.expect_op("(")
        vals = self.value_list()
        while self.peek().is_kw("ttl", "comment"):
            self.next()
            self.next()
        return A.CreateChild(name, ine, st, tag_names, vals)

    def name_list(self) -> list:
        names = [self.ident()]
        while self.op(","):
            names.append(self.ident())
        self.expect_op(")")
        return names

    def column_defs(self) -> list:
        defs = []
        while True:
            name = self.ident()
            typ = self.type_spec()
            # column options we accept but ignore
            while self.peek().is_kw("encode", "compress", "level", "comment", "primary", "key",
                                    "composite"):
                w = self.next()
                if w.text in ("encode", "compress", "level", "comment"):
                    self.next()
            defs.append(A.ColumnDef(name, typ))
            if self.op(","):
                continue
            self.expect_op(")")
            return defs

    def type_spec(self) -> T.SqlType:
        t = self.peek()
        if t.kind != "ID":
            raise self.error(t)
        word = t.text.upper()
        self.next()
        if word in T.SIMPLE_TYPE_WORDS:
            code = T.SIMPLE_TYPE_WORDS[word]
            if code in T.UNSIGNED_OF and self.kw("unsigned"):
                code = T.UNSIGNED_OF[code]
            if code == T.BLOB and self.op("("):  # tolerate BLOB(n)
                self.next()
                self.expect_op(")")
            return T.SqlType(code, 0)
        if word in T.SIZED_TYPE_WORDS:
            self.expect_op("(")
            n = self.next()
            if n.kind != "NUM" or not n.text.isdigit():
                raise self.error(n)
            self.expect_op(")")
            width = int(n.text)
            code = T.SIZED_TYPE_WORDS[word]
            limit = T.MAX_NCHAR_LEN if code == T.NCHAR else T.MAX_BINARY_LEN
            if width < 1 or width > limit:
                raise errors.TaosError(errors.PAR_INVALID_VAR_COLUMN_LEN)
            return T.SqlType(code, width)
        if word in ("DECIMAL", "NUMERIC"):
            p, s = 10, 0
            if self.op("("):
                p = int(self.next().text)
                if self.op(","):
                    s = int(self.next().text)
                self.expect_op(")")
            if not (1 <= p <= 38) or not (0 <= s <= p):
                raise errors.TaosError(errors.PAR_SYNTAX_ERROR,
                                       f"Invalid column type: decimal({p},{s})")
            return T.decimal_type(p, s)
        raise self.error(t)

    def drop(self):
        if self.kw("topic"):
            ie = self.if_exists()
            name = self.ident()
            return A.DropTopic(name, ie, self.kw("force"))
        if self.kw("database", "db"):
            ie = self.if_exists()
            return A.DropDatabase(self.ident(), ie)
        stable = False
        if self.kw("stable"):
            stable = True
        else:
            self.expect_kw("table")
        ie = self.if_exists()
        tables = [self.table_name()]
        while self.op(","):
            self.if_exists()
            tables.append(self.table_name())
        return A.DropTables(tables, ie, stable)

    def use(self):
        return A.UseDatabase(self.ident())

    def describe(self):
        return A.Describe(self.table_name())

    def show(self):
        if self.kw("databases"):
            return A.Show("databases")
        if self.peek().is_kw("topics", "consumers", "subscriptions"):
            return A.Show(self.next().text)
        if self.kw("create"):
            if self.kw("database"):
                return A.Show("create_database", db=self.ident())
            self.expect_kw("table", "stable")
            return A.Show("create_table", table=self.table_name())
        # SHOW [NORMAL | CHILD] [db.]TABLES, SHOW [db.]STABLES, SHOW [db.]VIEWS
        kind = self.next().text if self.peek().is_kw("normal", "child") else None
        db = None
        if self.peek(1).is_op(".") and self.peek(2).is_kw("stables", "tables", "views"):
            db = self.ident()
            self.next()
        what = self.expect_kw("stables", "tables", "views")
        if kind is not None:
            if what != "tables":
                raise self.error()
            what = kind + "_tables"
        if self.kw("from"):
            db = self.ident()
        like = None
        if self.kw("like"):
            t = self.next()
            if t.kind != "STR":
                raise self.error(t)
            like = t.text
        return A.Show(what, db=db, like=like)

    # -- insert --------------------------------------------------------------
    def insert(self):
        self.expect_kw("into")
        targets = []
        while True:
            tgt = A.InsertTarget(self.table_name())
            if self.kw("using"):
                tgt.stable = self.table_name()
                if self.op("("):
                    tgt.tag_names = self.name_list()
                self.expect_kw("tags")
                self.expect_op("(")
                tgt.tag_values = self.value_list()
            if self.op("("):
                tgt.columns = self.name_list()
            self.expect_kw("values")
            while True:
                self.expect_op("(")
                tgt.rows.append(self.value_list())
                self.op(",")
                if not self.peek().is_op("("):
                    break
            targets.append(tgt)
            if self.peek().kind in ("ID", "QID"):
                continue
            return A.Insert(targets)

    def value_list(self) -> list:
        vals = [self.value()]
        while self.op(","):
            vals.append(self.value())
        self.expect_op(")")
        return vals

    def value(self) -> A.Lit:
        t = self.peek()
        if t.kind == "STR":
            self.next()
            return A.Lit("str", t.text, t.pos, t.raw)
        if t.kind == "HEX":
            self.next()
            return A.Lit("hex", t.text[2:], t.pos)
        if t.kind == "NUM":
            self.next()
            return self.number(t.text, t.pos)
        if t.is_op("-", "+"):
            self.next()
            n = self.peek()
            if n.kind != "NUM":
                raise self.error(n)
            self.next()
            return self.number(t.text + n.text, t.pos)
        if t.kind == "ID":
            if t.text == "null":
                self.next()
                return A.Lit("null", None, t.pos)
            if t.text in ("true", "false"):
                self.next()
                return A.Lit("bool", t.text == "true", t.pos)
            if t.text in ("now", "today"):
                self.next()
                if self.op("("):
                    self.expect_op(")")
                offset = 0
                while self.peek().is_op("+", "-"):
                    sign = -1 if self.next().text == "-" else 1
                    d = self.next()
                    if d.kind != "DUR":
                        raise self.error(d)
                    offset += sign * duration_ns(d.text)
                return A.Lit(t.text, offset, t.pos)
        raise self.error(t)

    @staticmethod
    def number(text: str, pos: int) -> A.Lit:
        if any(c in text for c in ".eE"):
            return A.Lit("float", text, pos)
        return A.Lit("int", int(text), pos)

    # -- select --------------------------------------------------------------
    def select(self):
        items = []
        while True:
            start = self.peek().pos
            if self.peek().is_op("*"):
                self.next()
                expr = A.Star()
            else:
                expr = self.expr()
            alias = None
            if self.kw("as"):
                alias = self.ident()
            elif self.peek().kind == "QID" or (self.peek().kind == "ID" and not self.peek().is_kw(
                    "from", "where", "order", "limit", "partition", "group", "slimit", "offset")):
                alias = self.ident()
            end = self.peek().pos
            text = self.sql[start:end].strip()
            if alias is not None:
                text = text[: text.lower().rfind(alias.lower())].strip()
                if text.lower().endswith(" as"):
                    text = text[:-3].strip()
            items.append(A.SelectItem(expr, alias, text))
            if not self.op(","):
                break
        table = None
        if self.kw("from"):
            table = self.table_name()
        stmt = A.Select(items, table)
        if self.kw("where"):
            stmt.where = self.expr()
        if self.kw("partition"):
            self.expect_kw("by")
            self.expect_kw("tbname")
            stmt.partition_by_tbname = True
        if self.kw("order"):
            self.expect_kw("by")
            while True:
                e = self.expr()
                desc = False
                if self.kw("desc"):
                    desc = True
                else:
                    self.kw("asc")
                stmt.order.append((e, desc))
                if not self.op(","):
                    break
        if self.kw("limit"):
            a = self.int_token()
            if self.kw("offset"):
                stmt.limit, stmt.offset = a, self.int_token()
            elif self.op(","):
                stmt.offset, stmt.limit = a, self.int_token()
            else:
                stmt.limit = a
        return stmt

    def int_token(self) -> int:
        t = self.next()
        if t.kind != "NUM" or not t.text.isdigit():
            raise self.error(t)
        return int(t.text)

    # -- expressions ---------------------------------------------------------
    def expr(self):
        left = self.and_expr()
        while self.kw("or"):
            left = A.BinOp("or", left, self.and_expr())
        return left

    def and_expr(self):
        left = self.not_expr()
        while self.kw("and"):
            left = A.BinOp("and", left, self.not_expr())
        return left

    def not_expr(self):
        if self.kw("not"):
            return A.Unary("not", self.not_expr())
        return self.predicate()

    def predicate(self):
        left = self.additive()
        t = self.peek()
        if t.kind == "OP" and t.text in _CMP_OPS:
            self.next()
            op = {"==": "=", "<>": "!="}.get(t.text, t.text)
            return A.BinOp(op, left, self.additive())
        if self.kw("is"):
            neg = self.kw("not")
            self.expect_kw("null")
            return A.IsNull(left, neg)
        neg = self.kw("not")
        if self.kw("in"):
            self.expect_op("(")
            items = [self.additive()]
            while self.op(","):
                items.append(self.additive())
            self.expect_op(")")
            return A.InList(left, items, neg)
        if self.kw("between"):
            lo = self.additive()
            self.expect_kw("and")
            return A.Between(left, lo, self.additive(), neg)
        if self.kw("like"):
            return A.Like(left, self.additive(), neg)
        if neg:
            raise self.error()
        return left

    def additive(self):
        left = self.term()
        while self.peek().is_op("+", "-"):
            op = self.next().text
            left = A.BinOp(op, left, self.term())
        return left

    def term(self):
        left = self.unary()
        while self.peek().is_op("*", "/", "%"):
            op = self.next().text
            left = A.BinOp(op, left, self.unary())
        return left

    def unary(self):
        if self.peek().is_op("-"):
            t = self.next()
            if self.peek().kind == "NUM":
                return self.number("-" + self.next().text, t.pos)
            return A.Unary("-", self.unary())
        if self.op("+"):
            return self.unary()
        return self.primary()

    def primary(self):
        t = self.peek()
        if t.is_op("("):
            self.next()
            e = self.expr()
            self.expect_op(")")
            return e
        if t.kind in ("STR", "HEX", "NUM"):
            return self.value()
        if t.kind == "DUR":  # a bare duration, e.g. ts > now - 1d is handled in value()
            self.next()
            return A.Lit("int", duration_ns(t.text), t.pos)
        if t.kind == "ID" and t.text in ("null", "true", "false"):
            return self.value()
        if t.kind == "ID" and t.text in ("now", "today") and not self.peek(1).is_op("."):
            return self.value()
        if t.kind in ("ID", "QID"):
            self.next()
            if t.kind == "ID" and self.peek().is_op("("):
                self.next()
                if self.op("*"):
                    self.expect_op(")")
                    return A.Func(t.text, [], True)
                args = []
                if not self.peek().is_op(")"):
                    args.append(self.expr())
                    while self.op(","):
                        args.append(self.expr())
                self.expect_op(")")
                return A.Func(t.text, args)
            node = A.Col(t.text)
            if self.op("."):
                if self.op("*"):
                    return A.Star()
                node = A.Col(self.ident(), t.text)
            if self.op("->"):
                k = self.next()
                if k.kind != "STR":
                    raise self.error(k)
                return A.JsonGet(node, k.text)
            return node
        raise self.error(t)
