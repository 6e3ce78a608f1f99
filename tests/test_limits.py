"""Limits checked before the work: each crafted file (made here) fails with
the one line naming its limit and how to raise it, and the good plan beside
it loads. Sizes are the defaults' (ExtractSettings, batch.Limits) unless a
test lowers one with --limit to keep the file small."""

from __future__ import annotations

import base64
import io
import zipfile
import zlib

import pytest

from chitieu import batch
from chitieu.ingest import ExtractSettings
from samples.make_pdf import lzw_zeros
from test_bad_input import GOOD, SQLITE, assert_one_failure, ingest

DOCX_TYPES = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HINT = "raise it with --limit {}=N if the file is genuine"


@pytest.fixture
def plans(tmp_path):
    """A plans holding one good plan, beside which each crafted file is put."""
    d = tmp_path / "plans"
    d.mkdir()
    (d / "good.tsv").write_text(GOOD, encoding="utf-8")
    return d


def test_defaults_are_beyond_a_plan():
    s, limits = ExtractSettings(), batch.Limits()
    assert (s.max_table_cells, s.max_cell_chars, s.max_page_chars) == (50_000, 20_000, 200_000)
    assert (s.max_stream_mb, s.max_ocr_pixels, limits.max_cell_mentions) == (256, 60_000_000, 500)
    assert (s.max_page_ops, s.max_font_codes, s.max_file_chars) == (50_000, 300_000, 5_000_000)


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


def _docx(body: str) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                f'<Override PartName="/word/document.xml" ContentType="{DOCX_TYPES}"/></Types>'
            ).encode(),
            "word/document.xml": f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'.encode(),
        }
    )


def _lying(data: bytes, name: str, declared: int) -> bytes:
    """The zip with `name`'s uncompressed size in the central directory set to `declared`."""
    out = bytearray(data)
    i = 0
    while (i := out.find(b"PK\x01\x02", i)) >= 0:
        n = int.from_bytes(out[i + 28 : i + 30], "little")
        if out[i + 46 : i + 46 + n] == name.encode():
            out[i + 24 : i + 28] = declared.to_bytes(4, "little")
        i += 4
    return bytes(out)


def _cells(n: int) -> str:
    return "".join(f"<w:tc><w:p><w:r><w:t>ô {i}</w:t></w:r></w:p></w:tc>" for i in range(n))


@SQLITE
def test_a_zip_bomb_whose_declared_size_lies(plans, db_url):
    padded = "<w:p/>" * 400_000  # 2.4 MB of XML declared as 1,000 bytes
    (plans / "bomb.docx").write_bytes(_lying(_docx(padded), "word/document.xml", 1000))
    assert_one_failure(
        ingest(plans, db_url),
        db_url,
        plans / "bomb.docx",
        "DOCX part word/document.xml unzips to more than the 1,000 bytes it declares "
        "(it may be a zip bomb; ask for the file again)",
    )


@SQLITE
def test_a_workbook_part_past_the_unzipped_limit(plans, db_url):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["STT", "Nội dung chỉ tiêu", "Chỉ tiêu", "Đơn vị chủ trì"])
    buf = io.BytesIO()
    book.save(buf)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/image1.bin", bytes(3 << 20))
    (plans / "bomb.xlsx").write_bytes(_lying(buf.getvalue(), "xl/media/image1.bin", 10))
    (plans / "big.xlsx").write_bytes(buf.getvalue())
    result = ingest(plans, db_url, "--max-mb", 2)
    assert sorted(line for line in result.stderr.splitlines() if line.startswith("error")) == [
        f"error: {plans / 'big.xlsx'}: XLSX unzips to 3 MB (xl/media/image1.bin: 3 MB), over the 2 MB limit "
        "(raise --max-mb if the file is genuine; it may be a zip bomb)",
        f"error: {plans / 'bomb.xlsx'}: XLSX part xl/media/image1.bin unzips to more than the 10 bytes it declares "
        "(it may be a zip bomb; ask for the file again)",
    ]
    assert "loaded: good.tsv (1 row) [3 of 3]" in result.stderr.splitlines()


