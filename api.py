"""The analyst's Python API: the same jobs as the command line, as calls.

import chitieu
report = chitieu.ingest(["plans/"], db="sqlite:///province.db")
df = chitieu.read_targets("sqlite:///province.db", indicator="infra.5g_coverage")
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from chitieu import batch
from chitieu.ingest import ExtractSettings
from chitieu.store import connect, frames


@dataclass
class IngestReport:
    """Every file's outcome, and the counts the CLI's summary line gives."""

    results: list[batch.FileResult]

    def _of(self, status: str) -> list[batch.FileResult]:
        return [r for r in self.results if r.status == status]

    @property
    def loaded(self) -> list[batch.FileResult]:
        return self._of("loaded")

    @property
    def skipped(self) -> list[batch.FileResult]:
        return self._of("skipped")

    @property
    def failed(self) -> list[batch.FileResult]:
        return self._of("failed")

    @property
    def rows(self) -> int:
        return sum(r.rows for r in self.loaded)


def ingest(
    paths,
    db: str | None = None,
    *,
    jobs: int = 1,
    commune: str | None = None,
    settings: ExtractSettings | dict | None = None,
    limits: batch.Limits = batch.Limits(),
) -> IngestReport:
    """Load plan files or folders into `db` (default ./chitieu.db), as `chitieu ingest` does."""
    files, missing = batch.collect([paths] if isinstance(paths, (str, os.PathLike)) else paths)
    engine = connect(db)
    try:
        return IngestReport(
            missing
            + batch.run(files, engine, ExtractSettings.resolve(settings), jobs=jobs, commune=commune, limits=limits)
        )
    finally:
        engine.dispose()


def _read(fn, db, **kwargs):
    engine = connect(db, must_exist=True)
    try:
        return fn(engine, **kwargs)
    finally:
        engine.dispose()


def read_targets(db: str | None = None, indicator: str | None = None):
    """Every target row (or one indicator's) as a typed pandas DataFrame."""
    return _read(frames.targets, db, indicator=indicator)


def read_assignments(db: str | None = None, indicator: str | None = None):
    """One row per agency named on a target row (long format)."""
    return _read(frames.assignments, db, indicator=indicator)


def read_documents(db: str | None = None):
    """One row per stored plan."""
    return _read(frames.documents, db)
