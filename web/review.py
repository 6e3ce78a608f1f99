"""OCR review: each doubtful cell's image crop beside the text read, to
confirm or correct (the same `store.review` calls as `chitieu review`)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from chitieu.normalize.text import clean
from chitieu.store import StoreError, queries
from chitieu.store import review as store_review

from .app import engine
from .security import require_clerk
from .source import SourceMissing, crop_png

bp = Blueprint("review", __name__)


@bp.get("/review")
def items():
    return render_template("review.html", entries=store_review.pending(engine()))


@bp.post("/review/<key>")
def settle(key: str):
    """Confirm the reading, or store the text typed as the cell's content."""
    by = require_clerk()
    text = clean(request.form.get("text"))
    try:
        if request.form.get("action") == "correct":
            if not text:
                raise StoreError("type what the cell says to correct it", "or confirm the reading")
            item = store_review.correct(engine(), key, by, text)
            flash(f"{key}: {item['text']} → {item['corrected']}", "ok")
        else:
            item = store_review.settle(engine(), key, by)
            flash(f"{key}: {item['text']} confirmed", "ok")
    except StoreError as e:
        flash(str(e), "error")
    return redirect(url_for("review.items"))


@bp.get("/review/<key>/crop.png")
def crop(key: str):
    """The cell as scanned: its box on the source page, a margin around it."""
    entry = next((e for e in store_review.pending(engine()) if e.key == key), None)
    found = entry and queries.row(engine(), entry.row_id)
    if not entry or not found or not entry.item.get("page"):
        abort(404, "no such review item, or it has no page")
    try:
        png = crop_png(found[0].path, entry.item["page"], tuple(entry.item["box"]))
    except SourceMissing as e:
        abort(404, str(e))
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=3600"})
