"""The indicator catalog as stored: codes looked up as a user types them."""

from __future__ import annotations

from sqlalchemy import Engine, select

from chitieu.normalize.text import closest

from .db import guarded
from .exceptions import UnknownIndicator
from .models import IndicatorT


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
