"""Bulk loading as a real process: killed mid-run and rerun, two loaders at
once on overlapping folders, and --jobs 2 storing what --jobs 1 stores."""

from __future__ import annotations

import json
import os
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from chitieu.cli import main
from conftest import BAD, SCANNED
from chitieu.store import connect
from chitieu.store.export import iter_records
from chitieu.store.models import DocumentT, TargetRowT

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED_ROWS = {
    "dang-uy-nq57-muc-tieu-2026.tsv": 29,
    "nghia-son-muc-tieu-2026.tsv": 29,
    "xuan-hung-phan-cong-chi-tieu-2026.tsv": 55,
    "xuan-loc-ke-hoach-cds-2026.tsv": 30,
    "xuan-son-dti-2023.tsv": 91,
}
CHITIEU = [sys.executable, "-m", "chitieu"]


def copies(folder: Path, numbers: range) -> dict[str, int]:
    """Seed files under new names, each made distinct by a closing line (the
    table ends before it, so the rows are the seed's): name -> rows."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted(SEED_ROWS)
    made = {}
    for n in numbers:
        seed = seeds[n % len(seeds)]
        name = f"{n:03d}-{seed}"
        (folder / name).write_bytes((SAMPLES / "tsv" / seed).read_bytes() + f"Bản sao số {n}\n".encode())
        made[name] = SEED_ROWS[seed]
    return made


def start(*args) -> subprocess.Popen:
    """`chitieu ingest ARGS` in a process group of its own (so a kill takes its workers too)."""
    return subprocess.Popen(
        [*CHITIEU, "ingest", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for_line(proc: subprocess.Popen, prefix: str, timeout: float = 30) -> list[str]:
    """stderr lines up to and including the first starting with `prefix`."""
    lines, buffer = [], ""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stderr, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not sel.select(deadline - time.monotonic()):
                break
            chunk = os.read(proc.stderr.fileno(), 4096).decode()
            if not chunk:
                break
            buffer += chunk
            *done, buffer = buffer.split("\n")
            lines += done
            if any(line.startswith(prefix) for line in done):
                return lines
    proc.kill()
    pytest.fail(f"no {prefix!r} line within {timeout} s; stderr so far: {lines + [buffer]}")


def stored(db_url: str) -> dict[str, tuple[int, int]]:
    """source -> (documents with that name, target rows), and every document
    holding exactly its row_count rows."""
    engine = connect(db_url)
    try:
        with engine.connect() as conn:
            docs = conn.execute(
                select(DocumentT.source, DocumentT.row_count, func.count(TargetRowT.id))
                .outerjoin(TargetRowT, TargetRowT.document_id == DocumentT.id)
                .group_by(DocumentT.id, DocumentT.source, DocumentT.row_count)
            ).all()
    finally:
        engine.dispose()
    partial = [(source, declared, have) for source, declared, have in docs if declared != have]
    assert partial == [], "documents stored without all their rows"
    out: dict[str, tuple[int, int]] = {}
    for source, _declared, have in docs:
        n, rows = out.get(source, (0, 0))
        out[source] = (n + 1, rows + have)
    return out


def summary(loaded: int, rows: int, skipped: int, failed: int = 0) -> str:
    return f"{loaded} loaded ({rows} rows), {skipped} skipped as already loaded, {failed} failed\n"


def test_killed_run_leaves_whole_documents_and_a_rerun_completes(db_url, tmp_path):
    files = copies(tmp_path / "plans", range(60))
    proc = start(tmp_path / "plans", "--db", db_url, "--jobs", "2")
    try:
        wait_for_line(proc, "loaded: ")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    before = stored(db_url)  # asserts no partial document
    assert 1 <= len(before) < len(files), "the kill came after the run had finished: nothing to resume"
    assert before == {name: (1, files[name]) for name in before}

    rerun = subprocess.run(
        [*CHITIEU, "ingest", tmp_path / "plans", "--db", db_url, "--jobs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    rest = sum(rows for name, rows in files.items() if name not in before)
    assert (rerun.returncode, rerun.stdout) == (0, summary(len(files) - len(before), rest, len(before)))
    assert sorted(
        line.split(": ", 1)[1].split(" [")[0] for line in rerun.stderr.splitlines() if line.startswith("skipped: ")
    ) == sorted(f"{name} (already loaded)" for name in before)
    assert stored(db_url) == {name: (1, rows) for name, rows in files.items()}


def test_two_loaders_at_once_store_each_file_once(db_url, tmp_path):
    """Loaders over B+A and B+C, started together, race through B: each file
    of B is loaded by one of them and skipped by the other."""
    a = copies(tmp_path / "a", range(0, 8))
    b = copies(tmp_path / "b", range(8, 24))
    c = copies(tmp_path / "c", range(24, 32))
    loaders = [start(tmp_path / "b", tmp_path / other, "--db", db_url, "--jobs", "1") for other in ("a", "c")]
    outs = [p.communicate(timeout=120) for p in loaders]
    assert [p.returncode for p in loaders] == [0, 0], [err for _out, err in outs]
    counts = []
    for out, err in outs:
        lines = err.splitlines()
        loaded = [line for line in lines if line.startswith("loaded: ")]
        skipped = [line for line in lines if line.startswith("skipped: ")]
        assert len(loaded) + len(skipped) == len(lines), "stderr holds more than one line per file"
        rows = sum(int(line.rsplit("(", 1)[1].split()[0]) for line in loaded)
        assert out == summary(len(loaded), rows, len(skipped))
        counts.append((len(loaded), len(skipped), rows))
    files = {**a, **b, **c}
    assert counts[0][0] + counts[1][0] == len(files)
    assert counts[0][1] + counts[1][1] == len(b)
    assert counts[0][2] + counts[1][2] == sum(files.values())
    assert stored(db_url) == {name: (1, rows) for name, rows in files.items()}


def export(db_url: str) -> list[str]:
    engine = connect(db_url)
    try:
        return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in iter_records(engine))
    finally:
        engine.dispose()


def test_jobs_2_stores_what_jobs_1_stores(db_url, tmp_path):
    """TSV, DOCX and PDF samples, bad and scanned files among them, --jobs 1
    into a SQLite file and --jobs 2 into `db_url`: the same exported records
    and failures."""
    paths = [SAMPLES / "tsv", SAMPLES / "docx", SAMPLES / "pdf", BAD, SCANNED]
    serial_db = f"sqlite:///{tmp_path / 'serial.db'}"
    results = [
        CliRunner().invoke(main, ["ingest", *map(str, paths), "--db", url, "--jobs", jobs], catch_exceptions=False)
        for url, jobs in ((serial_db, "1"), (db_url, "2"))
    ]
    serial, parallel = results
    errors = sorted(l for l in serial.stderr.splitlines() if l.startswith("error: "))
    assert serial.exit_code == 1 and len(errors) == len(list(BAD.iterdir())) + len(list(SCANNED.iterdir()))
    assert parallel.exit_code == serial.exit_code
    assert parallel.stdout == serial.stdout
    assert sorted(l for l in parallel.stderr.splitlines() if l.startswith("error: ")) == errors
    records = export(serial_db)
    assert len(records) >= sum(SEED_ROWS.values())
    assert export(db_url) == records


@pytest.mark.parametrize(
    "signum, how",
    [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "stopped by SIGTERM"), (signal.SIGHUP, "stopped by SIGHUP")],
    ids=["ctrl-c", "sigterm", "sighup"],
)
def test_ctrl_c_stops_workers_and_says_how_to_resume(tmp_path, signum, how):
    """Ctrl-C, a supervisor's SIGTERM and a closed terminal's SIGHUP stop the same way."""
    files = copies(tmp_path / "plans", range(60))
    db_url = f"sqlite:///{tmp_path / 'i.db'}"
    proc = start(tmp_path / "plans", "--db", db_url, "--jobs", "2")
    wait_for_line(proc, "loaded: ")
    os.kill(proc.pid, signum)  # the parent only, as `timeout -s INT` or a supervisor does
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signum
    last = err.strip().splitlines()[-1]
    assert "Traceback" not in err
    assert last.startswith(f"error: {how} after ") and last.endswith(
        "files; every document stored is complete (run the same command again to load the rest)"
    )
    deadline = time.monotonic() + 10  # the resource tracker leaves a moment after the parent
    while subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True).stdout and time.monotonic() < deadline:
        time.sleep(0.2)
    left = subprocess.run(["pgrep", "-a", "-s", str(proc.pid)], capture_output=True, text=True).stdout
    assert left == "", f"processes left behind: {left}"
    before = stored(db_url)
    assert before == {name: (1, files[name]) for name in before} and len(before) < len(files)


def test_ctrl_c_while_the_database_is_busy_is_one_line_too(tmp_path):
    """Ctrl-C before any file is read (here: the database locked by another
    program, so the loader waits on it) ends with one line and exit 130, not
    click's bare "Aborted!" and exit 1."""
    copies(tmp_path / "plans", range(2))
    db = tmp_path / "i.db"
    sqlite3.connect(db).execute("CREATE TABLE other (x)").connection.commit()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        proc = start(tmp_path / "plans", "--db", f"sqlite:///{db}", "--jobs", "2")
        time.sleep(4)  # started, and waiting on the lock
        os.kill(proc.pid, signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        holder.close()
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] in {
        "error: interrupted while starting; nothing was done (run the command again)",
        "error: interrupted after 0 of 2 files; every document stored is complete "
        "(run the same command again to load the rest)",
    }


