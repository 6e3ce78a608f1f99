"""Errors of the store stage."""


class StoreError(Exception):
    """The database could not be reached or written. `hint` says how to fix it."""

    def __init__(self, reason: str, hint: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.reason} ({self.hint})" if self.hint else self.reason


class UnknownUnit(StoreError):
    """A clerk named a canonical unit that is not in the registry."""
