"""Targets: the target cell (joined with the "Đơn vị tính" cell) or, when a row
has none, the figures written in the indicator text -> `Target`s.

A figure is read as a target only when something says it is one:
- a percentage ("95%") always is; the words before it give the operator;
- a count of a noun ("10 lần", "08 người") needs a lead word before it
  ("≥", "đạt", "tối thiểu", "từ", "Có", …), except at the very start of a
  target cell ("10 nghiệp vụ"), where being in that cell is the signal;
- a bare number needs an operator ("đạt 0,65") or the start of a target cell.
Everything else a plan writes with digits is refused: speeds and network
generations ("1 Gb/s", "5G"), ages ("15 tuổi"), spans of time ("12 tháng",
"5 năm"), years, dates and document numbers ("10/10/2026", "06/CP",
"57-NQ/TW"), levels ("cấp độ 3", "mức độ 3, 4") and the "1 lần" of "1 tuần/1 lần".

Decisions where the documents are ambiguous:
- "Có N <noun>" ("Có 1 trường phổ thông …") is `= N`, unit the counted noun
  ("trường"): "Có" only says the row has a count, not that it is a minimum.
- A unit cell that is not a unit ("Đảm bảo", "Đạt", "Số lượng") adds nothing:
  "Đảm bảo" + "100" is `= 100` with unit None — a guessed "%" would be invented.
- In a rate indicator ("Tỷ lệ …") only a percentage can be the target; a count
  in its text defines what is counted ("… có ít nhất 01 tài khoản …").
- "trên N vạn/nghìn dân" anywhere after a count is its denominator (`per`),
  not a "> N" target ("Có từ 08 người … trên 01 vạn dân").
- When several targets are read, each `raw` is the span it was read from;
  the first is the target, the rest are `more_targets`.
- A range ("40 - 50", "3–5", "từ 3 đến 5 lớp", "20% - 50%") is `between`
  (value, value_max) when it opens a target cell, carries a "%", or is a
  "từ … đến …" with what it counts; a descending pair or two years
  ("2026 - 2030") is no range.
- A unit column names the unit: "% GDP", "% dân số" are "%" per "GDP" /
  "dân số"; "Số doanh nghiệp/1000 dân" is "doanh nghiệp" per "1000 dân";
  "Thứ bậc", "Hạng", "Xếp hạng" mark a rank (`rank`: a smaller value is better,
  the operator kept as printed). The unit column beats a word after the
  number, and capitalised words after it are a name, not a unit
  ("≤ 3 Đông Nam Á").
- Spreadsheet fractions: a cell "0,95" / "0.85" (a value below 1 with two or
  more decimals and no "%" sign) under a "%" unit column is 95 / 85 — how a
  spreadsheet writes a percentage-formatted cell; "0,5" stays 0.5.
- Several targets in a cell keep their scope words: "100% giáo viên và ≥ 65%
  học sinh" gives qualifiers "giáo viên" and "học sinh".
- A target cell reading "Đạt", "Có" or "Hoàn thành" is boolean true; a cell of
  dashes or dots ("-", "…") is no target, and then the text is not read either:
  the table says there is none. Any other cell without a readable figure is
  kept whole as kind "text".
"""

from __future__ import annotations

import re

from .model import Target
from .text import fold

_NUM = r"\d+(?:[.,]\d+)*"
_MULTIPLIER = r"(?:vạn|nghìn|ngàn|triệu|trăm)"

# Lead words, tried as "the words right before the number": (pattern, op, kind).
# Within one entry the longer phrase comes first ("đạt tối thiểu" before "đạt").
# kind "op" is a bound; "rank" ("Top 10") is one only in a target cell (in the
# text "top 3" is an aspiration, not a target); "weak" is a bound too, but alone before a bare number it
# is more often a time span ("từ 2026"); "count" ("Có 1 trường") only says a
# count follows: it is "=" and is left out of `raw`.
_LEADS = (
    (r"≥|⩾|≧|>=|=>", ">=", "op"),
    (r"≤|⩽|≦|<=|=<", "<=", "op"),
    (r">", ">", "op"),
    (r"<", "<", "op"),
    (r"=", "=", "op"),
    (r"khoảng|xấp\s+xỉ|~|≈", "=", "weak"),  # "Khoảng 20": about, read as the figure
    (r"đạt\s+tối\s+thiểu|tối\s+thiểu|ít\s+nhất|không\s+(?:dưới|thấp\s+hơn|ít\s+hơn)|đạt\s+từ|đạt", ">=", "op"),
    (r"đạt\s+trên|cao\s+hơn|nhiều\s+hơn|trên|hơn|vượt", ">", "op"),
    (r"tối\s+đa|nhiều\s+nhất|không\s+(?:vượt\s+quá|quá|vượt|cao\s+hơn)", "<=", "op"),
    (r"thấp\s+hơn|ít\s+hơn|dưới", "<", "op"),
    (r"từ", ">=", "weak"),
    (r"top|nằm\s+trong\s+top|trong\s+nhóm", "<=", "rank"),
    (r"có", "=", "count"),
)
LEAD_WORDS = "|".join(p for p, _, _ in _LEADS)  # also stripped from indicator text (normalize.indicators)
_LEAD = re.compile(
    r"(?<!\w)(?:" + "|".join(f"(?P<l{i}>{p})" for i, (p, _, _) in enumerate(_LEADS)) + r")"
    r"(?:\s+(?:tỷ\s+lệ|tỉ\s+lệ|mức|là|khoảng))?\s*$",  # "đạt tỷ lệ 60%", "đạt mức 95%"
    re.IGNORECASE,
)

