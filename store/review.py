"""The clerk's queue of OCR-read cells to confirm or correct.

Each target row read by OCR keeps its doubtful cells in `ocr_review` (field,
text as read, page, box in PDF points, confidence, reason, status); a clerk
confirms the reading or corrects it, recorded with who and when, and the row's
`ocr_pending` count goes down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from chitieu.normalize.deadlines import parse_deadline
from chitieu.normalize.targets import parse_target

from .db import writer
from .exceptions import StoreError
from .load import deadline_columns, target_columns
from .models import DocumentT, TargetRowT, utcnow

# row fields a correction may rewrite, and the column that holds each
COLUMNS = {
    "number": "row_no",
    "indicator": "indicator_text",
    "unit": "unit_cell",
    "target": "target_cell",
    "deadline": "deadline_raw",
    "notes": "notes",
}


@dataclass
class ReviewEntry:
    """One cell in the queue: `key` ("row:item") names it to confirm or correct;
    `row_id` is the row, for its document and source page."""

    key: str
    source: str
    row_no: str | None
    item: dict
    row_id: int


def pending(engine: Engine, limit: int | None = None) -> list[ReviewEntry]:
    """Cells still to review, document by document in row order."""
    with Session(engine) as s:
        query = (
            select(TargetRowT, DocumentT.source)
            .join(DocumentT, DocumentT.id == TargetRowT.document_id)
            .where(TargetRowT.ocr_pending > 0)
            .order_by(DocumentT.source, TargetRowT.id)
        )
        out = [
            ReviewEntry(f"{r.id}:{n}", source, r.row_no, item, r.id)
            for r, source in s.execute(query)
            for n, item in enumerate(r.ocr_review or [], 1)
            if item["status"] == "pending"
        ]
    return out[:limit] if limit else out


def settle(
    engine: Engine, key: str, by: str, text: str | None = None, values: Callable[[dict], dict] | None = None
) -> dict:
    """Confirm (text None) or correct one review item to `text`, which goes
    into the field's column; `values`, given the row's cells (unit_cell,
    indicator_text), returns the other columns the correction changes (the
    target or deadline re-parsed by the caller). Returns the settled item."""
    row_id, n = _parse(key)
    with Session(writer(engine)) as s, s.begin():
        row = s.get(TargetRowT, row_id, with_for_update=True)
        items = list(row.ocr_review or []) if row else []
        if row is None or not 1 <= n <= len(items):
            raise StoreError(f"no review item {key}", "see `chitieu review list`")
        item = dict(items[n - 1])
        if item["status"] != "pending":
            raise StoreError(f"review item {key} was already {item['status']} by {item['by']}")
        if text is not None:
            if item["field"] not in COLUMNS:
                raise StoreError(
                    f"a {item['field']} cell is corrected through the agency queue",
                    "confirm it here, then use `chitieu units resolve`",
                )
            cells = {"unit_cell": row.unit_cell, "indicator_text": row.indicator_text}
            for column, value in {COLUMNS[item["field"]]: text, **(values(cells) if values else {})}.items():
                setattr(row, column, value)
        item.update(
            status="corrected" if text is not None else "confirmed",
            by=by,
            at=utcnow().isoformat(),
            **({"corrected": text} if text is not None else {}),
        )
        items[n - 1] = item
        row.ocr_review = items
        row.ocr_pending = sum(i["status"] == "pending" for i in items)
    return item


def _parse(key: str) -> tuple[int, int]:
    row, _, n = key.partition(":")
    if not (row.isdigit() and n.isdigit()):
        raise StoreError(f"bad review item {key!r}", "give it as ROW:ITEM, as `chitieu review list` shows")
    return int(row), int(n)


def correct(engine: Engine, key: str, by: str, text: str) -> dict:
    """Correct item `key` to `text`; a target or deadline is parsed again from it."""
    field = next((e.item["field"] for e in pending(engine) if e.key == key), "")
    return settle(engine, key, by, text, _reparsed(field, text))


def _reparsed(field: str, text: str) -> Callable[[dict], dict] | None:
    """The columns a corrected cell changes besides its own."""
    if field == "target":
        return lambda cells: target_columns(*parse_target(text, cells["unit_cell"] or "", cells["indicator_text"]))
    if field == "deadline":
        return lambda cells: deadline_columns(parse_deadline(text))
    return None
