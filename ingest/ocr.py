"""Scanned (image-only) PDF pages -> ruled tables and text lines, with Tesseract.

What happens here:
- the page is rendered at DPI, binarised (Otsu), and turned straight by the
  angle (within MAX_SKEW) at which its pixel rows are sharpest: the ruling
  lines of a table scanned a little askew;
- ruling lines are runs of dark pixels at least RULE_LENGTH long; a table is a
  set of horizontal and vertical rules that cross one another. Its rows lie
  between the horizontal rules and, in each row, its cells between the
  vertical rules that cross that row (a merged section row has none inside,
  so its text lands in the first column, as pdfplumber gives it);
- each cell is cropped inside its rules (the rules whitened), scaled to
  OCR_DPI, and read as one text block (`--psm 6`, Vietnamese); the cells are
  the pages of multi-page TIFFs, two Tesseract calls per page, while a third
  reads the text outside the tables (title lines, page furniture);
- a page with no ruled table is read whole (`--psm 3`) and its words are
  handed back for pdf.aligned_tables, the text-PDF reader's borderless
  columns; `read_borderless` then checks their cells as below;
- row numbers are read again glyph by glyph (`_outline_numbers`), as
  Tesseract drops the dots of "2.1."; each must follow the one above it,
  across pages (`check_numbering`);
- target cells (and any cell Tesseract began with a sign, as in a table
  whose header did not read) get their comparison sign from the glyph
  (`ocr_signs`), and so does a sign before a number inside any text
  ("Có ≥ 70% người dân", `_read_signs`); every
  cell its lost spaces and its tone marks from the lexicon (`lexicon`);
- a cell Tesseract is unsure of (mean word confidence under
  MIN_CELL_CONFIDENCE, an inked cell read as nothing, a row number unreadable
  or out of sequence) is kept as read and marked for review (`CellRead`);
  only a page whose mean confidence is under MIN_CONFIDENCE is refused
  (PageRefused), and the document's other pages still load.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO

import numpy as np
from PIL import Image, ImageOps
from rapidfuzz.distance import Levenshtein

from chitieu.normalize.text import new_tone_placement

from .limits import check_pixels
from .columns import assign_roles, is_header_row
from .exceptions import NeedsOCR
from .lexicon import lexicon
from .model import NUMBER, TARGET, CellRead
from .ocr_signs import SIGNS, glyph_sign, read_sign, spaced_sign

DPI = 300  # rendering for finding the rules
OCR_DPI = 225  # cells are scaled to this for Tesseract
MAX_SKEW = 5.0  # degrees a scan may be askew and still be turned straight
RULE_LENGTH = DPI // 4  # shortest dark run taken for a ruling line (pixels)
MIN_CONFIDENCE = 80.0  # mean word confidence of a page, 0-100
MIN_CELL_CONFIDENCE = 50.0  # mean word confidence of one cell
HEADER_EDITS = 0.1  # share of a header cell's letters a repeat may read differently
EN_DASH = 0.34  # a dash at least this share of the text size wide is an en dash ("–"), not a hyphen
GOOD_LAYER_SYLLABLES = 0.8  # share of a trustworthy text layer's words that are syllables
GOOD_LAYER_MARKED = 0.3  # share of those syllables with a vowel or tone mark (most Vietnamese ones)
NOISE = 4.0  # spread of the paper's grey levels over which a page is cleaned
SPECK_CONFIDENCE = 40.0  # a short non-word read under this confidence is noise
MARKS_CONFIDENCE = 80.0  # a line of low words read under this mean confidence is loose accents
CORRECT_TONES = True  # put tone marks right against the lexicon (bench/ocr.py measures both ways)
TESSERACT = ["tesseract", "stdin", "stdout"]
_TEXT = ("-l", "vie")
_NUMBER_CHARS = ("-l", "eng", "-c", "tessedit_char_whitelist=0123456789ABCDEFGHIVXL()")
_TOL = DPI // 50  # pixels within which two rules are the same
NUMBER_SCALES = (1.0, 0.6)  # sizes at which a row number's glyphs are read
RULE_INKED = 0.95  # share of a row's pixel rows inked at a column rule's place for it to divide the row
DOT_INK = 0.5  # a dot has at least this share of a square of the digits' stroke width in ink
OUTLINE = re.compile(r"\d+(\.\d+)*\.?|[IVXL]+\.?|[A-H]\.?|\(\d+\)")
_HINT = "rescan at 300 dpi or type the table in"
# a target Tesseract garbled: a letter or an odd mark against a digit ("i85", "z5", "3;5", "#5": any
# mark but a sign, a bracket, a dash, a slash or a separator before a digit); "5km" is marked too, as
# a clerk's look costs less than a wrong target
MISREAD_TARGET = re.compile(r"(?:[^\w\s.,/()≥≤<>=+\-–—~%:;]|_|[^\W\d_])\d|\d[^\W\d_%]{1,2}\b|\d[;:¡!|]\d")
_SIGN_LIKE = re.compile(r"[><z£»«≥≤]")  # what Tesseract makes of a sign inside a text (not "2": "2025")
_MISREAD = {"SIT": "STT", "STI": "STT", "SŤT": "STT"}  # header words Tesseract misreads, so that the header is found
_ENV = dict(os.environ, OMP_THREAD_LIMIT="1")  # Tesseract's threads only slow small images down


@dataclass
class Table:
    """A ruled table on the page: its box in PDF points and its rows of cell texts."""

    top: float
    bottom: float
    x0: float
    x1: float
    rows: list[list[str]]
    reads: list[list[CellRead | None]]


class PageRefused(NeedsOCR):
    """A scanned page OCR cannot read at all; the document's other pages still load."""


@dataclass
class Scan:
    """What OCR read on one page: words outside the tables (pdfplumber-style
    dicts in PDF points, with confidence) and the tables; a page with no ruled
    table keeps its ink (bits, at DPI) for `read_borderless`."""

    words: list[dict]
    tables: list[Table]
    ink: np.ndarray | None = None
    shape: tuple[int, int] = (0, 0)

    def pixels(self) -> np.ndarray:
        """The page's ink as a grey image (0 ink, 255 paper)."""
        assert self.ink is not None
        bits = np.unpackbits(self.ink, count=self.shape[0] * self.shape[1]).reshape(self.shape)
        return np.where(bits, 0, 255).astype(np.uint8)


