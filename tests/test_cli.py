"""The command line, run through click's CliRunner with exact output."""

import csv
import io
import json

from click.testing import CliRunner

from chitieu.cli import main

from conftest import SAMPLES

SEEDS = str(SAMPLES / "tsv")
GOOD = "STT\tNội dung chỉ tiêu\tChỉ tiêu\tĐơn vị chủ trì\n1\tTỷ lệ hồ sơ được số hóa\t≥ 90%\tPhòng Kinh tế\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_ingest_seeds_then_rerun(db_url):
    first = run("ingest", SEEDS, "--db", db_url, "--jobs", 1)
    assert (first.exit_code, first.stdout) == (0, "5 loaded (234 rows), 0 skipped as already loaded, 0 failed\n")
    again = run("ingest", SEEDS, "--db", db_url, "--jobs", 1)
    assert (again.exit_code, again.stdout) == (0, "0 loaded (0 rows), 5 skipped as already loaded, 0 failed\n")
    assert again.stderr.count("skipped: ") == 5


def test_bad_files_get_one_line_each_and_the_rest_loads(db_url, tmp_path):
    (tmp_path / "good.tsv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.tsv").write_bytes(b"")
    (tmp_path / "page.pdf").write_text("<!DOCTYPE html><html><body>404</body></html>")
    (tmp_path / "fake.pdf").write_bytes(b"not a pdf at all")
    (tmp_path / "binary.tsv").write_bytes(bytes(range(256)) * 8)
    report = tmp_path / "report.json"
    result = run("ingest", tmp_path, tmp_path / "missing.docx", "--db", db_url, "--jobs", 1, "--report", report)
    assert result.exit_code == 1
    assert result.stdout == "1 loaded (1 row), 0 skipped as already loaded, 5 failed\n"
    errors = sorted(line for line in result.stderr.splitlines() if line.startswith("error: "))
    assert errors == sorted(
        [
            f"error: {tmp_path / 'missing.docx'}: no such file or folder (check the path)",
            f"error: {tmp_path / 'empty.tsv'}: empty file (the file has no content; export or download it again)",
            f"error: {tmp_path / 'page.pdf'}: an HTML/XML page, not a plan document (download the real file: PDF, DOCX or TSV)",
            f"error: {tmp_path / 'fake.pdf'}: named .pdf but not a PDF file (check the file; it may be an error page or truncated)",
            f"error: {tmp_path / 'binary.tsv'}: binary data, not a text table (give a TSV, DOCX or PDF file)",
        ]
    )
    data = json.loads(report.read_text("utf-8"))
    assert [(r["path"].rsplit("/", 1)[1], r["rows"]) for r in data["loaded"]] == [("good.tsv", 1)]
    assert len(data["failed"]) == 5


def test_usage_errors_exit_2():
    assert run("ingest").exit_code == 2
    assert run("export", "--format", "xml").exit_code == 2


def test_unreachable_database_is_one_line():
    result = run("ingest", SEEDS, "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot reach the database postgresql+psycopg://nobody@127.0.0.1:1/none: ")
    assert result.stderr.rstrip().endswith("Connection refused (is the server running and reachable? check --db)")
    assert len(result.stderr.splitlines()) == 1


def test_export_csv_has_bom_and_one_row_per_target(db_url, tmp_path):
    run("ingest", SEEDS, "--db", db_url, "--jobs", 1)
    out = tmp_path / "t.csv"
    assert run("export", "--format", "csv", "-o", out, "--db", db_url).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 234
    r = next(r for r in rows if r["source"] == "xuan-hung-phan-cong-chi-tieu-2026.tsv" and r["row_no"] == "2.1")
    assert (r["commune"], r["target_op"], r["target_value"], r["lead"]) == (
        "Xuân Hưng",
        ">=",
        "95.0",
        "Phòng Văn hóa - Xã hội",
    )


def test_targets_for_one_indicator_across_communes(db_url):
    run("ingest", SEEDS, "--db", db_url, "--jobs", 1)
    table = run("targets", "--indicator", "infra.5g_coverage", "--db", db_url)
    assert table.stdout.splitlines() == [
        "Commune    Target  Lead agency                  Source",
        "?          ≥ 95%   Các doanh nghiệp viễn thông  dang-uy-nq57-muc-tieu-2026.tsv #1",
        "Nghĩa Sơn  ≥ 70%   Các doanh nghiệp viễn thông  nghia-son-muc-tieu-2026.tsv #1",
        "Xuân Hưng  ≥ 95%   Phòng Văn hóa - Xã hội       xuan-hung-phan-cong-chi-tieu-2026.tsv #2.1",
        "Xuân Lộc   ≥ 50%   -                            xuan-loc-ke-hoach-cds-2026.tsv #1",
    ]
    below = run("targets", "--indicator", "infra.5g_coverage", "--below", 70, "--format", "csv", "--db", db_url)
    assert below.stdout.splitlines() == [
        "commune,target,lead,source,row_no,target_op,target_value,target_unit",
        "Xuân Lộc,≥ 50%,,xuan-loc-ke-hoach-cds-2026.tsv,1,>=,50.0,%",
    ]


def test_verbose_shows_what_a_reader_skipped(tmp_path):
    plan = tmp_path / "p.tsv"
    plan.write_text("Tiêu đề\nA\tB\n1\t2\n" + GOOD, encoding="utf-8")
    result = run("ingest", plan, "--db", f"sqlite:///{tmp_path / 'v.db'}", "-j", 1, "-v")
    assert result.stderr.splitlines() == [
        "loaded: p.tsv (1 row) [1 of 1]",
        f"warning: {plan}: line/row 2: a table was skipped as not an appendix: no header row names its "
        'indicator and agency columns; columns seen: "A" | "B"',
    ]
