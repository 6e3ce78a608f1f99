"""Targets as plans write them, generated form by form (not collected): every
operator spelling × number spelling × unit spelling, ranges in every dash,
units from the unit column, ranks, spreadsheet numbers — in a target cell, a
target cell beside a unit column, and the indicator text. Each case has its
exact expected fields; traps (numbers that are not targets) yield none."""

from __future__ import annotations

import itertools

import pytest

from chitieu.normalize.targets import parse_target

OPS = [
    ("≥", ">="),
    (">=", ">="),
    ("đạt", ">="),
    ("tối thiểu", ">="),
    ("ít nhất", ">="),
    ("không dưới", ">="),
    ("≤", "<="),
    ("tối đa", "<="),
    ("không quá", "<="),
    (">", ">"),
    ("trên", ">"),
    ("<", "<"),
    ("dưới", "<"),
    ("khoảng", "="),
    ("~", "="),
]
NUMBERS = [("95", 95.0), ("3,5", 3.5), ("3.5", 3.5), ("70", 70.0), ("12,25", 12.25), ("02", 2.0)]
NOUNS = ["doanh nghiệp", "lớp", "người", "mô hình", "hội nghị", "thôn"]
DASHES = [" - ", "-", " – ", "–", " — ", " đến "]


def fields(t):
    return t and (t.op, t.value, t.value_max, t.unit, t.per, t.rank)


PCT_CELLS = [(f"{w} {n}%", (op, v, None, "%", None, False)) for (w, op), (n, v) in itertools.product(OPS, NUMBERS)]
COUNT_CELLS = [
    (f"{w} {n} {noun}", (op, v, None, noun, None, False))
    for (w, op), (n, v), noun in itertools.product(OPS[::3], NUMBERS[::2], NOUNS)
]
RANGES = [
    (f"{lo}{d}{hi}{pct}", ("between", float(lo), float(hi), "%" if pct else None, None, False))
    for lo, hi in ((40, 50), (3, 5), (60, 70), (85, 95))
    for d in DASHES
    for pct in ("", "%")
]
RANGES += [
    (f"Từ {lo}% đến {hi}%", ("between", float(lo), float(hi), "%", None, False)) for lo, hi in ((20, 50), (60, 70))
]
RANGES += [
    (f"từ {lo} đến {hi} {noun}", ("between", float(lo), float(hi), noun, None, False))
    for lo, hi in ((3, 5), (10, 20))
    for noun in NOUNS
]


@pytest.mark.parametrize("cell,expected", PCT_CELLS + COUNT_CELLS + RANGES, ids=lambda c: str(c))
def test_target_cell(cell, expected):
    assert fields(parse_target(cell, "", "")[0]) == expected


UNIT_COLUMNS = [
    ("%", ("%", None)),
    ("% GDP", ("%", "GDP")),
    ("% dân số", ("%", "dân số")),
    ("Người/vạn dân", ("người", "vạn dân")),
    ("Số doanh nghiệp/1000 dân", ("doanh nghiệp", "1000 dân")),
    ("%/năm", ("%", "năm")),
    ("Tỷ lệ (%)", ("%", None)),
    ("Tỷ lệ %", ("%", None)),
    ("(%)", ("%", None)),
    ("Lượt/người/năm", ("lượt", "người/năm")),
    ("lượt/năm", ("lượt", "năm")),
    ("Doanh nghiệp", ("doanh nghiệp", None)),
    ("Tổ chức", ("tổ chức", None)),
    ("Sàn dữ liệu", ("sàn dữ liệu", None)),
    ("DN", ("DN", None)),
]


@pytest.mark.parametrize("unit_cell,unit", UNIT_COLUMNS, ids=lambda c: str(c))
@pytest.mark.parametrize(
    "cell,op,value",
    [("≥ 70", ">=", 70.0), ("70", "=", 70.0), ("≤ 3", "<=", 3.0), ("3,5", "=", 3.5), ("đạt 12", ">=", 12.0)],
)
def test_unit_column(cell, op, value, unit_cell, unit):
    assert fields(parse_target(cell, unit_cell, "")[0]) == (op, value, None, *unit, False)


@pytest.mark.parametrize("unit_cell", ["Thứ bậc", "Hạng", "Xếp hạng", "Thứ hạng"])
@pytest.mark.parametrize(
    "cell,op,value", [("≤ 3", "<=", 3.0), ("3", "=", 3.0), ("Top 10", "<=", 10.0), ("≤ 3 Đông Nam Á", "<=", 3.0)]
)
def test_rank_keeps_the_operator_as_printed(cell, op, value, unit_cell):
    t = parse_target(cell, unit_cell, "")[0]
    assert (t.op, t.value, t.rank, t.unit) == (op, value, True, unit_cell.lower())


