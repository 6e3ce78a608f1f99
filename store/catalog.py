"""The indicator catalog as stored: codes looked up as a user types them, and
analysts' links of a row's wording to an indicator."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from chitieu.normalize.indicators import strip_target_words, wording_key
from chitieu.normalize.text import clean, closest

from .db import guarded, lock_decisions, newest, writer
from .exceptions import StoreError, UnknownIndicator, UnusedMention
from .models import IndicatorLinkT, IndicatorT, TargetRowT, as_utc, utcnow


@guarded
def canonical_code(engine: Engine, code: str) -> str:
    """The catalogued code `code` names, case-blind ("INFRA.5G_coverage" ->
    "infra.5g_coverage"); UnknownIndicator naming the closest codes otherwise."""
    with engine.connect() as conn:
        codes = list(conn.scalars(select(IndicatorT.code).order_by(IndicatorT.code)))
    wanted = code.strip().casefold()
    for known in codes:
        if known.casefold() == wanted:
            return known
    near = closest(code, codes)
    raise UnknownIndicator(
        f"no indicator {code!r} in the catalog",
        (f"did you mean {' or '.join(near)}? " if near else "") + "'chitieu indicators' lists every code",
    )


@guarded
def link(
    engine: Engine,
    wording: str,
    code: str,
    *,
    by: str = "analyst",
    at: datetime | None = None,
    require_use: bool = False,
) -> tuple[int, int]:
    """Link every stored row whose indicator text has `wording`'s key
    (`wording_key`: its target left out, folded) to indicator `code`, and every
    row loaded later; saved with who and when. Returns (rows with that wording,
    rows whose indicator changed). With `require_use` a wording no stored row
    has is refused (UnusedMention, naming the closest stored wordings)."""
    code = canonical_code(engine, code)
    wording = clean(wording)
    key = wording_key(wording)
    if not key:
        raise StoreError("empty wording", "give the row's indicator text")
    with Session(writer(engine)) as s, s.begin():
        lock_decisions(s.connection())
        rows = s.execute(select(TargetRowT.id, TargetRowT.indicator_text, TargetRowT.indicator_code)).all()
        same = [(id_, old) for id_, text, old in rows if wording_key(text) == key]
        if require_use and not same:
            near = closest(key, {wording_key(text): None for _, text, _ in rows})
            shown = ", ".join(repr(strip_target_words(text)) for text in _spellings(rows, near))
            raise UnusedMention(
                f"no stored row says {wording!r}: probably a typo",
                (f"closest stored wordings: {shown}; or " if near else "")
                + "add --force to link it for plans loaded later",
            )
        s.add(IndicatorLinkT(wording_key=key, raw=wording, code=code, decided_by=by, decided_at=as_utc(at or utcnow())))
        if same:
            s.execute(update(TargetRowT).where(TargetRowT.id.in_([i for i, _ in same])).values(indicator_code=code))
    return len(same), sum(old != code for _, old in same)


def _spellings(rows, keys: list[str]) -> list[str]:
    """One stored indicator text for each wording key, in the order of `keys`."""
    first: dict[str, str] = {}
    for _, text, _ in rows:
        first.setdefault(wording_key(text), text)
    return [first[k] for k in keys]


def links(engine: Engine) -> list[dict]:
    """Every analyst's link, oldest first by time: wording, code, who, when (ISO 8601, UTC)."""
    with Session(engine) as s:
        found = sorted(s.scalars(select(IndicatorLinkT)), key=lambda d: (as_utc(d.decided_at), d.id))
        return [
            {
                "wording": d.raw,
                "code": d.code,
                "decided_by": d.decided_by,
                "decided_at": as_utc(d.decided_at).isoformat(timespec="seconds"),
            }
            for d in found
        ]


def apply_links(conn, rows: list[dict], keys: list[str]) -> None:
    """Within the transaction storing `rows` (target_rows values) whose wordings
    have `keys` (TargetRow.wording_key, made in the workers): the newest analyst's
    link for a row's wording sets its indicator_code, over the matcher."""
    linked = newest(conn, IndicatorLinkT.wording_key, IndicatorLinkT.code, set(keys))
    for r, k in zip(rows, keys):
        code = linked.get(k)
        if code:
            r["indicator_code"] = code
