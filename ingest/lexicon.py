"""Tone marks of OCR'd Vietnamese put right against a lexicon.

Tesseract often reads the right letters with the wrong tone ("công nghê",
"Chí tiêu", "thông tỉn"), and now and then a vowel's mark or "đ" wrong
("địch vụ", "nền tẳng", "ưbnd"). The lexicon is the syllables of Debian's
hunspell-vi dictionary plus the words and word pairs (within a phrase: not
across a comma or a field) of the agency registry, the indicator catalog,
the column-header vocabulary and a list of the genre's phrases
(normalize/data/phrases.txt). Each rule changes marks only (never the
letters under them) and only where one candidate clearly wins:
- a word pair the vocabulary does not hold, whose tone-less form matches
  exactly one pair it does hold, becomes that pair ("chí tiêu" -> "chỉ tiêu"),
  unless that would add a tone other than the dot below to a syllable read
  without one ("chi tiêu" stays; "công nghê" -> "công nghệ"); failing that,
  the pair with the same letters under other marks, where each changed word
  keeps its tone and becomes a more common one ("địch vụ" -> "dịch vụ", but
  "của Liên hợp quốc" stays);
- a word so changed must agree with its other neighbour: a pair held there
  is not broken, and a tone read on it is replaced by another only where
  the new pair is held too ("sử dụng tiền" stays though "dùng tiền" is held);
  and of a pair, one word changes, not both ("phạm vi tỉnh" is no "vị tính");
- a marked word that is not a syllable becomes the abbreviation with its
  letters ("ưbnd" -> "UBND"), else the one syllable with its tone-less
  letters, or the clearly most frequent in the vocabulary; a word read
  with no mark at all (a foreign word, "chip", "Website") is left alone;
and a capital inside a marked word of a lower-case text is put in lower
case ("y tẾ" -> "y tế"), as abbreviations carry no marks. Every cell of the
seeds, the catalog and the test wordings comes through unchanged
(tests/test_ocr.py).

`respace` puts back the spaces Tesseract loses between syllables at low
resolution ("điệntử", "thanhxãcó", "UBNDxã", "động5", "Xã(Bí"): a word that
is not a syllable and carries a Vietnamese mark is cut into syllables of the
lexicon that are also well-formed (onset, one to three vowels, coda), each
of two letters or more, where one cut into the fewest of them is the only
one ("điện tử", not "đi ện tử"); an abbreviation before a syllable and a
marked syllable against a digit or a bracket are spaced apart.
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

from chitieu.normalize.text import new_tone_placement, strip_accents

from . import columns

HUNSPELL = Path("/usr/share/hunspell/vi_VN.dic")
_DOMAIN = Path(__file__).resolve().parent.parent / "normalize" / "data"
_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_WORD = re.compile(r"[^\W\d_]+")
_PHRASE = re.compile(r"[^\W\d_]+(?:[ \t]+[^\W\d_]+)*")  # words run together by spaces alone
_WINS = 3  # a frequency ratio by which one candidate wins over the next
# a Vietnamese syllable without its tone mark: onset, one to three vowels, coda
_FORM = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[aăâeêioôơuưy]{1,3}(?:ch|ng|nh|[cmnpt])?")
_ABBREVIATION = re.compile(r"[A-ZĐ]{2,}(?=[^\W\d_])")  # "UBND" glued to the syllable after it
# a marked syllable glued to a digit or an opening bracket ("động5", "5năm", "Xã(Bí")
_GLUED = re.compile(r"(?<=[^\W\d_]{2})(?=[\d(])|(?<=\d)(?=[^\W\d_]{2})")


def toneless(word: str) -> str:
    """The word lower-cased without its tone mark (vowel marks and đ kept)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", word.lower()).translate(_TONES))


