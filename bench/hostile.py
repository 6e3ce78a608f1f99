"""The adversarial sweep: hostile files and failing machines through the real CLI.

    python bench/hostile.py [--kind KIND] [-k SUBSTRING] [--list] [--json OUT]

Builds each case in a fresh folder beside one good plan (good.tsv), runs
`python -m chitieu ingest FOLDER --jobs 1 --report R` (or the command the case
names) in a session of its own, watching the peak resident memory of every
process of that session, and checks the outcome:

- each bad file gets exactly one line `error: FILE: reason (how to fix)` (a
  reader bug, "unexpected …", is a failure), a file that may load either
  loads or gets that line; no other error line and no other output;
- the good plan is loaded, the exit code is 1 when a file failed, else 0;
- no traceback, nothing printed that a terminal would run or turn around
  (control or bidi characters), no process of the session left once the
  command has ended, the time (`--seconds`, 60) and peak memory (`--mb`,
  1200) within limits;
- the case's own check where it has one: nothing false stored or exported
  (/etc/passwd never read, no formula reaching a spreadsheet, valid JSON).

Prints each failure, then the pass rate by kind.
"""

from __future__ import annotations

import argparse
import codecs
import functools
import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from samples.make_pdf import lzw_zeros

SAMPLES = ROOT / "samples"
DOCX = SAMPLES / "docx" / "xuan-hung-phan-cong-chi-tieu-2026.docx"
PDF = SAMPLES / "pdf" / "nghia-son-2026.pdf"
PG = os.environ.get("CHITIEU_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HEADER = "STT\tNội dung chỉ tiêu\tChỉ tiêu\tĐơn vị chủ trì\n"
GOOD = HEADER + "1\tTỷ lệ hồ sơ được số hóa\t≥ 90%\tPhòng Kinh tế\n"
FORMULA = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_TYPES = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    + "]>"
)


@dataclass
class Setup:
    """What a case built and what it must give."""

    bad: list[Path] = field(default_factory=list)  # each must fail with its one line
    maybe: list[Path] = field(default_factory=list)  # each may load or fail with its one line
    args: list[str] = field(default_factory=list)  # more ingest options
    argv: list[str] | None = None  # another command: then one error line (code != 0) or none
    code: int | None = None  # the exit code argv must give
    check: Callable[[Path], str | None] | None = None  # after the run: what is false, or None
    kill: tuple[float, int] | None = None  # (seconds, signal) sent to the command
    user: bool = False  # run as nobody (permissions mean nothing to root)
    good: bool = True  # the good plan must be loaded
    rows: dict[str, int] = field(default_factory=dict)  # file name -> rows it must have if loaded
    during: Callable[[], None] | None = None  # run in a thread while the command runs


@dataclass
class Case:
    kind: str
    name: str
    build: Callable[[Path, Path], Setup]  # (plans folder, scratch folder) -> Setup


CASES: list[Case] = []


def case(kind: str, name: str | None = None):
    def register(build):
        CASES.append(Case(kind, name or build.__name__.replace("_", "-"), build))
        return build

    return register


def put(folder: Path, name: str, data: bytes | str) -> Path:
    p = folder / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


# --- PDF -----------------------------------------------------------------


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def raw_pdf(objs: list[bytes], *, offsets: Callable[[int, int], int] | None = None, trailer: bytes = b"") -> bytes:
    """Objects numbered from 1 (the catalog first) with an xref table;
    `offsets(n, true_offset)` may lie about where each one is."""
    out, where = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for n, body in enumerate(objs, 1):
        where.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % (offsets(n, o) if offsets else o) for n, o in enumerate(where, 1))
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, trailer, xref)
    return bytes(out)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TABLE_TEXT = b"BT /F1 10 Tf 50 500 Td (STT) Tj 40 0 Td (Noi dung chi tieu) Tj 200 0 Td (Don vi chu tri) Tj ET"


