"""Blocks of physical rows -> logical tables, the same for every format.

What happens here:
- the header row is found by its words; a second header row under merged
  group headings is folded into the first; the "(1) (2) (3)" row is dropped;
- a header repeated after a page break is dropped (also when its words wrap
  otherwise: same width and column roles), and a block that only a
  page break separates from the previous one continues the same table;
- cells with neither number nor indicator text under a heading row are the
  top of the next row that a page break cut, and are joined into it;
- a row right after a break with an empty numbering cell is joined cell by
  cell into the row before it when that row is a data row (contract);
  a row with neither number nor indicator text is always such a continuation;
- a cell's lines (paragraphs) stay apart by "\n" in the agency columns, so
  agencies written one per line can be split; other cells are one line;
- heading rows (A/B, I/II, "1. Về …" in the numbering cell, or a numbered
  row with empty cells followed by "-"/"•" sub-rows or by its sub-numbers)
  become the section path of the rows beneath; so does a part row (A, I)
  with one stray short value when deeper numbers follow it (warned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chitieu.normalize.text import clean, fold

from .columns import assign_roles, is_column_number_row, is_header_row, is_sub_header_row
from .model import AGENCY_ROLES, INDICATOR, NUMBER, Block, CellRead, Column, OcrRead, ReviewItem, Row, SourceRow, Table

_NUM = r"(?P<num>[A-ZĐ]|[IVXLC]+|\d+(?:\.\d+)*)"
NUM_ONLY = re.compile(_NUM + r"\s*[.)]?")
NUM_TITLE = re.compile(_NUM + r"\s*[.)]\s*(?P<title>\S.*)")
MARKER = re.compile(r"^[-–—•·+*▪●○◦]\s*")
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")


def number_level(num: str) -> int:
    """Depth of a printed number: letters 0, roman 1, "1." 2, "1.1." 3, …"""
    if re.fullmatch(r"\d+(?:\.\d+)*", num):
        return 1 + num.count(".") + 1
    if len(num) > 1 or num in "IVX":
        return 1 if _ROMAN.fullmatch(num) else 0
    return 0


def _key(cells: list[str]) -> tuple[str, ...]:
    keys = [fold(c) for c in cells]
    while keys and not keys[-1]:
        keys.pop()
    return tuple(keys)


def _join(a: str, b: str) -> str:
    return f"{a} {b}" if a and b else a or b


def clean_lines(text: str) -> str:
    """A cell's text cleaned line by line, its lines (paragraphs) kept apart by "\n"."""
    return "\n".join(filter(None, (clean(line) for line in (text or "").split("\n"))))


def _flat(cells: list[str]) -> list[str]:
    return [c.replace("\n", " ") for c in cells]


@dataclass
class _Entry:
    num: str | None
    cells: list[str]
    page: int | None
    line: int | None
    heading: str | None = None  # set for heading rows: "I. Title"
    marker: bool = False
    reads: list[list[tuple[int | None, CellRead]]] | None = None  # per cell: OCR reads (page, read)

    def filled_besides(self, *cols: int | None) -> bool:
        return any(c for i, c in enumerate(self.cells) if i not in cols)


