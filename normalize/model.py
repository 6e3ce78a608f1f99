"""What the normalise stage hands to the store: plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chitieu.ingest.model import OcrRead


@dataclass
class Target:
    """A parsed target, fields as in the export contract."""

    raw: str
    kind: str  # numeric | boolean | text
    op: str | None = None  # >= | > | = | <= | < | between
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None  # "%", or the counted noun ("người", "nhiệm vụ"), or None
    per: str | None = None  # "năm", "01 vạn dân", …
    qualifier: str | None = None  # bracketed remainder, e.g. "trừ văn bản mật"
    boolean: bool | None = None
    rank: bool = False  # a rank ("Thứ bậc", "Hạng"): a smaller value is better


@dataclass
class Deadline:
    raw: str
    kind: str  # month | year | date | quarter | recurring
    year: int | None = None
    month: int | None = None
    day: int | None = None
    quarter: int | None = None


@dataclass
class Candidate:
    unit: str
    score: float
    why: str = ""  # which tokens aligned to which syllables


@dataclass
class Resolution:
    """What a mention resolved to."""

    unit: str | None  # canonical name, None when unresolved
    score: float
    status: str  # matched | unresolved | confirmed
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(kw_only=True)
class Mention(Resolution):
    """One agency named in a cell, and what it resolved to."""

    role: str  # lead | monitor | coordinate | guide
    raw: str
    key: str = ""  # normalize.names.key(raw): what a clerk's decision on it is stored under


@dataclass
class TargetRow:
    table: int
    page: int | None
    line: int | None
    row_no: str | None
    section: list[str]
    indicator_text: str
    indicator_code: str | None
    target: Target | None
    more_targets: list[Target]
    deadline: Deadline | None
    assignments: list[Mention]
    notes: str | None
    unit_cell: str | None = None  # the "Đơn vị tính" cell as printed
    target_cell: str | None = None  # the target cell as printed
    deadline_cell: str | None = None  # the deadline cell as printed (kept when it does not parse)
    more_indicators: list[str] = field(default_factory=list)  # further indicators the row states
    ocr: OcrRead | None = None  # rows read by OCR: confidence and cells to review
    wording_key: str = ""  # normalize.indicators.wording_key: what an analyst's link is stored under


@dataclass
class NormalizedDocument:
    source: str
    path: str
    sha256: str
    format: str
    commune: str | None
    plan_number: str | None
    issued_on: date | None
    year: int | None
    rows: list[TargetRow]
    warnings: list[str] = field(default_factory=list)
    rows_digest: str | None = None  # normalize.digest: the same rows, the same plan
