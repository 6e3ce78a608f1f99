"""Errors an extractor raises for one file; the batch goes on."""

from __future__ import annotations


class ChitieuError(Exception):
    """Base of every error shown to a user: `reason` is one line, `hint` says how to fix it."""

    def __init__(self, reason: str, hint: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.reason} ({self.hint})" if self.hint else self.reason


class ExtractError(ChitieuError):
    """A file could not be read."""


class UnsupportedFormat(ExtractError):
    """The bytes are none of TSV, DOCX or PDF."""


class EncodingError(ExtractError):
    """A text file in an encoding we cannot read."""


class EncryptedFile(ExtractError):
    """A password-protected document."""


class NeedsOCR(ExtractError):
    """A scanned document with no text layer."""


class NoTables(ExtractError):
    """The file holds no appendix table."""


class TooLarge(ExtractError):
    """The file (or its uncompressed content) is over the size limit."""

    @classmethod
    def file(cls, size: int, max_mb: float) -> "TooLarge":
        return cls(f"file is {size / 1048576:.3g} MB, over the {max_mb:g} MB limit", "raise --max-mb")


class DamagedFile(ExtractError):
    """A truncated or corrupt file."""


class UnreadableText(ExtractError):
    """Text in a font with no usable Unicode map (PDF)."""
