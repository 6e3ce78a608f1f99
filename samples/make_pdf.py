"""Make the PDF samples the way commune offices make them: a Word file
(python-docx) printed to PDF by LibreOffice.

    python3 samples/make_pdf.py   # rewrites samples/pdf/, tests/data/bad/*.pdf, tests/data/scanned/

Content comes from the seed appendices in samples/tsv/. The Word files are
made in a temporary folder and only their PDFs kept. For a given LibreOffice
version the output is the same pages, text and layout on every run (only
timestamps and document ids in the files change); the PDFs are committed so
the tests do not need LibreOffice. Needs: libreoffice, pdftoppm
(poppler-utils), Pillow.

Samples (samples/pdf/, they load cleanly):
- xuan-hung-2026.pdf: landscape, ruled table, header row repeated on every
  page, rows allowed to break across pages, merged full-width section rows,
  page header and "Trang N" footer, a few extra long rows to force breaks;
- nghia-son-2026.pdf: the same kind of table, every page stored portrait with
  /Rotate 90 and its content turned (as some PDF printers write landscape);
- xuan-son-dti-2023.pdf: portrait, three borderless tables with headings
  between them;
- xuan-hung-borderless-2026.pdf: portrait, one borderless table over five
  pages whose header is NOT repeated, rows allowed to break across pages,
  section rows as number | title, page header and "Trang N" footer, and the
  signature block ("Nơi nhận" | "TM. ỦY BAN NHÂN DÂN") right after the table;
  part II's heading row is merged across the row.
    python3 samples/make_pdf.py xuan-hung-borderless-2026.pdf   # only this one
Test data (tests/data/):
- xuan-hung-borderless-centred-2026.pdf: the same with part II's merged
  heading centred, so it lines up with no column (the reader warns).
Scans (tests/data/scanned/, they need --ocr):
- xuan-hung-scan.pdf: page 1 of xuan-hung-2026.pdf as an image only (a scan,
  150 dpi); xuan-hung-scan-200dpi.pdf: pages 1-2 at 200 dpi;
  xuan-hung-scan-tilted.pdf: page 3 at 200 dpi turned 1° (fed askew).
Bad inputs (tests/data/bad/):
- xuan-hung-locked.pdf: xuan-hung-2026.pdf with the open password "chitieu";
- no-unicode-map.pdf: text in a font with no Unicode map (comes out as cids).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from chitieu.normalize.text import clean  # noqa: E402

HERE = Path(__file__).resolve().parent
TSV = HERE / "tsv"
OUT = HERE / "pdf"
BAD = HERE.parent / "tests" / "data" / "bad"
SCANNED = HERE.parent / "tests" / "data" / "scanned"
DATA = HERE.parent / "tests" / "data"
PASSWORD = "chitieu"


def read_seed(name: str) -> list[tuple]:
    """The seed as ("para", text) and ("table", header, rows) items, text as
    printed (no markup); page breaks, repeated headers and page-split data
    rows of the seed are undone."""
    items: list[tuple] = []
    table = None
    after_blank = False
    for line in (TSV / name).read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            if line.strip():
                items.append(("para", clean(line)))
                table = None
            after_blank = table is not None
            continue
        cells = [clean(c) for c in line.split("\t")]
        if table is None:
            table = ("table", cells, [])
            items.append(table)
        elif cells == table[1]:
            continue
        elif after_blank and not cells[0] and table[2] and any(table[2][-1][2:]):
            prev = table[2][-1]
            table[2][-1] = [f"{a} {b}".strip() for a, b in zip(prev, cells)]
        else:
            table[2].append(cells)
        after_blank = False
    return items


def _set(element, tag: str, **attrs) -> None:
    child = element.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        element.append(child)
    for k, v in attrs.items():
        child.set(qn(k), v)


def _page_field(paragraph) -> None:
    paragraph.add_run("Trang ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "nil")
        borders.append(b)
    table._tbl.tblPr.append(borders)


def new_document(landscape: bool, header: str | None):
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    if header:
        p = section.header.paragraphs[0]
        p.text = header
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.runs[0].italic = True
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(footer)
    return doc


def add_title(doc, text: str, bold=False, italic=False) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(2)
    run = p.add_run(text)
    run.bold, run.italic = bold, italic


def add_table(
    doc,
    header: list[str],
    rows: list[list[str]],
    widths_cm: list[float],
    ruled: bool = True,
    merge_sections: bool = True,
    cell_space: float = 0,
) -> None:
    table = doc.add_table(rows=0, cols=len(header))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if ruled:
        table.style = doc.styles["Table Grid"]
    else:
        _no_borders(table)
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)

    def fill(cells, texts, bold=False, centre=False):
        for cell, text, width in zip(cells, texts, widths_cm):
            cell.width = Cm(width)
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(cell_space)
            run = p.add_run(text)
            run.bold = bold
            if centre:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    head = table.add_row()
    fill(head.cells, header, bold=True, centre=True)
    _set(head._tr.get_or_add_trPr(), "w:tblHeader", **{"w:val": "true"})
    for texts in rows:
        row = table.add_row()
        filled = [t for t in texts if t]
        if merge_sections and len(filled) == 1 and texts[0]:
            merged = row.cells[0].merge(row.cells[-1])
            merged.paragraphs[0].add_run(texts[0]).bold = True
            continue
        fill(
            row.cells,
            texts,
            bold=not texts[-1] and not any(texts[2:]) and bool(texts[0]) and not texts[0][-1:].isdigit(),
        )


def convert(docx: Path, outdir: Path, filter_options: str | None = None) -> Path:
    target = "pdf" if filter_options is None else f"pdf:writer_pdf_Export:{filter_options}"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "libreoffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(outdir),
                str(docx),
            ],
            check=True,
            capture_output=True,
        )
    return outdir / (docx.stem + ".pdf")


EXTRA_XUAN_HUNG = [
    # long rows put where the page ends, so Word/LibreOffice breaks them across pages
    (
        "2.5.",
        [
            "2.6.",
            "100% thôn, tổ dân phố có hạ tầng mạng Internet cáp quang băng thông rộng cố định đến hộ gia đình, "
            "kết nối tới nhà văn hóa thôn và điểm sinh hoạt cộng đồng, bảo đảm phục vụ họp trực tuyến, học tập, "
            "khám chữa bệnh từ xa và các dịch vụ số thiết yếu của người dân trên địa bàn xã",
            "Phòng Văn hóa - Xã hội",
            "Văn phòng HĐND - UBND, Phòng Kinh tế, TT phục vụ HCC, Các doanh nghiệp viễn thông, Trưởng các thôn, "
            "tổ dân phố",
            "Tháng 12/2026",
            "",
        ],
    ),
    (
        "3.7.",
        [
            "3.8.",
            "100% cán bộ, công chức, viên chức và người hoạt động không chuyên trách cấp xã được bồi dưỡng, "
            "tập huấn kỹ năng số cơ bản, kỹ năng khai thác, sử dụng các nền tảng số dùng chung, kỹ năng bảo đảm an "
            "toàn thông tin cá nhân khi làm việc trên môi trường điện tử, sử dụng trợ lý ảo và trí tuệ nhân tạo "
            "trong xử lý công việc hằng ngày",
            "Phòng Văn hóa - Xã hội",
            "Văn phòng HĐND - UBND, Phòng Kinh tế, TT phục vụ HCC, Văn phòng Đảng ủy, "
            "MTTQ và các đoàn thể chính trị - xã hội",
            "Tháng 11/2026",
            "",
        ],
    ),
]


def xuan_hung(work: Path, out: Path) -> Path:
    items = read_seed("xuan-hung-phan-cong-chi-tieu-2026.tsv")
    header, rows = next((i[1], i[2]) for i in items if i[0] == "table")
    rows = list(rows)
    for after, extra in EXTRA_XUAN_HUNG:
        rows.insert(next(i for i, r in enumerate(rows) if r[0] == after) + 1, extra)
    doc = new_document(landscape=True, header="UBND xã Xuân Hưng - Kế hoạch chuyển đổi số năm 2026")
    add_title(doc, "PHỤ LỤC 1", bold=True)
    add_title(doc, "Phân công phụ trách theo dõi, kiểm tra, đôn đốc thực hiện chỉ tiêu", bold=True)
    add_title(doc, "và ban hành văn bản triển khai thực hiện các nhiệm vụ", bold=True)
    add_title(doc, "(Kèm theo Kế hoạch số 112/KH-UBND ngày 15/4/2026 của UBND xã Xuân Hưng)", italic=True)
    add_table(doc, header, rows, [1.4, 9.0, 4.6, 6.2, 2.5, 2.0])
    path = work / "xuan-hung-2026.docx"
    doc.save(path)
    return convert(path, out)


def nghia_son(work: Path, out: Path) -> Path:
    items = read_seed("nghia-son-muc-tieu-2026.tsv")
    header, rows = next((i[1], i[2]) for i in items if i[0] == "table")
    doc = new_document(landscape=True, header=None)
    add_title(doc, "Phụ lục I: Danh mục các mục tiêu cụ thể và phân công thực hiện", bold=True)
    add_title(doc, "(Kèm theo Kế hoạch số: 27/KH-UBND ngày 20/3/2026 của UBND xã Nghĩa Sơn)", italic=True)
    add_table(doc, header, rows, [1.0, 7.2, 1.6, 1.6, 4.2, 3.4, 3.6, 2.6], merge_sections=False)
    path = work / "nghia-son-2026.docx"
    doc.save(path)
    pdf = convert(path, out)
    rotate_pages(pdf)
    return pdf


def xuan_son(work: Path, out: Path) -> Path:
    items = read_seed("xuan-son-dti-2023.tsv")
    doc = new_document(landscape=False, header=None)
    widths = {4: [1.4, 7.2, 4.2, 4.2], 6: [1.4, 4.8, 2.2, 2.6, 3.0, 3.0]}
    for item in items:
        if item[0] == "para":
            add_title(doc, item[1], bold=item[1].isupper())
        else:
            header, rows = item[1], item[2]
            add_table(doc, header, rows, widths[len(header)], ruled=False, merge_sections=False, cell_space=4)
            doc.add_paragraph()
    path = work / "xuan-son-dti-2023.docx"
    doc.save(path)
    return convert(path, out)


def xuan_hung_borderless(work: Path, out: Path, centred: bool = False) -> Path:
    """The Xuân Hưng table borderless and portrait, its header on page 1 only;
    section rows as number | title, but part II's merged across the row (and
    centred when `centred`)."""
    items = read_seed("xuan-hung-phan-cong-chi-tieu-2026.tsv")
    header, rows = next((i[1], i[2]) for i in items if i[0] == "table")
    split = []
    for texts in rows:
        heading = NUMBERED_HEADING.fullmatch(texts[0]) if not any(texts[1:]) else None
        split.append([heading[1], heading[2]] + [""] * (len(texts) - 2) if heading and heading[1] != "II." else texts)
    doc = new_document(landscape=False, header="UBND xã Xuân Hưng - Kế hoạch chuyển đổi số năm 2026")
    add_title(doc, "PHỤ LỤC 1", bold=True)
    add_title(doc, "Phân công phụ trách theo dõi, kiểm tra, đôn đốc thực hiện chỉ tiêu", bold=True)
    add_title(doc, "(Kèm theo Kế hoạch số 112/KH-UBND ngày 15/4/2026 của UBND xã Xuân Hưng)", italic=True)
    add_table(doc, header, split, [1.3, 5.4, 3.2, 3.7, 2.0, 1.4], ruled=False, cell_space=2)
    table = doc.tables[-1]
    head = table.rows[0]._tr.trPr
    head.remove(head.find(qn("w:tblHeader")))  # the header is printed on page 1 only
    if centred:
        part_two = next(r for r in table.rows if r.cells[0].text.startswith("II."))
        part_two.cells[0].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    signature = doc.add_table(rows=1, cols=2)
    _no_borders(signature)
    left, right = signature.rows[0].cells
    for cell, lines in ((left, SIGNATURE_LEFT), (right, SIGNATURE_RIGHT)):
        cell.paragraphs[0].add_run(lines[0]).bold = True
        for line in lines[1:]:
            p = cell.add_paragraph(line)
            if cell is right:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if cell is right:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    path = work / ("xuan-hung-borderless-centred-2026.docx" if centred else "xuan-hung-borderless-2026.docx")
    doc.save(path)
    return convert(path, out)


NUMBERED_HEADING = re.compile(r"([IVX]+\.|\d+\.)\s+(.+)")
SIGNATURE_LEFT = ["Nơi nhận:", "- Như trên;", "- Các cơ quan, đơn vị;", "- Lưu: VT, VHXH."]
SIGNATURE_RIGHT = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "", "", "Nguyễn Văn Hưng"]


def rotate_pages(pdf: Path) -> None:
    """Store every page portrait with /Rotate 90 and its content turned a
    quarter anticlockwise, so it shows as before (an incremental update)."""
    data = pdf.read_bytes()
    objects = {int(m[1]): _dictionary(data, m.end()) for m in re.finditer(rb"(\d+) 0 obj\s*", data)}
    pages = [(n, d) for n, d in objects.items() if re.search(rb"/Type\s*/Page\b", d)]
    next_id = max(objects) + 1
    size_match = re.findall(rb"/Size (\d+)", data)
    size = max(next_id, *(int(s) for s in size_match))
    root = re.findall(rb"/Root (\d+ 0 R)", data)[-1]
    info = re.findall(rb"/Info (\d+ 0 R)", data)
    startxref = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    body = b""
    offsets: dict[int, int] = {}
    for number, page in sorted(pages):
        w, h = (float(v) for v in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", page).groups())
        contents = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", page)[1]
        old = contents.strip(b"[]").strip()
        pre, post = size, size + 1
        size += 2
        for obj_id, stream in ((pre, f"q 0 1 -1 0 {h:.4f} 0 cm\n".encode()), (post, b"\nQ\n")):
            offsets[obj_id] = len(data) + len(body)
            body += f"{obj_id} 0 obj\n<</Length {len(stream)}>>\nstream\n".encode() + stream + b"\nendstream\nendobj\n"
        turned = b"/Contents[" + f"{pre} 0 R ".encode() + old + f" {post} 0 R]".encode()
        new_page = re.sub(rb"/Contents\s*(\[[^\]]*\]|\d+ 0 R)", lambda _: turned, page)
        new_page = re.sub(rb"/MediaBox\s*\[[^\]]*\]", f"/MediaBox[0 0 {h:.4f} {w:.4f}]/Rotate 90".encode(), new_page)
        offsets[number] = len(data) + len(body)
        body += f"{number} 0 obj\n".encode() + new_page + b"\nendobj\n"
    xref_at = len(data) + len(body)
    xref = b"xref\n"
    for obj_id in sorted(offsets):
        xref += f"{obj_id} 1\n{offsets[obj_id]:010d} 00000 n \n".encode()
    trailer = b"trailer\n<</Size " + str(size).encode() + b"/Root " + root
    if info:
        trailer += b"/Info " + info[-1]
    trailer += f"/Prev {startxref}>>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    pdf.write_bytes(data + body + xref + trailer)


def _dictionary(data: bytes, at: int) -> bytes:
    """The balanced << … >> starting at `at` (b"" when the object is no dictionary)."""
    if data[at : at + 2] != b"<<":
        return b""
    depth, i = 0, at
    while i < len(data):
        if data[i : i + 2] == b"<<":
            depth, i = depth + 1, i + 2
        elif data[i : i + 2] == b">>":
            depth, i = depth - 1, i + 2
            if depth == 0:
                return data[at:i]
        else:
            i += 1
    return b""


SCANS = [  # name, first and last page of xuan-hung-2026.pdf, dpi, degrees turned anticlockwise
    ("xuan-hung-scan.pdf", 1, 1, 150, 0.0),
    ("xuan-hung-scan-200dpi.pdf", 1, 2, 200, 0.0),
    ("xuan-hung-scan-tilted.pdf", 3, 3, 200, 1.0),
]


def scanned(source: Path, out: Path, name: str, first: int, last: int, dpi: int, angle: float) -> Path:
    """Pages of `source` as grey images only (JPEG, as a scanner stores them),
    turned by `angle` degrees on a white ground like a sheet fed askew."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-f", str(first), "-l", str(last), str(source), f"{tmp}/page"],
            check=True,
        )
        images = [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("page*.png"))]
        if angle:
            images = [i.rotate(angle, resample=Image.BICUBIC, fillcolor=255) for i in images]
        path = out / name
        images[0].save(path, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return path


def locked(docx: Path, out: Path) -> Path:
    options = (
        '{"EncryptFile":{"type":"boolean","value":"true"},'
        f'"DocumentOpenPassword":{{"type":"string","value":"{PASSWORD}"}}}}'
    )
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / "xuan-hung-locked.docx"
        shutil.copy(docx, staged)
        pdf = convert(staged, Path(tmp), options)
        return Path(shutil.copy(pdf, out / pdf.name))


def no_unicode_map(out: Path) -> Path:
    """A one-page PDF whose font (Identity-H, no ToUnicode) maps to no text."""
    content = b"BT /F1 14 Tf 72 760 Td <002B0048004F004F0052> Tj ET"
    objs = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length %d>>\nstream\n" % len(content) + content + b"\nendstream",
        b"<</Type/Font/Subtype/Type0/BaseFont/ABCDEF+VnTimes/Encoding/Identity-H/DescendantFonts[6 0 R]>>",
        b"<</Type/Font/Subtype/CIDFontType2/BaseFont/ABCDEF+VnTimes"
        b"/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/DW 500>>",
    ]
    path = out / "no-unicode-map.pdf"
    path.write_bytes(raw_pdf(objs))
    return path


