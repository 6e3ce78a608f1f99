"""Legacy Vietnamese font encodings (TCVN3, VNI) read as Unicode: the
tables against glibc and the keyboard rule, detection that never fires on
Unicode Vietnamese or other text, and each seed written in TCVN3 and VNI as
TSV bytes, DOCX runs and PDF text reading as the same rows as the Unicode
original."""

from __future__ import annotations

import copy
import os
import random
import shutil
import subprocess
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from conftest import BAD, SAMPLES, reading
from samples.make_pdf import raw_pdf
from legacy_text import CAPITALS, LEGACY, OTHER, file_bytes, tcvn3_plain, tcvn3_readback, tcvn3_segments, vni
from legacy_text import vni_segments
from test_bad_input import cp1258
from chitieu.ingest import extract, legacy
from chitieu.ingest.exceptions import ExtractError, UnreadableText
from chitieu.ingest.tsv import _records, decode

SEEDS = sorted((SAMPLES / "tsv").glob("*.tsv"))
TCVN3, VNI = legacy.Legacy(legacy.TCVN3), legacy.Legacy(legacy.VNI)
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")


def source(seed: Path) -> str:
    """The seed's text as a legacy file can hold it ("≥" has no byte in either encoding)."""
    return unicodedata.normalize("NFC", seed.read_text("utf-8")).replace("≥", ">=")


def conversions(path) -> list[str]:
    return [w for w in extract(path).warnings if w.startswith("converted from")]


# --- the tables ---------------------------------------------------------------------------------------------------


def _letters() -> list[str]:
    """Every Vietnamese letter with a vowel mark or tone, small and capital."""
    out = ["đ", "Đ"]
    for base in "aăâeêioôơuưy":
        for tone in ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"):
            letter = unicodedata.normalize("NFC", base + tone)
            out += [letter, letter.upper()] if not letter.isascii() else []
    return out


@pytest.mark.skipif(not shutil.which("iconv"), reason="iconv (glibc) is not installed")
def test_the_tcvn3_table_is_glibcs():
    for b in range(0xA1, 0x100):
        glibc = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([b]), capture_output=True)
        assert legacy.convert(chr(b), TCVN3) == glibc.stdout.decode(), hex(b)


def test_every_letter_comes_back_from_both_encodings():
    letters = _letters()
    assert len(letters) == 134
    for letter in letters:
        assert legacy.convert(vni(letter), VNI) == letter
        (code, font), *more = tcvn3_segments(letter)
        assert not more and font in (LEGACY, CAPITALS)
        assert legacy.convert(code, legacy.Legacy(legacy.TCVN3, capitals=font == CAPITALS)) == letter


def test_font_names_say_the_encoding():
    assert legacy.from_font(".VnTime") == TCVN3
    assert legacy.from_font("ABCDEF+.VnTimeH,Bold") == legacy.Legacy(legacy.TCVN3, capitals=True)
    assert legacy.from_font(".VnArial NarrowH") == legacy.Legacy(legacy.TCVN3, capitals=True)
    assert legacy.from_font("VnArial") == TCVN3
    for name in ("VNI-Times", "VNI-Helve-Condense", "BCDEFG+VNI-Times-Bold"):
        assert legacy.from_font(name) == VNI, name
    for name in ("Times New Roman", "DejaVuSerif", "AAAAAA+ArialMT", "VNTimes New Roman", "Vni", None, ""):
        assert legacy.from_font(name) is None, name


# --- detection ----------------------------------------------------------------------------------------------------

ENGLISH = (
    "the plan sets targets for digital transformation of every commune office and school by the end of the year "
    "with broadband coverage cashless payments online public services naïve café façade Zürich Ångström 5G 90% "
).split()


def _words(seed: Path) -> list[str]:
    return source(seed).split()


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_each_seed_is_detected_in_its_encoding_and_unicode_is_left_alone(seed):
    text = source(seed)
    assert legacy.detect(text) is None
    assert legacy.detect(tcvn3_plain(text)) == TCVN3
    assert legacy.detect(vni(text)) == VNI
    cp = cp1258(text.replace("–", "-"))
    assert legacy.detect(cp.decode("latin-1")) is None  # Windows-1258 bytes are not taken for a legacy font


