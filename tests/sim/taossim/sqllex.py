"""Tokenizer for the subset of TDengine SQL the simulator understands.

Tokens keep their offset into the SQL text because TDengine's error messages
quote the statement from the offending token onwards.
"""

import re
from dataclasses import dataclass

from . import errors


@dataclass(frozen=True)
class Tok:
    kind: str    # ID, QID, STR, NUM, HEX, DUR, OP, EOF
    text: str    # ID: lowercased; QID: unquoted; STR: raw body (escapes kept); others: as written
    pos: int
    raw: str = ""  # original spelling (IDs keep their case here)

    def is_kw(self, *words: str) -> bool:
        return self.kind == "ID" and self.text in words

    def is_op(self, *ops: str) -> bool:
        return self.kind == "OP" and self.text in ops


_WS = re.compile(r"\s+")
_NUM = re.compile(r"(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?")
_HEX = re.compile(r"0[xX][0-9a-fA-F]+")
_DUR = re.compile(r"\d+(?:b|us|u|a|ms|s|m|h|d|w|n|y)(?![A-Za-z0-9_])", re.IGNORECASE)
_ID = re.compile(r"[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*")
_OPS = ("->", "<=", ">=", "<>", "!=", "==", "(", ")", ",", ".", "*", ";", "=", "<", ">",
        "+", "-", "/", "%", "?", "&", "|")


def tokenize(sql: str) -> list[Tok]:
    toks: list[Tok] = []
    i, n = 0, len(sql)
    while i < n:
        m = _WS.match(sql, i)
        if m:
            i = m.end()
            continue
        c = sql[i]
        if c == "-" and sql.startswith("--", i):  # line comment
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c in "'\"":
            j, buf = i + 1, []
            while True:
                if j >= n:
                    raise errors.syntax_error(sql[i:])
                ch = sql[j]
                if ch == "\\" and j + 1 < n:
                    buf.append(sql[j:j + 2])
                    j += 2
                    continue
                if ch == c:
                    if j + 1 < n and sql[j + 1] == c:  # doubled quote
                        buf.append(c)
                        j += 2
                        continue
                    break
                buf.append(ch)
                j += 1
            toks.append(Tok("STR", "".join(buf), i, c))
            i = j + 1
            continue
        if c == "`":
            j = sql.find("`", i + 1)
            if j < 0:
                raise errors.syntax_error(sql[i:])
            toks.append(Tok("QID", sql[i + 1:j], i, sql[i:j + 1]))
            i = j + 1
            continue
        m = _HEX.match(sql, i)
        if m:
            toks.append(Tok("HEX", m.group(), i))
            i = m.end()
            continue
        m = _DUR.match(sql, i)
        if m:
            toks.append(Tok("DUR", m.group().lower(), i))
            i = m.end()
            continue
        if c.isdigit() or (c == "." and i + 1 < n and sql[i + 1].isdigit()):
            m = _NUM.match(sql, i)
            toks.append(Tok("NUM", m.group(), i))
            i = m.end()
            continue
        m = _ID.match(sql, i)
        if m:
            word = m.group()
            toks.append(Tok("ID", word.lower(), i, word))
            i = m.end()
            continue
        for op in _OPS:
            if sql.startswith(op, i):
                toks.append(Tok("OP", op, i))
                i += len(op)
                break
        else:
            raise errors.syntax_error(sql[i:])
    toks.append(Tok("EOF", "", n))
    return toks


_ESCAPES = {"'": "'", '"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "0": "\0"}


def unescape(body: str) -> str:
    """TDengine string-literal escapes; unknown escapes (and \\% \\_) stay verbatim."""
    if "\\" not in body:
        return body
    out, i, n = [], 0, len(body)
    while i < n:
        ch = body[i]
        if ch == "\\" and i + 1 < n:
            nxt = body[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
            else:
                out.append(ch + nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)
