"""The clerk's queue: unresolved mentions, decisions, and sharing the registry.

Mentions are grouped by their key (`normalize.names.key`: the surrounding
words such as a commune's name removed), so the queue counts the rows one
decision settles and a decision on "Trạm Y tế xã Hòa Phú" also settles "Trạm
Y tế xã An Bình". A decision records who settled which mention and when,
adds the mention as an alias of the chosen unit, and re-resolves every stored
assignment with that key. Later ingests read decisions through
`store.registry.load`.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, distinct, func, select, update
from sqlalchemy.orm import Session

from chitieu.normalize.matching import Matcher
from chitieu.normalize.names import key as mention_key
from chitieu.normalize.text import clean, closest, fold

from .db import guarded, lock_decisions, writer
from .exceptions import StoreError, UnknownUnit, UnusedMention
from .export import spreadsheet_safe, spreadsheet_text
from .models import AliasT, AssignmentT, DecisionT, DocumentT, TargetRowT, UnitT, as_utc, utcnow
from .registry import load as load_registry

UNIT_COLUMNS = ["canonical_name", "kind", "level", "aliases_seen"]
DECISION_COLUMNS = ["mention", "unit", "decided_by", "decided_at", "action"]


def unresolved(engine: Engine, limit: int | None = None) -> list[dict]:
    """The clerk's queue: one item per mention key, the keys settling most rows
    first. Each item: `mention` (its most used spelling), `key`, `rows` (rows
    one decision settles), `documents`, `example` (document, commune and row
    text of a typical use) and the top three `candidates` (unit, score, why:
    which tokens aligned to which syllables)."""
    rows = func.count(distinct(AssignmentT.row_id))
    with Session(engine) as s:
        groups = s.execute(
            select(AssignmentT.mention_key, rows, func.count(distinct(TargetRowT.document_id)))
            .join(TargetRowT, TargetRowT.id == AssignmentT.row_id)
            .where(AssignmentT.status == "unresolved")
            .group_by(AssignmentT.mention_key)
            .order_by(rows.desc(), AssignmentT.mention_key)
            .limit(limit)
        ).all()
        keys = [g[0] for g in groups]
        spellings, uses = defaultdict(Counter), defaultdict(dict)
        for key, raw, source, commune, text in s.execute(
            select(
                AssignmentT.mention_key, AssignmentT.raw, DocumentT.source, DocumentT.commune, TargetRowT.indicator_text
            )
            .join(TargetRowT, TargetRowT.id == AssignmentT.row_id)
            .join(DocumentT, DocumentT.id == TargetRowT.document_id)
            .where(AssignmentT.mention_key.in_(keys), AssignmentT.status == "unresolved")
            .order_by(AssignmentT.id)
        ):
            spellings[key][raw] += 1
            uses[key].setdefault(raw, {"document": source, "commune": commune, "row": text})
    matcher = Matcher(load_registry(engine)) if keys else None
    out = []
    for k, n_rows, docs in groups:
        mention = spellings[k].most_common(1)[0][0]
        example = uses[k][mention]
        out.append(
            {
                "mention": mention,
                "key": k,
                "rows": n_rows,
                "documents": docs,
                "example": example,
                "candidates": _candidates(matcher, mention, example["commune"]),
            }
        )
    return out


def candidates(engine: Engine, mention: str, commune: str | None = None) -> list[dict]:
    """Top three readings of `mention` against the stored registry, each with
    its score and which tokens aligned to which syllables."""
    return _candidates(Matcher(load_registry(engine)), mention, commune)


def _candidates(matcher: Matcher, mention: str, commune: str | None) -> list[dict]:
    return [vars(c) for c in matcher.match(mention, commune).candidates[:3]]


def _unit_id(s: Session, name: str) -> int:
    wanted = fold(name)
    for id_, unit in s.execute(select(UnitT.id, UnitT.name)):
        if fold(unit) == wanted:
            return id_
    raise UnknownUnit(
        f"no unit named {name!r} in the registry", "check the spelling with 'chitieu units list', or add it with --new"
    )


@guarded
def resolve(
    engine: Engine,
    mention: str,
    to: str | None,
    *,
    new: bool = False,
    kind: str = "",
    level: str = "commune",
    by: str = "clerk",
    at: datetime | None = None,
    require_use: bool = False,
) -> int:
    """Settle `mention` — every mention with its key — as unit `to` (a new
    unit when `new`); returns how many stored assignments changed. With
    `require_use` a mention no stored row uses is refused (UnusedMention,
    naming the closest stored mentions) and nothing is saved."""
    mention, to = clean(mention), clean(to) or None
    key = mention_key(mention)
    if not key:
        raise StoreError("empty mention")
    name = to or mention
    if new and (same := Matcher(load_registry(engine)).match(name).unit):  # read as an existing unit
        raise StoreError(f"unit {name!r} reads the same as {same!r}", "drop --new to map the mention onto it")
    with Session(writer(engine)) as s, s.begin():
        lock_decisions(s.connection())
        if new:
            unit = UnitT(name=name, kind=kind, level=level, origin="clerk")
            s.add(unit)
            s.flush()
            unit_id = unit.id
        else:
            if not to:
                raise StoreError("say which unit the mention is", "use --to NAME, or --new")
            unit_id = _unit_id(s, to)
        for alias in s.scalars(select(AliasT).where(AliasT.origin == "clerk", AliasT.unit_id != unit_id)):
            if mention_key(alias.alias) == key:  # a later decision moves the spelling to its new unit
                s.delete(alias)
        if s.scalar(select(AliasT.id).where(AliasT.unit_id == unit_id, AliasT.alias == mention)) is None:
            s.add(AliasT(unit_id=unit_id, alias=mention, origin="clerk"))
        s.add(
            DecisionT(
                mention_key=key,
                raw=mention,
                unit_id=unit_id,
                decided_by=by,
                decided_at=as_utc(at) if at else utcnow(),
                action="new" if new else "alias",
            )
        )
        changed = s.execute(
            update(AssignmentT)
            .where(AssignmentT.mention_key == key)
            .values(unit_id=unit_id, status="confirmed", score=100.0)
        ).rowcount
        if require_use and not changed:
            raise UnusedMention(
                f"no stored row uses {mention!r}: probably a typo",
                _nearest_hint(s, mention) + "add --force to decide it for plans loaded later",
            )
    return changed


def _nearest_hint(s: Session, mention: str) -> str:
    """The stored mentions whose keys are most like `mention`'s (a commune's
    name around them does not count), one spelling per key."""
    spellings = dict(s.execute(select(AssignmentT.mention_key, AssignmentT.raw).order_by(AssignmentT.id.desc())).all())
    near = [spellings[k] for k in closest(mention_key(mention), spellings)]
    return f"closest stored mentions: {', '.join(map(repr, near))}; or " if near else ""


def _view(d: DecisionT, names: dict[int, str]) -> dict:
    return {
        "mention": d.raw,
        "unit": names.get(d.unit_id),
        "decided_by": d.decided_by,
        "decided_at": as_utc(d.decided_at).isoformat(timespec="seconds"),
        "action": d.action,
    }


def history(engine: Engine) -> list[dict]:
    """Every decision, oldest first by time (an imported decision keeps its
    own time), `decided_at` in ISO 8601 with its UTC offset."""
    with Session(engine) as s:
        names = dict(s.execute(select(UnitT.id, UnitT.name)).all())
        decisions = sorted(s.scalars(select(DecisionT)), key=lambda d: (as_utc(d.decided_at), d.id))
        return [_view(d, names) for d in decisions]


def current_decision(engine: Engine, mention: str) -> dict | None:
    """The decision that applies to `mention` now (the newest on its key), as
    `history` shows it; None when no clerk has decided it."""
    with Session(engine) as s:
        d = s.scalars(
            select(DecisionT).where(DecisionT.mention_key == mention_key(clean(mention))).order_by(DecisionT.id.desc())
        ).first()
        return _view(d, dict(s.execute(select(UnitT.id, UnitT.name)).all())) if d else None


def unit_names(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return list(s.scalars(select(UnitT.name).order_by(UnitT.name)))


def export_csv(engine: Engine, folder: Path, raw_formulas: bool = False) -> tuple[Path, Path]:
    """units.csv (the bundled file's columns) and decisions.csv, UTF-8 with BOM;
    cells that would run as spreadsheet formulas are neutralised unless `raw_formulas`."""
    folder.mkdir(parents=True, exist_ok=True)
    with Session(engine) as s:
        aliases = defaultdict(list)
        for unit_id, alias in s.execute(select(AliasT.unit_id, AliasT.alias).order_by(AliasT.id)):
            aliases[unit_id].append(alias)
        units = [
            {"canonical_name": u.name, "kind": u.kind, "level": u.level, "aliases_seen": "|".join(aliases[u.id])}
            for u in s.scalars(select(UnitT).order_by(UnitT.id))
        ]
    paths = folder / "units.csv", folder / "decisions.csv"
    for path, columns, rows in zip(paths, (UNIT_COLUMNS, DECISION_COLUMNS), (units, history(engine))):
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, columns)
            writer.writeheader()
            writer.writerows(rows if raw_formulas else map(spreadsheet_safe, rows))
    return paths


def _instant(text: str) -> datetime | None:
    """A decision time compared across databases (SQLite drops the zone)."""
    if not text:
        return None
    at = datetime.fromisoformat(text)
    return (at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at).replace(microsecond=0)


@guarded
def import_csv(engine: Engine, folder: Path, by: str) -> tuple[int, int]:
    """Add the units/aliases and replay the decisions another province exported;
    returns (units added, decisions replayed)."""
    added = replayed = 0
    with open(folder / "units.csv", encoding="utf-8-sig", newline="") as f:
        units = [{k: spreadsheet_text(v or "") for k, v in u.items()} for u in csv.DictReader(f)]
    known = set(unit_names(engine))
    with Session(writer(engine)) as s, s.begin():
        for u in units:
            if u["canonical_name"] not in known:
                s.add(
                    UnitT(
                        name=u["canonical_name"],
                        kind=u.get("kind", ""),
                        level=u.get("level") or "commune",
                        origin="clerk",
                    )
                )
                added += 1
        s.flush()
        ids = dict(s.execute(select(UnitT.name, UnitT.id)).all())
        have = set(s.execute(select(AliasT.unit_id, AliasT.alias)).all())
        for u in units:
            for alias in filter(None, (u.get("aliases_seen") or "").split("|")):
                if (ids[u["canonical_name"]], alias) not in have:
                    s.add(AliasT(unit_id=ids[u["canonical_name"]], alias=alias, origin="clerk"))
                    have.add((ids[u["canonical_name"]], alias))
    decisions = folder / "decisions.csv"
    if decisions.exists():
        seen = {(h["mention"], h["unit"], _instant(h["decided_at"])) for h in history(engine)}
        with open(decisions, encoding="utf-8-sig", newline="") as f:
            for d in ({k: spreadsheet_text(v or "") for k, v in row.items()} for row in csv.DictReader(f)):
                if d["unit"] and (d["mention"], d["unit"], _instant(d["decided_at"])) not in seen:  # twice adds nothing
                    resolve(
                        engine,
                        d["mention"],
                        d["unit"],
                        by=d.get("decided_by") or by,
                        at=datetime.fromisoformat(d["decided_at"]) if d.get("decided_at") else None,
                    )
                    replayed += 1
    return added, replayed