def test_detection_on_generated_text():
    """Random passages of seed words (and of English and other Latin-1 words):
    Unicode is never converted, legacy text of enough words always is."""
    rng = random.Random(14)
    words = [w for seed in SEEDS for w in _words(seed)]
    for _ in range(300):
        passage = " ".join(rng.choice(words) for _ in range(rng.randint(1, 60)))
        english = " ".join(rng.choice(ENGLISH) for _ in range(rng.randint(1, 60)))
        mixed = " ".join(rng.choice(words + ENGLISH) for _ in range(rng.randint(1, 60)))
        for text in (passage, english, mixed, passage.upper(), english.upper()):
            assert legacy.detect(text) is None, text
            assert legacy.detect(text, prior=TCVN3) in (None, TCVN3)
        plain = " ".join(w for w in english.split() if w.isascii())
        assert legacy.detect(plain, prior=TCVN3) == TCVN3  # ASCII is no evidence: as the text before
        for encoded, expected in ((tcvn3_plain(passage), TCVN3), (vni(passage), VNI)):
            changed = sum(legacy.convert(w, expected) != w for w in encoded.split())
            if changed >= 2 * legacy.MIN_WORDS:
                assert legacy.detect(encoded) == expected, encoded
            else:
                assert legacy.detect(encoded) in (None, expected), encoded


def test_every_sample_reads_without_conversion():
    files = [p for p in SAMPLES.rglob("*") if p.suffix in (".tsv", ".docx", ".pdf")]
    files += [p for p in (BAD.parent).glob("*") if p.suffix in (".tsv", ".docx", ".pdf", ".txt")]
    assert len(files) >= 13
    for path in files:
        try:
            assert conversions(path) == [], path
        except ExtractError:
            pass


# --- TSV ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_tsv_in_legacy_bytes_reads_as_its_unicode_original(seed, tmp_path):
    text = source(seed)
    original = tmp_path / "unicode.tsv"
    original.write_text(text, encoding="utf-8")
    lowered = tmp_path / "lowered.tsv"  # a TCVN3 text file has no capitals beyond Ă Â Ê Ô Ơ Ư Đ
    lowered.write_text(tcvn3_readback(text), encoding="utf-8")
    cases = {
        "tcvn3.tsv": (file_bytes(tcvn3_plain(text)), lowered, "TCVN3"),
        "vni.tsv": (file_bytes(vni(text)), original, "VNI"),
        "vni-utf8.tsv": (vni(text).encode("utf-8"), original, "VNI"),  # legacy characters saved as UTF-8
        "tcvn3-utf8-bom.tsv": (b"\xef\xbb\xbf" + tcvn3_plain(text).encode("utf-8"), lowered, "TCVN3"),
    }
    assert reading(original)[1]
    for name, (data, expected, encoding) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert reading(path) == reading(expected), name
        assert conversions(path) == [f"converted from {encoding} (by its characters; no font names the encoding)"]


def test_windows_1258_seeds_still_read_as_windows_1258(tmp_path):
    for seed in SEEDS:
        text = source(seed).replace("–", "-")
        (tmp_path / "a.tsv").write_bytes(cp1258(text))
        (tmp_path / "b.tsv").write_text(text, encoding="utf-8")
        assert reading(tmp_path / "a.tsv") == reading(tmp_path / "b.tsv")
        assert conversions(tmp_path / "a.tsv") == []


# --- DOCX ---------------------------------------------------------------------------------------------------------

docx = pytest.importorskip("docx")
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.text.run import Run  # noqa: E402

FONTS = {"TCVN3": {LEGACY: ".VnTime", CAPITALS: ".VnTimeH"}, "VNI": {LEGACY: "VNI-Times"}}
SEGMENTS = {"TCVN3": tcvn3_segments, "VNI": vni_segments}


def _layout(text: str) -> list:
    """The seed as title paragraphs ([text]) and tables ([[cells], …]): runs
    of rows with two or more cells, and rows of one filled cell among them (headings)."""
    out: list = []
    for _, cells in _records(decode(text.encode("utf-8")), []):
        filled = [c for c in cells if c.strip()]
        in_table = bool(out) and isinstance(out[-1][0], list)
        if len(filled) > 1 or (filled and in_table and len(cells) > 1):
            if not in_table:
                out.append([])
            out[-1].append(cells)
        else:
            out.append([filled[0] if filled else ""])
    return out