@dataclass
class _Builder:
    """One logical table under construction."""

    headers: list[str]
    header_keys: set = field(default_factory=set)
    entries: list[_Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.fragment: list[str] | None = None
        if not hasattr(self, "first_roles"):
            self.first_roles, self.first_headers = assign_roles(self.headers), list(self.headers)
        self.spill: dict[int, str] = {}
        self.roles = assign_roles(self.headers)
        self.num_col = self.roles.index(NUMBER) if NUMBER in self.roles else None
        self.ind_col = self.roles.index(INDICATOR) if INDICATOR in self.roles else None
        self.width = len(self.headers)

    def spill_from(self, cells: list[str]) -> None:
        """A header printed again with a cell's last words pushed into the next
        row ("Thời gian hoàn" | … then "thành"): those words are taken off it."""
        self.spill = {
            k: full[len(short) :].strip()
            for k, (full, short) in enumerate(zip(self.first_headers, cells))
            if short and full != short and full.startswith(short)
        } or self.spill

    def repeats(self, cells: list[str]) -> bool:
        """Whether a header row at the top of a continued block is this table's
        header printed again with its words wrapped differently."""
        return len(cells) == len(self.first_roles) and assign_roles(_flat(cells)) == self.first_roles

    def takes_sub_header(self, sub: list[str]) -> bool:
        """Fold a second header row ("Chủ trì" | "Phối hợp") into the headers."""
        sub = (_flat(sub) + [""] * self.width)[: self.width]
        if not is_sub_header_row(sub) or (
            self.num_col is not None and sub[self.num_col] not in ("", self.headers[self.num_col])
        ):
            return False
        self.header_keys.add(_key(sub))
        # a sub-header the header already ends with is a cell merged down over both rows, repeated
        self.headers = [h if s == h or h.endswith(f" {s}") else _join(h, s) for h, s in zip(self.headers, sub)]
        self.__post_init__()
        return True

    def add(self, row: SourceRow, cells: list[str], after_break: bool) -> None:
        cells = [
            c if k < self.width and self.roles[k] in AGENCY_ROLES else c.replace("\n", " ") for k, c in enumerate(cells)
        ]
        for k, words in self.spill.items():  # in its column, or in a merged cell starting the row
            at = (
                k
                if k < len(cells) and cells[k].startswith(words)
                else next((j for j, c in enumerate(cells) if c), None)
            )
            if at is not None and cells[at].startswith(words + " "):
                cells[at] = cells[at][len(words) :].strip()
            elif at is not None and cells[at] == words:
                cells[at] = ""
        self.spill = {}
        if any(cells[self.width :]):  # more cells than headers: keep the text in the last column
            self.warnings.append(
                f"line/row {row.line}: {len(cells)} cells under {self.width} headers; "
                "the extra cells were added to the last column"
            )
            cells = cells[: self.width - 1] + ["; ".join(c for c in cells[self.width - 1 :] if c)]
        cells = (cells + [""] * self.width)[: self.width]
        reads = None
        if row.ocr is not None:
            reads = [[(row.page, r)] if r else [] for r in (row.ocr + [None] * self.width)[: self.width]]
        num_raw = cells[self.num_col] if self.num_col is not None else ""
        indicator = cells[self.ind_col] if self.ind_col is not None else ""
        prev = self.entries[-1] if self.entries else None
        if self.fragment is not None:
            cells = [_join(a, b) for a, b in zip(self.fragment, cells)]
            num_raw = cells[self.num_col] if self.num_col is not None else ""
            indicator = cells[self.ind_col] if self.ind_col is not None else ""
            self.fragment = None
        if prev and prev.heading is not None and not num_raw and not indicator:
            # the top of a row that a page break cut under a heading: it goes with the next row
            self.fragment = cells
            return

        if (
            prev
            and prev.heading is None
            and not num_raw
            and (not indicator or (after_break and not MARKER.match(indicator)))
        ):
            prev.cells = [_join(a, b) for a, b in zip(prev.cells, cells)]
            if reads is not None:
                prev.reads = [a + b for a, b in zip(prev.reads or [[] for _ in cells], reads)]
            return

        entry = _Entry(None, cells, row.page, row.line, reads=reads)
        filled = [c for c in cells if c]
        if self.num_col is not None and num_raw:
            only = NUM_ONLY.fullmatch(num_raw)
            titled = None if only else NUM_TITLE.fullmatch(num_raw)
            alone = not entry.filled_besides(self.num_col)
            if only:
                entry.num = only["num"]
            elif titled and alone:
                entry.num, entry.heading = titled["num"], f"{titled['num']}. {titled['title']}"
            elif alone:
                entry.heading = num_raw
            else:
                entry.num = num_raw.rstrip(".")
        elif len(filled) == 1 and (titled := NUM_TITLE.fullmatch(filled[0])):
            entry.num, entry.heading = titled["num"], f"{titled['num']}. {titled['title']}"
        if self.ind_col is not None and (m := MARKER.match(cells[self.ind_col])):
            entry.marker = True
            entry.cells[self.ind_col] = cells[self.ind_col][m.end() :]
        if entry.heading is None and self._bare(entry) and number_level(entry.num) < 2:
            entry.heading = f"{entry.num}. {entry.cells[self.ind_col]}"
        self.entries.append(entry)

    def rows(self) -> list[Row]:
        """Decide headings (needs look-ahead) and give each data row its section."""
        if self.fragment is not None:
            self.warnings.append(
                f"a row with no number nor indicator text at the table's end was not loaded "
                f"({'; '.join(filter(None, self.fragment))})"
            )
        out: list[Row] = []
        stack: list[tuple[int, str]] = []
        for i, e in enumerate(self.entries):
            nxt = self.entries[i + 1] if i + 1 < len(self.entries) else None
            if (
                e.heading is None
                and self._bare(e)
                and nxt
                and ((nxt.marker and not nxt.num) or (nxt.num or "").startswith(e.num + "."))
            ):
                e.heading = f"{e.num}. {e.cells[self.ind_col]}"
            elif (
                e.heading is None
                and self._stray(e)
                and nxt
                and nxt.num
                and NUM_ONLY.fullmatch(nxt.num)
                and number_level(nxt.num) > number_level(e.num)
            ):
                stray = next(c for k, c in enumerate(e.cells) if c and k not in (self.num_col, self.ind_col))
                self.warnings.append(
                    f'line/row {e.line}: heading "{e.num}. {e.cells[self.ind_col][:40]}" '
                    f'has a stray value ("{stray[:30]}"), left out'
                )
                e.heading = f"{e.num}. {e.cells[self.ind_col]}"
            if e.heading is not None:
                level = number_level(e.num) if e.num else 1
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, e.heading))
                continue
            if e.num and NUM_ONLY.fullmatch(e.num):
                level = number_level(e.num)
                while stack and stack[-1][0] >= level:
                    stack.pop()
            out.append(self._row(e, [s for _, s in stack]))
        missing = [r for r in out if not r.indicator]
        worded = [r for r in out if len((r.row_no or "").split()) >= 3]  # text where the numbers should be
        for what, rows in (("indicator text", missing), ("row numbers", worded)):
            if out and 2 * len(rows) > len(out):  # the columns are not where the header says: one line, no rows
                where = f"page {out[0].page}" if out[0].page is not None else f"line/row {out[0].line}"
                self.warnings.append(f"{where}: {NO_COLUMN} {what}; columns seen: {_seen(self.headers)}")
                return []
        for r in missing:
            self.warnings.append(
                f"line/row {r.line}: a row with no indicator text was not loaded "
                f"({'; '.join(filter(None, [r.target, *r.agencies.values(), r.deadline]))})"
            )
        return [r for r in out if r.indicator]

    def _bare(self, e: _Entry) -> bool:
        """A numbered row with indicator text and nothing else: maybe a heading."""
        return bool(
            e.num
            and self.ind_col is not None
            and e.cells[self.ind_col]
            and not e.filled_besides(self.num_col, self.ind_col)
        )

    def _stray(self, e: _Entry) -> bool:
        """A row numbered as a part (A, I, II) with its title and one more
        short cell: a heading with a stray value, when deeper numbers follow."""
        others = [c for k, c in enumerate(e.cells) if c and k not in (self.num_col, self.ind_col)]
        return bool(
            e.num
            and NUM_ONLY.fullmatch(e.num)
            and number_level(e.num) < 2
            and self.ind_col is not None
            and e.cells[self.ind_col]
            and len(others) == 1
            and len(others[0]) <= 12
        )

    def _row(self, e: _Entry, section: list[str]) -> Row:
        row = Row(row_no=e.num, indicator="", section=section, page=e.page, line=e.line)
        for text, role in zip(e.cells, self.roles):
            if role in AGENCY_ROLES:
                row.agencies[role] = _join(row.agencies.get(role, ""), text)
            elif role and role != NUMBER:
                setattr(row, role, _join(getattr(row, role), text))
        if e.reads is not None:
            row.ocr = _ocr_read(e, self.roles, self.headers)
        return row

    def table(self, index: int) -> Table:
        cols = [Column(i, h, r) for i, (h, r) in enumerate(zip(self.headers, self.roles))]
        return Table(index=index, columns=cols, rows=self.rows())