@pytest.mark.parametrize(
    "cell,value",
    [("0,95", 95.0), ("0.85", 85.0), ("0,955", 95.5), ("95%", 95.0), ("95", 95.0), ("0,5", 0.5), ("1", 1.0)],
)
def test_spreadsheet_percentages_under_a_percent_column(cell, value):
    assert parse_target(cell, "%", "")[0].value == value


@pytest.mark.parametrize(
    "cell,value,unit",
    [
        ("2.205", 2205.0, "hộ"),
        ("1.250.000", 1250000.0, "đồng"),
        ("1,250,000", 1250000.0, "đồng"),
        ("12.500", 12500.0, "người"),
        ("3.5", 3.5, "ha"),
        ("02", 2.0, "lớp"),
    ],
)
def test_thousands_and_decimals(cell, value, unit):
    t = parse_target(cell, unit, "")[0]
    assert (t.value, t.unit) == (value, unit)


def test_several_targets_keep_their_scopes():
    first, more = parse_target("≥ 90% (cấp xã); ≥ 70% (thôn)", "", "")
    assert [(t.op, t.value, t.qualifier) for t in [first, *more]] == [(">=", 90.0, "cấp xã"), (">=", 70.0, "thôn")]
    first, more = parse_target("100% giáo viên và ≥ 65% học sinh", "", "")
    assert [(t.op, t.value, t.qualifier) for t in [first, *more]] == [
        ("=", 100.0, "giáo viên"),
        (">=", 65.0, "học sinh"),
    ]


@pytest.mark.parametrize(
    "cell,fields_",
    [
        ("≥ 20% GRDP", (">=", 20.0, None, "%", "GRDP", False)),
        ("30% GDP", ("=", 30.0, None, "%", "GDP", False)),
        ("20 - 30%/năm", ("between", 20.0, 30.0, "%", "năm", False)),
        ("20 - 30% GDP", ("between", 20.0, 30.0, "%", "GDP", False)),
    ],
)
def test_a_share_of_the_product_or_per_year_after_the_figure(cell, fields_):
    assert fields(parse_target(cell, "", "")[0]) == fields_
    assert fields(parse_target("", "", f"Tỷ trọng kinh tế số {cell}")[0]) == fields_


@pytest.mark.parametrize("trend", ["và tăng dần theo yêu cầu", "trở lên", "hằng năm", "và duy trì"])
def test_trend_words_are_not_units(trend):
    t = parse_target(f"≥ 90% {trend}", "", "")[0]
    assert (t.op, t.value, t.unit) == (">=", 90.0, "%")


TEXTS = [
    (f"Tỷ lệ hồ sơ được số hóa {w} {n}%", (op, v, None, "%", None, False))
    for (w, op), (n, v) in itertools.product([o for o in OPS if o[0][0].isalpha()], NUMBERS[:4])
]


@pytest.mark.parametrize("text,expected", TEXTS, ids=lambda c: str(c))
def test_indicator_text(text, expected):
    assert fields(parse_target("", "", text)[0]) == expected


TRAPS = [
    "Tỷ lệ phủ sóng 5G trên dân số",
    "Kết nối Internet tốc độ 1 Gb/s tới các trường",
    "Tỷ lệ dân số từ 15 tuổi trở lên có điện thoại thông minh",
    "Triển khai Đề án 06/CP của Chính phủ",
    "Hoàn thành trước ngày 15/10/2026",
    "Thực hiện Quyết định số 1145 của UBND tỉnh",
    "Phấn đấu vào top 3 của tỉnh",
    "Kế hoạch giai đoạn 2026 - 2030",
    "Nghị quyết 57-NQ/TW của Bộ Chính trị",
    "Xã có 12.345 dân và 3.200 hộ",
    "Duy trì hệ thống mức độ 4",
    "Phủ sóng 4G/5G toàn xã",
]


@pytest.mark.parametrize("text", TRAPS)
def test_numbers_that_are_not_targets(text):
    assert parse_target("", "", text) == (None, [])


def test_the_set_is_large():
    n = len(PCT_CELLS + COUNT_CELLS + RANGES) + 5 * len(UNIT_COLUMNS) + 16 + 7 + 6 + 4 + len(TEXTS) + len(TRAPS)
    assert n >= 300
