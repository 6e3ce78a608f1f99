"""PDF appendices -> blocks, with pdfplumber.

What happens here:
- the file is opened once; each page's doubled (bold-simulated) characters
  are dropped (`dedupe_chars`), and so is text drawn across it (a turned
  or outsized watermark or stamp); its tables are read once, and the page closed;
- a page whose ruling lines make a table is read with pdfplumber's "lines"
  strategy; a page without one is read by text alignment (`aligned_tables`):
  columns are the x-ranges the words of a header and its rows cover (header
  cells side by side told apart where a column's lines start); a column's
  lines closer than a cell's line pitch are one cell, each line in the first
  column anchors a row, and a cell joins the row whose anchor lies within
  its height (cells on the row's first line, or centred in its height).
  A sheet's rows taller than their text (Calc) leave wide gaps: the table
  goes on over one when a numbered row that fits the columns follows
  (`_goes_on`), and a header word glued to the next header cell
  ("tínhChỉ") is split where a body column starts (`_split_at`).
  `settings.pdf_table` replaces that choice with pdfplumber table settings;
- a borderless table that runs on over the next page without its header
  (`continue_tables`) is read there with the columns of the page before
  (moved sideways when the page turned the other way and its lines line up
  elsewhere), up to a wide gap or lines that do not fit the columns and no
  row follows (the signature block); such lines with rows after them, or a
  numbered one ending the page, are a merged heading when they start in the
  first column, else left out with a warning, and a line
  after the end that still reads as a row is warned about, never dropped
  silently. There a row's last line in the edge band ("2030") is furniture
  only if the same text sits at the same height on another page;
- page headers, footers and page numbers (text in the top or bottom tenth of
  the page that repeats on another page or reads as a page number) are page
  furniture; a table that only furniture separates from the previous one
  `joins_previous`, and its first row is `after_break`;
- text above the first table is the title (for plan metadata);
- in a ruled table, a word the producer broke over two lines of a narrow
  cell is joined again (`broken_word`), and a cell merged down over several
  rows (one agency for them) is given to each row it covers, also where it
  goes on at the top of the next page (`_merged_down`), and a cell the page
  end leaves open (no rule under it; Calc's also none over it on the next
  page, where it draws the text again off the page) is closed there and
  goes on into the next page's first numbered row (`_open_spans`,
  `_carry_open`); a caption ("Bảng 3")
  ending a page right before the next page's header is that table's, not a row;
- a scan that the scanner already OCR'd (an image over the page, an
  invisible text layer, no vector rules) is read from its text layer, its
  ruling lines taken from the image (`_image_rules`), stray "|" and "_"
  that the OCR made of rules dropped, and the layer checked on the image
  as our own OCR is (`ocr.correct_layer`, `ocr.layer_numbers`);
- scanned pages raise NeedsOCR, or with settings.ocr are read by
  `ingest.ocr` (ruled tables cell by cell, borderless ones by text alignment
  of the words OCR read; refused when Tesseract is unsure);
  text in a font with no Unicode map raises UnreadableText;
- text in a legacy Vietnamese encoding (TCVN3, VNI; `ingest.legacy`) is
  converted character by character before anything reads the page: by the
  font's name (".VnTime", "VNI-Times"), else by the characters of the page
  (or, when it has too few, as the page before).
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
import unicodedata
from dataclasses import dataclass, field, replace
from io import BytesIO

import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException

from chitieu.normalize.text import fold, new_tone_placement, strip_accents

from . import legacy, ocr, progress
from .assemble import NUM_ONLY, NUM_TITLE
from .columns import assign_roles, header_role, is_column_number_row, is_header_row, is_sub_header_row
from .lexicon import lexicon
from .exceptions import DamagedFile, EncryptedFile, ExtractError, NeedsOCR, UnreadableText
from .limits import check_fonts, check_page, check_pixels, check_streams
from .model import INDICATOR, NUMBER, Block, Extraction, SourceRow
from .settings import ExtractSettings

LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
FURNITURE_BAND = 0.1  # top and bottom share of the page where furniture sits
_PAGE_NO = re.compile(r"(?:trang|page)?\s*[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:/|trên|of)\s*\d{1,4})?")
_MARK_FIRST = re.compile(r"(?<![\w\u0300-\u036f])([\u0300-\u036f]+)(\w)")  # not a run after a letter ("e\u0302\u0309")


@dataclass
class _Text:
    """A line of text outside the tables."""

    top: float
    text: str
    furniture_key: str | None = None  # set when the line sits in the top/bottom band
    words: list = field(default_factory=list, repr=False)  # for reading it as a continued table's row


@dataclass
class _Page:
    number: int
    items: list = field(default_factory=list)  # _Text and FoundTable
    refused: str | None = None  # why OCR could not read this scanned page
    scan: ocr.Scan | None = None  # an OCR'd page's reading, until its borderless tables are read
    notes: list[str] = field(default_factory=list)


def _upright(page):
    """The page turned so that most of its text reads left to right: a page
    whose /Rotate (or content) leaves the text sideways or upside down is
    re-read with the rotation that undoes it."""
    angles = Counter(
        round(math.degrees(math.atan2(c["matrix"][1], c["matrix"][0])) / 90) % 4 * 90
        for c in page.chars[:2000]
        if c["text"].strip()
    )
    if not angles or angles.most_common(1)[0][0] == 0:
        return page
    turn = (page.rotation + angles.most_common(1)[0][0]) % 360
    page.close()
    page.page_obj.attrs["Rotate"] = turn
    page.page_obj.rotate = turn
    return pdfplumber.page.Page(page.pdf, page.page_obj, page.page_number, page.initial_doctop)


def _without_trailing_bytes(data: bytes) -> bytes:
    """The PDF up to its last end-of-file marker: bytes a mailer or a download
    appended after it are dropped; no marker at all means a truncated file."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise DamagedFile("truncated PDF (no end-of-file marker)", "download or export the file again")
    return data[: end + 5]


def read(data: bytes, settings: ExtractSettings) -> Extraction:
    """Blocks (one per table per page) and title lines of a PDF."""
    data = _without_trailing_bytes(data)
    pages: list[_Page] = []
    scanned: list[int] = []
    encodings = _Encodings()
    try:
        with pdfplumber.open(BytesIO(data), password=settings.password or "") as pdf:
            check_streams(pdf.doc, settings.max_stream_mb)
            check_fonts(pdf.doc, settings.max_font_codes)
            for number, page in enumerate(pdf.pages, 1):
                try:
                    check_page(page, number, settings.max_page_chars, settings.max_page_ops)
                    page = _upright(page)
                    encodings.to_unicode(page.chars)
                    read_page = _read_page(page, number, settings)
                finally:
                    page.close()
                if read_page is None:
                    scanned.append(number)
                else:
                    pages.append(read_page)
                progress.page_read(number, len(pdf.pages))
    except ExtractError:
        raise
    except PdfminerException as e:
        cause = e.args[0] if e.args else e
        if type(cause).__name__ == "PDFPasswordIncorrect":
            if settings.password:
                raise EncryptedFile("wrong password for this PDF", "check --password") from None
            raise EncryptedFile("password-protected PDF", "use --password") from None
        raise DamagedFile(f"damaged PDF: {_reason(cause)}", "open and re-save it, or export it again") from e
    except MemoryError:
        raise
    except Exception as e:  # pdfminer raises assorted errors on malformed objects
        raise DamagedFile(f"damaged PDF: {_reason(e)}", "open and re-save it, or export it again") from e
    refused = [f"page {p.number} not loaded: {p.refused}" for p in pages if p.refused]
    if refused and len(refused) == len(pages):
        raise NeedsOCR(refused[0])
    if scanned:
        listed = ", ".join(map(str, scanned[:10])) + (" …" if len(scanned) > 10 else "")
        raise NeedsOCR(
            f"scanned PDF: page(s) {listed} are images with no text layer; it needs OCR",
            "run with --ocr to read it with Tesseract",
        )
    warnings = continue_tables(pages)
    if settings.ocr:
        ocr.read_borderless(
            [(p.scan, [t for t in p.items if isinstance(t, FoundTable) and t.words]) for p in pages if p.scan]
        )
        for p in pages:
            p.scan = None
        ocr.repeat_headers([t.rows for p in pages for t in p.items if isinstance(t, FoundTable)])
        ocr.check_numbering([t for p in pages for t in p.items if isinstance(t, FoundTable)])
    extraction = _extraction(pages)
    extraction.warnings += encodings.notes + refused + [n for p in pages for n in p.notes] + warnings
    return extraction


