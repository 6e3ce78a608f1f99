"""Word (.docx) appendix -> blocks, read from the document XML.

Merged cells are resolved on the table grid (w:gridSpan, w:vMerge,
w:gridBefore): a horizontally merged cell gives its text once, in its first
grid column; a vertically merged cell is given to every row it covers, except
in the numbering and indicator columns and in rows that only continue the row
above (no number, no indicator), so that continuation joining in
`ingest.assemble` sees the same cells as in a TSV. List numbering and bullets
that Word draws itself are written out ("1.", "•"), as a PDF would show them.

A Word table continues the previous one (a table split per page, as PDF-to-Word
conversion makes) when nothing but empty paragraphs, page or section breaks
lie between them and it has as many grid columns or repeats the header.
The paragraphs and non-appendix tables before the first appendix table, then
the page headers and footers, are the title lines.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO

from lxml import etree

from chitieu.normalize.text import clean

from . import legacy
from .columns import assign_roles, is_header_row
from .exceptions import NoTables, UnsupportedFormat
from .limits import check_declared, over, read_part
from .model import INDICATOR, NUMBER, Block, Extraction, SourceRow
from .settings import ExtractSettings
from .sniff import office_main_part

_MAIN = "word/document.xml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True)
_SKIP = {"pPr", "rPr", "del", "moveFrom", "Fallback", "instrText", "delText"}
_CONTAINERS = {"sdt", "sdtContent", "customXml", "smartTag"}
_BULLETS = "-–—•·+*▪●○◦"
# Symbol-font code points Word stores in w:sym for common signs.
_SYMBOL = {0xB3: "≥", 0xA3: "≤", 0xB1: "±", 0xB4: "×", 0xB7: "•", 0xAE: "→", 0xB9: "≠", 0xBB: "≈"}


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _attr(el, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (transitional or strict)."""
    if el is None:
        return None
    for key, value in el.attrib.items():
        if key.rsplit("}", 1)[-1] == name:
            return value
    return None


def _int(value: str | None, default: int, base: int = 10) -> int:
    try:
        return int(value, base) if value is not None else default
    except ValueError:
        return default


@dataclass
class _Grid:
    """A Word table as a grid of cell texts, with what the reader needs to join tables."""

    cells: list[list[tuple[str, bool]]]  # (text, comes from a vertically merged cell above)
    width: int
    header: tuple[str, ...] | None  # the header row's cleaned cells, when it has one
    columns: tuple[int | None, int | None]  # numbering and indicator column


