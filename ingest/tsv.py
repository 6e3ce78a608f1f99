"""Tab-separated appendix text -> blocks.

A line with two or more filled cells is a table row; a blank line is a page
break inside the table; a text line ends the table (and is a title line when
no table came before). A spreadsheet's "Text (Tab delimited)" pads every line
to the sheet's width: a line with one filled cell is a text line before the
first table or when a header row (or nothing) follows it, else a row (a
heading spanning the table). Before the first table, a title line split
over a few cells is one title line.
Cells quoted the way Excel writes them may span lines.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata

from . import legacy
from .exceptions import EncodingError, UnsupportedFormat
from .columns import is_header_row
from .model import Block, Extraction, SourceRow

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, encoding: str | None = None, warnings: list[str] | None = None) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1258 — line by
    line when a file mixes the two (named in `warnings`). Text in a legacy
    font encoding (TCVN3, VNI; ingest.legacy) is converted, and named in
    `warnings`; `encoding` may name one ("tcvn3", "vni")."""
    warnings = warnings if warnings is not None else []
    if encoding and (given := legacy.named(encoding)):
        return unicodedata.normalize(
            "NFC", legacy.convert(codecs.charmap_decode(data, "strict", _LEGACY_BYTES)[0], given)
        )
    if encoding:
        try:
            return _unicode(data.decode(encoding), warnings)
        except (UnicodeDecodeError, LookupError) as e:
            raise EncodingError(f"cannot decode as {encoding}: {e}", "try another --encoding") from None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _unicode(data.decode(enc), warnings)
            except UnicodeDecodeError:
                raise EncodingError(f"damaged {enc} text", "re-save the file as UTF-8") from None
    sample = data[:65536]
    controls = len(sample) - len(sample.translate(None, bytes(range(32)))) - sum(map(sample.count, b"\t\n\r\f"))
    if b"\x00" in sample or controls > max(8, len(sample) // 1000):
        raise UnsupportedFormat("binary data, not a text table", "give a TSV, DOCX or PDF file")
    try:
        return _unicode(data.decode("utf-8"), warnings)
    except UnicodeDecodeError:
        return unicodedata.normalize("NFC", _mixed(data, warnings))


def _unicode(text: str, warnings: list[str]) -> str:
    """Decoded text in NFC, converted from a legacy encoding its characters show."""
    if found := legacy.detect(text):
        warnings.append(legacy.note(found))
        text = legacy.convert(text, found)
    return unicodedata.normalize("NFC", text)


# A legacy font's bytes as characters: Windows-1252 (– “ ” •), Latin-1 where it has none.
_LEGACY_BYTES = "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(256))


def _mixed(data: bytes, warnings: list[str]) -> str:
    """Windows-1258 text (or TCVN3 or VNI, when the lines that are not UTF-8
    read as that), where lines that are valid UTF-8 with non-ASCII
    letters (pasted from another file) are read as UTF-8."""
    decoded: dict[int, str] = {}
    raw: dict[int, bytes] = {}
    utf8 = 0
    for n, line in enumerate(data.split(b"\n"), 1):
        try:
            decoded[n] = line.decode("utf-8")
            utf8 += not line.isascii()
        except UnicodeDecodeError:
            raw[n] = line
    chars = {n: codecs.charmap_decode(line, "strict", _LEGACY_BYTES)[0] for n, line in raw.items()}
    if found := legacy.detect("\n".join(chars.values())):
        warnings.append(legacy.note(found))
    for n, line in raw.items():
        if found:
            decoded[n] = legacy.convert(chars[n], found)
            continue
        try:
            decoded[n] = line.decode("cp1258")
        except UnicodeDecodeError:
            raise EncodingError(
                f"line {n} is neither UTF-8 nor Windows-1258 text", "use --encoding, or re-save as UTF-8"
            ) from None
    if utf8:
        listed = list(raw)
        shown = ", ".join(map(str, listed[:5])) + (" …" if len(listed) > 5 else "")
        read_as = found.encoding if found else "Windows-1258"
        warnings.append(f"mixed encodings: line(s) {shown} read as {read_as}, the others as UTF-8")
    return "\n".join(decoded[n] for n in sorted(decoded))


_QUOTED_CELL = re.compile(r'(?:^|\t)"', re.M)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # only these end a row; \v, \f, U+2028, NEL … are inside a cell
_SWALLOWED = re.compile(r"\n[^\n]*\t[^\n]*\t")  # a quoted "cell" holding whole rows: its quote never closed


def _lines(text: str) -> list[str]:
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _records(text: str, warnings: list[str]) -> list[tuple[int, list[str]]]:
    """(line number, cells) per record. Excel's "Text (Tab delimited)" quotes
    a cell holding a tab, a line break or a quote; such files are read as CSV,
    unless a quote that never closes would swallow the rows after it."""
    plain = [(n, line.split("\t")) for n, line in enumerate(_lines(text), 1)]
    if not _QUOTED_CELL.search(text):
        return plain
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    records, start = [], 1
    for cells in reader:
        if any("\n" in c and _SWALLOWED.search(c) for c in cells):
            warnings.append(f"line {start}: a quote that never closes; quotes read as text")
            return plain
        records.append((start, cells))
        start = reader.line_num + 1
    return records


def read(data: bytes, encoding: str | None = None) -> Extraction:
    warnings: list[str] = []
    text = decode(data, encoding, warnings)
    return from_records(_records(text, warnings), warnings)


def from_records(records: list[tuple[int, list[str]]], warnings: list[str]) -> Extraction:
    """Blocks and title lines from (line number, cells) records, as a
    spreadsheet's rows are laid out (also used for workbooks, ingest.xlsx)."""
    blocks: list[Block] = []
    titles: list[str] = []
    current: Block | None = None
    after_break = False
    for k, (n, cells) in enumerate(records):
        filled = [c for c in cells if c.strip()]
        if not blocks and len(filled) > 1 and _title_cells(filled):
            titles.append(" ".join(c.strip() for c in filled))
            continue
        if len(filled) > 1 or (filled and current is not None and not _text_line(records, k)):
            if current is None:
                current = Block(rows=[])
                blocks.append(current)
            current.rows.append(SourceRow(cells=cells, line=n, after_break=after_break))
            after_break = False
        elif not filled:
            after_break = current is not None
        else:
            if not blocks:
                titles.append(filled[0])
            current, after_break = None, False
    return Extraction(blocks=blocks, title_lines=titles, warnings=warnings)


_TITLE_WORDS = re.compile(
    r"kèm\s+theo|kế\s+hoạch|phụ\s+lục|\bngày\b|\bxã\b|phường|ủy\s+ban|ubnd|cộng\s+hòa|độc\s+lập", re.I
)


def _title_cells(filled: list[str]) -> bool:
    """A title line a spreadsheet split over a few cells ("Kèm theo Kế hoạch số" | "12/KH-UBND" | …)."""
    return (
        len(filled) <= 4
        and not is_header_row([c.strip() for c in filled])
        and bool(_TITLE_WORDS.search(" ".join(filled)))
    )


def _text_line(records: list[tuple[int, list[str]]], k: int) -> bool:
    """Whether a record with one filled cell inside a table is a text line
    that ends it (a spreadsheet pads text lines with tabs): the next record
    with cells is a header row, or there is none."""
    for _, cells in records[k + 1 :]:
        filled = [c for c in cells if c.strip()]
        if len(filled) > 1:
            return is_header_row([c.strip() for c in cells])
        if filled and len(cells) == 1:
            return True
    return True
