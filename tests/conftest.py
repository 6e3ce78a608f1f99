"""Fixtures: every store test runs on SQLite and on a real PostgreSQL.

PostgreSQL is reached at $CHITIEU_TEST_PG (default the local server, user
postgres, database test); each test gets a fresh database of its own. Where
no server answers, those tests skip with the reason — unless
CHITIEU_REQUIRE_PG=1 (set by .ci/run), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BAD = ROOT / "tests" / "data" / "bad"
SCANNED = ROOT / "tests" / "data" / "scanned"
SHARED = ROOT.parent / "shared"
PG_URL = os.environ.get("CHITIEU_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_admin():
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    try:
        return psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database,
            autocommit=True,
            connect_timeout=3,
        ), url
    except psycopg.OperationalError as e:
        reason = (
            f"PostgreSQL not reachable at {url.render_as_string(hide_password=True)}: {str(e).strip().splitlines()[0]}"
        )
        if os.environ.get("CHITIEU_REQUIRE_PG") == "1":
            pytest.fail(reason + " (CHITIEU_REQUIRE_PG=1)")
        pytest.skip(reason)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    admin, url = _pg_admin()
    name = f"chitieu_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def engine(db_url):
    from chitieu.store import connect

    eng = connect(db_url)
    yield eng
    eng.dispose()


def reading(path) -> tuple:
    """What a file says: its plan metadata and its rows (table, number,
    section, indicator, unit, target, deadline, agencies), without its file identity."""
    from chitieu.ingest import extract

    doc = extract(path)
    rows = [
        (t.index, r.row_no, r.section, r.indicator, r.unit, r.target, r.deadline, sorted(r.agencies.items()))
        for t in doc.tables
        for r in t.rows
    ]
    return doc.meta, rows