def is_page_image(page) -> bool:
    """Whether a pdfplumber page is a scan: one image covering most of it."""
    area = float(page.width * page.height) or 1.0
    return any((i["x1"] - i["x0"]) * (i["bottom"] - i["top"]) >= 0.5 * area for i in page.images)


def text_layer_is_trustworthy(words: list[dict]) -> bool:
    """Whether a scanner's invisible text layer over a page image reads as
    Vietnamese: at least GOOD_LAYER_SYLLABLES of its words are syllables of
    the lexicon and GOOD_LAYER_MARKED of them carry a vowel or tone mark (a
    layer made with an English model reads "CONG HOA xA HQI CilU NGHIA")."""
    tokens = [t for w in words for t in re.findall(r"[^\W\d_]{2,}", unicodedata.normalize("NFC", w["text"]))]
    if len(tokens) < 5:
        return False
    known = lexicon().syllables
    valid = [t for t in tokens if new_tone_placement(t).lower() in known]
    marked = [t for t in valid if not t.isascii()]
    return len(valid) >= GOOD_LAYER_SYLLABLES * len(tokens) and len(marked) >= GOOD_LAYER_MARKED * len(valid)


def correct_layer(page, number: int, max_pixels: int) -> np.ndarray:
    """A scanner's text layer read as our own OCR is: each comparison sign
    in it (">" for a "≥" whose underline the scanner's OCR missed) is
    decided on its glyph in the page image, changing the character in place;
    the page image (grey, at DPI) is returned for `layer_numbers`."""
    check_pixels(page, number, DPI, max_pixels)
    grey = np.asarray(page.to_image(resolution=DPI).original.convert("L"))
    k = DPI / 72
    chars = page.chars
    for n, c in enumerate(chars):
        if c["text"] in SIGNS:  # the layer's box is about its word's; the glyph starts at its left
            height = c["bottom"] - c["top"]
            after = chars[n + 1]["text"] if n + 1 < len(chars) else " "
            x0, x1 = round((c["x0"] - 0.5) * k), round((c["x0"] + (1.6 if after.isdigit() else 0.9) * height) * k)
            top, bottom = round((c["top"] - 0.3 * height) * k), round((c["bottom"] + 0.3 * height) * k)
            crop = grey[max(top, 0) : bottom, max(x0, 0) : x1]
            crop = crop[(crop < 128).mean(axis=1) < 0.8] if crop.size else crop  # a ruling line across it
            found, spaced = spaced_sign(crop) if crop.size else (None, False)
            if found:  # "≥ 82" where the layer has ">82"
                c["text"] = found + (" " if spaced and after.isdigit() else "")
        elif c["text"] == "-" and _dash_width(grey, c, k) >= EN_DASH * c["size"] * k:
            c["text"] = "–"  # "Văn hoá – Xã hội": the scanner's OCR reads an en dash as a hyphen
    return grey


def _dash_width(grey: np.ndarray, c: dict, k: float) -> float:
    """The ink width (pixels) of the dash at a text layer's "-": the widest
    thin run of ink near the character's box (a bar under a fifth of the
    text size high), 0 when there is none."""
    height = c["bottom"] - c["top"]
    x0, x1 = max(round((c["x0"] - 0.3 * height) * k), 0), round((c["x1"] + 0.6 * height) * k)
    ink = grey[max(round(c["top"] * k), 0) : round(c["bottom"] * k), x0:x1] < 128
    cols = np.flatnonzero(ink.any(axis=0))
    widest = 0
    for run in np.split(cols, np.flatnonzero(np.diff(cols) > 1) + 1) if len(cols) else []:
        rows = np.flatnonzero(ink[:, run[0] : run[-1] + 1].any(axis=1))
        if rows[-1] - rows[0] + 1 <= 0.2 * c["size"] * k:
            widest = max(widest, run[-1] - run[0] + 1)
    return widest


def layer_numbers(grey: np.ndarray, table) -> None:
    """The row numbers of a table read from a text layer (pdf.FoundTable)
    read again glyph by glyph in the page image (`_outline_numbers`: "&)"
    for "3"), and every cell's tone marks put right against the lexicon,
    changing its rows in place. A number the glyphs do not read stays as
    the layer has it."""
    rows, found, cells = table.rows, _number_column(table.rows), []
    if found is not None:
        header, column = found
        for r in range(header + 1, len(rows)):
            if column >= len(rows[r]) or not rows[r][column] or " " in rows[r][column]:
                continue
            if table.boxes is not None:
                box = table.boxes[r][column]
            elif table.words and table.words[r] and any(table.words[r]):
                box = _column_box(table, r, column)
            else:
                box = None
            crop = _content(grey, *_px(box, 0)) if box is not None else None
            if crop is not None:
                cells.append((r, column, crop))
    for (r, c, _), text in zip(cells, _outline_numbers([crop for *_, crop in cells])):
        if text is not None:
            rows[r][c] = text
    for row in rows:
        row[:] = [_tidy(t) if t else t for t in row]


def read_page(page, number: int, max_pixels: int) -> Scan:
    """OCR one pdfplumber page; raises PageRefused when it cannot be read at
    all, NeedsOCR when Tesseract or its Vietnamese data is missing, TooLarge
    when it would render (or holds an image) past `max_pixels`."""
    check_tesseract()
    check_pixels(page, number, DPI, max_pixels)
    image = page.to_image(resolution=DPI).original.convert("L")
    return read_image(image, number, 72 / DPI)


