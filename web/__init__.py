"""Web pages over the store: the clerk's queue, history and documents; the
analyst's indicators, agencies' load and coverage; the static report."""

from .app import create_app
from .security import PasswordRequired, check_exposure

__all__ = ["PasswordRequired", "check_exposure", "create_app"]
