"""The agency registry in the database: seeded from the bundled units.csv,
extended by clerks' decisions, handed to the normalise stage as a Registry."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from chitieu.normalize.indicators import Indicator
from chitieu.normalize.registry import Registry, Unit
from chitieu.normalize.names import key

from .db import guarded, writer
from .models import AliasT, DecisionT, IndicatorT, UnitT


def _insert_ignore(conn, table, rows: list[dict], keys: list[str]) -> None:
    """INSERT … ON CONFLICT DO NOTHING, so concurrent loaders can seed at once."""
    if rows:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(dialect.insert(table).on_conflict_do_nothing(index_elements=keys), rows)


@guarded
def sync(engine: Engine, registry: Registry, catalog: list[Indicator]) -> None:
    """Add the units, aliases and indicators the database does not have yet."""
    with writer(engine).begin() as conn:
        have = set(conn.scalars(select(UnitT.name)))
        _insert_ignore(
            conn,
            UnitT,
            [
                dict(name=u.name, kind=u.kind, level=u.level, origin="registry")
                for u in registry.units
                if u.name not in have
            ],
            ["name"],
        )
        ids = dict(conn.execute(select(UnitT.name, UnitT.id)).all())
        known = set(conn.execute(select(AliasT.unit_id, AliasT.alias)).all())
        _insert_ignore(
            conn,
            AliasT,
            [
                dict(unit_id=ids[u.name], alias=a, origin="registry")
                for u in registry.units
                for a in dict.fromkeys(u.aliases)
                if (ids[u.name], a) not in known
            ],
            ["unit_id", "alias"],
        )
        codes = set(conn.scalars(select(IndicatorT.code)))
        _insert_ignore(
            conn,
            IndicatorT,
            [dict(code=i.code, name_vi=i.name_vi, name_en=i.name_en) for i in catalog if i.code not in codes],
            ["code"],
        )


@guarded
def load(engine: Engine) -> Registry:
    """The registry as stored: every unit with its aliases, and the newest
    clerk decision per mention."""
    with engine.connect() as conn:
        names = dict(conn.execute(select(UnitT.id, UnitT.name)).all())
        decided = {key(raw) for raw in conn.scalars(select(DecisionT.raw))}
        aliases = defaultdict(list)
        for unit_id, alias in conn.execute(select(AliasT.unit_id, AliasT.alias).order_by(AliasT.id)):
            if key(alias) not in decided:  # a clerk's spelling acts through its decision
                aliases[unit_id].append(alias)
        registry = Registry(
            [
                Unit(name, kind or "", level or "commune", aliases[id_])
                for id_, name, kind, level in conn.execute(
                    select(UnitT.id, UnitT.name, UnitT.kind, UnitT.level).order_by(UnitT.id)
                )
            ]
        )
        for raw, unit_id in conn.execute(select(DecisionT.raw, DecisionT.unit_id).order_by(DecisionT.id)):
            registry.decide(raw, names.get(unit_id))
    return registry
