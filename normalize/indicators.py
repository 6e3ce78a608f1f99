"""Link a row's indicator text to one canonical indicator (indicators.csv).

The text is reduced to its content words: folded, target figures and counts
removed (`strip_target_words`), abbreviations expanded ("TTHC"), phrases plans
use interchangeably written one way ("trục liên thông"/"LGSP", "không phụ
thuộc"/"phi" địa giới, "môi trường điện tử"/"số"), denominators ("/Tổng dân
số", "trên dân số") and words every indicator shares ("tỷ lệ", "được", "các")
dropped. Each indicator is compared in its name and in its aliases (wordings
plans use for it, the `aliases` column); it is linked only when, for one of them,

* its words are nearly all in the text (NAME_COVERAGE): the text must say all
  the indicator says — "hộ gia đình có kết nối Internet" lacks "băng rộng cáp
  quang" and is not the fibre indicator;
* a good share of the text's words are in it (TEXT_COVERAGE), so a long
  row that merely mentions the same things is not taken for it;
* technology tokens with digits agree ("4G" is not "5G");
* the text puts no other word where the name has one it lacks ("xử lý trực
  tiếp" is not "xử lý trực tuyến", "địa chỉ thường trú" not "địa chỉ số");
* the text has no two words that only one other indicator uses ("Mức độ hài
  lòng … khi sử dụng DVCTT" is about satisfaction, not usage);
* the text measures no less or other than it does (`_narrower`): no
  qualifier it lacks ("một phần", "thí điểm", "chưa"), no place, group or
  denominator it does not have ("… tại bệnh viện", "giáo viên mầm non …",
  "… trên tổng số cán bộ");
* its score leads the next indicator's by MARGIN (an indicator the text has
  two words against, as above, is no rival).

Anything else is left unlinked (None): a wrong link is worse than none.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from .registry import DATA
from .targets import LEAD_WORDS
from .text import fold, new_tone_placement, strip_accents

NAME_COVERAGE = 0.8  # least share of the indicator's words found in the text
TEXT_COVERAGE = 0.45  # least share of the text's words found in the indicator
OWN_COVERAGE = 0.75  # or: least share of the words only its name has (`_distinct`) …
DISTINCT_TEXT_COVERAGE = 0.7  # … with this least share of the text's words in it
MARGIN = 6.0  # least lead (score points) over the next indicator

_NUMBER = r"\d+(?:[.,]\d+)?"
_TARGET = re.compile(
    rf"(?:\(?\s*(?:{LEAD_WORDS})(?:\s+(?:tỷ\s+lệ|tỉ\s+lệ|mức))?\s+)*"
    rf"(?:[≥≤><=]=?\s*)?{_NUMBER}\s*(?:%|phần trăm)(?:\s*/\s*năm)?(?:\s+trở\s+lên)?\)?"
    # a count before the words: "Có ≥ 30 nhiệm vụ", "Có từ 08 người"
    rf"|^\s*(?:có\s+)?(?:(?:từ|tối thiểu|ít nhất|trên)\s+|[≥≤><=]=?\s*)?{_NUMBER}\s+(?=[^\W\d_])"
    rf"|^\s*(?:có\s+)?(?:[≥≤><=]=?\s*)(?={_NUMBER})",
    re.IGNORECASE,
)
_DANGLING = re.compile(rf"[\s:,;]*(?:(?<!\w)(?:{LEAD_WORDS})(?!\w)[\s:,;]*)*$|^[\s:,;]+", re.IGNORECASE)

_ABBREVIATIONS = [
    (r"tthc", "thủ tục hành chính"),
    (r"cbccvc", "cán bộ, công chức, viên chức"),
    (r"cbcc", "cán bộ, công chức"),
    (r"httt", "hệ thống thông tin"),
    (r"dn", "doanh nghiệp"),
    (r"đmst", "đổi mới sáng tạo"),
    (r"kh\s*,\s*cn", "khoa học, công nghệ"),
    (r"(?:tổ )?cnscđ", "tổ công nghệ số cộng đồng"),
    (r"dvctt", "dịch vụ công trực tuyến"),
    (r"dvc", "dịch vụ công"),
    (r"csdl", "cơ sở dữ liệu"),
    (r"gdpt", "giáo dục phổ thông"),
    (r"attt", "an toàn thông tin"),
    (r"nsnn", "ngân sách nhà nước"),
    (r"cđs|cds", "chuyển đổi số"),
    (r"kh\s*&\s*cn|khcn", "khoa học và công nghệ"),
    (r"cntt", "công nghệ thông tin"),
    (r"tỉ lệ", "tỷ lệ"),
    (r"hàng năm", "hằng năm"),
    (r"ngày chuyển đổi số quốc gia \(?(?:ngày )?10\s*/\s*10(?:\s*/\s*\d{4})?\)?", "ngày chuyển đổi số quốc gia"),
]
# One wording for phrases plans use interchangeably, so that a catalog name or
# alias written one way matches a row written the other.
_SYNONYMS = [
    (r"băng thông rộng", "băng rộng"),
    (r"căn bản", "cơ bản"),
    (r"tỷ trọng", "tỷ lệ"),
    (r"tổng sản phẩm(?: trên địa bàn)?(?: \(?(?:grdp|gdp)\)?)?", "grdp"),
    (r"gdp", "grdp"),  # the national product of a national plan
    (r"trả kết quả", "cấp kết quả"),
    (r"tái sử dụng", "sử dụng lại"),
    (r"hộ dân", "hộ gia đình"),
    (r"kết nối,? (?:và )?liên thông|liên thông,? (?:và )?kết nối|kết nối", "liên thông"),
    (r"không sử dụng tiền mặt", "không dùng tiền mặt"),
    (r"mức độ hài lòng", "hài lòng"),
    (r"(?:từ |trên |tối thiểu )?(\d+) gb", r"\1 gb"),
    (r"trở lên", ""),
    (r"một vạn", "1 vạn"),
    (r"trực liên thông", "trục liên thông"),  # a common misspelling
    (
        r"(?:trục liên thông(?: dữ liệu)?|nền tảng tích hợp,? chia sẻ dữ liệu)(?: cấp (?:tỉnh|xã))?(?:\s*\(lgsp\))?"
        r"|lgsp",
        "trục liên thông dữ liệu",
    ),
    (r"không phụ thuộc (?:vào )?địa giới", "phi địa giới"),
    (r"thuộc diện", ""),
    (r"thực hiện", ""),  # a light verb: "người thực hiện nghiên cứu" is "người nghiên cứu"
    (r"môi trường (?:điện tử|mạng)", "môi trường số"),
    (r"giải quyết trực tuyến", "xử lý trực tuyến"),
    (r"(?:người dân|người|dân số) (?:ở )?(?:độ tuổi |tuổi )?trưởng thành", "dân số trưởng thành"),
    (r"(dịch vụ công trực tuyến) mức độ 4(?: hoặc toàn trình)?", r"\1 toàn trình"),
    (r"số sức khỏe", "sổ sức khỏe"),
    (r"hướng ứng", "hưởng ứng"),  # misspellings
    (r"nhỏ và vừa", "vừa và nhỏ"),
    (r"trên địa bàn(?: (?:xã|huyện|tỉnh))?", ""),
    # an administrative tail, which every row could end with
    (r"(?:đáp ứng|theo|đúng) (?:đúng )?(?:các )?(?:yêu cầu|quy định|hướng dẫn)$", ""),
    (r"^số(?= (?!hóa|lượng))", ""),  # "Số người …": the number of
    (r"năm \d{4}", "hằng năm"),  # a plan for one year is the annual one
    (r"chữ ký (?:số|điện tử)(?: hoặc chữ ký (?:số|điện tử))?(?: cá nhân)?", "chữ ký số"),
    (r"máy trạm", "máy tính"),
    (r"(?:điện thoại )?(?:thông minh )?\(?smartphone\)?", "điện thoại thông minh"),
    (r"chuyên mục riêng", "chuyên mục"),
    (r"(?:người dân|người)(?= từ \d+ tuổi)", "dân số"),
    (r"phủ sóng(?: mạng)?(?: (?:thông tin )?di động)?", "phủ sóng"),
    (r"(?:di động )?4g\s*/\s*5g|5g\s*/\s*4g", "5g"),  # "phủ sóng 4G/5G": the newer network
    (r"băng rộng di động|di động băng rộng", "băng rộng di động"),
    # a mobile generation is a mobile broadband network: the words around it add nothing
    (
        r"(?:(?:mạng|băng rộng di động|di động|băng rộng) )*([45]g)(?: (?:mạng|băng rộng di động|di động|băng rộng))*",
        r"\1",
    ),
    (r"(?:đào tạo|tập huấn|bồi dưỡng)(?:,? (?:và )?(?:đào tạo|tập huấn|bồi dưỡng|hướng dẫn|phổ cập))*", "bồi dưỡng"),
    (r"(?:làm|tham gia) công tác", "thực hiện công tác"),
    (r"tài khoản định danh điện tử(?: \(?vneid\)?)?|tài khoản vneid|vneid", "tài khoản định danh điện tử"),
    (r"tài khoản thanh toán", "tài khoản giao dịch"),
    (r"phương án bảo (?:vệ|đảm an toàn)(?: hệ thống)?(?: thông tin)?", "phương án bảo đảm an toàn thông tin"),
]
# Patterns see folded text, so their tones are placed as `fold` places them.
_ABBREVIATION_RES = [
    (re.compile(rf"(?<!\w)(?:{new_tone_placement(p)})(?!\w)"), r) for p, r in _ABBREVIATIONS + _SYNONYMS
]
_SPEED = re.compile(r"(?<=\d)\s*(?:gb\s*/\s*s|gbps(?:\s*/\s*s)?)(?!\w)")  # "1Gb/s", "01 Gbps/s" -> "1 gb"
_ASIDE = re.compile(r"\s*\([^()]*\)")
_LEADING_ZERO = re.compile(r"(?<![\d.,])0+(?=\d)")
_DENOMINATOR = re.compile(r"\s*/\s*tổng\b.*$|\s+trên (?:tổng )?dân số\b.*$")
_PUNCT = re.compile(r"[^\w\s]|_")
# Where a row joins statements of two indicators: before a second "Tỷ lệ …" / "Số …".
_SEVERAL = re.compile(r"\s*(?:;|,?\s+và)\s+(?=(?:tỷ|tỉ)\s+lệ\s|số\s+(?!hóa|lượng))|\s*;\s*", re.IGNORECASE)
# Words (syllables) that say nothing about which indicator a row is.
_COMMON = frozenset("tỷ lệ các những được của và là về có số_lượng tổng đạt ở trong việc với đối khi đã tại".split())
_LEVEL_WORDS = frozenset(("xã", "huyện", "tỉnh", "cấp"))
# Words that change what is measured, unless the indicator's name has them
# as often: a part ("một phần"), a start ("bước đầu"), a trial ("thí điểm"),
# a least count ("ít nhất một"), a negation ("chưa", "không"), a count of
# events ("Số lượt người được hướng dẫn …").
_QUALIFIERS = tuple(
    tuple(fold(q).split())
    for q in ("một phần", "bước đầu", "thí điểm", "ít nhất một", "tối thiểu một", "chưa", "không")
    + ("lượt", "buổi", "cuộc")  # a count of events ("lần" is also a multiple: "10 lần")
)
# Of a rate, a time qualifier counts those in time, not all ("… xử lý trực
# tuyến đúng hạn"); a plan "ban hành đúng hạn" is the plan.
_TIMELY = tuple(tuple(fold(q).split()) for q in ("đúng hạn", "trước hạn", "trễ hạn", "quá hạn"))
# A row opening "Tổ chức …" organises an event (a training, a conference): an
# activity, which states only an indicator of activities, one whose wordings say it.
_ORGANISE = tuple(fold("tổ chức").split())
# Words before a place, group or denominator that narrows the population ("tại
# trường học", "của hộ kinh doanh", "trong lĩnh vực đất đai", "trên tổng số cán bộ").
_SCOPE = frozenset(map(fold, "tại ở trong của thuộc trên".split()))
_ON, _TOTAL = "trên", "tổng"
_SCOPE_END = _SCOPE | {","} | frozenset(map(fold, "được có đã và là để với theo khi về từ đạt".split()))
_SCOPE_SKIP = frozenset(map(fold, "các những mọi tổng số toàn bộ phạm vi".split()))
# Words a scope may have that narrow nothing: the plan's own level and body, a time.
_SCOPE_FREE = frozenset(
    map(
        fold,
        "xã huyện tỉnh cấp phường thị trấn địa phương ubnd ủy ban cơ quan đơn vị sở ngành hành chính nhà nước "
        "năm hằng tháng quý giai đoạn kỳ".split(),
    )
)
# The groups of people indicators count, by their first two syllables.
_PEOPLE = frozenset(
    tuple(fold(g).split())
    for g in (
        "người dân",
        "dân số",
        "hộ gia",
        "giáo viên",
        "học sinh",
        "cán bộ",
        "công chức",
        "doanh nghiệp",
        "thành viên",
    )
)
_SLASH_TOTAL = re.compile(r"\s*/\s*(?=tổng\b)")
_TECH = re.compile(r"^(?=.*\d)(?=.*[a-z])[a-z0-9]+$")  # 5g, 4g, 1gb


@dataclass
class Indicator:
    code: str
    name_vi: str
    name_en: str
    aliases: list[str] = field(default_factory=list)  # other wordings plans use for it


def load_catalog(path: str | Path | None = None) -> list[Indicator]:
    """Read indicators.csv (columns code, name_vi, name_en, optional aliases
    separated by '|'); the bundled file when `path` is None."""
    text = Path(path or DATA / "indicators.csv").read_text(encoding="utf-8-sig")
    catalog = []
    for n, rec in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        if not (rec.get("code") or "").strip() or not (rec.get("name_vi") or "").strip():
            raise ValueError(f"indicators.csv line {n}: empty code or name_vi (fill it or drop the line)")
        aliases = [a.strip() for a in (rec.get("aliases") or "").split("|") if a.strip()]
        catalog.append(
            Indicator(rec["code"].strip(), rec["name_vi"].strip(), (rec.get("name_en") or "").strip(), aliases)
        )
    return catalog


def strip_target_words(text: str) -> str:
    """The indicator text without its target: 'Tỷ lệ phủ sóng 5G đạt 95%' ->
    'Tỷ lệ phủ sóng 5G'; also '≥ 70%', 'Tối thiểu 60%', 'Trên 95%', a leading '100%'."""
    text = _TARGET.sub(" ", text)
    return _DANGLING.sub("", re.sub(r"\s+", " ", text).strip()).strip()


def wording_key(text: str) -> str:
    """What an analyst's link of a row's wording to an indicator is stored on:
    the text without its target, folded ('Tỷ lệ phủ sóng 5G đạt 95%' and 'tỷ lệ
    phủ sóng 5G ≥ 70%' share it)."""
    return fold(strip_target_words(fold(text)))


@lru_cache(maxsize=16384)
def words(text: str) -> tuple[str, ...]:
    """Content words of an indicator text, in order."""
    return tuple(w for w in _tokens(text) if w != ",")


def _normal(text: str) -> str:
    """The text folded, without its target, abbreviations and synonyms written one way."""
    text = _LEADING_ZERO.sub("", _SPEED.sub(" gb", fold(strip_target_words(text))))
    for pattern, expansion in _ABBREVIATION_RES:
        text = pattern.sub(expansion, text)
    return text


def _split(text: str) -> list[str]:
    text = " , ".join(_PUNCT.sub(" ", piece) for piece in text.split(","))
    return text.replace("số lượng", "số_lượng").replace("xã hội", "xã_hội").split()


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    """`words`, with the commas between them kept as "," (for `_lists`)."""
    return tuple(w for w in _split(_DENOMINATOR.sub("", _normal(text))) if w not in _COMMON)


def _whole(text: str) -> tuple[str, ...]:
    """`words`, the denominator kept: a row may name as its subject the
    population a name divides by ("100% dân số được phủ sóng 5G" of "Tỷ lệ
    phủ sóng 5G trên dân số")."""
    return tuple(w for w in _split(_normal(text)) if w not in _COMMON and w != ",")


def _native(ws: tuple[str, ...], vocab: frozenset[str]) -> tuple[str, ...]:
    """The words without the foreign ones the catalog never uses — an
    unaccented gloss or initialism ("(smartphone)", "(cloud)", "(R&D)",
    "FTTH"), which says again what the row says; technology tokens are
    compared apart (`_tech`)."""
    return tuple(w for w in ws if w in vocab or not w.isascii() or _TECH.match(w))


@lru_cache(maxsize=4096)
def _running(text: str) -> tuple[str, ...]:
    """Every syllable of the text, its function words and denominator kept
    ("/Tổng …" read "trên tổng …"), for `_narrower`."""
    return tuple(_split(_SLASH_TOTAL.sub(" trên ", _normal(text))))


class IndicatorMatcher:
    """Links indicator texts to catalog codes; picklable, caches per text.

    Each indicator has forms: its name and its aliases, reduced to words. A
    text is scored against every form that shares a word with it (the others
    cannot reach NAME_COVERAGE); an indicator scores as its best form."""

    def __init__(self, catalog: list[Indicator]):
        self.catalog = catalog
        forms = {(i, words(t)): _lists(_tokens(t)) for i, ind in enumerate(catalog) for t in _wordings(ind)}
        self._forms = [form for form in forms if form[1]]
        self._form_lists = [forms[form] for form in self._forms]
        runs: dict[tuple[int, tuple[str, ...]], tuple[str, ...]] = {}
        self._said: list[set[str]] = [set() for _ in catalog]  # accent-blind syllables of all its wordings
        for i, ind in enumerate(catalog):
            for t in _wordings(ind):
                runs.setdefault((i, words(t)), _running(t))
                self._said[i].update(map(_plain, _running(t)))
        self._form_runs = [runs[form] for form in self._forms]
        whole = {}  # each form with the words of its denominator ("trên dân số"), for TEXT_COVERAGE
        for i, ind in enumerate(catalog):
            for t in _wordings(ind):
                whole.setdefault((i, words(t)), _whole(t))
        self._wholes = [whole[form] for form in self._forms]
        self._breaks = [_breaks(run, form) for run, (_, form) in zip(self._form_runs, self._forms)]
        self._whole_indexes = [_index(w) for w in self._wholes]
        self._run_pairs = frozenset(p for run in self._form_runs for p in zip(run, run[1:]))  # "công việc", …
        self._organises = {self._forms[k][0] for k, run in enumerate(self._form_runs) if _ORGANISE in zip(run, run[1:])}
        self._indexes = [_index(form) for _, form in self._forms]
        self._words = [set() for _ in catalog]  # every word of each indicator's forms
        self._by_word: dict[str, set[int]] = {}  # accent-blind word -> forms using it
        for k, (i, form) in enumerate(self._forms):
            self._words[i].update(form)
            for w in form:
                self._by_word.setdefault(_plain(w), set()).add(k)
        self._vocab = frozenset(w for ws in self._words for w in ws)
        self._pairs = frozenset(p for _, form in self._forms for p in zip(form, form[1:]))  # "giải quyết", …
        self._name_words = [set(words(ind.name_vi)) for ind in catalog]
        self._rates = {i for i, ind in enumerate(catalog) if fold(ind.name_vi).startswith(("tỷ lệ", "số "))}
        owners: dict[str, set[int]] = {}
        for i, ind in enumerate(catalog):
            for w in words(ind.name_vi):
                owners.setdefault(w, set()).add(i)
        self._own = {w: next(iter(o)) for w, o in owners.items() if len(o) == 1}  # words of one indicator only
        self._own_words: list[set[str]] = [set() for _ in catalog]
        for w, i in self._own.items():
            self._own_words[i].add(w)
        self._cache: dict[str, tuple[str | None, float]] = {}

    def match(self, text: str) -> tuple[str | None, float]:
        """(code, score 0-100) of the one indicator the text states, or (None, best score)."""
        key = fold(text)
        if key not in self._cache:
            self._cache[key] = self._match(text)
        return self._cache[key]

    def match_all(self, text: str) -> list[str]:
        """Codes of the indicators a row states, in order: the one it states
        whole, or — when it joins several ("Tỷ lệ phủ sóng 5G …; tỷ lệ hộ gia
        đình có cáp quang …") — each part's, when every part states one."""
        parts = [p for p in _SEVERAL.split(text) if p.strip()]
        if len(parts) > 1:
            codes = [self.match(strip_target_words(p))[0] for p in parts]
            if all(codes) and len(set(codes)) > 1:
                return list(dict.fromkeys(codes))
        code, _ = self.match(text)
        return [code] if code else []

    def _match(self, text: str) -> tuple[str | None, float]:
        mine = words(text)
        candidates = {k for w in mine for k in self._by_word.get(_plain(w), ())}
        if not candidates:
            return None, 0.0
        index, run = _index(mine), _running(text)
        scored = sorted(((self._score(mine, index, k), k) for k in candidates), reverse=True)
        best, i = scored[0][0], self._forms[scored[0][1]][0]
        # The runner-up is no rival when the text has words only another indicator uses.
        second = next(
            (
                score
                for score, k in scored
                if self._forms[k][0] != i and not self._names_another(self._forms[k][0], mine)
            ),
            0.0,
        )
        stating = [k for _, k in scored if self._forms[k][0] == i and self._states(k, mine, index, run)]
        whole = any(self._says_all(k, index) for k in stating)
        if (
            best - second >= MARGIN
            and not self._names_another(i, mine)
            and stating
            and (whole or not self._rivalled(i, mine))
        ):
            return self.catalog[i].code, round(best, 1)
        return None, round(best, 1)

    def _states(self, k: int, mine: tuple[str, ...], index: dict[str, tuple[str, ...]], run: tuple[str, ...]) -> bool:
        """The text says what form k says, and not much more or otherwise."""
        form, vocab = self._forms[k][1], self._vocab
        excused = self._excused(k, index)
        return (
            (_coverage(form, index, vocab, excused) >= NAME_COVERAGE or self._distinct(k, mine, index))
            and _coverage(_native(mine, vocab), self._whole_indexes[k], vocab) >= TEXT_COVERAGE
            and _tech(mine) == _tech(form)
            and (run[:2] != _ORGANISE or self._forms[k][0] in self._organises)
            and not (self._forms[k][0] in self._rates and _qualified(run, self._form_runs[k], _TIMELY))
            and not _substituted(form, self._indexes[k], mine, index, vocab, self._pairs, excused | self._breaks[k])
            and not _narrower(
                run, self._form_runs[k], self._said[self._forms[k][0]], self._wholes[k], vocab, self._run_pairs
            )
        )

    def _excused(self, k: int, index: dict[str, tuple[str, ...]]) -> frozenset[int]:
        """Places of form k's words a text may leave out: the other items of a
        list ("theo dõi, giám sát, đánh giá"; "thủ tục hành chính, dịch vụ
        công") of which the text names one — when it says all the rest of the
        name ("hồ sơ TTHC được giải quyết" is not "hồ sơ, kết quả giải quyết
        TTHC được số hóa")."""
        form, out = self._forms[k][1], set()
        for items in self._form_lists[k]:
            named = [all(_found(form[j], index, self._vocab) for j in item) for item in items]
            if any(named):
                out.update(j for item, hit in zip(items, named) if not hit for j in item)
        rest = (w for j, w in enumerate(form) if j not in out)
        return frozenset(out) if out and all(_found(w, index, self._vocab) for w in rest) else frozenset()

    def _names_another(self, i: int, mine: tuple[str, ...]) -> bool:
        """The text, beyond indicator i's words, has two or more words only one
        other indicator's name has, and no fewer than it has of i's own ("Mức
        độ hài lòng … khi sử dụng DVCTT" is about satisfaction, not about
        usage; "Tổ chức hưởng ứng Ngày Chuyển đổi số quốc gia hằng năm" is
        about the Day, whatever "hằng năm" of the annual plan). A time or
        level (`_SCOPE_FREE`: "hằng năm", "năm 2026") names no indicator: "…
        được bồi dưỡng kỹ năng số cơ bản hằng năm" is no annual plan."""
        others = [self._own[w] for w in set(mine) - self._words[i] - _SCOPE_FREE if self._own.get(w, i) != i]
        mine_own = sum(self._own.get(w) == i for w in set(mine))
        return any(others.count(o) >= max(2, mine_own) for o in others)

    def _distinct(self, k: int, mine: tuple[str, ...], index: dict[str, tuple[str, ...]]) -> bool:
        """The text has nearly all (OWN_COVERAGE, at least three) of the
        words that only form k's indicator's name has — the words that tell it
        apart — and little else (DISTINCT_TEXT_COVERAGE), with the people it
        counts: it states the indicator though it leaves out words others
        share ("Tổ chức hưởng ứng Ngày Chuyển đổi số quốc gia" of "Kế hoạch và
        hoạt động hưởng ứng …"; "máy trạm cài đặt giải pháp phòng, chống mã
        độc" without "… và chia sẻ thông tin với trung tâm giám sát"). Of a
        rate or count, the text must begin with what the form counts ("trường
        học có máy tính …" counts schools)."""
        i, form = self._forms[k]
        own = [w for w in self._own_words[i] if w in form]
        found = sum(_found(w, index, self._vocab) for w in own)
        return (
            found >= 3
            and found >= OWN_COVERAGE * len(own)
            and (i not in self._rates or tuple(map(_plain, mine[:2])) == tuple(map(_plain, form[:2])))
            and _coverage(_native(mine, self._vocab), self._whole_indexes[k], self._vocab) >= DISTINCT_TEXT_COVERAGE
        )

    def _says_all(self, k: int, index: dict[str, tuple[str, ...]]) -> bool:
        """The text has every word of form k but its level ("xã") and the list
        items `_excused` lets it leave out."""
        form, excused = self._forms[k][1], self._excused(k, index)
        skip = excused | {j for j in range(len(form)) if _is_level(form, j)}
        return all(_found(w, index, self._vocab) for j, w in enumerate(form) if j not in skip)

    def _rivalled(self, i: int, mine: tuple[str, ...]) -> bool:
        """Another indicator's name has two or more of the text's words that
        indicator i's wordings lack, and no fewer than i's have that it lacks:
        the text, which does not say all of i, may as well state the other
        ("hồ sơ TTHC có thanh toán phí, lệ phí trực tuyến" lacks "xử lý" of the
        online-applications rate and says the fees of the online payments)."""
        said, ours = set(mine), self._words[i]
        for j, theirs in enumerate(self._name_words):
            if j != i and len(said & theirs - ours) >= max(2, len(said & ours - theirs)):
                return True
        return False

    def _score(self, mine: tuple[str, ...], index: dict[str, tuple[str, ...]], k: int) -> float:
        # Coverage of the name's words weighs most (the text must say what the
        # indicator says); token_sort_ratio on the word strings adds how closely
        # the whole wording agrees, so of two indicators the text covers, the
        # one that says no more and no less than the text wins. Not token_set
        # or partial ratios: they rate a name inside a longer one at 100, the
        # very confusion (Internet vs fibre Internet) to avoid. Items of a list
        # the text leaves out count as missing here: of two names it states,
        # the one it says more of wins.
        name = self._forms[k][1]
        return (
            70 * _coverage(name, index, self._vocab) + 30 * fuzz.token_sort_ratio(" ".join(mine), " ".join(name)) / 100
        )


def _wordings(ind: Indicator) -> list[str]:
    """An indicator's name and aliases, and each without what a row may leave
    out: the alternative it offers last ("… tại ngân hàng hoặc tổ chức được
    phép khác" is stated by "… tại ngân hàng") and its asides in brackets
    ("cán bộ, công chức, viên chức (đảng viên)"). (Items of a list are left
    out only as `IndicatorMatcher._excused` allows: "công chức, viên chức
    chuyên trách" is not "…, kiêm nhiệm về CĐS".)"""
    out = []
    for text in (ind.name_vi, *ind.aliases):
        head = re.split(r"\s+hoặc\s+", text)[0]
        for t in (text, head) if head != text and len(head.split()) >= 5 else (text,):
            out += dict.fromkeys((t, _ASIDE.sub("", t)))
    return out


def _index(ws: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Words by their spelling without diacritics, for `_found`."""
    index: dict[str, tuple[str, ...]] = {}
    for w in dict.fromkeys(ws):
        index[_plain(w)] = index.get(_plain(w), ()) + (w,)
    return index


def _coverage(
    these: tuple[str, ...],
    within: dict[str, tuple[str, ...]],
    vocab: frozenset[str],
    excused: frozenset[int] = frozenset(),
) -> float:
    """Share of `these` words found in the words indexed by `within`, the
    words at `excused` places left out of the count."""
    counted = [w for j, w in enumerate(these) if j not in excused]
    if not counted:
        return 0.0
    return sum(_found(w, within, vocab) for w in counted) / len(counted)


def _lists(tokens: tuple[str, ...]) -> list[list[tuple[int, ...]]]:
    """The lists a wording's commas join, each as its items' word places.
    A piece between two commas is an item when it has at most three
    syllables, or four between longer pieces; an item at a list's end is as
    long as the one beside it, or, with none such, the whole piece when it has
    at most three syllables, else the two syllables next to the comma (most
    words are two syllables): "theo dõi, giám sát,
    đánh giá trên …" is one list of three, "nghiên cứu khoa học, phát triển
    công nghệ, đổi mới sáng tạo trên …" one of three four-syllable items,
    "… thủ tục hành chính, dịch vụ công" one of "hành chính" and "dịch vụ công"."""
    pieces: list[list[int]] = [[]]
    for t in tokens:
        if t == ",":
            pieces.append([])
        else:
            pieces[-1].append(sum(len(p) for p in pieces))
    whole = [  # the middle items
        0 < n < len(pieces) - 1 and (0 < len(p) <= 3 or len(p) == 4 and len(pieces[n - 1]) > 3 < len(pieces[n + 1]))
        for n, p in enumerate(pieces)
    ]

    def length(n: int, beside: int) -> int:
        piece = pieces[n]
        if whole[n]:
            return len(piece)
        if whole[beside]:
            return min(len(pieces[beside]), len(piece))
        return len(piece) if len(piece) <= 3 else 2

    lists: list[list[tuple[int, ...]]] = []
    for n in range(len(pieces) - 1):
        left, right = pieces[n], pieces[n + 1]
        if not left or not right:
            continue
        pair = [tuple(left[-length(n, n + 1) :]), tuple(right[: length(n + 1, n)])]
        if lists and set(pair[0]) & {j for item in lists[-1] for j in item}:
            lists[-1].append(pair[1])  # "A, B, C": B ends one pair and starts the next
        else:
            lists.append(pair)
    return lists


def _found(word: str, within: dict[str, tuple[str, ...]], vocab: frozenset[str]) -> bool:
    """`word` is among the words indexed by `within`, or a misspelling of one:
    equal without diacritics, unless both are words of the catalog ("chuyên"
    is not "chuyển")."""
    alike = within.get(_plain(word), ())
    return word in alike or any(not (word in vocab and w in vocab) for w in alike)


_JOINTS = frozenset((",", "và", fold("với")))


def _breaks(run: tuple[str, ...], form: tuple[str, ...]) -> frozenset[int]:
    """Places of the form's words either side of a joint of its running text
    — "và", "với" or a comma ("mã độc và chia sẻ thông tin với trung tâm"):
    a clause of three words or more joined there is no neighbour for
    `_substituted` to see another word beside (the text may stop before it
    or go on otherwise); a shorter item is (not "người dân biết sử dụng" for
    "người dân và doanh nghiệp")."""
    joints, r = [], 0
    for j, w in enumerate(form):
        start = r
        while r < len(run) and run[r] != w:
            r += 1
        if r == len(run):
            break
        if j and _JOINTS & set(run[start:r]):
            joints.append(j)
        r += 1
    ends = [*joints[1:], len(form)]
    return frozenset(p for j, end in zip(joints, ends) if end - j >= 3 for p in (j - 1, j))


def _substituted(
    name: tuple[str, ...],
    name_index: dict[str, tuple[str, ...]],
    mine: tuple[str, ...],
    index: dict[str, tuple[str, ...]],
    vocab: frozenset[str],
    pairs: frozenset[tuple[str, str]],
    excused: frozenset[int] = frozenset(),
) -> bool:
    """The text has another word where the name has one it lacks, next to the
    same neighbour ("trực tiếp" for "trực tuyến", "5 năm" for "hằng năm", "địa
    chỉ thường trú" for "địa chỉ số"): it states another indicator. Level words
    ("công chức xã" for "công chức, viên chức"; "Đài truyền thanh cơ sở" for
    "Đài truyền thanh xã": the level is the plan's) are no such swap, nor is a
    neighbour that the text also has next to a word of the name (it merely
    leaves the word out there: "triển khai kiến trúc" for "triển khai tuân thủ
    kiến trúc", whatever follows another "kiến trúc" later on), nor a word the
    catalog's names use in its place ("giải quyết TTHC" for "thực hiện TTHC",
    "sử dụng dịch vụ số" for "tiếp cận dịch vụ số": a two-syllable word of the
    catalog's own vocabulary, where "trực tiếp", "thường trú", "nâng cao" are none)."""
    for i, word in enumerate(name):
        if i in excused or _is_level(name, i) or _found(word, index, vocab):
            continue
        for step in (-1, 1):  # the neighbour before, then after
            if not 0 <= i + step < len(name):
                continue
            slots = [  # the missing word's places in the text
                j - step for j, other in enumerate(mine) if other == name[i + step] and 0 <= j - step < len(mine)
            ]
            if slots and all(
                mine[j] not in _LEVEL_WORDS
                and not _found(mine[j], name_index, vocab)
                and _pair(mine, j, -step) not in pairs  # the word standing there, read away from the neighbour
                for j in slots
            ):
                return True
    return False


def _narrower(
    run: tuple[str, ...],
    form_run: tuple[str, ...],
    said: set[str],
    whole: tuple[str, ...],
    vocab: frozenset[str],
    pairs: frozenset[tuple[str, str]],
) -> bool:
    """The text measures less than, or other than, the form it otherwise
    states: it has a qualifier more often than the form ("… xử lý trực tuyến
    một phần", "… chưa có chữ ký số"); a scope ("tại", "của", "trong",
    "thuộc", "trên" …) the indicator's wordings do not have ("… không dùng
    tiền mặt tại bệnh viện", "… trên tổng số cán bộ"; not "… tại ngân hàng" of
    a name that has it, nor "của xã", "trong năm 2026"); or a narrower group
    of the people it counts ("giáo viên mầm non …")."""
    return _qualified(run, form_run) or _scoped(run, said, pairs, vocab) or _inserted(run, whole, vocab)


def _qualified(run: tuple[str, ...], form_run: tuple[str, ...], qualifiers=_QUALIFIERS) -> bool:
    return any(_count(run, q) > _count(form_run, q) for q in qualifiers)


def _scoped(run: tuple[str, ...], said: set[str], pairs: frozenset[tuple[str, str]], vocab: frozenset[str]) -> bool:
    """A scope's first two words, past the plan's own level, body or time,
    are not among the indicator's (`said`): a denominator ("trên tổng số …")
    must be; a place, group or field may instead be two syllables the
    catalog's wordings join ("trong công việc", "trong sản xuất kinh doanh"),
    a platform ("trên Cổng dịch vụ công") begin with a word of the catalog."""
    for j, w in enumerate(run):
        if w not in _SCOPE:
            continue
        head: list[str] = []
        for v in run[j + 1 :]:
            if v in _SCOPE_END or len(head) == 2:
                break
            if v not in _SCOPE_SKIP and v not in _SCOPE_FREE:
                head.append(v)
        if not head or all(_plain(v) in said for v in head):
            continue
        total = w == _ON and j + 1 < len(run) and run[j + 1] == _TOTAL
        if total or tuple(head) not in pairs and (w != _ON or head[0] not in vocab):
            return True
    return False


def _inserted(run: tuple[str, ...], whole: tuple[str, ...], vocab: frozenset[str]) -> bool:
    """The text puts a word the catalog never uses after the group of people
    the form counts or divides by (`_whole`: "giáo viên mầm non được tập huấn
    …", "người dân tộc thiểu số có …", "dân số nông thôn được phủ sóng 5G"):
    a narrower group; a foreign gloss there (`_native`) is none."""
    for group in {whole[:2], whole[-2:]} & _PEOPLE:
        if _inserted_after(run, group, whole, vocab):
            return True
    return False


def _inserted_after(run: tuple[str, ...], group: tuple[str, ...], form: tuple[str, ...], vocab: frozenset[str]) -> bool:
    for j in range(len(run) - 2):
        if run[j : j + 2] == group:
            inserted = []
            for v in run[j + 2 :]:
                if v in _COMMON or v in form or v == ",":
                    break
                inserted.append(v)
            if any(v not in _LEVEL_WORDS for v in _native(tuple(inserted), vocab) if v not in vocab):
                return True
    return False


def _count(ws: tuple[str, ...], phrase: tuple[str, ...]) -> int:
    return sum(ws[j : j + len(phrase)] == phrase for j in range(len(ws)))


def _is_level(ws: tuple[str, ...], i: int) -> bool:
    """ws[i] names a level: "xã", "huyện", "tỉnh", or "cấp" before one ("cấp
    xã"; the "cấp" of "được cấp kết quả" is a verb)."""
    return ws[i] in _LEVEL_WORDS - {"cấp"} or ws[i] == "cấp" and i + 1 < len(ws) and ws[i + 1] in _LEVEL_WORDS


def _pair(ws: tuple[str, ...], at: int, step: int) -> tuple[str, str] | None:
    """The two syllables from `at` on in the direction `step`, in reading order."""
    if not 0 <= at + step < len(ws):
        return None
    return (ws[at], ws[at + step]) if step > 0 else (ws[at + step], ws[at])


_plain = lru_cache(maxsize=65536)(strip_accents)


def _tech(ws: tuple[str, ...]) -> set[str]:
    return {w for w in ws if _TECH.match(w)}