def page_pdf(
    content: bytes = TABLE_TEXT,
    *,
    box: bytes = b"[0 0 842 595]",
    page: bytes = b"",
    resources: bytes = b"",
    font: bytes = FONT,
    extra: list[bytes] = (),
    filters: bytes = b"",
) -> bytes:
    """One page: catalog 1, pages 2, page 3, content 4, font 5, then `extra` (6, 7, …)."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> %s >> %s >>" % (box, resources, page),
            stream(content, filters),
            font,
            *extra,
        ]
    )


def image_pdf(filt: bytes, data: bytes, size: tuple[int, int] = (400, 300), parms: bytes = b"") -> bytes:
    """A page that is one image (a scan) in `filt`."""
    image = stream(
        data,
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 "
        b"/Filter %s %s" % (*size, filt, parms),
    )
    return page_pdf(b"q 842 0 0 595 0 0 cm /Im1 Do Q", resources=b"/XObject << /Im1 6 0 R >>", extra=[image])


def pdf_file(name: str, data: bytes, *args: str, maybe: bool = False, rows: int | None = None):
    def build(plans: Path, scratch: Path) -> Setup:
        p = put(plans, name, data() if callable(data) else data)
        return Setup(
            bad=[] if maybe else [p], maybe=[p] if maybe else [], args=list(args), rows={name: rows} if rows else {}
        )

    return build


def sample_pdf_edit(edit: Callable[[bytes], bytes]) -> Callable[[], bytes]:
    return lambda: edit(PDF.read_bytes())


def _pypdf_edit(change) -> Callable[[], bytes]:
    def make() -> bytes:
        import pypdf

        reader = pypdf.PdfReader(PDF)
        writer = pypdf.PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        change(writer)
        buf = io.BytesIO()
        writer.write(buf)
        return buf.getvalue()

    return make


def _run_length_bomb(mb: int) -> bytes:
    return b"\x81\x20" * (mb * 1024 * 1024 // 128) + b"\x80"  # each pair: 128 spaces


for name, data, args, maybe in [
    (
        "xref-everywhere.pdf",
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R >>",
            ],
            offsets=lambda n, o: 9,
        ),
        (),
        False,
    ),
    (
        "xref-past-end.pdf",
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R >>",
            ],
            offsets=lambda n, o: 10**9 + n,
        ),
        (),
        False,
    ),
    (
        "xref-prev-loop.pdf",
        lambda: raw_pdf(
            [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"], trailer=b"/Prev 9"
        ),
        (),
        False,
    ),
    (
        "xref-of-sample-zeroed.pdf",
        sample_pdf_edit(lambda d: re.sub(rb"\d{10} 00000 n", b"0000000000 00000 n", d)),
        (),
        True,
    ),
    (
        "objstm-extends-itself.pdf",
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
                stream(b"5 0 5 0 R", b"/Type /ObjStm /N 1 /First 4 /Extends 4 0 R"),
            ]
        ),
        (),
        False,
    ),
    (
        "objstm-lying-count.pdf",
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>",
                stream(b"6 0 7 3", b"/Type /ObjStm /N 1000000000 /First 8"),
            ]
        ),
        (),
        False,
    ),
    (
        "kids-repeat-100k.pdf",
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [" + b"3 0 R " * 100_000 + b"] /Count 100000 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] >>",
            ]
        ),
        (),
        False,
    ),
    (
        "pages-count-lies.pdf",
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 2000000000 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] >>",
            ]
        ),
        (),
        False,
    ),
    (
        "ten-thousand-empty-pages.pdf",
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids ["
                + b"".join(b"%d 0 R " % (3 + i) for i in range(10_000))
                + b"] /Count 10000 >>",
                *[
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Contents %d 0 R >>" % (10_003 + i)
                    for i in range(10_000)
                ],
                *[stream(b"") for _ in range(10_000)],
            ]
        ),
        (),
        False,
    ),
    ("zero-byte-page.pdf", lambda: page_pdf(b""), (), False),
    (
        "page-without-contents.pdf",
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] >>",
            ]
        ),
        (),
        False,
    ),
    ("mediabox-zero.pdf", lambda: page_pdf(box=b"[0 0 0 0]"), (), False),
    ("mediabox-inverted.pdf", lambda: page_pdf(box=b"[842 595 0 0]"), (), False),
    ("mediabox-garbage.pdf", lambda: page_pdf(box=b"[/a (b) 1]"), (), False),
    ("mediabox-huge-number.pdf", lambda: page_pdf(box=b"[0 0 " + b"9" * 400 + b" 595]"), (), False),
    ("rotate-45.pdf", lambda: page_pdf(page=b"/Rotate 45"), (), False),
    ("rotate-huge.pdf", lambda: page_pdf(page=b"/Rotate " + b"9" * 30), (), False),
    ("userunit-huge.pdf", lambda: page_pdf(page=b"/UserUnit 75000"), ("--ocr",), False),
    ("font-size-huge.pdf", lambda: page_pdf(b"BT /F1 " + b"9" * 400 + b" Tf 50 500 Td (STT) Tj ET"), (), False),
    (
        "text-matrix-huge.pdf",
        lambda: page_pdf(b"BT /F1 10 Tf 1e300 0 0 1e300 50 500 Tm (STT Noi dung) Tj ET"),
        (),
        False,
    ),
    ("font-size-zero.pdf", lambda: page_pdf(TABLE_TEXT.replace(b"10 Tf", b"0 Tf")), (), False),
    (
        "widths-two-million.pdf",
        lambda: page_pdf(
            font=b"<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 0 /LastChar 2000000 /Widths ["
            + b"1 " * 2_000_000
            + b"] >>"
        ),
        (),
        False,
    ),
    (
        "widths-firstchar-huge.pdf",
        lambda: page_pdf(
            font=b"<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 2147483647 /LastChar 0 /Widths [1 2 3] >>"
        ),
        (),
        False,
    ),
    (
        "tounicode-bfrange-bomb.pdf",
        lambda: page_pdf(
            font=b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
            extra=[
                stream(
                    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange 1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange endcmap end end"
                )
            ],
        ),
        (),
        False,
    ),
    (
        "tounicode-many-ranges.pdf",
        lambda: page_pdf(
            font=b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
            extra=[
                stream(
                    b"begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange 300 beginbfrange "
                    + b"<0000> <FFFF> <0041>\n" * 300
                    + b"endbfrange endcmap"
                )
            ],
        ),
        (),
        False,
    ),
    (
        "form-draws-itself.pdf",
        lambda: page_pdf(
            b"/X1 Do",
            resources=b"/XObject << /X1 6 0 R >>",
            extra=[
                stream(
                    b"/X1 Do",
                    b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X1 6 0 R >> >>",
                )
            ],
        ),
        (),
        False,
    ),
    (
        "forms-nested-fanout.pdf",
        lambda: page_pdf(
            b"/X1 Do",
            resources=b"/XObject << /X1 6 0 R >>",
            extra=[
                stream(
                    b"/X2 Do " * 30,
                    b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X2 7 0 R >> >>",
                ),
                stream(
                    b"/X3 Do " * 30,
                    b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X3 8 0 R >> >>",
                ),
                stream(
                    b"/X4 Do " * 30,
                    b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X4 9 0 R >> >>",
                ),
                stream(
                    b"BT /F1 1 Tf (a) Tj ET " * 30,
                    b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /Font << /F1 5 0 R >> >>",
                ),
            ],
        ),
        (),
        False,
    ),
    ("q-nesting-million.pdf", lambda: page_pdf(b"q " * 1_000_000 + TABLE_TEXT), (), False),
    ("array-nesting-deep.pdf", lambda: page_pdf(b"[" * 200_000 + b"]" * 200_000 + TABLE_TEXT), (), False),
    (
        "dict-nesting-deep.pdf",
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R /X " + b"<< /A " * 50_000 + b"1" + b" >>" * 50_000 + b" >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] >>",
            ]
        ),
        (),
        False,
    ),
    (
        "rect-bomb.pdf",
        lambda: page_pdf(
            b"".join(b"%d %d 5 5 re " % (i % 800, i // 800 * 5 % 590) for i in range(60_000)) + b"S " + TABLE_TEXT
        ),
        (),
        False,
    ),
    (
        "ruling-grid-bomb.pdf",
        lambda: page_pdf(
            b"".join(b"0 %d m 842 %d l " % (i, i) for i in range(0, 595, 1))
            + b"".join(b"%d 0 m %d 595 l " % (i, i) for i in range(0, 842, 1))
            + b"S "
            + TABLE_TEXT
        ),
        (),
        False,
    ),
    ("curve-bomb.pdf", lambda: page_pdf(b"0 0 m " + b"1 2 3 4 5 6 c " * 100_000 + b"S " + TABLE_TEXT), (), False),
    (
        "glyphs-150k-scattered.pdf",
        lambda: page_pdf(
            b"BT /F1 2 Tf "
            + b"".join(b"1 0 0 1 %d %d Tm (x) Tj " % (i * 7 % 840, i * 13 % 590) for i in range(150_000))
            + b"ET"
        ),
        (),
        False,
    ),
    (
        "inline-image-lying.pdf",
        lambda: page_pdf(b"q 842 0 0 595 0 0 cm BI /W 100000 /H 100000 /BPC 8 /CS /G ID \x00\x00\x00 EI Q"),
        ("--ocr",),
        False,
    ),
    (
        "inline-image-no-ei.pdf",
        lambda: page_pdf(b"q BI /W 10 /H 10 /BPC 8 /CS /G ID " + os.urandom(300_000)),
        (),
        False,
    ),
    ("jbig2-scan-ocr.pdf", lambda: image_pdf(b"/JBIG2Decode", os.urandom(4000)), ("--ocr",), False),
    (
        "ccitt-scan-ocr.pdf",
        lambda: image_pdf(
            b"/CCITTFaxDecode", os.urandom(4000), parms=b"/DecodeParms << /K -1 /Columns 400 /Rows 300 >>"
        ),
        ("--ocr",),
        False,
    ),
    (
        "jpeg-corrupt-ocr.pdf",
        lambda: image_pdf(b"/DCTDecode", b"\xff\xd8\xff\xe0" + os.urandom(4000)),
        ("--ocr",),
        False,
    ),
    ("jpx-corrupt-ocr.pdf", lambda: image_pdf(b"/JPXDecode", os.urandom(4000)), ("--ocr",), False),
    (
        "image-huge-declared-ocr.pdf",
        lambda: image_pdf(b"/FlateDecode", zlib.compress(b"\0" * 100), size=(1_000_000, 1_000_000)),
        ("--ocr",),
        False,
    ),
    (
        "annotations-only.pdf",
        lambda: page_pdf(
            b"",
            page=b"/Annots [6 0 R]",
            extra=[
                b"<< /Type /Annot /Subtype /FreeText /Rect [0 0 800 500] /Contents (STT Noi dung chi tieu Don vi chu tri) >>"
            ],
        ),
        (),
        False,
    ),
    (
        "acroform-only.pdf",
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Annots [4 0 R] >>",
                b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (a) /V (STT Noi dung) /Rect [0 0 100 20] >>",
            ]
        ),
        (),
        False,
    ),
    ("length-lies.pdf", lambda: page_pdf().replace(b"/Length %d" % len(TABLE_TEXT), b"/Length 999999999"), (), False),
    (
        "encrypt-unknown-filter.pdf",
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] >>",
                b"<< /Filter /Nonsense /V 9 /R 9 /O (x) /U (y) /P -1 >>",
            ],
            trailer=b"/Encrypt 4 0 R /ID [<00> <00>]",
        ),
        (),
        False,
    ),
    (
        "encrypt-v5-garbage.pdf",
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] >>",
                b"<< /Filter /Standard /V 5 /R 6 /O (x) /U (y) /OE (z) /UE (w) /P -1 /Length 256 >>",
            ],
            trailer=b"/Encrypt 4 0 R /ID [<00> <00>]",
        ),
        (),
        False,
    ),
    ("runlength-bomb.pdf", lambda: page_pdf(_run_length_bomb(300), filters=b"/Filter /RunLengthDecode"), (), False),
    (
        "asciihex-flate-bomb.pdf",
        lambda: page_pdf(
            zlib.compress(b" " * (300 << 20), 9).hex().encode() + b">",
            filters=b"/Filter [/ASCIIHexDecode /FlateDecode]",
        ),
        (),
        False,
    ),
    (
        "ascii85-flate-bomb.pdf",
        lambda: page_pdf(
            __import__("base64").a85encode(zlib.compress(b" " * (300 << 20), 9)) + b"~>",
            filters=b"/Filter [/ASCII85Decode /FlateDecode]",
        ),
        (),
        False,
    ),
    ("lzw-bomb.pdf", lambda: page_pdf(lzw_zeros(300 << 20), filters=b"/Filter /LZWDecode"), (), False),
    (
        "predictor-columns-huge.pdf",
        lambda: page_pdf(
            zlib.compress(TABLE_TEXT),
            filters=b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 100000000 /Colors 4 >>",
        ),
        (),
        False,
    ),
    ("header-only.pdf", b"%PDF-1.7\n%%EOF\n", (), False),
    ("header-then-40mb-garbage.pdf", lambda: b"%PDF-1.4\n" + b"1 0 obj\n" * (40 << 17), (), False),
    (
        "obj-lines-million.pdf",
        lambda: b"%PDF-1.4\n" + b"".join(b"%d 0 obj << >> endobj\n" % i for i in range(1_000_000)),
        (),
        False,
    ),
    ("sample-cut-in-xref.pdf", sample_pdf_edit(lambda d: d[: d.rfind(b"xref") + 30]), (), True),
    (
        "sample-catalog-gone.pdf",
        sample_pdf_edit(
            lambda d: d.replace(b"/Type /Catalog", b"/Type /Xatalog").replace(b"/Type/Catalog", b"/Type/Xatalog")
        ),
        (),
        True,
    ),
    (
        "sample-rotate-minus-270.pdf",
        _pypdf_edit(
            lambda w: [
                p.__setitem__(
                    __import__("pypdf").generic.NameObject("/Rotate"), __import__("pypdf").generic.NumberObject(-270)
                )
                for p in w.pages
            ]
        ),
        (),
        True,
    ),
]:
    case("pdf", name)(pdf_file(name, data, *args, maybe=maybe, rows=29 if name.startswith("sample-rotate") else None))


# --- Office files --------------------------------------------------------


def zipped(parts: list[tuple[str | zipfile.ZipInfo, bytes]], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, body in parts:
            z.writestr(name, body)
    return buf.getvalue()


def docx_parts(document: str, *more: tuple[str, bytes], types: str | None = None) -> list:
    listing = types or (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/word/document.xml" ContentType="{DOCX_TYPES}"/></Types>'
    )
    return [("[Content_Types].xml", listing.encode()), ("word/document.xml", document.encode()), *more]


def body(inner: str, prolog: str = "") -> str:
    return f'{prolog}<w:document xmlns:w="{W}"><w:body>{inner}</w:body></w:document>'


def tc(text: str, props: str = "") -> str:
    return f"<w:tc>{props}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def table(*rows: str, grid: int = 4) -> str:
    return f"<w:tbl><w:tblGrid>{'<w:gridCol/>' * grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


HEAD_ROW = "<w:tr>" + "".join(tc(h) for h in ("STT", "Nội dung chỉ tiêu", "Chỉ tiêu", "Đơn vị chủ trì")) + "</w:tr>"
ROW = "<w:tr>" + "".join(tc(h) for h in ("1", "Tỷ lệ thôn có Internet", "100%", "Phòng Kinh tế")) + "</w:tr>"
GOOD_DOCX = body(table(HEAD_ROW, ROW))


def sample_docx(change: Callable[[str, bytes], list[tuple[str, bytes]]], extra: list = ()) -> Callable[[], bytes]:
    """The sample DOCX with each part passed through `change(name, data)` (-> parts), and `extra` parts added."""

    def make() -> bytes:
        parts = []
        with zipfile.ZipFile(DOCX) as z:
            for info in z.infolist():
                parts += change(info.filename, z.read(info))
        return zipped(parts + list(extra))

    return make


def relinked(pattern: bytes, target: bytes):
    """The sample DOCX with the targets of its main part's relationships changed."""
    return sample_docx(lambda n, d: [(n, re.sub(pattern, target, d) if n == "word/_rels/document.xml.rels" else d)])