def read_image(image: Image.Image, number: int, scale: float) -> Scan:
    """OCR a page image (grey, DPI dots per inch); `scale` turns pixels into points."""
    turn = skew(image)
    if turn:
        image = image.rotate(turn, resample=Image.BICUBIC, expand=False, fillcolor=255)
    dark = _dark(np.asarray(image))
    across, down = _runs(dark, RULE_LENGTH), _runs(np.ascontiguousarray(dark.T), RULE_LENGTH).T
    grey = np.asarray(image)
    clean = _median3(grey) if _noisy(grey) else grey.copy()
    clean[_grow(across | down, 2)] = 255
    grids = _grids(_segments(across), _segments(down.T), dark)
    cells = [
        (t, r, c, crop)
        for t, (ys, xs, rows) in enumerate(grids)
        for r, row in enumerate(rows)
        for c, (x0, x1) in row
        if (crop := _content(clean, x0, ys[r], x1, ys[r + 1])) is not None
    ]
    outside = clean.copy()
    for ys, xs, _ in grids:
        outside[max(ys[0] - _TOL, 0) : ys[-1] + _TOL, max(xs[0] - _TOL, 0) : xs[-1] + _TOL] = 255
    with ThreadPoolExecutor(1) as pool:
        reading = pool.submit(_ocr_words, outside, scale)
        texts, confidences = _ocr_cells([_for_ocr(crop) for *_, crop in cells])
        words = reading.result()
    tables = [
        Table(
            ys[0] * scale,
            ys[-1] * scale,
            xs[0] * scale,
            xs[-1] * scale,
            [[""] * (len(xs) - 1) for _ in rows],
            [[None] * (len(xs) - 1) for _ in rows],
        )
        for ys, xs, rows in grids
    ]
    for (t, r, c, _), text in zip(cells, texts):
        tables[t].rows[r][c] = _tidy(text)
    doubts: dict[int, str] = {}
    columns = [_number_column(t.rows) for t in tables]
    targets = [_target_column(t.rows) for t in tables]
    for k, (t, r, c, crop) in enumerate(cells):
        in_target = targets[t] is not None and c == targets[t][1] and r > targets[t][0]
        if in_target or tables[t].rows[r][c][:1] in SIGNS:  # a sign starts a target in a table with no header
            tables[t].rows[r][c] = read_sign(crop, tables[t].rows[r][c])
            if doubt := _target_doubt(crop, tables[t].rows[r][c]):
                doubts[k] = doubt
    numbered = [k for k, (t, r, c, _) in enumerate(cells) if _is_number_cell(columns[t], grids[t], r, c)]
    for k, text in zip(numbered, _outline_numbers([cells[k][3] for k in numbered])):
        t, r, c, _ = cells[k]
        if text is None:
            doubts[k] = "row number unreadable"
            continue
        tables[t].rows[r][c] = text
        confidences[k] = []  # Tesseract's doubt about its own reading no longer counts
    for k, ((t, r, c, _), confs) in enumerate(zip(cells, confidences)):
        mean = sum(confs) / len(confs) if confs else 100.0
        if not tables[t].rows[r][c]:
            doubts.setdefault(k, "inked cell read as nothing")
            mean = 0.0
        elif mean < MIN_CELL_CONFIDENCE:
            doubts.setdefault(k, f"OCR confidence {mean:.0f}%")
        ys, xs, rows = grids[t]
        x0, x1 = dict(rows[r])[c]
        tables[t].reads[r][c] = CellRead(
            round(mean, 1), (x0 * scale, ys[r] * scale, x1 * scale, ys[r + 1] * scale), doubts.get(k)
        )
    every = [w for confs in confidences for w in confs] + [w["confidence"] for w in words]
    confidence = sum(every) / len(every) if every else 0.0
    if confidence < MIN_CONFIDENCE:
        raise PageRefused(f"OCR confidence {confidence:.0f}% on page {number} is too low to load", _HINT)
    if grids:
        return Scan(words, tables)
    return Scan(words, tables, np.packbits(clean < 128), clean.shape)


def read_borderless(pages: list[tuple[Scan, list]]) -> None:
    """Borderless tables found in the words of scans (per page in reading
    order, its Scan and its pdf.FoundTables with `words`: per body row, per
    cell, the words aligned into it) read as the ruled ones are: tone marks
    from the lexicon, a target's sign from its glyph, the row number glyph
    by glyph (in the numbering column's part of the row, where Tesseract may
    have read nothing), and a CellRead per cell with its words' mean
    confidence, its box and why it is doubted. A table without a header
    goes on in the columns of the one before."""
    columns: tuple[int | None, int | None, int] | None = None  # numbering, target, count: the last header's
    for scan, tables in pages:
        if not tables:
            continue
        pixels = scan.pixels()
        numbers: list[tuple] = []
        for table in tables:
            if table.words[0] is None or columns is None or columns[2] != len(table.rows[0]):
                number, target = _number_column(table.rows), _target_column(table.rows)
                columns = (number and number[1], target and target[1], len(table.rows[0]))
            numbers += _read_cells(table, pixels, columns[0], columns[1])
        numbers = [n for n in numbers if n[5] is not None or n[4]]
        blank = np.full((1, 1), 255, np.uint8)
        for (table, r, c, box, confs, _), text in zip(
            numbers, _outline_numbers([crop if crop is not None else blank for *_, crop in numbers])
        ):
            if text is None:
                _set_read(table, r, c, box, confs, "row number unreadable")
            else:
                table.rows[r][c] = text
                _set_read(table, r, c, box, [])


def _read_cells(table, pixels: np.ndarray, number: int | None, target: int | None) -> list[tuple]:
    """Read the body cells of one borderless table (see read_borderless),
    given its numbering and target columns; the numbering cells to read
    glyph by glyph are returned, as (table, row, column, box, confidences, crop)."""
    table.reads = [[None] * len(row) for row in table.rows]
    numbers = []
    for r, cells in enumerate(table.words):
        for c, words in enumerate(cells or ()):
            if not words:
                if c == number:
                    box = _column_box(table, r, c)
                    numbers.append((table, r, c, box, [], _content(pixels, *_px(box, _TOL))))
                continue
            text = table.rows[r][c] = _tidy(table.rows[r][c])
            box = (min(w["x0"] for w in words), min(w["top"] for w in words))
            box += (max(w["x1"] for w in words), max(w["bottom"] for w in words))
            confs = [w["confidence"] for w in words]
            review = None
            if c == target or text[:1] in SIGNS:
                crop = _content(pixels, *_px(box, _TOL + 2))
                table.rows[r][c] = read_sign(crop, text) if crop is not None else text
                review = _target_doubt(crop, table.rows[r][c]) if crop is not None else None
            if c == number and " " not in text:
                box = _column_box(table, r, c)
                numbers.append((table, r, c, box, confs, _content(pixels, *_px(box, _TOL))))
            else:
                _set_read(table, r, c, box, confs, review)
    return numbers


