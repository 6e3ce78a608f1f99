"""What surrounds an agency's name, and the name's comparison key.

`strip_surroundings` removes what a cell writes around a name without it being
part of it: role hints ("(chủ trì)", "phối hợp:"), the proper name after a
level word ("Trạm Y tế xã Hòa Phú" -> "Trạm Y tế xã"; the document's commune
anywhere), and locative or scope tails ("… trên địa bàn xã", "… các thôn",
"… thuộc UBND xã", "… liên quan"). Regional village words are one word
("ấp", "bản", "buôn", "làng", "khu phố", "tổ dân phố" -> "thôn").

`key` is the folded, stripped text without connectors ("và", "&", "-", ","):
equal keys are the same name. Clerks' decisions are stored on it, so one
decision on "Trạm Y tế xã Hòa Phú" also settles "Trạm Y tế xã An Bình".
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from .text import clean, fold, new_tone_placement, strip_accents, unify

# Level words, longest first; "xã" before "hội" is "xã hội" (society), not a level.
LEVEL_WORDS = ("thị trấn", "thị xã", "thành phố", "xã", "phường", "huyện", "quận", "tỉnh")
LEVEL_OF = {
    "xã": "commune",
    "phường": "commune",
    "thị trấn": "commune",
    "huyện": "district",
    "quận": "district",
    "thị xã": "district",
    "tỉnh": "province",
    "thành phố": "province",
}
LEVEL_RE = re.compile(r"(?<!\w)(thị xã|thị trấn|thành phố|xã(?!\s+h[^\W\d_]i(?!\w))|phường|huyện|quận|tỉnh)(?!\w)")

_I = re.IGNORECASE
_ROLE = re.compile(
    r"\(\s*(?:chủ\s+trì|phối\s+hợp|thực\s+hiện|theo\s+dõi|hướng\s+dẫn|giám\s+sát|tham\s+mưu)"
    r"[^()]*\)?|^\s*(?:đơn\s+vị\s+)?(?:chủ\s+trì|phối\s+hợp|thực\s+hiện|theo\s+dõi|hướng\s+dẫn|"
    r"giám\s+sát)\s*(?::|-)\s*",
    _I,
)
_VILLAGE = r"(?:thôn|ấp|bản|buôn|làng|tổ\s+dân\s+phố|khu\s+phố|khu\s+dân\s+cư|xóm)"
_TAIL = re.compile(
    r"(?:[\s,]+(?:trên\s+địa\s+bàn(?:\s+(?:toàn\s+)?(?:xã|phường|thị\s+trấn|huyện|tỉnh))?|"
    r"thuộc\s+(?:(?:UBND|Ủy\s+ban\s+nhân\s+dân|HĐND|Đảng\s+ủy|Đảng\s+uỷ)\s+)?(?:xã|phường|thị\s+trấn|huyện|tỉnh)|"
    r"có\s+liên\s+quan|liên\s+quan|(?:ở|tại)\s+địa\s+phương|"
    r"(?:của|trong|tại)\s+(?:(?:UBND|Ủy\s+ban\s+nhân\s+dân)\s+)?(?:xã|phường|thị\s+trấn)|và|&|-))+\s*$",
    _I,
)
_VILLAGE_TAIL = re.compile(
    r"[\s,]+(?:của\s+|ở\s+|tại\s+)?(?:các|mỗi|từng)\s+" + _VILLAGE + r"(?:\s+(?:và|&|-))?\s*$", _I
)
_VILLAGE_WORD = re.compile(
    r"(?<!\w)(?<!văn )(?:ấp|bản|buôn|làng|tổ\s+dân\s+phố|khu\s+phố|khu\s+dân\s+cư|xóm)(?!\w)", _I
)
_VILLAGE_LIST = re.compile(r"(?<!\w)thôn(?:\s*(?:,|/|-|và|&)\s*thôn)+(?!\w)", _I)  # "các thôn, bản" = "các thôn"
_CONNECTOR_WORDS = {"và", "&", "các", "trên", "thuộc", "của", "tại", "trong", "cùng", "liên", "có", "ở", "với"}
_WORDS = re.compile(r"\S+")
_PUNCT = re.compile(r"[^\w\s(]|_")  # "(" stays a word: "UBND xã (Công chức VHXH)" is not "UBND xã và …"


_LONG_LEVELS = ("huyen",)  # "phuong" would take "phòng"


def _level_at(words: list[str], i: int) -> int:
    """Length (1 or 2 words) of the level word starting at words[i], else 0."""
    two = " ".join(words[i : i + 2]).lower()
    if two in ("thị trấn", "thị xã", "thành phố"):
        return 2
    one = words[i].lower().strip(",;.:")
    if len(one) >= 4 and any(
        strip_accents(one)[:1] == w[:1] and OSA.distance(strip_accents(one), w) == 1 for w in _LONG_LEVELS
    ):
        return 1  # "huện", "hyuện": a typo of a long level word
    if one in ("xã", "phường", "huyện", "quận", "tỉnh"):
        nxt = words[i + 1].lower() if i + 1 < len(words) else ""
        return 0 if one == "xã" and nxt.startswith("h") and nxt.rstrip(",;.:") in ("hội", "hôi", "hoi") else 1
    return 0


# Words that begin an agency's name: a place name never starts with one ("xã, Phòng Kinh tế").
_AGENCY_HEADS = {
    "phòng",
    "trạm",
    "trung",
    "ban",
    "công",
    "đảng",
    "ủy",
    "uỷ",
    "văn",
    "hội",
    "đoàn",
    "sở",
    "trường",
    "bưu",
    "ngân",
    "đài",
    "chi",
    "tổ",
    "cán",
    "bộ",
    "trưởng",
    "thôn",
}


def _is_name_word(word: str, shouting: bool) -> bool:
    """A capitalised word (an all-capitals one only in a text all in capitals)."""
    bare = word.rstrip(",;.:)")
    return (
        bool(bare)
        and bare[0].isupper()
        and bare.isalpha()
        and (shouting or len(bare) == 1 or not bare.isupper())
        and bare.lower() not in _CONNECTOR_WORDS
        and bare.lower() not in _AGENCY_HEADS
    )


def _drop_place_names(text: str, trailing: bool = False) -> str:
    """'UBND xã Xuân Sơn và Công an xã' -> 'UBND xã và Công an xã': up to four
    capitalised words after a level word; when `trailing`, also up to three
    words of any case that end the text after one ("bưu điện huyện lộc ninh")."""
    words = _WORDS.findall(text)
    shouting = text.isupper()
    out: list[str] = []
    i = 0
    while i < len(words):
        n = _level_at(words, i)
        if not n:
            out.append(words[i])
            i += 1
            continue
        out += words[i : i + n]
        i += n
        j = i
        if words[i - 1][-1:] in ",;:":  # "xã, Phòng VHXH": no name follows
            continue
        while j < len(words) and j - i < 4 and _is_name_word(words[j], shouting) and not _level_at(words, j):
            j += 1
        rest = words[i:]
        if (
            trailing
            and j == i
            and 0 < len(rest) <= 3
            and all(
                not (len(w) > 1 and w.isupper())
                and not _level_at(rest, k)
                and _is_name_word(w[:1].upper() + w[1:], True)
                for k, w in enumerate(rest)
            )
        ):
            j = len(words)
        if j > i and words[j - 1][-1:] in ",;:)" and words[j - 1][-1:] != ")":
            out[-1] += words[j - 1][-1]  # keep the comma that ended the name
        i = j
    return " ".join(out)


def _strip_tails(text: str) -> str:
    """Scope tails off the end, repeatedly; a village tail only when two words
    stay ("Trưởng các ấp" keeps its "các ấp")."""
    while True:
        shorter = _TAIL.sub("", text).strip(" .;,:")
        if shorter == text:
            village = _VILLAGE_TAIL.sub("", text).strip(" .;,:")
            shorter = village if len(re.findall(r"\w+", village)) >= 2 else text
        if shorter == text or not shorter:
            return text
        text = shorter


@lru_cache(maxsize=65536)
def strip_surroundings(text: str, commune: str | None = None) -> str:
    """The name without role hints, place names and tails; case kept, NFC,
    new tone placement, every dash '-'."""
    text = unify(text)
    text = _ROLE.sub(" ", text)
    if commune:
        name = re.sub(r"^(?:xã|phường|thị\s+trấn)\s+", "", clean(commune), flags=_I)
        if name:
            text = re.sub(rf"(?<!\w){re.escape(new_tone_placement(name))}(?!\w)", " ", text, flags=_I)
    text = _strip_tails(_drop_place_names(_VILLAGE_LIST.sub("thôn", _VILLAGE_WORD.sub("thôn", text))))
    text = _strip_tails(_drop_place_names(text, trailing=True))
    return re.sub(r"\s+", " ", text).strip()


def levels(folded: str) -> set[str]:
    """Administrative levels a folded text names ('công an tỉnh' -> {'province'})."""
    return {LEVEL_OF[m] for m in LEVEL_RE.findall(folded)}


@lru_cache(maxsize=65536)
def key(text: str, commune: str | None = None) -> str:
    """Comparison key of an agency name or mention; see the module docstring."""
    folded = fold(strip_surroundings(text, commune))
    folded = _PUNCT.sub(" ", folded.replace("&", " và ")).replace("(", " ( ")
    return " ".join(w for w in folded.split() if w != "và")