def _ocr_read(e: _Entry, roles: list[str | None], headers: list[str]) -> OcrRead:
    """A row's OCR confidence (its weakest cell) and its cells to review, each
    named by the row field it went into (the header when the column has no role)."""
    reads = [
        (role or header, text, page, read)
        for role, header, text, cell in zip(roles, headers, e.cells, e.reads)
        for page, read in cell
    ]
    return OcrRead(
        confidence=min((r.confidence for *_, r in reads), default=0.0),
        needs_review=[
            ReviewItem(name, text, page, r.box, r.confidence, r.review) for name, text, page, r in reads if r.review
        ],
    )


def assemble(blocks: list[Block]) -> tuple[list[Table], list[str]]:
    """Logical tables from blocks, and warnings about what was skipped."""
    builders: list[_Builder] = []
    warnings: list[str] = []
    current: _Builder | None = None
    for block in blocks:
        if not block.joins_previous:
            current = None
        pending_break = current is not None
        rows = block.rows
        skipped: set = set()  # rows above a header in this block (a title in a merged cell): repeated, dropped
        i = 0
        while i < len(rows):
            cells = [clean_lines(c) for c in rows[i].cells]
            if not any(cells):
                i += 1
                continue
            key = _key(cells)
            if current is not None and (
                key in current.header_keys
                or (i == 0 and block.joins_previous and is_header_row(cells) and current.repeats(cells))
            ):
                current.spill_from(_flat(cells))
                current.header_keys.add(key)
                pending_break = True
            elif is_header_row(cells):
                current = _Builder(headers=_flat(cells), header_keys={key, *skipped})
                builders.append(current)
                while i + 1 < len(rows):
                    sub = [clean_lines(c) for c in rows[i + 1].cells]
                    if current.takes_sub_header(sub):
                        i += 1
                    elif is_column_number_row(sub):
                        current.header_keys.add(_key(sub))
                        i += 1
                    else:
                        break
                pending_break = False
            elif current is None:
                j = _skip_block(rows, i)
                seen = [[clean_lines(c) for c in r.cells] for r in rows[i:j]]
                table = next((k for k, texts in enumerate(seen) if sum(map(bool, texts)) > 1), None)
                if table is not None:  # rows of one cell alone are a title or a caption, no table
                    warnings.append(
                        f"{_where(rows[i + table])}: a table was skipped as not an appendix: no header row "
                        f"names its indicator and agency columns; columns seen: {_seen(seen[table])}"
                    )
                skipped |= {_key(texts) for texts in seen}
                i = j
                continue
            elif not is_column_number_row(cells):
                current.add(rows[i], cells, rows[i].after_break or pending_break)
                pending_break = False
            i += 1
    tables: list[Table] = []
    for b in builders:
        table = b.table(len(tables))
        warnings += b.warnings
        if table.rows:
            tables.append(table)
    return tables, warnings


NO_COLUMN = "no column reads as the"  # most rows have none of it where the header puts it


def title_rows(blocks: list[Block]) -> list[str]:
    """The text lines of rows above the first header row in its block: a
    title written in the table's first (merged) cell, for the plan metadata."""
    for block in blocks:
        for n, row in enumerate(block.rows):
            if is_header_row([clean_lines(c) for c in row.cells]):
                return [line for r in block.rows[:n] for c in r.cells for line in clean_lines(c).split("\n") if line]
    return []


def _where(row: SourceRow) -> str:
    return f"page {row.page}" if row.page is not None else f"line/row {row.line}"


def _seen(cells: list[str]) -> str:
    return " | ".join(f'"{c[:30]}"' for c in _flat(cells) if c) or "none"


def _skip_block(rows: list[SourceRow], i: int) -> int:
    """Skip to the next header row of the block (or its end)."""
    i += 1
    while i < len(rows) and not is_header_row([clean(c) for c in rows[i].cells]):
        i += 1
    return i