class _Encodings:
    """Converts pages' characters from legacy encodings, remembering what the
    pages before were in and what was converted (`notes`)."""

    def __init__(self) -> None:
        self.guess: legacy.Legacy | None = None
        self.notes: list[str] = []

    def _note(self, found: legacy.Legacy, font: str | None = None) -> None:
        if (note := legacy.note(found, font)) not in self.notes:
            self.notes.append(note)

    def to_unicode(self, chars: list[dict]) -> None:
        """Each character's text in Unicode, changed in place (what the page's
        tables and words are made of)."""
        by_font: dict[str | None, list[dict]] = {}
        for c in chars:
            by_font.setdefault(c.get("fontname"), []).append(c)
        unnamed: list[dict] = []
        for font, group in by_font.items():
            found = legacy.from_font(font)
            if found is None:
                unnamed.extend(group)
            elif (
                not legacy.is_unicode(text := "".join(c["text"] for c in group)) and legacy.convert(text, found) != text
            ):
                self._convert(group, found)
                self._note(found, font)
        if legacy.is_unicode("".join(c["text"] for c in unnamed)):
            self.guess = None
        else:
            self.guess = legacy.detect(_spaced(sorted(unnamed, key=lambda c: (round(c["top"]), c["x0"]))), self.guess)
        if self.guess:
            self._convert(unnamed, self.guess)
            self._note(self.guess)

    @staticmethod
    def _convert(chars: list[dict], found: legacy.Legacy) -> None:
        for c in chars:
            if not c["text"].startswith("(cid:"):  # a glyph id stays one (UnreadableText), even in a font of capitals
                c["text"] = legacy.convert(c["text"], found)


def _spaced(chars: list[dict]) -> str:
    """Characters in reading order as text, a space where they stand apart."""
    out, last = [], None
    for c in chars:
        if last is not None and (abs(c["top"] - last["top"]) > 1 or c["x0"] - last["x1"] > 0.15 * c["size"]):
            out.append(" ")
        out.append(c["text"])
        last = c
    return "".join(out)


def _reason(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _read_page(page, number: int, settings: ExtractSettings) -> _Page | None:
    """Tables and outside text of one page; None for an image-only page."""
    if _has_doubled_chars(page.chars):
        page = page.dedupe_chars()
    page = _without_overlays(page)
    garbage = bool(page.chars) and ocr.is_page_image(page) and not ocr.text_layer_is_trustworthy(page.extract_words())
    if not page.chars or garbage:
        if not page.images or not settings.ocr:
            return None if page.images else _Page(number)
        try:
            scan = ocr.read_page(page, number, settings.max_ocr_pixels)
        except ocr.PageRefused as e:
            return _Page(number, refused=str(e))
        found = [
            FoundTable(t.top, t.bottom, t.x0, t.x1, [[cell_text(c) for c in row] for row in t.rows], reads=t.reads)
            for t in scan.tables
        ] or aligned_tables(scan.words)
        notes = (
            [f"page {number}: the scanner's text layer is not Vietnamese text; read again by OCR"] if garbage else []
        )
        return _Page(number, _outside_text(scan.words, found, page.height) + found, notes=notes, scan=scan)
    _check_unicode(page.chars, number)
    table_settings, spans = _lines_settings(page)
    layer = None  # a scanner's text layer: the page image, to check its reading on
    if _scanned_with_text(page):
        page = page.filter(lambda obj: obj.get("object_type") != "char" or obj["text"] not in "|¦_")
        table_settings, spans = _image_rules(page, number, settings.max_ocr_pixels), []
        layer = ocr.correct_layer(page, number, settings.max_ocr_pixels)
    # letters closer than a space (half of pdfplumber's 3 pt): two cells' texts only that far apart
    # with no space between them ("Số/Tổng" | "100%") are two words
    words = page.extract_words(x_tolerance=WORD_GAP, keep_blank_chars=False, use_text_flow=False, return_chars=True)
    if settings.pdf_table:
        found = [_plumber_table(t, words) for t in page.find_tables(settings.pdf_table)]
    else:
        found = [_plumber_table(t, words) for t in page.find_tables(table_settings)]
        for t in found:
            t.open_below = _open_below(t, spans)
        found = [t for t in found if len(t.rows[0]) >= (2 if len(t.rows) >= 2 else 3)]  # one row: a table's last
        words = _without_overflow(words, found, spans)
    if not found and not settings.pdf_table:
        found = aligned_tables(words)
    if layer is not None:
        for t in found:
            ocr.layer_numbers(layer, t)
    return _Page(number, _outside_text(words, found, page.height) + found)


def _lines_settings(page) -> tuple[dict, list[tuple[float, float, float]]]:
    """The "lines" strategy, closing cells that a page break leaves open (a
    browser draws a row cut by the page end without its bottom border, Calc
    a cell merged down over the break without its bottom or top one): an
    explicit horizontal line is added at each height of `_open_spans`, which
    are returned too."""
    vertical = [e for e in page.edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 4]
    ruled = [e for e in page.edges if e["orientation"] == "h" and e["x1"] - e["x0"] > 8]
    spans = _open_spans(vertical, ruled)
    heights = sorted({y for y, _, _ in spans})
    return (dict(LINES, explicit_horizontal_lines=heights) if heights else LINES), spans


def _open_spans(vertical: list[dict], ruled: list[dict]) -> list[tuple[float, float, float]]:
    """(height, x0, x1) where neighbouring vertical rules (more than 4 pt
    apart) both end and no horizontal rule runs between them: a cell left
    open. A rule drawn in pieces (one per row) is one rule."""
    rules: dict[int, list[list[float]]] = {}
    for e in sorted(vertical, key=lambda e: e["top"]):
        pieces = rules.setdefault(round(e["x0"]), [])
        if pieces and e["top"] <= pieces[-1][1] + 1.5:
            pieces[-1][1] = max(pieces[-1][1], e["bottom"])
        else:
            pieces.append([e["top"], e["bottom"]])
    ends: dict[int, list[int]] = {}
    for x, pieces in rules.items():
        for top, bottom in pieces:
            for y in {round(top), round(bottom)}:
                ends.setdefault(y, []).append(x)
    out = []
    for y, xs in sorted(ends.items()):
        across = [e for e in ruled if abs(e["top"] - y) <= 3]
        xs = sorted(xs)
        out += [
            (y, a, b)
            for a, b in zip(xs, xs[1:])
            if b - a > 4 and not any(e["x0"] - 1 <= (a + b) / 2 <= e["x1"] + 1 for e in across)
        ]
    return out


def _without_overflow(
    words: list[dict], tables: list[FoundTable], spans: list[tuple[float, float, float]]
) -> list[dict]:
    """The words but those above a table inside a cell of its first row left
    open at the top: the text of a cell merged down from the page before,
    which Calc draws again there, clipped to the page's print area."""
    tops = [(t.top, a, b) for t in tables for y, a, b in spans if abs(y - t.top) <= 3]
    return [w for w in words if not any(w["bottom"] <= y and a <= w["x0"] and w["x1"] <= b for y, a, b in tops)]


def _open_below(table: FoundTable, spans: list[tuple[float, float, float]]) -> tuple[int, ...]:
    """The columns whose lowest cell the page end left open at the bottom
    while others are closed (a cell merged down that goes on over the next
    page; a whole row left open is a row the break cut, joined as such)."""
    width = len(table.boxes[0]) if table.boxes else 0
    out = []
    for k in range(width):
        box = max((row[k] for row in table.boxes if k < len(row) and row[k]), key=lambda b: b[3], default=None)
        if box and any(abs(box[3] - y) <= 3 and a < (box[0] + box[2]) / 2 < b for y, a, b in spans):
            out.append(k)
    return tuple(out) if len(out) < width else ()


def _without_overlays(page):
    """The page without text drawn across it: a watermark ("BẢN SAO") or
    stamp text turned away from the page's text direction, or letters over
    three times the usual size; nor text drawn off the page, which no reader
    sees (Calc draws a cell merged down over a page break whole on each page:
    `_without_overflow`)."""
    chars = page.chars
    if not chars:
        return page
    angle = {id(c): round(math.degrees(math.atan2(c["matrix"][1], c["matrix"][0]))) for c in chars}
    usual = statistics.mode(angle.values())
    size = statistics.median(c["size"] for c in chars)
    x0, top, x1, bottom = page.bbox
    off = {id(c) for c in chars if c["x1"] <= x0 or c["x0"] >= x1 or c["bottom"] <= top or c["top"] >= bottom}
    stray = off | {id(c) for c in chars if abs(angle[id(c)] - usual) > 3 or c["size"] > 3 * size}
    if not stray or len(stray) * 4 > len(chars):
        return page
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) not in stray)


