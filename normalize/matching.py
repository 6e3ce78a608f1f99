"""Resolve an agency mention ("TT phục vụ HCC") to a canonical unit name.

Both the mention and every canonical name and alias are turned into a *key*:
folded (`normalize.text.fold`), abbreviations expanded ("UBND" -> "ủy ban nhân
dân"), a trailing commune/district name dropped ("UBND xã Xuân Sơn" -> "ủy ban
nhân dân xã"), punctuation and the connector "và"/"&" removed. Equal keys are an
exact match. Otherwise the mention is scored against every name with rapidfuzz
and the best one is accepted only when

* the administrative level words agree (a mention saying "huyện" never lands on
  a commune unit, "tỉnh" never on a district one);
* every word of the mention has its counterpart in the name and every word of
  the name in the mention, up to typos of words the registry does not know
  ("tê" for "tế"), leaving out filler ("các", "trên địa bàn", "liên quan", level
  words) — so "Ban Kinh tế - Ngân sách HĐND" never becomes "Phòng Kinh tế" and
  "Trung tâm Y tế huyện" never "Trạm Y tế xã";
* the score clears THRESHOLD, and no other unit is a plausible reading: none
  passes the checks above and none scores within MARGIN.

A wrong match is worse than none, so anything else stays unresolved with its
top candidates for a clerk; clerks' decisions (`Registry.decisions`) win over
everything.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .model import Candidate, Resolution
from .registry import Registry
from .exceptions import NormalizeError
from .text import clean, fold, strip_accents

THRESHOLD = 75.0   # least score (0-100) of an accepted fuzzy match
MARGIN = 8.0       # least lead over the best other level-compatible unit

# Abbreviations, applied to folded text (lower case, dashes spaced " - ") in order.
_ABBREVIATIONS = [
    (r"nn\s*(?:&|và)\s*ptnt", "nông nghiệp và phát triển nông thôn"),
    (r"kh\s*(?:&|và|-)\s*cn|khcn", "khoa học và công nghệ"),
    (r"tt\s*(?:&|và)\s*tt", "thông tin và truyền thông"),
    (r"ct\s*-\s*xh|ctxh", "chính trị - xã hội"),
    (r"vh\s*-\s*xh|vhxh|vhxxh|vhxx", "văn hóa - xã hội"),
    (r"vh\s*-\s*tt|vhtt", "văn hóa - thông tin"),
    (r"tc\s*-\s*kt|tckt", "tài chính - kế toán"),
    (r"tc\s*-\s*kh|tckh", "tài chính - kế hoạch"),
    (r"vp\s*-\s*tk|vptk", "văn phòng - thống kê"),
    (r"gd\s*(?:&|và|-)\s*đt|gdđt", "giáo dục và đào tạo"),
    (r"ptnt", "phát triển nông thôn"),
    (r"chqs", "chỉ huy quân sự"),
    (r"ttđt", "thông tin điện tử"),
    (r"ubmttq", "ủy ban mặt trận tổ quốc"),
    (r"mttq", "mặt trận tổ quốc"),
    (r"ubnd", "ủy ban nhân dân"),
    (r"hđnd|hdnd", "hội đồng nhân dân"),
    (r"ub", "ủy ban"),
    (r"pvhcc", "phục vụ hành chính công"),
    (r"hcc", "hành chính công"),
    (r"tthc", "thủ tục hành chính"),
    (r"dvctt", "dịch vụ công trực tuyến"),
    (r"dvc", "dịch vụ công"),
    (r"cbcc", "cán bộ công chức"),
    (r"cb", "cán bộ"),
    (r"cc", "công chức"),
    (r"thcs", "trung học cơ sở"),
    (r"thpt", "trung học phổ thông"),
    (r"bch", "ban chỉ huy"),
    (r"qs", "quân sự"),
    (r"t\s*\.\s*tâm|t\s*\.\s*t|tt", "trung tâm"),
    (r"vp", "văn phòng"),
    (r"ca", "công an"),
    (r"yt", "y tế"),
    (r"đu", "đảng ủy"),
]
_ABBREVIATION_RES = [(re.compile(rf"(?<!\w)(?:{p})(?!\w)"), r) for p, r in _ABBREVIATIONS]
_P_DOT = re.compile(r"^p\s*\.\s*")                        # "P. Kinh tế" -> "Phòng Kinh tế"
_PUNCT = re.compile(r"[^\w\s(]|_")      # "(" stays a word: "UBND xã (Công chức VHXH)" is not "UBND xã và …"
_SPACE = re.compile(r"\s+")

# Level words: a mention naming one may only land on a unit of that level.
_LEVEL_RE = re.compile(r"(?<!\w)(thị xã|thị trấn|thành phố|xã(?!\s+h[^\W\d_]i(?!\w))|phường|huyện|quận|tỉnh)(?!\w)")
_LEVEL_OF = {"xã": "commune", "phường": "commune", "thị trấn": "commune",
             "huyện": "district", "quận": "district", "thị xã": "district",
             "tỉnh": "province", "thành phố": "province"}
_PLACE_WORDS = {"xã", "phường", "huyện", "quận", "tỉnh"}

# Words that may be present on one side only (after the level words are gone).
_FILLER = re.compile(r"(?<!\w)(?:trên địa bàn|có liên quan|liên quan|địa phương|việt nam|"
                     r"các|những|cấp|của|tại|trong)(?!\w)")

# Words of the trade that are never a typo of another word ("sở" is not "số").
_KNOWN_WORDS = set("""
sở bộ cục chi viện đội hội đoàn ban phòng trạm trường tổ ngành thôn ấp khu phố
thanh niên phụ nữ nông dân cựu chiến binh tuyên giáo vận kiểm tra tư pháp hộ tịch
địa chính xây dựng môi lao động thương y dược khuyến lâm thú điện lực nước thuế kho bạc
bảo hiểm hiệp liên quân biên thị ngân sách nội vụ tế kê thống tin thông số công
""".split())


@dataclass
class _Entry:
    unit: str
    level: str
    key: str
    reduced: str


@lru_cache(maxsize=65536)
def _drop_place_name(text: str) -> str:
    """'UBND xã Xuân Sơn' -> 'UBND xã': capitalised words after a final level word."""
    words = text.split()
    for i in range(len(words) - 2, -1, -1):
        rest = words[i + 1:]
        if fold(words[i]) in _PLACE_WORDS and len(rest) <= 4 and fold(rest[0]) != "hội" \
                and all(w[:1].isupper() and w.isalpha() for w in rest):
            return " ".join(words[:i + 1])
    return text


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Comparison key of an agency name; see the module docstring."""
    text = fold(_drop_place_name(clean(text)))
    text = _P_DOT.sub("phòng ", text)
    for pattern, expansion in _ABBREVIATION_RES:
        text = pattern.sub(expansion, text)
    text = _PUNCT.sub(" ", text.replace("&", " và ")).replace("(", " ( ")
    return " ".join(w for w in text.split() if w != "và")


