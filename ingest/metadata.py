"""Plan metadata (commune, plan number, issue date, year) from title lines."""
from __future__ import annotations

import re
from datetime import date

from chitieu.normalize.text import clean

from .model import PlanMeta

_ATTACHED = re.compile(r"kèm\s+theo.*?(?:\)|$)", re.I | re.S)
_NUMBER = re.compile(r"(?:kế\s+hoạch\s+số|\bsố\s*:)\s*:?\s*(?P<no>\d+\s*[-/]\s*[^\s,;)]+|\d+)", re.I)
_DATE = re.compile(
    r"\bngày\s*(?P<d>\d{1,2})?\s*(?:/|-|\btháng\b)\s*(?P<m>\d{1,2})?\s*(?:/|-|\bnăm\b)\s*(?P<y>(?:19|20)\d\d)", re.I)
_YEAR = re.compile(r"\bnăm\s+((?:19|20)\d\d)\b", re.I)
_ANY_YEAR = re.compile(r"\b(20\d\d)\b")
_PLACE = re.compile(r"\b(?:xã|phường|thị\s+trấn)\b\s*", re.I)
_WORD = re.compile(r"[^\W\d_]+")


def _commune(text: str) -> str | None:
    """Proper name after the last "xã/phường/thị trấn" that has one."""
    found = None
    for m in _PLACE.finditer(text):
        rest = text[m.end():].split("\n", 1)[0]
        words: list[str] = []
        for w in re.finditer(r"\S+", rest):
            token = w.group(0)
            bare = token.rstrip(",;.:)")
            if not bare or not _WORD.fullmatch(bare) or len(words) >= 4:
                break
            ends = bare != token or w.end() == len(rest)
            if not (bare[0].isupper() or (words and ends)):
                break
            words.append(bare)
            if bare != token:
                break
        if words:
            found = " ".join(w[0].upper() + w[1:].lower() for w in words)
    return found


def plan_meta(lines: list[str]) -> PlanMeta:
    """Read the "(Kèm theo Kế hoạch số … ngày … của UBND xã …)" line; without
    one, the title lines themselves."""
    text = "\n".join(clean(l) for l in lines if l and l.strip()).replace("_", " ")
    attached = _ATTACHED.search(text)
    scope = attached.group(0) if attached else text
    meta = PlanMeta()
    if m := _NUMBER.search(scope):
        meta.plan_number = re.sub(r"\s+", "", m["no"]).rstrip(".:")
    if m := _DATE.search(scope):
        meta.year = int(m["y"])
        if m["d"] and m["m"]:
            try:
                meta.issued_on = date(meta.year, int(m["m"]), int(m["d"]))
            except ValueError:
                pass
    if meta.year is None and (m := _YEAR.search(scope) or _YEAR.search(text) or _ANY_YEAR.search(scope)):
        meta.year = int(m.group(1))
    meta.commune = _commune(scope) if attached else None
    if meta.commune is None:
        meta.commune = _commune("\n".join(l for l in text.splitlines()[:12]
                                          if not re.match(r"(căn cứ|thực hiện)\b", l, re.I)))
    return meta
