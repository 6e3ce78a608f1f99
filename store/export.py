"""Reading target rows back out, as export-contract records or flat rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from .models import AssignmentT, DocumentT, TargetRowT, UnitT

_BATCH = 1000

CSV_COLUMNS = [
    "source",
    "format",
    "commune",
    "plan_number",
    "issued_on",
    "year",
    "table",
    "page",
    "row_no",
    "section",
    "indicator_text",
    "indicator_code",
    "target",
    "target_raw",
    "target_kind",
    "target_op",
    "target_value",
    "target_value_max",
    "target_unit",
    "target_per",
    "target_qualifier",
    "target_boolean",
    "target_rank",
    "deadline_raw",
    "deadline_kind",
    "deadline_year",
    "deadline_month",
    "deadline_day",
    "deadline_quarter",
    "lead",
    "monitor",
    "coordinate",
    "guide",
    "unresolved",
    "notes",
    "sha256",
    "copy_of",
]


def _document(d: DocumentT, sha256: dict[int, str]) -> dict:
    """The contract's document fields, and `copy_of`: the sha256 of the document
    counted for the same plan when this one is a copy (store/documents.py), else null."""
    return {
        "source": d.source,
        "sha256": d.sha256,
        "format": d.format,
        "commune": d.commune,
        "plan_number": d.plan_number,
        "issued_on": d.issued_on.isoformat() if d.issued_on else None,
        "year": d.year,
        "copy_of": sha256.get(d.copy_of) if d.copy_of else None,
    }


def target_record(r: TargetRowT) -> dict | None:
    """A stored row's first target as the export writes it (None without one)."""
    if r.target_kind is None:
        return None
    return {
        "raw": r.target_raw,
        "kind": r.target_kind,
        "op": r.target_op,
        "value": r.target_value,
        "value_max": r.target_value_max,
        "unit": r.target_unit,
        "per": r.target_per,
        "qualifier": r.target_qualifier,
        "boolean": r.target_boolean,
        "rank": bool(r.target_rank),
    }


def _deadline(r: TargetRowT) -> dict | None:
    if r.deadline_kind is None:  # blank, or text naming no time (kept in deadline_raw)
        return None
    out = {"raw": r.deadline_raw, "kind": r.deadline_kind, "year": r.deadline_year, "month": r.deadline_month}
    if r.deadline_day is not None:
        out["day"] = r.deadline_day
    if r.deadline_quarter is not None:
        out["quarter"] = r.deadline_quarter
    return out


def iter_records(
    engine: Engine,
    *,
    indicator: str | None = None,
    below: float | None = None,
    above: float | None = None,
    copies: bool = True,
) -> Iterator[dict]:
    """Every target row as an export-contract record, document by document;
    or only one indicator's rows, with a numeric target below/above a value;
    without `copies`, one document per plan (those counted)."""
    with Session(engine) as conn:
        units = dict(conn.execute(select(UnitT.id, UnitT.name)).all())
        stored = conn.scalars(select(DocumentT)).all()
        sha256 = {d.id: d.sha256 for d in stored}
        docs = {d.id: _document(d, sha256) for d in stored}
        query = (
            select(TargetRowT)
            .join(DocumentT, DocumentT.id == TargetRowT.document_id)
            .order_by(DocumentT.source, DocumentT.id, TargetRowT.position)
        )
        if indicator is not None:
            query = query.where(TargetRowT.indicator_code == indicator)
        if below is not None:
            query = query.where(TargetRowT.target_value < below)
        if above is not None:
            query = query.where(TargetRowT.target_value > above)
        if not copies:
            query = query.where(DocumentT.copy_of.is_(None))
        rows = conn.scalars(query.execution_options(yield_per=_BATCH))
        for batch in rows.partitions(_BATCH):
            assigned = defaultdict(list)
            for a in conn.scalars(
                select(AssignmentT)
                .where(AssignmentT.row_id.in_([r.id for r in batch]))
                .order_by(AssignmentT.row_id, AssignmentT.position)
            ):
                assigned[a.row_id].append(
                    {"role": a.role, "raw": a.raw, "unit": units.get(a.unit_id), "score": a.score, "status": a.status}
                )
            for r in batch:
                record = {
                    "document": docs[r.document_id],
                    "table": r.table_index,
                    "page": r.page,
                    "row_no": r.row_no,
                    "section": r.section,
                    "indicator_text": r.indicator_text,
                    "indicator_code": r.indicator_code,
                    "target": target_record(r),
                    "more_targets": r.more_targets,
                    "more_indicators": r.more_indicators or [],
                    "deadline": _deadline(r),
                    "assignments": assigned[r.id],
                    "notes": r.notes,
                    "line": r.line,
                    "deadline_cell": r.deadline_raw,
                }
                if r.ocr_confidence is not None:
                    record["ocr"] = {
                        "confidence": r.ocr_confidence,
                        "needs_review": [
                            {k: item[k] for k in ("field", "text", "page", "box", "confidence", "reason", "status")}
                            for item in r.ocr_review or []
                        ],
                    }
                yield record