class Lexicon:
    """Syllables and domain word pairs, indexed by their tone-less form."""

    def __init__(self, syllables: set[str], texts: list[str]):
        words: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        for text in texts:
            for phrase in _PHRASE.findall(text):  # no pair across a comma, a bracket or a field
                tokens = [new_tone_placement(t).lower() for t in _WORD.findall(phrase)]
                words.update(tokens)
                pairs.update(zip(tokens, tokens[1:]))
        self.syllables = syllables | set(words)
        self.counts = words
        self.pairs = pairs
        self.by_form: dict[str, list[str]] = defaultdict(list)
        for s in self.syllables:
            self.by_form[toneless(s)].append(s)
        self.pairs_by_form: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        self.pairs_by_letters: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for a, b in pairs:
            self.pairs_by_form[toneless(a), toneless(b)].append((a, b))
            self.pairs_by_letters[strip_accents(a), strip_accents(b)].append((a, b))
        self.abbreviations = {
            strip_accents(w).lower(): w
            for text in texts
            for w in _WORD.findall(text)
            if len(w) > 1 and w.isupper() and not _FORM.fullmatch(toneless(w))
        }

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

    def _agrees(self, read: tuple[str, str], new: tuple[str, str], word: str, becomes: str) -> bool:
        """Whether `word`, which the pair rule turns into `becomes`, may
        change for its other neighbour (`read` -> `new`): a pair read as the
        vocabulary holds it stays, and a tone read on the word is replaced by
        another only where the new pair is held too ("sử dụng tiền" keeps
        "dụng" though the vocabulary has "dùng tiền"; "sử dung các" and "cận
        địch vụ" change)."""
        if word == becomes or new in self.pairs:
            return True
        return read not in self.pairs and _tone(word) in ("", _tone(becomes))

    def _syllable(self, part: str) -> bool:
        return (
            len(part) >= 2
            and part[1:].islower()
            and new_tone_placement(part).lower() in self.syllables
            and bool(_FORM.fullmatch(toneless(part)))
        )

    def _splits(self, word: str) -> list[list[str]]:
        """The ways to cut `word` into well-formed syllables of the lexicon."""
        if not word:
            return [[]]
        return [
            [word[:end], *rest]
            for end in range(2, len(word) + 1)
            if self._syllable(word[:end])
            for rest in self._splits(word[end:])
        ]

    def respace(self, text: str) -> str:
        """The text with the spaces lost between syllables put back (see the module's docstring)."""

        def split(m: re.Match) -> str:
            word = m.group()
            if word.isascii() or new_tone_placement(word).lower() in self.syllables:
                return word
            head = _ABBREVIATION.match(word)
            start = head.end() if head else 0
            if head and self._syllable(word[start - 1 :]):
                return word  # "VPĐảng": "VP Đảng" or "VPĐ ảng"
            splits = self._splits(word[start:])
            fewest = [p for p in splits if len(p) == min(map(len, splits))]
            if len(fewest) != 1 or (len(fewest[0]) < 2 and not head):
                return word
            return " ".join(([word[:start]] if head else []) + fewest[0])

        text = _WORD.sub(split, text)
        return _GLUED.sub(lambda m: " " if self._marked_neighbour(text, m.start()) else "", text)

    def _marked_neighbour(self, text: str, at: int) -> bool:
        """Whether the word just before or after `at` is a marked syllable (not "5G", "km2", "COVID19")."""
        before = re.search(r"[^\W\d_]+$", text[:at])
        after = re.match(r"[^\W\d_]+", text[at:])
        found = before or after
        return found is not None and not found.group().isascii() and self._syllable(found.group())

    def correct(self, text: str) -> str:
        """The text with marks corrected where one reading clearly wins (see the module's docstring)."""
        spans = [(m.start(), m.end(), new_tone_placement(m.group()).lower()) for m in _WORD.finditer(text)]
        fixed = [w for *_, w in spans]
        lower = sum(text[a:b].islower() for a, b, _ in spans)
        cased = [
            text[a:b].lower() if lower * 2 > len(spans) and _case_misread(text[a:b]) else text[a:b] for a, b, _ in spans
        ]
        for i, w in enumerate(fixed):
            if (
                not w.isascii()
                and w not in self.syllables
                and (abbreviation := self.abbreviations.get(strip_accents(w)))
            ):
                fixed[i], cased[i] = abbreviation.lower(), abbreviation  # "ưbnd": UBND
        joined = [spans[i + 1][0] - spans[i][1] == 1 and text[spans[i][1]] == " " for i in range(len(spans) - 1)]
        for i, (a, b) in enumerate(zip(fixed, fixed[1:])):
            if (a, b) in self.pairs or not joined[i]:
                continue
            win = self._winner(self.pairs_by_form.get((toneless(a), toneless(b)), []), self.pairs)
            if win is None:  # a vowel's mark or đ misread, the tone right ("địch vụ", "nền tẳng")
                win = self._winner(self.pairs_by_letters.get((strip_accents(a), strip_accents(b)), []), self.pairs)
                if win is not None and any(
                    r != w and (_tone(r) not in ("", _tone(w)) or self.counts[r] >= self.counts[w])
                    for r, w in zip((a, b), win)
                ):
                    win = None  # a tone changed too, or a word read that is as common as the one it would become
            if (
                win is not None
                and (a == win[0] or b == win[1])
                and all(self._may_retone(r, w) for r, w in zip((a, b), win))
                and (i == 0 or not joined[i - 1] or self._agrees((fixed[i - 1], a), (fixed[i - 1], win[0]), a, win[0]))
                and (
                    i + 2 == len(fixed)
                    or not joined[i + 1]
                    or self._agrees((b, fixed[i + 2]), (win[1], fixed[i + 2]), b, win[1])
                )
            ):
                fixed[i], fixed[i + 1] = win
        for i, w in enumerate(fixed):
            if not w.isascii() and w not in self.syllables:
                fixed[i] = self._winner(self.by_form.get(toneless(w), []), self.counts) or w
        out, last = [], 0
        for (start, end, low), new, original in zip(spans, fixed, cased):
            out.append(text[last:start])
            if start == 0 and original != text[start:end]:
                original = original[:1].upper() + original[1:]  # "TỶ lệ" -> "Tỷ lệ"
            out.append(original if new == low else _case_like(original, new))
            last = end
        return "".join(out) + text[last:]


def _tone(word: str) -> str:
    """The word's tone mark ("" for none)."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if ord(c) in _TONES)


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
    texts = list(columns.VOCABULARY)
    with open(_DOMAIN / "indicators.csv", encoding="utf-8") as f:
        texts += [" ".join(v for v in row.values() if v) for row in csv.DictReader(f)]
    with open(_DOMAIN / "units.csv", encoding="utf-8") as f:
        texts += [v.replace("|", "\n") for row in csv.DictReader(f) for v in row.values() if v]
    texts += [line for line in (_DOMAIN / "phrases.txt").read_text("utf-8").splitlines() if not line.startswith("#")]
    return Lexicon(syllables, texts)
