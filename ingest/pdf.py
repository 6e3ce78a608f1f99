"""PDF appendices -> blocks, with pdfplumber.

What happens here:
- the file is opened once; each page's doubled (bold-simulated) characters
  are dropped (`dedupe_chars`), its tables read once, and the page closed;
- a page whose ruling lines make a table is read with pdfplumber's "lines"
  strategy; a page without one is read by text alignment (`aligned_tables`):
  columns are the x-ranges the words of a header and its rows cover, and a
  row starts at a number or after a gap wider than the line spacing.
  `settings.pdf_table` replaces that choice with pdfplumber table settings;
- a borderless table that runs on over the next page without its header
  (`continue_tables`) is read there with the columns of the page before, up
  to a wide gap or lines that do not fit the columns and no row follows (the
  signature block); such lines with rows after them are a merged heading when
  they start in the first column, else left out with a warning, and a line
  after the end that still reads as a row is warned about, never dropped
  silently. There a row's last line in the edge band ("2030") is furniture
  only if the same text sits at the same height on another page;
- page headers, footers and page numbers (text in the top or bottom tenth of
  the page that repeats on another page or reads as a page number) are page
  furniture; a table that only furniture separates from the previous one
  `joins_previous`, and its first row is `after_break`;
- text above the first table is the title (for plan metadata);
- scanned pages raise NeedsOCR, or with settings.ocr are read by
  `ingest.ocr` (ruled tables cell by cell; refused when Tesseract is unsure);
  text in a font with no Unicode map raises UnreadableText.
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from io import BytesIO

import pdfplumber
from pdfplumber.utils.exceptions import PdfminerException

from chitieu.normalize.text import fold

from . import ocr
from .assemble import NUM_ONLY
from .columns import is_column_number_row, is_header_row, is_sub_header_row
from .exceptions import DamagedFile, EncryptedFile, ExtractError, NeedsOCR, UnreadableText
from .model import Block, Extraction, SourceRow
from .settings import ExtractSettings

LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
FURNITURE_BAND = 0.1             # top and bottom share of the page where furniture sits
_PAGE_NO = re.compile(r"(?:trang|page)?\s*[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:/|trên|of)\s*\d{1,4})?")
_MARK_FIRST = re.compile(r"(?<!\w)([\u0300-\u036f]+)(\w)")


@dataclass
class _Text:
    """A line of text outside the tables."""

    top: float
    text: str
    furniture_key: str | None = None   # set when the line sits in the top/bottom band
    words: list = field(default_factory=list, repr=False)   # for reading it as a continued table's row


@dataclass
class _Page:
    number: int
    items: list = field(default_factory=list)   # _Text and FoundTable
    refused: str | None = None                  # why OCR could not read this scanned page
    notes: list[str] = field(default_factory=list)


def read(data: bytes, settings: ExtractSettings) -> Extraction:
    """Blocks (one per table per page) and title lines of a PDF."""
    if b"%%EOF" not in data[-2048:]:
        raise DamagedFile("truncated PDF (no end-of-file marker)", "download or export the file again")
    pages: list[_Page] = []
    scanned: list[int] = []
    try:
        with pdfplumber.open(BytesIO(data), password=settings.password or "") as pdf:
            for number, page in enumerate(pdf.pages, 1):
                try:
                    read_page = _read_page(page, number, settings)
                finally:
                    page.close()
                if read_page is None:
                    scanned.append(number)
                else:
                    pages.append(read_page)
    except ExtractError:
        raise
    except PdfminerException as e:
        cause = e.args[0] if e.args else e
        if type(cause).__name__ == "PDFPasswordIncorrect":
            if settings.password:
                raise EncryptedFile("wrong password for this PDF", "check --password") from None
            raise EncryptedFile("password-protected PDF", "use --password") from None
        raise DamagedFile(f"damaged PDF: {_reason(cause)}", "open and re-save it, or export it again") from e
    except Exception as e:  # pdfminer raises assorted errors on malformed objects
        raise DamagedFile(f"damaged PDF: {_reason(e)}", "open and re-save it, or export it again") from e
    if settings.ocr:
        ocr.repeat_headers([t.rows for p in pages for t in p.items if isinstance(t, FoundTable)])
        ocr.check_numbering([t for p in pages for t in p.items if isinstance(t, FoundTable)])
    refused = [f"page {p.number} not loaded: {p.refused}" for p in pages if p.refused]
    if refused and len(refused) == len(pages):
        raise NeedsOCR(refused[0])
    if scanned:
        listed = ", ".join(map(str, scanned[:10])) + (" …" if len(scanned) > 10 else "")
        raise NeedsOCR(f"scanned PDF: page(s) {listed} are images with no text layer; it needs OCR",
                       "run with --ocr to read it with Tesseract")
    warnings = continue_tables(pages)
    extraction = _extraction(pages)
    extraction.warnings += refused + [n for p in pages for n in p.notes] + warnings
    return extraction


def _reason(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _read_page(page, number: int, settings: ExtractSettings) -> _Page | None:
    """Tables and outside text of one page; None for an image-only page."""
    if _has_doubled_chars(page.chars):
        page = page.dedupe_chars()
    garbage = bool(page.chars) and ocr.is_page_image(page) and not ocr.text_layer_is_trustworthy(page.extract_words())
    if not page.chars or garbage:
        if not page.images or not settings.ocr:
            return None if page.images else _Page(number)
        try:
            scan = ocr.read_page(page, number)
        except ocr.PageRefused as e:
            return _Page(number, refused=str(e))
        found = [FoundTable(t.top, t.bottom, t.x0, t.x1, [[cell_text(c) for c in row] for row in t.rows],
                            reads=t.reads) for t in scan.tables]
        notes = [f"page {number}: the scanner's text layer is not Vietnamese text; read again by OCR"] if garbage else []
        return _Page(number, _outside_text(scan.words, found, page.height) + found, notes=notes)
    _check_unicode(page.chars, number)
    if settings.pdf_table:
        found = [_plumber_table(t) for t in page.find_tables(settings.pdf_table)]
    else:
        found = [_plumber_table(t) for t in page.find_tables(LINES)]
        found = [t for t in found if len(t.rows) >= 2 and len(t.rows[0]) >= 2]
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    if not found and not settings.pdf_table:
        found = aligned_tables(words)
    return _Page(number, _outside_text(words, found, page.height) + found)


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
        raise UnreadableText(f"page {number}: the font has no usable Unicode map (text comes out as glyph ids)",
                             "export the PDF again with embedded Unicode fonts, or give the DOCX")


_WRAPPED_HYPHEN = re.compile(r"(?<=\w)-[ \t]*\n[ \t]*(?=\w)")


def cell_text(text: str | None) -> str:
    """One cell's text: lines joined with a space (none after a line that
    ends in a word's hyphen: "HĐND-" / "UBND"), NFC; a tone mark that a font
    drew ahead of its letter (so it starts a word) is put after it."""
    if not text:
        return ""
    text = _MARK_FIRST.sub(r"\2\1", " ".join(_WRAPPED_HYPHEN.sub("-", text).split()))
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
        """Whether each run of closely spaced words on the line stays inside one column."""
        for run in _runs(line, self.size):
            x0, x1 = run[0]["x0"], max(w["x1"] for w in run)
            k = self.column(x0)
            end = self.starts[k + 1] - 0.25 * self.size if k + 1 < len(self.starts) else self.x1 + 2 * self.size
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
    reads: list | None = None     # OCR: per row, per cell, an ingest.model.CellRead or None

    def holds(self, word: dict) -> bool:
        cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
        return self.x0 - 1 <= cx <= self.x1 + 1 and self.top - 1 <= cy <= self.bottom + 1


def _plumber_table(table) -> FoundTable:
    x0, top, x1, bottom = table.bbox
    return FoundTable(top, bottom, x0, x1, [[cell_text(c) for c in row] for row in table.extract()])


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
    """Borderless tables: a header line (named by its words) and the lines
    under it up to a wide gap; columns are the x-ranges their words cover,
    and a row starts at a number in the first column or where the line
    spacing is wider than inside a cell."""
    lines = _lines(words)
    if not lines:
        return []
    size = statistics.median(w["bottom"] - w["top"] for w in words)
    tables = []
    i = 0
    while i < len(lines):
        if not is_header_row(_chunks(lines[i], size)):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j][0]["top"] - lines[j - 1][0]["top"] < 2.2 * size \
                and not is_header_row(_chunks(lines[j], size)):
            j += 1
        tables.append(_aligned_table(lines[i:j], size))
        i = j
    return tables


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


def _chunks(line: list[dict], size: float) -> list[str]:
    """Texts of a line split where words are further apart than a wide space."""
    return [" ".join(w["text"] for w in run) for run in _runs(line, size)]


def _aligned_table(lines: list[list[dict]], size: float) -> FoundTable:
    """One borderless table from its lines (header first)."""
    spans: list[list[float]] = []
    for w in sorted((w for line in lines for w in line), key=lambda w: w["x0"]):
        if spans and w["x0"] - spans[-1][1] <= 0.5 * size:
            spans[-1][1] = max(spans[-1][1], w["x1"])
        else:
            spans.append([w["x0"], w["x1"]])
    pitches = sorted(b[0]["top"] - a[0]["top"] for a, b in zip(lines, lines[1:]))
    new_row_pitch = 1.12 * pitches[len(pitches) // 4] if pitches else 0.0
    return _grid_table(lines, Grid([a for a, _ in spans], spans[-1][1], size, new_row_pitch))


def _grid_table(lines: list[list[dict]], grid: Grid) -> FoundTable:
    """Rows of lines in the columns of `grid`: a row starts at text in the
    first column or after a line pitch wider than inside a cell."""
    rows: list[list[list[str]]] = []
    previous_top = None
    for line in lines:
        cells: list[list[str]] = [[] for _ in grid.starts]
        for w in line:
            cells[grid.column(w["x0"])].append(w["text"])
        top = line[0]["top"]
        if not rows or cells[0] or top - previous_top > grid.row_pitch:
            rows.append([[] for _ in grid.starts])
        for k, texts in enumerate(cells):
            if texts:
                rows[-1][k].append(" ".join(texts))
        previous_top = top
    words = [w for line in lines for w in line]
    return FoundTable(min(w["top"] for w in words), max(w["bottom"] for w in words), grid.starts[0],
                      max(grid.x1, *(w["x1"] for w in words)),
                      [[cell_text("\n".join(c)) for c in row] for row in rows], grid)


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
        content = sorted((it for it in page.items if not (isinstance(it, _Text) and furniture(it))),
                         key=lambda it: it.top)
        tables = [it for it in content if isinstance(it, FoundTable)]
        if grid is not None and all(t.grid for t in tables):
            # a row's last line ("2030", "12/2026") may sit in the edge band and read as furniture
            above = [it for it in sorted(page.items, key=lambda it: it.top) if isinstance(it, _Text)
                     and (not tables or it.top < tables[0].top)
                     and (not furniture(it) or grid.fits(it.words) and not furniture.in_place(page.number, it))]
            taken, lines, found = _continued(above, grid, page.number)
            warnings += found
            if taken:
                table, gone = _grid_table(lines, grid), {id(t) for t in taken}
                page.items = [it for it in page.items if id(it) not in gone] + [table]
                content = sorted([table] + [it for it in content if id(it) not in gone], key=lambda it: it.top)
        if content:
            grid = content[-1].grid if isinstance(content[-1], FoundTable) else None
    return warnings


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
    while n < len(texts) and (n == 0 or texts[n].top - texts[n - 1].top < wide):
        if grid.fits(texts[n].words):
            taken.append(texts[n])
            lines.append(texts[n].words)
            n += 1
            continue
        m = n + 1
        while m < len(texts) and texts[m].top - texts[m - 1].top < wide and not grid.fits(texts[m].words):
            m += 1
        if m == len(texts) or texts[m].top - texts[m - 1].top >= wide or not _row_like(texts[m].words, grid):
            break
        off = texts[n:m]
        taken += off
        if all(grid.column(t.words[0]["x0"]) == 0 for t in off):
            lines.append([dict(w, x0=grid.starts[0]) for t in off for w in t.words])
        else:
            warnings.append(f'page {number}: "{off[0].text[:60]}" between rows of the table continued from '
                            f"page {number - 1} does not line up with its columns and is left out; "
                            "check that page by hand")
        n = m
    stray = next((t for t in texts[n:] if _row_like(t.words, grid)), None)
    if stray is not None:
        warnings.append(f'page {number}: "{stray.text[:60]}" after the end of the table continued from page '
                        f"{number - 1} reads like a row of it but is not taken as one; check that page by hand")
    return taken, lines, warnings


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
            rows = [SourceRow(cells=cells, page=page.number, line=n, after_break=joins and n == 1,
                              ocr=item.reads[n - 1] if item.reads else None)
                    for n, cells in enumerate(item.rows, 1)]
            if joins:
                _rejoin_split_heading(blocks[-1].rows, rows)
            blocks.append(Block(rows=rows, joins_previous=joins))
            text_since_table = False
    return Extraction(blocks=blocks, title_lines=titles)


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