class _Package:
    """The parts of one .docx: document, numbering, styles, headers and footers."""

    def __init__(self, data: bytes, max_mb: float):
        try:
            self.zip = zipfile.ZipFile(BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise UnsupportedFormat("truncated or damaged DOCX file", "re-save or re-download it") from None
        names = {i.filename for i in infos}
        found = office_main_part(self.zip)
        main = found[1] if found and found[0] == "docx" and found[1] in names else _MAIN
        if main not in names:
            raise UnsupportedFormat("a ZIP archive that is not a Word document", "open it in Word and save as .docx")
        check_declared(self.zip, max_mb, "DOCX")
        self.max_mb = max_mb
        self.names = names
        self.document = self.xml(main)
        self.w = etree.QName(self.document).namespace
        folder, name = posixpath.split(main)
        self.rels = self._rels(posixpath.join(folder, "_rels", name + ".rels"))

    def xml(self, name: str):
        try:
            return etree.fromstring(read_part(self.zip, name, self.max_mb, "DOCX"), _PARSER)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            RuntimeError,
            NotImplementedError,
            ValueError,
            etree.XMLSyntaxError,
        ):
            raise UnsupportedFormat(
                f"damaged Word document ({name} cannot be read)", "open it in Word or LibreOffice and save it again"
            ) from None

    def _rels(self, name: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, part name) for the internal targets."""
        if name not in self.names:
            return {}
        rels = {}
        for rel in self.xml(name):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not target:
                continue
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("word", target))
            rels[rel.get("Id")] = (rel.get("Type") or "", part)
        return rels

    def part(self, kind: str):
        """The first related part of a kind ("numbering", "styles"), or None."""
        for rel_type, name in self.rels.values():
            if rel_type.endswith("/" + kind) and name in self.names:
                return self.xml(name)
        return None

    def header_footer_parts(self) -> list:
        """Header then footer parts of each section, in document order, once each."""
        seen, parts = set(), []
        for sect in self.document.iter(f"{{{self.w}}}sectPr"):
            refs = [r for r in sect if _local(r) == "headerReference"] + [
                r for r in sect if _local(r) == "footerReference"
            ]
            for ref in refs:
                rel = self.rels.get(_attr(ref, "id"))
                if rel and rel[1] not in seen and rel[1] in self.names:
                    seen.add(rel[1])
                    parts.append(self.xml(rel[1]))
        return parts


class _Lists:
    """Renders the numbers and bullets Word draws for list paragraphs."""

    def __init__(self, numbering, styles, w: str):
        self.w = w
        self.levels: dict[str, tuple[str, dict[int, tuple[str, str, int]]]] = {}
        self.counters: dict[str, list[int]] = {}
        self.labels: dict = {}  # paragraph -> label, so a paragraph read twice counts once
        self.style_num: dict[str, tuple[str | None, int]] = {}
        self.based_on: dict[str, str] = {}
        if numbering is not None:
            abstract = {}
            for a in numbering.iterchildren(f"{{{w}}}abstractNum"):
                levels = {}
                for lvl in a.iterchildren(f"{{{w}}}lvl"):
                    levels[_int(_attr(lvl, "ilvl"), 0)] = (
                        _attr(lvl.find(f"{{{w}}}numFmt"), "val") or "decimal",
                        _attr(lvl.find(f"{{{w}}}lvlText"), "val") or "",
                        _int(_attr(lvl.find(f"{{{w}}}start"), "val"), 1),
                    )
                abstract[_attr(a, "abstractNumId")] = levels
            for num in numbering.iterchildren(f"{{{w}}}num"):
                aid = _attr(num.find(f"{{{w}}}abstractNumId"), "val")
                if aid in abstract:
                    self.levels[_attr(num, "numId")] = (aid, abstract[aid])
        if styles is not None:
            for style in styles.iterchildren(f"{{{w}}}style"):
                sid = _attr(style, "styleId")
                if (based := style.find(f"{{{w}}}basedOn")) is not None:
                    self.based_on[sid] = _attr(based, "val")
                if (num_pr := style.find(f"{{{w}}}pPr/{{{w}}}numPr")) is not None:
                    self.style_num[sid] = self._num_pr(num_pr)

    def _num_pr(self, num_pr) -> tuple[str | None, int]:
        return (
            _attr(num_pr.find(f"{{{self.w}}}numId"), "val"),
            _int(_attr(num_pr.find(f"{{{self.w}}}ilvl"), "val"), 0),
        )

    def marker(self, p) -> str:
        """The list label of a paragraph ("1.", "a)", "•"), or ""."""
        if p not in self.labels:
            self.labels[p] = self._label(p)
        return self.labels[p]

    def _label(self, p) -> str:
        ppr = p.find(f"{{{self.w}}}pPr")
        num_id, ilvl = None, 0
        if ppr is not None:
            if (num_pr := ppr.find(f"{{{self.w}}}numPr")) is not None:
                num_id, ilvl = self._num_pr(num_pr)
            elif (style := ppr.find(f"{{{self.w}}}pStyle")) is not None:
                sid, depth = _attr(style, "val"), 0
                while sid and sid not in self.style_num and depth < 10:
                    sid, depth = self.based_on.get(sid), depth + 1
                num_id, ilvl = self.style_num.get(sid, (None, 0))
        if num_id not in self.levels:
            return ""
        aid, levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        fmt, text, _ = levels[ilvl]
        if fmt == "bullet":
            return text[:1] if text[:1] and text[0] in _BULLETS else "•"
        if fmt == "none":
            return ""
        counts = self.counters.setdefault(aid, [0] * 9)
        ilvl = min(ilvl, 8)
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else levels[ilvl][2]
        counts[ilvl + 1 :] = [0] * (8 - ilvl)
        return re.sub(r"%([1-9])", lambda m: self._format(levels, int(m[1]) - 1, counts), text)

    @staticmethod
    def _format(levels, i: int, counts: list[int]) -> str:
        fmt, _, start = levels.get(i, ("decimal", "", 1))
        n = counts[i] or start
        if n > 3999:  # a hostile w:start must not make us build a huge label
            return str(n)
        if fmt in ("upperRoman", "lowerRoman"):
            out = ""
            for value, letters in (
                (1000, "M"),
                (900, "CM"),
                (500, "D"),
                (400, "CD"),
                (100, "C"),
                (90, "XC"),
                (50, "L"),
                (40, "XL"),
                (10, "X"),
                (9, "IX"),
                (5, "V"),
                (4, "IV"),
                (1, "I"),
            ):
                while n >= value:
                    out, n = out + letters, n - value
            return out if fmt == "upperRoman" else out.lower()
        if fmt in ("upperLetter", "lowerLetter"):
            letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
            return letter if fmt == "upperLetter" else letter.lower()
        return f"{n:02d}" if fmt == "decimalZero" else str(n)


class _Fonts:
    """The font a run's text is in: the run's w:rFonts, else its character
    style's, its paragraph style's (through w:basedOn), the default paragraph
    style's, the document defaults'."""

    def __init__(self, styles, w: str, based_on: dict[str, str]):
        self.w = w
        self.based_on = based_on
        self.style_font: dict[str, str] = {}
        self.default_style: str | None = None
        self.default_font: str | None = None
        if styles is not None:
            self.default_font = self._font(styles.find(f"{{{w}}}docDefaults/{{{w}}}rPrDefault/{{{w}}}rPr"))
            for style in styles.iterchildren(f"{{{w}}}style"):
                sid = _attr(style, "styleId")
                if sid and (font := self._font(style.find(f"{{{w}}}rPr"))):
                    self.style_font[sid] = font
                if _attr(style, "type") == "paragraph" and _attr(style, "default") in ("1", "true", "on"):
                    self.default_style = sid

    def _font(self, rpr) -> str | None:
        fonts = rpr.find(f"{{{self.w}}}rFonts") if rpr is not None else None
        return _attr(fonts, "hAnsi") or _attr(fonts, "ascii")  # hAnsi draws the letters past ASCII

    def _style(self, sid: str | None) -> str | None:
        for _ in range(10):
            if sid is None or sid in self.style_font:
                break
            sid = self.based_on.get(sid)
        return self.style_font.get(sid) if sid else None

    def of(self, el) -> str | None:
        """The font of a run's child (w:t, w:softHyphen)."""
        rpr = el.getparent().find(f"{{{self.w}}}rPr")
        if font := self._font(rpr):
            return font
        rstyle = rpr.find(f"{{{self.w}}}rStyle") if rpr is not None else None
        if rstyle is not None and (font := self._style(_attr(rstyle, "val"))):
            return font
        p = next(el.iterancestors(f"{{{self.w}}}p"), None)
        pstyle = p.find(f"{{{self.w}}}pPr/{{{self.w}}}pStyle") if p is not None else None
        return self._style(_attr(pstyle, "val") or self.default_style) or self.default_font


