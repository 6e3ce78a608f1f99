"""Column roles from header words, and recognising header rows.

Agency roles follow the export contract, first rule that fits wins:
"theo dõi"/"đánh giá"/"kiểm tra" -> monitor, "phối hợp" -> coordinate,
"hướng dẫn" -> guide, otherwise ("chủ trì", "thực hiện") -> lead.
Unit of measure: "Đơn vị tính", "ĐVT", "Đơn vị đo", and "Đơn vị" alone;
target: "Chỉ tiêu", "Kết quả", "Mục tiêu", "Yêu cầu", "Kế hoạch …" and a
year heading ("Năm 2026", "Chỉ tiêu năm 2026").
"""

from __future__ import annotations

import re
from itertools import groupby

from chitieu.normalize.text import fold

from .model import DEADLINE, INDICATOR, NOTES, NUMBER, TARGET, UNIT

_NUMBER_HEADER = re.compile(r"(stt|tt|số tt|số thứ tự|thứ tự|số)\.?")
_AGENCY_WORDS = (
    "cơ quan",
    "đơn vị",
    "chủ trì",
    "phối hợp",
    "hướng dẫn",
    "phụ trách",
    "bộ phận",
    "theo dõi",
    "đánh giá",
)
_MONITOR_WORDS = ("theo dõi", "đánh giá", "kiểm tra")
_DEADLINE_WORDS = ("thời gian", "thời hạn", "tiến độ", "hoàn thành", "thời điểm")
_INDICATOR_WORDS = ("nội dung", "nhiệm vụ", "thông tin chung", "mục tiêu cụ thể", "chỉ số", "tên chỉ tiêu")
_TARGET_WORDS = ("chỉ tiêu", "yêu cầu", "mục tiêu", "giá trị", "kế hoạch", "kết quả", "mức")
_UNIT_WORDS = ("đơn vị tính", "đvt", "đơn vị đo")
# The header words above, for the OCR lexicon's vocabulary (ingest.lexicon).
VOCABULARY = _AGENCY_WORDS + _MONITOR_WORDS + _DEADLINE_WORDS + _INDICATOR_WORDS + _TARGET_WORDS + _UNIT_WORDS
_GOAL = re.compile(r"\b(?:mục tiêu|chỉ tiêu|kế hoạch|yêu cầu|phấn đấu)\b")
_RESULT = re.compile(r"\b(?:kết quả|thực hiện|hiện trạng|hiện tại|ước)\b")
_UNIT_BARE = re.compile(r"(chỉ tiêu\s+)?đơn vị")  # "Đơn vị" alone heads the unit of measure
_TARGET_YEAR = re.compile(r"(chỉ tiêu|kế hoạch|mục tiêu|kết quả)?\s*(năm|đến năm|giai đoạn)\s+(19|20)\d\d\b.*")


def agency_role(folded: str) -> str:
    if any(w in folded for w in _MONITOR_WORDS):
        return "monitor"
    if "phối hợp" in folded:
        return "coordinate"
    if "hướng dẫn" in folded:
        return "guide"
    return "lead"


def header_role(text: str) -> str | None:
    """The role a header cell names, or None when it names none."""
    f = fold(text)
    if not f or len(f) > 160:
        return None
    if _NUMBER_HEADER.fullmatch(f):
        return NUMBER
    if "ghi chú" in f:
        return NOTES
    if any(w in f for w in _UNIT_WORDS) or _UNIT_BARE.fullmatch(f):
        return UNIT
    if _TARGET_YEAR.fullmatch(f):
        return TARGET
    if any(w in f for w in _AGENCY_WORDS):
        return agency_role(f)
    if any(w in f for w in _DEADLINE_WORDS):
        return DEADLINE
    if any(w in f for w in _INDICATOR_WORDS) or re.match(r"tên\b", f):
        return INDICATOR
    if any(w in f for w in _TARGET_WORDS):
        return TARGET
    return None


def is_header_row(cells: list[str]) -> bool:
    """A header names at least two roles, most of its cells name one, its
    first filled cell names the number or indicator column (a continuation
    row's agency cells may name roles too, but it starts with indicator text),
    and it names the indicator column or three roles ("số | … | đơn vị",
    the rest of a cut row, names two). Neighbouring cells of the same text
    are one group cell over several columns, written in each of them (a
    sheet saved as text: "Tổ chức thực hiện" three times)."""
    filled = [c for c, _ in groupby(cells) if c.strip()]
    if len(filled) < 2:
        return False
    roles = [header_role(c) for c in filled]
    named = sum(r is not None for r in roles)
    return (
        named >= 2
        and named * 2 >= len(filled)
        and roles[0] in (NUMBER, INDICATOR)
        and (INDICATOR in roles or named >= 3)
    )


def is_sub_header_row(cells: list[str]) -> bool:
    """Second header row under merged group headings ("Chủ trì" | "Phối hợp")."""
    filled = [c for c in cells if c.strip()]
    return bool(filled) and all(header_role(c) is not None for c in filled)


def is_column_number_row(cells: list[str]) -> bool:
    """The "(1) (2) (3) …" row printed under many headers."""
    nums = [re.sub(r"[()\s.]", "", c) for c in cells if c.strip()]
    return (
        len(nums) >= 3
        and all(n.isdigit() for n in nums)
        and [int(n) for n in nums] == list(range(int(nums[0]), int(nums[0]) + len(nums)))
    )


def assign_roles(headers: list[str]) -> list[str | None]:
    """Roles per column; the first unnamed text column after the number is the
    indicator when no header names one, and a second indicator is a target."""
    roles = [header_role(h) for h in headers]
    if INDICATOR not in roles:
        for i, r in enumerate(roles):
            if r is None and headers[i].strip():
                roles[i] = INDICATOR
                break
        else:
            if TARGET in roles:
                roles[roles.index(TARGET)] = INDICATOR
    seen = set()
    for i, r in enumerate(roles):
        if r in (NUMBER, INDICATOR, UNIT, TARGET) and r in seen:
            roles[i] = TARGET if r == INDICATOR and TARGET not in roles else None
        seen.add(roles[i])
    targets = [i for i, h in enumerate(headers) if header_role(h) == TARGET and roles[i] in (TARGET, None)]
    if len(targets) > 1:  # "Kết quả thực hiện năm 2025 | Mục tiêu năm 2026": the goal is the target
        best = max(targets, key=lambda i: _goal(headers[i]))
        roles = [TARGET if i == best else None if i in targets else r for i, r in enumerate(roles)]
    return roles


def _goal(header: str) -> int:
    """How surely a target-like header names the plan's goal: 2 a goal word
    ("Mục tiêu", "Chỉ tiêu", "Kế hoạch", "Yêu cầu"), 0 a result or baseline
    ("Kết quả thực hiện", "Ước thực hiện", "Hiện trạng"), else 1."""
    f = fold(header)
    return 2 if _GOAL.search(f) else 0 if _RESULT.search(f) else 1
