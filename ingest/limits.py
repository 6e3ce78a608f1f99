"""Limits checked before the work: a file past one fails with one line naming
the limit and how to raise it, before it can swell or stall its worker."""

from __future__ import annotations

import math
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator

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
        raw = iter((_raw(archive, info),))
        if info.compress_type == zipfile.ZIP_DEFLATED and _counted(_inflate(raw, -15), cap) > info.file_size:
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


_SHEET_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_MERGE = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"\$?([A-Za-z]{1,3})\$?(\d{1,7}):\$?([A-Za-z]{1,3})\$?(\d{1,7})\""
)


def _column(letters: bytes) -> int:
    n = 0
    for c in letters.upper():
        n = n * 26 + c - 64
    return n


def check_sheet(xml: bytes, name: str, max_cells: int) -> None:
    """Cells a worksheet part (XLSX) holds, empty styled ones and those its
    merged ranges cover included, counted in its XML before openpyxl builds an
    object for each: a merge of the whole sheet is 17 billion cells."""
    cells = len(_SHEET_CELL.findall(xml))
    for left, top, right, bottom in _MERGE.findall(xml):
        cells += (abs(_column(right) - _column(left)) + 1) * (abs(int(bottom) - int(top)) + 1)
        if cells > max_cells:
            break
    if cells > max_cells:
        raise over(f"worksheet {name} holds more than {max_cells:,} cells", "max_table_cells", max_cells)


def check_blocks(blocks: list[Block], fmt: str, max_table_cells: int, max_cell_chars: int, max_file_chars: int) -> None:
    """Cells per table, characters per cell and in all the cells, as the reader of `fmt` found them."""
    total = 0
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
            total += sum(map(len, row.cells))
            if total > max_file_chars:
                raise over(f"the tables hold more than {max_file_chars:,} characters", "max_file_chars", max_file_chars)


def check_streams(doc, max_mb: float) -> None:
    """Every stream of a PDF (pdfminer's PDFDocument) decoded in chunks through
    its filters and counted, never held: one that decodes past `max_mb` is
    refused before pdfminer decodes it whole. The filters that can expand
    (Flate, LZW, RunLength) are streamed; ASCIIHex and ASCII85 only shrink."""
    from pdfminer.pdftypes import PDFStream

    cap = int(max_mb * 1024 * 1024)
    for objid, obj in _objects(doc):
        if not isinstance(obj, PDFStream) or obj.rawdata is None:
            continue
        try:
            filters = obj.get_filters()
            data = obj.rawdata
            if obj.decipher:
                data = obj.decipher(objid, obj.genno or 0, data, obj.attrs)
            row = max(_row_bytes(params) for _, params in filters) if filters else 0
        except Exception:
            continue
        if row > cap or _decoded(data, [f for f, _ in filters], cap) > cap:
            raise over(f"PDF stream {objid} inflates to more than {max_mb:g} MB", "max_stream_mb", max_mb)


def _objects(doc) -> Iterator[tuple[int, object]]:
    """Each object of a PDF once, by its number; a broken one is passed over
    (pdfminer reports it when it is used)."""
    seen: set[int] = set()
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            if objid in seen:
                continue
            seen.add(objid)
            try:
                yield objid, doc.getobj(objid)
            except Exception:
                continue


def _row_bytes(params) -> int:
    """Bytes of one row a predictor (DecodeParms) makes pdfminer allocate."""
    from pdfminer.pdftypes import resolve1

    params = resolve1(params)
    if not isinstance(params, dict) or "Predictor" not in params:
        return 0
    columns, colors, bits = (
        int(resolve1(params.get(k)) or default)
        for k, default in (("Columns", 1), ("Colors", 1), ("BitsPerComponent", 8))
    )
    return columns * colors * bits // 8


def _decoded(data: bytes, filters: list, cap: int) -> int:
    """Bytes `data` decodes to through `filters` (pdfminer's names), counted up
    to just past `cap`: each stage yields chunks of at most a megabyte and
    runs only as far as the count needs; a filter it does not know (an image's)
    ends the chain there."""
    from pdfminer import pdftypes as t

    chunks: Iterator[bytes] = iter((data,))
    for name in filters:
        if name in t.LITERALS_FLATE_DECODE:
            chunks = _inflate(chunks, zlib.MAX_WBITS)
        elif name in t.LITERALS_LZW_DECODE:
            chunks = _unlzw(chunks)
        elif name in t.LITERALS_RUNLENGTH_DECODE:
            chunks = _unrun(chunks)
        elif name in t.LITERALS_ASCIIHEX_DECODE:
            chunks = _whole(chunks, cap, t.asciihexdecode)
        elif name in t.LITERALS_ASCII85_DECODE:
            chunks = _whole(chunks, cap, t.ascii85decode)
        else:
            break
    return _counted(chunks, cap)


