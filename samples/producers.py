"""The producer matrix: the seed tables rendered by many producers in many layouts.

    python3 samples/producers.py OUT_DIR [CELL ...]   # write the matrix files

Each seed (../shared/seeds) is read through the TSV reader; that reading is the
expected result. Its logical tables are written back out as HTML, TSV or Word
in a layout (`Layout`) and turned into a file by a producer (`PRODUCERS`):
headless Chromium and WeasyPrint (HTML print, header repeated by `thead`),
LibreOffice Writer (PDF and DOCX from the HTML), pandoc (DOCX), reportlab
(PDF drawn directly, orientation change), python-docx with hand-edited XML
(tracked changes, content controls, comments, nested table, PAGE field),
a spreadsheet-style TSV
(title rows padded with tabs) and an OCR'd scan (ocrmypdf over page images).
`reading(path)` and `expected(seed)` give comparable rows; the property for
every cell is that they are equal. tests/test_producers.py runs a fast slice,
bench/producers.py the whole matrix.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from chitieu.ingest import extract, tsv
from chitieu.ingest.model import AGENCY_ROLES, DEADLINE, INDICATOR, NOTES, NUMBER, TARGET, UNIT

SEEDS = ROOT.parent / "shared" / "seeds"
FIELDS = ("row_no", "indicator", "section", "target", "unit", "deadline", "agencies")


@dataclass(frozen=True)
class Layout:
    """How a table is laid out, independent of the producer."""

    name: str
    ruled: bool = True
    two_row_header: bool = False  # group cells ("Cơ quan thực hiện") over sub-columns
    narrow: bool = False  # narrow columns: header words wrap over several lines
    column_numbers: bool = False  # a "(1) (2) (3)" row under the header
    repeat_header: bool = True  # header repeated on every page
    spanning_sections: bool = True  # "I. Title" merged across the row, else "I" | "Title"
    watermark: bool = False  # diagonal "BẢN SAO" over the table
    signature: bool = False  # "Nơi nhận:" list and signature block after the table
    landscape: bool = True  # else portrait; reportlab then turns every other page landscape


LAYOUTS = {
    l.name: l
    for l in (
        Layout("plain"),
        Layout("borderless", ruled=False),
        Layout("two-row", two_row_header=True),
        Layout("narrow", narrow=True, landscape=False),
        Layout("numbers", column_numbers=True, spanning_sections=False),
        Layout("first-page-header", repeat_header=False),
        Layout("watermark", watermark=True, signature=True),
        Layout("borderless-two-row", ruled=False, two_row_header=True, column_numbers=True),
        Layout("borderless-turning", ruled=False, repeat_header=False, landscape=False),
    )
}


# ---------------------------------------------------------------- the tables


@dataclass
class Spec:
    """One seed as the generator renders it: title lines and tables of
    (column headers and roles, physical rows as cell texts with a kind)."""

    seed: str
    titles: list[str]
    tables: list[tuple[list[str], list[str | None], list[tuple[str, list[str]]]]]


def spec(seed: Path) -> Spec:
    """The seed's logical tables back as rows: ("section", [number, title]) or ("row", cells)."""
    doc = extract(seed)
    titles = [t for t in tsv.read(seed.read_bytes()).title_lines if t.strip()]
    tables = []
    for table in doc.tables:
        headers = [c.header for c in table.columns]
        roles = [c.role for c in table.columns]
        rows: list[tuple[str, list[str]]] = []
        path: list[str] = []
        for r in table.rows:
            common = 0
            while common < min(len(path), len(r.section)) and path[common] == r.section[common]:
                common += 1
            for heading in r.section[common:]:
                m = re.match(r"([A-ZĐ]|[IVXLC]+|\d+(?:\.\d+)*)\. (.*)", heading)
                rows.append(("section", [m[1], m[2]] if m else ["", heading]))
            path = list(r.section)
            cells, used = [], set()
            for role in roles:
                if role == NUMBER:
                    cells.append(r.row_no or "-")
                elif role in AGENCY_ROLES:
                    cells.append("" if role in used else r.agencies.get(role, ""))
                elif role in (INDICATOR, UNIT, TARGET, DEADLINE, NOTES):
                    text = getattr(r, role)
                    cells.append("" if role in used else text)
                else:
                    cells.append("")
                used.add(role)
            if NUMBER not in roles and r.row_no is None:
                cells[roles.index(INDICATOR)] = "- " + cells[roles.index(INDICATOR)]
            elif NUMBER in roles and r.row_no is None:
                cells[roles.index(NUMBER)] = ""
                cells[roles.index(INDICATOR)] = "- " + cells[roles.index(INDICATOR)]
            rows.append(("row", cells))
        tables.append((headers, roles, rows))
    return Spec(seed.stem, titles, tables)


