"""Writing one normalised document in one transaction: all of it or none."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import JSON, Engine, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.dialects import postgresql, sqlite

from chitieu.normalize.model import Deadline, NormalizedDocument, Target, TargetRow

from .catalog import apply_links
from .db import guarded, lock_decisions, newest, writer
from .documents import relink
from .models import AssignmentT, Base, DecisionT, DocumentT, TargetRowT, UnitT


@dataclass
class LoadResult:
    status: str  # loaded | skipped (same sha256 already stored)
    rows: int


@guarded
def loaded_hashes(engine: Engine) -> set[str]:
    """sha256 of every stored document, to skip files already loaded."""
    with engine.connect() as conn:
        return set(conn.scalars(select(DocumentT.sha256)))


def _insert_document(conn, doc: NormalizedDocument):
    """INSERT … ON CONFLICT (sha256) DO NOTHING RETURNING id: None when another
    loader (or an earlier run) stored the same file."""
    values = dict(
        sha256=doc.sha256,
        source=doc.source,
        path=doc.path,
        format=doc.format,
        commune=doc.commune,
        plan_number=doc.plan_number,
        issued_on=doc.issued_on,
        year=doc.year,
        row_count=len(doc.rows),
        warnings=doc.warnings,
        rows_digest=doc.rows_digest,
    )
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(DocumentT).values(**values).on_conflict_do_nothing(index_elements=["sha256"])
    return conn.scalar(stmt.returning(DocumentT.id))


def target_columns(t: Target | None, more: list[Target]) -> dict:
    """The target_* columns of a parsed target."""
    return dict(
        target_raw=t and t.raw,
        target_kind=t and t.kind,
        target_op=t and t.op,
        target_value=t and t.value,
        target_value_max=t and t.value_max,
        target_unit=t and t.unit,
        target_per=t and t.per,
        target_qualifier=t and t.qualifier,
        target_boolean=t and t.boolean,
        target_rank=t and t.rank,
        more_targets=[vars(m) for m in more],
    )


def deadline_columns(d: Deadline | None) -> dict:
    """The deadline_* columns of a parsed deadline (deadline_raw is the cell)."""
    return dict(
        deadline_kind=d and d.kind,
        deadline_year=d and d.year,
        deadline_month=d and d.month,
        deadline_day=d and d.day,
        deadline_quarter=d and d.quarter,
    )


def _row_values(document_id: int, position: int, r: TargetRow) -> dict:
    return dict(
        document_id=document_id,
        position=position,
        table_index=r.table,
        page=r.page,
        line=r.line,
        row_no=r.row_no,
        section=r.section,
        indicator_text=r.indicator_text,
        indicator_code=r.indicator_code,
        unit_cell=r.unit_cell,
        target_cell=r.target_cell,
        **target_columns(r.target, r.more_targets),
        more_indicators=r.more_indicators,
        deadline_raw=r.deadline_cell,
        **deadline_columns(r.deadline),
        notes=r.notes,
        ocr_confidence=r.ocr and r.ocr.confidence,
        ocr_review=r.ocr and [dict(vars(i), box=list(i.box), status="pending") for i in r.ocr.needs_review],
        ocr_pending=len(r.ocr.needs_review) if r.ocr else 0,
    )


def _insert_rows(conn, rows: list[dict]) -> list[int]:
    """Insert target rows, returning their ids in order: on PostgreSQL the ids
    are drawn from the sequence and the rows sent by COPY (one statement
    however many rows, no SQL text to build and parse per document);
    elsewhere one multi-row INSERT … RETURNING (SQLAlchemy's insertmanyvalues)."""
    if conn.dialect.name != "postgresql":
        return conn.scalars(insert(TargetRowT).returning(TargetRowT.id, sort_by_parameter_order=True), rows).all()
    ids = conn.scalars(
        text("SELECT nextval(pg_get_serial_sequence('target_rows', 'id')) FROM generate_series(1, :n)"),
        {"n": len(rows)},
    ).all()
    _copy(conn, TargetRowT.__tablename__, [dict(r, id=i) for r, i in zip(rows, ids)])
    return ids


def _copy(conn, name: str, rows: list[dict]) -> None:
    """COPY rows (dicts with the same keys) into a PostgreSQL table within the
    connection's transaction; JSON columns are written as SQLAlchemy writes
    them (json.dumps, None as JSON null), driver errors raised as SQLAlchemy's."""
    import psycopg

    table = Base.metadata.tables[name]
    columns = list(rows[0])
    as_json = [isinstance(table.c[c].type, JSON) for c in columns]
    sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    try:
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c]) if j else row[c] for c, j in zip(columns, as_json)])
    except psycopg.Error as e:
        raise DBAPIError.instance(sql, None, e, psycopg.Error) from None


@guarded
def unit_ids(engine: Engine) -> dict[str, int]:
    """Canonical unit name -> id, read once per batch."""
    with engine.connect() as conn:
        return {name: id_ for id_, name in conn.execute(select(UnitT.id, UnitT.name))}


def _apply_decisions(conn, assignments: list[dict]) -> None:
    """Apply the clerks' newest decisions to the assignments about to be stored,
    read in the storing transaction: a decision made while a loader runs (after
    its workers read the registry) still reaches every document stored after it."""
    decided = newest(conn, DecisionT.mention_key, DecisionT.unit_id, {a["mention_key"] for a in assignments})
    for a in assignments:
        unit_id = decided.get(a["mention_key"])
        if unit_id is not None:
            a.update(unit_id=unit_id, status="confirmed", score=100.0)


@guarded
def save_document(engine: Engine, doc: NormalizedDocument, units: dict[str, int]) -> LoadResult:
    """Store a document, its rows and assignments in one transaction; `units`
    maps canonical names to ids (a name it lacks is stored unresolved).
    Raises DatabaseUnavailable when the database cannot take it (full, read-only …)."""
    with writer(engine).begin() as conn:
        document_id = _insert_document(conn, doc)
        if document_id is None:
            return LoadResult("skipped", 0)
        if doc.rows:
            values = [_row_values(document_id, i, r) for i, r in enumerate(doc.rows)]
            lock_decisions(conn)
            apply_links(conn, values, [r.wording_key for r in doc.rows])
            ids = _insert_rows(conn, values)
            assignments = [
                dict(
                    row_id=row_id,
                    position=j,
                    role=m.role,
                    raw=m.raw,
                    mention_key=m.key,
                    unit_id=units.get(m.unit) if m.unit else None,
                    score=m.score,
                    status=m.status if (not m.unit or m.unit in units) else "unresolved",
                    candidates=[vars(c) for c in m.candidates],
                )
                for row_id, r in zip(ids, doc.rows)
                for j, m in enumerate(r.assignments)
            ]
            if assignments:
                _apply_decisions(conn, assignments)
                if conn.dialect.name == "postgresql":
                    _copy(conn, AssignmentT.__tablename__, assignments)
                else:
                    conn.execute(insert(AssignmentT), assignments)
        lock_decisions(conn)  # also one loader at a time recognises copies
        relink(conn, {document_id})
        return LoadResult("loaded", len(doc.rows))
