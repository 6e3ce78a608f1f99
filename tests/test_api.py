"""The analyst's Python API and the read commands' edges, on SQLite and PostgreSQL."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

from chitieu import api
from chitieu.cli import main
from conftest import SAMPLES


@pytest.fixture
def loaded(db_url):
    report = api.ingest([SAMPLES / "tsv"], db=db_url)
    assert (len(report.loaded), report.rows, report.failed) == (5, 234, [])
    return db_url


def test_read_targets_is_one_typed_row_per_target_row(loaded):
    df = api.read_targets(loaded)
    assert df.shape[0] == 234
    assert {c: str(df[c].dtype) for c in ("row_no", "target_value", "target_boolean", "year", "page")} == {
        "row_no": "string",
        "target_value": "float64",
        "target_boolean": "boolean",
        "year": "Int64",
        "page": "Int64",
    }
    assert df["issued_on"].dropna().map(type).eq(__import__("datetime").date).all()
    five_g = api.read_targets(loaded, indicator="infra.5g_coverage").sort_values("source")
    assert list(zip(five_g["source"], five_g["target_op"], five_g["target_value"])) == [
        ("dang-uy-nq57-muc-tieu-2026.tsv", ">=", 95.0),
        ("nghia-son-muc-tieu-2026.tsv", ">=", 70.0),
        ("xuan-hung-phan-cong-chi-tieu-2026.tsv", ">=", 95.0),
        ("xuan-loc-ke-hoach-cds-2026.tsv", ">=", 50.0),
    ]


def test_read_assignments_and_documents(loaded):
    a = api.read_assignments(loaded)
    assert len(a) == 729 and sorted(set(a["role"])) == ["coordinate", "guide", "lead", "monitor"]
    assert a["status"].value_counts().to_dict() == {"matched": 710, "unresolved": 19}
    assert list(api.read_documents(loaded)["rows"]) == [29, 29, 55, 30, 91]


def test_export_xlsx_has_three_sheets_and_says_how_many_rows(loaded, tmp_path):
    out = tmp_path / "province.xlsx"
    result = CliRunner().invoke(main, ["export", "--format", "xlsx", "-o", str(out), "--db", loaded])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote 234 rows to {out}\n"
    book = openpyxl.load_workbook(out)
    assert [(ws.title, ws.max_row) for ws in book] == [("targets", 235), ("assignments", 730), ("documents", 6)]


def test_xlsx_needs_a_file():
    result = CliRunner().invoke(main, ["export", "--format", "xlsx"])
    assert result.exit_code == 2 and "--format xlsx writes a file: give -o FILE.xlsx" in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["export"],
        ["targets", "--indicator", "infra.5g_coverage"],
        ["units", "unresolved"],
        ["units", "history"],
        ["units", "list"],
    ],
)
def test_read_commands_on_a_missing_database_say_so_and_create_nothing(command, tmp_path):
    db = tmp_path / "nope.db"
    result = CliRunner().invoke(main, [*command, "--db", str(db)])
    assert result.exit_code == 1
    assert (
        result.stderr == f"error: no database at {db} (load plans into it first with 'chitieu ingest', or check --db)\n"
    )
    assert not db.exists()
