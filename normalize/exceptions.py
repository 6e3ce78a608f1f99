"""Errors of the normalise stage."""


class NormalizeError(Exception):
    """Registry or catalog data that cannot be used (says which line to fix)."""
