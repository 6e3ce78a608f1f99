"""Workbooks and the office formats LibreOffice converts (.doc, .rtf, .odt,
.xls, .ods) read into the same rows as the tables they hold, written as TSV
or as DOCX."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES, reading
from chitieu.ingest import extract

openpyxl = pytest.importorskip("openpyxl")
SEEDS = sorted((SAMPLES / "tsv").glob("*.tsv"))
needs_libreoffice = pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")


def _cell(ws, row: int, col: int, text: str) -> None:
    """Write a cell the way a clerk's spreadsheet holds it: "70%" as the number
    0.7 formatted as a percentage, "12" as a number, the rest as text."""
    cell = ws.cell(row, col)
    plain = text.strip()
    if plain.endswith("%") and plain[:-1].isdigit():
        cell.value, cell.number_format = int(plain[:-1]) / 100, "0%"
    elif plain.isdigit() and not plain.startswith("0"):
        cell.value = int(plain)
    else:
        cell.value = text


def workbook(seed: Path, out: Path) -> Path:
    """The seed as a sheet: title lines merged across the table's width,
    figures as numbers."""
    from chitieu.ingest.tsv import _records, decode

    book = openpyxl.Workbook()
    ws = book.active
    records = _records(decode(seed.read_bytes()), [])
    width = max(len(cells) for _, cells in records)
    for r, (_, cells) in enumerate(records, 1):
        if len(cells) == 1 and cells[0].strip():
            ws.cell(r, 1).value = cells[0]
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            continue
        for c, text in enumerate(cells, 1):
            if text:
                _cell(ws, r, c, text)
    book.save(out)
    return out


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_a_workbook_reads_as_its_tsv(seed, tmp_path):
    assert reading(workbook(seed, tmp_path / f"{seed.stem}.xlsx")) == reading(seed)


def test_workbook_cells_read_as_their_formats_show_them(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Kèm theo Kế hoạch số 12/KH-UBND ngày 15/4/2026 của UBND xã An Bình"])
    ws.append(["STT", "Nội dung chỉ tiêu", "Đơn vị tính", "Chỉ tiêu", "Đơn vị chủ trì"])
    rows = [
        (1, "Tỷ lệ hồ sơ được số hóa", "%", 0.95, "0%"),
        (2, "Số hộ có cáp quang", "hộ", 2205, "#,##0"),
        (3, "Kinh phí hỗ trợ", "đồng", 1250000, "#,##0"),
        (4, "Tỷ lệ tăng trưởng", "%", 0.125, "0.0%"),
        (5, "Diện tích", "ha", 3.5, "General"),
    ]
    for n, text, unit, value, fmt in rows:
        ws.append([n, text, unit, value, "Phòng Kinh tế"])
        ws.cell(ws.max_row, 4).number_format = fmt
    ws.merge_cells("E3:E4")  # one agency for two rows
    book.save(tmp_path / "plan.xlsx")
    meta, read = reading(tmp_path / "plan.xlsx")
    assert [(r[5], r[4], dict(r[7])["lead"]) for r in read] == [
        ("95%", "%", "Phòng Kinh tế"),
        ("2.205", "hộ", "Phòng Kinh tế"),
        ("1.250.000", "đồng", "Phòng Kinh tế"),
        ("12,5%", "%", "Phòng Kinh tế"),
        ("3,5", "ha", "Phòng Kinh tế"),
    ]
    assert (meta.commune, meta.plan_number, str(meta.issued_on)) == ("An Bình", "12/KH-UBND", "2026-04-15")


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The DOCX and a workbook sample saved by LibreOffice as the older formats."""
    folder = tmp_path_factory.mktemp("converted")
    docx = SAMPLES / "docx" / "xuan-hung-phan-cong-chi-tieu-2026.docx"
    xlsx = workbook(SAMPLES / "tsv" / "xuan-loc-ke-hoach-cds-2026.tsv", folder / "xuan-loc.xlsx")
    env = {**os.environ, "HOME": str(folder)}
    for source, kinds in ((docx, ("doc", "rtf", "odt")), (xlsx, ("xls", "ods"))):
        for kind in kinds:
            subprocess.run(
                [
                    "libreoffice",
                    f"-env:UserInstallation=file://{folder / 'profile'}",
                    "--headless",
                    "--convert-to",
                    kind,
                    "--outdir",
                    str(folder),
                    str(source),
                ],
                capture_output=True,
                timeout=180,
                check=True,
                env=env,
            )
    return folder, docx, xlsx


@needs_libreoffice
@pytest.mark.parametrize("kind", ["doc", "rtf", "odt", "xls", "ods"])
def test_older_office_formats_read_as_the_file_they_were_saved_from(converted, kind):
    folder, docx, xlsx = converted
    source = docx if kind in ("doc", "rtf", "odt") else xlsx
    old = folder / f"{source.stem}.{kind}"
    assert reading(old) == reading(source)
    assert extract(old).format == ("docx" if source is docx else "tsv")


@needs_libreoffice
def test_without_libreoffice_a_doc_file_says_which_package_to_install(converted, tmp_path):
    folder, docx, _ = converted
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python").symlink_to(sys.executable)
    done = subprocess.run(
        [
            str(bare / "python"),
            "-m",
            "chitieu",
            "ingest",
            str(folder / f"{docx.stem}.doc"),
            "--db",
            str(tmp_path / "t.db"),
            "--jobs",
            "1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": str(bare)},
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: {folder / f'{docx.stem}.doc'}: a .doc file needs LibreOffice to be read "
        "(install libreoffice-writer, or save it as .docx and ingest that)"
    ]


@needs_libreoffice
def test_an_old_word_file_named_docx_is_read_as_what_it_is(tmp_path):
    old = tmp_path / "old.docx"
    old.write_bytes((ROOT / "tests" / "data" / "xuan-hung-word97.doc").read_bytes())
    meta, rows = reading(old)
    assert len(rows) == 55 and meta.commune == "Xuân Hưng"