def lzw_zeros(total: int) -> bytes:
    """LZW codes (PDF's, early change) that decode to at least `total` zero
    bytes (a stream bomb): each new code is the last string plus one zero, the
    table cleared when full."""
    out, acc, nbits = bytearray(), 0, 0

    def emit(code: int, length: int) -> None:
        nonlocal acc, nbits
        width = 12 if length >= 2047 else 11 if length >= 1023 else 10 if length >= 511 else 9
        acc, nbits = (acc << width) | code, nbits + width
        while nbits >= 8:
            nbits -= 8
            out.append((acc >> nbits) & 0xFF)
        acc &= (1 << nbits) - 1

    made, length = 0, 258
    while made < total:
        emit(256, length)
        emit(0, 258)
        made, length = made + 1, 258
        while made < total and length <= 4095:
            emit(length, length)
            made, length = made + length - 256, length + 1
    emit(257, length)
    return bytes(out) + (bytes([(acc << (8 - nbits)) & 0xFF]) if nbits else b"")


def raw_pdf(objs: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the catalog first) with its xref table."""
    data = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    data += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    data += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return data


def main() -> None:
    if sys.argv[1:]:
        only = {
            "xuan-hung-borderless-2026.pdf": lambda work: xuan_hung_borderless(work, OUT),
            "xuan-hung-borderless-centred-2026.pdf": lambda work: xuan_hung_borderless(work, DATA, centred=True),
        }
        with tempfile.TemporaryDirectory() as work:
            for name in sys.argv[1:]:
                print(only[name](Path(work)).relative_to(HERE.parent))
        return
    for folder in (OUT, BAD, SCANNED):
        folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        made = [xuan_hung(work, OUT), nghia_son(work, OUT), xuan_son(work, OUT)]
        made += [xuan_hung_borderless(work, OUT), xuan_hung_borderless(work, DATA, centred=True)]
        made += [scanned(made[0], SCANNED, *scan) for scan in SCANS]
        made.append(locked(work / "xuan-hung-2026.docx", BAD))
    made.append(no_unicode_map(BAD))
    for path in made:
        print(path.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