@SQLITE
@pytest.mark.parametrize(
    "grid, row, cells",
    [
        ("<w:gridCol/>" * 3, f"<w:tc><w:tcPr><w:gridSpan w:val='100000000'/></w:tcPr></w:tc>{_cells(2)}", 200_000_000),
        ("<w:gridCol/>" * 1_000_000, _cells(3), 2_000_000),
    ],
    ids=["huge gridSpan", "a million gridCol"],
)
def test_a_word_table_past_the_cell_limit(plans, db_url, grid, row, cells):
    header = "<w:tr>" + "".join(
        f"<w:tc><w:p><w:r><w:t>{h}</w:t></w:r></w:p></w:tc>" for h in ("STT", "Nội dung chỉ tiêu", "Đơn vị chủ trì")
    )
    (plans / "grid.docx").write_bytes(
        _docx(f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{header}</w:tr><w:tr>{row}</w:tr></w:tbl>")
    )
    assert_one_failure(
        ingest(plans, db_url),
        db_url,
        plans / "grid.docx",
        f"a Word table spans {cells:,} cells, over the max_table_cells limit of 50,000 "
        f"({HINT.format('max_table_cells')})",
    )


GOOD_HEAD = "STT\tNội dung chỉ tiêu\tChỉ tiêu\tĐơn vị chủ trì\n1\tTỷ lệ hồ sơ được số hóa\t≥ 90%\t"


@SQLITE
def test_a_five_megabyte_agency_cell(plans, db_url):
    cell = ", ".join(f"Phòng số {i}" for i in range(450_000))  # 5 MB naming 450,000 agencies
    (plans / "cell.tsv").write_text(GOOD_HEAD + cell + "\n", "utf-8")
    assert_one_failure(
        ingest(plans, db_url),
        db_url,
        plans / "cell.tsv",
        f"a cell at line 2 has {len(cell):,} characters, over the max_cell_chars limit of 20,000 "
        f"({HINT.format('max_cell_chars')})",
    )


@SQLITE
def test_a_cell_naming_more_agencies_than_the_limit(plans, db_url):
    cell = "\n".join(["Công an xã"] * 1500)  # 16,000 characters: within the cell limit
    (plans / "many.tsv").write_text(GOOD_HEAD + f'"{cell}"\n', "utf-8")
    assert_one_failure(
        ingest(plans, db_url),
        db_url,
        plans / "many.tsv",
        "the agency cell at line 2 may name 1,500 agencies, over the max_cell_mentions limit of 500 "
        f"({HINT.format('max_cell_mentions')})",
    )


def _pdf(content: bytes, *, box: tuple[int, int] = (842, 595), image: tuple[int, int] | None = None) -> bytes:
    """A one-page PDF: `content` Flate-encoded as its content stream, Helvetica
    as /F1, and optionally an image XObject declaring `image` pixels."""
    xobj = b"/XObject << /Im1 5 0 R >>" if image else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> %s >> >>" % (*box, xobj),
    ]
    packed = zlib.compress(content, 1)
    objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed))
    if image:
        pixel = zlib.compress(b"\xff")
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
            % (*image, len(pixel), pixel)
        )
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@SQLITE
def test_a_pdf_stream_that_inflates_past_the_limit(plans, db_url):
    (plans / "inflate.pdf").write_bytes(_pdf(b"BT /F1 12 Tf 72 500 Td (STT) Tj ET\n" + b" " * (300 << 20)))
    assert_one_failure(
        ingest(plans, db_url),
        db_url,
        plans / "inflate.pdf",
        f"PDF stream 4 inflates to more than 256 MB, over the max_stream_mb limit of 256 ({HINT.format('max_stream_mb')})",
    )