def expected(seed: Path) -> dict:
    return comparable(extract(seed))


def comparable(doc) -> dict:
    """What the property compares: metadata and, per table, the rows' fields."""
    meta = (doc.meta.commune, doc.meta.plan_number, str(doc.meta.issued_on), doc.meta.year)
    tables = [[tuple(_field(r, f) for f in FIELDS) for r in t.rows] for t in doc.tables]
    return {"meta": meta, "tables": tables}


_HYPHEN = re.compile(r"\s*-\s*")


def _text(value: str) -> str:
    """Spacing around a hyphen is not compared: a line wrapped after "HĐND-"
    cannot tell "HĐND- UBND" (as the seed writes it) from "HĐND-UBND"."""
    return _HYPHEN.sub("-", " ".join(value.split()))


def _field(row, name):
    value = getattr(row, name)
    if name == "agencies":
        return tuple(sorted((k, _text(v)) for k, v in value.items() if v))
    if name == "section":
        return tuple(_text(s) for s in value)
    return _text(value) if isinstance(value, str) else value


def reading(path: Path, **settings) -> dict:
    return comparable(extract(path, settings or None))


def _group(header: str, role: str | None) -> tuple[str, str] | None:
    """(group, sub) header words for the two-row layout."""
    if role in AGENCY_ROLES:
        sub = {"lead": "Chủ trì", "coordinate": "Phối hợp", "monitor": "Theo dõi, đánh giá", "guide": "Hướng dẫn"}[role]
        return "Cơ quan thực hiện", sub
    if role == UNIT:
        return "Chỉ tiêu", "Đơn vị tính"
    if role == TARGET:
        return "Chỉ tiêu", "Năm 2026"
    return None


# ---------------------------------------------------------------- HTML

_CSS = """
@page {{ size: A4 {orient}; margin: 1.6cm 1.4cm; }}
body {{ font-family: "DejaVu Serif", serif; font-size: {size}pt; }}
table {{ border-collapse: collapse; width: 100%; margin-top: 8pt; }}
td, th {{ {border} padding: 2pt 3pt; vertical-align: top; text-align: left; font-weight: normal; }}
th {{ font-weight: bold; }}
thead {{ display: {thead}; }}
tr {{ page-break-inside: auto; }}
.title {{ text-align: center; }}
.wm {{ position: fixed; top: 40%; left: 20%; font-size: 80pt; color: rgba(200,0,0,0.25);
       transform: rotate(-35deg); z-index: 10; }}
.sig td {{ border: none; }}
"""


def _e(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def html_doc(s: Spec, layout: Layout) -> str:
    size = 9 if layout.narrow else 10.5
    border = "border: 0.8pt solid black;" if layout.ruled else "border: none;"
    thead = "table-header-group" if layout.repeat_header else "table-row-group"
    out = [
        f"<!doctype html><html><head><meta charset='utf-8'><style>"
        f"{_CSS.format(orient='landscape' if layout.landscape else 'portrait', size=size, border=border, thead=thead)}"
        "</style></head><body>"
    ]
    if layout.watermark:
        out.append("<div class='wm'>BẢN SAO</div>")
    for line in s.titles:
        out.append(f"<p class='title'>{_e(line)}</p>")
    for n, (headers, roles, rows) in enumerate(s.tables):
        if n:
            out.append(f"<p><b>Bảng {n + 1}</b></p>")
        out.append(_html_table(headers, roles, rows, layout))
    if layout.signature:
        out.append(
            "<table class='sig'><tr><td style='width:50%'><i>Nơi nhận:</i><br>- UBND huyện;<br>"
            "- Lưu: VT.</td><td style='text-align:center'><b>TM. ỦY BAN NHÂN DÂN<br>CHỦ TỊCH</b>"
            "<br><br><br>Nguyễn Văn An</td></tr></table>"
            "<p style='font-size:8pt'><sup>1</sup> Số liệu theo báo cáo năm 2025.</p>"
        )
    out.append("</body></html>")
    return "\n".join(out)


def _widths(roles, narrow: bool) -> list[str]:
    if not narrow:
        return [""] * len(roles)
    w = {NUMBER: 4, INDICATOR: 30, UNIT: 6, TARGET: 7, DEADLINE: 7, NOTES: 7}
    return [f" style='width:{w.get(r, 10)}%'" for r in roles]


def _html_table(headers, roles, rows, layout: Layout) -> str:
    widths = _widths(roles, layout.narrow)
    out = ["<table border=1 cellspacing=0><thead>" if layout.ruled else "<table><thead>"]
    groups = [_group(h, r) if layout.two_row_header else None for h, r in zip(headers, roles)]
    if any(groups):
        top, sub = [], []
        k = 0
        while k < len(headers):
            g = groups[k]
            if g is None:
                top.append(f"<th rowspan=2{widths[k]}>{_e(headers[k])}</th>")
                k += 1
                continue
            span = 1
            while k + span < len(headers) and groups[k + span] and groups[k + span][0] == g[0]:
                span += 1
            top.append(f"<th colspan={span}>{_e(g[0])}</th>")
            sub += [f"<th{widths[k + j]}>{_e(groups[k + j][1])}</th>" for j in range(span)]
            k += span
        out.append("<tr>" + "".join(top) + "</tr><tr>" + "".join(sub) + "</tr>")
    else:
        out.append("<tr>" + "".join(f"<th{w}>{_e(h)}</th>" for h, w in zip(headers, widths)) + "</tr>")
    if layout.column_numbers:
        out.append("<tr>" + "".join(f"<th>({k + 1})</th>" for k in range(len(headers))) + "</tr>")
    out.append("</thead><tbody>")
    for kind, cells in rows:
        if kind == "section":
            num, title = cells
            if layout.spanning_sections or NUMBER not in roles:
                text = f"{num}. {title}" if num else title
                out.append(f"<tr><td colspan={len(headers)}><b>{_e(text)}</b></td></tr>")
            else:
                rest = len(headers) - 2
                out.append(f"<tr><td><b>{_e(num)}</b></td><td><b>{_e(title)}</b></td>" + "<td></td>" * rest + "</tr>")
        else:
            out.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


# ---------------------------------------------------------------- producers


def _run(cmd: list[str], timeout: int = 180, **kw) -> None:
    subprocess.run(cmd, check=True, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def chromium(s: Spec, layout: Layout, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "t.html"
        src.write_text(html_doc(s, layout), encoding="utf-8")
        _run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--user-data-dir={tmp}/profile",
                f"--print-to-pdf={out}",
                src.as_uri(),
            ]
        )


def weasyprint(s: Spec, layout: Layout, out: Path) -> None:
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    HTML(string=html_doc(s, layout)).write_pdf(out)


def _soffice(src: Path, fmt: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--infilter=HTML (StarWriter)",
                "--convert-to",
                fmt,
                "--outdir",
                tmp,
                str(src),
            ],
            timeout=240,
        )
        produced = next(p for p in Path(tmp).iterdir() if p.is_file() and p.suffix == out.suffix)
        shutil.move(produced, out)