class _Reader:
    """Text of paragraphs and cells, and tables as grids, for one package."""

    def __init__(self, package: _Package, max_cells: int):
        self.w = package.w
        self.max_cells = max_cells
        styles = package.part("styles")
        self.lists = _Lists(package.part("numbering"), styles, self.w)
        self.fonts = _Fonts(styles, self.w, self.lists.based_on)
        self.legacy: dict[str | None, legacy.Legacy] = {}  # font -> the encoding its text is in
        self.notes: list[str] = []

    def find_legacy(self, parts: list) -> None:
        """Which fonts' text is in a legacy encoding (ingest.legacy): a font
        named for one, unless its text is Unicode; the other fonts' text
        when its characters say so."""
        by_font: dict[str | None, list[str]] = {}
        for part in parts:
            for p in part.iter(self.q("p")):
                for t in p.iter(self.q("t")):
                    by_font.setdefault(self.fonts.of(t), []).append(t.text or "")
                for texts in by_font.values():
                    texts.append("\n")
        unnamed = []
        for font, texts in by_font.items():
            text = "".join(texts)
            found = legacy.from_font(font)
            if found is None:
                unnamed.append(text)
            elif not legacy.is_unicode(text) and legacy.convert(text, found) != text:
                self.legacy[font] = found
                self.notes.append(legacy.note(found, font))
        if guess := legacy.detect("".join(unnamed)):
            self.legacy.update({font: guess for font in by_font if legacy.from_font(font) is None})
            self.notes.append(legacy.note(guess))

    def q(self, name: str) -> str:
        return f"{{{self.w}}}{name}"

    def children(self, parent, *names: str):
        """Child elements with these local names, looking through content controls."""
        for child in parent:
            local = _local(child)
            if local in names:
                yield child
            elif local in _CONTAINERS:
                yield from self.children(child, *names)

    def paragraph(self, p) -> str:
        """Paragraph text with its list label; line breaks as "\\n", tabs as spaces."""
        out: list[str] = []
        self._runs(p, out)
        text = "".join(out)
        label = self.lists.marker(p)
        return f"{label} {text}" if label else text

    def _runs(self, el, out: list[str]) -> None:
        for child in el:
            local = _local(child)
            if local in _SKIP:
                continue
            if local == "t":
                found = self.legacy.get(self.fonts.of(child)) if self.legacy else None
                out.append(legacy.convert(child.text or "", found) if found else child.text or "")
            elif local == "softHyphen" and (found := self.legacy.get(self.fonts.of(child))):
                out.append(legacy.convert("\xad", found) if found.encoding == legacy.TCVN3 else "")  # TCVN3's ư
            elif local == "tab":
                out.append(" ")
            elif local in ("br", "cr"):
                out.append("\n")
            elif local == "noBreakHyphen":
                out.append("-")
            elif local == "sym":
                code = _int(_attr(child, "char"), 0, base=16)
                out.append(_SYMBOL.get(code & 0xFF, "") if code >= 0xF000 else chr(code) if 0 < code < 0x110000 else "")
            else:
                self._runs(child, out)

    def cell_text(self, tc) -> str:
        """A cell's paragraphs (and a nested table's cells) one per line."""
        parts = []
        for el in self.children(tc, "p", "tbl"):
            if _local(el) == "p":
                parts.append(self.paragraph(el))
            else:
                parts.extend(
                    self.cell_text(inner) for row in self.children(el, "tr") for inner in self.children(row, "tc")
                )
        return "\n".join(p.strip() for p in parts if p.strip())

    def lines(self, el) -> list[str]:
        """Every paragraph under an element, split at line breaks (title lines)."""
        return [line.strip() for p in el.iter(self.q("p")) for line in self.paragraph(p).split("\n") if line.strip()]

    def grid(self, tbl) -> _Grid:
        """The table on its grid, a vertically merged cell's text in every row it covers
        (marked as merged), and its header row and columns when it has one."""
        width = len(tbl.findall(f"{self.q('tblGrid')}/{self.q('gridCol')}"))
        trs = list(self.children(tbl, "tr"))
        self._within(width * len(trs))
        raw: list[list[tuple[str, bool]]] = []  # (text, is a vMerge continuation)
        for tr in trs:
            pr = tr.find(self.q("trPr"))
            before = _int(_attr(pr.find(self.q("gridBefore")) if pr is not None else None, "val"), 0)
            self._within(before * len(trs))
            row = [("", False)] * before
            for tc in self.children(tr, "tc"):
                pr = tc.find(self.q("tcPr"))
                span = max(1, _int(_attr(pr.find(self.q("gridSpan")) if pr is not None else None, "val"), 1))
                self._within((len(row) + span) * len(trs))  # every row is laid out as wide as the widest
                vmerge = pr.find(self.q("vMerge")) if pr is not None else None
                cont = vmerge is not None and _attr(vmerge, "val") in (None, "continue")
                row.append(("", True) if cont else (self.cell_text(tc), False))
                row.extend([("", False)] * (span - 1))
            raw.append(row)
        width = max([width] + [len(r) for r in raw])
        origin = [""] * width
        cells: list[list[tuple[str, bool]]] = []
        for row in raw:
            row = row + [("", False)] * (width - len(row))
            cells.append([(origin[c], True) if cont else (text, False) for c, (text, cont) in enumerate(row)])
            origin = [text for text, _ in cells[-1]]
        grid = _Grid(cells, width, None, (None, None))
        for row in cells:
            texts = [clean(t) for t, _ in row]
            if is_header_row(texts):
                roles = assign_roles(texts)
                grid.header = _trimmed(texts)
                grid.columns = tuple(roles.index(r) if r in roles else None for r in (NUMBER, INDICATOR))
                break
        return grid

    def _within(self, cells: int) -> None:
        """Refuse a grid (widest row × rows) over the cell limit before laying it out."""
        if cells > self.max_cells:
            raise over(f"a Word table spans {cells:,} cells", "max_table_cells", self.max_cells)