# Words right before a number that make it a name, not a quantity:
# "cấp độ 3", "mức độ 4", "Đề án 06", "Văn bản số 1145", "năm 2027", "lần thứ 4".
_NAMING = re.compile(
    r"(?<!\w)(?:cấp\s+độ|mức\s+độ|cấp|mức|độ|loại|hạng|nhóm|giai\s+đoạn|phiên\s+bản|thứ|khóa|khoá"
    r"|điều|khoản|chương|mục|phụ\s+lục|bước|số|năm|tháng|ngày|quý|tuần|đề\s+án|quyết\s+định"
    r"|nghị\s+quyết|nghị\s+định|thông\s+tư|chỉ\s+thị|công\s+văn|kế\s+hoạch|văn\s+bản|version)\s*$",
    re.IGNORECASE,
)

# Counted nouns of more than one syllable; any other noun is its first syllable
# ("08 người thực hiện" -> "người", "1 trường phổ thông" -> "trường").
_NOUNS = sorted(
    (
        "nhiệm vụ",
        "nghiệp vụ",
        "doanh nghiệp",
        "hệ thống",
        "sản phẩm",
        "mô hình",
        "hội nghị",
        "tài khoản",
        "thủ tục",
        "dịch vụ",
        "hồ sơ",
        "văn bản",
        "cơ quan",
        "đơn vị",
        "cơ sở",
        "lớp học",
        "học sinh",
        "giáo viên",
        "cán bộ",
        "người dân",
        "hộ gia đình",
        "hộ dân",
        "câu lạc bộ",
        "tin bài",
        "bài viết",
        "chuyên mục",
        "ứng dụng",
        "nền tảng",
        "phần mềm",
        "thiết bị",
        "máy tính",
        "máy trạm",
        "điểm truy cập",
        "sáng kiến",
        "đề tài",
        "dự án",
        "công trình",
        "bộ phận",
        "cơ sở dữ liệu",
        "triệu đồng",
        "tỷ đồng",
        "nghìn đồng",
        "lượt truy cập",
        "tổ công nghệ số",
    ),
    key=len,
    reverse=True,
)
_NOUN = r"(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in _NOUNS) + r")(?!\w)|[^\W\d_]+"

# A number followed by one of these is not a target at all: ages qualify a
# population, speeds and "5G" name a technology, a bare multiplier hides the value.
_REFUSED_UNITS = frozenset(
    (
        "tuổi",
        "g",
        "gb",
        "gbps",
        "mb",
        "mbps",
        "kb",
        "kbps",
        "tb",
        "ghz",
        "mhz",
        "vạn",
        "nghìn",
        "ngàn",
        "trăm",
        "triệu",
        "tỷ",
    )
)
# In the indicator text a number of inhabitants describes the commune ("xã có 12.345 dân").
_POPULATION = frozenset(("dân", "nhân khẩu", "dân số", "khẩu"))
# A span of time is a target only after a real operator ("không quá 3 ngày");
# otherwise it is a period ("sau 12 tháng", "Kế hoạch 5 năm", "1 tuần/1 lần").
_TIME_UNITS = frozenset(("năm", "tháng", "quý", "tuần", "ngày", "giờ", "phút", "giây"))
# Words that follow a number without being what it counts.
_STOP_WORDS = frozenset(
    (
        "và",
        "hoặc",
        "đến",
        "tới",
        "trở",
        "trên",
        "dưới",
        "của",
        "cho",
        "với",
        "là",
        "được",
        "trong",
        "tại",
        "theo",
        "so",
        "khi",
        "để",
        "từ",
        "các",
        "những",
        "mỗi",
        "hằng",
        "hàng",
        "sau",
        "trước",
        "về",
        "đã",
        "sẽ",
        "đạt",
        "có",
        "thì",
        "nhưng",
        "nếu",
        "vào",
        "ra",
        "lên",
        "xuống",
        "như",
    )
)

