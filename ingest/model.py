"""The logical-table model every extractor produces.

Extractors (TSV, DOCX, PDF) turn a file into `Block`s of `SourceRow`s plus the
text lines around them; `ingest.assemble` turns blocks into `Table`s of
`Row`s, and `Document` carries the tables with the plan metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Column roles, from the header words (see ingest.columns).
NUMBER, INDICATOR, UNIT, TARGET, DEADLINE, NOTES = "number", "indicator", "unit", "target", "deadline", "notes"
AGENCY_ROLES = ("lead", "monitor", "coordinate", "guide")


@dataclass
class CellRead:
    """How OCR read one table cell: Tesseract's mean word confidence (0-100),
    the cell's box on its page in PDF points (x0, top, x1, bottom, on the page
    turned straight) and, when a clerk should look at it, why."""

    confidence: float
    box: tuple[float, float, float, float]
    review: str | None = None


@dataclass
class SourceRow:
    """One physical table row as an extractor read it."""

    cells: list[str]
    page: int | None = None
    line: int | None = None  # 1-based source line (tsv) or row number in the physical table
    after_break: bool = False  # first row after a page break or a table split
    ocr: list[CellRead | None] | None = None  # per cell, for rows read by OCR (None: not an inked cell)


@dataclass
class ReviewItem:
    """An OCR-read cell a clerk should confirm or correct: the row field it
    went into ("number", "indicator", "target", "lead", …), the text as read,
    where it is (page, box in PDF points) and why it is doubted."""

    field: str
    text: str
    page: int | None
    box: tuple[float, float, float, float]
    confidence: float
    reason: str


@dataclass
class OcrRead:
    """What OCR says of one row: the lowest confidence of its cells (0-100)
    and the cells to review."""

    confidence: float
    needs_review: list[ReviewItem] = field(default_factory=list)


@dataclass
class Block:
    """A run of physical rows that belong to one table on the page.

    `joins_previous` is set when nothing but a page break (no text) separates
    this block from the previous one, so it may continue the same logical table.
    """

    rows: list[SourceRow]
    joins_previous: bool = False


@dataclass
class Column:
    index: int
    header: str
    role: str | None


@dataclass
class Row:
    """One target row of a logical table, cells keyed by column role."""

    row_no: str | None
    indicator: str
    section: list[str]
    page: int | None
    line: int | None
    unit: str = ""
    target: str = ""
    deadline: str = ""
    notes: str = ""
    agencies: dict[str, str] = field(default_factory=dict)  # role -> cell text, its lines apart by "\n"
    ocr: OcrRead | None = None  # set for rows read by OCR


@dataclass
class Table:
    index: int
    columns: list[Column]
    rows: list[Row]


@dataclass
class PlanMeta:
    commune: str | None = None
    plan_number: str | None = None
    issued_on: date | None = None
    year: int | None = None
    level: str | None = None  # issuing level: commune | district | province | national


@dataclass
class Document:
    """A whole extracted file: its identity, plan metadata and logical tables."""

    source: str  # bare file name
    path: str
    sha256: str
    format: str  # tsv | docx | pdf
    meta: PlanMeta
    tables: list[Table]
    warnings: list[str] = field(default_factory=list)


@dataclass
class Extraction:
    """What a format reader returns: blocks in reading order, the text lines
    around the tables (for plan metadata) and warnings."""

    blocks: list[Block]
    title_lines: list[str]
    warnings: list[str] = field(default_factory=list)
