"""OCR of scanned PDF appendices (tests/data/scanned/xuan-hung-scan*.pdf, made
by samples/make_pdf.py from pages of samples/pdf/xuan-hung-2026.pdf) against
the text layer of the same pages. Each sample is OCR'd once for the module."""
import re

import pdfplumber
import pytest
from rapidfuzz.distance import Levenshtein

from conftest import SAMPLES, SCANNED
from chitieu.ingest import ExtractSettings, extract, ocr, pdf
from chitieu.ingest.assemble import assemble
from chitieu.ingest.exceptions import NeedsOCR
from chitieu.ingest.metadata import plan_meta

SCANS = {"xuan-hung-scan.pdf": [1], "xuan-hung-scan-200dpi.pdf": [1, 2], "xuan-hung-scan-tilted.pdf": [3]}
MAX_CER = 0.02


@pytest.fixture(scope="module")
def text_layer():
    return pdf.read((SAMPLES / "pdf" / "xuan-hung-2026.pdf").read_bytes(), ExtractSettings())


@pytest.fixture(scope="module")
def scans():
    return {name: pdf.read((SCANNED / name).read_bytes(), ExtractSettings(ocr=True)) for name in SCANS}


def rows_of(blocks):
    tables, warnings = assemble(blocks)
    assert not warnings
    return [r for t in tables for r in t.rows]


def cer(got: list[str], want: list[str]) -> float:
    return sum(Levenshtein.distance(a, b) for a, b in zip(got, want)) / sum(len(b) for b in want)


def section_numbers(row) -> list[str]:
    return [s.split(".")[0] for s in row.section]


@pytest.mark.parametrize("name", SCANS)
def test_scanned_rows_match_the_text_layer_of_the_same_pages(name, scans, text_layer):
    pages = SCANS[name]
    want = rows_of([b for b in text_layer.blocks if b.rows[0].page in pages])
    got = rows_of(scans[name].blocks)
    assert len(got) == len(want) >= 8
    assert [r.row_no for r in got] == [r.row_no for r in want]
    assert [section_numbers(r) for r in got] == [section_numbers(r) for r in want]
    assert [r.page - 1 + pages[0] for r in got] == [r.page for r in want]
    headings = lambda rows: list(dict.fromkeys(s for r in rows for s in r.section))  # noqa: E731
    assert cer(headings(got), headings(want)) <= 0.05        # bold headings: a hook read as an acute
    texts = lambda rows: [t for r in rows for t in (r.indicator, r.agencies.get("lead", ""),  # noqa: E731
                                                     r.agencies.get("coordinate", ""), r.deadline)]
    assert len(texts(want)) == len(texts(got))
    assert cer(texts(got), texts(want)) <= MAX_CER


def test_two_scanned_pages_make_one_table_and_keep_the_title(scans, text_layer):
    x = scans["xuan-hung-scan-200dpi.pdf"]
    # the running header and the "Trang N" footers are page furniture, as in the text layer
    assert [(b.joins_previous, b.rows[0].page, b.rows[0].after_break) for b in x.blocks] == [
        (False, 1, False), (True, 2, True)]
    meta = plan_meta(x.title_lines)
    assert (meta.commune, meta.plan_number, str(meta.issued_on)) == ("Xuân Hưng", "112/KH-UBND", "2026-04-15")
    tables, _ = assemble(x.blocks)
    assert [len(t.rows) for t in tables] == [17]
    assert [c.role for c in tables[0].columns] == ["number", "indicator", "lead", "coordinate", "deadline", "notes"]
    r = next(r for r in tables[0].rows if r.row_no == "2.5")          # broken across the two pages
    assert (r.page, r.deadline) == (1, "Tháng 12/2026")
    assert Levenshtein.distance(r.indicator, "Hệ thống thông tin cơ sở dữ liệu hiện có của Đảng bộ xã") <= 1


def test_askew_scan_is_turned_straight():
    def skew(name):
        with pdfplumber.open(SCANNED / name) as f:
            return ocr.skew(f.pages[0].to_image(resolution=ocr.DPI).original.convert("L"))
    assert skew("xuan-hung-scan-tilted.pdf") == pytest.approx(-1.0, abs=0.1)
    assert skew("xuan-hung-scan.pdf") == 0.0


def test_scanned_pdf_without_ocr_names_the_pages():
    with pytest.raises(NeedsOCR, match=r"page\(s\) 1, 2 are images with no text layer; it needs OCR"):
        extract(SCANNED / "xuan-hung-scan-200dpi.pdf")


def test_a_poor_scan_is_refused_not_loaded(tmp_path):
    with pdfplumber.open(SCANNED / "xuan-hung-scan.pdf") as f:     # 75 dpi: letters a few pixels high
        image = f.pages[0].to_image(resolution=75).original.convert("L")
    path = tmp_path / "poor-scan.pdf"
    image.save(path, "PDF", resolution=75.0)
    with pytest.raises(NeedsOCR, match=r"OCR (confidence \d+% in|cannot read the row number in) table row \d+"
                                       r"(, column \d+)? on page 1"):
        extract(path, {"ocr": True})


def test_row_numbers_out_of_sequence_are_refused():
    ocr._check_sequence([(3, "1.1."), (4, "1.2."), (5, "1.3."), (6, "2"), (7, "2.1."), (8, "2.3."), (9, "II"),
                         (10, "1"), (11, ""), (12, "1.")], 1)       # a gap (2.2) is allowed, headings restart
    with pytest.raises(NeedsOCR, match=re.escape("row number 1.3. under 2.2 (table row 6, page 1)")):
        ocr._check_sequence([(3, "1.1."), (4, "2.2."), (5, "1.3.")], 1)
    with pytest.raises(NeedsOCR, match=re.escape("row number 3 under 4 (table row 4, page 2)")):
        ocr._check_sequence([(2, "4"), (3, "3"), (4, "6")], 2)
