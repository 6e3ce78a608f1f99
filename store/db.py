"""Opening a store: SQLite file or PostgreSQL URL, schema migrated to head."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import make_url, Engine, create_engine, event, select, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from .exceptions import DatabaseUnavailable, StoreError

DEFAULT_URL = "sqlite:///chitieu.db"
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
CONNECT_TIMEOUT_S = 10  # a server that accepts the connection and never answers
STATEMENT_TIMEOUT_S = 300  # PostgreSQL gives up on a statement after this
SQLITE_BUSY_S = 60  # a SQLite writer waits this long for another's lock
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
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event below issues BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_S * 1000}")
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


def newest(conn, key, value, keys: set) -> dict:
    """{key: value} of the newest row (highest id) of `key`'s table for each
    of `keys`: the decision or link in force, read in the caller's transaction."""
    query = select(key, value).where(key.in_(keys)).order_by(key.table.c.id)
    return dict(conn.execute(query).all())


def connect(url: str | None = None, *, must_exist: bool = False) -> Engine:
    """An engine on a migrated store; StoreError with a hint when unreachable.
    With `must_exist` (commands that only read) a SQLite file that is not
    there is an error rather than a new empty database."""
    url = database_url(url)
    if must_exist and url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:" and not path.startswith("file:") and not os.path.exists(path):
            raise StoreError(f"no database at {path}", "load plans into it first with 'chitieu ingest', or check --db")
    connect_args = (
        {"connect_timeout": CONNECT_TIMEOUT_S, "options": f"-c statement_timeout={STATEMENT_TIMEOUT_S * 1000}"}
        if url.startswith("postgresql")
        else {}
    )
    try:
        engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except (SQLAlchemyError, ImportError, ValueError) as e:
        raise StoreError(
            f"bad database URL {url!r}: {e}", "use sqlite:///file.db or postgresql+psycopg://user@host/db"
        ) from None
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise StoreError(f"unsupported database {engine.dialect.name!r}", "use SQLite or PostgreSQL")
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    try:
        migrate(engine)
    except SQLAlchemyError as e:
        raise explain(e, engine) from None
    return engine


def guarded(fn):
    """A store function whose database failures (OperationalError: full,
    read-only, locked, unreachable) raise DatabaseUnavailable with one line."""

    @functools.wraps(fn)
    def call(engine, *args, **kwargs):
        try:
            return fn(engine, *args, **kwargs)
        except OperationalError as e:
            raise explain(e, engine) from None

    return call


def explain(error: SQLAlchemyError, engine: Engine) -> DatabaseUnavailable:
    """A driver error as one line that names the database and what to check."""
    where = engine.url.database if engine.dialect.name == "sqlite" else engine.url.render_as_string(hide_password=True)
    cause = (
        str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        if str(error).strip()
        else type(error).__name__
    )
    lowered = cause.lower()
    if "disk is full" in lowered or "no space left" in lowered:
        return DatabaseUnavailable(f"the disk holding {where} is full", "free some space, then rerun the same command")
    if "readonly" in lowered or "read-only" in lowered or "unable to open database file" in lowered:
        return DatabaseUnavailable(
            f"cannot write the database {where}: {cause}",
            "check the permissions of the file and its folder, or give --db another path",
        )
    if "database is locked" in lowered:
        return DatabaseUnavailable(
            f"the database {where} stayed locked for over {SQLITE_BUSY_S} s",
            "another program holds it: close it or wait for the other loader, then rerun",
        )
    if "statement timeout" in lowered:
        return DatabaseUnavailable(
            f"the database {where} did not answer within {STATEMENT_TIMEOUT_S} s",
            "check the server's load and locks, then rerun",
        )
    if "timeout expired" in lowered or "could not connect" in lowered or "connection refused" in lowered:
        return DatabaseUnavailable(
            f"cannot reach the database {where}: {cause}", "is the server running and reachable? check --db"
        )
    return DatabaseUnavailable(
        f"database error on {where}: {cause}", "check --db; is the server running and the database created?"
    )


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (safe with concurrent
    loaders); a database already there is only read, so readers never wait."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    scripts = ScriptDirectory.from_config(cfg)
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == scripts.get_current_head():
        return
    if current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
        raise StoreError(
            f"this database was written by a newer chitieu (revision {current})",
            "upgrade chitieu (pip install -U chitieu) to read it",
        )
    with writer(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
