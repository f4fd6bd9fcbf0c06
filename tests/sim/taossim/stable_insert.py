"""INSERT INTO <super table> (tbname, ts, ..., tag, ...) VALUES (...): TDengine 3 writes each
row to the child table its ``tbname`` names, creating it with the row's tag values when it does
not exist yet. Rewritten here into one ``INSERT INTO child USING stb TAGS (...)`` target per
child, so the engine's ordinary insert path does the rest."""

from . import errors
from . import sqlast as A
from . import values as V


def expand(targets: list, db_of) -> list:
    """``targets`` with every super-table target replaced by per-child targets.
    ``db_of(table_name)`` resolves a target's database."""
    out = []
    for tgt in targets:
        db = db_of(tgt.table)
        st = db.stables.get(tgt.table.name)
        if tgt.stable is not None or st is None or tgt.table.name in db.tables:
            out.append(tgt)
            continue
        if tgt.columns is None or "tbname" not in tgt.columns:
            raise errors.TaosError(errors.TSC_INVALID_OPERATION,
                                   "insert data into super table is not supported")
        out.extend(_split(tgt, st))
    return out


def _split(tgt: A.InsertTarget, st) -> list:
    tag_names = {t.name for t in st.tags}
    name_at = tgt.columns.index("tbname")
    tag_at = [i for i, c in enumerate(tgt.columns) if c in tag_names]
    col_at = [i for i, c in enumerate(tgt.columns) if i != name_at and c not in tag_names]
    children: dict = {}
    for lits in tgt.rows:
        if len(lits) != len(tgt.columns):
            raise errors.TaosError(errors.PAR_INVALID_COLUMNS_NUM)
        lit = lits[name_at]
        if lit.kind != "str" or not V.unescape(lit.value):
            raise errors.TaosError(errors.TSC_STMT_TBNAME_ERROR, "tbname must be a non-empty string")
        name = V.unescape(lit.value)
        child = children.get(name)
        if child is None:
            child = A.InsertTarget(
                A.TableName(tgt.table.db, name, tgt.table.pos),
                stable=A.TableName(tgt.table.db, st.name, tgt.table.pos),
                tag_names=[tgt.columns[i] for i in tag_at],
                tag_values=[lits[i] for i in tag_at],
                columns=[tgt.columns[i] for i in col_at])
            children[name] = child
        child.rows.append([lits[i] for i in col_at])
    return list(children.values())