def _trimmed(cells: list[str]) -> tuple[str, ...]:
    """Cells without the empty ones at the end, to compare a header repeated on a wider grid."""
    while cells and not cells[-1]:
        cells = cells[:-1]
    return tuple(cells)


def _rows(grid: _Grid) -> list[list[str]]:
    """Cell texts per row: merged text stays only where it starts in the numbering
    and indicator columns, in rows that continue the row above, and in tables whose
    columns are unknown."""
    out = []
    for row in grid.cells:
        own = [("" if cont else text) for text, cont in row]
        continuation = not any(own[c].strip() for c in grid.columns if c is not None)
        copy = None not in grid.columns and not continuation
        out.append([text if not cont or (copy and c not in grid.columns) else "" for c, (text, cont) in enumerate(row)])
    return out


def read(data: bytes, settings: ExtractSettings) -> Extraction:
    """Blocks of rows (one per Word table, split tables marked as joining) and title lines."""
    package = _Package(data, settings.max_mb)
    reader = _Reader(package, settings.max_table_cells)
    reader.find_legacy([package.document, *package.header_footer_parts()])
    body = package.document.find(reader.q("body"))
    if body is None or next(body.iter(reader.q("tbl")), None) is None:
        raise NoTables(
            "the Word document has no table", "check that the appendix is in this file and not pasted as a picture"
        )
    blocks: list[Block] = []
    titles: list[str] = []
    appendix_seen = False
    separated = True
    last: _Grid | None = None
    for el in reader.children(body, "p", "tbl"):
        if _local(el) == "p":
            text = reader.paragraph(el)
            if text.strip():
                separated = True
                if not appendix_seen:
                    titles.extend(line.strip() for line in text.split("\n") if line.strip())
            continue
        grid = reader.grid(el)
        first = next((_trimmed([clean(t) for t, _ in r]) for r in grid.cells if any(t.strip() for t, _ in r)), None)
        joins = (
            last is not None
            and not separated
            and (grid.width == last.width or (last.header is not None and first == last.header))
        )
        if grid.header is None:
            if joins:
                grid.header, grid.columns = last.header, last.columns
            elif not appendix_seen:
                titles.extend(reader.lines(el))
        appendix_seen = appendix_seen or grid.header is not None
        blocks.append(
            Block(
                rows=[
                    SourceRow(cells=cells, line=n, after_break=joins and n == 1)
                    for n, cells in enumerate(_rows(grid), 1)
                ],
                joins_previous=joins,
            )
        )
        last, separated = grid, False
    for part in package.header_footer_parts():
        titles.extend(line for line in reader.lines(part) if line not in titles)
    return Extraction(blocks=blocks, title_lines=titles, warnings=reader.notes)