_NUMBER = re.compile(_NUM)
# "60 - 80%", "từ 60% đến 80%", "40 - 50", "từ 3 đến 5 lớp": an interval.
_RANGE = re.compile(
    rf"(?P<from>(?<!\w)từ\s+)?(?<![\w/.,\-–])(?P<lo>{_NUM})\s*(?P<p1>%)?\s*(?:-|–|—|đến|tới)\s*"
    rf"(?P<hi>{_NUM})(?![\w/.,]\d)\s*(?P<p2>%)?",
    re.IGNORECASE,
)
_RANK_UNITS = frozenset(("thứ bậc", "thứ hạng", "hạng", "xếp hạng", "bậc", "vị trí", "thứ"))
_CAPITALISED_NAME = re.compile(r"\s+[A-ZĐÀ-Ỹ][^\W\d_]*\s+[A-ZĐÀ-Ỹ]")
_SCOPE = re.compile(r"\s+(?P<scope>(?:(?!và\b|hoặc\b)[^\W\d_]+\s*){1,4})(?=$|[;,.]|\s+(?:và|hoặc)\b)", re.IGNORECASE)
_UNIT = re.compile(rf"\s*(?P<pct>%|phần\s+trăm)|\s+(?P<noun>{_NOUN})", re.IGNORECASE)
_PER_WORD = (
    rf"(?:(?:{_NUM}\s*)?(?:{_MULTIPLIER}\s+)?(?:người\s+dân|dân|người|hộ)"
    r"|năm|tháng|quý|tuần|ngày|xã|thôn|trường|lớp|đơn\s+vị|doanh\s+nghiệp)(?!\w)"
)
# "%/năm", "01 lần mỗi năm"
_PER = re.compile(rf"(?:\s*/\s*|\s+(?:mỗi|hằng|hàng)\s+)(?P<per>{_PER_WORD})", re.IGNORECASE)
# "… trên 01 vạn dân", "… trên 1.000 dân" anywhere after a count: a denominator.
_PER_POPULATION = re.compile(
    rf"(?<!\w)(?:trên|mỗi)\s+(?P<per>(?:{_NUM}\s*)?{_MULTIPLIER}\s+(?:người\s+dân|dân|hộ)|{_NUM}\s+(?:dân|dân\s+số))(?!\w)",
    re.IGNORECASE,
)
_PRODUCT = re.compile(r"\s+(?P<per>GR?DP)(?!\w)")
_ONWARD = re.compile(r"\s+trở\s+(?P<dir>lên|xuống)(?!\w)", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s*\((?P<q>[^()]*)\)")
_GLUE_BEFORE = re.compile(r"[\w/.,\-–]")
_GLUE_AFTER = re.compile(r"[\w/\-–]")
_RATE_WORDS = re.compile(r"[()\[\]]|(?<!\w)(?:(?:tỷ|tỉ)\s+lệ|phần\s+trăm)(?!\w)", re.IGNORECASE)  # "Tỷ lệ (%)"
_RATE = re.compile(r"(?:tỷ|tỉ)\s+lệ(?!\w)", re.IGNORECASE)

_PLACEHOLDERS = frozenset(("-", "--", "—", "–", "…", "..."))
_BOOLEAN_TRUE = frozenset(("đạt", "có", "hoàn thành"))
_NOT_UNITS = frozenset(("đạt", "có", "hoàn thành", "đảm bảo", "bảo đảm", "số lượng", "tỷ lệ", "tỉ lệ", "chỉ tiêu"))


def parse_target(target_cell: str, unit_cell: str, indicator_text: str) -> tuple[Target | None, list[Target]]:
    """(target, more_targets) of one row. The target cell wins; with no target
    cell the indicator text is read. A placeholder cell ("-") means no target."""
    cell = (target_cell or "").strip()
    if cell:
        return _from_cell(cell, (unit_cell or "").strip())
    text = (indicator_text or "").strip()
    targets = _scan(text, cell=False, counts=not _RATE.match(text))
    return (targets[0], targets[1:]) if targets else (None, [])


def _from_cell(cell: str, unit_cell: str) -> tuple[Target | None, list[Target]]:
    key = fold(cell)
    if key in _PLACEHOLDERS:
        return None, []
    if key in _BOOLEAN_TRUE:
        return Target(raw=cell, kind="boolean", boolean=True), []
    targets = _scan(cell, cell=True, counts=True)
    if not targets:
        # A requirement in words (a Min-Max scoring rule, "Đáp ứng các tiêu chí …").
        return Target(raw=cell, kind="text"), []
    unit, per = _unit_column(unit_cell)
    rank = unit is not None and unit in _RANK_UNITS
    for t in targets:
        if unit and t.unit != "%":  # the unit column beats a word after the number
            t.unit, t.per, t.rank = unit, t.per or per, rank
        elif unit == "%":
            t.per = t.per or per
        if unit == "%" and "%" not in cell and t.value is not None and t.value < 1 and _decimals(t.raw) >= 2:
            t.value = round(t.value * 100, 6)  # a spreadsheet's percentage cell: 0,95 -> 95
            t.value_max = t.value_max and round(t.value_max * 100, 6)
    if len(targets) > 1:
        _scopes(cell, targets)
    return targets[0], targets[1:]


def _decimals(raw: str) -> int:
    m = re.search(r"[.,](\d+)\s*$", raw)
    return len(m.group(1)) if m else 0


def _scopes(cell: str, targets: list[Target]) -> None:
    """Each of several targets keeps the words that say what it is about
    ("100% giáo viên và ≥ 65% học sinh")."""
    at = 0
    for t in targets:
        start = cell.find(t.raw, at)
        if start < 0:
            continue
        at = start + len(t.raw)
        scope = _SCOPE.match(cell, at)
        if scope and not t.qualifier and fold(scope["scope"].split()[0]) not in _STOP_WORDS:
            t.qualifier = _spaced(scope["scope"])
            t.raw = cell[start : scope.end()].strip()
            at = scope.end()


def _unit_column(unit_cell: str) -> tuple[str | None, str | None]:
    """("%", "năm") from "%/năm", ("%", "GDP") from "% GDP", ("%", None) from
    "Tỷ lệ (%)", ("doanh nghiệp", "1000 dân") from "Số doanh nghiệp/1000 dân",
    ("lượt", "người/năm") from "Lượt/người/năm"; (None, None) for words that
    are not units."""
    if not unit_cell or fold(unit_cell) in _NOT_UNITS or fold(unit_cell) in _PLACEHOLDERS:
        return None, None
    per = _PER.search(unit_cell) or re.search(r"\s*/\s*(?P<per>[^/]+)$", unit_cell)
    per_text = per and re.sub(r"\s*/\s*", "/", _spaced(per.group("per") + unit_cell[per.end() :]))
    if "%" in unit_cell:
        rest = "" if per else _spaced(_RATE_WORDS.sub(" ", unit_cell.replace("%", " ", 1)))
        return "%", per_text or rest or None
    head = unit_cell[: per.start()] if per else unit_cell
    head = re.sub(r"^(?:số|số\s+lượng)\s+", "", head.strip(), flags=re.IGNORECASE) or head
    return _noun(head), per_text


def _scan(text: str, cell: bool, counts: bool) -> list[Target]:
    """Every target written in `text`, in reading order."""
    found: list[tuple[int, int, Target]] = []  # (start, end, target)
    taken: list[tuple[int, int]] = []
    pers = list(_PER_POPULATION.finditer(text))
    taken += [m.span() for m in pers]
    for m in _RANGE.finditer(text):
        hit = _range(text, m, cell)
        if hit:
            found.append(hit)
            taken.append(hit[:2])
    for m in _NUMBER.finditer(text):
        start, end = m.span()
        if any(a <= start < b for a, b in taken):
            continue
        hit = _read(text, m, cell, counts)
        if hit:
            found.append(hit)
    found.sort(key=lambda f: f[0])
    for p in pers:  # a population denominator belongs to the count before it
        before = [f for f in found if f[1] <= p.start() and f[2].per is None and f[2].unit != "%"]
        if before:
            start, _, t = before[-1]
            t.per, t.raw = _spaced(p.group("per")), text[start : p.end()].strip()
    return [t for _, _, t in found]


def _range(text: str, m: re.Match, cell: bool) -> tuple[int, int, Target] | None:
    """The interval `m` as a `between` target, or None when it is not one."""
    lo, hi = _value(m["lo"]), _value(m["hi"])
    if lo is None or hi is None or lo >= hi or (_is_year(m["lo"]) and _is_year(m["hi"])):
        return None  # "2026 - 2030" is a period, "5 - 3" no interval
    end, unit = (m.end() if m["p2"] else m.end("hi")), None
    if m["p1"] or m["p2"]:
        unit = "%"
    else:
        u = _UNIT.match(text, end)
        word = u and u["noun"] and _noun(u["noun"])
        if word and word not in _STOP_WORDS and word not in _REFUSED_UNITS and word not in _TIME_UNITS:
            unit, end = word, u.end()
        opens_cell = cell and not text[: m.start()].strip(" :")
        if not (opens_cell or (m["from"] and unit)):
            return None
    p = _per(text, end, unit)
    per, end = (_spaced(p["per"]), p.end()) if p else (None, end)
    target = Target(
        raw=text[m.start() : end].strip(), kind="numeric", op="between", value=lo, value_max=hi, unit=unit, per=per
    )
    return m.start(), end, target


def _per(text: str, pos: int, unit: str | None) -> re.Match | None:
    """The denominator right after a figure and its unit: "/năm", "mỗi năm",
    and after a "%" the product it is a share of ("20% GRDP")."""
    return _PER.match(text, pos) or (_PRODUCT.match(text, pos) if unit == "%" else None)


def _read(text: str, m: re.Match, cell: bool, counts: bool) -> tuple[int, int, Target] | None:
    """The target around the number `m`, or None when it is not one."""
    start, end = m.span()
    if _value(m.group()) is None:
        return None
    if start and _GLUE_BEFORE.match(text, start - 1):
        return None  # "Covid-19", "NQ/57", the "1" of "tuần/1 lần"
    if end < len(text) and _GLUE_AFTER.match(text, end):
        return None  # "5G", "1Gb/s", "06/CP", "10/10/2026", "57-NQ"
    lead = _LEAD.search(text, max(0, start - 30), start)
    _, op, kind = _LEADS[int(lead.lastgroup[1:])] if lead else (None, None, None)
    first = (lead.start() if lead else start) == 0
    if kind == "rank" and not cell:
        return None

    unit = per = qualifier = None
    pos = end
    u = _UNIT.match(text, pos)
    if u and u["pct"]:
        unit, pos = "%", u.end()
    else:
        if _NAMING.search(text, max(0, start - 20), start):
            return None
        word = u and not _CAPITALISED_NAME.match(text, pos) and _noun(u["noun"])
        if word and (
            word.lower() in _REFUSED_UNITS
            or word.lower() in _TIME_UNITS
            and kind != "op"
            or word.lower() in _POPULATION
            and not cell
        ):
            return None
        if not counts:
            return None  # a count in a rate indicator's text defines it
        if word and word.lower() not in _STOP_WORDS:
            if not (lead or (cell and first)):
                return None
            unit, pos = word, u.end()
        else:  # a bare number: only after a real operator or opening a target cell
            if not (kind == "op" or (cell and first)) or _is_year(m.group()):
                return None
    p = _per(text, pos, unit)
    if p:
        per, pos = _spaced(p["per"]), p.end()
    o = _ONWARD.match(text, pos)
    if o:
        pos = o.end()
        if op in (None, "="):
            op = ">=" if o["dir"].lower() == "lên" else "<="
    q = _QUALIFIER.match(text, pos)
    if q and q["q"].strip():
        qualifier, pos = _spaced(q["q"]), q.end()
    begin = lead.start() if lead and kind != "count" else start
    target = Target(
        raw=text[begin:pos].strip(),
        kind="numeric",
        op=op or "=",
        value=_value(m.group()),
        unit=unit,
        per=per,
        qualifier=qualifier,
    )
    return begin, pos, target


def _value(number: str) -> float | None:
    """'3,5' -> 3.5, '0,25' -> 0.25, '1.000' -> 1000, '1.000,5' -> 1000.5; None
    for a number of more digits than a float holds exactly (15): no plan's
    figure, and one that would be stored rounded or as infinity."""
    if sum(c.isdigit() for c in number) > 15:
        return None
    if "," in number and "." in number:
        return float(number.replace(".", "").replace(",", "."))
    if "," in number:
        head, *rest = number.split(",")
        return float(head + "." + rest[0]) if len(rest) == 1 else float(number.replace(",", ""))
    if "." in number:
        head, *rest = number.split(".")
        if all(len(r) == 3 for r in rest) and (len(rest) > 1 or head != "0"):
            return float(number.replace(".", ""))  # Vietnamese thousands: "1.000"
    return float(number)


def _is_year(number: str) -> bool:
    return len(number) == 4 and number.isdigit() and 1900 <= int(number) <= 2100


def _noun(word: str) -> str:
    """A unit as stored: spaces collapsed, lower case unless an acronym ("DN")."""
    word = _spaced(word)
    return word if word.isupper() and len(word) > 1 else word.lower()


def _spaced(text: str) -> str:
    return " ".join(text.split())