@SQLITE
def test_a_page_of_a_million_glyphs(plans, db_url):
    (plans / "glyphs.pdf").write_bytes(_pdf(b"BT /F1 1 Tf 10 10 Td (" + b"a" * 1_000_000 + b") Tj ET"))
    assert_one_failure(
        ingest(plans, db_url),
        db_url,
        plans / "glyphs.pdf",
        f"page 1 draws more than 200,000 glyphs, over the max_page_chars limit of 200,000 "
        f"({HINT.format('max_page_chars')})",
    )


@SQLITE
@pytest.mark.parametrize(
    "box, image, what",
    [
        ((14400, 14400), (10, 10), "renders as 3,600,000,000 pixels"),
        ((842, 595), (20_000, 20_000), "holds an image of 400,000,000 pixels"),
    ],
    ids=["giant page", "giant image"],
)
def test_a_giant_page_is_refused_before_ocr(plans, db_url, box, image, what):
    (plans / "scan.pdf").write_bytes(_pdf(b"q 100 0 0 100 0 0 cm /Im1 Do Q", box=box, image=image))
    assert_one_failure(
        ingest(plans, db_url, "--ocr"),
        db_url,
        plans / "scan.pdf",
        f"page 1 {what} for OCR, over the max_ocr_pixels limit of 60,000,000 ({HINT.format('max_ocr_pixels')})",
    )


@SQLITE
def test_a_limit_raised_on_the_command_line_lets_the_file_load(plans, db_url):
    (plans / "long.tsv").write_text(GOOD_HEAD.replace("số hóa", "số hóa " + "x" * 25_000) + "Công an xã\n", "utf-8")
    failed = ingest(plans, db_url)
    assert "over the max_cell_chars limit of 20,000" in failed.stderr
    loaded = ingest(plans, db_url, "--limit", "max_cell_chars=30000")
    assert loaded.exit_code == 0 and "loaded: long.tsv (1 row) [2 of 2]" in loaded.stderr
    unknown = ingest(plans, db_url, "--limit", "cells=5")
    assert unknown.exit_code == 2 and "'cells' is no limit; known: max_table_cells" in unknown.stderr


@SQLITE
@pytest.mark.parametrize(
    "content",
    [b"q " * 60_000 + b"Q " * 60_000, b"0 0 m " + b"1 2 3 4 5 6 c " * 60_000 + b"S"],
    ids=["a million q", "curves"],
)
def test_a_page_of_too_many_operations(plans, db_url, content):
    (plans / "ops.pdf").write_bytes(_pdf(content))
    assert_one_failure(
        ingest(plans, db_url),
        db_url,
        plans / "ops.pdf",
        f"page 1 draws more than 50,000 operations, over the max_page_ops limit of 50,000 ({HINT.format('max_page_ops')})",
    )


def _objects_pdf(page: bytes, *more: bytes) -> bytes:
    """A one-page PDF whose page dictionary holds `page`, and objects 4, 5, … `more`."""
    from samples.make_pdf import raw_pdf

    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] %s >>" % page,
            *more,
        ]
    )


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


@SQLITE
def test_forms_drawn_by_forms_count_as_often_as_drawn(plans, db_url):
    """Four forms of 30 calls each: 30 bytes drawn 810,000 times."""
    form = b"/Type /XObject /Subtype /Form /BBox [0 0 9 9] /Resources << /XObject << /X 6 0 R >> >>"
    (plans / "forms.pdf").write_bytes(
        _objects_pdf(
            b"/Contents 4 0 R /Resources << /XObject << /X 5 0 R >> >>",
            _stream(b"/X Do"),
            *(_stream(b"/X Do " * 30, form.replace(b"6 0 R", b"%d 0 R" % n)) for n in (6, 7, 8)),
            _stream(b"0 0 1 1 re f " * 30, b"/Type /XObject /Subtype /Form /BBox [0 0 9 9]"),
        )
    )
    assert_one_failure(
        ingest(plans, db_url),
        db_url,
        plans / "forms.pdf",
        f"page 1 draws more than 50,000 operations, over the max_page_ops limit of 50,000 ({HINT.format('max_page_ops')})",
    )


