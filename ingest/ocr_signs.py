"""Comparison signs at the start of a target cell, decided on the glyph.

Tesseract reads "≥ 70" as "> 70" or "270": the underline under the angle is
what tells "≥" from ">", so the first glyph of the cell is measured here.
Its ink is split into bands by blank pixel rows: one thin bar over another
is "="; an angle (every row one short stroke, its tip at the middle rows,
pointing right or left) is ">" or "<", and with a thin bar under it "≥"
or "≤". A glyph that is none of these (a digit, a letter) gives None and
Tesseract's reading stands.
"""

from __future__ import annotations

import re

import numpy as np

SIGNS = "≥≤><="
# what Tesseract makes of a sign at the start of a cell
_READ_AS = re.compile(r"^\s*(?:[≥≤><=»«_~≧≦]+|2(?=\s*\d)|[z£]\s*(?=\d))\s*")
SPACE = 0.3  # a gap after the sign this share of the digit height is a space ("≥ 70", not "≥70")
_SPECK = 0.02  # bands with fewer pixels than this share of the glyph's are noise
TIP_GAP = 2  # blank pixel rows between the arms of an angle broken at its tip


def _bands(ink: np.ndarray) -> list[np.ndarray]:
    """The glyph's ink in bands between blank pixel rows, specks dropped;
    an angle broken at its tip (a blank row or two between its arms, as a
    coarse scan thins it) is one band."""
    rows = np.flatnonzero(ink.any(axis=1))
    if not len(rows):
        return []
    parts = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    total = int(ink.sum())
    spans = [(p[0], p[-1] + 1) for p in parts if ink[p[0] : p[-1] + 1].sum() >= _SPECK * total]
    width = ink.shape[1]
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start - merged[-1][1] <= TIP_GAP and not _solid_bar(ink[start:end], width):
            joined = (merged[-1][0], end)
            if _angle(_solid(ink[joined[0] : joined[1]])):
                merged[-1] = joined
                continue
        merged.append((start, end))
    return [_solid(ink[a:b]) for a, b in merged]


def _solid_bar(band: np.ndarray, width: int) -> bool:
    """Whether most inked rows of a band run across most of the glyph (a bar, not an arm)."""
    spans = [np.flatnonzero(r) for r in band if r.any()]
    return sum(s[-1] - s[0] + 1 >= 0.6 * width for s in spans) * 2 >= len(spans)


def _solid(band: np.ndarray) -> np.ndarray:
    """A band without its blank pixel rows."""
    return band[band.any(axis=1)]


def _is_bar(band: np.ndarray, width: int) -> bool:
    h, w = band.shape
    cols = np.flatnonzero(band.any(axis=0))
    return h * 3 <= max(cols[-1] - cols[0] + 1, 1) and (cols[-1] - cols[0] + 1) >= 0.6 * width


def _angle(band: np.ndarray) -> str | None:
    """ ">" or "<" when the band is one angle: one stroke per row whose
    centre moves out to one side at the middle and back; None otherwise."""
    h, w = band.shape
    if h < 4 or w < 3:
        return None
    read: list[float] = []
    for row in band:
        xs = np.flatnonzero(row)
        if not len(xs):
            return None
        if (np.diff(xs) > max(2, w // 6)).sum() > (1 if len(read) in (0, h - 1) else 2):
            return None
        read.append(xs.mean())
    centres = np.array(read)
    ends, middle = (centres[: h // 5 + 1].mean() + centres[-(h // 5 + 1) :].mean()) / 2, centres[h // 3 : h - h // 3]
    if middle.mean() - ends >= 0.3 * w:
        return ">"
    if ends - middle.mean() >= 0.3 * w:
        return "<"
    return None


def first_glyph(ink: np.ndarray) -> np.ndarray | None:
    """The ink of the leftmost glyph of a one-line cell (columns up to the first blank column)."""
    cols = np.flatnonzero(ink.any(axis=0))
    if not len(cols):
        return None
    gaps = np.flatnonzero(np.diff(cols) > 1)
    end = cols[gaps[0]] if len(gaps) else cols[-1]
    return ink[:, cols[0] : end + 1]


def sign(glyph: np.ndarray, line_height: int) -> str | None:
    """Which of SIGNS a glyph's ink (True = ink) is, None for none of them;
    `line_height` is the height of the cell's digits, which a sign stays under."""
    bands = _bands(glyph)
    if not bands:
        return None
    top = min(np.flatnonzero(glyph.any(axis=1)))
    bottom = max(np.flatnonzero(glyph.any(axis=1)))
    if bottom - top + 1 > 1.05 * line_height:
        return None
    width = glyph.shape[1]
    if len(bands) == 2 and all(_is_bar(b, width) for b in bands):
        return "="
    if len(bands) == 1:
        return _angle(bands[0])
    if len(bands) == 2 and _is_bar(bands[1], width) and (turn := _angle(bands[0])):
        return "≥" if turn == ">" else "≤"
    return None


def read_sign(pixels: np.ndarray, text: str) -> str:
    """The cell text with its leading sign as the glyph shows it: "> 70" whose
    first glyph has an underline becomes "≥ 70"; a text Tesseract began with a
    digit keeps it unless the glyph is plainly a sign."""
    if text[:1].isalpha() and not _READ_AS.match(text):
        return text  # a word ("Có"), whose "C" is no "<"
    found, spaced = spaced_sign(pixels)
    if found is None:
        return text
    match = _READ_AS.match(text)
    body = text[match.end() :] if match else text
    return f"{found}{' ' if spaced else ''}{body}".strip()


def spaced_sign(pixels: np.ndarray) -> tuple[str | None, bool]:
    """The sign the first glyph is (`glyph_sign`), and whether a space
    follows it (a gap of SPACE of the digits' height before the next glyph)."""
    found = glyph_sign(pixels)
    if found is None:
        return None, False
    ink = pixels < 128
    glyph = first_glyph(ink)
    assert glyph is not None
    height = _digit_height(ink, glyph.shape[1])
    cols = np.flatnonzero(ink.any(axis=0))
    after = cols[cols >= cols[0] + glyph.shape[1]]
    return found, bool(len(after) and after[0] - (cols[0] + glyph.shape[1]) >= SPACE * height)


def glyph_sign(pixels: np.ndarray) -> str | None:
    """Which of SIGNS the first glyph of a one-line cell is, None when it is
    none of them or the cell is more than one line."""
    ink = pixels < 128
    rows = np.flatnonzero(ink.any(axis=1))
    if not len(rows) or (np.diff(rows) > max(3, (rows[-1] - rows[0]) // 2)).any():
        return None  # more than one line: not a bare target
    glyph = first_glyph(ink)
    return None if glyph is None else sign(glyph, _digit_height(ink, glyph.shape[1]))


def _digit_height(ink: np.ndarray, after: int) -> int:
    """Ink height of the cell right of the first glyph (its digits)."""
    start = np.flatnonzero(ink.any(axis=0))[0] + after
    rows = np.flatnonzero(ink[:, start:].any(axis=1))
    return int(rows[-1] - rows[0] + 1) if len(rows) else ink.shape[0]