def _scanned_with_text(page) -> bool:
    """A scan a scanner already OCR'd: an image over most of the page, the
    text an invisible layer over it, no ruling lines drawn."""
    area = page.width * page.height
    return not page.edges and any((i["x1"] - i["x0"]) * (i["bottom"] - i["top"]) > 0.7 * area for i in page.images)


RULE_DPI = 100
WORD_GAP = 1.5  # points between two letters of one word, at most


def _image_rules(page, number: int, max_pixels: int) -> dict:
    """pdfplumber "explicit" settings with the ruling lines seen in the page
    image: runs of dark pixels across at least 4% of the width, or down over
    twice a text line's height, merged with their neighbours."""
    import numpy as np

    check_pixels(page, number, RULE_DPI, max_pixels)

    grey = np.asarray(page.to_image(resolution=RULE_DPI).original.convert("L"))
    dark = grey < 140
    k = page.width / grey.shape[1]

    def lines(mask, min_len: int) -> list[list[int]]:
        found: list[list[int]] = []
        for i, row in enumerate(mask):
            edge = np.diff(np.concatenate(([0], row.astype(np.int8), [0])))
            starts, ends = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
            for a, b in zip(starts, ends):
                if b - a < min_len:
                    continue
                near = next((ln for ln in found if i - ln[1] <= 2 and a < ln[3] and b > ln[2]), None)
                if near:
                    near[1], near[2], near[3] = i, min(near[2], a), max(near[3], b)
                else:
                    found.append([i, i, a, b])
        return found

    def edge(x0, x1, top, bottom) -> dict:
        return {
            "object_type": "line",
            "x0": x0,
            "x1": x1,
            "top": top,
            "bottom": bottom,
            "width": x1 - x0,
            "height": bottom - top,
        }

    across = [
        edge(a * k, b * k, (i + j) / 2 * k, (i + j) / 2 * k) for i, j, a, b in lines(dark, int(0.04 * dark.shape[1]))
    ]
    down = [edge((i + j) / 2 * k, (i + j) / 2 * k, a * k, b * k) for i, j, a, b in lines(dark.T, int(0.3 * RULE_DPI))]
    if len(across) < 2 or len(down) < 2:
        return LINES  # no ruled table: read by text alignment
    for y in {round(e[end]) for e in down for end in ("top", "bottom")}:  # rows a page break left open
        ending = [e for e in down if abs(e["top"] - y) <= 3 or abs(e["bottom"] - y) <= 3]
        if len(ending) >= 4 and not any(abs(e["top"] - y) <= 3 for e in across):
            across.append(edge(min(e["x0"] for e in ending), max(e["x1"] for e in ending), y, y))
    return {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": down,
        "explicit_horizontal_lines": across,
    }


