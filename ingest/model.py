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
class SourceRow:
    """One physical table row as an extractor read it."""

    cells: list[str]
    page: int | None = None
    line: int | None = None          # 1-based source line (tsv) or row number in the physical table
    after_break: bool = False        # first row after a page break or a table split


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
    level: str | None = None         # issuing level: commune | district | province | national


@dataclass
class Document:
    """A whole extracted file: its identity, plan metadata and logical tables."""

    source: str                      # bare file name
    path: str
    sha256: str
    format: str                      # tsv | docx | pdf
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