def entity_docx(prolog: str, text: str) -> bytes:
    return zipped(docx_parts(body(table(HEAD_ROW, ROW.replace("Tỷ lệ thôn có Internet", text)), prolog)))


def symlink_entry(name: str, target: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def numbering_docx(fmt: str, start: str) -> bytes:
    numbering = (
        f'<w:numbering xmlns:w="{W}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0">'
        f'<w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" '
        'Target="numbering.xml"/></Relationships>'
    )
    numbered = "<w:tc><w:p><w:pPr><w:numPr><w:ilvl w:val='0'/><w:numId w:val='1'/></w:numPr></w:pPr></w:p></w:tc>"
    row = "<w:tr>" + numbered + "".join(tc(h) for h in ("Tỷ lệ thôn có Internet", "100%", "Phòng Kinh tế")) + "</w:tr>"
    return zipped(
        docx_parts(
            body(table(HEAD_ROW, row, row)),
            ("word/numbering.xml", numbering.encode()),
            ("word/_rels/document.xml.rels", rels.encode()),
        )
    )


def passwd_check(run: Path) -> str | None:
    text = export_text(run)
    return "/etc/passwd was read into the database" if "root:" in text else None


def export_text(run: Path) -> str:
    done = chitieu(["export", "--db", str(run / "t.db")], run)
    return done.stdout.decode("utf-8", "replace")


def office_file(name: str, data, *args: str, maybe: bool = False, rows: int | None = None, check=None):
    def build(plans: Path, scratch: Path) -> Setup:
        p = put(plans, name, data() if callable(data) else data)
        return Setup(
            bad=[] if maybe else [p],
            maybe=[p] if maybe else [],
            args=list(args),
            rows={name: rows} if rows else {},
            check=check,
        )

    return build


XXE = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
XXE_PARAM = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "http://10.255.255.1/x.dtd"> %p;]>'
for name, data, maybe, rows, check in [
    ("laughs-document.docx", lambda: entity_docx(LAUGHS, "&lol9;"), True, None, None),
    (
        "laughs-content-types.docx",
        lambda: zipped(
            docx_parts(
                GOOD_DOCX,
                types=LAUGHS
                + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&lol9;</Types>',
            )
        ),
        True,
        None,
        None,
    ),
    (
        "laughs-quadratic.docx",
        lambda: entity_docx(f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "{"x" * 100_000}">]>', "&a;" * 20_000),
        True,
        None,
        None,
    ),
    ("xxe-document.docx", lambda: entity_docx(XXE, "Tỷ lệ &x;"), True, None, passwd_check),
    ("xxe-parameter-entity.docx", lambda: entity_docx(XXE_PARAM, "Tỷ lệ thôn có Internet"), True, None, None),
    (
        "xxe-content-types.docx",
        lambda: zipped(
            docx_parts(
                GOOD_DOCX,
                types=XXE
                + f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="{DOCX_TYPES}"/>&x;</Types>',
            )
        ),
        True,
        None,
        passwd_check,
    ),
    (
        "xxe-header.docx",
        sample_docx(
            lambda n, d: [
                (
                    n,
                    re.sub(rb"^(<\?xml[^>]*\?>)", XXE.encode().replace(b'<?xml version="1.0"?>', b"\\1"), d).replace(
                        b"</w:hdr>", b"<w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:hdr>"
                    )
                    if n.startswith("word/header")
                    else d,
                )
            ]
        ),
        True,
        55,
        passwd_check,
    ),
    (
        "zip-slip-entries.docx",
        sample_docx(lambda n, d: [(n, d)], [("../../../../tmp/chitieu-slip", b"x"), ("/etc/chitieu-abs", b"x")]),
        True,
        55,
        lambda run: "a zip entry was written outside" if Path("/tmp/chitieu-slip").exists() else None,
    ),
    (
        "zip-symlink-main-part.docx",
        lambda: zipped(
            [(n, d) if isinstance(n, str) else (n, d) for n, d in docx_parts(GOOD_DOCX)[:1]]
            + [(symlink_entry("word/document.xml", "/etc/passwd"), b"/etc/passwd")]
        ),
        False,
        None,
        passwd_check,
    ),
    (
        "zip-duplicate-main-part.docx",
        lambda: zipped(docx_parts(GOOD_DOCX) + [("word/document.xml", b"<junk")]),
        True,
        None,
        None,
    ),
    (
        "zip-duplicate-junk-first.docx",
        lambda: zipped([("word/document.xml", b"<junk")] + docx_parts(GOOD_DOCX)),
        True,
        None,
        None,
    ),
    ("zip-bzip2.docx", lambda: zipped(docx_parts(GOOD_DOCX), zipfile.ZIP_BZIP2), True, 1, None),
    ("zip-lzma.docx", lambda: zipped(docx_parts(GOOD_DOCX), zipfile.ZIP_LZMA), True, 1, None),
    (
        "zip-aes-method-99.docx",
        lambda: (
            zipped(docx_parts(GOOD_DOCX), zipfile.ZIP_STORED)
            .replace(b"PK\x03\x04\x14\x00\x00\x00\x00\x00", b"PK\x03\x04\x14\x00\x01\x00\x63\x00")
            .replace(b"PK\x01\x02\x14\x03\x14\x00\x00\x00\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x01\x00\x63\x00")
        ),
        False,
        None,
        None,
    ),
    (
        "zip-comment-64k.docx",
        lambda: zipped(docx_parts(GOOD_DOCX))[:-2] + b"\xff\xff" + b"PK\x05\x06" * 16383 + b"abc",
        True,
        None,
        None,
    ),
    ("zip-empty-document.docx", lambda: zipped(docx_parts("")), False, None, None),
    ("deep-elements.docx", lambda: zipped(docx_parts(body("<w:p>" * 100_000 + "</w:p>" * 100_000))), False, None, None),
    (
        "nested-tables-80.docx",
        lambda: zipped(
            docx_parts(
                body(
                    "".join("<w:tbl><w:tr><w:tc>" for _ in range(80))
                    + "<w:p/>"
                    + "</w:tc></w:tr></w:tbl>" * 80
                    + table(HEAD_ROW, ROW)
                )
            )
        ),
        True,
        1,
        None,
    ),
    (
        "header-is-document.docx",
        relinked(rb'Target="header\d*\.xml"', b'Target="document.xml"'),
        True,
        55,
        None,
    ),
    (
        "rels-escape-target.docx",
        relinked(rb'Target="(styles|numbering)\.xml"', b'Target="../../../../../etc/passwd"'),
        True,
        55,
        passwd_check,
    ),
    ("numbering-roman-googol.docx", lambda: numbering_docx("upperRoman", "1" + "0" * 100), True, None, None),
    ("numbering-letter-googol.docx", lambda: numbering_docx("lowerLetter", "1" + "0" * 100), True, None, None),
    ("numbering-decimal-5000-digits.docx", lambda: numbering_docx("decimal", "9" * 5000), True, None, None),
    ("numbering-negative.docx", lambda: numbering_docx("upperRoman", "-5"), True, None, None),
    (
        "gridspan-garbage.docx",
        lambda: zipped(
            docx_parts(
                body(
                    table(
                        HEAD_ROW,
                        "<w:tr>"
                        + tc("1", "<w:tcPr><w:gridSpan w:val='-7'/></w:tcPr>")
                        + tc("x", "<w:tcPr><w:gridSpan w:val='abc'/></w:tcPr>")
                        + tc("y", "<w:tcPr><w:gridSpan w:val='0'/></w:tcPr>")
                        + "</w:tr>",
                    )
                )
            )
        ),
        True,
        None,
        None,
    ),
    (
        "gridbefore-huge.docx",
        lambda: zipped(
            docx_parts(
                body(table(HEAD_ROW, "<w:tr><w:trPr><w:gridBefore w:val='100000000'/></w:trPr>" + tc("1") + "</w:tr>"))
            )
        ),
        False,
        None,
        None,
    ),
    (
        "gridafter-huge.docx",
        lambda: zipped(
            docx_parts(
                body(table(HEAD_ROW, "<w:tr><w:trPr><w:gridAfter w:val='100000000'/></w:trPr>" + tc("1") + "</w:tr>"))
            )
        ),
        True,
        None,
        None,
    ),
    (
        "vmerge-40k-rows.docx",
        lambda: zipped(
            docx_parts(
                body(
                    table(
                        HEAD_ROW,
                        *[
                            (
                                "<w:tr>"
                                + tc(str(i))
                                + tc(f"Chỉ tiêu {i}")
                                + tc("100%")
                                + tc(
                                    "Phòng Kinh tế" if i == 1 else "",
                                    "<w:tcPr><w:vMerge w:val='restart'/></w:tcPr>"
                                    if i == 1
                                    else "<w:tcPr><w:vMerge/></w:tcPr>",
                                )
                                + "</w:tr>"
                            )
                            for i in range(1, 40_001)
                        ],
                    )
                )
            )
        ),
        True,
        None,
        None,
    ),
    (
        "utf7-declared.docx",
        lambda: zipped(docx_parts(body(table(HEAD_ROW, ROW), '<?xml version="1.0" encoding="utf-7"?>'))),
        True,
        None,
        None,
    ),
    (
        "main-part-is-content-types.docx",
        lambda: zipped(
            docx_parts(
                GOOD_DOCX,
                types=f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/[Content_Types].xml" ContentType="{DOCX_TYPES}"/></Types>',
            )
        ),
        True,
        None,
        None,
    ),
    (
        "main-part-missing.docx",
        lambda: zipped(
            docx_parts(
                GOOD_DOCX,
                types=f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/nothing.xml" ContentType="{DOCX_TYPES}"/></Types>',
            )[:1]
        ),
        False,
        None,
        None,
    ),
]:
    case("docx", name)(office_file(name, data, maybe=maybe, rows=rows, check=check))


