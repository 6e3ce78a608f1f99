"""Generate the DOCX sample appendices from the TSV seeds (python-docx).

    python3 samples/make_docx.py

Each sample lays out a seed the way Word documents of commune plans do:
- xuan-hung-...: letterhead table, landscape section, header row repeated on
  every page (w:tblHeader), section rows merged across all columns, a lead or
  coordinating agency / deadline written once for several rows (w:vMerge),
  a signature table right after the appendix;
- nghia-son-...: plan reference only in the page header, a two-row header
  ("Đơn vị thực hiện" over "Chủ trì" | "Phối hợp"), one Word table per page as
  PDF-to-Word conversion makes, rows continued across the split, one split at
  a section break;
- xuan-son-...: three appendix tables between headings, an auto-numbered STT
  column, bullet-list and multi-paragraph cells, a number merged over its "-"
  sub-rows, line breaks, tabs, non-breaking spaces, a Symbol-font "≥" and a
  nested table.
The python-docx files are rewritten byte for byte the same each run. Made once
only, when missing (their tools stamp times): the LibreOffice round trip of the
nghia-son sample, and the bad inputs an old binary .doc and a
password-protected .docx (tests/data/bad/).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
from chitieu.normalize.text import clean  # noqa: E402

TSV, OUT, BAD = ROOT / "tsv", ROOT / "docx", ROOT.parent / "tests" / "data" / "bad"
FIXED = datetime(2026, 4, 1, 8, 0, 0)


# --- seed text --------------------------------------------------------------


def read_seed(name: str) -> list:
    """The seed as ("text", line) and ("table", header, pages) items; a blank line
    followed by the header again is a page split."""
    items: list = []
    table = None
    for line in (TSV / name).read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            cells = [clean(c) for c in line.split("\t")]
            if table is None:
                table = ("table", cells, [[]])
                items.append(table)
            elif cells == table[1]:
                table[2].append([])
            else:
                table[2][-1].append(cells)
        elif line.strip():
            table = None
            items.append(("text", line.replace("**", "").strip()))
    return items


def is_heading(cells: list[str]) -> bool:
    return not any(cells[2:])


def rejoin(pages: list[list[list[str]]]) -> list[list[str]]:
    """One list of rows: a page's first row without number continues the row before
    it unless that row is a heading (as ingest.assemble reads it)."""
    rows: list[list[str]] = []
    for n, page in enumerate(pages):
        for i, cells in enumerate(page):
            if n and i == 0 and not cells[0] and rows and not is_heading(rows[-1]):
                rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells)]
            else:
                rows.append(list(cells))
    return rows


# --- python-docx helpers ----------------------------------------------------


def new_document() -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(12)
    props = doc.core_properties
    props.author, props.last_modified_by, props.revision = "UBND xã", "UBND xã", 1
    props.created = props.modified = FIXED
    return doc


def landscape(section) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE
    if section.page_width < section.page_height:
        section.page_width, section.page_height = section.page_height, section.page_width


def title(doc, text: str, bold: bool = False, italic: bool = False) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, line in enumerate(text.split("\n")):
        if i:
            p.add_run().add_break()
        run = p.add_run(line)
        run.bold, run.italic = bold, italic


def page_break(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def table(doc, n_rows: int, n_cols: int):
    t = doc.add_table(rows=n_rows, cols=n_cols)
    t.style = "Table Grid"
    return t


def repeat_header(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def write(cell, text: str, bold: bool = False) -> None:
    """Text in a cell, "\\n" as line breaks."""
    p = cell.paragraphs[0]
    for i, line in enumerate(text.split("\n")):
        if i:
            p.add_run().add_break()
        p.add_run(line).bold = bold


def paragraphs(cell, texts: list[str], style: str | None = None, italic_from: int | None = None) -> None:
    """Several paragraphs in one cell."""
    for i, text in enumerate(texts):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        if style:
            p.style = style
        p.add_run(text).italic = italic_from is not None and i >= italic_from


def symbol_geq(cell, rest: str) -> None:
    """ "≥" as Word inserts it from the Symbol font (w:sym), then the rest."""
    run = cell.paragraphs[0].add_run()
    sym = OxmlElement("w:sym")
    sym.set(qn("w:font"), "Symbol")
    sym.set(qn("w:char"), "F0B3")
    run._r.append(sym)
    cell.paragraphs[0].add_run(rest)


def span(t, r: int, c0: int, c1: int, text: str, bold: bool = True) -> None:
    cell = t.cell(r, c0).merge(t.cell(r, c1))
    write(cell, text, bold)


def vmerge(t, col: int, r0: int, r1: int, text: str) -> None:
    """One cell over rows r0..r1 of a column, text written once."""
    for r in range(r0, r1 + 1):
        t.cell(r, col).text = ""
    write(t.cell(r0, col).merge(t.cell(r1, col)), text)


def merge_runs(t, rows: list[list[str]], first: int, cols: range) -> None:
    """Merge equal non-empty values of consecutive data rows in these columns."""
    for col in cols:
        r = 0
        while r < len(rows):
            end = r
            while (
                end + 1 < len(rows)
                and rows[r][col]
                and not is_heading(rows[end + 1])
                and not is_heading(rows[r])
                and rows[end + 1][col] == rows[r][col]
            ):
                end += 1
            if end > r:
                vmerge(t, col, first + r, first + end, rows[r][col])
            r = end + 1


def save(doc, path: Path) -> None:
    """Save with fixed zip timestamps, so the bytes are the same each run."""
    buf = BytesIO()
    doc.save(buf)
    out = BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(
                zipfile.ZipInfo(info.filename, date_time=(2026, 4, 1, 8, 0, 0)),
                src.read(info.filename),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    path.write_bytes(out.getvalue())


def appendix_tables(doc, items):
    """Write the seed's title lines as paragraphs; for each of its tables, add a
    Word table with the header row written (repeating) and yield it with the
    header and the body rows (page-split rows rejoined) for the caller to fill."""
    for kind, *rest in items:
        if kind == "text":
            title(doc, rest[0], bold=not rest[0].startswith("("), italic=rest[0].startswith("("))
            continue
        header, pages = rest
        rows = rejoin(pages)
        t = table(doc, 1 + len(rows), len(header))
        for c, text in enumerate(header):
            write(t.cell(0, c), text, bold=True)
        repeat_header(t.rows[0])
        yield t, header, rows


# --- samples ----------------------------------------------------------------


def xuan_hung(path: Path) -> None:
    items = read_seed("xuan-hung-phan-cong-chi-tieu-2026.tsv")
    doc = new_document()
    head = table(doc, 2, 2)
    write(head.cell(0, 0), "UBND XÃ XUÂN HƯNG", bold=True)
    write(head.cell(0, 1), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", bold=True)
    write(head.cell(1, 0), "Số: /KH-UBND")
    write(head.cell(1, 1), "Xuân Hưng, ngày tháng 4 năm 2026")
    doc.add_paragraph()
    landscape(doc.add_section(WD_SECTION.NEW_PAGE))
    for t, header, rows in appendix_tables(doc, items):
        for r, cells in enumerate(rows, 1):
            if is_heading(cells) and not cells[1]:
                span(t, r, 0, len(header) - 1, cells[0])
                continue
            for c, text in enumerate(cells):
                write(t.cell(r, c), text)
        merge_runs(t, rows, 1, range(2, 5))
    doc.add_paragraph()
    sign = table(doc, 1, 2)
    write(sign.cell(0, 0), "Nơi nhận:\n- Như trên;\n- Lưu: VT.")
    write(sign.cell(0, 1), "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\n\nNguyễn Văn An", bold=True)
    save(doc, path)


def nghia_son(path: Path) -> None:
    items = read_seed("nghia-son-muc-tieu-2026.tsv")
    doc = new_document()
    landscape(doc.sections[0])
    hdr = doc.sections[0].header
    lines = [i[1] for i in items if i[0] == "text"]
    hdr.paragraphs[0].text = lines[0]
    hdr.add_paragraph(lines[1])
    ((_, header, pages),) = [i for i in items if i[0] == "table"]
    top = header[:5] + ["Đơn vị thực hiện", "", header[7]]
    sub = ["", "", "", "", "", "Chủ trì", "Phối hợp", ""]
    for n, page in enumerate(pages):
        if n == 2:
            landscape(doc.add_section(WD_SECTION.NEW_PAGE))
        elif n:
            page_break(doc)
        t = table(doc, 2 + len(page), len(header))
        for c in range(len(header)):
            if c in (5, 6):
                write(t.cell(1, c), sub[c], bold=True)
            else:
                vmerge(t, c, 0, 1, top[c])
        span(t, 0, 5, 6, top[5])
        repeat_header(t.rows[0])
        repeat_header(t.rows[1])
        for r, cells in enumerate(page, 2):
            if is_heading(cells) and cells[1]:
                write(t.cell(r, 0), cells[0], bold=True)
                span(t, r, 1, len(header) - 1, cells[1])
                continue
            for c, text in enumerate(cells):
                write(t.cell(r, c), text)
    save(doc, path)


def xuan_son(path: Path) -> None:
    items = read_seed("xuan-son-dti-2023.tsv")
    doc = new_document()
    for t, header, rows in appendix_tables(doc, items):
        auto_number = [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
        for r, cells in enumerate(rows, 1):
            for c, text in enumerate(cells):
                cell = t.cell(r, c)
                if c == 0 and auto_number:
                    paragraphs(cell, [""], style="List Number")
                elif c == 1 and text.startswith("• "):
                    paragraphs(cell, [text[2:]], style="List Bullet")
                elif c == 1 and " (DVCTT được" in text:
                    paragraphs(cell, text.replace(" (DVCTT", "\n(DVCTT").split("\n"), italic_from=1)
                elif text.startswith("- ") and " - " in text:
                    paragraphs(cell, ["- " + part for part in text[2:].split(" - ")])
                elif text.startswith("≥ ") and cells[0] == "32":
                    symbol_geq(cell, text[1:])
                elif text == "10 nghiệp vụ":
                    nested = cell.add_table(1, 2)
                    nested.cell(0, 0).text, nested.cell(0, 1).text = "10", "nghiệp vụ"
                elif text.startswith("UBND xã (Công chức VP-TK và"):
                    write(cell, text.replace(" (", "\n(", 1))
                elif text == "Văn phòng HĐND & UBND huyện":
                    write(cell, "Văn phòng HĐND &\tUBND huyện")
                elif text == "Phòng Tài chính - Kế hoạch":
                    write(cell, "Phòng Tài chính\u00a0- Kế\u00a0hoạch")
                else:
                    write(cell, text)
        merge_runs(t, rows, 1, range(len(header) - 2, len(header)))
        for r, cells in enumerate(rows):
            end = r
            while end + 1 < len(rows) and not rows[end + 1][0] and rows[end + 1][1][:2] in ("- ", "• "):
                end += 1
            if cells[0] and is_heading(cells) and end > r:
                vmerge(t, 0, r + 1, end + 1, cells[0])
    sign = table(doc, 1, 2)
    write(sign.cell(0, 1), "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", bold=True)
    save(doc, path)


# --- files made once with other tools ----------------------------------------


def soffice(*args: str, cwd: Path) -> None:
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", *args],
            cwd=cwd,
            check=True,
            capture_output=True,
            timeout=180,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def libreoffice_round_trip(src: Path, dst: Path) -> None:
    """DOCX -> ODT -> DOCX through LibreOffice Writer."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        soffice("--convert-to", "odt", "--outdir", str(tmp), str(src), cwd=tmp)
        soffice(
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp / "out"),
            str(tmp / (src.stem + ".odt")),
            cwd=tmp,
        )
        shutil.copy(tmp / "out" / (src.stem + ".docx"), dst)