def workers_of(pid: int) -> list[int]:
    """The worker processes of a loader: the children of its fork server."""

    def children(parent: int, *how: str) -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(parent), *how], capture_output=True, text=True)
        return [int(p) for p in found.stdout.split()]

    return [w for server in children(pid, "-f", "forkserver") for w in children(server)]


def test_kill_9_of_the_loader_alone_leaves_no_process_behind(tmp_path):
    """The loader killed as the OOM killer or `kill -9` does, its workers not
    signalled: the fork server and the workers end with it."""
    copies(tmp_path / "plans", range(60))
    proc = start(tmp_path / "plans", "--db", f"sqlite:///{tmp_path / 'k.db'}", "--jobs", "2")
    wait_for_line(proc, "loaded: ")
    assert len(workers_of(proc.pid)) == 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True).stdout and time.monotonic() < deadline:
        time.sleep(0.2)
    left = subprocess.run(["pgrep", "-a", "-s", str(proc.pid)], capture_output=True, text=True).stdout
    assert left == "", f"processes left behind: {left}"


def test_a_worker_killed_mid_run_costs_no_file(tmp_path):
    """What the OOM killer does to one worker: the files it and its siblings
    had in hand are read again, one at a time, and the batch completes."""
    files = copies(tmp_path / "plans", range(60))
    db_url = f"sqlite:///{tmp_path / 'w.db'}"
    proc = start(tmp_path / "plans", "--db", db_url, "--jobs", "2")
    wait_for_line(proc, "loaded: ")
    os.kill(workers_of(proc.pid)[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert (proc.returncode, out) == (0, summary(60, sum(files.values()), 0)), err
    assert stored(db_url) == {name: (1, rows) for name, rows in files.items()}


def test_a_decision_made_while_loading_reaches_every_later_document(db_url, tmp_path):
    """The workers read the registry once; a clerk's decision made after the
    first document is stored still confirms the mention in the ones after it."""
    from chitieu import batch
    from chitieu.ingest import ExtractSettings
    from chitieu.store import units
    from chitieu.store.models import AssignmentT

    for n in range(4):
        (tmp_path / f"plan-{n}.tsv").write_text(
            f"Kèm theo Kế hoạch số {n + 1}/KH-UBND ngày 15/4/2026 của UBND xã An Bình\n"
            "STT\tNội dung\tChỉ tiêu\tĐơn vị chủ trì\n"
            f"1\tTỷ lệ hồ sơ trực tuyến toàn trình nhóm {n}\t≥ 90%\tTổ Omega\n",
            "utf-8",
        )
    engine = connect(db_url)
    decided = []

    def clerk(result):
        if not decided:
            decided.append(units.resolve(engine, "Tổ Omega", None, new=True, kind="office", by="clerk"))

    results = batch.run(sorted(tmp_path.glob("*.tsv")), engine, ExtractSettings(), jobs=1, on_result=clerk)
    assert [r.status for r in results] == ["loaded"] * 4
    with engine.connect() as conn:
        statuses = conn.execute(
            select(AssignmentT.status, AssignmentT.unit_id).where(AssignmentT.raw == "Tổ Omega")
        ).all()
    engine.dispose()
    assert decided == [1]
    assert len(statuses) == 4 and {s for s, _ in statuses} == {"confirmed"} and len({u for _, u in statuses}) == 1


def test_file_limits_fail_one_file_with_a_line_and_the_batch_goes_on(tmp_path):
    """A file past --file-timeout or --file-memory fails with a line saying so;
    the file beside it loads."""
    pdf, tsv = SAMPLES / "pdf" / "xuan-son-dti-2023.pdf", SAMPLES / "tsv" / "xuan-loc-ke-hoach-cds-2026.tsv"
    for option, value, line in [
        (
            "--file-timeout",
            "0.3",
            "took longer than 0.3 s: the file may be malformed (raise --file-timeout if it is a large plan)",
        ),
        (
            "--file-memory",
            "3",  # reading this PDF takes 5-10 MB beyond a worker's imports
            "needed more than 3 MB of memory: the file may be malformed (raise --file-memory if it is a large plan)",
        ),
    ]:
        db = tmp_path / f"{option}.db"
        done = subprocess.run(
            [*CHITIEU, "ingest", pdf, tsv, "--db", db, "--jobs", "1", option, value],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 1, done.stderr
        assert f"error: {pdf}: {line}" in done.stderr.splitlines()
        assert done.stdout.strip() == "1 loaded (30 rows), 0 skipped as already loaded, 1 failed"


def test_the_pages_a_worker_reads_reach_the_parent_as_it_reads_them(tmp_path):
    """on_page hears of a PDF's pages in order, up to its last, and of no page of a TSV."""
    from chitieu import batch
    from chitieu.ingest import ExtractSettings
    from chitieu.store import connect

    pdf, tsv = SAMPLES / "pdf" / "xuan-son-dti-2023.pdf", SAMPLES / "tsv" / "xuan-loc-ke-hoach-cds-2026.tsv"
    heard: list[tuple[str, int, int]] = []
    engine = connect(f"sqlite:///{tmp_path / 'p.db'}", must_exist=False)
    try:
        batch.run([pdf, tsv], engine, ExtractSettings(), jobs=1, on_page=lambda *page: heard.append(page))
    finally:
        engine.dispose()
    assert {path for path, _, _ in heard} == {str(pdf)}
    numbers = [number for _, number, _ in heard]
    assert numbers == sorted(set(numbers)) and heard[-1] == (str(pdf), 13, 13)