def _tidy(text: str) -> str:
    """A cell's OCR text with lost spaces put back and tone marks corrected (`lexicon`)."""
    return lexicon().correct(lexicon().respace(text)) if CORRECT_TONES else text


def _target_doubt(crop: np.ndarray, text: str) -> str | None:
    """Why a target cell's reading is doubtful: letters or odd marks in its
    number, a signed number with more glyphs than characters ("≥ 5" read for
    "≥ 3,5"), or a sign the glyph reader could not confirm (">" for a "≥" whose
    underline touches the digits)."""
    if MISREAD_TARGET.search(text):
        return "target misread (letters in its number)"
    if re.fullmatch(r"[≥≤<>=]\s*[\d.,]+\s*%?", text) and len(_glyph_runs(crop)) > len(text.replace(" ", "")):
        return "target misread (more glyphs than characters read)"
    if text[:1] in SIGNS and text[:1] != glyph_sign(crop):
        return "comparison sign not confirmed on the glyph"
    return None


def _glyph_runs(pixels: np.ndarray) -> list[np.ndarray]:
    """The column runs of a one-line crop's ink (its glyphs, where they do not
    touch), specks (less ink than DOT_INK of a square of the stroke width) left out."""
    ink = pixels < 128
    flat = np.pad(ink, ((0, 0), (1, 1))).ravel().astype(np.int8)
    edges = np.diff(flat)
    runs = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)  # horizontal ink runs
    stroke = float(np.median(runs)) if len(runs) else 1.0
    xs = np.flatnonzero(ink.any(axis=0))
    parts = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1) if len(xs) else []
    return [p for p in parts if ink[:, p[0] : p[-1] + 1].sum() >= DOT_INK * stroke**2]


def _set_read(table, r: int, c: int, box: tuple, confs: list[float], review: str | None = None) -> None:
    mean = sum(confs) / len(confs) if confs else 100.0
    if review is None and mean < MIN_CELL_CONFIDENCE:
        review = f"OCR confidence {mean:.0f}%"
    table.reads[r][c] = CellRead(round(mean, 1), box, review)


def _column_box(table, r: int, c: int) -> tuple[float, float, float, float]:
    """The box (points) of cell (r, c) of a borderless table: its column's
    stretch across, its row's words' height."""
    grid, words = table.grid, [w for cell in table.words[r] for w in cell]
    x0 = grid.starts[c] - 0.5 * grid.size
    x1 = grid.starts[c + 1] - 0.5 * grid.size if c + 1 < len(grid.starts) else grid.x1
    return (x0, min(w["top"] for w in words), x1, max(w["bottom"] for w in words))


def _px(box: tuple, margin: int) -> tuple[int, int, int, int]:
    """A box in points as pixels at DPI, `margin` pixels wider on each side (_content takes _TOL off)."""
    x0, top, x1, bottom = (round(v * DPI / 72) for v in box)
    return max(x0 - margin, 0), max(top - margin, 0), x1 + margin, bottom + margin


def repeat_headers(tables: list[list[list[str]]]) -> None:
    """A header row repeated on a later page is read again, and may come out a
    letter or two different: when each of its cells but one (a short "TT"
    read as "b b3") is within HEADER_EDITS of the first header's, it gets the
    first header's text, so that the table goes on across the page break."""
    first = None
    for rows in tables:
        if not rows:
            continue
        if first is None:
            first = rows[0] if is_header_row(rows[0]) else None
            continue
        close = sum(Levenshtein.normalized_distance(a, b) <= HEADER_EDITS for a, b in zip(rows[0], first))
        if len(rows[0]) == len(first) and close >= max(len(first) - 1, 2):
            rows[0] = list(first)


def check_numbering(tables: list) -> None:
    """Mark for review the row numbers that break their sequence across the
    OCR'd tables of a document, in reading order (pdf.FoundTable: rows and
    reads); a table without a header goes on in the column of the one before.
    A letter or roman numeral heads a section, so one numbering a row that has
    more than its title is doubted too."""
    sequence, column = [], None
    for table in tables:
        if table.reads is None:
            continue
        found = _number_column(table.rows)
        header = -1
        if found is None:
            column = None
        elif found[0] >= 0:
            header, column = found
        if column is None:
            continue
        for r in range(header + 1, len(table.rows)):
            read, text = table.reads[r][column], table.rows[r][column]
            if read is None or not text:
                continue
            sequence.append(((table, r, column), text.split()[0]))
            if re.fullmatch(r"[IVXL]+\.?|[A-H]\.?", text) and sum(map(bool, table.rows[r])) > 2:
                read.review = read.review or "a letter numbers a row with targets"  # "3" read as "B"
    for table, r, c in out_of_sequence(sequence):
        read = table.reads[r][c]
        read.review = read.review or "row number out of sequence"


def _number_column(rows: list[list[str]]) -> tuple[int, int] | None:
    """(header row or -1, numbering column) of a table: the column the header
    names "Stt", else the first; None when its header names no such column."""
    header = next((k for k, cells in enumerate(rows) if is_header_row(cells)), None)
    if header is None:
        return -1, 0
    roles = assign_roles(rows[header])
    return (header, roles.index(NUMBER)) if NUMBER in roles else None


def _target_column(rows: list[list[str]]) -> tuple[int, int] | None:
    """(header row, target column) of a table whose header names one."""
    header = next((k for k, cells in enumerate(rows) if is_header_row(cells)), None)
    if header is None:
        return None
    roles = assign_roles(rows[header])
    return (header, roles.index(TARGET)) if TARGET in roles else None


