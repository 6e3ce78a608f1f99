"""Taking back a clerk's decision (the web queue's "undo")."""

from __future__ import annotations

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from chitieu.normalize.matching import Matcher

from .db import writer
from .models import AliasT, AssignmentT, DecisionT, UnitT
from .registry import load as load_registry


def undo_last(engine: Engine, by: str) -> str | None:
    """Take back `by`'s newest decision: its clerk spelling and (for a new unit
    nothing else uses) its unit go, and the stored rows with that mention are
    resolved again — by the earlier decision on it if one remains, else by the
    matcher. Returns the mention, None when `by` has decided nothing."""
    with Session(writer(engine)) as s, s.begin():
        d = s.scalars(
            select(DecisionT).where(DecisionT.decided_by == by).order_by(DecisionT.id.desc()).limit(1)
        ).first()
        if d is None:
            return None
        mention, key, unit_id, action = d.raw, d.mention_key, d.unit_id, d.action
        s.delete(d)
        s.flush()
        earlier = s.scalars(
            select(DecisionT).where(DecisionT.mention_key == key).order_by(DecisionT.id.desc()).limit(1)
        ).first()
        if earlier is None or earlier.unit_id != unit_id:
            s.execute(
                delete(AliasT).where(AliasT.unit_id == unit_id, AliasT.alias == mention, AliasT.origin == "clerk")
            )
        if earlier is not None:
            if (
                s.scalar(select(AliasT.id).where(AliasT.unit_id == earlier.unit_id, AliasT.alias == earlier.raw))
                is None
            ):
                s.add(AliasT(unit_id=earlier.unit_id, alias=earlier.raw, origin="clerk"))
            s.execute(
                update(AssignmentT)
                .where(AssignmentT.mention_key == key)
                .values(unit_id=earlier.unit_id, status="confirmed", score=100.0)
            )
            return mention
        s.execute(
            update(AssignmentT)
            .where(AssignmentT.mention_key == key)
            .values(unit_id=None, status="unresolved", score=0.0)
        )
        if action == "new" and not any(
            s.scalar(select(func.count()).select_from(t).where(t.unit_id == unit_id))
            for t in (AssignmentT, AliasT, DecisionT)
        ):
            s.execute(delete(UnitT).where(UnitT.id == unit_id, UnitT.origin == "clerk"))
    matcher = Matcher(load_registry(engine))  # the registry without the decision
    with Session(writer(engine)) as s, s.begin():
        ids = dict(s.execute(select(UnitT.name, UnitT.id)).all())
        for a in s.scalars(select(AssignmentT).where(AssignmentT.mention_key == key, AssignmentT.unit_id.is_(None))):
            res = matcher.match(a.raw)
            a.unit_id = ids.get(res.unit) if res.unit else None
            a.status = res.status if a.unit_id or not res.unit else "unresolved"
            a.score, a.candidates = res.score, [vars(c) for c in res.candidates]
    return mention
