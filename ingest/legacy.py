"""Legacy Vietnamese font encodings -> Unicode: TCVN3 (ABC) and VNI.

Before Unicode, Vietnamese text was typed in 8-bit fonts that draw letters
in place of Latin-1 characters, so a file holds "KÕ ho¹ch" (TCVN3) or
"Keá hoaïch" (VNI) where the page shows "Kế hoạch":
- TCVN3 (TCVN 5712:1993, the ABC fonts .VnTime, .VnArial …) is one byte per
  letter, lower case only but for Ă Â Ê Ô Ơ Ư Đ; capitals are the same bytes
  in a font of capitals named with a final H (.VnTimeH). The table is
  glibc's TCVN5712-1 for bytes A1-FF (the tests check it against iconv).
- VNI (VNI-Times, VNI-Helve …) is a base letter followed by a mark byte
  ("aù" = á, "aá" = ấ, "aé" = ắ), with single bytes for ơ ư đ, the i's and ỵ;
  the mark bytes are mapped to combining marks and NFC composes them.
Readers name the encoding from the font (`from_font`) where the file has
fonts, else from the characters (`detect`): the text must read as
Vietnamese syllables once converted and not before. Only plain strings
cross: the readers convert their text (`convert`) before anything reads it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

TCVN3, VNI = "TCVN3", "VNI"

_TCVN3 = dict(
    zip(
        range(0xA1, 0x100),
        "ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịòỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵỐ",
        strict=True,
    )
)
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_VNI_MARKS = {
    "ù": _ACUTE,
    "ø": _GRAVE,
    "û": _HOOK,
    "õ": _TILDE,
    "ï": _DOT,
    "â": "\u0302",
    "á": "\u0302" + _ACUTE,
    "à": "\u0302" + _GRAVE,
    "å": "\u0302" + _HOOK,
    "ã": "\u0302" + _TILDE,
    "ä": "\u0302" + _DOT,
    "ê": "\u0306",
    "é": "\u0306" + _ACUTE,
    "è": "\u0306" + _GRAVE,
    "ú": "\u0306" + _HOOK,
    "ü": "\u0306" + _TILDE,
    "ë": "\u0306" + _DOT,
}
_VNI_LETTERS = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
_VNI = {ord(k): v for k, v in _VNI_MARKS.items()} | {ord(k.upper()): v for k, v in _VNI_MARKS.items()}
_VNI |= {ord(k): v for k, v in _VNI_LETTERS.items()} | {ord(k.upper()): v.upper() for k, v in _VNI_LETTERS.items()}
_TABLES = {TCVN3: _TCVN3, VNI: _VNI}

# Vietnamese letters beyond Latin-1: Unicode text has them, legacy text never.
_UNICODE_ONLY = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9]")
_ABC_FONT = re.compile(r"[._]?Vn[A-Z][A-Za-z -]*")
_VNI_FONT = re.compile(r"VNI[- ]?[A-Za-z][A-Za-z -]*", re.I)
_SUBSET = re.compile(r"^[A-Z]{6}\+")  # a PDF's subset tag ("ABCDEF+.VnTime")
_STYLE = re.compile(r"[,-](?:Bold|Italic|Oblique|Regular|BoldItalic|BoldOblique)$", re.I)


@dataclass(frozen=True)
class Legacy:
    """A legacy encoding a text is in; `capitals` for a TCVN3 font of capitals (.VnTimeH)."""

    encoding: str  # TCVN3 | VNI
    capitals: bool = False


def from_font(name: str | None) -> Legacy | None:
    """The encoding a font's name says (".VnTime", "ABCDEF+VnTimeH,Bold", "VNI-Times"), or None."""
    if not name:
        return None
    base = _STYLE.sub("", _SUBSET.sub("", name.strip()))
    if _ABC_FONT.fullmatch(base):
        return Legacy(TCVN3, capitals=base.endswith("H"))
    if _VNI_FONT.fullmatch(base):
        return Legacy(VNI)
    return None


def named(encoding: str) -> Legacy | None:
    """The encoding a user names (`--encoding tcvn3`), or None for another name."""
    return Legacy(encoding.upper()) if encoding.upper() in _TABLES else None


def convert(text: str, legacy: Legacy) -> str:
    """The text in Unicode (NFC); characters the encoding does not use are kept."""
    out = text.translate(_TABLES[legacy.encoding])
    return unicodedata.normalize("NFC", out.upper() if legacy.capitals else out)


def is_unicode(text: str) -> bool:
    """Whether the text has Vietnamese letters that no legacy font's text holds."""
    return bool(_UNICODE_ONLY.search(text))


_TOKEN = re.compile(r"[^\s!-@\[-`{-~]+")  # runs of letters and non-ASCII signs (TCVN3 draws letters as "¸", "µ")
_TONES = dict.fromkeys(map(ord, _ACUTE + _GRAVE + _HOOK + _TILDE + _DOT))
_NUCLEI = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy ưa ưi ươ ưu "
    "yê iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu"
).split()
_SYLLABLE = re.compile(
    "(?:ngh|ng|gh|nh|ch|tr|th|ph|kh|gi|qu|[bcdđghklmnprstvx])?(?:{})(?:ng|nh|ch|[cmnpt])?".format(
        "|".join(sorted(_NUCLEI, key=len, reverse=True))
    )
)
_VOWEL = re.compile(r"[aeiouy]", re.I)  # in a word's NFD form: one without (HĐND) is an abbreviation, no evidence
MIN_WORDS = 4  # fewer changed words than this are no evidence either way
SAMPLE = 200_000  # characters: a file is in one encoding, so its beginning tells
# Of the words a conversion changes, legacy text has a fifth to a half that
# are spelled like syllables as they are ("soá") and over 95% once converted;
# Unicode Vietnamese has all of them as they are (measured on the seeds and
# on random passages of their words, tests/test_legacy.py).
_AFTER, _GAIN = 0.8, 0.3


def is_syllable(word: str) -> bool:
    """Whether a word is spelled as a Vietnamese syllable (onset, vowels, final; one tone mark at most)."""
    nfd = unicodedata.normalize("NFD", word.lower())
    bare = nfd.translate(_TONES)
    return len(nfd) - len(bare) <= 1 and bool(_SYLLABLE.fullmatch(unicodedata.normalize("NFC", bare)))


def detect(text: str, prior: Legacy | None = None) -> Legacy | None:
    """The encoding a text without font names is in, from its characters (its
    first SAMPLE of them): of the words the conversion changes (abbreviations
    aside), most become Vietnamese syllables and clearly fewer were before;
    of two encodings that pass, the one that gains at least twice as many
    syllables. Unicode Vietnamese and English pass neither. With fewer than
    MIN_WORDS changed words, `prior` (what the text before was in)."""
    if is_unicode(text):
        return None
    words = Counter(_TOKEN.findall(text[:SAMPLE]))
    gains: dict[Legacy, int] = {}
    evidence = False
    for encoding in (TCVN3, VNI):
        legacy = Legacy(encoding)
        changed = [
            (w, c, n)
            for w, n in words.items()
            if (c := convert(w, legacy)) != w and _VOWEL.search(unicodedata.normalize("NFD", c))
        ]
        total = sum(n for *_, n in changed)
        if total < MIN_WORDS:
            continue
        evidence = True
        before = sum(n for w, _, n in changed if is_syllable(w))
        after = sum(n for _, c, n in changed if is_syllable(c))
        if after >= _AFTER * total and after - before >= _GAIN * total:
            gains[legacy] = after - before
    if not evidence:
        return prior
    ranked = sorted(gains, key=gains.__getitem__, reverse=True)
    if len(ranked) > 1 and gains[ranked[0]] < 2 * gains[ranked[1]]:
        return None  # both read about as well: no verdict
    return ranked[0] if ranked else None


def note(legacy: Legacy, font: str | None = None) -> str:
    """The warning a reader adds when it converted text."""
    how = f"font {_SUBSET.sub('', font)}" if font else "by its characters; no font names the encoding"
    return f"converted from {legacy.encoding} ({how})"
