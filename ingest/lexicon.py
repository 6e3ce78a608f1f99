"""Tone marks of OCR'd Vietnamese put right against a lexicon.

Tesseract often reads the right letters with the wrong tone ("công nghê",
"Chí tiêu", "thông tỉn"). The lexicon is the syllables of Debian's
hunspell-vi dictionary plus the words and word pairs of the agency registry,
the indicator catalog and the column-header vocabulary. Two rules, each
changing only tone marks (never letters) and only when one candidate
clearly wins:
- a word pair the vocabulary does not hold, whose tone-less form matches
  exactly one pair it does hold, becomes that pair ("chí tiêu" -> "chỉ tiêu"),
  unless that would add a tone other than the dot below to a syllable read
  without one ("chi tiêu" stays; "công nghê" -> "công nghệ");
- a word that is not a syllable becomes the one syllable with the same
  tone-less letters, or the clearly most frequent in the vocabulary;
a capital inside a marked word of a lower-case text is put in lower
case ("y tẾ" -> "y tế"), as abbreviations carry no marks; and a word that
is no syllable but exactly one pair of the vocabulary run together is split
("đơnvị" -> "đơn vị").
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any
from pathlib import Path

from chitieu.normalize.text import new_tone_placement

from . import columns

HUNSPELL = Path("/usr/share/hunspell/vi_VN.dic")
_DOMAIN = Path(__file__).resolve().parent.parent / "normalize" / "data"
_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_WORD = re.compile(r"[^\W\d_]+")
_WINS = 3  # a frequency ratio by which one candidate wins over the next


def toneless(word: str) -> str:
    """The word lower-cased without its tone mark (vowel marks and đ kept)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", word.lower()).translate(_TONES))


class Lexicon:
    """Syllables and domain word pairs, indexed by their tone-less form."""

    def __init__(self, syllables: set[str], texts: list[str]):
        words: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for text in texts:
            tokens = [new_tone_placement(t).lower() for t in _WORD.findall(text)]
            words.update(tokens)
            pairs.update(zip(tokens, tokens[1:]))
        self.syllables = syllables | set(words)
        self.counts = words
        self.pairs = pairs
        self.by_form: dict[str, list[str]] = defaultdict(list)
        for s in self.syllables:
            self.by_form[toneless(s)].append(s)
        self.pairs_by_form: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for a, b in pairs:
            self.pairs_by_form[toneless(a), toneless(b)].append((a, b))

    def _winner(self, options: list[Any], counts: Mapping[Any, int]) -> Any:
        if len(options) < 2:
            return options[0] if options else None
        ranked = sorted(options, key=lambda o: counts.get(o, 0), reverse=True)
        first, second = counts.get(ranked[0], 0), counts.get(ranked[1], 0)
        return ranked[0] if first and first >= _WINS * max(second, 1) else None

    def _may_retone(self, read: str, word: str) -> bool:
        """Whether the pair rule may turn `read` into `word`: a syllable read
        with no tone mark ("chi tiêu", spending) is taken as printed, but for
        the dot below, the smallest mark and the one a scan loses ("nghê")."""
        if read == word or read not in self.syllables or toneless(read) != read:
            return True
        return "\u0323" in unicodedata.normalize("NFD", word)

    def _split(self, text: str) -> str:
        """Words OCR ran together ("đơnvị", "Vănhoá") split where they make
        exactly one pair of the vocabulary, a word that is a syllable kept."""
        out, last = [], 0
        for m in _WORD.finditer(text):
            word = new_tone_placement(m.group()).lower()
            if word in self.syllables:
                continue
            cuts = [i for i in range(1, len(word)) if (word[:i], word[i:]) in self.pairs]
            if len(cuts) == 1:
                out += [text[last : m.start() + cuts[0]], " "]
                last = m.start() + cuts[0]
        return "".join(out) + text[last:]

    def correct(self, text: str) -> str:
        """The text with tone marks corrected where one reading clearly wins,
        and words run together split."""
        text = self._split(text)
        spans = [(m.start(), m.end(), new_tone_placement(m.group()).lower()) for m in _WORD.finditer(text)]
        fixed = [w for *_, w in spans]
        lower = sum(text[a:b].islower() for a, b, _ in spans)
        cased = [
            text[a:b].lower() if lower * 2 > len(spans) and _case_misread(text[a:b]) else text[a:b] for a, b, _ in spans
        ]
        for i, (a, b) in enumerate(zip(fixed, fixed[1:])):
            if (a, b) in self.pairs or spans[i + 1][0] - spans[i][1] != 1:
                continue
            options = self.pairs_by_form.get((toneless(a), toneless(b)), [])
            win = self._winner(options, self.pairs)
            if win is not None and all(self._may_retone(r, w) for r, w in zip((a, b), win)):
                fixed[i], fixed[i + 1] = win
        for i, w in enumerate(fixed):
            if w not in self.syllables and (win := self._winner(self.by_form.get(toneless(w), []), self.counts)):
                fixed[i] = win
        out, last = [], 0
        for (start, end, low), new, original in zip(spans, fixed, cased):
            out.append(text[last:start])
            if start == 0 and original != text[start:end]:
                original = original[:1].upper() + original[1:]  # "TỶ lệ" -> "Tỷ lệ"
            out.append(original if new == low else _case_like(original, new))
            last = end
        return "".join(out) + text[last:]


def _case_misread(word: str) -> bool:
    """A capital inside a word with a vowel or tone mark ("SƠ", "TỶ", "tẾ"):
    abbreviations (UBND, HĐND, CA) carry none, so it is Tesseract's misread."""
    return any(ch.isupper() for ch in word[1:]) and any(not ch.isascii() and ch not in "Đđ" for ch in word)


def _case_like(original: str, word: str) -> str:
    if original.isupper() and len(original) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if original[:1].isupper() else word


@functools.cache
def lexicon() -> Lexicon:
    """The lexicon, read once per process (hunspell-vi when installed)."""
    syllables: set[str] = set()
    if HUNSPELL.exists():
        for line in HUNSPELL.read_text("utf-8").splitlines()[1:]:
            word = line.split("/")[0].strip()
            if word and not word.isupper():
                syllables.update(new_tone_placement(w).lower() for w in _WORD.findall(word))
    texts = [w for name in dir(columns) if name.endswith("_WORDS") for w in getattr(columns, name)]
    with open(_DOMAIN / "indicators.csv", encoding="utf-8") as f:
        texts += [" ".join(v for v in row.values() if v) for row in csv.DictReader(f)]
    with open(_DOMAIN / "units.csv", encoding="utf-8") as f:
        texts += [v.replace("|", "\n") for row in csv.DictReader(f) for v in row.values() if v]
    return Lexicon(syllables, texts)
