"""SQLAlchemy 2 models: documents, target rows, agency assignments, the
agency registry (units, aliases, clerk decisions) and indicators.

Targets and deadlines are stored flat so analysts can query them in SQL
("target_value < 70 AND indicator_code = 'infra.5g_coverage'").
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(at: datetime) -> datetime:
    """`at` in UTC; a time without zone is UTC already (SQLite drops the zone)."""
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


class Base(DeclarativeBase):
    pass


class DocumentT(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String)
    commune: Mapped[str | None] = mapped_column(String, index=True)
    plan_number: Mapped[str | None] = mapped_column(String)
    issued_on: Mapped[date | None] = mapped_column(Date, index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    rows_digest: Mapped[str | None] = mapped_column(
        String(64), index=True
    )  # the rows, to recognise a copy (store/documents.py)
    # the counted document of the same plan when this one is a copy; None when counted. Kept by
    # store/documents.py; no foreign key (SQLite adds one to a stored table only by rebuilding it)
    copy_of: Mapped[int | None] = mapped_column(Integer, index=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TargetRowT(Base):
    __tablename__ = "target_rows"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    table_index: Mapped[int] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(Integer)
    line: Mapped[int | None] = mapped_column(Integer)
    row_no: Mapped[str | None] = mapped_column(String)
    section: Mapped[list] = mapped_column(JSON, default=list)
    indicator_text: Mapped[str] = mapped_column(Text)
    indicator_code: Mapped[str | None] = mapped_column(String, index=True)
    unit_cell: Mapped[str | None] = mapped_column(Text)
    target_cell: Mapped[str | None] = mapped_column(Text)
    target_raw: Mapped[str | None] = mapped_column(Text)
    target_kind: Mapped[str | None] = mapped_column(String)
    target_op: Mapped[str | None] = mapped_column(String)
    target_value: Mapped[float | None] = mapped_column(Float)
    target_value_max: Mapped[float | None] = mapped_column(Float)
    target_unit: Mapped[str | None] = mapped_column(String)
    target_per: Mapped[str | None] = mapped_column(String)
    target_qualifier: Mapped[str | None] = mapped_column(Text)
    target_boolean: Mapped[bool | None] = mapped_column(Boolean)
    target_rank: Mapped[bool | None] = mapped_column(Boolean)  # a rank: a smaller value is better
    more_targets: Mapped[list] = mapped_column(JSON, default=list)
    more_indicators: Mapped[list | None] = mapped_column(JSON)  # further indicator codes the row states
    deadline_raw: Mapped[str | None] = mapped_column(String)
    deadline_kind: Mapped[str | None] = mapped_column(String)
    deadline_year: Mapped[int | None] = mapped_column(Integer)
    deadline_month: Mapped[int | None] = mapped_column(Integer)
    deadline_day: Mapped[int | None] = mapped_column(Integer)
    deadline_quarter: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    ocr_confidence: Mapped[float | None] = mapped_column(Float)  # rows read by OCR: weakest cell, 0-100
    # cells a clerk should look at: {field, text, page, box, confidence, reason, status, by, at}
    ocr_review: Mapped[list | None] = mapped_column(JSON)
    ocr_pending: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", index=True
    )  # review items not yet settled


class UnitT(Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    kind: Mapped[str | None] = mapped_column(String)
    level: Mapped[str | None] = mapped_column(String)
    origin: Mapped[str] = mapped_column(String, default="registry")  # registry | clerk


class AliasT(Base):
    __tablename__ = "unit_aliases"
    __table_args__ = (UniqueConstraint("unit_id", "alias"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String)
    origin: Mapped[str] = mapped_column(String, default="registry")


class AssignmentT(Base):
    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    row_id: Mapped[int] = mapped_column(ForeignKey("target_rows.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String)
    raw: Mapped[str] = mapped_column(Text)
    mention_key: Mapped[str] = mapped_column(String, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String, index=True)
    candidates: Mapped[list] = mapped_column(JSON, default=list)


class DecisionT(Base):
    """A clerk's decision on a mention; the newest per mention_key applies."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mention_key: Mapped[str] = mapped_column(String, index=True)
    raw: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    decided_by: Mapped[str] = mapped_column(String)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String)  # alias | new


class IndicatorLinkT(Base):
    """An analyst's decision that rows with a wording state one indicator; the
    newest per wording_key applies, to stored rows and to every later ingest."""

    __tablename__ = "indicator_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wording_key: Mapped[str] = mapped_column(Text, index=True)
    raw: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(ForeignKey("indicators.code"))
    decided_by: Mapped[str] = mapped_column(String)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IndicatorT(Base):
    __tablename__ = "indicators"
    code: Mapped[str] = mapped_column(String, primary_key=True)
    name_vi: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)


Index("ix_target_rows_doc_pos", TargetRowT.document_id, TargetRowT.position)
