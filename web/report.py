"""The analyst pages as one self-contained HTML file (inline CSS and SVG, no
scripts, links only inside the file), to e-mail or open without a server."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import render_template
from sqlalchemy import Engine

from chitieu.store import queries

from . import charts
from .analyst import COLUMNS, IndicatorView
from .app import create_app


def build(engine: Engine, codes: list[str] | None = None, below: float | None = None) -> str:
    """Every indicator some plan sets (or only `codes`), agencies' load and
    coverage; targets below `below` highlighted in each indicator."""
    items = [i for i in queries.indicators(engine) if i.rows]
    chosen = [i for i in items if i.code in codes] if codes else items
    views = []
    for i in chosen:
        view = IndicatorView(i, queries.indicator_rows(engine, i.code), below, False)
        views.append((view, charts.indicator_chart(view.rows, below)))
    loads = queries.agency_load(engine)
    with create_app(engine).app_context():
        return render_template(
            "report.html",
            static=True,
            items=chosen,
            views=views,
            columns=COLUMNS,
            loads=loads,
            agency_chart=charts.agency_chart(loads),
            cov=queries.coverage(engine),
            documents=queries.documents(engine),
            below=below,
            made=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )
