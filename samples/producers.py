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
    # held out (added after the readers were written, measured before any fix):
    three_row_header: bool = False  # groups over groups over sub-columns ("Tổ chức thực hiện" > "Cơ quan" > "Chủ trì")
    vocabulary: bool = False  # other header words: "Số TT", "Đơn vị", "Kết quả"/"Mục tiêu", "Tiến độ"
    title_cell: bool = False  # the title lines in one merged cell, the table's first row
    split_attached: bool = False  # the "(Kèm theo …)" title line wrapped over two lines
    merged_lead: bool = False  # the lead agency merged down over the rows that share it
    footnotes: bool = False  # "(*) …" and "Ghi chú: …" lines under each table


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
        Layout("three-row", three_row_header=True, vocabulary=True),
        Layout("title-cell", title_cell=True, split_attached=True, merged_lead=True, repeat_header=False),
        Layout("borderless-notes", ruled=False, vocabulary=True, footnotes=True, split_attached=True, landscape=False),
    )
}
HELD_OUT = ("three-row", "title-cell", "borderless-notes")  # layouts added after the readers, see README


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


_HYPHEN = re.compile(r"\s*([-/])\s*")


def _text(value: str) -> str:
    """Spacing around a hyphen or slash is not compared: a line wrapped after
    "HĐND-" cannot tell "HĐND- UBND" (as the seed writes it) from
    "HĐND-UBND", nor one wrapped after "số/" "số/ GRDP" from "số/GRDP"."""
    return _HYPHEN.sub(r"\1", " ".join(value.split()))


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


_VOCABULARY = {NUMBER: "Số TT", UNIT: "Đơn vị", TARGET: "Kết quả", DEADLINE: "Tiến độ"}
_SUB = {"lead": "Chủ trì", "coordinate": "Phối hợp", "monitor": "Theo dõi, đánh giá", "guide": "Hướng dẫn"}


def _paths(headers, roles, layout: Layout) -> list[tuple[str, ...]]:
    """Each column's header labels, top down: its own, or under a group's
    (two-row layout), or under two groups' (three-row layout)."""
    if layout.vocabulary:
        headers = [_VOCABULARY.get(r, h) for h, r in zip(headers, roles)]
    out: list[tuple[str, ...]] = []
    for h, r in zip(headers, roles):
        if layout.three_row_header:
            if r in AGENCY_ROLES:
                out.append(("Tổ chức thực hiện", "Cơ quan", _SUB[r]))
            elif r == DEADLINE:
                out.append(("Tổ chức thực hiện", h))
            elif r == UNIT:
                out.append(("Chỉ tiêu", h))
            elif r == TARGET:
                out.append(("Chỉ tiêu", "Mục tiêu", "Năm 2026"))
            else:
                out.append((h,))
        elif layout.two_row_header and (g := _group(h, r)):
            out.append(g if not layout.vocabulary or r != UNIT else (g[0], h))
        else:
            out.append((h,))
    return out


def _header_grid(paths: list[tuple[str, ...]]) -> list[list[tuple[int, str, int, int]]]:
    """The header's rows of cells (column, text, colspan, rowspan): a label
    shared by neighbouring columns' paths is one cell over them, a column's
    last label reaches down to the header's last row."""
    depth = max(map(len, paths))
    grid = []
    for d in range(depth):
        row, k = [], 0
        while k < len(paths):
            path = paths[k]
            if len(path) <= d:
                k += 1
            elif d == len(path) - 1:
                row.append((k, path[d], 1, depth - d))
                k += 1
            else:
                span = 1
                while (
                    k + span < len(paths) and len(paths[k + span]) > d + 1 and paths[k + span][: d + 1] == path[: d + 1]
                ):
                    span += 1
                row.append((k, path[d], span, 1))
                k += span
        grid.append(row)
    return grid


def _titles(s: Spec, layout: Layout) -> list[str]:
    """The title lines, the "(Kèm theo …)" one wrapped in two at a space near its middle."""
    out = []
    for line in s.titles:
        if layout.split_attached and re.search(r"kèm theo", line, re.I) and " " in line:
            middle = len(line) // 2
            cut = min((m.start() for m in re.finditer(" ", line)), key=lambda i: abs(i - middle))
            out += [line[:cut], line[cut + 1 :]]
        else:
            out.append(line)
    return out


FOOTNOTES = [
    "(*) Số liệu theo báo cáo năm 2025 của UBND xã.",
    "Ghi chú: các chỉ tiêu có dấu (*) được đánh giá hằng quý.",
]


def _lead_spans(roles, rows) -> dict[int, int]:
    """For a table whose lead agency is merged down: row index -> rows its
    lead cell covers (1 and more at a run's first row, 0 under it); a run of
    rows that share one lead is cut by a section row."""
    if "lead" not in roles:
        return {}
    k, spans, start = roles.index("lead"), {}, None
    for i, (kind, cells) in enumerate(rows):
        same = start is not None and kind == "row" and rows[start][1][k] and cells[k] == rows[start][1][k]
        if same:
            spans[start] += 1
            spans[i] = 0
        else:
            start = i if kind == "row" else None
            if start is not None:
                spans[i] = 1
    return spans


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
    if not layout.title_cell:
        out += [f"<p class='title'>{_e(line)}</p>" for line in _titles(s, layout)]
    for n, (headers, roles, rows) in enumerate(s.tables):
        if n:
            out.append(f"<p><b>Bảng {n + 1}</b></p>")
        out.append(_html_table(headers, roles, rows, layout, _titles(s, layout) if layout.title_cell and not n else []))
        if layout.footnotes:
            out += [f"<p style='font-size:8pt'>{_e(f)}</p>" for f in FOOTNOTES]
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


def _span(colspan: int, rowspan: int) -> str:
    return (f" colspan={colspan}" if colspan > 1 else "") + (f" rowspan={rowspan}" if rowspan > 1 else "")


def _html_table(headers, roles, rows, layout: Layout, title: list[str] = ()) -> str:
    widths = _widths(roles, layout.narrow)
    head = "<table border=1 cellspacing=0>" if layout.ruled else "<table>"
    if title:  # a first row of its own before the header (the header is then not repeated)
        head += f"<tbody><tr><td colspan={len(headers)} class='title'><b>{'<br>'.join(map(_e, title))}</b></td></tr></tbody>"
    rows_html = [
        "<tr>"
        + "".join(f"<th{_span(cs, rs)}{widths[k] if cs == 1 else ''}>{_e(text)}</th>" for k, text, cs, rs in row)
        + "</tr>"
        for row in _header_grid(_paths(headers, roles, layout))
    ]
    out = [head + "<thead>", "".join(rows_html)]
    if layout.column_numbers:
        out.append("<tr>" + "".join(f"<th>({k + 1})</th>" for k in range(len(headers))) + "</tr>")
    out.append("</thead><tbody>")
    spans = _lead_spans(roles, rows) if layout.merged_lead else {}
    for i, (kind, cells) in enumerate(rows):
        if kind == "section":
            num, title = cells
            if layout.spanning_sections or NUMBER not in roles:
                text = f"{num}. {title}" if num else title
                out.append(f"<tr><td colspan={len(headers)}><b>{_e(text)}</b></td></tr>")
            else:
                rest = len(headers) - 2
                out.append(f"<tr><td><b>{_e(num)}</b></td><td><b>{_e(title)}</b></td>" + "<td></td>" * rest + "</tr>")
        else:
            lead = roles.index("lead") if i in spans else None
            tds = [
                f"<td{_span(1, spans[i])}>{_e(c)}</td>" if k == lead else f"<td>{_e(c)}</td>"
                for k, c in enumerate(cells)
                if k != lead or spans[i]
            ]
            out.append("<tr>" + "".join(tds) + "</tr>")
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


def _soffice(src: Path, fmt: str, out: Path, infilter: str = "HTML (StarWriter)") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                f"--infilter={infilter}",
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


def workbook(s: Spec, layout: Layout, out: Path) -> None:
    """The tables as one Excel sheet written by openpyxl, as a clerk lays it
    out: text cells wrapped at the top of columns sized by their role, the
    header's groups, the section rows (and a merged lead agency) as merged
    cells, the header rows printed on every page, the sheet fitted to the
    page width."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    width = max(len(h) for h, _, _ in s.tables)
    wrap = Alignment(wrap_text=True, vertical="top")
    line = Side(style="thin") if layout.ruled else Side()
    box = Border(left=line, right=line, top=line, bottom=line)
    size = {NUMBER: 6, INDICATOR: 40, UNIT: 10, TARGET: 14, DEADLINE: 12}
    widths = [size.get(role, 20) for role in s.tables[0][1]] + [20] * width
    for k in range(width):
        sheet.column_dimensions[get_column_letter(k + 1)].width = widths[k]

    def put(r: int, k: int, text: str, bold: bool = False, across: int = 1, down: int = 1) -> None:
        """A cell, its row made as tall as its wrapped lines (Calc keeps the heights it is given)."""
        lines = sum(-(-len(part) * 6 // (5 * sum(widths[k : k + across]))) or 1 for part in (text or "").split("\n"))
        need = 15 * -(-lines // down)
        if need > (sheet.row_dimensions[r].height or 15):
            sheet.row_dimensions[r].height = need
        cell = sheet.cell(r, k + 1, text or None)
        cell.alignment, cell.border = wrap, box
        cell.number_format = "@"  # text as typed: "100%" stays text, not the number 1
        if bold:
            cell.font = Font(bold=True)
        if across > 1 or down > 1:
            sheet.merge_cells(start_row=r, start_column=k + 1, end_row=r + down - 1, end_column=k + across)

    r = 1
    titles = _titles(s, layout)
    if layout.title_cell:
        put(r, 0, "\n".join(titles), True, width)
        r += 1
    else:
        for t in titles:
            sheet.cell(r, 1, t)
            r += 1
    for n, (headers, roles, rows) in enumerate(s.tables):
        if n:
            sheet.cell(r, 1, f"Bảng {n + 1}")
            r += 1
        first = r
        for grid_row in _header_grid(_paths(headers, roles, layout)):
            for k in range(len(headers)):
                put(r, k, "", True)
            for k, text, colspan, rowspan in grid_row:
                put(r, k, text, True, colspan, rowspan)
            r += 1
        if layout.column_numbers:
            for k in range(len(headers)):
                put(r, k, f"({k + 1})")
            r += 1
        if not n and layout.repeat_header:
            sheet.print_title_rows = f"{first}:{r - 1}"
        spans = _lead_spans(roles, rows) if layout.merged_lead else {}
        for i, (kind, cells) in enumerate(rows):
            if kind == "section":
                num, title = cells
                if layout.spanning_sections or NUMBER not in roles:
                    put(r, 0, f"{num}. {title}" if num else title, True, len(headers))
                else:
                    cells = [num, title] + [""] * (len(headers) - 2)
                    for k, text in enumerate(cells):
                        put(r, k, text, k < 2)
            else:
                for k, text in enumerate(cells):
                    lead = i in spans and roles[k] == "lead"
                    if not lead or spans[i]:
                        put(r, k, text, down=spans[i] if lead else 1)
            r += 1
        if layout.footnotes:
            for f in FOOTNOTES:
                sheet.cell(r, 1, f)
                r += 1
    sheet.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.save(out)


def libreoffice_calc_pdf(s: Spec, layout: Layout, out: Path) -> None:
    """The workbook (`workbook`) opened in LibreOffice Calc and exported as
    PDF: its rows as tall as their wrapped text, merged cells drawn as one."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"{out.stem}.xlsx"
        workbook(s, layout, src)
        _soffice(src, "pdf:calc_pdf_Export", out, "Calc MS Excel 2007 XML")


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
    title rows padded with tabs, a header of several rows as its rows (a
    group's label in each of its columns); text has no merged cells, so a
    merged lead agency is written on each row."""
    width = max(len(h) for h, _, _ in s.tables)
    titles = _titles(s, layout)
    lines = [] if layout.title_cell else ["\t".join([t] + [""] * (width - 1)) for t in titles]
    for n, (headers, roles, rows) in enumerate(s.tables):
        if n:
            lines.append("\t".join([f"Bảng {n + 1}"] + [""] * (width - 1)))
        elif layout.title_cell:
            lines.append("\t".join([_tsv_cell("\n".join(titles))] + [""] * (width - 1)))
        for row in _header_grid(_paths(headers, roles, layout)):
            cells = [""] * len(headers)
            for k, text, colspan, _ in row:
                cells[k : k + colspan] = [text] * colspan  # a group's label over each of its columns
            lines.append("\t".join(cells))
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
        if layout.footnotes:
            lines += ["\t".join([f] + [""] * (width - 1)) for f in FOOTNOTES]
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
    centred = ParagraphStyle("t", parent=style, alignment=1)
    titles = _titles(s, layout)
    if not layout.title_cell:
        story += [Paragraph(html.escape(line), centred) for line in titles]
    for n, (headers, roles, rows) in enumerate(s.tables):
        story.append(Spacer(1, 8))
        if n:
            story.append(Paragraph(f"Bảng {n + 1}", style))
        data: list[list] = []
        commands: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
        if layout.title_cell and not n:
            data.append([Paragraph("<br/>".join(map(html.escape, titles)), centred)] + [""] * (len(headers) - 1))
            commands.append(("SPAN", (0, 0), (-1, 0)))
        top = len(data)
        for row in _header_grid(_paths(headers, roles, layout)):
            cells: list = [""] * len(headers)
            for k, text, colspan, rowspan in row:
                cells[k] = Paragraph(_e(text), style)
                if colspan > 1 or rowspan > 1:
                    commands.append(("SPAN", (k, len(data)), (k + colspan - 1, len(data) + rowspan - 1)))
            data.append(cells)
        header_rows = len(data) - top
        if layout.ruled:
            commands.append(("GRID", (0, 0), (-1, -1), 0.6, colors.black))
        spans = _lead_spans(roles, rows) if layout.merged_lead else {}
        for i, (kind, cells) in enumerate(rows):
            if kind == "section":
                num, title = cells
                data.append([Paragraph(_e(f"{num}. {title}" if num else title), style)] + [""] * (len(headers) - 1))
                commands.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
            else:
                lead = roles.index("lead") if i in spans else None
                data.append([Paragraph(_e(c), style) if k != lead or spans[i] else "" for k, c in enumerate(cells)])
                if lead is not None and spans[i] > 1:
                    commands.append(("SPAN", (lead, len(data) - 1), (lead, len(data) + spans[i] - 2)))
        width = 0.98 * ((land if layout.landscape else port)[0] - 80)
        fixed = {NUMBER: 34, UNIT: 48, DEADLINE: 64}
        share = (width - sum(fixed.get(r, 0) for r in roles)) / (sum(r not in fixed for r in roles) + 1)
        widths = [fixed.get(r, 2 * share if r == INDICATOR else share) for r in roles]
        story.append(
            Table(
                data,
                colWidths=widths,
                repeatRows=header_rows if layout.repeat_header and not top else 0,
                style=TableStyle(commands),
                splitByRow=1,
            )
        )
        if layout.footnotes:
            story += [Paragraph(html.escape(f), ParagraphStyle("f", parent=style, fontSize=8)) for f in FOOTNOTES]
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
    titles = _titles(s, layout)
    if not layout.title_cell:
        for line in titles:
            doc.add_paragraph(line)
    footer = doc.sections[0].footer.paragraphs[0]
    footer._p.append(parse_xml(f'<w:fldSimple xmlns:w="{_W}" w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    for n, (headers, roles, rows) in enumerate(s.tables):
        if n:
            doc.add_paragraph(f"Bảng {n + 1}")
        table = doc.add_table(rows=0, cols=len(headers))
        table.style = "Table Grid"
        if layout.title_cell and not n:
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1])
            merged.text = titles[0]
            for line in titles[1:]:
                merged.add_paragraph(line)
        merges = []  # (top row, column, rows, columns, text): merged once every row is there
        for grid_row in _header_grid(_paths(headers, roles, layout)):
            r = len(table.rows)
            cells = table.add_row().cells
            for k, text, colspan, rowspan in grid_row:
                cells[k].text = text
                if colspan > 1 or rowspan > 1:
                    merges.append((r, k, rowspan, colspan, text))
        spans = _lead_spans(roles, rows) if layout.merged_lead else {}
        numbers = []
        for i, (kind, row) in enumerate(rows):
            if spans.get(i, 0) > 1:
                lead = roles.index("lead")
                merges.append((len(table.rows), lead, spans[i], 1, None))
            cells = table.add_row().cells
            if kind == "section":
                num, title = row
                merged = cells[0].merge(cells[-1])
                merged.text = f"{num}. {title}" if num else title
                continue
            for c, text, role in zip(cells, row, roles):
                if role == "lead" and spans.get(i) == 0:
                    continue
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
            if NUMBER in roles:
                numbers.append(cells[roles.index(NUMBER)]._tc)
        for r, k, rowspan, colspan, text in merges:
            merged = table.cell(r, k).merge(table.cell(r + rowspan - 1, k + colspan - 1))
            if text is not None:
                merged.text = text
        for number in numbers:  # after the merges, which find cells by their place in the row
            tr = number.getparent()
            sdt = parse_xml(f'<w:sdt xmlns:w="{_W}"><w:sdtPr/><w:sdtContent/></w:sdt>')
            tr.replace(number, sdt)
            sdt.find(qn("w:sdtContent")).append(number)
        if layout.footnotes:
            for line in FOOTNOTES:
                doc.add_paragraph(line)
    doc.save(out)


PRODUCERS = {
    "chromium": (chromium, ".pdf"),
    "weasyprint": (weasyprint, ".pdf"),
    "lo-writer-pdf": (libreoffice_pdf, ".pdf"),
    "lo-writer-docx": (libreoffice_docx, ".docx"),
    "lo-calc-pdf": (libreoffice_calc_pdf, ".pdf"),
    "xlsx": (workbook, ".xlsx"),
    "pandoc": (pandoc_docx, ".docx"),
    "word-xml": (word_xml, ".docx"),
    "reportlab": (reportlab_pdf, ".pdf"),
    "sheet-tsv": (spreadsheet_tsv, ".tsv"),
    "ocrmypdf": (ocr_scan, ".pdf"),
}


# cells a producer cannot make: the bench and tests leave them out
CANNOT = {("pandoc", "title-cell"): "pandoc writes a table with a title row before its header as paragraphs"}


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
