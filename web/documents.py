"""Documents: every loaded plan, a plan's rows with provenance, and a row
beside its source (the PDF page, or the cells as read from DOCX/TSV)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, render_template

from chitieu.store import queries

from .app import engine
from .source import SourceMissing, page_png

bp = Blueprint("documents", __name__)


@bp.get("/documents")
def documents():
    return render_template("documents.html", docs=queries.documents(engine()))


@bp.get("/documents/<int:document_id>")
def document(document_id: int):
    found = queries.document(engine(), document_id)
    if found is None:
        abort(404, "no such document")
    doc, rows = found
    return render_template("document.html", doc=doc, rows=rows)


@bp.get("/rows/<int:row_id>")
def row(row_id: int):
    found = queries.row(engine(), row_id)
    if found is None:
        abort(404, "no such row")
    doc, r = found
    return render_template("row.html", doc=doc, r=r, file_there=Path(doc.path).is_file())


@bp.get("/rows/<int:row_id>/page.png")
def page(row_id: int):
    """The PDF page a row starts on, the row marked when it can be found."""
    found = queries.row(engine(), row_id)
    if found is None or found[0].format != "pdf" or not found[1].page:
        abort(404, "this row has no PDF page")
    doc, r = found
    try:
        png = page_png(doc.path, r.page, r.indicator_text)
    except SourceMissing as e:
        abort(404, str(e))
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"})
