"""Errors of the normalise stage."""

from chitieu.ingest.exceptions import ChitieuError


class NormalizeError(ChitieuError, ValueError):
    """Registry or catalog data that cannot be used (says which line to fix)."""
