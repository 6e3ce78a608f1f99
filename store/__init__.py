"""Store stage: SQLAlchemy models, Alembic migrations, loading and reading back."""

from .db import DEFAULT_URL, connect, database_url
from .exceptions import StoreError

__all__ = ["connect", "database_url", "DEFAULT_URL", "StoreError"]
