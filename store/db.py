"""Opening a store: SQLite file or PostgreSQL URL, schema migrated to head."""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from .exceptions import StoreError

DEFAULT_URL = "sqlite:///chitieu.db"
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_ID = 727274  # advisory lock serialising migrations between concurrent loaders
_DECISIONS_LOCK_ID = 727275  # serialises a clerk's decision with documents being stored


def database_url(url: str | None) -> str:
    """A URL from --db / CHITIEU_DB; a bare path means a SQLite file."""
    url = url or os.environ.get("CHITIEU_DB") or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn, _record):
    dbapi_conn.isolation_level = None   # SQLAlchemy's "begin" event below issues BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.close()


def _sqlite_begin(conn) -> None:
    """Writers take SQLite's write lock up front (BEGIN IMMEDIATE), so concurrent
    loaders wait for each other (busy_timeout) instead of failing on a lock upgrade."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writer") else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The engine for a transaction that writes."""
    return engine.execution_options(writer=True)


def lock_decisions(conn) -> None:
    """Within a writing transaction: wait until no decision or document is
    being stored, so a clerk's decision and a loader's document each see the
    other (SQLite writers are serialised already by BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _DECISIONS_LOCK_ID})


def connect(url: str | None = None) -> Engine:
    """An engine on a migrated store; StoreError with a hint when unreachable."""
    url = database_url(url)
    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as e:
        raise StoreError(f"bad database URL {url!r}: {e}", "use sqlite:///file.db or postgresql+psycopg://user@host/db") from None
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise StoreError(f"unsupported database {engine.dialect.name!r}", "use SQLite or PostgreSQL")
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    try:
        migrate(engine)
    except SQLAlchemyError as e:
        raise StoreError(f"cannot open database {engine.url.render_as_string(hide_password=True)}: "
                         f"{str(e.orig if hasattr(e, 'orig') else e).strip().splitlines()[0]}",
                         "check --db; is the server running and the database created?") from None
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (safe with concurrent
    loaders); a database already there is only read, so readers never wait."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == ScriptDirectory.from_config(cfg).get_current_head():
            return
    with writer(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
