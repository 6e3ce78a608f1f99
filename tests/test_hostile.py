"""Files crafted to trip the readers (rotated pages, trailing bytes, stray
magic strings, odd line breaks, unbalanced quotes, mixed encodings, Office
look-alikes): each reads as its plain twin does, or fails with its one line."""

from __future__ import annotations

import io
import os
import re
import zipfile

import pytest

from conftest import SAMPLES
from chitieu.ingest import extract
from chitieu.ingest.exceptions import UnsupportedFormat
from chitieu.normalize.targets import parse_target
from chitieu.normalize.text import clean
from test_bad_input import cp1258

GOOD = "STT\tNội dung chỉ tiêu\tChỉ tiêu\tĐơn vị chủ trì\n1\tTỷ lệ hồ sơ được số hóa\t≥ 90%\tPhòng Kinh tế\n"


def reading(path) -> list[tuple]:
    """What a document says, row by row, without its file identity."""
    doc = extract(path)
    return [
        (t.index, r.row_no, r.section, r.indicator, r.unit, r.target, r.deadline, sorted(r.agencies.items()))
        for t in doc.tables
        for r in t.rows
    ]


@pytest.mark.parametrize("sample", ["xuan-hung-2026.pdf", "nghia-son-2026.pdf"])
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_pdf_with_rotate_reads_as_the_upright_file(sample, turn, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    source = SAMPLES / "pdf" / sample
    writer = pypdf.PdfWriter()
    for page in pypdf.PdfReader(source).pages:
        writer.add_page(page.rotate(turn))
    turned = tmp_path / f"turned-{turn}.pdf"
    writer.write(turned)
    expected = reading(source)
    assert len(expected) > 20
    assert reading(turned) == expected


def test_bytes_after_the_end_of_file_marker_are_ignored(tmp_path):
    source = SAMPLES / "pdf" / "nghia-son-2026.pdf"
    padded = tmp_path / "padded.pdf"
    padded.write_bytes(source.read_bytes() + bytes(range(256)) * 800)  # 200 KB a mailer appended
    assert reading(padded) == reading(source)


def test_a_text_that_names_pdf_early_is_read_as_text(tmp_path):
    f = tmp_path / "ghi-chu.tsv"
    f.write_text("Ghi chú: bản gốc là tệp %PDF-1.7 gửi kèm\n" + GOOD, "utf-8")
    assert [r[3] for r in reading(f)] == ["Tỷ lệ hồ sơ được số hóa"]


@pytest.mark.parametrize("inside", ["\v", "\f", "\u2028", "\u2029", "\x85", "\x1e", "\x1c"])
def test_only_newlines_end_a_tsv_row(inside, tmp_path):
    f = tmp_path / "cell.tsv"
    f.write_text(
        GOOD.replace("hồ sơ được", f"hồ sơ{inside}được") + "2\tTỷ lệ thôn có Internet\t100%\tPhòng Kinh tế\n", "utf-8"
    )
    rows = reading(f)
    assert [(r[1], r[3]) for r in rows] == [("1", "Tỷ lệ hồ sơ được số hóa"), ("2", "Tỷ lệ thôn có Internet")]


def test_an_unbalanced_quote_does_not_swallow_the_rows_after_it(tmp_path):
    f = tmp_path / "quote.tsv"
    rows = "".join(f"{n}\tChỉ tiêu số {n}\t100%\tPhòng Kinh tế\n" for n in range(2, 6))
    f.write_text(GOOD.replace("Tỷ lệ", '"Tỷ lệ') + rows, "utf-8")
    doc = extract(f)
    assert [r.row_no for t in doc.tables for r in t.rows] == ["1", "2", "3", "4", "5"]
    assert doc.tables[0].rows[0].indicator == '"Tỷ lệ hồ sơ được số hóa'
    assert "line 2: a quote that never closes; quotes read as text" in doc.warnings


def test_a_windows_1258_file_with_utf8_lines_keeps_both_right(tmp_path):
    f = tmp_path / "mixed.tsv"
    header = cp1258("STT\tNội dung chỉ tiêu\tChỉ tiêu\tĐơn vị chủ trì\n")
    f.write_bytes(header + "1\tTỷ lệ hồ sơ được số hóa\t100%\tPhòng Kinh tế\n".encode("utf-8"))
    doc = extract(f)
    assert [(r.indicator, r.agencies["lead"]) for t in doc.tables for r in t.rows] == [
        ("Tỷ lệ hồ sơ được số hóa", "Phòng Kinh tế")
    ]
    assert doc.warnings == ["mixed encodings: line(s) 1 read as Windows-1258, the others as UTF-8"]


def test_lone_surrogates_and_controls_never_reach_the_store():
    assert clean("Phòng\ud800 Kinh\x00 tế\u2028xã") == "Phòng Kinh tế xã"


def test_bidirectional_controls_never_reach_the_store():
    """An override would show the text turned around on screen and in exports."""
    assert clean("Phòng\u202e Kinh\u2066 tế\u200f\u2069 xã\u061c") == "Phòng Kinh tế xã"


@pytest.mark.parametrize(
    "cell",
    [
        "≥ " + "9" * 400 + "%",
        "từ " + "9" * 320 + " đến " + "9" * 330 + " người",
        ".".join(["999"] * 1700),
        "1," + "9" * 40,
    ],
    ids=["400 digits", "a range of them", "thousands of thousands", "a long fraction"],
)
def test_a_figure_no_float_holds_is_no_target(cell):
    """Stored, it would be infinity (invalid JSON) or a rounded lie: the cell stays text."""
    target, more = parse_target(cell, "", "Tỷ lệ")
    assert (target.kind, target.value, more) == ("text", None, [])


def _office(main_part: str, content_type: str, body: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{main_part}" ContentType="{content_type}"/></Types>',
        )
        z.writestr(main_part, body)
    return buf.getvalue()


def test_a_presentation_named_docx_is_named_a_presentation(tmp_path):
    f = tmp_path / "plan.docx"
    f.write_bytes(
        _office(
            "ppt/presentation.xml",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
            b"<p/>",
        )
    )
    with pytest.raises(UnsupportedFormat, match="a PowerPoint presentation, not a plan document"):
        extract(f)


def test_a_word_file_whose_main_part_is_renamed_is_read(tmp_path):
    source = SAMPLES / "docx" / "xuan-hung-phan-cong-chi-tieu-2026.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(out, "w") as w:
        for info in z.infolist():
            data = z.read(info)
            name = info.filename
            if name == "word/document.xml":
                name = "word/main.xml"
            elif name == "word/_rels/document.xml.rels":
                name = "word/_rels/main.xml.rels"
            elif name == "[Content_Types].xml":
                data = data.replace(b"/word/document.xml", b"/word/main.xml")
            elif name == "_rels/.rels":
                data = data.replace(b"word/document.xml", b"word/main.xml")
            w.writestr(name, data)
    renamed = tmp_path / "renamed.docx"
    renamed.write_bytes(out.getvalue())
    assert reading(renamed) == reading(source)


def test_formula_cells_never_reach_a_spreadsheet(db_url, tmp_path):
    """CSV exports put a ' before cells a spreadsheet would run; JSONL, the
    database and --raw-formulas keep the true text."""
    import csv
    import json

    from click.testing import CliRunner

    from chitieu.cli import main

    plan = tmp_path / "plan.tsv"
    plan.write_text(
        "STT\tNội dung chỉ tiêu\tChỉ tiêu\tĐơn vị chủ trì\n"
        '1\t=HYPERLINK("http://x.invalid","Tỷ lệ")\t≥ 90%\t@Tổ Omega\n'
        "2\t＝1+1\t≥ 90%\tPhòng Kinh tế\n",
        "utf-8",
    )
    run = CliRunner().invoke
    assert run(main, ["ingest", str(plan), "--db", db_url, "--jobs", "1"]).exit_code == 0
    assert run(main, ["units", "resolve", "@Tổ Omega", "--new", "--kind", "office", "--db", db_url]).exit_code == 0

    def cells(*extra, row=0):
        out = tmp_path / "out.csv"
        assert run(main, ["export", "--format", "csv", "-o", str(out), "--db", db_url, *extra]).exit_code == 0
        found = list(csv.DictReader(open(out, encoding="utf-8-sig")))[row]
        return found["indicator_text"], found["lead"]

    assert cells() == ('\'=HYPERLINK("http://x.invalid","Tỷ lệ")', "'@Tổ Omega")
    assert cells(row=1) == ("'＝1+1", "Phòng Kinh tế")  # a full-width sign, as East Asian locales enter it
    assert cells("--raw-formulas") == ('=HYPERLINK("http://x.invalid","Tỷ lệ")', "@Tổ Omega")
    record = json.loads(run(main, ["export", "--db", db_url]).stdout.splitlines()[0])
    assert record["indicator_text"].startswith("=HYPERLINK(")
    assert run(main, ["units", "export", str(tmp_path / "share"), "--db", db_url]).exit_code == 0
    names = [r["canonical_name"] for r in csv.DictReader(open(tmp_path / "share" / "units.csv", encoding="utf-8-sig"))]
    assert "'@Tổ Omega" in names and "@Tổ Omega" not in names
    target = tmp_path / "other.db"
    assert run(main, ["units", "import", str(tmp_path / "share"), "--db", str(target)]).exit_code == 0
    assert "@Tổ Omega" in run(main, ["units", "list", "--db", str(target)]).output.splitlines()


def _ingest(*args):
    import subprocess
    import sys

    from conftest import ROOT

    return subprocess.run(
        [sys.executable, "-m", "chitieu", "ingest", *map(str, args), "--jobs", "1"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )


def test_a_copy_of_a_failed_file_fails_the_same_way(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "a.tsv").write_text("Không có bảng nào ở đây\n", "utf-8")
    (plans / "b.tsv").write_text("Không có bảng nào ở đây\n", "utf-8")
    done = _ingest(plans, "--db", tmp_path / "t.db")
    reason = "no appendix table found (no header row naming the indicator and agency columns)"
    assert done.stderr.decode().splitlines() == [
        f"error: {plans / 'a.tsv'}: {reason}",
        f"error: {plans / 'b.tsv'}: {reason} (same content as {plans / 'a.tsv'})",
    ]
    assert done.stdout.decode().strip() == "0 loaded (0 rows), 0 skipped as already loaded, 2 failed"


def test_file_names_with_control_characters_or_foreign_bytes_are_printed_escaped(tmp_path):
    import json
    import os

    plans = tmp_path / "plans"
    plans.mkdir()
    forged = "x\nerror: other.tsv: forged\x1b[2J.tsv"
    (plans / forged).write_text(GOOD, "utf-8")
    latin1 = os.fsdecode(b"k\xe9-hoach.tsv")
    (plans / latin1).write_text(GOOD.replace("số hóa", "số hóa toàn trình"), "utf-8")
    (plans / "bad.tsv").write_text("Không có bảng nào ở đây\n", "utf-8")
    done = _ingest(plans, "--db", tmp_path / "t.db", "--report", tmp_path / "r.json")
    lines = [
        re.sub(r", about \d+ s left\]$", "]", line) for line in done.stderr.decode("utf-8", "replace").splitlines()
    ]
    assert sorted(lines) == sorted(
        [
            f"error: {plans / 'bad.tsv'}: no appendix table found (no header row naming the "
            "indicator and agency columns)",
            f"loaded: {latin1!r} (1 row) [2 of 3]",
            f"loaded: {forged!r} (1 row) [3 of 3]",
        ]
    )
    assert done.stdout.decode().strip() == "2 loaded (2 rows), 0 skipped as already loaded, 1 failed"
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert sorted(r["path"] for r in report["loaded"]) == sorted([repr(str(plans / latin1)), repr(str(plans / forged))])


def test_a_database_written_by_a_newer_chitieu_is_named(tmp_path):
    import sqlite3

    from chitieu.store import StoreError, connect

    db = tmp_path / "newer.db"
    connect(f"sqlite:///{db}").dispose()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError) as caught:
        connect(f"sqlite:///{db}")
    assert str(caught.value) == (
        "this database was written by a newer chitieu (revision 9999) "
        "(upgrade chitieu (pip install -U chitieu) to read it)"
    )


def test_a_read_only_database_stops_the_batch_with_one_line(tmp_path):
    from chitieu.store import connect

    db = tmp_path / "ro.db"
    connect(f"sqlite:///{db}").dispose()
    (tmp_path / "plan.tsv").write_text(GOOD, "utf-8")
    done = _ingest(tmp_path / "plan.tsv", "--db", f"sqlite:///file:{db}?mode=ro&uri=true")
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == [
        f"error: cannot write the database file:{db}: attempt to write a readonly database "
        "(check the permissions of the file and its folder, or give --db another path)"
    ]


def test_a_server_that_never_answers_costs_one_line_not_a_hang(tmp_path):
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    (tmp_path / "plan.tsv").write_text(GOOD, "utf-8")
    try:
        done = _ingest(tmp_path / "plan.tsv", "--db", f"postgresql+psycopg://postgres@127.0.0.1:{port}/test")
    finally:
        listener.close()
    assert done.returncode == 1
    [line] = done.stderr.decode().splitlines()
    assert line.startswith(f"error: cannot reach the database postgresql+psycopg://postgres@127.0.0.1:{port}/test: ")
    assert line.endswith("(is the server running and reachable? check --db)")


def test_a_workbook_that_breaks_the_spreadsheet_library_is_named_damaged(tmp_path):
    """A shared string index past the list, an entity: whatever openpyxl raises is one line."""
    openpyxl = pytest.importorskip("openpyxl")
    from chitieu.ingest.exceptions import DamagedFile

    book = openpyxl.Workbook()
    book.active.append(["STT", "Nội dung chỉ tiêu", "Chỉ tiêu", "Đơn vị chủ trì"])
    buf = io.BytesIO()
    book.save(buf)
    for name, edit, error in [
        (
            "index.xlsx",
            lambda xml: re.sub(rb't="inlineStr"><is><t>STT</t></is>', b't="s"><v>99999</v>', xml),
            "IndexError",
        ),
        ("entity.xlsx", lambda xml: xml.replace(b"<sheetData>", b"<sheetData>&x;", 1), "ParseError"),
    ]:
        out = io.BytesIO()
        with zipfile.ZipFile(buf) as z, zipfile.ZipFile(out, "w") as w:
            for info in z.infolist():
                data = z.read(info)
                w.writestr(info.filename, edit(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
        (tmp_path / name).write_bytes(out.getvalue())
        with pytest.raises(DamagedFile) as caught:
            extract(tmp_path / name)
        assert str(caught.value) == f"damaged Excel workbook: {error} (open it in Excel or LibreOffice and save again)"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs Linux's /dev/full")
def test_an_output_that_cannot_be_written_is_one_line(tmp_path):
    """A full disk (/dev/full) under every export format, and a units folder of noise to import."""
    from click.testing import CliRunner

    from chitieu.cli import main

    (tmp_path / "plan.tsv").write_text(GOOD, "utf-8")
    db = str(tmp_path / "t.db")
    run = CliRunner().invoke
    assert run(main, ["ingest", str(tmp_path / "plan.tsv"), "--db", db, "--jobs", "1"]).exit_code == 0
    for fmt in ("jsonl", "csv", "xlsx"):
        done = run(main, ["export", "--format", fmt, "-o", "/dev/full", "--db", db])
        assert (done.exit_code, done.stderr) == (
            1,
            "error: cannot write the output: No space left on device "
            "(check the path, its folder's permissions and the free space)\n",
        ), fmt
    (tmp_path / "share").mkdir()
    (tmp_path / "share" / "units.csv").write_bytes(b"\xff\xfe\x00garbage" * 100)
    done = run(main, ["units", "import", str(tmp_path / "share"), "--db", db])
    assert done.exit_code == 1
    assert done.stderr.startswith(f"error: cannot import {tmp_path / 'share'}: 'utf-8' codec can't decode")
    assert done.stderr.endswith("(use a folder written by 'chitieu units export')\n")


def test_spreadsheet_downloads_never_hold_a_formula(tmp_path):
    """The XLSX export and the web's CSV and XLSX downloads put the ' before text
    that starts like a formula (openpyxl writes "=…" as a formula to run)."""
    import csv

    from click.testing import CliRunner
    from openpyxl import load_workbook

    from chitieu import batch
    from chitieu.cli import main
    from chitieu.ingest import ExtractSettings
    from chitieu.store import connect
    from chitieu.web import create_app

    plan = tmp_path / "plan.tsv"
    plan.write_text(
        GOOD.replace("Tỷ lệ hồ sơ được số hóa\t≥ 90%", 'Tỷ lệ phủ sóng 5G trên dân số\t=HYPERLINK("x")'), "utf-8"
    )
    db = f"sqlite:///{tmp_path / 't.db'}"
    engine = connect(db)
    [result] = batch.run([plan], engine, ExtractSettings())
    assert result.status == "loaded"
    out = tmp_path / "out.xlsx"
    for extra, cell in [([], '\'=HYPERLINK("x")'), (["--raw-formulas"], '=HYPERLINK("x")')]:
        assert (
            CliRunner().invoke(main, ["export", "--format", "xlsx", "-o", str(out), "--db", db, *extra]).exit_code == 0
        )
        targets = load_workbook(out)["targets"]
        header = [c.value for c in targets[1]]
        found = targets.cell(2, header.index("target_raw") + 1)
        assert (found.value, found.data_type) == (cell, "f" if extra else "s")
    client = create_app(engine).test_client()
    rows = list(csv.reader(io.StringIO(client.get("/indicators/infra.5g_coverage/table.csv").data.decode("utf-8-sig"))))
    assert rows[1][1] == '\'=HYPERLINK("x")'
    book = load_workbook(io.BytesIO(client.get("/indicators/infra.5g_coverage/table.xlsx").data))
    cell = book.active.cell(2, 2)
    assert (cell.value, cell.data_type) == ('\'=HYPERLINK("x")', "s")
    engine.dispose()