def word97(src: Path, dst: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        soffice("--convert-to", "doc", "--outdir", tmp, str(src), cwd=Path(tmp))
        shutil.copy(Path(tmp) / (src.stem + ".doc"), dst)


def encrypted(src: Path, dst: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = BytesIO()
    with src.open("rb") as f:
        OOXMLFile(f).encrypt("chitieu", out)
    dst.write_bytes(out.getvalue())


def main() -> None:
    OUT.mkdir(exist_ok=True)
    BAD.mkdir(parents=True, exist_ok=True)
    xuan_hung(OUT / "xuan-hung-phan-cong-chi-tieu-2026.docx")
    nghia_son(OUT / "nghia-son-muc-tieu-2026.docx")
    xuan_son(OUT / "xuan-son-dti-2023.docx")
    once = [
        (
            OUT / "nghia-son-muc-tieu-2026.libreoffice.docx",
            libreoffice_round_trip,
            "soffice",
            OUT / "nghia-son-muc-tieu-2026.docx",
        ),
        (BAD.parent / "xuan-hung-word97.doc", word97, "soffice", OUT / "xuan-hung-phan-cong-chi-tieu-2026.docx"),
        (
            BAD / "xuan-hung-password-chitieu.docx",
            encrypted,
            "msoffcrypto",
            OUT / "xuan-hung-phan-cong-chi-tieu-2026.docx",
        ),
    ]
    for dst, make, tool, src in once:
        if dst.exists():
            continue
        available = shutil.which(tool) if tool == "soffice" else _importable(tool)
        if not available:
            print(f"skipped {dst.name}: {tool} is not installed")
            continue
        make(src, dst)
        print(f"made {dst.relative_to(ROOT.parent)}")


def _importable(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


if __name__ == "__main__":
    main()