def levels(k: str) -> set[str]:
    """Administrative levels a key names ('công an tỉnh' -> {'province'})."""
    return {_LEVEL_OF[m] for m in _LEVEL_RE.findall(k)}


def _reduce(k: str) -> str:
    return _SPACE.sub(" ", _FILLER.sub(" ", _LEVEL_RE.sub(" ", k))).strip()


class Matcher:
    """Resolves mentions against a Registry; picklable, caches per folded mention."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self._entries: list[_Entry] = []
        self._exact: dict[str, str] = {}
        for unit in registry.units:
            for name in dict.fromkeys([unit.name, *unit.aliases]):
                k = key(name)
                other = self._exact.setdefault(k, unit.name)
                if other != unit.name:
                    raise NormalizeError(f"units.csv: {name!r} reads the same as a name of {other!r} "
                                     "(make the alias more specific or drop it)")
                self._entries.append(_Entry(unit.name, unit.level, k, _reduce(k)))
        self._reduced = [e.reduced for e in self._entries]
        self._stripped = [strip_accents(r) for r in self._reduced]
        self._vocab = {w for e in self._entries for w in e.key.split()} | _KNOWN_WORDS
        self._cache: dict[str, Resolution] = {}

    # -- keys -------------------------------------------------------------

    def key(self, mention: str) -> str:
        """The mention's key, run-together words split ("ytế" -> "y tế")."""
        words = []
        for w in key(mention).split():
            if w not in self._vocab and len(w) >= 3:
                cut = next((i for i in range(1, len(w))
                            if w[:i] in self._vocab and w[i:] in self._vocab), None)
                if cut:
                    words += [w[:cut], w[cut:]]
                    continue
            words.append(w)
        return " ".join(words)

    # -- lookups ----------------------------------------------------------

    def exact(self, mention: str) -> str | None:
        """Canonical name when the mention is a clerk-decided spelling or reads
        exactly as a canonical name or alias; else None."""
        decided = self.registry.decisions.get(fold(mention))
        if decided is not None:
            return decided
        return self._exact.get(self.key(mention))

    def match(self, mention: str) -> Resolution:
        folded = fold(mention)
        if folded in self.registry.decisions:       # a clerk's word is final, never cached over
            unit = self.registry.decisions[folded]
            return Resolution(unit, 100.0 if unit else 0.0, "confirmed", [])
        hit = self._cache.get(folded)
        if hit is None:
            hit = self._cache[folded] = self._resolve(mention)
        return Resolution(hit.unit, hit.score, hit.status, list(hit.candidates))

    # -- the work ---------------------------------------------------------

    def _resolve(self, mention: str) -> Resolution:
        k = self.key(mention)
        if k in self._exact:
            return Resolution(self._exact[k], 100.0, "matched", [Candidate(self._exact[k], 100.0)])
        reduced = _reduce(k)
        if not reduced:
            return Resolution(None, 0.0, "unresolved", [])
        # token_sort_ratio: word order does not matter ("Thôn trưởng" = "Trưởng thôn"),
        # but extra or missing words do — unlike token_set/partial ratios and WRatio,
        # which score a name inside a longer one ("Phòng Kinh tế" in "Ban Kinh tế -
        # Ngân sách") near 100, the very confusion to avoid. Scored a second time
        # without diacritics (slightly discounted) for mentions typed without them.
        scores = {i: s for _, s, i in process.extract(
            reduced, self._reduced, scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=40)}
        for _, s, i in process.extract(strip_accents(reduced), self._stripped,
                                       scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=40):
            scores[i] = max(scores.get(i, 0.0), 0.95 * s)
        mention_levels = levels(k)
        best: dict[str, float] = {}          # unit -> best score of any of its names
        # Per tier: unit -> best score among level-compatible names (rivals) and among
        # names passing every check (aligned). Tier 1 holds the names that spell a level
        # above the commune ("… huyện") when the mention spells none: these are commune
        # plans, so a bare "Văn phòng HĐND - UBND" is the commune's office, and a
        # higher-level unit is taken only when no commune one fits ("Phòng Nội vụ").
        rivals: tuple[dict, dict] = ({}, {})
        aligned: tuple[dict, dict] = ({}, {})
        for i, s in scores.items():
            e = self._entries[i]
            best[e.unit] = max(best.get(e.unit, 0.0), s)
            if mention_levels <= {e.level}:
                tier = int(not mention_levels and bool(levels(e.key) - {"commune"}))
                rivals[tier][e.unit] = max(rivals[tier].get(e.unit, 0.0), s)
                if self._aligned(reduced, e.reduced):
                    aligned[tier][e.unit] = max(aligned[tier].get(e.unit, 0.0), s)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:3]
        candidates = [Candidate(u, round(s, 1)) for u, s in ranked]
        if aligned[0]:
            aligned, rivals = aligned[0], rivals[0]
        else:
            aligned, rivals = aligned[1], {**rivals[1], **rivals[0]}
        if len(aligned) == 1:
            (unit, score), = aligned.items()
            runner_up = max((s for u, s in rivals.items() if u != unit), default=0.0)
            if score >= THRESHOLD and score - runner_up >= MARGIN:
                return Resolution(unit, round(score, 1), "matched", candidates)
        return Resolution(None, round(ranked[0][1], 1) if ranked else 0.0, "unresolved", candidates)

    def _aligned(self, mention: str, name: str) -> bool:
        """Every word on each side has its counterpart on the other."""
        m_words, n_words = set(mention.split()), set(name.split())
        return all(any(self._same(m, n) for n in n_words) for m in m_words) and \
            all(any(self._same(m, n) for m in m_words) for n in n_words)

    def _same(self, m: str, n: str) -> bool:
        """Mention word `m` is name word `n`, or a typo of it: a word the
        registry does not know, equal without diacritics or one edit away."""
        if m == n:
            return True
        if m in self._vocab:
            return False
        a, b = strip_accents(m), strip_accents(n)
        return a == b or (len(a) >= 4 and Levenshtein.distance(a, b) <= 1)