def _is_number_cell(number_column: tuple[int, int] | None, grid, r: int, c: int) -> bool:
    """Whether cell (r, c) is a one-column cell of the numbering column under the header."""
    if number_column is None:
        return False
    header, column = number_column
    ys, xs, cells = grid
    spans = dict(cells[r])
    return c == column and r > header and abs(spans[c][1] - xs[c + 1]) <= _TOL


def _dark(grey: np.ndarray) -> np.ndarray:
    """Ink pixels, by Otsu's threshold."""
    hist = np.array(Image.fromarray(grey).histogram(), dtype=float)  # PIL's, many times faster than bincount
    levels = np.arange(256)
    w0 = np.cumsum(hist)
    w1 = w0[-1] - w0
    m0 = np.cumsum(hist * levels)
    mean0 = m0 / np.maximum(w0, 1)
    mean1 = (m0[-1] - m0) / np.maximum(w1, 1)
    threshold = int(np.argmax(w0 * w1 * (mean0 - mean1) ** 2))
    return grey <= threshold


def _noisy(grey: np.ndarray) -> bool:
    """Whether the paper of a page image is grainy (grey noise, JPEG specks):
    the middle half of its light pixels spans more than NOISE grey levels,
    so that a median filter should clean its text before Tesseract reads it."""
    paper = grey[::2, ::2][grey[::2, ::2] > 160]
    return bool(len(paper)) and float(np.subtract(*np.percentile(paper, [75, 25]))) > NOISE


def skew(image: Image.Image) -> float:
    """The turn (degrees, anticlockwise, within MAX_SKEW) that makes the pixel
    rows of a grey page image sharpest; 0.0 under a tenth of a degree. Half
    degrees are tried on a sixth of its pixels across, then twentieths
    within 0.3 of the best on a third."""
    dark = _dark(np.asarray(image))
    coarse, fine = (Image.fromarray(dark[::k, ::k].astype(np.uint8) * 255) for k in (6, 3))

    def sharpness(small: Image.Image, angle: float) -> float:
        rows = np.asarray(small.rotate(angle, resample=Image.NEAREST), dtype=np.float64).sum(axis=1)
        return float((np.diff(rows) ** 2).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=lambda a: sharpness(coarse, a))
    best = max(np.arange(best - 0.3, best + 0.31, 0.05), key=lambda a: sharpness(fine, a))
    return round(float(best), 2) if abs(best) >= 0.1 else 0.0


def _runs(dark: np.ndarray, length: int) -> np.ndarray:
    """Pixels in a left-to-right run of at least `length` dark pixels (by
    running sums and slices, which cost one pass each)."""
    height, width = dark.shape
    if width < length:
        return np.zeros_like(dark)
    kind = np.int16 if width < 2**15 else np.int32
    sums = np.zeros((height, width + 1), dtype=kind)
    np.cumsum(dark, axis=1, out=sums[:, 1:])
    full = (sums[:, length:] - sums[:, :-length]) == length  # a run of `length` starts here
    starts = np.zeros((height, full.shape[1] + 1), dtype=kind)
    np.cumsum(full, axis=1, out=starts[:, 1:])
    # a pixel is in a run when one starts at most length - 1 pixels left of it
    upto = np.concatenate([starts[:, 1:], np.repeat(starts[:, -1:], length - 1, axis=1)], axis=1)
    before = np.concatenate([np.zeros((height, length - 1), dtype=kind), starts[:, : full.shape[1]]], axis=1)
    return upto > before


def _median3(grey: np.ndarray) -> np.ndarray:
    """A 3x3 median filter (edges kept): each pixel's column of three sorted,
    then the median of the left, middle and right columns' lows, middles and
    highs, the exact median in a few passes."""
    a, b, c = grey[:-2], grey[1:-1], grey[2:]
    low, high = np.minimum(a, b), np.maximum(a, b)
    mid = np.maximum(low, np.minimum(high, c))
    low, high = np.minimum(low, c), np.maximum(high, c)
    lows = np.maximum(np.maximum(low[:, :-2], low[:, 1:-1]), low[:, 2:])
    highs = np.minimum(np.minimum(high[:, :-2], high[:, 1:-1]), high[:, 2:])
    m0, m1, m2 = mid[:, :-2], mid[:, 1:-1], mid[:, 2:]
    mids = np.maximum(np.minimum(m0, m1), np.minimum(np.maximum(m0, m1), m2))
    out = grey.copy()
    out[1:-1, 1:-1] = np.maximum(np.minimum(lows, mids), np.minimum(np.maximum(lows, mids), highs))
    return out


def _grow(mask: np.ndarray, by: int) -> np.ndarray:
    out = mask.copy()
    for d in range(1, by + 1):
        out[d:] |= mask[:-d]
        out[:-d] |= mask[d:]
        out[:, d:] |= mask[:, :-d]
        out[:, :-d] |= mask[:, d:]
    return out


def _segments(mask: np.ndarray) -> list[tuple[int, int, int]]:
    """Horizontal rules in a run mask as (y, x0, x1): bands of neighbouring
    pixel rows, split where the band has a gap."""
    ys = np.flatnonzero(mask.any(axis=1))
    out = []
    if not len(ys):
        return out
    bands = np.split(ys, np.flatnonzero(np.diff(ys) > _TOL) + 1)
    for band in bands:
        cols = np.flatnonzero(mask[band[0] : band[-1] + 1].any(axis=0))
        for part in np.split(cols, np.flatnonzero(np.diff(cols) > _TOL) + 1):
            out.append((int(band.mean()), int(part[0]), int(part[-1])))
    return out


def _merge(values: list[int]) -> list[int]:
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= _TOL:
            out[-1].append(v)
        else:
            out.append([v])
    return [round(sum(g) / len(g)) for g in out]


