"""Excel workbooks (.xlsx) -> blocks: each sheet is read as a spreadsheet's
rows, the same way as a sheet saved as Text (ingest.tsv), so title rows,
padded cells and several tables per sheet are handled once.

Cells are taken as the sheet shows them: a percentage-formatted 0.95 is
"95%", a "#,##0" 1250000 is "1.250.000" (Vietnamese thousands dots), other
fractions use a decimal comma ("3,5") so that no figure reads as thousands,
dates are dd/mm/yyyy. A cell merged across columns keeps its text in the
first of them (a section row); one merged down over rows repeats its text on
each (one agency for several rows).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from io import BytesIO

from .exceptions import DamagedFile, TooLarge
from .limits import check_sheet, check_unzipped, read_part
from .model import Extraction
from .settings import ExtractSettings
from .tsv import from_records

MAX_CELLS = 2_000_000  # a sheet larger than this is no plan appendix (or a sheet bomb)
_DECIMALS = re.compile(r"\.(0+)")


def read(data: bytes, settings: ExtractSettings) -> Extraction:
    import openpyxl  # only workbooks need it

    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            check_unzipped(archive, settings.max_mb, "XLSX")
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    check_sheet(read_part(archive, name, settings.max_mb, "XLSX"), name, settings.max_table_cells)
        book = openpyxl.load_workbook(BytesIO(data), read_only=False, data_only=True)
    except (TooLarge, MemoryError):
        raise
    except Exception as e:  # openpyxl raises whatever its parsing of a broken part meets (IndexError, ParseError …)
        raise DamagedFile(
            f"damaged Excel workbook: {type(e).__name__}", "open it in Excel or LibreOffice and save again"
        ) from None
    blocks: list = []
    titles: list[str] = []
    warnings: list[str] = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        if (sheet.max_row or 0) * (sheet.max_column or 0) > MAX_CELLS:
            raise TooLarge(
                f"sheet {sheet.title!r} has {sheet.max_row} × {sheet.max_column} cells", "remove what is not the plan"
            )
        read_sheet = from_records(_records(sheet), warnings)
        if read_sheet.blocks:
            read_sheet.blocks[0].joins_previous = False  # another sheet is another table
        blocks += read_sheet.blocks
        titles += read_sheet.title_lines
    return Extraction(blocks=blocks, title_lines=titles, warnings=warnings)


def _records(sheet) -> list[tuple[int, list[str]]]:
    """(row number, cell texts) of a sheet, merged cells laid out as printed;
    every row as wide as the sheet's used range, as "Save as Text" writes it."""
    down: dict[tuple[int, int], tuple[int, int]] = {}  # a cell under a merge's top -> the top cell
    hidden: set[tuple[int, int]] = set()  # cells right of a merge's first column
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                if col > merged.min_col:
                    hidden.add((row, col))
                elif row > merged.min_row:
                    down[(row, col)] = (merged.min_row, merged.min_col)
    records = []
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            at = (cell.row, cell.column)
            if at in hidden:
                cells.append("")
            elif at in down:
                cells.append(shown(sheet.cell(*down[at])))
            else:
                cells.append(shown(cell))
        records.append((row[0].row if row else 0, cells))
    return records


def shown(cell) -> str:
    """A cell's value as its number format shows it."""
    value, fmt = cell.value, (cell.number_format or "General")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float)):
        if "%" in fmt:
            return _number(value * 100, _places(fmt)) + "%"
        if "#,##" in fmt:
            return _number(value, _places(fmt), thousands=True)
        return _number(value, None)
    return str(value).strip()


def _places(fmt: str) -> int:
    m = _DECIMALS.search(fmt)
    return len(m.group(1)) if m else 0


def _number(value: float, places: int | None, thousands: bool = False) -> str:
    """Vietnamese style: decimal comma, thousands dots (when the format asks)."""
    if places is None:  # General: as few digits as the value needs
        text = f"{value:.10g}" if isinstance(value, float) else str(value)
        if "e" in text:
            text = f"{value:f}".rstrip("0").rstrip(".")
    else:
        text = f"{value:.{places}f}"
    whole, _, frac = text.partition(".")
    if thousands:
        sign = "-" if whole.startswith("-") else ""
        digits = whole.lstrip("-")
        whole = sign + ".".join(digits[max(0, i - 3) : i] for i in range(len(digits), 0, -3)[::-1])
    return whole + ("," + frac if frac else "")