def _has_doubled_chars(chars: list[dict]) -> bool:
    """Whether a character is drawn twice within 1pt (bold simulation); a
    cheap test so that pdfplumber's slower dedupe_chars runs only when needed."""
    seen = set()
    for c in chars:
        for dx in (0, 1):
            for dy in (0, 1):
                key = (c["text"], int((c["x0"] + dx) // 2), int((c["top"] + dy) // 2), dx, dy)
                if key in seen:
                    return True
                seen.add(key)
    return False


def _check_unicode(chars: list[dict], number: int) -> None:
    bad = sum(1 for c in chars if c["text"].startswith("(cid:") or any(0xE000 <= ord(x) <= 0xF8FF for x in c["text"]))
    if bad * 10 > len(chars):
        raise UnreadableText(
            f"page {number}: the font has no usable Unicode map (text comes out as glyph ids)",
            "export the PDF again with embedded Unicode fonts, or give the DOCX",
        )


_WRAPPED_HYPHEN = re.compile(r"(?<=[\w%)])([-/])[ \t]*\n[ \t]*(?=\w)")


def cell_text(text: str | None) -> str:
    """One cell's text: lines joined with a space (none after a line that
    ends in a word's hyphen or slash: "HĐND-" / "UBND", "Website/" / "Portal"), NFC; a tone mark that a font
    drew ahead of its letter (so it starts a word) is put after it."""
    if not text:
        return ""
    text = _MARK_FIRST.sub(r"\2\1", " ".join(_WRAPPED_HYPHEN.sub(r"\1", text).split()))
    return unicodedata.normalize("NFC", text)


@dataclass
class Grid:
    """The columns of a borderless table: where each starts, where the last
    ends, the text size and the line pitch above which a new row starts."""

    starts: list[float]
    x1: float
    size: float
    row_pitch: float

    def column(self, x0: float) -> int:
        """The column a word starting at x0 belongs to."""
        return max((k for k, s in enumerate(self.starts) if x0 >= s - 0.25 * self.size), default=0)

    def fits(self, line: list[dict]) -> bool:
        """Whether each run of closely spaced words on the line stays inside
        one column, up to the next one's start; a word starting right at a
        column's start begins a run (a sheet's cells may stand closer than a
        wide space)."""
        for run in _runs(line, self.size):
            pieces = _split_before(run, lambda w: any(abs(w["x0"] - s) <= 1 for s in self.starts))
            for piece in pieces:
                x0, x1 = piece[0]["x0"], max(w["x1"] for w in piece)
                k = self.column(x0)
                end = self.starts[k + 1] if k + 1 < len(self.starts) else self.x1 + 2 * self.size
                if x0 < self.starts[0] - 0.5 * self.size or x1 > end:
                    return False
        return True


@dataclass
class FoundTable:
    """A table on a page: its box and its rows of cell texts (and its
    columns when it was read by text alignment)."""

    top: float
    bottom: float
    x0: float
    x1: float
    rows: list[list[str]]
    grid: Grid | None = None
    reads: list | None = None  # OCR: per row, per cell, an ingest.model.CellRead or None
    words: list | None = None  # read by alignment: per row (a header row None), per cell, its words
    boxes: list | None = None  # ruled: per row, per cell, its box in points (None where merged)
    open_below: tuple[int, ...] = ()  # ruled: columns whose last cell the page end left open (`_open_below`)

    def holds(self, word: dict) -> bool:
        cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
        return self.x0 - 1 <= cx <= self.x1 + 1 and self.top - 1 <= cy <= self.bottom + 1


def _plumber_table(table, words: list[dict]) -> FoundTable:
    """A ruled table's rows, a word its producer broke over two lines of a
    cell joined again (`_rejoined_cells`)."""
    x0, top, x1, bottom = table.bbox
    rows = _merged_down(table, _rejoined_cells(table, words))
    boxes = [list(row.cells) for row in table.rows]
    return FoundTable(top, bottom, x0, x1, [[cell_text(c) for c in row] for row in rows], boxes=boxes)


def _merged_down(table, rows: list[list[str | None]]) -> list[list[str | None]]:
    """A cell merged down over several rows (one agency for them) given to
    each row it covers, as the DOCX reader does: not in the numbering and
    indicator columns, nor in rows that only continue the row above."""
    texts = [[cell_text(c) for c in row] for row in rows]
    header = next((k for k, cells in enumerate(texts) if is_header_row(cells)), -1)
    roles = assign_roles(texts[header]) if header >= 0 else [NUMBER, INDICATOR]  # a table going on: as usual
    own = [k for k, role in enumerate(roles) if role in (NUMBER, INDICATOR)]
    boxes = [row.cells for row in table.rows]
    bottoms = [min((b[3] for b in cells if b), default=0) for cells in boxes]  # each row's, merged cells aside
    carried = []  # at the top of a page, an empty cell merged down goes on from the page before
    if header < 0 and rows:
        carried = [
            c
            for c, box in enumerate(boxes[0])
            if c not in own and box is not None and not texts[0][c] and box[3] > bottoms[0] + 1
        ]
        for c in carried:
            rows[0][c] = FROM_ABOVE
    for r in range(header + 1, len(rows)):
        if not any(texts[r][k] for k in own if k < len(texts[r])):
            continue
        bottom = bottoms[r]
        for c, box in enumerate(boxes[r]):
            if box is not None or c in own:
                continue
            q = next((q for q in range(r - 1, header, -1) if boxes[q][c] is not None), None)
            if q is not None and boxes[q][c][3] >= bottom - 1:
                rows[r][c] = rows[q][c]
    number = roles.index(NUMBER) if NUMBER in roles else None
    if carried and number is not None and number < len(texts[0]) and not texts[0][number]:
        for c in carried:  # the rest of a row the page break split (no number): joined to it, no text again
            rows[0][c] = ""
    return rows


FROM_ABOVE = "\ue000"  # a cell merged down over a page break: the text is the last row's on the page before


def _rejoined_cells(table, words: list[dict]) -> list[list[str | None]]:
    """pdfplumber's cell texts, the lines of a cell that may hold a broken
    word (letters or digits on both sides of a line end) checked on the
    words of the cell, against the column's extent (`broken_word`)."""
    rows = table.extract()
    boxes = [row.cells for row in table.rows]
    candidates = [(r, c) for r, row in enumerate(rows) for c, text in enumerate(row) if text and _SPLIT.search(text)]
    if not candidates:
        return rows
    placed: dict[tuple[int, int], list[dict]] = {}
    for w in words:
        cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
        for r, cells in enumerate(boxes):
            for c, box in enumerate(cells):
                if box and box[0] <= cx <= box[2] and box[1] <= cy <= box[3]:
                    placed.setdefault((r, c), []).append(w)
    spans: dict[tuple[int, int], list[dict]] = {}  # the words of each column, by its cells' x-range
    for (r, c), ws in placed.items():
        spans.setdefault((round(boxes[r][c][0]), round(boxes[r][c][2])), []).extend(ws)
    for r, c in candidates:
        box, lines = boxes[r][c], _lines(placed.get((r, c), []))
        texts = rows[r][c].split("\n")
        if box and len(lines) == len(texts):
            column = spans[round(box[0]), round(box[2])]
            rows[r][c] = _joined(texts, lines, min(w["x0"] for w in column), max(w["x1"] for w in column))
    return rows


_SPLIT = re.compile(r"[^\W_]\n[^\W_]")


def _joined(texts: list[str], lines: list[list[dict]], left: float, right: float) -> str:
    """A cell's lines joined by "\n", or by nothing where a word was broken."""
    out = texts[0] if texts else ""
    for text, above, below in zip(texts[1:], lines, lines[1:]):
        out += ("" if broken_word(above[-1], below[0], left, right) else "\n") + text
    return out


def broken_word(a: dict, b: dict, left: float, right: float) -> bool:
    """Whether the word `a` ending a line of a cell and `b` starting the next
    are one word the producer broke because it is wider than the column
    (`left`..`right`, where its lines start and end): the two together would
    not fit a line, the line is full up to one more character, and neither
    piece where they meet is a whole word, a number or a syllable with a
    vowel ("HĐ" / "ND-UBND", "1145/B" / "TTTT-CATTT"; "số" / "1145/…" and
    "UBND" / "xã" stay apart)."""
    if not (a["text"][-1:].isalnum() and b["text"][:1].isalnum()):
        return False
    wide = (a["x1"] - a["x0"]) + (b["x1"] - b["x0"]) > right - left + 1
    full = a["x1"] + 1.2 * (b["x1"] - b["x0"]) / len(b["text"]) > right
    return wide and full and not _whole(_ALNUM.findall(a["text"])[-1]) and not _whole(_ALNUM.findall(b["text"])[0])


def _whole(piece: str) -> bool:
    """A number, or a syllable of the lexicon with a vowel (a lone "B" or "ND" is no syllable)."""
    low = new_tone_placement(piece).lower()
    return piece.isdigit() or (low in lexicon().syllables and bool(_VOWEL.search(strip_accents(low))))


_VOWEL = re.compile(r"[aeiouy]")
_ALNUM = re.compile(r"[^\W_]+")


def _outside_text(words: list[dict], tables: list[FoundTable], height: float) -> list[_Text]:
    """Lines of the words outside every table, with furniture keys for the edge bands."""
    outside = [w for w in words if not any(t.holds(w) for t in tables)]
    out = []
    for line in _lines(outside):
        top, bottom = min(w["top"] for w in line), max(w["bottom"] for w in line)
        text = cell_text(" ".join(w["text"] for w in line))
        edge = bottom < height * FURNITURE_BAND or top > height * (1 - FURNITURE_BAND)
        out.append(_Text(top, text, re.sub(r"\d+", "#", fold(text)) if edge else None, line))
    return out


def _lines(words: list[dict], tolerance: float = 3.0) -> list[list[dict]]:
    """Words grouped into text lines (by their top), each line left to right."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(w["top"] - lines[-1][0]["top"]) <= tolerance:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def aligned_tables(words: list[dict]) -> list[FoundTable]:
    """Borderless tables: a header (one line, or a band of closely spaced
    lines whose words, wrapped in narrow columns, together name the roles)
    and the lines under it up to a wide gap or the next table's header (a
    caption line right above it left out); rows as `_grid_table` reads them."""
    lines = _lines(words)
    if not lines:
        return []
    size = statistics.median(w["bottom"] - w["top"] for w in words)
    steps = sorted(_steps_down(lines))
    size_pitch = (size, 1.12 * steps[len(steps) // 4] if steps else 1.6 * size)
    tables = []
    i = 0
    while i < len(lines):
        band = _header_band(lines, i, size_pitch)
        if not band:
            i += 1
            continue
        start, n = band
        j = start + n
        width, after = len(_band_cells(lines[start:j], size)), False
        while (
            j < len(lines)
            and (
                lines[j][0]["top"] - lines[j - 1][0]["top"] < 2.2 * size
                or _goes_on(lines, j, _aligned_table(lines[start:j], n, size).grid)
            )
            and not (after := _next_header(lines, j, size_pitch, width))
        ):
            j += 1
        left = min(w["x0"] for line in lines[start:j] for w in line) + size
        while after and j - 1 > start + n and _caption(lines[j - 1], left, size):
            j -= 1  # "Bảng 3" right above the next table's header is its caption, not a heading row
        tables.append(_aligned_table(lines[start:j], n, size))
        i = j
    return tables


MAX_ROW_GAP = 5  # text sizes: the widest gap a sheet's tall row leaves under its text


def _goes_on(lines: list[list[dict]], j: int, grid: Grid) -> bool:
    """Whether lines[j], after a gap wider than between two rows of most
    tables (a sheet's row taller than its text, as Calc prints it), still
    goes on with the table of `grid`: a numbered row starting in the first
    column that fits the columns with words in several, the "(1) (2) (3)"
    row under the header, or numbered headings ("B. Mục tiêu
    khác", "I. …") each close over the next, down to such a row or the
    page's end. The last column's text may reach further than seen so far."""
    grid = replace(grid, x1=math.inf)
    for k in range(j, min(j + 4, len(lines))):
        line = lines[k]
        if line[0]["top"] - lines[k - 1][0]["top"] >= (MAX_ROW_GAP if k == j else 2.2) * grid.size:
            return False
        if line[0]["x0"] > grid.starts[0] + grid.size:
            return False
        if NUM_ONLY.fullmatch(line[0]["text"]) and grid.fits(line) and len({grid.column(w["x0"]) for w in line}) > 1:
            return True
        if is_column_number_row([w["text"] for w in line]):
            return True
        if not NUM_TITLE.match(" ".join(w["text"] for w in line)):
            return False
    return k + 1 == len(lines)  # headings ending the page: their rows are on the next


def _next_header(lines: list[list[dict]], j: int, size_pitch: tuple[float, float], width: int) -> bool:
    """Whether lines[j] starts another table's header right under a table
    of `width` columns: a header band with as many columns (a row's text
    that happens to name roles, "Có 30 nhiệm vụ …" beside "Các cơ quan …",
    has fewer)."""
    band = _header_band(lines, j, size_pitch)
    return band is not None and len(_band_cells(lines[band[0] : band[0] + band[1]], size_pitch[0])) >= width


def _caption(line: list[dict], left: float, size: float) -> bool:
    """Whether a line is one run of words from the left edge that is not a row number."""
    return len(_runs(line, size)) == 1 and line[0]["x0"] <= left and not NUM_ONLY.fullmatch(line[0]["text"])


def _steps_down(lines: list[list[dict]]) -> list[float]:
    """Each line's step down to the next line with a word above or below one
    of its words (lines of cells centred in their rows' heights interleave
    across columns: the step between a page's consecutive lines is then
    less than a cell's line pitch)."""
    out = []
    for n, line in enumerate(lines):
        for below in lines[n + 1 : n + 6]:
            if any(a["x0"] < b["x1"] and b["x0"] < a["x1"] for a in line for b in below):
                out.append(below[0]["top"] - line[0]["top"])
                break
    return out


MAX_HEADER_LINES = 10


def _header_band(lines: list[list[dict]], i: int, size_pitch: tuple[float, float]) -> tuple[int, int] | None:
    """(first line, number of lines) of a header row starting at or after
    lines[i], or None. Header words wrapped over several lines ("Thời /
    gian / hoàn / thành") are read per column top to bottom; the band grows
    while its lines are as closely spaced as lines inside a cell (`size_pitch`:
    text size and the page's line pitch inside a cell), or further apart when
    the line's two or more short word runs each name a role (the sub-header
    row under group cells), and no line starts with a row number at the
    band's left edge. Title lines above it are left out: a line over several
    of its columns, or one that changes no column's role."""
    if NUM_TITLE.match(" ".join(w["text"] for w in lines[i])):
        return None  # a heading above the header
    size, cell_pitch = size_pitch

    def cells(a: int, b: int) -> list[str]:
        return _band_cells(lines[a:b], size)

    best = 0
    for n in range(1, MAX_HEADER_LINES + 1):
        if i + n > len(lines):
            break
        if n > 1:
            step = lines[i + n - 1][0]["top"] - lines[i + n - 2][0]["top"]
            left = min(w["x0"] for line in lines[i : i + n - 1] for w in line) + size  # a row number's place
            first = lines[i + n - 1][0]["text"] if lines[i + n - 1][0]["x0"] <= left else ""
            chunks = _chunks(lines[i + n - 1], size)
            named = len(chunks) >= 2 and all(header_role(t) and len(t.split()) <= 5 for t in chunks)
            if (
                (step > min(1.6 * size, cell_pitch) and not (named and step < 2.2 * size))
                or NUM_ONLY.fullmatch(first)
                or NUM_TITLE.match(" ".join(w["text"] for w in lines[i + n - 1]))
            ):
                break
        if is_header_row(cells(i, i + n)):
            best = n
        elif best:
            break
    if not best:
        return None
    end, start = i + best, i
    while (
        start + 1 < end
        and is_header_row(cells(start + 1, end))
        and (
            _over_columns(lines[start], lines[start + 1 : end], size)
            or assign_roles(cells(start, end)) == assign_roles(cells(start + 1, end))
        )
    ):
        start += 1
    return start, end - start


def _runs(line: list[dict], size: float) -> list[list[dict]]:
    """The words of a line split where they are further apart than a wide space."""
    runs: list[list[dict]] = []
    last = None
    for w in line:
        if last is None or w["x0"] - last > 0.5 * size:
            runs.append([])
        runs[-1].append(w)
        last = w["x1"]
    return runs


def _split_before(run: list[dict], starts) -> list[list[dict]]:
    """A run of words split before each word (but the first) for which `starts` holds."""
    pieces = [[run[0]]]
    for w in run[1:]:
        if starts(w):
            pieces.append([])
        pieces[-1].append(w)
    return pieces


def _chunks(line: list[dict], size: float) -> list[str]:
    return [" ".join(w["text"] for w in run) for run in _runs(line, size)]


def _band_runs(
    band: list[list[dict]], size: float, edges: tuple[float, ...] = ()
) -> list[tuple[float, float, list[dict]]]:
    """The header band's runs of words (x0, x1, words), a run that starts
    where a run on another line (or a body column, `edges`) starts also
    split before each word that does (two left-aligned header cells close
    side by side; a title line over the columns starts elsewhere)."""
    runs = [r for line in band for r in _runs(line, size)]
    starts = [(r[0]["x0"], r[0]["top"]) for r in runs] + [(x, -math.inf) for x in edges]
    out = []
    for run in runs:
        lead = _aligned(run[0], starts)
        pieces = _split_before(run, lambda w: lead and _aligned(w, starts))
        out += [(p[0]["x0"], max(w["x1"] for w in p), p) for p in pieces]
    return out


def _aligned(word: dict, starts: list[tuple[float, float]]) -> bool:
    """Whether the word starts where a run on another line starts."""
    return any(abs(word["x0"] - x) <= 1 and abs(word["top"] - top) > 1 for x, top in starts)


def _band_columns(band: list[list[dict]], size: float, edges: tuple[float, ...] = ()) -> tuple[list[tuple], list[list]]:
    """The header band's group cells (runs over several sub-columns' runs)
    and its columns [x0, x1, words]: the other runs' x-ranges, merged where
    they overlap (a column's lines overlap whether left-aligned or centred;
    two header cells side by side, however close, do not)."""
    runs = _band_runs(band, size, edges)
    groups = [r for r in runs if _spans_several(r, runs)]
    columns: list[list] = []
    for x0, x1, words in sorted((r for r in runs if r not in groups), key=lambda r: r[0]):
        last = columns[-1] if columns else None
        if last and x0 < last[1]:
            last[1] = max(last[1], x1)
            last[2] += words
        else:
            columns.append([x0, x1, list(words)])
    return groups, columns


def _band_cells(band: list[list[dict]], size: float, edges: tuple[float, ...] = ()) -> list[str]:
    """The texts of a header band per column, each read top to bottom; a
    group cell over sub-columns ("Cơ quan thực hiện" over "Chủ trì" |
    "Phối hợp") heads each of them."""
    groups, columns = _band_columns(band, size, edges)
    out = []
    for x0, x1, words in columns:
        above = [w for g in groups if g[0] < x1 and g[1] > x0 for w in g[2]]
        out.append(" ".join(w["text"] for w in sorted(above + words, key=lambda w: (round(w["top"]), w["x0"]))))
    return out


def _spans_several(run: tuple, runs: list[tuple]) -> bool:
    """Whether a run of header words lies over two or more runs that do not overlap each other."""
    under = sorted(
        (r for r in runs if r is not run and r[0] < run[1] and r[1] > run[0] and r[2][0]["top"] > run[2][0]["top"] + 1),
        key=lambda r: r[0],
    )
    return any(b[0] > a[1] for a, b in zip(under, under[1:]))


def _over_columns(line: list[dict], below: list[list[dict]], size: float) -> bool:
    """Whether every run of words on the line lies over several runs of the lines below."""
    runs, mine = _band_runs([line, *below], size), {id(w) for w in line}
    return all(_spans_several(r, runs) for r in runs if id(r[2][0]) in mine)


def _header_spans(band: list[list[dict]], size: float, edges: tuple[float, ...]) -> list[tuple[float, float]]:
    return [(a, b) for a, b, _ in _band_columns(band, size, edges)[1]]


def _body_edges(lines: list[list[dict]], size: float) -> tuple[float, ...]:
    """Where the body's runs of words start on three or more lines (its columns' left edges)."""
    starts = Counter(round(run[0]["x0"]) for line in lines for run in _runs(line, size))
    return tuple(x for x, n in starts.items() if n >= 3)


def _aligned_table(lines: list[list[dict]], header: int, size: float) -> FoundTable:
    """One borderless table from its lines, the first `header` of them the
    header. Columns are the header's x-ranges; each starts where the body
    words under the gap before it start (a centred header word starts right
    of its column's text)."""
    edges = _body_edges(lines[header:], size)
    lines = [[p for w in line for p in _split_at(w, edges)] for line in lines[:header]] + lines[header:]
    head = _header_spans(lines[:header], size, edges)
    body = [w for line in lines[header:] for w in line]
    starts = [min(w["x0"] for line in lines for w in line)]
    for (_, end), (start, _) in zip(head, head[1:]):
        inside = sorted((max(w["x0"], end), min(w["x1"], start)) for w in body if w["x1"] > end and w["x0"] < start)
        free, x = (end, end), end  # the widest stretch of the gap no body word covers
        for a, b in inside:
            if a - x > free[1] - free[0]:
                free = (x, a)
            x = max(x, b)
        if start - x > free[1] - free[0]:
            free = (x, start)
        starts.append(free[1] if free[1] > free[0] else start)
    x1 = max(w["x1"] for line in lines for w in line)
    grid = Grid(starts, x1, size, _cell_pitch(lines[header:], Grid(starts, x1, size, 0), size))
    cells = [cell_text(c) for c in _band_cells(lines[:header], size, edges)]
    if len(lines) == header:
        return FoundTable(lines[0][0]["top"], max(w["bottom"] for w in lines[-1]), starts[0], x1, [cells], grid)
    table = _grid_table(lines[header:], grid)
    table.rows.insert(0, cells)
    table.words = [None, *(table.words or [])]
    table.top = min(w["top"] for w in lines[0])
    return table


def _split_at(word: dict, edges: tuple[float, ...]) -> list[dict]:
    """A header word split where a capital after a small letter starts at a
    body column's edge: two header cells side by side with no space between
    them ("Đơn vị tính" | "Chỉ tiêu" read as "tínhChỉ"; "VNeID" stays whole)."""
    chars = word.get("chars") or []
    for i in range(1, len(chars)):
        a, b = chars[i - 1], chars[i]
        if a["text"].islower() and b["text"].isupper() and any(abs(b["x0"] - x) <= 1 for x in edges):
            left = dict(word, text="".join(c["text"] for c in chars[:i]), x1=a["x1"], chars=chars[:i])
            right = dict(word, text="".join(c["text"] for c in chars[i:]), x0=b["x0"], chars=chars[i:])
            return [left, *_split_at(right, edges)]
    return [word]


def _cell_pitch(lines: list[list[dict]], grid: Grid, size: float) -> float:
    """The line pitch above which a column's next line starts another cell:
    a little over a cell's line pitch, the smallest step between a column's
    consecutive lines that recurs (measured per column: the lines of cells
    centred in their rows' heights interleave across columns; in a table of
    mostly one-line rows most steps are from row to row)."""
    tops: dict[int, list[float]] = {}
    for line in lines:
        for k in {grid.column(w["x0"]) for w in line}:
            tops.setdefault(k, []).append(line[0]["top"])
    pitches = sorted(p for ts in tops.values() for a, b in zip(ts, ts[1:]) if (p := b - a) >= 0.9 * size)
    recurring = next((b for a, b in zip(pitches, pitches[1:]) if b - a <= 0.5), None)
    if recurring is None:
        return 1.12 * pitches[len(pitches) // 4] if pitches else 1.35 * size  # header alone: text lines
    return 1.12 * recurring


def _grid_table(lines: list[list[dict]], grid: Grid) -> FoundTable:
    """Rows of lines in the columns of `grid`. A column's words on lines
    closer than the row pitch are one cell; each line's text in the first
    column anchors a row (a row number, a heading merged across the row and
    the lines it wraps onto), the "(1) (2) (3)" line is a row of its own, and
    no cell runs across either. Any other cell joins the row whose anchor lies
    within its height — the cell starts on the row's first line, or is
    centred in the row's height — split at the anchors' tops when it spans
    several; a cell beside no anchor joins the row whose cells it overlaps,
    or starts a row of its own (a row without a number)."""
    rows: list[_Row] = []
    cells: list[_Row] = []  # the other columns' cells, each as a one-column row
    open_cells: dict[int, _Row] = {}
    for line in lines:
        first = _runs(line, grid.size)[0]
        top, bottom = line[0]["top"], max(w["bottom"] for w in line)
        if is_column_number_row([w["text"] for w in line]):  # "(1) (2)" may be closer than a wide space
            open_cells.clear()
            rows.append(_Row("numbers"))
            for w in line:
                rows[-1].add(grid.column(w["x0"]), top, w["bottom"], [w])
            continue
        if (
            grid.column(first[0]["x0"]) == 0
            and len(grid.starts) > 1
            and max(w["x1"] for w in first) > grid.starts[1] + 0.5 * grid.size
        ):
            open_cells.clear()
            if not (rows and rows[-1].kind == "heading" and top - rows[-1].last_top <= grid.row_pitch):
                rows.append(_Row("heading"))
            rows[-1].add(0, top, bottom, list(line))
            continue
        columns: dict[int, list[dict]] = {}
        for w in line:
            columns.setdefault(grid.column(w["x0"]), []).append(w)
        for k, words in sorted(columns.items()):
            low = max(w["bottom"] for w in words)
            if k == 0:
                rows.append(_Row("anchor"))
                rows[-1].add(0, top, low, words)
                continue
            cell = open_cells.get(k)
            if cell is None or top - cell.last_top > grid.row_pitch:
                cell = open_cells[k] = _Row("cell")
                cells.append(cell)
            cell.add(k, top, low, words)
    anchors = [r for r in rows if r.kind == "anchor"]
    centred = _centred(anchors, cells, grid.size)
    loose = []
    for cell in cells:
        hit = [r for r in anchors if r.lines[0][1] < cell.bottom and r.lines[0][2] > cell.top]
        above = _Row("cell")  # lines above the first anchor: the row before's, unless centred
        for line in cell.lines:
            row = next((r for r in reversed(hit) if r.lines[0][1] <= line[1] + 1), hit[0] if centred and hit else None)
            (row or above).add(*line)
        if above.lines:
            loose.append(above)
    for cell in loose:
        row = next(
            (r for r in rows if r.kind in ("anchor", "cell") and r.top < cell.bottom and r.bottom > cell.top), None
        )
        if row is None:
            rows.append(cell)
        else:
            for line in cell.lines:
                row.add(*line)
    rows.sort(key=lambda r: r.top)
    words = [w for line in lines for w in line]
    extents = [(grid.starts[k], grid.x1) for k in range(len(grid.starts))]
    for k in range(len(grid.starts)):
        column = [w for r in rows if r.kind in ("anchor", "cell") for ws in r.lines_in(k) for w in ws]
        if column:
            extents[k] = (min(w["x0"] for w in column), max(w["x1"] for w in column))
    return FoundTable(
        min(w["top"] for w in words),
        max(w["bottom"] for w in words),
        grid.starts[0],
        max(grid.x1, *(w["x1"] for w in words)),
        [
            [cell_text(_joined(row.text(k), row.lines_in(k), *extents[k])) for k in range(len(grid.starts))]
            for row in rows
        ],
        grid,
        words=[[row.words(k) for k in range(len(grid.starts))] for row in rows],
    )


def _centred(anchors: list[_Row], cells: list[_Row], size: float) -> bool:
    """Whether the table's cells are centred in their rows' heights (most
    cells of several lines beside a row's anchor have their middle, not their
    first line, level with it)."""
    first = middle = 0
    for cell in (c for c in cells if len(c.lines) > 1):
        for _, top, bottom, _ in (a.lines[0] for a in anchors):
            if top < cell.bottom and bottom > cell.top:
                first += abs(top - cell.top) <= 1
                middle += abs(top + bottom - cell.top - cell.bottom) <= size
    return middle > first


@dataclass
class _Row:
    """Lines of a borderless table's row (or of one cell) as (column, top,
    bottom, words); `kind` is what started it: "anchor" (text in the first
    column), "heading" (merged across the row), "numbers" or "cell"."""

    kind: str
    lines: list[tuple[int, float, float, list[dict]]] = field(default_factory=list)
    top: float = math.inf
    bottom: float = -math.inf

    @property
    def last_top(self) -> float:
        return self.lines[-1][1]

    def add(self, column: int, top: float, bottom: float, words: list[dict]) -> None:
        self.lines.append((column, top, bottom, words))
        self.top, self.bottom = min(self.top, top), max(self.bottom, bottom)

    def lines_in(self, column: int) -> list[list[dict]]:
        """The column's lines of words, top down."""
        return [ws for k, _, _, ws in sorted(self.lines, key=lambda ln: ln[1]) if k == column]

    def text(self, column: int) -> list[str]:
        """The column's lines of text, top down."""
        return [" ".join(w["text"] for w in ws) for ws in self.lines_in(column)]

    def words(self, column: int) -> list[dict]:
        """The column's words, top down."""
        return [w for ws in self.lines_in(column) for w in ws]


def continue_tables(pages: list[_Page]) -> list[str]:
    """Read the rows of a borderless table that goes on over the next page
    without its header: on a page with no ruled table, the lines above its
    first table (all lines when it has none) that follow the previous page's
    borderless table with only furniture between are read with that table's
    columns, up to a wide gap or a line that does not fit them. Warnings for
    text there that is neither rows, furniture nor clearly after the table."""
    furniture = _Furniture(pages)
    warnings = []
    grid = None
    for page in pages:
        content = sorted(
            (it for it in page.items if not (isinstance(it, _Text) and furniture(it))), key=lambda it: it.top
        )
        tables = [it for it in content if isinstance(it, FoundTable)]
        if grid is not None and all(t.grid for t in tables):
            # a row's last line ("2030", "12/2026") may sit in the edge band and read as furniture
            above = [
                it
                for it in sorted(page.items, key=lambda it: it.top)
                if isinstance(it, _Text)
                and (not tables or it.top < tables[0].top)
                and (not furniture(it) or grid.fits(it.words) and not furniture.in_place(page.number, it))
            ]
            grid = _realigned(grid, above)
            taken, lines, found = _continued(above, grid, page.number)
            warnings += found
            if taken:
                table, gone = _grid_table(lines, grid), {id(t) for t in taken}
                page.items = [it for it in page.items if id(it) not in gone] + [table]
                content = sorted([table] + [it for it in content if id(it) not in gone], key=lambda it: it.top)
        if content:
            grid = content[-1].grid if isinstance(content[-1], FoundTable) else None
    return warnings


def _realigned(grid: Grid, texts: list[_Text]) -> Grid:
    """The grid moved sideways to where the lines at the top of the next page
    line up with it (a page turned to the other orientation centres the
    table elsewhere): when the grid fits under half of the first lines, the
    shift by which a line's run starts at a column start that makes
    nearly all of them fit, half of them with text in several columns; else
    the grid unchanged."""
    sample = [t.words for t in texts[:12] if t.words]
    fitting = sum(grid.fits(words) for words in sample)
    if len(sample) < 3 or 2 * fitting >= len(sample):
        return grid
    best, score = grid, fitting
    shifts = {round(run[0]["x0"] - s, 1) for words in sample for run in _runs(words, grid.size) for s in grid.starts}
    for dx in sorted(shifts, key=abs):
        moved = replace(grid, starts=[s + dx for s in grid.starts], x1=grid.x1 + dx)
        n = sum(moved.fits(words) for words in sample)
        if n > score:
            best, score = moved, n
    wide = sum(len({best.column(w["x0"]) for w in words}) > 1 for words in sample)
    return best if 5 * score >= 4 * len(sample) and 2 * wide >= len(sample) else grid


def _continued(texts: list[_Text], grid: Grid, number: int) -> tuple[list[_Text], list[list[dict]], list[str]]:
    """The lines at the top of a page that continue the table of `grid` (up
    to a wide gap, or lines off its columns that no row follows), its row
    lines, and warnings. Lines off the columns with rows after them are a row
    spanning the columns when they start in the first (a merged heading),
    else they are left out with a warning; a line after the end that still
    reads as a row is warned about."""
    wide = 2.2 * grid.size
    taken: list[_Text] = []
    lines: list[list[dict]] = []
    warnings: list[str] = []
    n = 0
    page = [t.words for t in texts]
    while n < len(texts) and (n == 0 or texts[n].top - texts[n - 1].top < wide or _goes_on(page, n, grid)):
        if grid.fits(texts[n].words):
            taken.append(texts[n])
            lines.append(texts[n].words)
            n += 1
            continue
        m = n + 1
        while m < len(texts) and texts[m].top - texts[m - 1].top < wide and not grid.fits(texts[m].words):
            m += 1
        heading = all(grid.column(t.words[0]["x0"]) == 0 for t in texts[n:m])
        while heading and m < len(texts) and texts[m].top - texts[m - 1].top < wide and _in_first(texts[m], grid):
            m += 1  # the heading's last line wrapped into the first column ("quyền")
        off = texts[n:m]
        last_heading = m == len(texts) and _heading_at_end(off, grid)
        if not last_heading and (
            m == len(texts) or texts[m].top - texts[m - 1].top >= wide or not _row_like(texts[m].words, grid)
        ):
            break
        taken += off
        if heading:
            lines.append([dict(w, x0=grid.starts[0]) for t in off for w in t.words])
        else:
            warnings.append(
                f'page {number}: "{off[0].text[:60]}" between rows of the table continued from '
                f"page {number - 1} does not line up with its columns and is left out; "
                "check that page by hand"
            )
        n = m
    stray = next((t for t in texts[n:] if _row_like(t.words, grid)), None)
    if stray is not None:
        warnings.append(
            f'page {number}: "{stray.text[:60]}" after the end of the table continued from page '
            f"{number - 1} reads like a row of it but is not taken as one; check that page by hand"
        )
    return taken, lines, warnings


def _in_first(text: _Text, grid: Grid) -> bool:
    """Whether a line lies in the first column alone and is no row number."""
    return all(grid.column(w["x0"]) == 0 for w in text.words) and not NUM_ONLY.fullmatch(text.words[0]["text"])


def _heading_at_end(off: list[_Text], grid: Grid) -> bool:
    """Whether the lines that end the page off the columns are a numbered
    heading merged across the row ("V. Phát triển …"), its rows on the next page."""
    return all(grid.column(t.words[0]["x0"]) == 0 for t in off) and bool(NUM_TITLE.match(off[0].text))


def _row_like(line: list[dict], grid: Grid) -> bool:
    """Whether a line fits the columns and starts with a row number or has
    text in more than one column."""
    if not grid.fits(line):
        return False
    columns = {grid.column(w["x0"]) for w in line}
    return len(columns) > 1 or (columns == {0} and bool(NUM_ONLY.fullmatch(line[0]["text"])))


class _Furniture:
    """Page furniture: a line in the top or bottom band whose text (digits
    aside) repeats on another page or reads as a page number."""

    def __init__(self, pages: list[_Page]):
        self.at: dict[str, list[tuple[int, float]]] = {}
        for page in pages:
            for item in page.items:
                if isinstance(item, _Text) and item.furniture_key is not None:
                    self.at.setdefault(item.furniture_key, []).append((page.number, item.top))
        self.repeated = {key for key, places in self.at.items() if len({n for n, _ in places}) > 1}

    def __call__(self, item: _Text) -> bool:
        key = item.furniture_key
        return key is not None and (key in self.repeated or bool(_PAGE_NO.fullmatch(key.replace("#", "1"))))

    def in_place(self, number: int, item: _Text) -> bool:
        """On another page at the same height: surely furniture."""
        return any(n != number and abs(top - item.top) <= 2 for n, top in self.at.get(item.furniture_key, ()))


def _extraction(pages: list[_Page]) -> Extraction:
    """Blocks in reading order; furniture dropped, title lines kept."""
    furniture = _Furniture(pages)
    blocks: list[Block] = []
    titles: list[str] = []
    text_since_table = True
    open_below: tuple[int, ...] = ()  # the previous table's columns left open by the page end
    roles: list[str | None] = []  # the last header's column roles
    for page in pages:
        for item in sorted(page.items, key=lambda it: it.top):
            if isinstance(item, _Text):
                if furniture(item):
                    continue
                if not blocks:
                    titles.append(item.text)
                text_since_table = True
                continue
            joins = bool(blocks) and not text_since_table
            if joins and item.rows and is_header_row(item.rows[0]) and _caption_row(blocks[-1].rows[-1].cells):
                blocks[-1].rows.pop()  # "Bảng 3" ending the page before: the next table's caption
                joins = False
            rows = [
                SourceRow(
                    cells=cells,
                    page=page.number,
                    line=n,
                    after_break=joins and n == 1,
                    ocr=item.reads[n - 1] if item.reads else None,
                )
                for n, cells in enumerate(item.rows, 1)
            ]
            last = blocks[-1].rows[-1].cells if joins and blocks[-1].rows else []
            roles = _header_roles(rows) or roles
            if joins and last:
                _carry_open(rows, open_below, roles)
            open_below = item.open_below
            for row in rows:
                row.cells = [
                    (last[k] if joins and k < len(last) else "") if cell == FROM_ABOVE else cell
                    for k, cell in enumerate(row.cells)
                ]
            if joins:
                _rejoin_split_heading(blocks[-1].rows, rows)
            blocks.append(Block(rows=rows, joins_previous=joins))
            text_since_table = False
    return Extraction(blocks=blocks, title_lines=titles)


def _header_roles(rows: list[SourceRow]) -> list[str | None]:
    """The column roles of a block's header row (among its first rows), or none."""
    header = next((r.cells for r in rows[:MAX_HEADER_LINES] if is_header_row(r.cells)), None)
    return assign_roles(header) if header else []


def _carry_open(rows: list[SourceRow], columns: tuple[int, ...], roles: list[str | None]) -> None:
    """A cell the page end left open (`_open_below`) goes on over the next
    page: the first numbered row there (past a header printed again) takes its
    text where its own cell is empty, not a row that only goes on with the
    one the break cut (no number)."""
    number = roles.index(NUMBER) if NUMBER in roles else None
    if not columns or number is None:
        return
    for row in rows:
        cells = row.cells
        if is_header_row(cells) or is_sub_header_row(cells) or is_column_number_row(cells):
            continue
        if number < len(cells) and NUM_ONLY.fullmatch(cells[number] or ""):
            for k in columns:
                if k < len(cells) and k != number and not cells[k]:
                    cells[k] = FROM_ABOVE
        return


_CAPTION = re.compile(r"(bảng|biểu|phụ lục|mẫu)( (biểu|mẫu))?( số)? ?[\dIVXLC]+[a-z]?\b[.:]?.{0,80}", re.I)


def _caption_row(cells: list[str]) -> bool:
    """Whether a table's last row is a caption ("Bảng 3", "Biểu số 2: …") alone in its first cell."""
    return bool(cells) and not any(cells[1:]) and bool(_CAPTION.fullmatch(cells[0]))


def _rejoin_split_heading(before: list[SourceRow], rows: list[SourceRow]) -> None:
    """A heading row ("VI | Hoạt động chính") broken by the page end goes on
    as a lone fragment ("| quyền số") at the top of the next page, after the
    repeated header: put the fragment back into the heading."""
    if not before or not rows:
        return
    last = before[-1].cells
    filled = [k for k, c in enumerate(last) if c]
    if len(filled) != 2 or filled[0] != 0:
        return
    for n, row in enumerate(rows):
        cells = row.cells
        if is_header_row(cells) or is_sub_header_row(cells) or is_column_number_row(cells):
            continue
        if [k for k, c in enumerate(cells) if c] == [filled[1]]:
            last[filled[1]] = f"{last[filled[1]]} {cells[filled[1]]}"
            del rows[n]
        return