def make_docx(text: str, path: Path, encoding: str | None = None, how: str = "runs") -> Path:
    """The seed as a Word file; with an encoding, its text in that legacy
    encoding: fonts on the runs ("runs"), the base font on the Normal style
    ("style"), or in Times New Roman, no font naming it ("unnamed")."""
    document = docx.Document()
    document.styles["Normal"].font.name = FONTS[encoding][LEGACY] if how == "style" and encoding else "Times New Roman"

    def write(paragraph, line: str) -> None:
        if encoding is None:
            paragraph.add_run(line).font.name = "Times New Roman"
            return
        for piece, font in SEGMENTS[encoding](line):
            run = paragraph.add_run(piece)
            if how == "unnamed" or font == OTHER:
                run.font.name = "Times New Roman"
            elif how == "runs" or font == CAPITALS:
                run.font.name = FONTS[encoding][font]

    for item in _layout(text):
        if not isinstance(item[0], list):
            write(document.add_paragraph(), item[0])
            continue
        width = max(len(row) for row in item)
        table = document.add_table(rows=len(item), cols=width)
        for row, table_row in zip(item, table.rows):
            for cell_text, cell in zip(row, table_row.cells):
                for k, line in enumerate(cell_text.split("\n")):
                    write(cell.paragraphs[0] if k == 0 else cell.add_paragraph(), line)
        document.add_paragraph()
    document.save(path)
    return path


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_docx_in_legacy_fonts_reads_as_its_unicode_original(seed, tmp_path):
    text = source(seed)
    original = reading(make_docx(text, tmp_path / "unicode.docx"))
    assert original[1]
    for encoding in ("TCVN3", "VNI"):
        for how in ("runs", "style"):
            path = make_docx(text, tmp_path / f"{encoding}-{how}.docx", encoding, how)
            assert reading(path) == original, (encoding, how)
            notes = conversions(path)
            assert len(notes) == len(set(notes))
            used = {FONTS[encoding][font] for _, font in SEGMENTS[encoding](text) if font != OTHER}
            assert set(notes) == {f"converted from {encoding} (font {font})" for font in used}
    lowered = reading(make_docx(tcvn3_readback(text), tmp_path / "lowered.docx"))
    assert reading(make_docx(tcvn3_plain(text), tmp_path / "tcvn3-unnamed.docx")) == lowered
    assert reading(make_docx(text, tmp_path / "vni-unnamed.docx", "VNI", "unnamed")) == original


def test_unicode_text_in_a_legacy_font_is_left_alone(tmp_path):
    text = source(SEEDS[0])
    path = make_docx(text, tmp_path / "a.docx")
    unicode_in_vntime = tmp_path / "b.docx"
    document = docx.Document(path)
    for r in document.element.body.iter(qn("w:r")):
        Run(r, None).font.name = ".VnTime"  # the same Unicode text, its font now a legacy one
    document.save(unicode_in_vntime)
    assert reading(unicode_in_vntime) == reading(path)
    assert conversions(unicode_in_vntime) == []


# --- PDF ----------------------------------------------------------------------------------------------------------

reportlab = pytest.importorskip("reportlab")
PDF_FONTS = {"unicode": "DejaVuSerif", LEGACY: {"TCVN3": ".VnTime", "VNI": "VNI-Times"}, CAPITALS: ".VnTimeH"}


def _register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name in ("DejaVuSerif", ".VnTime", ".VnTimeH", "VNI-Times"):
        if name not in pdfmetrics.getRegisteredFontNames():
            font = TTFont(name, str(DEJAVU))
            font.face.name = name.encode()  # the name the PDF carries (a legacy font's, drawn with DejaVu's glyphs)
            pdfmetrics.registerFont(font)


