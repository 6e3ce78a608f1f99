"""The analyst's pages: an indicator across communes (table, chart, CSV/XLSX
of exactly what is shown), agencies' load, coverage."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask import Blueprint, Response, abort, render_template, request
from openpyxl import Workbook

from chitieu.store import queries
from chitieu.store.export import spreadsheet_cell
from chitieu.store.queries import IndicatorRow

from . import charts
from .app import engine

bp = Blueprint("analyst", __name__)

COLUMNS = ["Commune", "Target", "Value", "Unit", "Lead agency", "Deadline", "Document", "Row"]


@dataclass
class IndicatorView:
    """One indicator's table as shown: the rows, the highlight value, the filter."""

    indicator: queries.IndicatorSummary
    rows: list[IndicatorRow]
    below: float | None
    only_below: bool

    def is_below(self, r: IndicatorRow) -> bool:
        return self.below is not None and r.value is not None and r.value < self.below

    @property
    def below_count(self) -> int:
        return sum(map(self.is_below, self.rows))

    def cells(self, r: IndicatorRow) -> list:
        value = int(r.value) if r.value is not None and r.value.is_integer() else r.value
        return [r.commune or "", r.target, value, r.unit or "", r.lead, r.deadline or "", r.source, r.row_no or ""]


def indicator_view(code: str, below: float | None, only_below: bool) -> IndicatorView | None:
    found = queries.indicator(engine(), code)
    if found is None:
        return None
    view = IndicatorView(found, queries.indicator_rows(engine(), code), below, only_below and below is not None)
    if view.only_below:
        view.rows = [r for r in view.rows if view.is_below(r)]
    return view


def _args() -> tuple[float | None, bool]:
    raw = request.args.get("below", "").strip().replace(",", ".")
    try:
        below = float(raw) if raw else None
    except ValueError:
        abort(400, f"'{raw}' is not a number: give the value to highlight below, e.g. 70")
    return below, request.args.get("only") == "1"


@bp.get("/indicators")
def indicators():
    q = request.args.get("q", "")
    return render_template("indicators.html", items=queries.indicators(engine(), q), q=q)


@bp.get("/indicators/<code>")
def indicator(code: str):
    view = indicator_view(code, *_args())
    if view is None:
        abort(404, f"no indicator {code!r} in the catalogue")
    return render_template(
        "indicator.html", v=view, chart=charts.indicator_chart(view.rows, view.below), columns=COLUMNS
    )


@bp.get("/indicators/<code>/table.<fmt>")
def download(code: str, fmt: str):
    """The indicator's table exactly as the page shows it, as CSV (UTF-8 with
    BOM, for Excel) or XLSX."""
    view = indicator_view(code, *_args())
    if view is None:
        abort(404, f"no indicator {code!r} in the catalogue")
    name = code + (f"-below-{view.below:g}" if view.only_below else "")
    if fmt == "csv":
        buf = io.StringIO()
        out = csv.writer(buf)
        out.writerow(COLUMNS)
        out.writerows(list(map(spreadsheet_cell, view.cells(r))) for r in view.rows)
        return Response(
            "\ufeff" + buf.getvalue(),
            mimetype="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = code[:31]
        sheet.append(COLUMNS)
        for r in view.rows:
            sheet.append(list(map(spreadsheet_cell, view.cells(r))))
        buf = io.BytesIO()
        book.save(buf)
        return Response(
            buf.getvalue(),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    abort(404, "download as .csv or .xlsx")


@bp.get("/agencies")
def agencies():
    loads = queries.agency_load(engine())
    return render_template("agencies.html", loads=loads, chart=charts.agency_chart(loads))


@bp.get("/coverage")
def coverage():
    return render_template("coverage.html", cov=queries.coverage(engine()))
