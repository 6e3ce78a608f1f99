"""Normalise stage: an extracted Document -> NormalizedDocument.

Targets and deadlines are parsed, agency cells split into mentions and each
mention resolved against the registry, and each row linked to a canonical
indicator. Build one `Normalizer` per process: its matchers cache what they
have already resolved. A cell that may name more than `max_cell_mentions`
agencies fails the document before it is split.
"""

from __future__ import annotations

from dataclasses import dataclass

from chitieu.ingest.metadata import commune_name
from chitieu.ingest.model import Document, Row

from .agencies import pieces, split_mentions
from .deadlines import parse_deadline
from .digest import rows_digest
from .exceptions import NormalizeError
from .indicators import IndicatorMatcher, load_catalog, strip_target_words, wording_key
from .matching import Matcher
from .names import key as mention_key
from .model import Mention, NormalizedDocument, TargetRow
from .registry import Registry, load_registry
from .targets import parse_target


@dataclass
class Normalizer:
    matcher: Matcher
    indicators: IndicatorMatcher
    max_cell_mentions: int = 500

    @classmethod
    def build(cls, registry: Registry | None = None, max_cell_mentions: int = 500) -> "Normalizer":
        return cls(Matcher(registry or load_registry()), IndicatorMatcher(load_catalog()), max_cell_mentions)

    def mentions(
        self, row: Row, commune: str | None = None, level: str | None = None, warnings: list[str] | None = None
    ) -> list[Mention]:
        """The agencies of a row, resolved for a document of `commune` issued at `level`."""
        out = []
        for role, cell in row.agencies.items():
            if pieces(cell) > self.max_cell_mentions:
                where = f"page {row.page}, row {row.row_no}" if row.page else f"line {row.line}"
                raise NormalizeError(
                    f"the agency cell at {where} may name {pieces(cell):,} agencies, over the "
                    f"max_cell_mentions limit of {self.max_cell_mentions:,}",
                    "raise it with --limit max_cell_mentions=N if the file is genuine",
                )
            for raw in split_mentions(cell, self.matcher, warnings, commune=commune, level=level):
                res = self.matcher.match(raw, commune, level)
                out.append(Mention(role=role, raw=raw, key=mention_key(raw), **vars(res)))
        return out

    def row(
        self,
        table: int,
        row: Row,
        commune: str | None = None,
        level: str | None = None,
        warnings: list[str] | None = None,
    ) -> TargetRow:
        target, more = parse_target(row.target, row.unit, row.indicator)
        codes = self.indicators.match_all(strip_target_words(row.indicator))
        code, more_codes = (codes[0], codes[1:]) if codes else (None, [])
        return TargetRow(
            table=table,
            page=row.page,
            line=row.line,
            row_no=row.row_no,
            section=row.section,
            indicator_text=row.indicator,
            indicator_code=code,
            target=target,
            more_targets=more,
            deadline=parse_deadline(row.deadline),
            assignments=self.mentions(row, commune, level, warnings),
            notes=row.notes or None,
            unit_cell=row.unit or None,
            target_cell=row.target or None,
            deadline_cell=row.deadline or None,
            more_indicators=more_codes,
            ocr=row.ocr,
            wording_key=wording_key(row.indicator),
        )

    def document(self, doc: Document, commune: str | None = None) -> NormalizedDocument:
        """`commune` overrides what the title lines say (--commune; "xã Đông Hòa" is "Đông Hòa")."""
        commune = commune_name(commune) or doc.meta.commune
        warnings = list(doc.warnings)
        rows = [self.row(t.index, r, commune, doc.meta.level, warnings) for t in doc.tables for r in t.rows]
        return NormalizedDocument(
            source=doc.source,
            path=doc.path,
            sha256=doc.sha256,
            format=doc.format,
            commune=commune,
            plan_number=doc.meta.plan_number,
            issued_on=doc.meta.issued_on,
            year=doc.meta.year,
            rows=rows,
            warnings=warnings,
            rows_digest=rows_digest((r.row_no, r.indicator_text, r.target_cell) for r in rows),
        )
