"""Extract stage: a plan file (TSV, DOCX, PDF, XLSX; DOC, RTF, ODT, XLS, ODS through LibreOffice) -> `Document` of logical tables."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from . import convert
from .assemble import NO_COLUMN, assemble, title_rows
from .exceptions import ExtractError, NoTables, TooLarge
from .limits import check_blocks
from .metadata import plan_meta
from .model import Document
from .settings import ExtractSettings
from .sniff import sniff

# The export contract knows pdf, docx and tsv: a workbook is tabular text like a
# TSV (no pages), a converted Word-like file a DOCX.
CONTRACT_FORMATS = {"xlsx": "tsv", "xls": "tsv", "ods": "tsv", "doc": "docx", "rtf": "docx", "odt": "docx"}

__all__ = ["extract", "ExtractSettings", "ExtractError", "Document"]


def _reader(fmt: str):
    if fmt in convert.TARGETS:
        target = convert.TARGETS[fmt][0]
        return lambda data, settings: _reader(target)(convert.convert(data, fmt), settings)
    if fmt == "xlsx":
        from . import xlsx

        return xlsx.read
    if fmt == "pdf":
        from . import pdf

        return pdf.read
    if fmt == "docx":
        from . import word

        return word.read
    from . import tsv

    return lambda data, settings: tsv.read(data, settings.encoding)


def printable_name(name: str) -> str:
    """A file name as text any database stores: bytes that are not UTF-8
    (kept by the OS as surrogate escapes) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def extract(path: str | os.PathLike, settings: ExtractSettings | dict | None = None) -> Document:
    """Read one file into a Document; raises ExtractError (one-line reason) on bad input."""
    settings = ExtractSettings.resolve(settings)
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > settings.max_mb * 1024 * 1024:
            raise TooLarge.file(size, settings.max_mb)
        data = path.read_bytes()
    except PermissionError:
        raise ExtractError("cannot read: permission denied", "check the file's permissions") from None
    except IsADirectoryError:
        raise ExtractError("is a folder, not a file", "give the files inside it, or the folder to search") from None
    except FileNotFoundError:
        raise ExtractError("the file vanished before it was read", "was it moved or deleted during the run?") from None
    except OSError as e:
        raise ExtractError(f"cannot read: {e.strerror or e}", "check that the file is there and readable") from None
    if not data.strip():
        raise NoTables("empty file", "the file has no content; export or download it again")
    fmt = sniff(data, path.name)
    extraction = _reader(fmt)(data, settings)
    check_blocks(extraction.blocks, fmt, settings.max_table_cells, settings.max_cell_chars, settings.max_file_chars)
    tables, warnings = assemble(extraction.blocks)
    if not tables:
        unaligned = next((w for w in warnings if NO_COLUMN in w), None)
        if unaligned:
            raise NoTables(
                f"no appendix table found: {unaligned}",
                "its columns could not be told apart; give the DOCX or spreadsheet, or a ruled PDF",
            )
        skipped = next((w for w in warnings if "skipped as not an appendix" in w), None)
        if skipped:
            where, seen = skipped.split(": a table was skipped as not an appendix: ", 1)
            raise NoTables(
                f"no appendix table found: {where}: {seen}",
                "check that the table has a header row (STT, Nội dung, Đơn vị chủ trì …)",
            )
        raise NoTables("no appendix table found (no header row naming the indicator and agency columns)")
    return Document(
        source=printable_name(path.name),
        path=printable_name(str(path)),
        sha256=hashlib.sha256(data).hexdigest(),
        format=CONTRACT_FORMATS.get(fmt, fmt),
        meta=plan_meta(extraction.title_lines + title_rows(extraction.blocks)),
        tables=tables,
        warnings=extraction.warnings + warnings,
    )
