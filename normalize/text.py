"""Vietnamese text normalisation shared by every stage.

`clean` gives the text as it should be stored and shown (NFC, markup and
LaTeX removed, whitespace collapsed); `fold` gives a comparison key that is
blind to case, old/new tone placement, dash style and spacing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process, utils

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_LOOKALIKES = {ord("\u00d0"): "Đ", ord("\u00f0"): "đ", ord("\u0189"): "Đ"}
# Zero-width characters, the soft hyphen and the bidirectional controls (which
# would show a cell's text turned around: "Phòng\u202eKinh tế" as "Phòng ết hniK").
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u2060\ufeff\u00ad\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    ),
    None,
)
_CONTROLS = (
    {c: None if c not in (9, 10, 11, 12, 13, 28, 29, 30, 31) else " " for c in range(32)}
    | {0x7F: None}  # PostgreSQL refuses NUL
    | {c: " " for c in (0x85, 0x2028, 0x2029)}
    | dict.fromkeys(range(0xD800, 0xE000))
)  # lone surrogates

_LATEX = {
    r"\geqslant": "≥",
    r"\leqslant": "≤",
    r"\geq": "≥",
    r"\leq": "≤",
    r"\ge": "≥",
    r"\le": "≤",
    r"\times": "×",
    r"\pm": "±",
    r"\approx": "≈",
    r"\neq": "≠",
    r"\%": "%",
    r"\&": "&",
    r"\,": " ",
    r"\;": " ",
    r"\:": " ",
    r"\!": "",
    r"\ ": " ",
    r"\quad": " ",
}
_LATEX_CMD = re.compile("|".join(re.escape(k) for k in sorted(_LATEX, key=len, reverse=True)))
_LATEX_WRAP = re.compile(r"\\(?:text|mathrm|mathbf|textbf|mbox)\{([^{}]*)\}")
_MATH = re.compile(r"\$([^$]*)\$")
_WRAPPED_CMD = re.compile(r"\\\s+(?=[A-Za-z])")  # "\ geq": a line wrapped inside a command
_STRAY_DOLLAR = re.compile(r"\$(?=\s*[≥≤<>=±×\d])|(?<=[%\d])\$")  # half of a formula split across a page
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_EMPHASIS = re.compile(r"\*{1,3}|(?<!\w)_{2}|_{2}(?!\w)")
_SPACE = re.compile(r"\s+")

# Old-style tone placement ("hoá", "thuỷ", "khoẻ") -> new style ("hóa", "thủy", "khỏe")
# when the pair ends the syllable. Not after "q" ("quý" is already right).
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_OLD_TONE = re.compile(r"(?<![qQ])([oOuU])([aAeEyY])([" + _TONES + r"])(?![^\W\d_]|[\u0300-\u036f])")


def _math(match: re.Match) -> str:
    body = _LATEX_WRAP.sub(r"\1", _WRAPPED_CMD.sub(r"\\", match.group(1)))
    body = _LATEX_CMD.sub(lambda m: _LATEX[m.group(0)], body)
    return body.replace("{", "").replace("}", "")


def clean(text: str | None) -> str:
    """Text as stored: NFC, markup and LaTeX removed, one space between words."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE).translate(_LOOKALIKES).translate(_CONTROLS)
    if "$" in text:
        text = _MATH.sub(_math, text)
    if "\\" in text:
        text = _LATEX_CMD.sub(lambda m: _LATEX[m.group(0)], text)
    if "$" in text:
        text = _STRAY_DOLLAR.sub("", text)
    if "<" in text:
        text = _TAG.sub("", text)
    if "*" in text or "__" in text:
        text = _EMPHASIS.sub("", text)
    return _SPACE.sub(" ", text).strip()


def new_tone_placement(text: str) -> str:
    """Move the tone of a syllable-final oa/oe/uy to the first vowel (hoá -> hóa)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _OLD_TONE.sub(r"\1\3\2", decomposed))


def unify(text: str | None) -> str:
    """Cleaned, new tone placement, '-' for every dash; case kept."""
    return new_tone_placement(clean(text).translate(_DASHES))


@lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Comparison key: cleaned, lower-case, new tone placement, '-' for every dash,
    dashes spaced alike, no trailing punctuation."""
    text = unify(text).lower()
    text = re.sub(r"\s*-\s*", " - ", text)
    return _SPACE.sub(" ", text).strip(" .;,:")


def strip_accents(text: str) -> str:
    """'Văn hóa' -> 'Van hoa' (đ -> d), for accent-blind comparison."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c))


def closest(text: str, choices: Iterable[str], limit: int = 3, cutoff: float = 60.0, margin: float = 3.0) -> list[str]:
    """Up to `limit` choices most like `text` (a typo, another case, no
    accents), best first: those scoring at least `cutoff` (0-100) and within
    `margin` points of the best, so a clear winner comes alone."""
    choices = list(dict.fromkeys(choices))
    blind = [strip_accents(fold(c)) for c in choices]
    found = process.extract(
        strip_accents(fold(text)),
        blind,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=cutoff,
    )
    return [choices[i] for _, score, i in found if score >= found[0][1] - margin]