def xlsx_book(rows: list[list], *, edit: Callable[[str, bytes], bytes] | None = None, fmt=None) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if fmt:
        fmt(sheet)
    buf = io.BytesIO()
    book.save(buf)
    if not edit:
        return buf.getvalue()
    with zipfile.ZipFile(buf) as z:
        return zipped([(i.filename, edit(i.filename, z.read(i))) for i in z.infolist()])


XHEAD = ["STT", "Nội dung chỉ tiêu", "Chỉ tiêu", "Đơn vị chủ trì"]
XROW = [1, "Tỷ lệ thôn có Internet", "100%", "Phòng Kinh tế"]


def _sheet_edit(pattern: bytes, repl: bytes, part: str = "xl/worksheets/sheet1.xml"):
    return lambda n, d: re.sub(pattern, repl, d, count=1) if n == part else d


def _strings_book(strings: list[str], refs: int) -> bytes:
    """A workbook whose sheet has `refs` rows naming the shared strings."""
    head = "".join(f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>' for c, h in zip("ABCD", XHEAD))
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="s"><v>{r % len(strings)}</v></c><c r="D{r}" t="s"><v>0</v></c></row>'
        for r in range(2, refs + 2)
    )
    sst = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return _raw_book(
        f'<row r="1">{head}</row>{rows}',
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}">{sst}</sst>',
    )


