"""Limits checked before the work: a file past one fails with one line naming
the limit and how to raise it, before it can swell or stall its worker."""

from __future__ import annotations

import math
import zipfile
import zlib

from .exceptions import TooLarge
from .model import Block


def over(what: str, limit: str, value: float) -> TooLarge:
    """`what` (e.g. "a cell of 25,000 characters") is over the setting `limit` (its value `value`)."""
    return TooLarge(
        f"{what}, over the {limit} limit of {value:,}"
        if isinstance(value, int)
        else f"{what}, over the {limit} limit of {value:g}",
        f"raise it with --limit {limit}=N if the file is genuine",
    )


def read_part(archive: zipfile.ZipFile, name: str, max_mb: float, kind: str) -> bytes:
    """A part of an Office file, unzipped through a capped stream: no more than
    `max_mb` is ever inflated. zipfile stops at the declared size; a part that
    holds more than it declares (a zip bomb whose sizes lie) is named as such."""
    cap = int(max_mb * 1024 * 1024)
    try:
        with archive.open(name) as part:
            data = part.read(cap + 1)
    except zipfile.BadZipFile:  # the checksum, when the declared size cut the part short or it is damaged
        info = archive.getinfo(name)
        if info.compress_type == zipfile.ZIP_DEFLATED and _inflated(_raw(archive, info), 1, cap, -15) > info.file_size:
            raise TooLarge(
                f"{kind} part {name} unzips to more than the {info.file_size:,} bytes it declares",
                "it may be a zip bomb; ask for the file again",
            ) from None
        raise
    if len(data) > cap:
        raise TooLarge(
            f"{kind} part {name} unzips to more than {max_mb:g} MB",
            "raise --max-mb if the file is genuine; it may be a zip bomb",
        )
    return data


