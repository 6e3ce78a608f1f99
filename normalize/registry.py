"""The registry of canonical agencies (units.csv) and the clerks' decisions.

A `Registry` is a plain, picklable dataclass: it is built once and sent to
worker processes. `decisions` maps a raw mention, keyed with
`normalize.names.key` (surroundings such as the commune's name stripped), to the canonical name a clerk chose for it (None: the
clerk said it is no agency we track); decisions win over automatic matching.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from .exceptions import NormalizeError
from .names import key
from .text import clean

LEVELS = ("commune", "district", "province", "any")  # any: a level-free group
# The bundled data beside this module (not importlib.resources: under an editable
# install the package can show up as a namespace package, which it cannot read).
DATA = Path(__file__).with_name("data")


@dataclass
class Unit:
    name: str  # canonical name
    kind: str  # government | office | party | police | position | …
    level: str  # commune | district | province
    aliases: list[str] = field(default_factory=list)


@dataclass
class Registry:
    units: list[Unit]
    decisions: dict[str, str | None] = field(default_factory=dict)

    def unit(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.name == name), None)

    def decide(self, mention: str, unit: str | None) -> None:
        """Record a clerk's decision: `mention` means canonical `unit` (None: not tracked)."""
        if unit is not None and self.unit(unit) is None:
            raise NormalizeError(f"unknown unit {unit!r} (use a canonical name from units.csv)")
        self.decisions[key(mention)] = unit


def load_registry(path: str | Path | None = None) -> Registry:
    """Read units.csv (columns canonical_name, kind, level, aliases_seen with '|'
    between aliases); the bundled file when `path` is None."""
    text = Path(path or DATA / "units.csv").read_text(encoding="utf-8-sig")
    units = []
    for n, rec in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        name = clean(rec.get("canonical_name"))
        level = (rec.get("level") or "").strip()
        if not name:
            raise NormalizeError(f"units.csv line {n}: empty canonical_name (fill it or drop the line)")
        if level not in LEVELS:
            raise NormalizeError(f"units.csv line {n}: level {level!r} is not one of {', '.join(LEVELS)}")
        aliases = [clean(a) for a in (rec.get("aliases_seen") or "").split("|") if clean(a)]
        units.append(Unit(name, (rec.get("kind") or "").strip(), level, aliases))
    return Registry(units)


def kinds(registry: Registry | None = None) -> list[str]:
    """The kinds of unit the registry uses (the bundled one when None), sorted."""
    return sorted({u.kind for u in (registry or load_registry()).units if u.kind})
