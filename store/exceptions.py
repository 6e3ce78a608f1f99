"""Errors of the store stage."""

from chitieu.ingest.exceptions import ChitieuError


class StoreError(ChitieuError):
    """The database could not be reached or written."""


class UnknownUnit(StoreError):
    """A clerk named a canonical unit that is not in the registry."""


class DatabaseUnavailable(StoreError):
    """The database cannot take any document now (full, read-only, locked, unreachable)."""


class UnknownIndicator(StoreError):
    """An indicator code that is not in the catalog."""


class UnusedMention(StoreError):
    """A decision on a mention or a wording that no stored row uses (probably a typo)."""
