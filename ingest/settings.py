"""Extraction settings: one validated dataclass, passed as an instance or a dict."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from .exceptions import ExtractError


@dataclass
class ExtractSettings:
    """How to read files.

    max_mb: refuse files (and DOCX content once unzipped) larger than this.
    password: tried on encrypted PDFs.
    encoding: force a text encoding for TSV files instead of detecting one.
    pdf_table: pdfplumber table settings that override the per-page choice
        (e.g. {"vertical_strategy": "text"}) for a hard file.
    ocr: read scanned PDF pages with Tesseract (ruled and borderless tables;
        doubtful cells marked for review, a page unreadable as a whole
        refused) instead of refusing them.

    Limits checked before the work (a file past one fails with one line;
    defaults a 16-page plan never meets):
    max_table_cells: cells in one table (a DOCX grid of a huge gridSpan).
    max_cell_chars: characters in one cell.
    max_file_chars: characters in all the tables of one file.
    max_page_chars: glyphs on one PDF page.
    max_page_ops: operators one PDF page draws (forms counted as often as drawn).
    max_stream_mb: one PDF stream once decoded (a stream that inflates to GBs).
    max_font_codes: codes one PDF character map (a font's ToUnicode) declares.
    max_ocr_pixels: pixels of a page rendered, or an image decoded, for OCR.
    """

    max_mb: float = 50.0
    password: str | None = None
    encoding: str | None = None
    pdf_table: dict = field(default_factory=dict)
    ocr: bool = False
    max_table_cells: int = 50_000
    max_cell_chars: int = 20_000
    max_file_chars: int = 5_000_000
    max_page_chars: int = 200_000
    max_page_ops: int = 50_000
    max_stream_mb: float = 256.0
    max_font_codes: int = 300_000
    max_ocr_pixels: int = 60_000_000

    def __post_init__(self):
        for name in (
            "max_mb",
            "max_table_cells",
            "max_cell_chars",
            "max_file_chars",
            "max_page_chars",
            "max_page_ops",
            "max_stream_mb",
            "max_font_codes",
            "max_ocr_pixels",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not (isinstance(value, (int, float)) and value > 0):
                raise ExtractError(f"{name} must be a positive number, not {value!r}")
        if not isinstance(self.pdf_table, dict):
            raise ExtractError("pdf_table must be a dict of pdfplumber table settings")
        if self.pdf_table:
            from pdfplumber.table import TableSettings

            try:
                TableSettings.resolve(self.pdf_table)
            except (TypeError, ValueError) as e:
                raise ExtractError(f"bad pdf_table setting: {e}", "see pdfplumber's table settings") from None

    @classmethod
    def resolve(cls, settings: "ExtractSettings | dict | None") -> "ExtractSettings":
        if settings is None:
            return cls()
        if isinstance(settings, cls):
            return settings
        if isinstance(settings, dict):
            unknown = set(settings) - {f.name for f in fields(cls)}
            if unknown:
                raise ExtractError(f"unknown extract setting(s): {', '.join(sorted(unknown))}")
            return cls(**settings)
        raise ExtractError(f"settings must be ExtractSettings or dict, not {type(settings).__name__}")
