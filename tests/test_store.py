"""Loading the seed samples into SQLite and PostgreSQL, and reading them back."""

import json
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from chitieu import batch
from chitieu.ingest import ExtractSettings
from chitieu.normalize.model import NormalizedDocument, TargetRow
from chitieu.store.export import iter_records
from chitieu.store.load import save_document
from chitieu.store.models import AssignmentT, DocumentT, TargetRowT

from conftest import SAMPLES, SHARED

SEED_ROWS = {
    "xuan-hung-phan-cong-chi-tieu-2026.tsv": 55,
    "nghia-son-muc-tieu-2026.tsv": 29,
    "xuan-loc-ke-hoach-cds-2026.tsv": 30,
    "dang-uy-nq57-muc-tieu-2026.tsv": 29,
    "xuan-son-dti-2023.tsv": 91,
}


def ingest_seeds(engine):
    files, _ = batch.collect([SAMPLES / "tsv"])
    return batch.run(files, engine, ExtractSettings())


def count(engine, table):
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_seeds_load_once_and_rerun_adds_nothing(engine):
    results = ingest_seeds(engine)
    assert {r.path.rsplit("/", 1)[1]: (r.status, r.rows) for r in results} == {
        name: ("loaded", n) for name, n in SEED_ROWS.items()
    }
    assert count(engine, TargetRowT) == sum(SEED_ROWS.values())
    assignments = count(engine, AssignmentT)
    again = ingest_seeds(engine)
    assert [(r.status, r.reason) for r in again] == [("skipped", "already loaded")] * 5
    assert (count(engine, DocumentT), count(engine, TargetRowT), count(engine, AssignmentT)) == (
        5,
        sum(SEED_ROWS.values()),
        assignments,
    )


def _record(records, source, row_no, line=None):
    found = [
        r for r in records if r["document"]["source"] == source and r["row_no"] == row_no and line in (None, r["line"])
    ]
    assert len(found) == 1
    return found[0]


def test_export_records_read_like_the_seeds(engine):
    ingest_seeds(engine)
    records = list(iter_records(engine))
    assert len(records) == sum(SEED_ROWS.values())
    r = _record(records, "xuan-hung-phan-cong-chi-tieu-2026.tsv", "2.1")
    assert r["document"]["commune"] == "Xuân Hưng" and r["document"]["year"] == 2026
    assert r["target"]["op"] == ">=" and r["target"]["value"] == 95 and r["target"]["unit"] == "%"
    assert r["deadline"] == {"raw": "Tháng 12/2026", "kind": "month", "year": 2026, "month": 12}
    assert [(a["role"], a["unit"]) for a in r["assignments"]] == [
        ("lead", "Phòng Văn hóa - Xã hội"),
        ("coordinate", "Văn phòng HĐND và UBND xã"),
        ("coordinate", "Phòng Kinh tế"),
        ("coordinate", "Trung tâm Phục vụ hành chính công xã"),
        ("coordinate", "Các doanh nghiệp viễn thông"),
    ]
    r = _record(records, "nghia-son-muc-tieu-2026.tsv", "3", line=14)  # joined across the page break
    assert r["indicator_text"].endswith("điều hành; sử dụng chữ ký số công vụ trong công việc")
    assert (r["target"]["op"], r["target"]["value"], r["target"]["unit"]) == ("=", 100, "%")
    assert r["deadline"]["kind"] == "recurring"
    assert [(a["role"], a["unit"]) for a in r["assignments"]] == [
        ("monitor", "Phòng Văn hóa - Xã hội"),
        ("lead", "Văn phòng HĐND và UBND xã"),
        ("coordinate", "Các cơ quan, đơn vị"),
    ]
    r = _record(records, "xuan-loc-ke-hoach-cds-2026.tsv", "11", line=282)
    assert (r["target"]["value"], r["target"]["qualifier"]) == (100, "trừ văn bản mật")


def test_export_passes_the_contract_check(engine, tmp_path):
    ingest_seeds(engine)
    out = tmp_path / "export.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in iter_records(engine)), "utf-8")
    check = subprocess.run(
        [sys.executable, str(SHARED / "contract" / "check_export.py"), str(out)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout
    assert check.stdout.strip().endswith(f"{sum(SEED_ROWS.values())} rows, 0 problems")


def test_a_failing_document_leaves_nothing(engine):
    bad = TargetRow(
        table=0,
        page=None,
        line=1,
        row_no="1",
        section=[],
        indicator_text=None,
        indicator_code=None,
        target=None,
        more_targets=[],
        deadline=None,
        assignments=[],
        notes=None,
    )
    doc = NormalizedDocument(
        source="bad.tsv",
        path="bad.tsv",
        sha256="0" * 64,
        format="tsv",
        commune=None,
        plan_number=None,
        issued_on=None,
        year=None,
        rows=[bad],
    )
    with pytest.raises(Exception):
        save_document(engine, doc, {})
    assert (count(engine, DocumentT), count(engine, TargetRowT)) == (0, 0)


def test_the_analysts_questions_in_plain_sql(engine):
    """The README's queries, on both databases."""
    from sqlalchemy import text

    ingest_seeds(engine)
    with engine.connect() as conn:
        below = conn.execute(
            text(
                "SELECT d.commune, r.target_op, r.target_value, r.target_unit FROM target_rows r "
                "JOIN documents d ON d.id = r.document_id "
                "WHERE r.indicator_code = 'infra.5g_coverage' AND r.target_value < 70"
            )
        ).all()
        leads = conn.execute(
            text(
                "SELECT u.name, COUNT(DISTINCT a.row_id) AS targets FROM assignments a JOIN units u ON u.id = a.unit_id "
                "WHERE a.role = 'lead' GROUP BY u.name ORDER BY targets DESC, u.name LIMIT 2"
            )
        ).all()
    assert [tuple(r) for r in below] == [("Xuân Lộc", ">=", 50.0, "%")]
    assert [tuple(r) for r in leads] == [("Phòng Văn hóa - Xã hội", 35), ("Trung tâm Phục vụ hành chính công xã", 35)]
