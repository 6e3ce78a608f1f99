"""Bad input: each bad file gets its one clear error line, and the good file
beside it still loads, on SQLite and on PostgreSQL.

Every case runs `chitieu ingest` over a folder of ONE good TSV plus the bad
file(s); the error lines are compared exactly. A failed file never reaches
the database, so the single cases run on SQLite only (a fresh PostgreSQL
database per case would cost seconds each); every bad file together, and the
files that load, run on both.
"""

from __future__ import annotations

import io
import os
import re
import resource
import struct
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from chitieu.cli import main
from conftest import BAD, SAMPLES, SCANNED
from chitieu.store import connect
from chitieu.store.export import iter_records

DOCX = SAMPLES / "docx" / "xuan-hung-phan-cong-chi-tieu-2026.docx"
PDF = SAMPLES / "pdf" / "xuan-hung-2026.pdf"

GOOD = "STT\tNội dung chỉ tiêu\tChỉ tiêu\tĐơn vị chủ trì\n1\tTỷ lệ hồ sơ được số hóa\t≥ 90%\tPhòng Kinh tế\n"
GOOD_ROW = ("good.tsv", "Tỷ lệ hồ sơ được số hóa", "≥ 90%", "Phòng Kinh tế")
# Only characters Windows-1258 can hold (no "≥"): the header must decode for the table to be found.
VIETNAMESE = (
    "STT\tNội dung chỉ tiêu\tChỉ tiêu\tĐơn vị chủ trì\n"
    "1\tTỷ lệ hộ gia đình có Internet cáp quang\t>= 80%\tPhòng Văn hóa - Xã hội\n"
)


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: base letters (ă, â, ê, ô, ơ, ư and
    plain ones) followed by combining tone marks."""
    out = bytearray()
    for c in text:
        d = unicodedata.normalize("NFD", c)
        for i in range(1, len(d)):
            base = unicodedata.normalize("NFC", d[0] + d[i])
            if len(base) == 1:
                try:
                    out += (base + d[1:i] + d[i + 1 :]).encode("cp1258")
                    break
                except UnicodeEncodeError:
                    pass
        else:
            out += d.encode("cp1258")
    return bytes(out)


def ingest(folder: Path, db_url: str, *extra):
    args = ["ingest", str(folder), "--db", db_url, "--jobs", "1", *map(str, extra)]
    return CliRunner().invoke(main, args, catch_exceptions=False)


def errors(result) -> list[str]:
    return sorted(line for line in result.stderr.splitlines() if line.startswith("error: "))


def stored(db_url: str) -> list[tuple]:
    """(source, indicator, target, first agency) of every stored row."""
    engine = connect(db_url)
    try:
        return sorted(
            (
                r["document"]["source"],
                r["indicator_text"],
                r["target"]["raw"] if r["target"] else None,
                r["assignments"][0]["raw"] if r["assignments"] else None,
            )
            for r in iter_records(engine)
        )
    finally:
        engine.dispose()


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "plans"
    d.mkdir()
    (d / "good.tsv").write_text(GOOD, encoding="utf-8")
    return d


def assert_one_failure(result, db_url, path: Path, line: str):
    assert result.exit_code == 1
    assert result.stdout == "1 loaded (1 row), 0 skipped as already loaded, 1 failed\n"
    lines = [re.sub(r" \[\d of 2(, about \d+ s left)?\]$", "", line) for line in result.stderr.splitlines()]
    assert sorted(lines) == [f"error: {path}: {line}", "loaded: good.tsv (1 row)"]
    assert stored(db_url) == [GOOD_ROW]


def _truncated_docx(d: Path) -> Path:
    data = DOCX.read_bytes()
    (d / "cut.docx").write_bytes(data[: len(data) // 2])
    return d / "cut.docx"


def _corrupt_docx(d: Path) -> Path:
    """The central directory intact, but the deflated word/document.xml overwritten."""
    data = bytearray(DOCX.read_bytes())
    info = zipfile.ZipFile(DOCX).getinfo("word/document.xml")
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    data[start + 100 : start + 400] = b"\xff" * 300
    (d / "corrupt.docx").write_bytes(bytes(data))
    return d / "corrupt.docx"


def _copy(sample: Path, name: str):
    def make(d: Path) -> Path:
        if not sample.exists():
            pytest.skip(f"{sample.relative_to(SAMPLES.parent)} not there yet")
        (d / name).write_bytes(sample.read_bytes())
        return d / name

    return make


def _write(name: str, data: bytes):
    def make(d: Path) -> Path:
        (d / name).write_bytes(data)
        return d / name

    return make


def _truncated_pdf(d: Path) -> Path:
    if not PDF.exists():
        pytest.skip("samples/pdf not there yet")
    data = PDF.read_bytes()
    (d / "cut.pdf").write_bytes(data[: len(data) // 2])
    return d / "cut.pdf"


def _looped(d: Path) -> Path:
    (d / "loop.tsv").symlink_to(d / "loop.tsv")
    return d / "loop.tsv"


def _dangling(d: Path) -> Path:
    (d / "gone.tsv").symlink_to(d / "deleted-meanwhile.tsv")
    return d / "gone.tsv"


def _unzip_only(d: Path) -> Path:
    with zipfile.ZipFile(d / "archive.docx", "w") as z:
        z.writestr("plan.tsv", GOOD)
    return d / "archive.docx"


CASES = {
    "zero-byte": (_write("zero.tsv", b""), "empty file (the file has no content; export or download it again)"),
    "whitespace only": (
        _write("blank.tsv", b" \r\n\t\n   \n"),
        "empty file (the file has no content; export or download it again)",
    ),
    "text without a table": (
        _write("notes.tsv", "KẾ HOẠCH\nKhông có phụ lục chỉ tiêu.\n".encode()),
        "no appendix table found (no header row naming the indicator and agency columns)",
    ),
    "truncated DOCX": (_truncated_docx, "truncated or damaged ZIP/DOCX file (re-save or re-download it)"),
    "DOCX with damaged content": (
        _corrupt_docx,
        "damaged Word document (word/document.xml cannot be read) (open it in Word or LibreOffice and save it again)",
    ),
    "ZIP named .docx": (
        _unzip_only,
        "a ZIP archive that is not a Word document (unpack it and ingest the files inside)",
    ),
    "password-protected DOCX": (
        _copy(BAD / "xuan-hung-password-chitieu.docx", "locked.docx"),
        "password-protected Word document (remove the password in Word and save again)",
    ),
    "truncated PDF": (_truncated_pdf, "truncated PDF (no end-of-file marker) (download or export the file again)"),
    "encrypted PDF": (_copy(BAD / "xuan-hung-locked.pdf", "locked.pdf"), "password-protected PDF (use --password)"),
    "scanned PDF without --ocr": (
        _copy(SCANNED / "xuan-hung-scan.pdf", "scan.pdf"),
        "scanned PDF: page(s) 1 are images with no text layer; it needs OCR (run with --ocr to read it with Tesseract)",
    ),
    "HTML saved as .pdf": (
        _write("plan.pdf", b"<!DOCTYPE html>\n<html><head><title>404</title></head><body>Not found</body></html>\n"),
        "an HTML/XML page, not a plan document (download the real file: PDF, DOCX or TSV)",
    ),
    "text named .pdf": (
        _write("note.pdf", b"not a pdf at all\n"),
        "named .pdf but not a PDF file (check the file; it may be an error page or truncated)",
    ),
    "binary named .tsv": (
        _write("image.tsv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8),
        "binary data, not a text table (give a TSV, DOCX or PDF file)",
    ),
    "dangling symlink": (_dangling, "broken link: its target is missing (fix or remove the link)"),
    "symlink loop": (_looped, "a loop of symbolic links (point the link at a file)"),
}


SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@SQLITE
@pytest.mark.parametrize("case", CASES)
def test_bad_file_gets_one_line_and_the_good_file_loads(case, folder, db_url):
    make, line = CASES[case]
    bad = make(folder)
    assert_one_failure(ingest(folder, db_url), db_url, bad, line)


@SQLITE
def test_missing_path(folder, db_url):
    result = CliRunner().invoke(main, ["ingest", str(folder), str(folder / "nope.docx"), "--db", db_url, "--jobs", "1"])
    assert_one_failure(result, db_url, folder / "nope.docx", "no such file or folder (check the path)")


@SQLITE
def test_file_over_max_mb(folder, db_url):
    (folder / "big.tsv").write_text(
        GOOD + "".join(f"{n}\tChỉ tiêu số {n}\t100%\tPhòng Kinh tế\n" for n in range(2, 40)), encoding="utf-8"
    )
    assert (folder / "good.tsv").stat().st_size < 1048 < (folder / "big.tsv").stat().st_size
    result = ingest(folder, db_url, "--max-mb", "0.001")
    size = (folder / "big.tsv").stat().st_size / 1048576
    assert_one_failure(
        result, db_url, folder / "big.tsv", f"file is {size:.3g} MB, over the 0.001 MB limit (raise --max-mb)"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway (see the dangling symlink case)")
@SQLITE
def test_file_without_read_permission(folder, db_url):
    secret = folder / "secret.tsv"
    secret.write_text(GOOD.replace("90%", "95%"), encoding="utf-8")
    secret.chmod(0)
    try:
        assert_one_failure(
            ingest(folder, db_url), db_url, secret, "cannot read: permission denied (check the file's permissions)"
        )
    finally:
        secret.chmod(0o644)


BOMB_MB = 512


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> bytes:
    """A 2 MB .docx whose word/document.xml unzips to 512 MB of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = bytes(4 << 20)
            for _ in range(BOMB_MB // 4):
                f.write(chunk)
    return buf.getvalue()


@SQLITE
def test_docx_zip_bomb_is_refused_by_uncompressed_size(folder, db_url, zip_bomb):
    bomb = folder / "bomb.docx"
    bomb.write_bytes(zip_bomb)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    result = ingest(folder, db_url)
    elapsed = time.monotonic() - start
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert_one_failure(
        result,
        db_url,
        bomb,
        "DOCX unzips to 512 MB (word/document.xml: 512 MB), over the 50 MB limit "
        "(raise --max-mb if the file is genuine; it may be a zip bomb)",
    )
    assert elapsed < 10, f"took {elapsed:.1f} s: the bomb was unpacked?"
    assert grown_mb < BOMB_MB / 4, f"peak memory grew {grown_mb:.0f} MB: the bomb was unpacked"


@pytest.mark.parametrize(
    "name, data", [("windows-1258.txt", cp1258(VIETNAMESE)), ("utf-16.tsv", VIETNAMESE.encode("utf-16"))]
)
def test_legacy_encodings_load_with_vietnamese_intact(name, data, folder, db_url):
    assert data.startswith(b"\xff\xfe") or b"\xf4\xf2" in data  # BOM, or "ộ" as ô + combining dot below
    (folder / name).write_bytes(data)
    result = ingest(folder, db_url)
    assert (result.exit_code, result.stdout) == (0, "2 loaded (2 rows), 0 skipped as already loaded, 0 failed\n")
    assert errors(result) == []
    assert stored(db_url) == [
        GOOD_ROW,
        (name, "Tỷ lệ hộ gia đình có Internet cáp quang", ">= 80%", "Phòng Văn hóa - Xã hội"),
    ]


def test_all_bad_files_together_in_parallel(folder, db_url, zip_bomb):
    """Every bad file at once through two worker processes: still one line
    each, and the good file loads."""
    expected = []
    for case, (make, line) in CASES.items():
        try:
            path = make(folder)
        except pytest.skip.Exception:
            continue
        expected.append(f"error: {path}: {line}")
    (folder / "bomb.docx").write_bytes(zip_bomb)
    expected.append(
        f"error: {folder / 'bomb.docx'}: DOCX unzips to 512 MB (word/document.xml: 512 MB), over the "
        "50 MB limit (raise --max-mb if the file is genuine; it may be a zip bomb)"
    )
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", db_url, "--jobs", "2"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stdout == f"1 loaded (1 row), 0 skipped as already loaded, {len(expected)} failed\n"
    assert errors(result) == sorted(expected)
    assert stored(db_url) == [GOOD_ROW]


CHITIEU = [sys.executable, "-m", "chitieu"]


def test_fifo_does_not_hang_the_batch(folder, tmp_path):
    os.mkfifo(folder / "pipe.tsv")
    try:
        done = subprocess.run(
            [*CHITIEU, "ingest", str(folder), "--db", str(tmp_path / "t.db"), "--jobs", "1"],
            capture_output=True,
            text=True,
            timeout=90,
            cwd=Path(__file__).resolve().parent.parent,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("chitieu ingest hung on a FIFO")
    assert done.returncode == 1
    assert [l for l in done.stderr.splitlines() if l.startswith("error: ")] == [
        f"error: {folder / 'pipe.tsv'}: not a regular file: a pipe, device or socket "
        "(give the plan file itself, saved on disk)"
    ]


def test_stderr_holds_only_one_line_per_file(folder, tmp_path):
    """Run as a real process (where library log messages would reach the
    terminal): every stderr line is a file's progress or error line."""
    for case in ("truncated PDF", "encrypted PDF", "scanned PDF without --ocr", "DOCX with damaged content"):
        try:
            CASES[case][0](folder)
        except pytest.skip.Exception:
            pass
    if PDF.exists():  # a PDF with a hole: the end-of-file marker is there, the middle is not
        data = PDF.read_bytes()
        (folder / "holed.pdf").write_bytes(data[:2000] + data[len(data) // 2 :])
    done = subprocess.run(
        [*CHITIEU, "ingest", str(folder), "--db", str(tmp_path / "t.db"), "--jobs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    files = sorted(p.name for p in folder.iterdir())
    lines = done.stderr.splitlines()
    assert [l for l in lines if not l.startswith(("error: ", "loaded: "))] == []
    assert len(lines) == len(files)


def test_a_pdf_whose_header_was_damaged_is_named_a_damaged_pdf(tmp_path):
    from chitieu.ingest import extract
    from chitieu.ingest.exceptions import UnsupportedFormat

    data = (SAMPLES / "pdf" / "nghia-son-2026.pdf").read_bytes()
    (tmp_path / "x.tsv").write_bytes(b"XXXXX" + data[5:])  # "%PDF-" overwritten, wrong name too
    with pytest.raises(UnsupportedFormat, match="damaged PDF: its %PDF header is missing"):
        extract(tmp_path / "x.tsv")


def test_mutated_samples_each_load_or_fail_with_a_known_reason(tmp_path):
    """Fuzzing with a fixed seed: bit flips, cuts, splices and zeroed runs of the
    samples. No reader may fail with an unexpected exception (a bug), and every
    file ends as one result."""
    import random

    from chitieu import batch
    from chitieu.ingest import ExtractSettings
    from chitieu.store import connect

    rng = random.Random(20261123)
    sources = sorted(p for p in SAMPLES.glob("*/*") if p.suffix in (".tsv", ".docx", ".pdf"))
    for i in range(40):
        src = rng.choice(sources)
        data = bytearray(src.read_bytes())
        mode = i % 4
        if mode == 0:
            for _ in range(rng.randint(1, 50)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif mode == 1:
            data = data[: rng.randrange(len(data))]
        elif mode == 2:
            k = rng.randrange(len(data))
            data = data[:k] + rng.choice(sources).read_bytes()[k:]
        else:
            k = rng.randrange(len(data))
            data[k : k + 4096] = bytes(len(data[k : k + 4096]))
        (tmp_path / f"m{i:02d}{src.suffix}").write_bytes(bytes(data))
    engine = connect(f"sqlite:///{tmp_path / 'f.db'}")
    results = batch.run(sorted(tmp_path.glob("m*")), engine, ExtractSettings())
    engine.dispose()
    assert len(results) == 40
    unexpected = [(r.path, r.reason) for r in results if r.status == "failed" and r.reason.startswith("unexpected")]
    assert unexpected == []
    assert all(r.status == "loaded" or "\n" not in r.reason for r in results)


def test_a_damaged_excel_workbook_is_one_line(tmp_path):
    import zipfile
    from chitieu.ingest import extract
    from chitieu.ingest.exceptions import DamagedFile

    with zipfile.ZipFile(tmp_path / "plan.xlsx", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(
        DamagedFile, match=r"^damaged Excel workbook: \w+ \(open it in Excel or LibreOffice and save again\)$"
    ):
        extract(tmp_path / "plan.xlsx")


@pytest.mark.skipif(not __import__("shutil").which("libreoffice"), reason="LibreOffice is not installed")
def test_a_damaged_opendocument_file_in_a_folder_is_one_line(tmp_path, folder):
    import zipfile

    with zipfile.ZipFile(folder / "plan.odt", "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", f"sqlite:///{tmp_path / 'o.db'}", "--jobs", "1"])
    assert result.exit_code == 1
    assert [l for l in result.stderr.splitlines() if l.startswith("error: ")] == [
        f"error: {folder / 'plan.odt'}: LibreOffice could not convert this .odt file (open it and save it as .docx)"
    ]