def libreoffice_pdf(s: Spec, layout: Layout, out: Path) -> None:
    """HTML opened in Writer (as a text document, not Writer/Web), exported as PDF."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"{out.stem}.html"
        src.write_text(html_doc(s, replace(layout, watermark=False)), encoding="utf-8")
        _soffice(src, "pdf:writer_pdf_Export", out)


def libreoffice_docx(s: Spec, layout: Layout, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"{out.stem}.html"
        src.write_text(html_doc(s, replace(layout, watermark=False)), encoding="utf-8")
        _soffice(src, "docx:MS Word 2007 XML", out)


def pandoc_docx(s: Spec, layout: Layout, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "t.html"
        src.write_text(html_doc(s, replace(layout, watermark=False)), encoding="utf-8")
        _run(["pandoc", "-f", "html", "-t", "docx", "-o", str(out), str(src)])


def spreadsheet_tsv(s: Spec, layout: Layout, out: Path) -> None:
    """A sheet saved as Text (Tab delimited): every row as wide as the table,
    title rows padded with tabs, a two-row header as its two rows."""
    width = max(len(h) for h, _, _ in s.tables)
    lines = ["\t".join([t] + [""] * (width - 1)) for t in s.titles]
    for n, (headers, roles, rows) in enumerate(s.tables):
        if n:
            lines.append("\t".join([f"Bảng {n + 1}"] + [""] * (width - 1)))
        groups = [_group(h, r) if layout.two_row_header else None for h, r in zip(headers, roles)]
        if any(groups):
            lines.append("\t".join(g[0] if g else h for h, g in zip(headers, groups)))
            lines.append("\t".join(g[1] if g else "" for g in groups))
        else:
            lines.append("\t".join(headers))
        if layout.column_numbers:
            lines.append("\t".join(str(k + 1) for k in range(len(headers))))
        for kind, cells in rows:
            if kind == "section":
                num, title = cells
                if NUMBER in roles and not layout.spanning_sections:
                    cells = [num, title] + [""] * (len(headers) - 2)
                else:
                    cells = [f"{num}. {title}" if num else title] + [""] * (len(headers) - 1)
            lines.append("\t".join(_tsv_cell(c) for c in cells + [""] * (width - len(cells))))
    out.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")


def _tsv_cell(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in '\t\n"') else text


def reportlab_pdf(s: Spec, layout: Layout, out: Path) -> None:
    """Drawn directly with reportlab platypus; with `not layout.landscape`
    the pages alternate landscape / portrait (columns move on every page)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        NextPageTemplate,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    font = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
    pdfmetrics.registerFont(TTFont("DejaVuSerif", font))
    style = ParagraphStyle("c", fontName="DejaVuSerif", fontSize=9, leading=11)
    land, port = landscape(A4), A4

    def on_page(canvas, doc):
        if layout.watermark:
            canvas.saveState()
            canvas.setFont("DejaVuSerif", 70)
            canvas.setFillColor(colors.Color(0.8, 0, 0, alpha=0.25))
            w, h = canvas._pagesize
            canvas.translate(w / 2, h / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, "BẢN SAO")
            canvas.restoreState()
        canvas.setFont("DejaVuSerif", 9)
        canvas.drawCentredString(canvas._pagesize[0] / 2, 20, f"Trang {doc.page}")

    templates = [
        PageTemplate(
            id="land",
            frames=[Frame(40, 40, land[0] - 80, land[1] - 80)],
            pagesize=land,
            onPage=on_page,
            autoNextPageTemplate="port",
        ),
        PageTemplate(
            id="port",
            frames=[Frame(40, 40, port[0] - 80, port[1] - 80)],
            pagesize=port,
            onPage=on_page,
            autoNextPageTemplate="port" if layout.landscape else "land",
        ),
    ]
    if layout.landscape:
        templates[0].autoNextPageTemplate = "land"
    doc = BaseDocTemplate(str(out), pageTemplates=templates)
    story = [NextPageTemplate("land")]
    for line in s.titles:
        story.append(Paragraph(html.escape(line), ParagraphStyle("t", parent=style, alignment=1)))
    for n, (headers, roles, rows) in enumerate(s.tables):
        story.append(Spacer(1, 8))
        if n:
            story.append(Paragraph(f"Bảng {n + 1}", style))
        data = [[Paragraph(_e(h), style) for h in headers]]
        commands = [("VALIGN", (0, 0), (-1, -1), "TOP")]
        if layout.ruled:
            commands.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
        for kind, cells in rows:
            if kind == "section":
                num, title = cells
                data.append([Paragraph(_e(f"{num}. {title}" if num else title), style)] + [""] * (len(headers) - 1))
                commands.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
            else:
                data.append([Paragraph(_e(c), style) for c in cells])
        width = 0.98 * ((land if layout.landscape else port)[0] - 80)
        fixed = {NUMBER: 34, UNIT: 48, DEADLINE: 64}
        share = (width - sum(fixed.get(r, 0) for r in roles)) / (sum(r not in fixed for r in roles) + 1)
        widths = [fixed.get(r, 2 * share if r == INDICATOR else share) for r in roles]
        story.append(
            Table(
                data,
                colWidths=widths,
                repeatRows=1 if layout.repeat_header else 0,
                style=TableStyle(commands),
                splitByRow=1,
            )
        )
    if layout.signature:
        story.append(Spacer(1, 12))
        story.append(
            Table(
                [
                    [
                        Paragraph("<i>Nơi nhận:</i><br/>- UBND huyện;<br/>- Lưu: VT.", style),
                        Paragraph("<b>TM. ỦY BAN NHÂN DÂN<br/>CHỦ TỊCH</b><br/><br/>Nguyễn Văn An", style),
                    ]
                ]
            )
        )
    doc.build(story)


