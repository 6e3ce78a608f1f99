"""Deadline parsing: every deadline cell of the seed appendices, the forms of
the export contract, spans, and text that names no time."""

from collections import Counter
from pathlib import Path

import pytest

from chitieu.ingest import extract
from chitieu.normalize.deadlines import parse_deadline
from chitieu.normalize.model import Deadline

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "tsv"


def month(raw, year, m):
    return Deadline(raw=raw, kind="month", year=year, month=m)


# Every distinct deadline cell of the seeds, read.
SEED_CELLS = {
    "Thường xuyên": Deadline(raw="Thường xuyên", kind="recurring"),
    "2026": Deadline(raw="2026", kind="year", year=2026),
    "11/2026": month("11/2026", 2026, 11),
    "Tháng 3/2026": month("Tháng 3/2026", 2026, 3),
    "Tháng 4/2026": month("Tháng 4/2026", 2026, 4),
    "Tháng 9/2026": month("Tháng 9/2026", 2026, 9),
    "Tháng 10/2026": month("Tháng 10/2026", 2026, 10),
    "Tháng 11/2026": month("Tháng 11/2026", 2026, 11),
    "Tháng 12/2026": month("Tháng 12/2026", 2026, 12),
    "": None,
}


@pytest.mark.parametrize(
    "name, kinds",
    [
        ("nghia-son-muc-tieu-2026.tsv", {"year": 25, "recurring": 2, "month": 2}),
        ("xuan-hung-phan-cong-chi-tieu-2026.tsv", {"month": 37, "recurring": 17, None: 1}),
        ("xuan-loc-ke-hoach-cds-2026.tsv", {None: 30}),
    ],
)
def test_every_seed_deadline(name, kinds):
    rows = [r for t in extract(SAMPLES / name).tables for r in t.rows]
    read = [parse_deadline(r.deadline) for r in rows]
    assert read == [SEED_CELLS[r.deadline] for r in rows]
    assert Counter(d and d.kind for d in read) == kinds


def test_seed_row_deadlines():
    rows = {r.row_no: r for t in extract(SAMPLES / "xuan-hung-phan-cong-chi-tieu-2026.tsv").tables for r in t.rows}
    assert parse_deadline(rows["1.3"].deadline) == month("Tháng 9/2026", 2026, 9)
    assert parse_deadline(rows["5.15"].deadline) is None  # left blank in the plan


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thường xuyên", Deadline("Thường xuyên", "recurring")),
        ("Hằng năm", Deadline("Hằng năm", "recurring")),
        ("Hàng quý", Deadline("Hàng quý", "recurring")),
        ("Định kỳ hằng tháng", Deadline("Định kỳ hằng tháng", "recurring")),
        ("Hằng năm, trước 31/12/2026", Deadline("Hằng năm, trước 31/12/2026", "recurring")),
        ("Tháng 9/2026", month("Tháng 9/2026", 2026, 9)),
        ("11/2026", month("11/2026", 2026, 11)),
        ("tháng 12 năm 2026", month("tháng 12 năm 2026", 2026, 12)),
        ("Tháng 9", month("Tháng 9", None, 9)),
        ("6 tháng đầu năm 2026", month("6 tháng đầu năm 2026", 2026, 6)),
        ("6 tháng cuối năm 2026", month("6 tháng cuối năm 2026", 2026, 12)),
        ("2026", Deadline("2026", "year", year=2026)),
        ("Năm 2026", Deadline("Năm 2026", "year", year=2026)),
        ("Quý IV/2026", Deadline("Quý IV/2026", "quarter", year=2026, month=12, quarter=4)),
        ("Quý 3 năm 2026", Deadline("Quý 3 năm 2026", "quarter", year=2026, month=9, quarter=3)),
        ("quý I năm 2027", Deadline("quý I năm 2027", "quarter", year=2027, month=3, quarter=1)),
        ("Quý II", Deadline("Quý II", "quarter", month=6, quarter=2)),
        ("Trước 30/6/2026", Deadline("Trước 30/6/2026", "date", year=2026, month=6, day=30)),
        ("30/6/2026", Deadline("30/6/2026", "date", year=2026, month=6, day=30)),
        ("30.6.2026", Deadline("30.6.2026", "date", year=2026, month=6, day=30)),
        ("Trước ngày 15/10/2026", Deadline("Trước ngày 15/10/2026", "date", year=2026, month=10, day=15)),
        ("ngày 30 tháng 6 năm 2026", Deadline("ngày 30 tháng 6 năm 2026", "date", year=2026, month=6, day=30)),
        ("Hoàn thành trước 31/12", Deadline("Hoàn thành trước 31/12", "date", month=12, day=31)),
        ("29/2", Deadline("29/2", "date", month=2, day=29)),
        # a span: the deadline is its end
        ("Từ tháng 3/2026 đến tháng 12/2026", month("Từ tháng 3/2026 đến tháng 12/2026", 2026, 12)),
        ("2026 - 2030", Deadline("2026 - 2030", "year", year=2030)),
        (
            "Năm 2026 và các năm tiếp theo, thường xuyên",
            Deadline("Năm 2026 và các năm tiếp theo, thường xuyên", "year", year=2026),
        ),
        ("  Tháng   12/2026 ", month("Tháng 12/2026", 2026, 12)),
        # a spreadsheet's ISO date; a time of every year
        ("2026-12-31", Deadline("2026-12-31", "date", year=2026, month=12, day=31)),
        ("2026-6-30", Deadline("2026-6-30", "date", year=2026, month=6, day=30)),
        ("Tháng 10 hằng năm", Deadline("Tháng 10 hằng năm", "recurring")),
        ("Trước 31/12 hàng năm", Deadline("Trước 31/12 hàng năm", "recurring")),
        ("Quý IV hằng năm", Deadline("Quý IV hằng năm", "recurring")),
        # a span of quarters: its last
        ("Quý I-II/2026", Deadline("Quý I-II/2026", "quarter", year=2026, month=6, quarter=2)),
        ("Quý III và IV năm 2026", Deadline("Quý III và IV năm 2026", "quarter", year=2026, month=12, quarter=4)),
        ("Quý I-2026", Deadline("Quý I-2026", "quarter", year=2026, month=3, quarter=1)),
    ],
)
def test_deadline_forms(text, expected):
    assert parse_deadline(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", None, "Theo chỉ đạo của UBND tỉnh", "Tháng 13/2026", "31/2/2026", "32/12", "2026-13-01"]
)
def test_no_deadline(text):
    assert parse_deadline(text) is None
