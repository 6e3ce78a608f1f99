"""Resolve an agency mention ("TT.PV-HCC xã Hòa Phú") to a canonical unit.

The mention is first stripped of what surrounds a name (`normalize.names`:
role hints, place names, scope tails). Then its tokens are *aligned* to the
syllables of every canonical name and alias. Each mention token takes

* one syllable: equal, equal without diacritics (typed without them), or one
  typo (an edit or two letters swapped) away in a syllable of four letters or more that is no word of the trade;
* the initials of a run of syllables: "TCNSCĐ" = Tổ Công Nghệ Số Cộng Đồng,
  "BCH" + "QS" = Ban Chỉ Huy + Quân Sự, "P." = Phòng ("Đ" is not "D"; "Q" is
  Quốc or Quân as the name's syllables say);
* a prefix ending in a dot: "Ph." = Phòng.

An abbreviation written in a registered name stands for syllables with its
initials: in an alias, the run of its unit's canonical name it abbreviates
("TC-KT" in "UBND xã (Công chức TC-KT)"); in a canonical name ("HĐND"),
letters that initials or full syllables with those initials may take
("Hội đồng nhân dân"). An alias abbreviation its unit does not spell out
("Công chức TC-KH", a seen misspelling) is read only as initials, never as
"Thông tin - Khoa học". Connectors
("và", "&", "-", ",") are no tokens. Filler ("các", "của", "trên địa bàn",
"Việt Nam") and level words may stay unaligned on either side; every other
token on both sides must be aligned, and the name's head noun (its first
syllable: Trung tâm, Trạm, Phòng, Sở, Ban …) must be taken by the mention's
first word — so "Trung tâm Y tế huyện" is never "Trạm Y tế xã", "Phòng Kinh
tế, Hạ tầng và Đô thị" never "Phòng Kinh tế", and two agencies glued into one
mention never resolve to one of them.

Scorer: 100 minus a penalty per reading that is less than literal — initials
1 (a lone undotted letter 2), a dotted prefix 2, a syllable read from a
registered abbreviation 1, no diacritics 1, a word out of order 3, a typo 6
(at most one, two in a mention of six words or more). An alignment is all or
nothing, so the score only ranks readings that are all plausible.

A mention's level words (xã / huyện / tỉnh) restrict it to units of that level.
A mention without one is read at the document's level (`level`: commune,
district, province, national; None = a commune plan): a commune plan takes a
commune unit first and a higher one only when no commune unit aligns ("Phòng
Nội vụ" -> Phòng Nội vụ huyện); other plans take only units of their level.
Units of level "any" fit every document. Two letters alone are too few to
read: "TT" stays unresolved, "CA xã" and "Các DN" are read. The best aligned unit is taken when
it scores at least THRESHOLD and leads every other aligned unit by MARGIN;
anything else stays unresolved with its top three candidates, each saying
which tokens aligned to which syllables. Clerks' decisions
(`Registry.decisions`, keyed by `names.key`) win over everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .exceptions import NormalizeError
from .model import Candidate, Resolution
from .names import key, levels, strip_surroundings
from .registry import Registry
from .text import fold, strip_accents

THRESHOLD = 80.0  # least score of an accepted alignment
MARGIN = 8.0  # least lead over the best other aligned unit
CANDIDATE_POOL = 15  # names read in full for the candidate list
TYPO, INVERSION, PREFIX, PSEUDO, INITIALS, LONE, BLIND = 6, 3, 2, 1, 1, 2, 1

_VOWEL = re.compile("[aeiouy]")
_TOKEN = re.compile(r"[^\W\d_]+\.?|\d+|\(")
_LEVEL_TOKENS = {"xã", "phường", "huyện", "quận", "tỉnh"}
_LEVEL_PAIRS = {("thị", "trấn"), ("thị", "xã"), ("thành", "phố")}
_FILLER = [
    ("trên", "địa", "bàn"),
    ("có", "liên", "quan"),
    ("liên", "quan"),
    ("địa", "phương"),
    ("việt", "nam"),
    ("các",),
    ("những",),
    ("cấp",),
    ("của",),
    ("tại",),
    ("trong",),
    ("toàn",),
    ("mọi",),
]

# Words of the trade that are never a typo of another word ("sở" is not "số").
_KNOWN_WORDS = set(
    """
