"""Benchmark: `--jobs 2` against `--jobs 1` on the same batch, side by side.

    python bench/jobs.py [--copies 60] [--rounds 3] [--pg URL] [--no-profile]

Makes COPIES copies of the bundled samples (TSV, DOCX, PDF in turn), each with
content of its own (a line, a zip comment, bytes after %%EOF), so none is
skipped as already loaded. Then, per database (SQLite, PostgreSQL), runs
`chitieu ingest` with --jobs 1 and --jobs 2 into fresh databases, alternating
ROUNDS times, and prints each wall time, the ratio and the load average
(os.getloadavg) around each run: the machine is shared, so the ratio is only
as good as the load beside it; beside it, what two busy-loop processes get
done against one at that moment (2.0 on two idle cores).

Then profiles the parent process (cProfile, in this process, --jobs 1): where
its time goes. Each run also reports the CPU time per document of the parent
process and of the workers (getrusage): the parent's share is what bounds the
ratio on two cores: with parent time p and worker time w per document,
--jobs 2 is at most 2w / (w + p) times --jobs 1.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench import DEFAULT_PG, ROOT, Databases  # bench/bench.py


def copies(folder: Path, n: int) -> list[Path]:
    """N sample copies with distinct content, the formats in turn."""
    samples = [sorted((ROOT / "samples" / fmt).glob(f"*.{fmt}")) for fmt in ("tsv", "docx", "pdf")]
    out = []
    for i in range(n):
        source = samples[i % 3][i // 3 % len(samples[i % 3])]
        path = folder / f"{i:03d}-{source.name}"
        shutil.copy(source, path)
        if path.suffix == ".tsv":
            with open(path, "a", encoding="utf-8") as f:
                f.write(f"Bản số {i}\n")
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path, "a") as z:
                z.comment = f"copy {i}".encode()
        else:
            with open(path, "ab") as f:
                f.write(f"\n% copy {i}\n".encode())
        out.append(path)
    return out


# Runs the CLI as `chitieu` does, then writes the CPU seconds of the process
# itself (the parent) and of its workers: the fork server's children, counted
# in this process's children once the server is stopped and reaped (_stop,
# multiprocessing's own way of ending it in its tests).
MEASURED = """
import json, multiprocessing.forkserver, resource, sys
from chitieu.cli import main
try:
    main(sys.argv[2:], prog_name="chitieu")
finally:
    multiprocessing.forkserver._forkserver._stop()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(sys.argv[1], "w") as f:
        json.dump([me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime], f)
"""


def run(folder: Path, db: str, jobs: int, empty: bool = False) -> dict:
    """One `chitieu ingest`: wall time, CPU seconds of the parent and of the workers, load average around it."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        cpu = Path(tmp) / "cpu.json"
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", MEASURED, str(cpu), "ingest", str(folder), "--db", db, "--jobs", str(jobs)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
        if done.returncode != (1 if empty else 0):  # no file is exit 1
            sys.exit(f"chitieu ingest failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
        parent, workers = json.loads(cpu.read_text())
    return {
        "jobs": jobs,
        "seconds": seconds,
        "parent_cpu_s": parent,
        "workers_cpu_s": workers,
        "load_before": load,
        "load_after": os.getloadavg()[0],
    }


def _spin(n: int) -> float:
    start = time.perf_counter()
    while n:
        n -= 1
    return time.perf_counter() - start


def capacity(n: int = 20_000_000) -> float:
    """How much more two busy processes get done than one, now: what the
    machine's other load leaves of its cores (2.0 on an idle 2-core machine)."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [1000, 1000]))  # both started
        one = pool.submit(_spin, n).result()
        two = max(pool.map(_spin, [n, n]))
    return 2 * one / two


def profile(folder: Path, db: str, top: int) -> None:
    """Where the parent's time goes (cProfile, --jobs 1, in this process)."""
    from chitieu import batch
    from chitieu.ingest import ExtractSettings
    from chitieu.store import connect

    files, _ = batch.collect([folder])
    engine = connect(db)
    profiler = cProfile.Profile()
    profiler.enable()
    batch.run(files, engine, ExtractSettings(), jobs=1)
    profiler.disable()
    engine.dispose()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL admin URL used to create fresh databases")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], action="append", help="only these (default both)")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--top", type=int, default=15, help="functions listed in the parent's profile")
    args = parser.parse_args()
    dbs = Databases(args.pg)
    kinds = [k for k in ["sqlite"] + (["postgresql"] if dbs.admin else []) if k in (args.db or [k])]
    if dbs.pg_error:
        print(f"PostgreSQL left out: {dbs.pg_error}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="chitieu-jobs-") as tmp:
        folder = Path(tmp)
        files = copies(folder, args.copies)
        print(f"{len(files)} files, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start")
        try:
            empty = Path(tmp) / "empty"
            empty.mkdir()
            for kind in kinds:
                fixed = run(empty, dbs.fresh(kind), 1, empty=True)[
                    "parent_cpu_s"
                ]  # start-up: imports, schema, registry
                print(f"  {kind}: the parent's start-up costs {fixed:.2f} s of CPU (not counted per document below)")
                runs = [run(folder, dbs.fresh(kind), jobs) for _ in range(args.rounds) for jobs in (1, 2)]
                for r in runs:
                    parent, workers = (r["parent_cpu_s"] - fixed) / len(files), r["workers_cpu_s"] / len(files)
                    share = parent / (parent + workers)
                    print(
                        f"  {kind} --jobs {r['jobs']}: {r['seconds']:.1f} s "
                        f"({len(files) / r['seconds']:.2f} files/s; load average {r['load_before']:.2f} -> "
                        f"{r['load_after']:.2f}); CPU per document: parent {parent * 1000:.1f} ms, "
                        f"workers {workers * 1000:.0f} ms (parent's share {share:.1%}, "
                        f"bound on the ratio {2 * (1 - share):.2f}×)"
                    )
                best = {j: min(r["seconds"] for r in runs if r["jobs"] == j) for j in (1, 2)}
                print(
                    f"  {kind}: --jobs 2 is {best[1] / best[2]:.2f}× --jobs 1 (best of {args.rounds}); "
                    f"two busy processes now get {capacity():.2f}× one done"
                )
            if not args.no_profile:
                for kind in kinds:
                    print(f"profile of the parent, {kind}, --jobs 1:")
                    profile(folder, dbs.fresh(kind), args.top)
        finally:
            dbs.close()


if __name__ == "__main__":
    main()
