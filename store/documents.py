"""Documents as plans: copies of one plan recognised, a document deleted, its
metadata corrected.

The same plan is often loaded more than once (a PDF and a DOCX of it, a file
exported again with another hash). Two documents are of the same plan when

- commune, plan number and issue date are all known and equal, or
- their rows are the same (`rows_digest`: number, indicator text and target
  cell of every row, in order, compared on letters and digits only, accent-
  and case-blind, so a PDF's "BTT TT" is a DOCX's "BTTTT")

and nothing known of them contradicts it: within a plan, each of commune,
plan number, issue date and year has at most one value (a template copied by
two communes is two plans). One document of the plan is counted, the most
faithful reading: a DOCX, else a TSV (text as typed), else a PDF; among
those, the one with more of commune, plan number and date; then the
smallest sha256 — the same whatever order the files were loaded in (`--jobs`,
two loaders). The others are its copies (`copy_of` = its id) and are left out
of `targets`, the analyst pages and `copy_of IS NULL` queries. Copies are
worked out again whenever a document is stored, deleted or corrected, so
deleting the counted document counts the best of its copies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, delete, func, or_, select, update

from chitieu.ingest import metadata
from chitieu.normalize.text import fold

from .db import guarded, lock_decisions, writer
from .exceptions import StoreError
from .models import AssignmentT, DocumentT, TargetRowT


@dataclass
class _Plan:
    """Documents found to be one plan and what is known of it; `into` the plan
    it was merged into."""

    ids: list[int]
    known: dict[str, set]  # field -> the values its documents give
    into: _Plan | None = None

    def root(self) -> _Plan:
        plan = self
        while plan.into is not None:
            plan = plan.into
        return plan


_FIELDS = ("commune", "plan_number", "issued_on", "year")
_NAMED_BY = ("commune", "plan_number", "issued_on")


def _known(doc) -> dict[str, set]:
    values = {
        "commune": fold(doc.commune) or None,
        "plan_number": fold(doc.plan_number) or None,
        "issued_on": doc.issued_on,
        "year": doc.year,
    }
    return {f: {values[f]} - {None} for f in _FIELDS}


def _keys(doc, known: dict[str, set]) -> list[tuple]:
    """What a document is found by: its rows, and its full metadata."""
    keys = [("rows", doc.rows_digest)] if doc.rows_digest else []
    if all(known[f] for f in _NAMED_BY):
        keys.append(("plan", *(next(iter(known[f])) for f in _NAMED_BY)))
    return keys


def copies_of(docs: Iterable) -> dict[int, int | None]:
    """Document id -> id of the document it is a copy of (None: it is counted),
    for rows of (id, commune, plan_number, issued_on, year, rows_digest, format, sha256)."""
    holders: dict[tuple, list[_Plan]] = defaultdict(list)  # a key -> the plans found by it
    first: dict[int, _Plan] = {}
    docs = sorted(docs, key=lambda d: d.id)
    for doc in docs:
        plan = first[doc.id] = _Plan([doc.id], _known(doc))
        for key in _keys(doc, plan.known):
            for earlier in [p.root() for p in holders[key]]:
                if earlier is not plan and _agree(earlier, plan):
                    earlier.ids += plan.ids
                    for f in _FIELDS:
                        earlier.known[f] |= plan.known[f]
                    plan.into, plan = earlier, earlier
            holders[key].append(plan)
    rank = {d.id: _faithful(d) for d in docs}
    counted = {i: min(p.root().ids, key=rank.__getitem__) for i, p in first.items()}
    return {i: (None if c == i else c) for i, c in counted.items()}


_FORMATS = ("docx", "tsv", "pdf")


def _faithful(doc) -> tuple:
    """Sorts a plan's documents, the one to count first."""
    missing = sum(getattr(doc, f) is None for f in _NAMED_BY)
    return (_FORMATS.index(doc.format) if doc.format in _FORMATS else len(_FORMATS), missing, doc.sha256)


def _agree(a: _Plan, b: _Plan) -> bool:
    return all(len(a.known[f] | b.known[f]) <= 1 for f in _FIELDS)


_COLUMNS = (
    DocumentT.id,
    DocumentT.commune,
    DocumentT.plan_number,
    DocumentT.issued_on,
    DocumentT.year,
    DocumentT.rows_digest,
    DocumentT.format,
    DocumentT.sha256,
    DocumentT.copy_of,
)