sở bộ cục chi viện đội hội đoàn ban phòng trạm trường tổ ngành thôn ấp khu phố
thanh niên phụ nữ nông dân cựu chiến binh tuyên giáo vận kiểm tra tư pháp hộ tịch
địa chính xây dựng môi lao động thương y dược khuyến lâm thú điện lực nước thuế kho bạc
bảo hiểm hiệp liên quân biên thị ngân sách nội vụ tế kê thống tin thông số công
hạ tầng đô trung tâm
""".split()
)
_COMMUNE_PLANS = (None, "commune")  # plans that read commune units first


def _initial(word: str) -> str:
    return "đ" if word[:1] == "đ" else strip_accents(word[:1])


def _plain(word: str) -> bool:
    """Written without tone or vowel marks (đ allowed): may be initials."""
    return strip_accents(word) == word.replace("đ", "d")


def _slip(right: str, typed: str) -> bool:
    """`typed` is `right` with one letter dropped, two swapped, or one
    doubled ("VHXX", "VHXXH"); a letter replaced or added otherwise ("VPHU"
    for "VPĐU", "CQĐV" for "CQĐ") may name another body."""
    if right == typed or OSA.distance(right, typed) != 1:
        return False
    if len(typed) < len(right) or sorted(right) == sorted(typed):
        return True
    k = next((i for i, (a, b) in enumerate(zip(right, typed)) if a != b), len(right))
    return typed[k] in typed[max(k - 1, 0) : k] + typed[k + 1 : k + 2]  # a key hit twice


@dataclass(frozen=True)
class _Syl:
    text: str  # folded syllable, or one letter of an abbreviation in the name
    init: str
    pseudo: bool  # a letter of a registered abbreviation ("HĐND")
    optional: bool  # filler or level word
    spelled: bool = False  # a full syllable may take this letter (an abbreviation of a canonical name)
    bare: str = ""  # text without diacritics
    bare_init: str = ""

    def __post_init__(self):
        object.__setattr__(self, "bare", strip_accents(self.text))
        object.__setattr__(self, "bare_init", strip_accents(self.init))


def _run_of(syls: tuple["_Syl", ...], letters: str) -> list["_Syl"]:
    """The syllables of `syls` (none abbreviated) whose initials spell `letters`."""
    n = len(letters)
    for j in range(len(syls) - n + 1):
        run = syls[j : j + n]
        if all(not s.pseudo for s in run) and "".join(s.init for s in run) == letters:
            return list(run)
    return []


@dataclass(frozen=True)
class _Tok:
    text: str
    shown: str  # as written, for explanations
    dotted: bool
    initials: bool  # may be the initials of a run of syllables
    optional: bool
    bare: str = ""  # text without diacritics
    init: str = ""

    def __post_init__(self):
        object.__setattr__(self, "bare", strip_accents(self.text))
        object.__setattr__(self, "init", _initial(self.text))


@dataclass
class _Entry:
    unit: str
    level: str
    key: str
    syls: tuple[_Syl, ...]
    head: int | None  # index of the first non-optional syllable


def _optional_flags(words: list[str]) -> list[bool]:
    flags = [False] * len(words)
    i = 0
    while i < len(words):
        if tuple(words[i : i + 2]) in _LEVEL_PAIRS:
            flags[i] = flags[i + 1] = True
            i += 2
            continue
        if words[i] in _LEVEL_TOKENS and not (words[i] == "xã" and words[i + 1 : i + 2] == ["hội"]):
            flags[i] = True
            i += 1
            continue
        for phrase in _FILLER:
            if tuple(words[i : i + len(phrase)]) == phrase:
                for k in range(len(phrase)):
                    flags[i + k] = True
                i += len(phrase) - 1
                break
        i += 1
    return flags


def _raw_tokens(text: str) -> list[tuple[str, str, bool]]:
    """(folded word, as written, ends with a dot) for each word; 'và' dropped."""
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        word = raw.rstrip(".")
        low = fold(word) if word != "(" else "("
        if low and low != "và":
            out.append((low, word, raw.endswith(".")))
    return out


class Matcher:
    """Resolves mentions against a Registry; picklable, caches per distinct mention."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self._entries: list[_Entry] = []
        self._exact: dict[str, str] = {}
        self._vocab: set[str] = set(_KNOWN_WORDS)
        names = [(unit, name) for unit in registry.units for name in dict.fromkeys([unit.name, *unit.aliases])]
        for _, name in names:
            self._vocab.update(w for w, _, _ in _raw_tokens(strip_surroundings(name)) if len(w) > 1)
        for unit, name in names:
            k = key(name)
            other = self._exact.setdefault(k, unit.name)
            if other != unit.name:
                raise NormalizeError(
                    f"units.csv: {name!r} reads the same as a name of {other!r} "
                    "(make the alias more specific or drop it)"
                )
            own = None if name == unit.name else self._syllables(strip_surroundings(unit.name))
            syls = self._syllables(strip_surroundings(name), own)
            head = next((i for i, s in enumerate(syls) if not s.optional), None)
            self._entries.append(_Entry(unit.name, unit.level, k, syls, head))
        self._plain_keys = [strip_accents(e.key) for e in self._entries]
        self._longest = max((len(e.syls) for e in self._entries), default=1)
        self._raw: dict[tuple, str] = {}  # (mention, commune) -> key
        self._cache: dict[tuple, Resolution] = {}  # (key, level) -> resolution

    # -- tokens -----------------------------------------------------------

    def _syllables(self, text: str, canonical: tuple[_Syl, ...] | None = None) -> tuple[_Syl, ...]:
        """A name's syllables. An abbreviation in it stands for syllables with
        its initials: in an alias, the run of its unit's canonical name that
        it abbreviates ("TC-KT" of "Công chức Tài chính - Kế toán") when there
        is one; else letters known only by their initials, which a full
        syllable may take only in a canonical name (`canonical` is None)."""
        raw = _raw_tokens(text)
        shouting = all(w.isupper() for _, w, _ in raw if w.isalpha())
        flags = _optional_flags([w for w, _, _ in raw])
        syls: list[_Syl] = []
        for (low, word, _), optional in zip(raw, flags):
            if len(word) >= 2 and word.isupper() and not shouting and _plain(low):
                run = _run_of(canonical or (), low)
                syls += run or [_Syl(c, c, True, False, canonical is None) for c in low]
            else:
                syls.append(_Syl(low, _initial(low), False, optional))
        return tuple(syls)

    def _tokens(self, text: str) -> list[_Tok]:
        words: list[tuple[str, str, bool]] = []
        for low, word, dotted in _raw_tokens(text):
            cut = None
            if low not in self._vocab and len(low) >= 3 and not word.isupper():
                cut = next((i for i in range(1, len(low)) if low[:i] in self._vocab and low[i:] in self._vocab), None)
            if cut:  # run-together words: "Ytế" -> "Y tế"
                words += [(low[:cut], word[:cut], False), (low[cut:], word[cut:], dotted)]
            else:
                words.append((low, word, dotted))
        flags = _optional_flags([w for w, _, _ in words])
        return [
            _Tok(low, word, dotted, _plain(low) and len(low) <= 10 and low != "(", optional)
            for (low, word, dotted), optional in zip(words, flags)
        ]

    # -- lookups ----------------------------------------------------------

    def key(self, mention: str, commune: str | None = None) -> str:
        """The key a mention is cached on (`names.key`, the document's commune stripped too)."""
        return self._keys(mention, commune)[0]

    def _keys(self, mention: str, commune: str | None) -> tuple[str, str]:
        """(key with the commune stripped, key as decisions are stored: `names.key`)."""
        keys = self._raw.get((mention, commune))
        if keys is None:
            plain = key(mention)
            keys = self._raw[(mention, commune)] = (key(mention, commune) if commune else plain, plain)
        return keys

    def _decided(self, mention: str, commune: str | None) -> tuple[bool, str | None]:
        decisions = self.registry.decisions
        for k in self._keys(mention, commune):
            if k in decisions:
                return True, decisions[k]
        return False, None

    def exact(self, mention: str, commune: str | None = None) -> str | None:
        """Canonical name when the mention is a clerk-decided spelling or reads
        exactly as a canonical name or alias; else None."""
        decided, unit = self._decided(mention, commune)
        return unit if decided else self._exact.get(self.key(mention, commune))

    def match(self, mention: str, commune: str | None = None, level: str | None = None) -> Resolution:
        decided, unit = self._decided(mention, commune)
        if decided:  # a clerk's word is final, never cached over
            return Resolution(unit, 100.0 if unit else 0.0, "confirmed", [])
        k = self.key(mention, commune)
        hit = self._cache.get((k, level))
        if hit is None:
            hit = self._cache[(k, level)] = self._resolve(mention, commune, level)
        return Resolution(hit.unit, hit.score, hit.status, list(hit.candidates))

    # -- the work ---------------------------------------------------------

    def _tier(self, entry: _Entry, mention_levels: set[str], level: str | None) -> int | None:
        """0: the unit fits; 1: fits only when no tier-0 unit aligns; None: never."""
        if entry.level == "any":
            return 0
        if mention_levels:
            return 0 if mention_levels == {entry.level} else None
        if level in _COMMUNE_PLANS:
            return 0 if entry.level == "commune" else 1
        return 0 if entry.level == level else None

    def _resolve(self, mention: str, commune: str | None, level: str | None) -> Resolution:
        k = self.key(mention, commune)
        if not k:
            return Resolution(None, 0.0, "unresolved", [])
        stripped = strip_surroundings(mention, commune)
        toks = self._tokens(stripped)
        mention_levels = levels(fold(stripped))
        blind = all(_plain(t.text) for t in toks)  # typed without diacritics
        if blind and not mention_levels:
            mention_levels = levels(
                " ".join({"xa": "xã", "huyen": "huyện", "tinh": "tỉnh"}.get(t.text, t.text) for t in toks)
            )
        aligned: dict[int, dict[str, float]] = {0: {}, 1: {}}
        essential = [t for t in toks if not t.optional]
        too_short = (
            len(toks) == 1 and toks[0].initials and len(toks[0].text) <= 2 and k not in self._exact
        )  # "TT" alone: Trung tâm? Trưởng thôn? ("Các DN" is read)
        if not essential or too_short or len(toks) > 3 * self._longest:
            return Resolution(None, 0.0, "unresolved", self._candidates(k, toks, {}))
        first = essential[0]
        for e in self._entries:
            tier = self._tier(e, mention_levels, level)
            if tier is None:
                continue
            if e.key == k:
                score = 100.0
            else:  # the head noun first: most names fail there
                if e.head is None or not any(
                    j <= e.head < j + n for j, n, _, _ in self._options(first, e.syls, blind, e.head)
                ):
                    continue
                score = self._align(toks, e, blind)
                if score is None:
                    continue
            aligned[tier][e.unit] = max(aligned[tier].get(e.unit, 0.0), score)
        tier = aligned[0] or aligned[1]
        ranked = sorted(tier.items(), key=lambda kv: -kv[1])
        if ranked:
            unit, score = ranked[0]
            runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
            if score >= THRESHOLD and score - runner_up >= MARGIN:
                return Resolution(unit, round(score, 1), "matched", self._candidates(k, toks, {unit: score}))
        candidates = self._candidates(k, toks, dict(ranked))
        return Resolution(None, candidates[0].score if candidates else 0.0, "unresolved", candidates)

    def _options(
        self, tok: _Tok, syls: tuple[_Syl, ...], blind: bool, at: int | None = None
    ) -> list[tuple[int, int, float, bool]]:
        """Ways one token reads: (first syllable, how many, penalty, is a typo);
        with `at`, only the readings that take syllable `at`."""
        out = []
        t = tok.text
        syllable = len(t) >= 2 and bool(_VOWEL.search(tok.bare))
        known = t in self._vocab or t == "("
        for j, s in enumerate(syls) if at is None else ((at, syls[at]),):
            if s.pseudo:  # "Hội" for the H of a canonical "HĐND"
                if s.spelled and syllable and strip_accents(tok.init) == s.bare_init and (tok.init == s.init or blind):
                    out.append((j, 1, PSEUDO, False))
                continue
            if t == s.text:
                out.append((j, 1, 0, False))
            elif not known and s.text != "(":
                if tok.bare == s.bare:
                    out.append((j, 1, BLIND, False))
                elif len(tok.bare) >= 4 and len(s.bare) >= 4 and OSA.distance(tok.bare, s.bare) <= 1:
                    out.append((j, 1, TYPO, True))
            if tok.dotted and len(t) >= 2 and len(s.text) > len(t) and s.text.startswith(t):
                out.append((j, 1, PREFIX, False))
        if tok.initials:
            n = len(t)
            inits = [s.bare_init if blind else s.init for s in syls]
            if blind:
                t = tok.bare
            starts = range(len(syls) - n + 1) if at is None else range(max(at - n + 1, 0), min(at, len(syls) - n) + 1)
            for j in starts:
                if inits[j : j + n] == list(t) and (n > 1 or not syls[j].optional):
                    out.append((j, n, INITIALS if n > 1 or tok.dotted or tok.shown.isupper() else LONE, False))
            if n >= 4 and tok.shown.isupper():  # a long abbreviation mistyped: "VHXX", "VHXXH"
                for size in (n - 1, n, n + 1):
                    for j in range(len(syls) - size + 1):
                        run = "".join(inits[j : j + size])
                        if run[0] == t[0] and _slip(run, t):
                            out.append((j, size, TYPO + INITIALS, True))
        return out

    def _align(self, toks: list[_Tok], e: _Entry, blind: bool) -> float | None:
        """Score of the best full alignment of the tokens to the entry's syllables, or None."""
        syls = e.syls
        if e.head is None:
            return None
        first = next((i for i, t in enumerate(toks) if not t.optional), None)
        if first is None:
            return None
        options = [self._options(t, syls, blind) for t in toks]
        options[first] = [o for o in options[first] if o[0] <= e.head < o[0] + o[1]]
        if not options[first] or any(not o and not t.optional for o, t in zip(options, toks)):
            return None
        need = sum(1 << j for j, s in enumerate(syls) if not s.optional)
        typos_allowed = 2 if len(toks) >= 6 else 1
        best = [float("inf")]

        def walk(i: int, mask: int, pen: float, last: int, typos: int) -> None:
            if pen >= best[0]:
                return
            if i == len(toks):
                if mask & need == need:
                    best[0] = pen
                return
            if toks[i].optional:
                walk(i + 1, mask, pen, last, typos)
            for j, n, p, typo in options[i]:
                bits = ((1 << n) - 1) << j
                if mask & bits or typos + typo > typos_allowed:
                    continue
                walk(i + 1, mask | bits, pen + p + (INVERSION if j < last else 0), j + n - 1, typos + typo)

        walk(0, 0, 0.0, -1, 0)
        return None if best[0] == float("inf") else 100.0 - best[0]

    def _partial(self, toks: list[_Tok], e: _Entry) -> tuple[float, str]:
        """A greedy reading for a candidate list: share of tokens and syllables
        aligned (Dice; weak readings count half), less 10 when the head noun is not the mention's first
        word; and what aligned to what."""
        used = 0
        pairs = []
        got_head = False
        covered_toks = 0.0
        first = next((i for i, t in enumerate(toks) if not t.optional), None)
        for i, t in enumerate(toks):
            for j, n, p, _typo in sorted(self._options(t, e.syls, False), key=lambda o: o[2]):
                bits = ((1 << n) - 1) << j
                if used & bits:
                    continue
                used |= bits
                covered_toks += 0 if t.optional else 1.0 if p <= INITIALS else 0.5  # weak readings count half
                got_head = got_head or (i == first and e.head is not None and j <= e.head < j + n)
                pairs.append(f"{t.shown} → {' '.join(s.text for s in e.syls[j : j + n])}")
                break
        m = sum(1 for t in toks if not t.optional) or 1
        n = sum(1 for s in e.syls if not s.optional) or 1
        covered_syls = sum(1 for j, s in enumerate(e.syls) if used >> j & 1 and not s.optional)
        score = 100.0 * (min(covered_toks, m) + covered_syls) / (m + n) - (0 if got_head else 10)
        return max(score, 0.0), "; ".join(pairs)

    def _candidates(self, k: str, toks: list[_Tok], aligned: dict[str, float]) -> list[Candidate]:
        """Top three units: aligned ones with their score, then the best partial
        readings among the names closest by rapidfuzz (token_set_ratio on the
        keys without diacritics: cheap, and blind to extra words, so "Phòng
        Văn" finds every "Phòng Văn …")."""
        near = process.extract(
            strip_accents(k), self._plain_keys, scorer=fuzz.token_set_ratio, limit=CANDIDATE_POOL, score_cutoff=30
        )
        pool = {i for _, _, i in near} | {i for i, e in enumerate(self._entries) if e.unit in aligned}
        best: dict[str, tuple[float, str]] = {}
        for i in sorted(pool):
            e = self._entries[i]
            score, why = self._partial(toks, e)
            score = aligned.get(e.unit, min(score, THRESHOLD - 1))
            if score > best.get(e.unit, (-1.0, ""))[0]:
                best[e.unit] = (score, why)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])[:3]
        return [Candidate(u, round(s, 1), why) for u, (s, why) in ranked if s > 0]