def make_pdf(text: str, path: Path, encoding: str | None = None, named: bool = True) -> Path:
    """The seed as a PDF with ruled tables (reportlab); with an encoding, its
    text in that legacy encoding, in fonts named for it or (`named` False) in DejaVuSerif."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register()
    style = ParagraphStyle("cell", fontName="DejaVuSerif", fontSize=8, leading=10, embeddedHyphenation=0)

    def markup(line: str) -> str:
        if encoding is None:
            return escape(line)
        out = []
        for piece, font in SEGMENTS[encoding](line):
            name = PDF_FONTS[CAPITALS] if font == CAPITALS else PDF_FONTS[LEGACY][encoding]
            out.append(f'<font name="{name if named and font != OTHER else "DejaVuSerif"}">{escape(piece)}</font>')
        return "".join(out)

    story: list = []
    page_width = landscape(A4)[0] - 72
    for item in _layout(text):
        if not isinstance(item[0], list):
            story.append(Paragraph(markup(item[0]), style) if item[0] else Spacer(1, 10))
            continue
        width = max(len(row) for row in item)
        rows = [
            [Paragraph("<br/>".join(markup(x) for x in cell.split("\n")), style) for cell in row + [""] * width]
            for row in item
        ]
        table = Table([r[:width] for r in rows], colWidths=[page_width / width] * width)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [table, Spacer(1, 10)]
    # TCVN3's ư is the soft hyphen's byte: a legacy PDF draws it, where reportlab's
    # paragraphs would take it for a hyphenation point and leave it out.
    from reportlab.platypus import paragraph

    shy, paragraph._shy = paragraph._shy, "\uffff"
    try:
        SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=36, rightMargin=36).build(story)
    finally:
        paragraph._shy = shy
    return path


needs_dejavu = pytest.mark.skipif(not DEJAVU.exists(), reason="fonts-dejavu-core is not installed")


@needs_dejavu
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_pdf_in_legacy_fonts_reads_as_its_unicode_original(seed, tmp_path):
    text = source(seed)
    original = reading(make_pdf(text, tmp_path / "unicode.pdf"))
    assert original[1]
    tcvn3 = make_pdf(text, tmp_path / "tcvn3.pdf", "TCVN3")
    assert reading(tcvn3)[1] == original[1]  # rows: glyph widths move the title block's page
    assert set(conversions(tcvn3)) <= {"converted from TCVN3 (font .VnTime)", "converted from TCVN3 (font .VnTimeH)"}
    assert "converted from TCVN3 (font .VnTime)" in conversions(tcvn3)
    vni_pdf = make_pdf(text, tmp_path / "vni.pdf", "VNI")
    assert reading(vni_pdf)[1] == original[1]
    assert conversions(vni_pdf) == ["converted from VNI (font VNI-Times)"]


@needs_dejavu
@pytest.mark.parametrize("seed", SEEDS[:2], ids=lambda p: p.stem)
def test_a_pdf_whose_fonts_name_no_encoding_is_read_by_its_characters(seed, tmp_path):
    text = source(seed)
    lowered = reading(make_pdf(tcvn3_readback(text), tmp_path / "lowered.pdf"))
    tcvn3 = make_pdf(text, tmp_path / "tcvn3.pdf", "TCVN3", named=False)
    assert reading(tcvn3) == lowered
    assert conversions(tcvn3) == ["converted from TCVN3 (by its characters; no font names the encoding)"]
    assert reading(make_pdf(text, tmp_path / "vni.pdf", "VNI", named=False)) == reading(
        make_pdf(text, tmp_path / "unicode.pdf")
    )


def test_word_s_soft_hyphen_element_is_tcvn3_s_u_with_horn(tmp_path):
    """Word writes the soft hyphen's byte (AD, TCVN3's ư) as a w:softHyphen element."""
    text = source(SEEDS[1])
    path = make_docx(text, tmp_path / "a.docx", "TCVN3")
    document = docx.Document(path)
    split = 0
    for t in list(document.element.body.iter(qn("w:t"))):
        pieces = (t.text or "").split("\xad")
        t.text = pieces[0]
        at = t
        for piece in pieces[1:]:
            hyphen, rest = OxmlElement("w:softHyphen"), OxmlElement("w:t")
            rest.text = piece
            rest.set(qn("xml:space"), "preserve")
            at.addnext(hyphen)
            hyphen.addnext(rest)
            at, split = rest, split + 1
    assert split > 10
    document.save(tmp_path / "b.docx")
    assert reading(tmp_path / "b.docx") == reading(make_docx(text, tmp_path / "unicode.docx"))


# --- naming the encoding, and -v --------------------------------------------------------------------------------


def test_a_short_file_is_read_in_the_encoding_named_with_encoding(tmp_path):
    """Three words changed are too few to tell; --encoding tcvn3 / vni says it."""
    header = "STT\tNội dung\tChủ trì\n"
    row = "1\tInternet\tUBND\n"
    (tmp_path / "unicode.tsv").write_text(header + row, encoding="utf-8")
    for encoding, encoded in (("tcvn3", tcvn3_plain(header + row)), ("VNI", vni(header + row))):
        path = tmp_path / f"{encoding}.tsv"
        path.write_bytes(file_bytes(encoded))
        assert legacy.detect(encoded) is None
        doc = extract(path, {"encoding": encoding})
        assert [(r.row_no, r.indicator, r.agencies) for t in doc.tables for r in t.rows] == [
            ("1", "Internet", {"lead": "UBND"})
        ]


def test_verbose_ingest_shows_the_conversion(tmp_path):
    from click.testing import CliRunner

    from chitieu.cli import main

    path = tmp_path / "plan.tsv"
    path.write_bytes(file_bytes(vni(source(SEEDS[1]))))
    result = CliRunner().invoke(main, ["ingest", str(path), "--db", f"sqlite:///{tmp_path / 'x.db'}", "-v"])
    assert result.exit_code == 0, result.output
    assert f"warning: {path}: converted from VNI (by its characters; no font names the encoding)" in result.output


def test_a_vni_mark_in_the_next_run_joins_its_letter(tmp_path):
    """Word splits runs anywhere (an edit, a spell check): a mark byte may start the run after its letter's."""
    text = source(SEEDS[1])
    path = make_docx(text, tmp_path / "a.docx", "VNI")
    document = docx.Document(path)
    split = 0
    for r in list(document.element.body.iter(qn("w:r"))):
        t = r.find(qn("w:t"))
        at = (
            next((i for i, ch in enumerate(t.text or "") if i and ch in "ùøûõïâáàåãäêéèúüë"), None)
            if t is not None
            else None
        )
        if at is None:
            continue
        after = copy.deepcopy(r)
        after.find(qn("w:t")).text, t.text = t.text[at:], t.text[:at]
        after.find(qn("w:t")).set(qn("xml:space"), "preserve")
        r.addnext(after)
        split += 1
    assert split > 10
    document.save(tmp_path / "b.docx")
    assert reading(tmp_path / "b.docx") == reading(make_docx(text, tmp_path / "unicode.docx"))


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_an_old_word_file_in_legacy_fonts_reads_as_its_unicode_original(tmp_path):
    """Legacy text mostly comes in .doc files: LibreOffice keeps the fonts' names when it converts them."""
    text = source(SEEDS[2])
    made = make_docx(text, tmp_path / "plan.docx", "TCVN3")
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "doc", "--outdir", str(tmp_path / "doc"), str(made)],
        check=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    old = tmp_path / "doc" / "plan.doc"
    assert reading(old) == reading(make_docx(text, tmp_path / "unicode.docx"))
    assert "converted from TCVN3 (font .VnTime)" in conversions(old)


def test_glyph_ids_in_a_font_of_capitals_stay_unreadable(tmp_path):
    """A .VnTimeH font with no Unicode map gives glyph ids ("(cid:43)"), which upper case must not hide."""
    content = b"BT /F1 14 Tf 72 760 Td <002B0048004F004F0052> Tj ET"
    objs = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length %d>>\nstream\n" % len(content) + content + b"\nendstream",
        b"<</Type/Font/Subtype/Type0/BaseFont/ABCDEF+.VnTimeH/Encoding/Identity-H/DescendantFonts[6 0 R]>>",
        b"<</Type/Font/Subtype/CIDFontType2/BaseFont/ABCDEF+.VnTimeH/FontDescriptor 7 0 R"
        b"/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/DW 500>>",
        b"<</Type/FontDescriptor/FontName/ABCDEF+.VnTimeH/Flags 32/FontBBox[0 -200 1000 800]/ItalicAngle 0"
        b"/Ascent 800/Descent -200/CapHeight 700/StemV 80>>",
    ]
    path = tmp_path / "caps.pdf"
    path.write_bytes(raw_pdf(objs))
    with pytest.raises(UnreadableText):
        extract(path)