def _connected(conn, seeds: set[int]) -> list:
    """The seeds, the documents sharing a key with them, those sharing a key
    with these, and so on: whole plans, with every plan they could join."""
    found: dict[int, object] = {}
    keys: set[tuple] = set()
    query = select(*_COLUMNS).where(DocumentT.id.in_(seeds))
    while True:
        new = [
            d
            for d in conn.execute(query)
            if d.id not in found and (d.id in seeds or keys.intersection(_keys(d, _known(d))))
        ]
        if not new:
            return list(found.values())
        found.update((d.id, d) for d in new)
        fresh = {k for d in new for k in _keys(d, _known(d))} - keys
        keys |= fresh
        query = select(*_COLUMNS).where(
            or_(
                DocumentT.rows_digest.in_([k[1] for k in fresh if k[0] == "rows"]),
                DocumentT.issued_on.in_([k[3] for k in fresh if k[0] == "plan"]),
            )
        )


def relink(conn, seeds: set[int] | None = None) -> None:
    """Within a writing transaction (decisions lock held): set `copy_of` by
    the rule above, for every document or only where `seeds` (documents just
    stored, changed, or of a plan that lost one) can change it."""
    docs = conn.execute(select(*_COLUMNS)).all() if seeds is None else _connected(conn, seeds)
    wanted = copies_of(docs)
    for d in docs:
        if d.copy_of != wanted[d.id]:
            conn.execute(update(DocumentT).where(DocumentT.id == d.id).values(copy_of=wanted[d.id]))


def _plan(conn, document_id: int, copy_of: int | None) -> set[int]:
    """The documents of a document's plan, as stored now."""
    head = copy_of or document_id
    return set(conn.scalars(select(DocumentT.id).where(or_(DocumentT.id == head, DocumentT.copy_of == head))))


@dataclass
class Deleted:
    """What `delete` removed."""

    source: str
    rows: int
    assignments: int
    promoted: int | None  # the copy now counted in its place


@guarded
def delete_document(engine: Engine, document_id: int) -> Deleted:
    """Delete a document with its rows and their assignments in one
    transaction; when it was counted, the best of its copies is counted instead."""
    with writer(engine).begin() as conn:
        lock_decisions(conn)
        doc = conn.execute(
            select(DocumentT.source, DocumentT.row_count, DocumentT.copy_of).where(DocumentT.id == document_id)
        ).first()
        if doc is None:
            raise StoreError(f"no document {document_id}", "see `chitieu documents list` for the ids")
        others = _plan(conn, document_id, doc.copy_of) - {document_id}
        rows = select(TargetRowT.id).where(TargetRowT.document_id == document_id)
        assignments = conn.scalar(select(func.count()).select_from(AssignmentT).where(AssignmentT.row_id.in_(rows)))
        conn.execute(delete(AssignmentT).where(AssignmentT.row_id.in_(rows)))
        conn.execute(delete(TargetRowT).where(TargetRowT.document_id == document_id))
        conn.execute(delete(DocumentT).where(DocumentT.id == document_id))
        relink(conn, others)
        promoted = (
            None
            if doc.copy_of
            else conn.scalar(
                select(func.min(DocumentT.id)).where(DocumentT.id.in_(others), DocumentT.copy_of.is_(None))
            )
        )
    return Deleted(doc.source, doc.row_count, assignments or 0, promoted)


_UNSET = object()


@guarded
def set_metadata(
    engine: Engine, document_id: int, *, commune=_UNSET, plan_number=_UNSET, issued_on=_UNSET
) -> dict[str, tuple]:
    """Correct a document's commune ("xã Đông Hòa" is stored "Đông Hòa"), plan
    number or issue date (None or "" clears one); returns field -> (old, new)
    for what changed. Copies are worked out again."""
    wanted: dict[str, object] = {}
    if commune is not _UNSET:
        wanted["commune"] = metadata.commune_name(commune)
    if plan_number is not _UNSET:
        wanted["plan_number"] = metadata.plan_number(plan_number)
    if issued_on is not _UNSET:
        wanted["issued_on"] = issued_on
    with writer(engine).begin() as conn:
        lock_decisions(conn)
        doc = conn.execute(
            select(
                DocumentT.commune, DocumentT.plan_number, DocumentT.issued_on, DocumentT.year, DocumentT.copy_of
            ).where(DocumentT.id == document_id)
        ).first()
        if doc is None:
            raise StoreError(f"no document {document_id}", "see `chitieu documents list` for the ids")
        changed = {f: (getattr(doc, f), v) for f, v in wanted.items() if getattr(doc, f) != v}
        values = {f: new for f, (_, new) in changed.items()}
        new_date = values.get("issued_on")
        if isinstance(new_date, date) and doc.year is None:
            values["year"] = new_date.year
        if values:
            plan = _plan(conn, document_id, doc.copy_of)
            conn.execute(update(DocumentT).where(DocumentT.id == document_id).values(**values))
            relink(conn, plan)
    return changed
