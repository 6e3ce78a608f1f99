"""Read-only views of the store for the web pages: the clerk's context
(typical use, registry search, history) and the analyst's tables (documents,
an indicator across communes, agencies' load, coverage)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Engine, distinct, func, select
from sqlalchemy.orm import Session

from chitieu.normalize.text import fold, strip_accents

from .export import target_record, target_text
from .models import AliasT, AssignmentT, DecisionT, DocumentT, IndicatorT, TargetRowT, UnitT

ROLES = ("lead", "coordinate", "monitor", "guide")
COUNTED = DocumentT.copy_of.is_(None)  # one document per plan: its copies are left out (store/documents.py)


def _blind(text: str | None) -> str:
    """Accent-, case- and punctuation-blind form for searching ('Cán bộ, công
    chức' ~ 'can bo cong chuc')."""
    return " ".join(re.findall(r"\w+", strip_accents(fold(text))))


@dataclass
class Use:
    """Where a mention occurs: one row that uses it."""

    commune: str | None
    source: str
    document_id: int
    row_id: int
    row_no: str | None
    indicator_text: str
    role: str


@dataclass
class UnitHit:
    name: str
    kind: str
    level: str
    via: str | None  # the alias that matched, when not the name


@dataclass
class DecisionView:
    id: int
    mention: str
    unit: str | None
    decided_by: str
    decided_at: datetime
    action: str
    current: bool  # the newest decision for its mention (the one that applies)


@dataclass
class DocumentSummary:
    id: int
    source: str
    path: str
    format: str
    commune: str | None
    plan_number: str | None
    issued_on: date | None
    rows: int
    unresolved: int  # distinct unresolved agency names
    warnings: list[str]
    duplicates: list[int]  # the other documents of the same plan (store/documents.py)
    copy_of: int | None  # the document counted for the plan, when this one is a copy
    year: int | None = None


@dataclass
class AgencyCell:
    role: str
    raw: str
    unit: str | None
    status: str


@dataclass
class RowView:
    id: int
    document_id: int
    table: int
    page: int | None
    line: int | None
    row_no: str | None
    section: list[str]
    indicator_text: str
    indicator_code: str | None
    unit_cell: str | None
    target_cell: str | None
    target: str
    deadline_cell: str | None
    notes: str | None
    agencies: list[AgencyCell] = field(default_factory=list)


@dataclass
class IndicatorSummary:
    code: str
    name_vi: str
    name_en: str | None
    communes: int
    rows: int


@dataclass
class IndicatorRow:
    """One commune's target for an indicator, as the analyst table shows it."""

    commune: str | None
    target: str
    value: float | None
    unit: str | None
    lead: str
    deadline: str | None
    source: str
    document_id: int
    row_id: int
    row_no: str | None


@dataclass
class AgencyLoad:
    unit: str
    counts: dict[str, int]  # role -> targets in total
    by_commune: dict[str, dict[str, int]]  # commune -> role -> targets


@dataclass
class Coverage:
    communes: list[str]
    indicators: list[IndicatorSummary]
    present: set[tuple[str, str]]  # (commune, indicator code) set by a loaded plan

    def lacking(self, commune: str) -> list[str]:
        """Codes of the catalogued indicators no plan of `commune` sets."""
        return [i.code for i in self.indicators if (commune, i.code) not in self.present]


def queue_size(engine: Engine) -> tuple[int, int]:
    """(distinct unresolved mentions, rows they leave unsettled)."""
    with Session(engine) as s:
        names = s.scalar(
            select(func.count(distinct(AssignmentT.mention_key))).where(AssignmentT.status == "unresolved")
        )
        rows = s.scalar(select(func.count(distinct(AssignmentT.row_id))).where(AssignmentT.status == "unresolved"))
    return names or 0, rows or 0


def uses(engine: Engine, mention: str, limit: int = 3) -> list[Use]:
    """Rows where `mention` is still unresolved, the most typical first."""
    with Session(engine) as s:
        found = s.execute(
            select(
                DocumentT.commune,
                DocumentT.source,
                DocumentT.id,
                TargetRowT.id,
                TargetRowT.row_no,
                TargetRowT.indicator_text,
                AssignmentT.role,
            )
            .join(TargetRowT, TargetRowT.id == AssignmentT.row_id)
            .join(DocumentT, DocumentT.id == TargetRowT.document_id)
            .where(AssignmentT.raw == mention, AssignmentT.status == "unresolved")
            .order_by(DocumentT.id, TargetRowT.position)
            .limit(limit)
        ).all()
    return [Use(*f) for f in found]


def search_units(engine: Engine, text: str, limit: int = 10) -> list[UnitHit]:
    """Units whose name or an alias contains `text`, accent- and case-blind;
    names starting with it first."""
    wanted = _blind(text)
    if not wanted:
        return []
    with Session(engine) as s:
        units = s.execute(select(UnitT.id, UnitT.name, UnitT.kind, UnitT.level)).all()
        aliases = defaultdict(list)
        for unit_id, alias in s.execute(select(AliasT.unit_id, AliasT.alias)):
            aliases[unit_id].append(alias)
    hits = []
    for id_, name, kind, level in units:
        blind = _blind(name)
        if wanted in blind:
            hits.append((not blind.startswith(wanted), UnitHit(name, kind or "", level or "", None)))
        elif via := next((a for a in aliases[id_] if wanted in _blind(a)), None):
            hits.append((True, UnitHit(name, kind or "", level or "", via)))
    return [h for _, h in sorted(hits, key=lambda h: (h[0], _blind(h[1].name)))][:limit]


def unit_kinds(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return sorted(k for k in s.scalars(select(UnitT.kind).distinct()) if k)


def decisions(engine: Engine, text: str = "", by: str = "") -> list[DecisionView]:
    """Clerk decisions, newest first; `text` filters on mention or unit
    (accent-blind), `by` on the clerk."""
    with Session(engine) as s:
        names = dict(s.execute(select(UnitT.id, UnitT.name)).all())
        rows = s.scalars(select(DecisionT).order_by(DecisionT.id.desc())).all()
    seen, out = set(), []
    for d in rows:
        current = d.mention_key not in seen
        seen.add(d.mention_key)
        unit = names.get(d.unit_id)
        if text and _blind(text) not in _blind(d.raw) and _blind(text) not in _blind(unit):
            continue
        if by and fold(by) != fold(d.decided_by):
            continue
        out.append(DecisionView(d.id, d.raw, unit, d.decided_by, d.decided_at, d.action, current))
    return out


def decision(engine: Engine, decision_id: int) -> DecisionView | None:
    return next((d for d in decisions(engine) if d.id == decision_id), None)


def _summaries(s: Session, where=None) -> list[DocumentSummary]:
    query = select(DocumentT)
    found = s.scalars(query if where is None else query.where(where)).all()
    sources = {d.id: d.source for d in found}
    docs = sorted(  # by commune, then plan (by its counted document's name), the counted one first
        found,
        key=lambda d: (
            d.commune is None,
            fold(d.commune),
            sources.get(d.copy_of or d.id, d.source),
            d.copy_of is not None,
            d.source,
            d.id,
        ),
    )
    open_names = dict(
        s.execute(
            select(TargetRowT.document_id, func.count(distinct(AssignmentT.mention_key)))
            .join(AssignmentT, AssignmentT.row_id == TargetRowT.id)
            .where(AssignmentT.status == "unresolved")
            .group_by(TargetRowT.document_id)
        ).all()
    )
    plans = defaultdict(list)
    for id_, copy_of in s.execute(select(DocumentT.id, DocumentT.copy_of).order_by(DocumentT.id)):
        plans[copy_of or id_].append(id_)
    return [
        DocumentSummary(
            d.id,
            d.source,
            d.path,
            d.format,
            d.commune,
            d.plan_number,
            d.issued_on,
            d.row_count,
            open_names.get(d.id, 0),
            list(d.warnings or []),
            [i for i in plans[d.copy_of or d.id] if i != d.id],
            d.copy_of,
            d.year,
        )
        for d in docs
    ]


def documents(engine: Engine) -> list[DocumentSummary]:
    """Every loaded document, by commune and plan, each plan's counted document first."""
    with Session(engine) as s:
        return _summaries(s)


def document(engine: Engine, document_id: int) -> tuple[DocumentSummary, list[RowView]] | None:
    """A document and its rows in order, with their agencies."""
    with Session(engine) as s:
        found = _summaries(s, DocumentT.id == document_id)
        if not found:
            return None
        rows = s.scalars(
            select(TargetRowT).where(TargetRowT.document_id == document_id).order_by(TargetRowT.position)
        ).all()
        return found[0], _row_views(s, rows)


def row(engine: Engine, row_id: int) -> tuple[DocumentSummary, RowView] | None:
    with Session(engine) as s:
        r = s.get(TargetRowT, row_id)
        if r is None:
            return None
        return _summaries(s, DocumentT.id == r.document_id)[0], _row_views(s, [r])[0]


def _row_views(s: Session, rows: list[TargetRowT]) -> list[RowView]:
    names = dict(s.execute(select(UnitT.id, UnitT.name)).all())
    agencies = defaultdict(list)
    for a in s.scalars(
        select(AssignmentT)
        .where(AssignmentT.row_id.in_([r.id for r in rows]))
        .order_by(AssignmentT.row_id, AssignmentT.position)
    ):
        agencies[a.row_id].append(AgencyCell(a.role, a.raw, names.get(a.unit_id), a.status))
    return [
        RowView(
            r.id,
            r.document_id,
            r.table_index,
            r.page,
            r.line,
            r.row_no,
            list(r.section or []),
            r.indicator_text,
            r.indicator_code,
            r.unit_cell,
            r.target_cell,
            target_text(target_record(r)),
            r.deadline_raw,
            r.notes,
            agencies[r.id],
        )
        for r in rows
    ]


def indicators(engine: Engine, text: str = "") -> list[IndicatorSummary]:
    """Catalogued indicators with how many communes and rows set them, most
    communes first; `text` filters on code or name (accent- and case-blind,
    every word of it, in any order)."""
    with Session(engine) as s:
        counts = {
            code: (communes, rows)
            for code, communes, rows in s.execute(
                select(TargetRowT.indicator_code, func.count(distinct(DocumentT.commune)), func.count(TargetRowT.id))
                .join(DocumentT, DocumentT.id == TargetRowT.document_id)
                .where(TargetRowT.indicator_code.is_not(None), COUNTED)
                .group_by(TargetRowT.indicator_code)
            )
        }
        catalog = s.scalars(select(IndicatorT).order_by(IndicatorT.code)).all()
    wanted = _blind(text)
    found = [
        IndicatorSummary(i.code, i.name_vi, i.name_en, *counts.get(i.code, (0, 0)))
        for i in catalog
        if all(w in _blind(f"{i.code} {i.name_vi} {i.name_en or ''}") for w in wanted.split())
    ]
    return sorted(found, key=lambda i: (-i.communes, -i.rows, i.code))


def indicator(engine: Engine, code: str) -> IndicatorSummary | None:
    return next((i for i in indicators(engine) if i.code == code), None)


def indicator_rows(engine: Engine, code: str) -> list[IndicatorRow]:
    """Every stored target of one indicator, by commune."""
    with Session(engine) as s:
        names = dict(s.execute(select(UnitT.id, UnitT.name)).all())
        rows = s.execute(
            select(TargetRowT, DocumentT.commune, DocumentT.source)
            .join(DocumentT, DocumentT.id == TargetRowT.document_id)
            .where(TargetRowT.indicator_code == code, COUNTED)
        ).all()
        leads = defaultdict(list)
        for row_id, raw, unit_id in s.execute(
            select(AssignmentT.row_id, AssignmentT.raw, AssignmentT.unit_id)
            .join(TargetRowT, TargetRowT.id == AssignmentT.row_id)
            .where(TargetRowT.indicator_code == code, AssignmentT.role == "lead")
            .order_by(AssignmentT.row_id, AssignmentT.position)
        ):
            leads[row_id].append(names.get(unit_id) or raw)
    rows = sorted(rows, key=lambda x: (x[1] is None, fold(x[1]), x[2], x[0].document_id, x[0].position))
    return [
        IndicatorRow(
            commune,
            target_text(target_record(r)),
            r.target_value,
            r.target_unit,
            "; ".join(leads[r.id]),
            r.deadline_raw,
            source,
            r.document_id,
            r.id,
            r.row_no,
        )
        for r, commune, source in rows
    ]


def agency_load(engine: Engine) -> list[AgencyLoad]:
    """Targets each resolved agency leads or coordinates (any role), per commune
    and in total; most led first."""
    with Session(engine) as s:
        found = s.execute(
            select(UnitT.name, AssignmentT.role, DocumentT.commune, func.count(distinct(AssignmentT.row_id)))
            .join(AssignmentT, AssignmentT.unit_id == UnitT.id)
            .join(TargetRowT, TargetRowT.id == AssignmentT.row_id)
            .join(DocumentT, DocumentT.id == TargetRowT.document_id)
            .where(COUNTED)
            .group_by(UnitT.name, AssignmentT.role, DocumentT.commune)
        ).all()
    totals, communes = defaultdict(Counter), defaultdict(lambda: defaultdict(Counter))
    for unit, role, commune, n in found:
        totals[unit][role] += n
        communes[unit][commune or "?"][role] += n
    loads = [
        AgencyLoad(u, dict(totals[u]), {c: dict(communes[u][c]) for c in sorted(communes[u], key=fold)}) for u in totals
    ]
    return sorted(loads, key=lambda a: (-a.counts.get("lead", 0), -sum(a.counts.values()), a.unit))


def coverage(engine: Engine) -> Coverage:
    """Communes with a plan loaded × catalogued indicators their plans set."""
    with Session(engine) as s:
        communes = sorted((c or "?" for c in s.scalars(select(DocumentT.commune).where(COUNTED).distinct())), key=fold)
        present = {
            (c or "?", code)
            for c, code in s.execute(
                select(DocumentT.commune, TargetRowT.indicator_code)
                .distinct()
                .join(TargetRowT, TargetRowT.document_id == DocumentT.id)
                .where(TargetRowT.indicator_code.is_not(None), COUNTED)
            )
        }
    return Coverage(communes, sorted(indicators(engine), key=lambda i: i.code), present)