def _raw_book(
    sheet_rows: str, sst: str | None = None, prolog: str = "", dimension: str = "", styles: str | None = None
) -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = [
        (
            "[Content_Types].xml",
            (
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                + (
                    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    if sst
                    else ""
                )
                + (
                    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                    if styles
                    else ""
                )
                + "</Types>"
            ).encode(),
        ),
        (
            "_rels/.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'.encode(),
        ),
        (
            "xl/workbook.xml",
            f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'.encode(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            (
                f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                + (f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>' if sst else "")
                + (f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>' if styles else "")
                + "</Relationships>"
            ).encode(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            f'{prolog}<worksheet xmlns="{ns}">{dimension}<sheetData>{sheet_rows}</sheetData></worksheet>'.encode(),
        ),
    ]
    if sst:
        parts.append(("xl/sharedStrings.xml", (prolog + sst).encode()))
    if styles:
        parts.append(("xl/styles.xml", styles.encode()))
    return zipped(parts)


def _inline_rows(*rows: list[str]) -> str:
    return "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(row))
        + "</row>"
        for r, row in enumerate(rows, 1)
    )


STYLES = (
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
    '<borders count="1"><border/></borders><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>'
)


def formulas_check(run: Path) -> str | None:
    """No exported cell a spreadsheet would run: a CSV cell starting like a
    formula (export, units export), an XLSX cell typed as a formula."""
    out = run / "out"
    out.mkdir(exist_ok=True)
    db = ["--db", str(run / "t.db")]
    chitieu(["export", "--format", "csv", "-o", str(out / "t.csv"), *db], run)
    chitieu(["export", "--format", "xlsx", "-o", str(out / "t.xlsx"), *db], run)
    chitieu(["units", "export", str(out / "share"), *db], run)
    cells = []
    for f in [out / "t.csv", *sorted((out / "share").glob("*.csv"))]:
        if f.exists():
            cells += [c for row in csv.reader(open(f, encoding="utf-8-sig", newline="")) for c in row]
    if (out / "t.xlsx").exists():
        import openpyxl

        for sheet in openpyxl.load_workbook(out / "t.xlsx").worksheets:
            for row in sheet.iter_rows():
                for c in row:
                    if c.data_type == "f":  # a typed text cell ("+1") is shown, never run
                        return f"xlsx export holds a formula: {c.value!r}"
    bad = [c for c in cells if c.startswith(FORMULA)]
    return f"exported cells a spreadsheet would run: {bad[:3]}" if bad else None


for name, data, maybe, rows, check in [
    (
        "million-styled-cells.xlsx",
        lambda: _raw_book(
            _inline_rows(XHEAD, [str(v) for v in XROW])
            + "".join(
                f'<row r="{r}">'
                + "".join(f'<c r="{c}{r}" s="1"/>' for c in ("E", "F", "G", "H", "I", "J", "K", "L", "M", "N"))
                + "</row>"
                for r in range(3, 100_003)
            ),
            styles=STYLES,
        ),
        True,
        None,
        None,
    ),
    (
        "columns-16384.xlsx",
        lambda: _raw_book(
            _inline_rows(XHEAD, [str(v) for v in XROW]).replace(
                "</row>", '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1
            ),
            dimension='<dimension ref="A1:XFD2"/>',
        ),
        True,
        None,
        None,
    ),
    (
        "merge-whole-sheet.xlsx",
        lambda: xlsx_book(
            [XHEAD, XROW],
            edit=_sheet_edit(
                rb"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A3:XFD1048576"/></mergeCells>'
            ),
        ),
        True,
        None,
        None,
    ),
    (
        "merges-100k.xlsx",
        lambda: xlsx_book(
            [XHEAD, XROW],
            edit=_sheet_edit(
                rb"</sheetData>",
                b"</sheetData><mergeCells>"
                + b"".join(b'<mergeCell ref="E%d:F%d"/>' % (r, r) for r in range(3, 100_003))
                + b"</mergeCells>",
            ),
        ),
        True,
        None,
        None,
    ),
    ("shared-strings-bomb.xlsx", lambda: _strings_book(["Tỷ lệ " + "x" * 19_990], 9_000), True, None, None),
    ("shared-strings-million.xlsx", lambda: _strings_book([f"s{i}" for i in range(1_000_000)], 10), True, None, None),
    (
        "shared-string-index-lies.xlsx",
        lambda: _raw_book(
            _inline_rows(XHEAD) + '<row r="2"><c r="B2" t="s"><v>99999999</v></c></row>',
            sst='<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>a</t></si></sst>',
        ),
        False,
        None,
        None,
    ),
    (
        "formula-cells.xlsx",
        lambda: xlsx_book(
            [
                XHEAD,
                [1, '=HYPERLINK("http://x.invalid","Tỷ lệ")', "=1+1", '=cmd|" /C calc"!A0'],
                [2, "@SUM(A1:A2)", "+1", "-1+2"],
            ]
        ),
        True,
        None,
        formulas_check,
    ),
    (
        "formula-cached-values.xlsx",
        lambda: xlsx_book(
            [XHEAD, XROW],
            edit=_sheet_edit(
                rb'<c r="B2" t="inlineStr"><is><t>[^<]*</t></is></c>',
                '<c r="B2" t="str"><f>A1</f><v>=HYPERLINK("http://x.invalid","Tỷ lệ")</v></c>'.encode(),
            ),
        ),
        True,
        None,
        formulas_check,
    ),
    (
        "laughs-sheet.xlsx",
        lambda: _raw_book(_inline_rows(XHEAD, ["1", "&lol9;", "1", "x"]), prolog=LAUGHS),
        True,
        None,
        None,
    ),
    (
        "laughs-shared-strings.xlsx",
        lambda: _raw_book(
            _inline_rows(XHEAD) + '<row r="2"><c r="B2" t="s"><v>0</v></c></row>',
            sst='<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>',
            prolog=LAUGHS,
        ),
        True,
        None,
        None,
    ),
    (
        "xxe-sheet.xlsx",
        lambda: _raw_book(_inline_rows(XHEAD, ["1", "Tỷ lệ &x;", "100%", "Phòng Kinh tế"]), prolog=XXE),
        True,
        None,
        passwd_check,
    ),
    (
        "xxe-shared-strings.xlsx",
        lambda: _raw_book(
            _inline_rows(XHEAD)
            + '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="s"><v>0</v></c><c r="D2" t="inlineStr"><is><t>Phòng Kinh tế</t></is></c></row>',
            sst='<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Tỷ lệ &x;</t></si></sst>',
            prolog=XXE,
        ),
        True,
        None,
        passwd_check,
    ),
    (
        "date-serial-huge.xlsx",
        lambda: _raw_book(
            _inline_rows(XHEAD)
            + '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>Tỷ lệ</t></is></c><c r="C2" s="1"><v>1e300</v></c></row>',
            styles=STYLES,
        ),
        True,
        None,
        None,
    ),
    (
        "date-serial-negative.xlsx",
        lambda: _raw_book(
            _inline_rows(XHEAD)
            + '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>Tỷ lệ</t></is></c><c r="C2" s="1"><v>-99999999</v></c></row>',
            styles=STYLES,
        ),
        True,
        None,
        None,
    ),
    (
        "number-5000-digits.xlsx",
        lambda: _raw_book(
            _inline_rows(XHEAD)
            + f'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>Tỷ lệ</t></is></c><c r="C2"><v>{"9" * 5000}</v></c></row>'
        ),
        True,
        None,
        None,
    ),
    (
        "row-index-huge.xlsx",
        lambda: _raw_book(
            _inline_rows(XHEAD, [str(v) for v in XROW])
            + '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        ),
        True,
        None,
        None,
    ),
    (
        "cell-ref-garbage.xlsx",
        lambda: _raw_book('<row r="1"><c r="ZZZZZZZ99999999999" t="inlineStr"><is><t>STT</t></is></c></row>'),
        False,
        None,
        None,
    ),
    (
        "sheets-2000.xlsx",
        lambda: xlsx_book([XHEAD, XROW], fmt=lambda s: [s.parent.create_sheet(f"S{i}") for i in range(2000)]),
        True,
        None,
        None,
    ),
]:
    case("xlsx", name)(office_file(name, data, maybe=maybe, rows=rows, check=check))


# --- text ----------------------------------------------------------------


def json_check(run: Path) -> str | None:
    """The JSONL export must parse as strict JSON (no NaN/Infinity)."""

    def refuse(constant):
        raise ValueError(constant)

    for line in export_text(run).splitlines():
        try:
            json.loads(line, parse_constant=refuse)
        except ValueError as e:
            return f"export is not valid JSON: {e}"
    return None


def bidi_check(run: Path) -> str | None:
    text = export_text(run)
    found = BIDI.search(text)
    return f"a bidi control {found.group()!r} reached the export" if found else None


def text_file(name: str, data, *, maybe: bool = False, check=None, args=()):
    def build(plans: Path, scratch: Path) -> Setup:
        p = put(plans, name, data() if callable(data) else data)
        return Setup(bad=[] if maybe else [p], maybe=[p] if maybe else [], check=check, args=list(args))

    return build


def _row(
    target: str = "100%", text: str = "Tỷ lệ thôn có Internet", agency: str = "Phòng Kinh tế", deadline=None
) -> str:
    if deadline is None:
        return HEADER + f"1\t{text}\t{target}\t{agency}\n"
    return (
        "STT\tNội dung chỉ tiêu\tChỉ tiêu\tThời hạn\tĐơn vị chủ trì\n" + f"1\t{text}\t{target}\t{deadline}\t{agency}\n"
    )


for name, data, maybe, check in [
    ("one-45mb-line.tsv", lambda: "x\t" * (22 << 20), False, None),
    ("one-200mb-line.tsv", lambda: b"x" * (200 << 20), False, None),
    ("nul-filled.tsv", lambda: b"\0" * (10 << 20), False, None),
    ("nul-filled.pdf", lambda: b"\0" * (1 << 20), False, None),
    ("nul-filled.docx", lambda: b"\0" * (1 << 20), False, None),
    ("bom-only.tsv", codecs.BOM_UTF8, False, None),
    ("utf32.tsv", lambda: GOOD.encode("utf-32"), True, None),
    ("utf16-no-bom.tsv", lambda: GOOD.encode("utf-16-le"), True, None),
    ("newlines-5-million.tsv", lambda: "\n" * 5_000_000, False, None),
    ("tabs-only-lines.tsv", lambda: "\t\t\t\n" * 1_000_000, False, None),
    ("million-tabs-header.tsv", lambda: HEADER.replace("\n", "\t" * 1_000_000 + "\n") + "1\tx\t1\ty\n", False, None),
    (
        "rows-45k.tsv",
        lambda: (
            HEADER
            + "".join(
                f"{i}\tChỉ tiêu số {i} về chuyển đổi số\t≥ {i % 100}%\tPhòng Kinh tế, Công an xã\n"
                for i in range(1, 45_001)
            )
        ),
        True,
        None,
    ),
    ("quotes-100k.tsv", lambda: HEADER + "1\t" + '"' * 100_000 + "\t1\tx\n", True, None),
    ("quote-then-long-cell.tsv", lambda: HEADER + '1\t"' + "Tỷ lệ\n" * 3_000 + "\t1\tx\n", True, None),
    (
        "carriage-returns-only.tsv",
        lambda: GOOD.replace("\n", "\r") + "2\tTỷ lệ thôn có Internet\t100%\tPhòng Kinh tế\r",
        True,
        None,
    ),
    ("header-30k-times.tsv", lambda: HEADER * 30_000, False, None),
    ("target-5000-digits.tsv", lambda: _row("≥ " + "9" * 5000 + "%"), True, json_check),
    ("target-400-digits.tsv", lambda: _row("≥ " + "9" * 400 + "%"), True, json_check),
    ("target-huge-exponent.tsv", lambda: _row("1e400"), True, json_check),
    ("target-range-huge.tsv", lambda: _row("từ " + "9" * 320 + " đến " + "9" * 330 + " người"), True, json_check),
    ("target-thousands-5000.tsv", lambda: _row(".".join(["999"] * 1700)), True, json_check),
    ("deadline-year-huge.tsv", lambda: _row(deadline="năm " + "9" * 30), True, json_check),
    (
        "deadline-bad-dates.tsv",
        lambda: _row(deadline="31/02/2026; tháng 13/2026; quý 7/2026; 00/00/0000"),
        True,
        json_check,
    ),
    (
        "title-date-impossible.tsv",
        lambda: "UBND XÃ HÒA PHÚ\nSố: 1/KH-UBND\tHòa Phú, ngày 31 tháng 02 năm 2026\n\n" + GOOD,
        True,
        json_check,
    ),
    (
        "title-year-huge.tsv",
        lambda: "UBND XÃ HÒA PHÚ\nHòa Phú, ngày 1 tháng 1 năm " + "9" * 40 + "\n\n" + GOOD,
        True,
        json_check,
    ),
    ("title-commune-100k.tsv", lambda: "UBND XÃ " + "HÒA " * 25_000 + "\n\n" + GOOD, True, None),
    ("row-number-deep.tsv", lambda: HEADER + "1" + ".1" * 5000 + "\tTỷ lệ\t100%\tPhòng Kinh tế\n", True, None),
    (
        "sections-deep.tsv",
        lambda: (
            HEADER
            + "".join(f"{'.'.join(['1'] * d)}\tMục {d}\t\t\n" for d in range(1, 400))
            + "1\tTỷ lệ\t100%\tPhòng Kinh tế\n"
        ),
        True,
        None,
    ),
    (
        "rtl-and-zero-width-cells.tsv",
        lambda: _row(text="Tỷ lệ\u202e thôn\u2066 có\u200f Internet", agency="Phòng\u202e Kinh\u200b tế\u2069"),
        True,
        bidi_check,
    ),
    (
        "agency-formulas.tsv",
        lambda: (
            HEADER
            + "".join(
                f"{i}\tChỉ tiêu {i}\t100%\t{a}\n"
                for i, a in enumerate(
                    ['=cmd|" /C calc"!A0', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "＝1+1", " =1+1", "=Phòng Kinh tế"], 1
                )
            )
        ),
        True,
        formulas_check,
    ),
    (
        "indicator-formulas.tsv",
        lambda: (
            HEADER
            + "".join(
                f"{i}\t{a}\t100%\tPhòng Kinh tế\n"
                for i, a in enumerate(['=HYPERLINK("http://x.invalid","x")', "@x", "-1", "+x", "＠x"], 1)
            )
        ),
        True,
        formulas_check,
    ),
    ("target-formula.tsv", lambda: _row(target="=1+1", deadline="=NOW()"), True, formulas_check),
    (
        "escape-sequences-cells.tsv",
        lambda: _row(text="Tỷ lệ \x1b]0;pwned\x07\x1b[2J thôn", agency="Phòng Kinh tế\x1b[31m"),
        True,
        lambda run: "an escape reached the export" if "\x1b" in export_text(run) else None,
    ),
    ("binary-then-header.tsv", lambda: os.urandom(2000) + GOOD.encode(), False, None),
]:
    case("tsv", name)(text_file(name, data, maybe=maybe, check=check))


# --- the file system -----------------------------------------------------


@case("fs")
def directory_named_pdf(plans, scratch):
    (plans / "x.pdf").mkdir()
    (plans / "x.pdf" / "inner.tsv").write_text(GOOD.replace("số hóa", "số hóa toàn trình"), "utf-8")
    return Setup()


@case("fs")
def directory_named_pdf_given(plans, scratch):
    d = scratch / "y.pdf"
    d.mkdir()
    return Setup(args=[str(d)])


@case("fs")
def fifo_named_tsv(plans, scratch):
    os.mkfifo(plans / "x.tsv")
    return Setup(bad=[plans / "x.tsv"])


@case("fs")
def fifo_given(plans, scratch):
    os.mkfifo(scratch / "pipe.tsv")
    return Setup(bad=[scratch / "pipe.tsv"], args=[str(scratch / "pipe.tsv")])


@case("fs")
def device_named_tsv(plans, scratch):
    (plans / "zero.tsv").symlink_to("/dev/zero")
    return Setup(bad=[plans / "zero.tsv"])


@case("fs")
def socket_named_tsv(plans, scratch):
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(plans / "s.tsv"))
    return Setup(bad=[plans / "s.tsv"])


@case("fs")
def no_read_permission(plans, scratch):
    p = put(plans, "secret.tsv", GOOD.replace("số hóa", "số hóa 2"))
    p.chmod(0)
    return Setup(bad=[p], user=True)


@case("fs")
def folder_no_permission(plans, scratch):
    d = plans / "locked"
    d.mkdir()
    put(d, "a.tsv", GOOD.replace("số hóa", "số hóa 3"))
    d.chmod(0)
    return Setup(user=True, maybe=[d], bad=[])


@case("fs")
def symlink_loop(plans, scratch):
    (plans / "a.tsv").symlink_to(plans / "b.tsv")
    (plans / "b.tsv").symlink_to(plans / "a.tsv")
    return Setup(bad=[plans / "a.tsv", plans / "b.tsv"])


@case("fs")
def symlink_self(plans, scratch):
    (plans / "self.tsv").symlink_to(plans / "self.tsv")
    return Setup(bad=[plans / "self.tsv"])


@case("fs")
def directory_symlink_loop(plans, scratch):
    (plans / "sub").mkdir()
    (plans / "sub" / "up").symlink_to(plans)
    return Setup()


@case("fs")
def file_changing_while_read(plans, scratch):
    p = put(plans, "moving.tsv", GOOD.replace("số hóa", "số hóa 4"))
    stop = time.monotonic() + 8

    def churn():
        i = 0
        while time.monotonic() < stop:
            i += 1
            with contextlib_suppress():
                p.write_text(GOOD.replace("số hóa", f"số hóa {i}") if i % 3 else "", "utf-8")
            time.sleep(0.001)

    return Setup(maybe=[p], during=churn)


class contextlib_suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return True


@case("fs")
def file_growing_past_limit(plans, scratch):
    p = put(plans, "growing.tsv", GOOD.replace("số hóa", "số hóa 5"))

    def grow():
        with open(p, "ab") as f:
            for _ in range(60):
                f.write(b"x" * (1 << 20))
                time.sleep(0.02)

    return Setup(maybe=[p], during=grow)


@case("fs")
def name_255_bytes(plans, scratch):
    name = ("đ" * 200)[: (255 - 4) // 2] + ".tsv"
    name = name if len(name.encode()) <= 255 else name[1:]
    p = put(plans, name, "Không có bảng\n")
    return Setup(bad=[p])


@case("fs")
def path_3000_bytes(plans, scratch):
    d = plans
    for i in range(25):
        d = d / ("thư mục " * 12)[:96]  # 120 bytes each
        d.mkdir()
    p = put(d, "x.tsv", "Không có bảng\n")
    return Setup(bad=[p])


@case("fs")
def rtl_override_in_name(plans, scratch):
    p = put(plans, "ke-hoach\u202egpj.tsv", "Không có bảng\n")
    return Setup(bad=[p])


@case("fs")
def zero_width_in_name(plans, scratch):
    p = put(plans, "go\u200bod.tsv", "Không có bảng\n")
    return Setup(bad=[p])


@case("fs")
def name_of_spaces_and_dash(plans, scratch):
    p = put(plans, "-v --db x.tsv", "Không có bảng\n")
    q = put(plans, "   .tsv", "Không có bảng nào\n")
    return Setup(bad=[p, q])


@case("fs")
def name_not_utf8_in_error(plans, scratch):
    p = plans / os.fsdecode(b"\xff\xfe-h\xe9.tsv")
    p.write_text("Không có bảng\n", "utf-8")
    return Setup(bad=[p])


@case("fs")
def sparse_huge_file(plans, scratch):
    p = plans / "sparse.tsv"
    with open(p, "wb") as f:
        f.truncate(100 << 30)
    return Setup(bad=[p])


@case("fs")
def two_thousand_files(plans, scratch):
    for i in range(2000):
        put(plans, f"f{i:04}.tsv", f"Ghi chú {i}\n")
    return Setup(bad=[plans / f"f{i:04}.tsv" for i in range(2000)])


# --- databases, outputs, signals ----------------------------------------


def command(argv_of: Callable[[Path, Path], list[str]], code: int = 1, **kw):
    def build(plans: Path, scratch: Path) -> Setup:
        return Setup(argv=argv_of(plans, scratch), code=code, **kw)

    return build


def _text_db(plans, scratch):
    (scratch / "notes.db").write_text("đây không phải cơ sở dữ liệu\n" * 100, "utf-8")
    return ["ingest", str(plans), "--db", str(scratch / "notes.db"), "--jobs", "1"]


def _dir_db(plans, scratch):
    (scratch / "dir.db").mkdir()
    return ["ingest", str(plans), "--db", str(scratch / "dir.db"), "--jobs", "1"]


def _pdf_db(plans, scratch):
    shutil.copy(PDF, scratch / "plan.db")
    return ["ingest", str(plans), "--db", str(scratch / "plan.db"), "--jobs", "1"]


def _pg(url_tail: str):
    return lambda plans, scratch: [
        "ingest",
        str(plans),
        "--db",
        PG.rsplit("@", 1)[0].split("//")[0] + "//" + url_tail,
        "--jobs",
        "1",
    ]


def _truncated_db(plans, scratch):
    done = chitieu(["ingest", str(plans), "--db", str(scratch / "t.db"), "--jobs", "1"], scratch)
    assert done.returncode == 0, done.stderr
    data = (scratch / "t.db").read_bytes()
    (scratch / "t.db").write_bytes(data[: len(data) // 3])
    put(plans, "other.tsv", GOOD.replace("số hóa", "số hóa 6"))
    return ["ingest", str(plans), "--db", str(scratch / "t.db"), "--jobs", "1"]


def _locked_export(plans, scratch):
    return ["export", "--format", "csv", "-o", str(scratch), "--db", str(_loaded_db(plans, scratch))]


def _loaded_db(plans, scratch) -> Path:
    db = scratch / "loaded.db"
    done = chitieu(["ingest", str(plans), "--db", str(db), "--jobs", "1"], scratch)
    assert done.returncode == 0, done.stderr
    return db


for name, argv, code in [
    ("db-is-a-text-file", _text_db, 1),
    ("db-is-a-directory", _dir_db, 1),
    ("db-is-a-pdf", _pdf_db, 1),
    ("db-truncated", _truncated_db, 1),
    ("db-bad-scheme", lambda p, s: ["ingest", str(p), "--db", "mysql://root@127.0.0.1/x", "--jobs", "1"], 1),
    ("db-garbage-url", lambda p, s: ["ingest", str(p), "--db", "postgresql+psycopg://[::1:5432/x", "--jobs", "1"], 1),
    (
        "pg-wrong-user",
        lambda p, s: ["ingest", str(p), "--db", "postgresql+psycopg://nosuchuser@127.0.0.1:5432/test", "--jobs", "1"],
        1,
    ),
    (
        "pg-wrong-password",
        lambda p, s: [
            "ingest",
            str(p),
            "--db",
            "postgresql+psycopg://nosuchuser:wrong@127.0.0.1:5432/test",
            "--jobs",
            "1",
        ],
        1,
    ),
    (
        "pg-unknown-host",
        lambda p, s: [
            "ingest",
            str(p),
            "--db",
            "postgresql+psycopg://postgres@no-such-host.invalid/test",
            "--jobs",
            "1",
        ],
        1,
    ),
    (
        "pg-closed-port",
        lambda p, s: ["ingest", str(p), "--db", "postgresql+psycopg://postgres@127.0.0.1:1/test", "--jobs", "1"],
        1,
    ),
    (
        "pg-unknown-database",
        lambda p, s: [
            "ingest",
            str(p),
            "--db",
            "postgresql+psycopg://postgres@127.0.0.1:5432/no_such_db_x",
            "--jobs",
            "1",
        ],
        1,
    ),
    (
        "pg-blackhole-host",
        lambda p, s: ["ingest", str(p), "--db", "postgresql+psycopg://postgres@10.255.255.1:5432/test", "--jobs", "1"],
        1,
    ),
    (
        "export-to-a-directory",
        lambda p, s: ["export", "--format", "csv", "-o", str(s), "--db", str(_loaded_db(p, s))],
        2,
    ),
    (
        "export-to-proc",
        lambda p, s: ["export", "--format", "csv", "-o", "/proc/chitieu.csv", "--db", str(_loaded_db(p, s))],
        1,
    ),
    (
        "export-xlsx-to-dev-full",
        lambda p, s: ["export", "--format", "xlsx", "-o", "/dev/full", "--db", str(_loaded_db(p, s))],
        1,
    ),
    ("export-jsonl-to-dev-full", lambda p, s: ["export", "-o", "/dev/full", "--db", str(_loaded_db(p, s))], 1),
    (
        "report-is-a-directory",
        lambda p, s: ["ingest", str(p), "--db", str(s / "t.db"), "--jobs", "1", "--report", str(s)],
        2,
    ),
    (
        "report-to-proc",
        lambda p, s: ["ingest", str(p), "--db", str(s / "t.db"), "--jobs", "1", "--report", "/proc/r.json"],
        1,
    ),
    (
        "units-export-to-a-file",
        lambda p, s: ["units", "export", str(put(s, "file", "x")), "--db", str(_loaded_db(p, s))],
        2,
    ),
    (
        "units-import-garbage",
        lambda p, s: (lambda d: ["units", "import", str(d), "--db", str(_loaded_db(p, s))])(
            (s / "share").mkdir() or put(s / "share", "units.csv", os.urandom(3000)).parent
        ),
        1,
    ),
    (
        "targets-to-dev-full",
        lambda p, s: [
            "targets",
            "--indicator",
            "infra.5g_coverage",
            "--format",
            "csv",
            "-o",
            "/dev/full",
            "--db",
            str(_loaded_db(p, s)),
        ],
        1,
    ),
]:
    case("db-and-outputs", name)(command(argv, code))


def _many_pdfs(plans: Path, n: int = 12) -> None:
    data = PDF.read_bytes()
    for i in range(n):
        put(plans, f"p{i:02}.pdf", data + b"%% copy %d\n" % i)


def _signal_case(sig: int, jobs: str, after: float):
    def build(plans: Path, scratch: Path) -> Setup:
        _many_pdfs(plans)
        return Setup(
            argv=["ingest", str(plans), "--db", str(scratch / "t.db"), "--jobs", jobs],
            code=None,
            kill=(after, sig),
            check=lambda run: _whole_documents(scratch / "t.db"),
        )

    return build


def _whole_documents(db: Path) -> str | None:
    if not db.exists():
        return None
    with sqlite3.connect(db) as conn:
        try:
            bad = conn.execute(
                "SELECT d.source, COUNT(r.id) FROM documents d LEFT JOIN target_rows r ON r.document_id = d.id "
                "GROUP BY d.id HAVING COUNT(r.id) NOT IN (1, 29)"
            ).fetchall()
        except sqlite3.Error:
            return None
    return f"half-stored documents: {bad}" if bad else None


for name, sig, jobs, after in [
    ("sigterm-loader", signal.SIGTERM, "1", 5.0),
    ("sigterm-loader-jobs-2", signal.SIGTERM, "2", 5.0),
    ("sighup-loader", signal.SIGHUP, "2", 5.0),
    ("sigint-early", signal.SIGINT, "2", 1.0),
    ("sigterm-early", signal.SIGTERM, "2", 0.8),
    ("kill-9-loader-jobs-2", signal.SIGKILL, "2", 5.0),
]:
    case("signals", name)(_signal_case(sig, jobs, after))


# --- running --------------------------------------------------------------


def env() -> dict:
    e = dict(os.environ, PYTHONPATH=str(ROOT.parent), PYTHONDONTWRITEBYTECODE="1")
    e.pop("CHITIEU_DB", None)
    return e


def chitieu(argv: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "chitieu", *argv], cwd=cwd, env=env(), capture_output=True, timeout=timeout
    )


@functools.cache
def as_nobody() -> bool:
    """Whether this Python and chitieu's libraries run as user nobody."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return False
    probe = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", "import rapidfuzz"]
    return subprocess.run(probe, capture_output=True, env=env(), cwd="/").returncode == 0


def session_processes(sid: int) -> dict[int, int]:
    """pid -> resident bytes of every process of session `sid`."""
    found = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != b"Z":
            found[int(entry)] = int(fields[21]) * page
    return found


@dataclass
class Outcome:
    problems: list[str]
    seconds: float
    peak_mb: float


def shown(path: str) -> str:
    from chitieu.cli import shown as cli_shown

    return cli_shown(path)


def run_case(c: Case, max_seconds: float, max_mb: float) -> Outcome:
    scratch = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        return _run(c, scratch, max_seconds, max_mb)
    finally:
        for p in scratch.rglob("*"):
            with contextlib_suppress():
                if not p.is_symlink():
                    p.chmod(0o700)
        shutil.rmtree(scratch, ignore_errors=True)


def _run(c: Case, scratch: Path, max_seconds: float, max_mb: float) -> Outcome:
    plans = scratch / "plans"
    plans.mkdir()
    put(plans, "good.tsv", GOOD)
    try:
        setup = c.build(plans, scratch)
    except Exception as e:  # the case itself could not be built
        return Outcome([f"case not built: {type(e).__name__}: {e}"], 0, 0)
    report = scratch / "r.json"
    if setup.argv is None:
        argv = [
            "ingest",
            str(plans),
            *setup.args,
            "--db",
            str(scratch / "t.db"),
            "--jobs",
            "1",
            "--report",
            str(report),
        ]
    else:
        argv = setup.argv
    prefix = []
    if setup.user:
        if not as_nobody():
            return Outcome(["skip: no unprivileged user can run this Python (root reads any file)"], 0, 0)
        for p in [scratch, *scratch.rglob("*")]:
            if not p.is_symlink():
                with contextlib_suppress():
                    os.chown(p, 65534, 65534)
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    start = time.monotonic()
    proc = subprocess.Popen(
        [*prefix, sys.executable, "-m", "chitieu", *argv],
        cwd=scratch,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    out: dict[str, bytes] = {}
    readers = [
        threading.Thread(target=lambda s=s, k=k: out.__setitem__(k, s.read()), daemon=True)
        for k, s in (("stdout", proc.stdout), ("stderr", proc.stderr))
    ]
    for t in readers:
        t.start()
    if setup.during:
        threading.Thread(target=setup.during, daemon=True).start()
    peak, problems, killed, seen = 0, [], False, set()
    while proc.poll() is None:
        procs = session_processes(proc.pid)
        seen |= set(procs)
        peak = max(peak, sum(procs.values()))
        elapsed = time.monotonic() - start
        if setup.kill and not killed and elapsed >= setup.kill[0]:
            os.kill(proc.pid, setup.kill[1])
            killed = True
        if elapsed > max_seconds:
            problems.append(f"hang: still running after {max_seconds:g} s")
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    proc.wait()
    seconds = time.monotonic() - start
    for t in readers:
        t.join(5)
    deadline = time.monotonic() + 3
    while (left := session_processes(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    if left:
        problems.append(f"{len(left)} process(es) left behind after the command ended")
        for pid in left:
            with contextlib_suppress():
                os.kill(pid, signal.SIGKILL)
    stdout = out.get("stdout", b"").decode("utf-8", "replace")
    stderr = out.get("stderr", b"").decode("utf-8", "replace")
    if "Traceback" in stdout + stderr:
        problems.append("traceback: " + (stdout + stderr).strip().splitlines()[-1][:200])
    peak_mb = peak / 1048576
    if peak_mb > max_mb:
        problems.append(f"peak memory {peak_mb:.0f} MB over {max_mb:g} MB")
    if seconds > max_seconds and not any(p.startswith("hang") for p in problems):
        problems.append(f"took {seconds:.0f} s")
    lines = stderr.splitlines()
    for line in lines:
        if not line.isprintable() or BIDI.search(line):
            problems.append(f"unsafe characters printed: {line[:120]!r}")
    errors = [line for line in lines if line.startswith("error: ")]
    others = [line for line in lines if not line.startswith(("error: ", "loaded: ", "skipped: "))]
    usage = any(line.startswith("Error: ") for line in lines)  # click's usage error: Usage, Try, Error lines
    if others and not setup.kill and not (setup.code == 2 and usage):
        problems.append(f"other output on stderr: {others[0][:160]!r}")
    if setup.kill:
        if setup.kill[1] != signal.SIGKILL:
            if len(errors) != 1:
                problems.append(f"{len(errors)} error lines after signal {setup.kill[1]} (want 1): {errors[:2]}")
            if proc.returncode == 0:
                problems.append("exit code 0 after a signal")
    elif setup.argv is not None:
        if setup.code is not None and proc.returncode != setup.code:
            problems.append(f"exit code {proc.returncode}, want {setup.code}")
        if setup.code == 2 and usage:
            pass
        elif setup.code and len(errors) != 1:
            problems.append(f"{len(errors)} error lines (want 1): {(errors or lines)[:2]}")
        for line in errors:
            if not re.search(r"\(.+\)$", line):
                problems.append(f"no fix given: {line[:160]!r}")
    else:
        problems += _ingest_problems(setup, errors, proc.returncode, report)
    if setup.check and not any(p.startswith("hang") for p in problems):
        try:
            lie = setup.check(scratch)
        except Exception as e:
            lie = f"check failed: {type(e).__name__}: {e}"
        if lie:
            problems.append("lie: " + lie)
    return Outcome(problems, seconds, peak_mb)


def _ingest_problems(setup: Setup, errors: list[str], code: int, report: Path) -> list[str]:
    problems = []
    named: dict[str, list[str]] = defaultdict(list)
    for line in errors:
        for p in setup.bad + setup.maybe:
            if line.startswith(f"error: {shown(str(p))}: "):
                named[str(p)].append(line)
                break
        else:
            problems.append(f"unexpected error line: {line[:200]!r}")
    failed = 0
    for p in setup.bad + setup.maybe:
        got = named.get(str(p), [])
        if p in setup.bad and not got and not (setup.user and p.is_dir()):
            problems.append(f"no error line for {p.name[:60]!r}")
        if len(got) > 1:
            problems.append(f"{len(got)} error lines for {p.name[:60]!r}")
        failed += bool(got)
        for line in got:
            reason = line[len(f"error: {shown(str(p))}: ") :]
            if not re.search(r"\(.+\)$", reason):
                problems.append(f"no fix given: {reason[:160]!r}")
            if reason.startswith(("unexpected ", "worker error", "the reader process died")):
                problems.append(f"reader bug: {reason[:160]!r}")
    want = 1 if failed or problems else 0
    if code != want and not (code == 1 and problems):
        problems.append(f"exit code {code}, want {want}")
    try:
        loaded = json.loads(report.read_text("utf-8"))["loaded"]
    except (OSError, ValueError, KeyError):
        return problems + ["no report written"]
    if setup.good and not any(r["path"].endswith("good.tsv") for r in loaded):
        problems.append("the good plan was not loaded")
    by_name = {Path(r["path"]).name: r["rows"] for r in loaded}
    for name, rows in setup.rows.items():
        if name in by_name and by_name[name] != rows:
            problems.append(f"{name} loaded {by_name[name]} rows, not {rows}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", action="append", help="only cases of this kind (repeatable)")
    parser.add_argument("-k", help="only cases whose name holds this")
    parser.add_argument("--list", action="store_true", help="list the cases and stop")
    parser.add_argument("--seconds", type=float, default=60, help="time one case may take")
    parser.add_argument("--mb", type=float, default=1200, help="peak resident memory of all its processes")
    parser.add_argument("--json", type=Path, help="write every outcome here")
    args = parser.parse_args()
    cases = [c for c in CASES if (not args.kind or c.kind in args.kind) and (not args.k or args.k in c.name)]
    if args.list:
        for c in cases:
            print(f"{c.kind:15} {c.name}")
        print(f"{len(cases)} cases")
        return
    by_kind: dict[str, list[bool]] = defaultdict(list)
    results = {}
    for c in cases:
        o = run_case(c, args.seconds, args.mb)
        if o.problems and o.problems[0].startswith("skip: "):
            print(f"skip {c.kind:15} {c.name:38} {o.problems[0][6:]}", flush=True)
            continue
        by_kind[c.kind].append(not o.problems)
        results[c.name] = {
            "kind": c.kind,
            "problems": o.problems,
            "seconds": round(o.seconds, 2),
            "peak_mb": round(o.peak_mb),
        }
        mark = "ok  " if not o.problems else "FAIL"
        print(f"{mark} {c.kind:15} {c.name:38} {o.seconds:6.1f} s {o.peak_mb:6.0f} MB", flush=True)
        for p in o.problems:
            print(f"       {p}", flush=True)
    print()
    print(f"{'kind':15} passed")
    for kind, oks in by_kind.items():
        print(f"{kind:15} {sum(oks)}/{len(oks)}")
    total = [ok for oks in by_kind.values() for ok in oks]
    print(f"{'all':15} {sum(total)}/{len(total)} ({100 * sum(total) / max(1, len(total)):.1f}%)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