@SQLITE
def test_a_character_map_of_four_billion_codes(plans, db_url):
    cmap = b"begincmap 1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange endcmap"
    (plans / "cmap.pdf").write_bytes(
        _objects_pdf(
            b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>",
            _stream(b"BT /F1 12 Tf 72 500 Td (STT) Tj ET"),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
            _stream(cmap),
        )
    )
    assert_one_failure(
        ingest(plans, db_url),
        db_url,
        plans / "cmap.pdf",
        "a font's character map (object 5) declares 4,294,967,296 codes, over the max_font_codes limit of 300,000 "
        f"({HINT.format('max_font_codes')})",
    )


BIG = 9 << 20  # past --limit max_stream_mb=8


@SQLITE
@pytest.mark.parametrize(
    "filters, data",
    [
        (b"/RunLengthDecode", b"\x81\x20" * (BIG // 128) + b"\x80"),
        (b"/LZWDecode", lzw_zeros(BIG)),
        (b"[/ASCIIHexDecode /FlateDecode]", zlib.compress(b" " * BIG).hex().encode() + b">"),
        (b"[/ASCII85Decode /FlateDecode]", base64.a85encode(zlib.compress(b" " * BIG)) + b"~>"),
        (b"/FlateDecode /DecodeParms << /Predictor 12 /Columns 100000000 >>", zlib.compress(b"BT ET")),
    ],
    ids=["RunLength", "LZW", "ASCIIHex over Flate", "ASCII85 over Flate", "predictor row"],
)
def test_every_filter_that_expands_is_counted(plans, db_url, filters, data):
    (plans / "filters.pdf").write_bytes(_objects_pdf(b"/Contents 4 0 R", _stream(data, b"/Filter " + filters)))
    assert_one_failure(
        ingest(plans, db_url, "--limit", "max_stream_mb=8"),
        db_url,
        plans / "filters.pdf",
        f"PDF stream 4 inflates to more than 8 MB, over the max_stream_mb limit of 8 ({HINT.format('max_stream_mb')})",
    )


def _sheet_with(extra_cells: str = "", after: str = "") -> bytes:
    """A workbook of the header row; `extra_cells` added to its row, `after` after its sheetData."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["STT", "Nội dung chỉ tiêu", "Chỉ tiêu", "Đơn vị chủ trì"])
    buf = io.BytesIO()
    book.save(buf)
    parts = {}
    with zipfile.ZipFile(buf) as z:
        for name in z.namelist():
            parts[name] = z.read(name)
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = (
        sheet.replace("</row>", extra_cells + "</row>", 1).replace("</sheetData>", "</sheetData>" + after).encode()
    )
    return _zip(parts)


@SQLITE
@pytest.mark.parametrize(
    "extra, after",
    [
        ("", '<mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>'),
        ("".join(f'<c r="{c}1" s="0"/>' for c in ("E", "F", "G")) * 20_000, ""),
    ],
    ids=["a merge of the whole sheet", "60,000 empty cells"],
)
def test_a_worksheet_past_the_cell_limit(plans, db_url, extra, after):
    (plans / "sheet.xlsx").write_bytes(_sheet_with(extra, after))
    assert_one_failure(
        ingest(plans, db_url),
        db_url,
        plans / "sheet.xlsx",
        "worksheet xl/worksheets/sheet1.xml holds more than 50,000 cells, over the max_table_cells limit of 50,000 "
        f"({HINT.format('max_table_cells')})",
    )


@SQLITE
def test_tables_past_the_characters_of_a_file(plans, db_url):
    rows = "".join(f"{n}\tTỷ lệ {'x' * 1000}\t100%\tCông an xã\n" for n in range(1, 60))
    (plans / "long.tsv").write_text("STT\tNội dung chỉ tiêu\tChỉ tiêu\tĐơn vị chủ trì\n" + rows, "utf-8")
    assert_one_failure(
        ingest(plans, db_url, "--limit", "max_file_chars=50000"),
        db_url,
        plans / "long.tsv",
        f"the tables hold more than 50,000 characters, over the max_file_chars limit of 50,000 ({HINT.format('max_file_chars')})",
    )
