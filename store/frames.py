"""The store as pandas DataFrames, for analysts (`chitieu.read_targets`).

One row per target row with the CSV export's columns, typed: `row_no` stays
text (numbering as printed), targets are floats, booleans are pandas'
nullable booleans, dates are dates; one row per assignment in the long
format of `assignments`, and per document in `documents`.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from .export import CSV_COLUMNS, flat, iter_records, spreadsheet_cell
from .models import DocumentT

_FLOATS = ["target_value", "target_value_max"]
_INTS = ["table", "page", "year", "deadline_year", "deadline_month", "deadline_day", "deadline_quarter"]
_BOOLS = ["target_boolean", "target_rank"]
_TEXT = [c for c in CSV_COLUMNS if c not in _FLOATS + _INTS + _BOOLS + ["issued_on"]]
ASSIGNMENT_COLUMNS = [
    "source",
    "commune",
    "table",
    "row_no",
    "indicator_code",
    "indicator_text",
    "role",
    "raw",
    "unit",
    "status",
    "score",
]


def targets(engine: Engine, indicator: str | None = None) -> pd.DataFrame:
    """Every target row (or one indicator's) as a typed DataFrame."""
    records = list(iter_records(engine, indicator=indicator))
    frame = pd.DataFrame([flat(r) for r in records], columns=CSV_COLUMNS)
    frame["more_targets"] = pd.Series([r["more_targets"] for r in records], dtype=object)
    frame["more_indicators"] = pd.Series([r.get("more_indicators", []) for r in records], dtype=object)
    return _typed(frame)


def assignments(engine: Engine, indicator: str | None = None) -> pd.DataFrame:
    """One row per agency named on a target row: its role, mention, unit and status."""
    rows = [
        {
            "source": r["document"]["source"],
            "commune": r["document"]["commune"],
            "table": r["table"],
            "row_no": r["row_no"],
            "indicator_code": r["indicator_code"],
            "indicator_text": r["indicator_text"],
            **{k: a[k] for k in ("role", "raw", "unit", "status", "score")},
        }
        for r in iter_records(engine, indicator=indicator)
        for a in r["assignments"]
    ]
    frame = pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS)
    frame["table"] = frame["table"].astype("Int64")
    frame["score"] = frame["score"].astype("float64")
    return frame.astype({c: "string" for c in ASSIGNMENT_COLUMNS if c not in ("table", "score")})


def documents(engine: Engine) -> pd.DataFrame:
    """One row per stored document; `copy_of` is the sha256 of the document
    counted for its plan when it is a copy (store/documents.py)."""
    with Session(engine) as s:
        stored = s.scalars(select(DocumentT).order_by(DocumentT.source, DocumentT.id)).all()
        sha256 = {d.id: d.sha256 for d in stored}
        rows = [
            {
                "source": d.source,
                "format": d.format,
                "commune": d.commune,
                "plan_number": d.plan_number,
                "issued_on": d.issued_on,
                "year": d.year,
                "rows": d.row_count,
                "sha256": d.sha256,
                "path": d.path,
                "copy_of": sha256.get(d.copy_of) if d.copy_of else None,
            }
            for d in stored
        ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "source",
            "format",
            "commune",
            "plan_number",
            "issued_on",
            "year",
            "rows",
            "sha256",
            "path",
            "copy_of",
        ],
    )
    frame["issued_on"] = pd.to_datetime(frame["issued_on"]).dt.date
    return frame.astype({"year": "Int64", "rows": "Int64"})


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for c in _FLOATS:
        frame[c] = pd.to_numeric(frame[c]).astype("float64")
    for c in _INTS:
        frame[c] = pd.to_numeric(frame[c]).astype("Int64")
    for c in _BOOLS:
        frame[c] = frame[c].astype("boolean")
    frame["issued_on"] = pd.to_datetime(frame["issued_on"]).dt.date
    return frame.astype({c: "string" for c in _TEXT})


def write_xlsx(engine: Engine, path, raw_formulas: bool = False) -> int:
    """A workbook of three sheets (targets, assignments, documents); returns the
    target rows written. It is made in memory and written in one go, so a disk
    that fails (full, gone) raises one OSError here, not more as the zip closes.
    Text that starts like a formula gets a "'" (spreadsheet_cell) unless
    `raw_formulas`: openpyxl would write "=…" as a formula to run."""
    frames = {"targets": targets(engine), "assignments": assignments(engine), "documents": documents(engine)}
    frames["targets"] = frames["targets"].assign(
        more_targets=frames["targets"]["more_targets"].map(lambda m: "; ".join(t["raw"] for t in m)),
        more_indicators=frames["targets"]["more_indicators"].map("; ".join),
    )
    if not raw_formulas:
        frames = {
            name: frame.apply(
                lambda col: col.map(spreadsheet_cell, na_action="ignore") if pd.api.types.is_string_dtype(col) else col
            )
            for name, frame in frames.items()
        }
    made = io.BytesIO()
    with pd.ExcelWriter(made, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    Path(path).write_bytes(made.getvalue())
    return len(frames["targets"])
