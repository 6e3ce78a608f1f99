"""Plan metadata (commune, plan number, issue date, year) from title lines."""

from __future__ import annotations

import re
from datetime import date

from chitieu.normalize.names import LEVEL_OF
from chitieu.normalize.text import clean

from .model import PlanMeta

_ATTACHED = re.compile(r"kèm\s+theo.*?(?:\)|$)", re.I | re.S)
_NUMBER = re.compile(r"(?:kế\s+hoạch\s+số|\bsố\s*:)\s*:?\s*(?P<no>\d+\s*[-/]\s*[^\s,;)]+|\d+)", re.I)
_DATE = re.compile(
    r"\bngày\s*(?P<d>\d{1,2})?\s*(?:/|-|\btháng\b)\s*(?P<m>\d{1,2})?\s*(?:/|-|\bnăm\b)\s*(?P<y>(?:19|20)\d\d)", re.I
)
_YEAR = re.compile(r"\bnăm\s+((?:19|20)\d\d)\b", re.I)
_ANY_YEAR = re.compile(r"\b(20\d\d)\b")
_PLACE = re.compile(r"\b(?:xã|phường|thị\s+trấn)\b\s*", re.I)
_WORD = re.compile(r"[^\W\d_]+")


def _commune(text: str) -> str | None:
    """Proper name after the last "xã/phường/thị trấn" that has one. A name
    runs on over a line break only where the line was wrapped (it is nearly as
    long as the longest line) and the next line opens with a capitalised word;
    a word in lower case is a name's last, before punctuation or a line's end
    that ends the clause (the next line not opening in lower case or a digit)."""
    found = None
    longest = max((len(l) for l in text.splitlines()), default=0)
    for m in _PLACE.finditer(text):
        first, _, after = text[m.end() :].partition("\n")
        line = first.split()
        wrapped = len(text[: m.start()].rpartition("\n")[2] + text[m.start() : m.end()] + first) >= max(
            40, 0.8 * longest
        )
        tokens = line + (after.split("\n", 1)[0].split() if wrapped else [])
        words: list[str] = []
        for k, token in enumerate(tokens):
            bare = token.rstrip(",;.:)")
            if not bare or not _WORD.fullmatch(bare) or len(words) >= 4:
                break
            if k == len(line) and not (bare[0].isupper() and bare[1:].islower() and all(w[0].isupper() for w in words)):
                break  # the next line goes on with something else
            following = tokens[k + 1][:1] if k + 1 < len(tokens) else ""
            ends = (
                bare != token
                or not following
                or (k == len(line) - 1 and not (following.islower() or following.isdigit()))
            )
            if not (bare[0].isupper() or (words and ends)):
                break
            words.append(bare)
            if bare != token:
                break
        if words:
            found = _capitalised(words)
    return found


def _capitalised(words: list[str]) -> str:
    return " ".join(w[0].upper() + w[1:].lower() for w in words)


def commune_name(text: str | None) -> str | None:
    """A commune as a person names it ("xã Đông Hòa", "XÃ ĐÔNG HÒA") the way the
    title lines are read and the export contract stores it: the proper name
    without "xã/phường/thị trấn", each word capitalised ("Đông Hòa")."""
    text = clean(text)
    place = _PLACE.match(text)
    return _capitalised((text[place.end() :] if place else text).split()) or None


def plan_number(text: str | None) -> str | None:
    """A plan number as written, without spaces or a trailing "." / ":" ("112 / KH-UBND" -> "112/KH-UBND")."""
    return re.sub(r"\s+", "", clean(text)).rstrip(".:") or None


_BODY = r"(?:ủy|uỷ)\s+ban\s+nhân\s+dân|ubnd|hội\s+đồng\s+nhân\s+dân|hđnd|đảng\s+(?:ủy|uỷ|bộ)"
_ISSUER = re.compile(
    rf"(?:^|\bcủa\s+)(?:{_BODY})\s+(thị\s+trấn|thị\s+xã|thành\s+phố|xã|phường|huyện|quận|tỉnh)\b", re.I | re.M
)
_NATIONAL = re.compile(r"\bcủa\s+(?:thủ\s+tướng\s+)?chính\s+phủ\b|^\s*chính\s+phủ\s*$|[-/](?:CP|TTg)\b", re.I | re.M)
_PARTY_SUFFIX = {"TU": "province", "HU": "district", "ĐU": "commune"}


def _level(scope: str, title: str) -> str | None:
    """Issuing level: "… của UBND xã …" / "ỦY BAN NHÂN DÂN TỈNH …" / "của Chính
    phủ" / a number like "12/KH-HU" (district party committee)."""
    for text in (scope, title):
        if m := _ISSUER.search(text):
            return LEVEL_OF[re.sub(r"\s+", " ", m.group(1).lower())]
        if _NATIONAL.search(text):
            return "national"
        if m := re.search(r"\d+\s*[-/]\s*[A-ZĐ]+\s*[-/]\s*(TU|HU|ĐU)\b", text):
            return _PARTY_SUFFIX[m.group(1)]
    return None


def plan_meta(lines: list[str]) -> PlanMeta:
    """Read the "(Kèm theo Kế hoạch số … ngày … của UBND xã …)" line; without
    one, the title lines themselves."""
    text = "\n".join(clean(l) for l in lines if l and l.strip()).replace("_", " ")
    attached = _ATTACHED.search(text)
    scope = attached.group(0) if attached else text
    meta = PlanMeta()
    if m := _NUMBER.search(scope):
        meta.plan_number = plan_number(m["no"])
    if m := _DATE.search(scope):
        meta.year = int(m["y"])
        if m["d"] and m["m"]:
            try:
                meta.issued_on = date(meta.year, int(m["m"]), int(m["d"]))
            except ValueError:
                pass
    if meta.year is None and (m := _YEAR.search(scope) or _YEAR.search(text) or _ANY_YEAR.search(scope)):
        meta.year = int(m.group(1))
    title = "\n".join(_title(text.splitlines())[:12])
    meta.level = _level(scope if attached else "", title)
    meta.commune = _commune(scope) if attached else None
    if meta.commune is None:
        meta.commune = _commune(title)
    return meta


_GROUNDS = re.compile(r"(căn cứ|thực hiện)\b", re.I)


def _title(lines: list[str]) -> list[str]:
    """The title lines without the grounds cited ("Căn cứ …;", "Thực hiện Kế
    hoạch … của UBND tỉnh …;"), whose bodies are not the issuer. A ground runs
    on over wrapped lines until one ends its clause (";", ".", ":"), a blank
    line, or the next ground."""
    kept, within = [], False
    for line in lines:
        stripped = line.strip()
        if _GROUNDS.match(stripped):
            within = True
        elif within and not stripped:
            within = False
        if not within:
            kept.append(line)
        elif stripped.endswith((";", ".", ":")):
            within = False
    return kept
