"""The producer matrix, fast slice (samples/producers.py; the whole matrix is
bench/producers.py): the seed tables rendered by other producers and layouts
read as the same rows, sections, targets, units, deadlines and agencies as
the seed's own TSV reading, and with the same plan metadata."""

import shutil

import pytest

from samples import producers as P

SEEDS = {s.name[:3]: s for s in P.seeds()}

# (seed, producer, layout): every producer and every layout at least once (pandoc's title-cell aside:
# P.CANNOT)
SLICE = [
    ("001", "chromium", "plain"),
    ("003", "chromium", "borderless"),
    ("001", "chromium", "two-row"),
    ("003", "chromium", "watermark"),
    ("001", "weasyprint", "narrow"),
    ("003", "weasyprint", "first-page-header"),
    ("001", "weasyprint", "borderless-two-row"),
    ("003", "reportlab", "plain"),
    ("001", "reportlab", "watermark"),
    ("003", "reportlab", "borderless"),
    ("001", "pandoc", "two-row"),
    ("003", "pandoc", "numbers"),
    ("001", "sheet-tsv", "two-row"),
    ("003", "sheet-tsv", "numbers"),
    ("004", "sheet-tsv", "plain"),
    ("003", "lo-writer-docx", "plain"),
    ("001", "lo-writer-pdf", "plain"),
    ("003", "lo-writer-pdf", "two-row"),
    ("003", "lo-writer-pdf", "borderless"),  # cells centred in their rows' heights
    ("001", "lo-writer-pdf", "borderless-two-row"),
    ("002", "reportlab", "borderless-turning"),  # continued without header on pages turned the other way
    ("001", "word-xml", "plain"),
    ("004", "word-xml", "plain"),
    ("001", "reportlab", "narrow"),  # words broken in a too narrow column ("HĐ" / "ND-UBND")
    ("004", "lo-writer-pdf", "borderless-turning"),  # "Bảng 3" ending a page is the next table's caption
    # held out (README): title in a merged cell, lead merged down; three-row header in a workbook
    ("003", "reportlab", "title-cell"),
    ("003", "word-xml", "title-cell"),
    ("001", "xlsx", "three-row"),
    ("003", "chromium", "three-row"),
    ("001", "weasyprint", "borderless-notes"),
    ("003", "lo-calc-pdf", "three-row"),
    # held out, fixed after measuring (README): a merged lead agency cut by a page break, left open
    # at the page's end (Chromium: over one row on the next page) or at both (Calc: drawn whole on each)
    ("001", "chromium", "title-cell"),
    ("003", "chromium", "title-cell"),
    ("001", "lo-calc-pdf", "title-cell"),
    ("003", "lo-calc-pdf", "title-cell"),
    # a sheet saved as text: the three-row header's first row names no role ("Tổ chức thực hiện" ×3)
    ("003", "sheet-tsv", "three-row"),
    # Calc's borderless sheets: rows taller than their text, header cells with no space between them
    ("001", "lo-calc-pdf", "borderless"),
    ("003", "lo-calc-pdf", "borderless-two-row"),
    ("003", "lo-calc-pdf", "borderless-turning"),
    ("001", "lo-calc-pdf", "borderless-notes"),
]

NEEDS = {
    "chromium": "chromium",
    "pandoc": "pandoc",
    "lo-writer-docx": "soffice",
    "lo-writer-pdf": "soffice",
    "lo-calc-pdf": "soffice",
    "ocrmypdf": "ocrmypdf",
}


@pytest.fixture(scope="session")
def out(tmp_path_factory):
    return tmp_path_factory.mktemp("producers")


@pytest.fixture(scope="session")
def expected():
    return {k: P.expected(s) for k, s in SEEDS.items()}


@pytest.mark.parametrize("seed,producer,layout", SLICE, ids=["-".join(c) for c in SLICE])
def test_producer_reads_as_the_seed(seed, producer, layout, out, expected):
    tool = NEEDS.get(producer)
    if tool and not shutil.which(tool):
        pytest.skip(f"{tool} is not installed")
    path = P.render(SEEDS[seed], producer, layout, out)
    assert P.diff(expected[seed], P.reading(path)) == []


def test_the_property_can_fail(out, expected):
    """A reading that differs in one agency cell is reported."""
    got = P.reading(P.render(SEEDS["003"], "sheet-tsv", "plain", out))
    row = list(got["tables"][0][0])
    row[-1] = (("lead", "Phòng Kinh tế"),)
    got["tables"][0][0] = tuple(row)
    assert P.diff(expected["003"], got) == [
        f"table 0 row 1: agencies: (('lead', 'Phòng Kinh tế'),) != {expected['003']['tables'][0][0][-1]!r}"
    ]


def test_word_edits_and_agency_lines(out):
    """Tracked deletions are dropped, insertions kept; agencies written one
    paragraph each keep their lines apart ("\n") while the text is one line."""
    from chitieu.ingest import extract

    doc = extract(P.render(SEEDS["003"], "word-xml", "plain", out))
    rows = [r for t in doc.tables for r in t.rows]
    assert not [r for r in rows if "ĐÃ XÓA" in r.indicator or "\n" in r.indicator]
    r = rows[0]
    assert r.indicator == "Tỷ lệ phủ sóng 5G trên dân số ≥ 95%"
    assert r.agencies == {
        "monitor": "Phòng Văn hoá - Xã hội",
        "lead": "Các doanh nghiệp viễn thông",
        "coordinate": "Các cơ quan,\nđơn vị",
    }