def _counted(chunks: Iterator[bytes], cap: int) -> int:
    """Bytes of `chunks` up to just past `cap`; a corrupt stream counts what decoded before the fault."""
    total = 0
    try:
        for chunk in chunks:
            total += len(chunk)
            if total > cap:
                break
    except (zlib.error, ValueError, TypeError, IndexError):
        pass
    return total


def _whole(chunks: Iterator[bytes], cap: int, decode) -> Iterator[bytes]:
    """A filter that only shrinks its input, applied to at most `cap` bytes of it at once."""
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if len(data) > 2 * cap:  # an ASCII filter halves at best what it is given
            break
    yield decode(bytes(data))


def _inflate(chunks: Iterator[bytes], wbits: int) -> Iterator[bytes]:
    d = zlib.decompressobj(wbits)
    for chunk in chunks:
        for start in range(0, len(chunk), 1 << 20):
            piece = chunk[start : start + (1 << 20)]
            while piece:
                yield d.decompress(piece, 1 << 20)
                piece = d.unconsumed_tail


def _unlzw(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """PDF's LZW (early change), as pdfminer decodes it."""
    table: list[bytes] = [bytes((c,)) for c in range(256)] + [b"", b""]
    prev, width, acc, nbits, out = b"", 9, 0, 0, bytearray()
    for chunk in chunks:
        for byte in chunk:
            acc, nbits = (acc << 8) | byte, nbits + 8
            while nbits >= width:
                nbits -= width
                code, acc = acc >> nbits, acc & ((1 << nbits) - 1)
                if code == 256:
                    del table[258:]
                    prev, width = b"", 9
                    continue
                if code == 257:
                    yield bytes(out)
                    return
                if not prev:
                    entry = table[code]
                elif code < len(table):
                    entry = table[code]
                    table.append(prev + entry[:1])
                elif code == len(table):
                    entry = prev + prev[:1]
                    table.append(entry)
                else:
                    raise ValueError("corrupt LZW data")
                width = 12 if len(table) >= 2047 else 11 if len(table) >= 1023 else 10 if len(table) >= 511 else 9
                prev = entry
                out += entry
                if len(out) >= 1 << 20:
                    yield bytes(out)
                    out = bytearray()
    yield bytes(out)


def _unrun(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """RunLengthDecode: a length byte n, then n + 1 bytes as they are (n < 128)
    or one byte 257 - n times (n > 128); 128 ends the data."""
    left, out = b"", bytearray()
    for chunk in chunks:
        data, i = left + chunk, 0
        while i < len(data):
            n = data[i]
            if n == 128:
                yield bytes(out)
                return
            step = n + 2 if n < 128 else 2
            if i + step > len(data):
                break
            out += data[i + 1 : i + step] if n < 128 else data[i + 1 : i + 2] * (257 - n)
            i += step
            if len(out) >= 1 << 20:
                yield bytes(out)
                out = bytearray()
        left = data[i:]
    yield bytes(out)


_RANGES = re.compile(rb"begin(?:bf|cid|notdef)range(.*?)end(?:bf|cid|notdef)range", re.S)
_RANGE = re.compile(rb"<([0-9A-Fa-f]{1,8})>\s*<([0-9A-Fa-f]{1,8})>\s*(?:<[0-9A-Fa-f\s]*>|\[[^\]]*\]|\d+)")


def check_fonts(doc, max_codes: int) -> None:
    """Codes each character map of a PDF (a font's /ToUnicode or /Encoding
    stream) declares by its ranges, counted before pdfminer lays every code out
    in memory: a range <00000000> <FFFFFFFF> is four billion of them."""
    from pdfminer.pdftypes import PDFStream, resolve1

    for objid, font in _objects(doc):
        try:
            maps = [resolve1(font.get(key)) for key in ("ToUnicode", "Encoding")] if isinstance(font, dict) else []
            codes = max(
                (
                    sum(
                        max(0, int(end, 16) - int(start, 16) + 1)
                        for block in _RANGES.findall(cmap.get_data())
                        for start, end in _RANGE.findall(block)
                    )
                    for cmap in maps
                    if isinstance(cmap, PDFStream)
                ),
                default=0,
            )
        except Exception:  # a broken object: pdfminer reports it when it is used
            continue
        if codes > max_codes:
            raise over(f"a font's character map (object {objid}) declares {codes:,} codes", "max_font_codes", max_codes)


def check_page(page, number: int, max_chars: int, max_ops: int) -> None:
    """Operators and glyphs a PDF page (pdfplumber's) draws, counted before its
    layout is built, each form (XObject) as often as it is drawn. Operators
    are counted in the content's bytes (strings left out); a page whose
    content is no longer than `max_chars` bytes cannot draw more glyphs, a
    longer one is interpreted once without keeping a glyph."""
    from pdfminer.pdfdevice import PDFDevice
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager

    size, ops = _drawn(page.page_obj, max(max_chars, max_ops))
    if ops > max_ops:
        raise over(f"page {number} draws more than {max_ops:,} operations", "max_page_ops", max_ops)
    if size <= max_chars:
        return

    class Glyphs(PDFDevice):
        glyphs = 0

        def render_string(self, textstate, seq, ncs, graphicstate) -> None:
            font = textstate.font
            for item in seq:
                if isinstance(item, bytes):
                    self.glyphs += len(font.decode(item)) if font else len(item)
            if self.glyphs > max_chars:
                raise over(f"page {number} draws more than {max_chars:,} glyphs", "max_page_chars", max_chars)

    manager = PDFResourceManager()
    PDFPageInterpreter(manager, Glyphs(manager)).process_page(page.page_obj)


_STRINGS = re.compile(rb"\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f\s]*>|%[^\r\n]*", re.S)
_OPERATOR = re.compile(rb"(?<![^\s\[\]()<>{}])[A-Za-z'\"][A-Za-z0-9*'\"]{0,2}(?![^\s\[\]()<>{}/%])")
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do(?![^\s\[\]()<>{}/%])")


def _drawn(page_obj, cap: int) -> tuple[int, int]:
    """(decoded bytes, operators) of a page's content streams, each form
    counted as many times as the content drawing it names it (a form drawn 30
    times in a form drawn 30 times is 900 copies), up to just past `cap`; a
    form that draws itself counts past `cap`."""
    from pdfminer.pdftypes import PDFStream, resolve1

    known: dict[int, tuple[int, int]] = {}

    def drawn(stream, resources, path: tuple) -> tuple[int, int]:
        stream = resolve1(stream)
        if not isinstance(stream, PDFStream):
            return 0, 0
        if id(stream) in path:
            return cap + 1, cap + 1
        if id(stream) in known:
            return known[id(stream)]
        data = stream.get_data()
        size, ops = len(data), len(_OPERATOR.findall(_STRINGS.sub(b" ", data)))
        forms = resolve1((resolve1(resources) or {}).get("XObject")) or {}
        for name, times in Counter(m.group(1) for m in _DO.finditer(data)).items():
            xobj = resolve1(forms.get(name.decode("latin-1")))
            if isinstance(xobj, PDFStream) and getattr(resolve1(xobj.get("Subtype")), "name", None) == "Form":
                more = drawn(xobj, resolve1(xobj.get("Resources")) or resources, (*path, id(stream)))
                size, ops = size + times * more[0], ops + times * more[1]
            if size > cap or ops > cap:
                break
        known[id(stream)] = size, ops
        return size, ops

    size = ops = 0
    for stream in page_obj.contents:
        more = drawn(stream, page_obj.resources, ())
        size, ops = size + more[0], ops + more[1]
        if size > cap or ops > cap:
            break
    return size, ops


def check_pixels(page, number: int, dpi: int, max_pixels: int) -> None:
    """Pixels of a PDF page (pdfplumber's) rendered at `dpi`, and of each image
    it holds as declared in the file, before anything is rendered or decoded."""
    rendered = math.ceil(page.width * dpi / 72) * math.ceil(page.height * dpi / 72)
    declared = max((int(w or 0) * int(h or 0) for w, h in (i.get("srcsize") or (0, 0) for i in page.images)), default=0)
    if max(rendered, declared) > max_pixels:
        what = "renders as" if rendered >= declared else "holds an image of"
        raise over(f"page {number} {what} {max(rendered, declared):,} pixels for OCR", "max_ocr_pixels", max_pixels)
