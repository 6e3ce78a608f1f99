"""The clerk's pages: the queue of unresolved agency names, the registry
search, decisions (the same `store.units` calls as `chitieu units resolve`),
undo, and the history of decisions."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from chitieu.normalize.registry import LEVELS
from chitieu.normalize.text import clean
from chitieu.store import StoreError, queries
from chitieu.store import undo as store_undo
from chitieu.store import units as store_units

from .app import engine
from .security import clerk, require_clerk

bp = Blueprint("clerk", __name__)
NEXT_UP = 10  # names listed after the current one


def _skipped() -> set[str]:
    """Mentions this browser session skipped (kept on the server, not in the cookie)."""
    if "sid" not in session:
        session["sid"] = secrets.token_urlsafe(16)
    return current_app.extensions["chitieu.skipped"].setdefault(session["sid"], set())


def _panel_context(message: str | None = None, error: bool = False) -> dict:
    skipped = _skipped()
    limit = len(skipped) + NEXT_UP + 1
    waiting = store_units.unresolved(engine(), limit)
    if len(waiting) == limit and all(q["mention"] in skipped for q in waiting):
        waiting = store_units.unresolved(engine())  # skipped names that others settled since
    queue = [q for q in waiting if q["mention"] not in skipped]
    item = queue[0] if queue else None
    names, rows = queries.queue_size(engine())
    return dict(
        item=item,
        next_up=queue[1 : NEXT_UP + 1],
        uses=queries.uses(engine(), item["mention"]) if item else [],
        names=names,
        rows=rows,
        skipped=len(waiting) - len(queue),
        message=message,
        error=error,
        kinds=queries.unit_kinds(engine()),
        levels=LEVELS,
        who=clerk(),
    )


def _panel(message: str | None = None, error: bool = False):
    return render_template("_queue.html", **_panel_context(message, error))


def _done(back: str, message: str, error: bool = False):
    """After a POST: the refreshed queue panel for htmx, else back to the page."""
    if request.headers.get("HX-Request") and back == "queue":
        return _panel(message, error)
    flash(message, "error" if error else "ok")
    return redirect(url_for("clerk.history") if back == "history" else url_for("clerk.queue"))


@bp.get("/queue")
def queue():
    return render_template("queue.html", **_panel_context())


@bp.get("/queue/panel")
def panel():
    return _panel()


@bp.get("/units/search")
def search():
    """Registry units matching what is typed (accent- and case-blind), each
    with a button that settles `mention` as that unit."""
    page = "_hits.html" if request.headers.get("HX-Request") else "search.html"
    return render_template(
        page,
        hits=queries.search_units(engine(), request.args.get("q", "")),
        mention=request.args.get("mention", ""),
        back=request.args.get("back", "queue"),
    )


@bp.post("/decide")
def decide():
    """Settle a mention: as an existing unit (`to`), or as a new unit
    (`new`, shown for confirmation first unless `confirm`)."""
    by = require_clerk()
    mention, back = clean(request.form.get("mention")), request.form.get("back", "queue")
    if not mention:
        abort(400, "no mention given")
    try:
        if request.form.get("new"):
            name = clean(request.form.get("name")) or mention
            kind, level = request.form.get("kind", ""), request.form.get("level", "commune")
            if level not in LEVELS:
                abort(400, f"level must be one of {', '.join(LEVELS)}")
            if not request.form.get("confirm"):
                page = "_confirm.html" if request.headers.get("HX-Request") else "confirm.html"
                return render_template(page, mention=mention, name=name, kind=kind, level=level, back=back)
            changed = store_units.resolve(engine(), mention, name, new=True, kind=kind, level=level, by=by)
            to = name
        else:
            to = clean(request.form.get("to"))
            changed = store_units.resolve(engine(), mention, to, by=by)
    except StoreError as e:
        return _done(back, str(e), error=True)
    return _done(back, f"“{mention}” → {to}: {changed} rows updated.")


@bp.post("/queue/skip")
def skip():
    _skipped().add(clean(request.form.get("mention")))
    return _done("queue", "Skipped; it stays in the queue for later.")


@bp.post("/queue/unskip")
def unskip():
    _skipped().clear()
    return _done("queue", "Skipped names are back in the queue.")


@bp.post("/queue/undo")
def undo():
    by = require_clerk()
    mention = store_undo.undo_last(engine(), by)
    if mention is None:
        return _done("queue", f"{by} has no decision to undo.", error=True)
    _skipped().discard(mention)
    return _done("queue", f"Undone: your decision on “{mention}”.")


@bp.get("/history")
def history():
    text, by = request.args.get("q", ""), request.args.get("by", "")
    return render_template("history.html", decisions=queries.decisions(engine(), text, by), q=text, by=by)


@bp.get("/history/<int:decision_id>")
def change(decision_id: int):
    """One decision, with the registry search and new-unit form to change it."""
    d = queries.decision(engine(), decision_id)
    if d is None:
        abort(404, "no such decision")
    return render_template("change.html", d=d, kinds=queries.unit_kinds(engine()), levels=LEVELS)