def ocr_scan(s: Spec, layout: Layout, out: Path) -> None:
    """Chromium's PDF printed to page images (200 dpi) and OCR'd by ocrmypdf:
    image pages with an invisible text layer, no ruling lines in the vector layer."""
    with tempfile.TemporaryDirectory() as tmp:
        printed = Path(tmp) / "p.pdf"
        chromium(s, layout, printed)
        _run(["pdftoppm", "-r", "200", "-gray", "-png", str(printed), f"{tmp}/pg"])
        pages = sorted(Path(tmp).glob("pg*.png"))
        images = Path(tmp) / "img.pdf"
        from PIL import Image

        first, *rest = [Image.open(p).convert("L") for p in pages]
        first.save(images, save_all=True, append_images=rest, resolution=200)
        _run(["ocrmypdf", "-l", "vie", "--output-type", "pdf", "--optimize", "0", str(images), str(out)], timeout=900)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def word_xml(s: Spec, layout: Layout, out: Path) -> None:
    """python-docx with hand-edited XML, as Word writes an edited file: the
    indicator text as a tracked insertion beside a tracked deletion, the
    number cell inside a content control (w:sdt), a comment on the lead
    agency, agencies one paragraph each, the deadline in a table nested in
    its cell, and a PAGE field in the footer."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    doc = Document()
    for line in s.titles:
        doc.add_paragraph(line)
    footer = doc.sections[0].footer.paragraphs[0]
    footer._p.append(parse_xml(f'<w:fldSimple xmlns:w="{_W}" w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    for n, (headers, roles, rows) in enumerate(s.tables):
        if n:
            doc.add_paragraph(f"Bảng {n + 1}")
        table = doc.add_table(rows=0, cols=len(headers))
        table.style = "Table Grid"
        cells = table.add_row().cells
        for c, h in zip(cells, headers):
            c.text = h
        for kind, row in rows:
            cells = table.add_row().cells
            if kind == "section":
                num, title = row
                merged = cells[0].merge(cells[-1])
                merged.text = f"{num}. {title}" if num else title
                continue
            for c, text, role in zip(cells, row, roles):
                if role == INDICATOR and text:
                    p = c.paragraphs[0]._p
                    p.append(
                        parse_xml(
                            f'<w:del xmlns:w="{_W}" w:id="1" w:author="A"><w:r><w:delText>ĐÃ XÓA </w:delText></w:r></w:del>'
                        )
                    )
                    p.append(
                        parse_xml(
                            f'<w:ins xmlns:w="{_W}" w:id="2" w:author="A"><w:r><w:t xml:space="preserve">'
                            f"{html.escape(text)}</w:t></w:r></w:ins>"
                        )
                    )
                elif role in AGENCY_ROLES and text:
                    parts = re.split(r"(?<=[,;])\s+", text)
                    c.text = parts[0]
                    for part in parts[1:]:
                        c.add_paragraph(part)
                    if role == "lead":
                        c.paragraphs[0]._p.append(
                            parse_xml(f'<w:r xmlns:w="{_W}"><w:commentReference w:id="0"/></w:r>')
                        )
                elif role == DEADLINE and text:
                    inner = c.add_table(rows=1, cols=1)
                    inner.cell(0, 0).text = text
                else:
                    c.text = text
            number = cells[roles.index(NUMBER)]._tc if NUMBER in roles else None
            if number is not None:
                tr = number.getparent()
                sdt = parse_xml(f'<w:sdt xmlns:w="{_W}"><w:sdtPr/><w:sdtContent/></w:sdt>')
                tr.replace(number, sdt)
                sdt.find(qn("w:sdtContent")).append(number)
    doc.save(out)


PRODUCERS = {
    "chromium": (chromium, ".pdf"),
    "weasyprint": (weasyprint, ".pdf"),
    "lo-writer-pdf": (libreoffice_pdf, ".pdf"),
    "lo-writer-docx": (libreoffice_docx, ".docx"),
    "pandoc": (pandoc_docx, ".docx"),
    "word-xml": (word_xml, ".docx"),
    "reportlab": (reportlab_pdf, ".pdf"),
    "sheet-tsv": (spreadsheet_tsv, ".tsv"),
    "ocrmypdf": (ocr_scan, ".pdf"),
}


def seeds() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def render(seed: Path, producer: str, layout: str, out_dir: Path) -> Path:
    """Write one matrix cell's file (cached: an existing file is kept)."""
    make, suffix = PRODUCERS[producer]
    out = out_dir / f"{seed.stem[:3]}-{producer}-{layout}{suffix}"
    if not out.exists():
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.stem + ".part" + suffix)
        make(spec(seed), LAYOUTS[layout], tmp)
        tmp.rename(out)
    return out


def diff(want: dict, got: dict) -> list[str]:
    """Readable differences between two readings (empty when equal)."""
    out = []
    if want["meta"] != got["meta"]:
        out.append(f"meta {got['meta']} != {want['meta']}")
    if len(want["tables"]) != len(got["tables"]):
        out.append(f"{len(got['tables'])} tables != {len(want['tables'])}")
    for n, (w, g) in enumerate(zip(want["tables"], got["tables"])):
        if len(w) != len(g):
            out.append(f"table {n}: {len(g)} rows != {len(w)}")
        for a, b in zip(w, g):
            if a != b:
                bad = [f"{f}: {y!r} != {x!r}" for f, x, y in zip(FIELDS, a, b) if x != y]
                out.append(f"table {n} row {a[0]}: " + "; ".join(bad))
                break
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1])
    for seed in seeds():
        for producer in PRODUCERS:
            for layout in LAYOUTS:
                print(render(seed, producer, layout, target))