def _raw(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's compressed bytes, as stored after its local header."""
    fp = archive.fp
    assert fp is not None
    fp.seek(info.header_offset)
    header = fp.read(30)
    name_len, extra_len = int.from_bytes(header[26:28], "little"), int.from_bytes(header[28:30], "little")
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    return fp.read(info.compress_size)


def check_declared(archive: zipfile.ZipFile, max_mb: float, kind: str) -> None:
    """Refuse an Office file whose parts declare more than `max_mb` unzipped."""
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if total > max_mb * 1024 * 1024:
        biggest = max(infos, key=lambda i: i.file_size)
        raise TooLarge(
            f"{kind} unzips to {total / 1048576:.0f} MB ({biggest.filename}: "
            f"{biggest.file_size / 1048576:.0f} MB), over the {max_mb:g} MB limit",
            "raise --max-mb if the file is genuine; it may be a zip bomb",
        )


def check_unzipped(archive: zipfile.ZipFile, max_mb: float, kind: str) -> None:
    """The declared sizes, then every part read through the capped stream (for a
    library that unzips the parts itself): sizes that lie are caught too."""
    check_declared(archive, max_mb, kind)
    left = max_mb
    for info in archive.infolist():
        if not info.is_dir():
            left -= len(read_part(archive, info.filename, left, kind)) / 1048576


def check_blocks(blocks: list[Block], fmt: str, max_table_cells: int, max_cell_chars: int) -> None:
    """Cells per table and characters per cell, as the reader of `fmt` found them."""
    for number, block in enumerate(blocks, 1):
        cells = sum(len(row.cells) for row in block.rows)
        if cells > max_table_cells:
            raise over(f"table {number} has {cells:,} cells", "max_table_cells", max_table_cells)
        for row in block.rows:
            longest = max((len(c) for c in row.cells), default=0)
            if longest > max_cell_chars:
                where = (
                    f"page {row.page}"
                    if row.page
                    else f"table {number}, row {row.line}"
                    if fmt == "docx"
                    else f"line {row.line}"
                )
                raise over(f"a cell at {where} has {longest:,} characters", "max_cell_chars", max_cell_chars)


def check_streams(doc, max_mb: float) -> None:
    """Every stream of a PDF (pdfminer's PDFDocument) inflated in chunks and
    counted, never held: one that decodes past `max_mb` is refused before
    pdfminer decodes it whole."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream

    cap = int(max_mb * 1024 * 1024)
    seen: set[int] = set()
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            if objid in seen:
                continue
            seen.add(objid)
            try:
                obj = doc.getobj(objid)
            except Exception:  # a broken object: pdfminer reports it when it is used
                continue
            if not isinstance(obj, PDFStream) or obj.rawdata is None:
                continue
            try:
                filters = obj.get_filters()
                data = obj.rawdata
                if obj.decipher:
                    data = obj.decipher(objid, obj.genno or 0, data, obj.attrs)
            except Exception:
                continue
            flate = 0
            while flate < len(filters) and filters[flate][0] in LITERALS_FLATE_DECODE:
                flate += 1
            if flate and _inflated(data, flate, cap) > cap:
                raise over(f"PDF stream {objid} inflates to more than {max_mb:g} MB", "max_stream_mb", max_mb)


def _inflated(data: bytes, times: int, cap: int, wbits: int = zlib.MAX_WBITS) -> int:
    """Bytes `data` inflates to through `times` zlib filters in a row (`wbits`
    -15: raw deflate, as in a zip), counted up to just past `cap`, never held
    (a corrupt stream counts what inflated before the fault)."""
    stages = [zlib.decompressobj(wbits) for _ in range(times)]
    total = 0

    def feed(stage: int, chunk: bytes) -> None:
        nonlocal total
        if stage == times:
            total += len(chunk)
            return
        d = stages[stage]
        while chunk and total <= cap:
            feed(stage + 1, d.decompress(chunk, 1 << 20))
            chunk = d.unconsumed_tail

    try:
        for start in range(0, len(data), 1 << 20):
            feed(0, data[start : start + (1 << 20)])
            if total > cap:
                break
    except zlib.error:
        pass
    return total


def check_glyphs(page, number: int, max_chars: int) -> None:
    """Glyphs a PDF page (pdfplumber's) draws, counted before its layout is built.
    A page whose content and forms are no longer than `max_chars` bytes cannot
    draw more glyphs; a longer one is interpreted once without keeping a glyph."""
    from pdfminer.pdfdevice import PDFDevice
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager

    if _content_bytes(page.page_obj) <= max_chars:
        return

    class Counter(PDFDevice):
        glyphs = 0

        def render_string(self, textstate, seq, ncs, graphicstate) -> None:
            font = textstate.font
            for item in seq:
                if isinstance(item, bytes):
                    self.glyphs += len(font.decode(item)) if font else len(item)
            if self.glyphs > max_chars:
                raise over(f"page {number} draws more than {max_chars:,} glyphs", "max_page_chars", max_chars)

    manager = PDFResourceManager()
    PDFPageInterpreter(manager, Counter(manager)).process_page(page.page_obj)


def _content_bytes(page_obj) -> int:
    """Decoded bytes of a page's content streams and of the forms (XObjects) it may draw."""
    from pdfminer.pdftypes import PDFStream, resolve1

    total, seen = 0, set()
    todo = [(stream, page_obj.resources) for stream in page_obj.contents]
    while todo:
        stream, resources = todo.pop()
        stream = resolve1(stream)
        if not isinstance(stream, PDFStream) or id(stream) in seen:
            continue
        seen.add(id(stream))
        total += len(stream.get_data())
        forms = resolve1((resolve1(resources) or {}).get("XObject")) or {}
        own = resolve1(stream.get("Resources")) or resources
        for xobj in (resolve1(x) for x in forms.values()):
            if isinstance(xobj, PDFStream) and getattr(resolve1(xobj.get("Subtype")), "name", None) == "Form":
                todo.append((xobj, resolve1(xobj.get("Resources")) or own))
    return total


def check_pixels(page, number: int, dpi: int, max_pixels: int) -> None:
    """Pixels of a PDF page (pdfplumber's) rendered at `dpi`, and of each image
    it holds as declared in the file, before anything is rendered or decoded."""
    rendered = math.ceil(page.width * dpi / 72) * math.ceil(page.height * dpi / 72)
    declared = max((int(w or 0) * int(h or 0) for w, h in (i.get("srcsize") or (0, 0) for i in page.images)), default=0)
    if max(rendered, declared) > max_pixels:
        what = "renders as" if rendered >= declared else "holds an image of"
        raise over(f"page {number} {what} {max(rendered, declared):,} pixels for OCR", "max_ocr_pixels", max_pixels)