def _grids(across: list[tuple], down: list[tuple], dark: np.ndarray):
    """Tables as (row rules ys, column rules xs, rows of (column, (x0, x1)) cells).
    A column rule broken by noise in a low row (its pieces shorter than
    RULE_LENGTH) still divides the row where `dark` has ink at it on
    RULE_INKED of the row's pixel rows (text across a merged row has gaps)."""
    parent = list(range(len(across) + len(down)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (y, x0, x1) in enumerate(across):
        for j, (x, y0, y1) in enumerate(down):
            if x0 - _TOL <= x <= x1 + _TOL and y0 - _TOL <= y <= y1 + _TOL:
                parent[root(i)] = root(len(across) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, line in enumerate(across):
        groups.setdefault(root(i), ([], []))[0].append(line)
    for j, line in enumerate(down):
        groups.setdefault(root(len(across) + j), ([], []))[1].append(line)
    grids = []
    for hs, vs in sorted(groups.values(), key=lambda g: min(h[0] for h in g[0]) if g[0] else 0):
        ys, xs = _merge([h[0] for h in hs]), _merge([v[0] for v in vs])
        if len(ys) < 2 or len(xs) < 2:
            continue
        rows = []
        for top, bottom in zip(ys, ys[1:]):
            middle = (top + bottom) / 2
            crossing = _merge([x for x, y0, y1 in vs if y0 - _TOL <= middle <= y1 + _TOL])
            inside = dark[top + _TOL : bottom - _TOL]
            crossing = _merge(
                crossing
                + [
                    x
                    for x in xs
                    if len(inside) and inside[:, max(x - _TOL, 0) : x + _TOL].any(axis=1).mean() >= RULE_INKED
                ]
            )
            cells = []
            for left, right in zip(crossing, crossing[1:]):
                column = min(range(len(xs)), key=lambda k: abs(xs[k] - left))
                cells.append((column, (left, right)))
            rows.append(cells)
        grids.append((ys, xs, rows))
    return grids


def _content(clean: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> np.ndarray | None:
    """The inked part of a cell inside its rules; None when blank."""
    box = clean[y0 + _TOL : y1 - _TOL, x0 + _TOL : x1 - _TOL]
    ink = box < 128
    if ink.sum() < DPI // 30:
        return None
    ys, xs = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return np.ascontiguousarray(box[ys[0] : ys[-1] + 1, xs[0] : xs[-1] + 1])


def _for_ocr(pixels: np.ndarray, dpi: int | None = None) -> Image.Image:
    """A crop scaled from DPI to `dpi` (OCR_DPI), on a white margin."""
    dpi = dpi or OCR_DPI
    image = Image.fromarray(pixels)
    if dpi != DPI:
        size = (max(1, round(image.width * dpi / DPI)), max(1, round(image.height * dpi / DPI)))
        image = image.resize(size, Image.LANCZOS)
    return ImageOps.expand(image, dpi // 10, fill=255)


@functools.cache
def _languages() -> frozenset[str] | None:
    try:
        result = subprocess.run(["tesseract", "--list-langs"], capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return frozenset(result.stdout.decode("utf-8", "replace").split()[1:] if not result.returncode else [])


def check_tesseract() -> None:
    """One line naming the Debian package to install when Tesseract or its
    Vietnamese (or English, for row numbers) data is missing."""
    languages = _languages()
    if languages is None:
        raise NeedsOCR("--ocr needs Tesseract, which is not installed", "install the package tesseract-ocr")
    for language, package in (("vie", "tesseract-ocr-vie"), ("eng", "tesseract-ocr-eng")):
        if language not in languages:
            raise NeedsOCR(
                f"--ocr needs Tesseract's '{language}' language data, which is not installed",
                f"install the package {package}",
            )


def _tesseract(image_bytes: bytes, psm: int, options: tuple) -> list[list[str]]:
    """Tesseract's TSV word rows for an image file's bytes."""
    try:
        result = subprocess.run(
            TESSERACT + ["--psm", str(psm), *options, "tsv"],
            input=image_bytes,
            env=_ENV,
            capture_output=True,
            timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as e:
        raise NeedsOCR(
            f"OCR with Tesseract failed: {type(e).__name__}", "install tesseract-ocr and tesseract-ocr-vie"
        ) from None
    if result.returncode:
        said = result.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        raise NeedsOCR(f"OCR failed: Tesseract stopped (exit {result.returncode}: {said[-1]})", _HINT)
    rows = [line.split("\t") for line in result.stdout.decode("utf-8").splitlines()[1:]]
    return [r for r in rows if len(r) == 12 and r[0] == "5" and r[11].strip()]


def _ocr_cells(crops: list[Image.Image], psm: int = 6, options: tuple = _TEXT) -> tuple[list[str], list[list[float]]]:
    """Text and word confidences of each cell crop: the crops are the pages
    of multi-page TIFFs, one Tesseract call per half. A line of loose marks
    (accents Tesseract split from their letters, mostly not letters or
    digits) is dropped when the cell has other lines."""
    half = (len(crops) + 1) // 2
    parts = [part for part in (crops[:half], crops[half:]) if part]
    with ThreadPoolExecutor(len(parts) or 1) as pool:
        results = list(pool.map(lambda part: _ocr_tiff(part, psm, options), parts))
    return [t for texts, _ in results for t in texts], [c for _, confs in results for c in confs]


def _ocr_tiff(crops: list[Image.Image], psm: int, options: tuple) -> tuple[list[str], list[list[float]]]:
    buffer = BytesIO()
    crops[0].save(buffer, "TIFF", save_all=True, append_images=crops[1:], compression="tiff_lzw")
    lines: dict[tuple, list[list[str]]] = {}
    for r in _tesseract(buffer.getvalue(), psm, options):
        lines.setdefault((int(r[1]) - 1, r[2], r[3], r[4]), []).append(r)
    words: list[list[str]] = [[] for _ in crops]
    confs: list[list[float]] = [[] for _ in crops]
    for (k, *_), line in lines.items():
        text = "".join(r[11] for r in line)
        if sum(ch.isalnum() for ch in text) * 2 < len(text) and sum(key[0] == k for key in lines) > 1:
            continue
        line = [r for r in line if not _speck(r[11], float(r[10]))]
        image = crops[k]
        boxed = [(r[11], (int(r[6]), int(r[7]), int(r[6]) + int(r[8]), int(r[7]) + int(r[9]))) for r in line]
        words[k] += [t for t, _ in _read_signs(boxed, lambda box: _upscaled(image, box))]
        confs[k] += [float(r[10]) for r in line]
    return [unicodedata.normalize("NFC", " ".join(w)) for w in words], confs


def _upscaled(image: Image.Image, box: tuple[int, int, int, int]) -> np.ndarray:
    """The part of a crop read at OCR_DPI inside a word's box, back at DPI."""
    part = image.crop((box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2))
    return np.asarray(part.resize((part.width * DPI // OCR_DPI, part.height * DPI // OCR_DPI), Image.BICUBIC))


def _read_signs(words: list[tuple[str, tuple]], pixels_of) -> list[tuple[str, tuple]]:
    """A line's words (text, pixel box) with a comparison sign before a number
    inside the text ("Có > 70% người dân", "z95%") read from its glyph
    (`ocr_signs.read_sign`), a sign and its number one word; `pixels_of(box)`
    gives a box's grey pixels."""
    out, i = [], 0
    while i < len(words):
        text, box = words[i]
        apart = len(text) == 1 and i + 1 < len(words) and words[i + 1][0][:1].isdigit()
        if _SIGN_LIKE.match(text) and (apart or text[1:2].isdigit()):
            part = words[i : i + 1 + apart]
            boxes = [b for _, b in part]
            joined = (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            out.append((read_sign(pixels_of(joined), " ".join(t for t, _ in part)), joined))
            i += len(part)
        else:
            out.append(words[i])
            i += 1
    return out


def _speck(word: str, confidence: float) -> bool:
    """A word Tesseract made of noise: unsure (under SPECK_CONFIDENCE), short,
    no digit, and no syllable ("`", "~", "z")."""
    letters = word.strip(".,;:()\"'")
    return (
        confidence < SPECK_CONFIDENCE
        and len(word) <= 3
        and not any(ch.isdigit() or ch in "%≥≤<>=+&/-–" for ch in word)
        and new_tone_placement(letters).lower() not in lexicon().syllables
    )


def _ocr_words(grey: np.ndarray, scale: float) -> list[dict]:
    """Words of a page image (pdfplumber-style dicts in points, with
    confidence); each word gets its text line's top and bottom, measured
    from the line's baseline (accents above and dots below vary too much),
    so that a dash or a comma stays in its line and line pitches are even. Specks are dropped, and so is a line
    of loose accents (all its words low, read with a mean confidence under
    MARKS_CONFIDENCE). A word that is syllables glued together ("Yêucầu", a
    header word) is split into them (`lexicon`). Text-sized ink that no word covers
    (a lone "7" in a numbering column, which Tesseract's page layout
    analysis drops) is read on its own and joins the line at its height."""
    if not (grey < 128).any():
        return []
    buffer = BytesIO()
    Image.fromarray(grey).save(buffer, "PNG")
    lines: dict[tuple, list[tuple]] = {}  # Tesseract's text lines of (text, confidence, pixel box)
    for r in _tesseract(buffer.getvalue(), 3, _TEXT):
        left, top, width, height = (int(v) for v in r[6:10])
        if not _speck(r[11], float(r[10])):
            lines.setdefault(tuple(r[1:5]), []).append((r[11], float(r[10]), (left, top, left + width, top + height)))
    heights = sorted(b[3] - b[1] for line in lines.values() for *_, b in line)
    height = heights[len(heights) // 2] if heights else DPI // 6
    for key, line in list(lines.items()):
        if max(b[3] - b[1] for *_, b in line) < 0.8 * height and (
            sum(c for _, c, _ in line) < MARKS_CONFIDENCE * len(line)
        ):
            del lines[key]  # the accents of the line below, split from their letters
    boxes = _unread_ink(grey, [box for line in lines.values() for *_, box in line])
    texts, confidences = _ocr_cells([_for_ocr(_inked(grey, box)) for box in boxes], psm=7)
    for box, text, confs in zip(boxes, texts, confidences):
        if text:
            middle = (box[1] + box[3]) / 2
            line = next(
                (ln for ln in lines.values() if min(b[1] for *_, b in ln) <= middle <= max(b[3] for *_, b in ln)), None
            )
            (line if line is not None else lines.setdefault(box, [])).append((text, sum(confs) / len(confs), box))
    words = []
    for line in lines.values():
        confidence = {b: c for _, c, b in line}
        signed = _read_signs([(t, b) for t, _, b in line], lambda b: _inked(grey, _padded(b, grey.shape)))
        line = [(t, confidence.get(b, min(confidence.values())), b) for t, b in signed]
        base = _baseline(grey, [b for *_, b in line])
        top, bottom = (base - height) * scale, (base + 0.25 * height) * scale
        for text, confidence, (x0, _, x1, _) in line:
            text = _MISREAD.get(text, unicodedata.normalize("NFC", text))
            pieces = lexicon().respace(text).split(" ")
            share = (x1 - x0) / max(sum(map(len, pieces)), 1)  # a glued word's parts, each its letters' share
            for piece in pieces:
                end = x0 + share * len(piece)
                words.append(
                    {
                        "text": piece,
                        "x0": x0 * scale,
                        "x1": end * scale,
                        "top": top,
                        "bottom": bottom,
                        "confidence": confidence,
                    }
                )
                x0 = end
    return words


def _baseline(grey: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> int:
    """The baseline of a line of words (pixel boxes): the last pixel row of
    its ink at least half as dense as its densest, where the letters' bodies
    end (accents above and descenders and dots below are sparse)."""
    y0, y1 = min(b[1] for b in boxes), max(b[3] for b in boxes)
    profile = sum(((grey[y0:y1, b[0] : b[2]] < 128).sum(axis=1) for b in boxes), np.zeros(y1 - y0, dtype=np.int64))
    return y0 + int(np.flatnonzero(profile >= 0.5 * profile.max())[-1]) + 1 if profile.any() else y1


def _unread_ink(grey: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of the ink outside the words read (`boxes`) that is the
    size of text (at least DPI/20 high and DPI/5 pixels, under DPI/2 high:
    not a stamp or a signature) and stands apart, DPI/10 or more from every
    word at its height (not a mark or a speck Tesseract left out of a word);
    split where a gap is wider than a space."""
    ink = grey < 128
    for x0, y0, x1, y1 in boxes:
        ink[max(y0 - _TOL, 0) : y1 + _TOL, max(x0 - _TOL, 0) : x1 + _TOL] = False
    rows = np.flatnonzero(ink.any(axis=1))
    out = []
    for band in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1) if len(rows) else []:
        if not DPI // 20 <= len(band) < DPI // 2:
            continue
        part = ink[band[0] : band[-1] + 1]
        cols = np.flatnonzero(part.any(axis=0))
        for run in np.split(cols, np.flatnonzero(np.diff(cols) > DPI // 12) + 1):
            piece = part[:, run[0] : run[-1] + 1]
            ys = np.flatnonzero(piece.any(axis=1))
            box = (int(run[0]), int(band[0] + ys[0]), int(run[-1] + 1), int(band[0] + ys[-1] + 1))
            if piece.sum() >= DPI // 5 and box[3] - box[1] >= DPI // 20 and _apart(box, boxes):
                out.append(box)
    return out


def _apart(box: tuple[int, int, int, int], boxes: list[tuple[int, int, int, int]]) -> bool:
    x0, y0, x1, y1 = box
    return all(max(b[0] - x1, x0 - b[2]) >= DPI // 10 for b in boxes if b[1] < y1 and b[3] > y0)


def _padded(box: tuple[int, int, int, int], shape: tuple[int, ...], pad: int = 2) -> tuple[int, int, int, int]:
    return (max(box[0] - pad, 0), max(box[1] - pad, 0), min(box[2] + pad, shape[1]), min(box[3] + pad, shape[0]))


def _inked(grey: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return np.ascontiguousarray(grey[y0:y1, x0:x1])


def _outline_numbers(crops: list[np.ndarray]) -> list[str | None]:
    """Row numbers ("2.1.", "II", "B", "(3)") read glyph by glyph, since
    Tesseract drops or doubles the dots between digits: dots are told by their
    size and place, the other glyphs are read as one dot-less line (digits,
    A-H and roman capitals, brackets) and the dots put back between them, at
    three spacings and the sizes NUMBER_SCALES (Tesseract reads a lone serif
    "1" of a coarse scan only smaller). Of the readings with one letter per
    glyph that make an OUTLINE number, the most confident wins if its least
    sure word is over SPECK_CONFIDENCE ("111" read at 0% for "III"); None
    when there is none."""
    split = [_glyphs(crop) for crop in crops]
    lines = [
        (k, _abut([g for g in glyphs if not isinstance(g, str)], gap, scale))
        for k, glyphs in enumerate(split)
        if glyphs and any(not isinstance(g, str) for g in glyphs)
        for scale in NUMBER_SCALES
        for gap in (0, DPI // 30, DPI // 12)
    ]
    texts, confidences = _ocr_cells([line for _, line in lines], psm=7, options=_NUMBER_CHARS)
    best: dict[int, tuple[float, str]] = {}
    for (k, _), text, confs in zip(lines, texts, confidences):
        letters = text.replace(" ", "")
        if confs and len(letters) == sum(not isinstance(g, str) for g in split[k]):
            letters = iter(letters)
            number = "".join(g if isinstance(g, str) else next(letters) for g in split[k])
            if OUTLINE.fullmatch(number) and min(confs) > best.get(k, (SPECK_CONFIDENCE, ""))[0]:
                best[k] = (min(confs), number)
    return [best[k][1] if k in best else None for k in range(len(crops))]


def out_of_sequence(numbers: list[tuple[object, str]]) -> list:
    """The places (first of each pair) whose row number may be misread: each dotted number must come
    after the one above it (1.2 -> 1.3, 2, 2.1 or 3; a gap is allowed, as plans
    have them, so a misread shows when the next number is lower); a roman
    numeral, a letter or a merged heading ("") starts the count afresh."""
    last, last_row, out = None, None, []
    for r, text in numbers:
        if not re.fullmatch(r"\d+(\.\d+)*\.?", text):
            last = None
            continue
        current = tuple(int(n) for n in text.rstrip(".").split("."))
        if last is not None and current <= last:
            out += [last_row, r]  # either may be the misread one
        last, last_row = current, r
    return out


def _glyphs(pixels: np.ndarray) -> list | None:
    """A one-line cell's glyphs left to right: "." for a dot or comma (small,
    low), the glyph's pixels otherwise; None for more than one line. Specks
    (less ink than DOT_INK of a square of the stroke width) are left out."""
    ink = pixels < 128
    parts = _glyph_runs(pixels)
    kept = np.zeros_like(ink)
    for p in parts:
        kept[:, p[0] : p[-1] + 1] = ink[:, p[0] : p[-1] + 1]
    ys = np.flatnonzero(kept.any(axis=1))
    if not len(ys) or (np.diff(ys) > 1).any():
        return None
    top, height = ys[0], ys[-1] - ys[0] + 1
    out = []
    for part in parts:
        rows = np.flatnonzero(kept[:, part[0] : part[-1] + 1].any(axis=1))
        if rows[-1] - rows[0] + 1 < 0.3 * height:
            if rows[0] < top + 0.5 * height:
                return None  # a dash or a mark: no outline number
            out.append(".")
        else:
            out.append(np.where(kept, pixels, 255)[top : ys[-1] + 1, part[0] : part[-1] + 1])
    return out


def _abut(glyphs: list[np.ndarray], gap: int, scale: float = 1.0) -> Image.Image:
    height = max(g.shape[0] for g in glyphs)
    line = np.full((height, sum(g.shape[1] for g in glyphs) + gap * (len(glyphs) - 1)), 255, dtype=np.uint8)
    x = 0
    for g in glyphs:
        line[: g.shape[0], x : x + g.shape[1]] = g
        x += g.shape[1] + gap
    return _for_ocr(line, round(DPI * scale))
