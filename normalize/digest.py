"""A document's rows as one fingerprint, to tell a plan loaded twice (a PDF
and a DOCX of it, a file saved again): what the rows say, not how a reader
spaced or accented it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from .text import fold, strip_accents


def _letters(text: str | None) -> str:
    return "".join(re.findall(r"[^\W_]+", strip_accents(fold(text))))


def rows_digest(rows: Iterable[tuple[str | None, str, str | None]]) -> str | None:
    """SHA-256 of (row number, indicator text, target cell) of each row in
    order, letters and digits only, accent- and case-blind (a PDF's "BTT TT"
    is a DOCX's "BTTTT"); None for a document without rows."""
    lines = ["\t".join(_letters(cell) for cell in row) for row in rows]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest() if lines else None