_OPS = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "=": "", "between": ""}


def target_text(t: dict | None) -> str:
    """A target as a reader writes it: "≥ 70%", "Đạt", or the text of the rule."""
    if not t:
        return ""
    if t["kind"] != "numeric":
        return "Đạt" if t["boolean"] else t["raw"]
    value = f"{t['value']:g}" + (f"–{t['value_max']:g}" if t["value_max"] is not None else "")
    unit = t["unit"] or ""
    return (
        _OPS[t["op"]] + value + ("" if unit == "%" or not unit else " ") + unit + (f"/{t['per']}" if t["per"] else "")
    )


# What a spreadsheet may take for a formula's start: the ASCII signs, their
# full-width forms (which East Asian spreadsheet locales turn into them), tab, CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_cell(value):
    """A cell a spreadsheet cannot run: text that starts like a formula
    ("=HYPERLINK(…)", "+", "-", "@") gets a leading "'" (OWASP CSV injection);
    the database and JSONL keep the true text."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def spreadsheet_safe(row: dict) -> dict:
    """A CSV row a spreadsheet cannot run (spreadsheet_cell on each cell)."""
    return {k: spreadsheet_cell(v) for k, v in row.items()}


def spreadsheet_text(value: str) -> str:
    """The true text of a cell `spreadsheet_safe` wrote (for reading our own CSV back)."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def flat(record: dict) -> dict:
    """One export record as a flat CSV row (agencies joined with "; ")."""
    doc, t, d = record["document"], record["target"] or {}, record["deadline"] or {}
    by_role = defaultdict(list)
    for a in record["assignments"]:
        by_role[a["role"]].append(a["unit"] or a["raw"])
    return {
        **{k: doc[k] for k in ("source", "format", "commune", "plan_number", "issued_on", "year", "sha256", "copy_of")},
        "table": record["table"],
        "page": record["page"],
        "row_no": record["row_no"],
        "section": " > ".join(record["section"]),
        "indicator_text": record["indicator_text"],
        "indicator_code": record["indicator_code"],
        "target": target_text(record["target"]),
        **{
            f"target_{k}": t.get(k)
            for k in ("raw", "kind", "op", "value", "value_max", "unit", "per", "qualifier", "boolean", "rank")
        },
        "deadline_raw": record["deadline_cell"],
        **{f"deadline_{k}": d.get(k) for k in ("kind", "year", "month", "day", "quarter")},
        **{role: "; ".join(by_role[role]) for role in ("lead", "monitor", "coordinate", "guide")},
        "unresolved": "; ".join(a["raw"] for a in record["assignments"] if a["status"] == "unresolved"),
        "notes": record["notes"],
    }
