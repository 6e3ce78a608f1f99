"""Deadlines: the "Thời gian hoàn thành" cell -> `Deadline`.

Kinds: recurring ("Thường xuyên", "Hằng năm", "Hàng quý", "Định kỳ"), date
("Trước 30/6/2026", "ngày 30 tháng 6 năm 2026"), quarter ("Quý IV/2026",
"Quý 3 năm 2026", "Quý I-II/2026" its last; month = the quarter's last
month), month ("Tháng 9/2026", "11/2026", "tháng 12 năm 2026", "6 tháng đầu
năm 2026" -> June) and year ("2026", "Năm 2026").

Decisions:
- A cell naming several times is a span ("Từ tháng 3/2026 đến tháng 12/2026",
  "2026 - 2030"): the deadline is the last one, the time the work must be done.
- A cell opening with a recurring word is recurring even when a date follows
  ("Hằng năm, trước 31/12/2026"), and so is a time without a year beside one
  ("Tháng 10 hằng năm", "Trước 31/12 hằng năm").
- A spreadsheet's ISO date ("2026-12-31") is a date.
- A date, month or quarter written without a year ("Trước 31/12", "Tháng 9")
  keeps year None; filling it from the plan's year is the caller's choice.
- Text that names no time (e.g. "Theo chỉ đạo của UBND tỉnh") gives None; the
  cell text itself is kept by the caller, so nothing is lost.
"""

from __future__ import annotations

import re
from datetime import date

from .model import Deadline

_RECURRING_WORDS = (
    r"thường\s+xuyên|thường\s+niên|định\s+kỳ|liên\s+tục|hằng\s+(?:năm|quý|tháng|tuần|ngày)"
    r"|hàng\s+(?:năm|quý|tháng|tuần|ngày)"
)
_RECURRING_FIRST = re.compile(rf"\W*(?:{_RECURRING_WORDS})(?!\w)", re.IGNORECASE)
_RECURRING = re.compile(rf"(?<!\w)(?:{_RECURRING_WORDS})(?!\w)", re.IGNORECASE)

_YEAR = r"(?:19|20)\d{2}"
_SEP = r"\s*(?:/|-|\.|,|năm)\s*"  # "9/2026", "9 năm 2026", "IV-2026"
# One alternative per kind; at one position the more specific comes first.
_WHEN = re.compile(
    rf"""
    (?<![\d/])(?P<iy>{_YEAR})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})(?![\d/])
  | (?<![\d/])(?P<d>\d{{1,2}})\s*[/.-]\s*(?P<dm>\d{{1,2}})\s*[/.-]\s*(?P<dy>{_YEAR})(?!\d)
  | (?:ngày\s+)?(?<!\d)(?P<d2>\d{{1,2}})\s+tháng\s+(?P<dm2>\d{{1,2}})\s+năm\s+(?P<dy2>{_YEAR})(?!\d)
  | (?<!\w)quý\s*(?P<q>IV|I{{1,3}}|[1-4])(?![\w])(?:\s*(?:-|–|,|và|đến)\s*(?P<q2>IV|I{{1,3}}|[1-4])(?![\w]))?
    (?:{_SEP}(?P<qy>{_YEAR})(?!\d))?
  | (?<!\d)(?P<h>\d{{1,2}})\s+tháng\s+(?P<hw>đầu|cuối)\s+năm(?:\s+(?P<hy>{_YEAR})(?!\d))?
  | (?<!\w)tháng\s*(?P<m>\d{{1,2}})(?!\d)(?:{_SEP}(?P<my>{_YEAR})(?!\d))?
  | (?<![\d/.])(?P<m2>\d{{1,2}})\s*/\s*(?P<my2>{_YEAR})(?!\d)
  | (?<![\d/.])(?P<d3>\d{{1,2}})\s*/\s*(?P<dm3>\d{{1,2}})(?![\d/])
  | (?<![\d/.])(?P<y>{_YEAR})(?![\d/])
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def parse_deadline(text: str) -> Deadline | None:
    """The deadline a cell states, or None when it is blank or names no time."""
    raw = " ".join((text or "").split())
    if not raw:
        return None
    if _RECURRING_FIRST.match(raw):
        return Deadline(raw=raw, kind="recurring")
    found = None
    for m in _WHEN.finditer(raw):
        found = _deadline(raw, m) or found
    if found and (found.year is not None or not _RECURRING.search(raw)):
        return found
    # "Tháng 10 hằng năm", "Trước 31/12 hằng năm": a time of every year
    return Deadline(raw=raw, kind="recurring") if _RECURRING.search(raw) else found


def _deadline(raw: str, m: re.Match) -> Deadline | None:
    """The Deadline one match names, or None when its figures are no real time."""
    g = m.groupdict()
    if g["d"] or g["d2"] or g["d3"] or g["id"]:
        if g["id"]:  # a spreadsheet's ISO date: "2026-12-31"
            year, month, day = g["iy"], g["im"], g["id"]
        elif g["d"]:
            year, month, day = g["dy"], g["dm"], g["d"]
        elif g["d2"]:
            year, month, day = g["dy2"], g["dm2"], g["d2"]
        else:  # "Trước 31/12": a date without its year
            year, month, day = None, g["dm3"], g["d3"]
        try:
            date(int(year or 2000), int(month), int(day))  # 2000 is a leap year: "29/2" passes
        except ValueError:
            return None
        return Deadline(raw=raw, kind="date", year=_int(year), month=int(month), day=int(day))
    if g["q"]:
        q = (g["q2"] or g["q"]).lower()  # "Quý I-II/2026": the span's last quarter
        quarter = _ROMAN[q] if q in _ROMAN else int(q)
        return Deadline(raw=raw, kind="quarter", year=_int(g["qy"]), month=quarter * 3, quarter=quarter)
    if g["h"]:  # "6 tháng đầu năm" ends in June, "6 tháng cuối năm" in December
        months = int(g["h"])
        if not 1 <= months <= 12:
            return None
        month = months if g["hw"].lower() == "đầu" else 12
        return Deadline(raw=raw, kind="month", year=_int(g["hy"]), month=month)
    if g["m"] or g["m2"]:
        month = int(g["m"] or g["m2"])
        if not 1 <= month <= 12:
            return None
        return Deadline(raw=raw, kind="month", year=_int(g["my"] or g["my2"]), month=month)
    return Deadline(raw=raw, kind="year", year=int(g["y"]))


def _int(text: str | None) -> int | None:
    return int(text) if text else None
