"""Benchmark: a synthetic province of plan files through `chitieu ingest`.

    python bench/bench.py [--docs 150] [--out bench/out] [--pg URL]

Generates (once; cached in OUT/docs) DOCS files, a third each TSV, DOCX and
PDF, from the seed appendices with other commune names and targets; the PDFs
(4-8 pages) are generated DOCX printed by one LibreOffice call. Then times:
- pdfplumber alone: open every PDF and extract_tables() on every page;
- `chitieu ingest` of each format alone (--jobs 1, SQLite), and the PDF time
  against pdfplumber's, with and without the fixed start-up cost;
- `chitieu ingest` of everything into a fresh SQLite file and a fresh
  PostgreSQL database, with --jobs 1 and --jobs os.cpu_count();
with rows/s and the peak resident memory (VmHWM, Linux /proc) of the main
process and of the largest worker.
Also the accuracy: rows read from each DOCX/PDF identical to the reading of
the same table written as TSV. Prints a table and writes OUT/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "tsv"
DEFAULT_PG = os.environ.get("CHITIEU_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
GENERATOR_VERSION = 4

COMMUNES = [
    "Tân Phú",
    "Hòa Bình",
    "Yên Lạc",
    "Thanh Sơn",
    "Đông Hưng",
    "Phú Lộc",
    "Quảng Điền",
    "An Khánh",
    "Bình Minh",
    "Hưng Đạo",
    "Kim Liên",
    "Long Hải",
    "Mỹ Thành",
    "Ngọc Lâm",
    "Phước Hậu",
    "Quỳnh Lưu",
    "Sơn Trà",
    "Tiên Lữ",
    "Vĩnh Tường",
    "Xuân Trường",
    "Đức Thọ",
    "Cẩm Giàng",
    "Gia Viễn",
    "Hải Hậu",
]
SEED_COMMUNES = ["Xuân Hưng", "Nghĩa Sơn", "Xuân Lộc", "Xuân Sơn"]
# Table rows on a landscape A4 page, by seed (measured on LibreOffice's output).
ROWS_PER_PAGE = {
    "dang-uy-nq57-muc-tieu-2026": 7,
    "nghia-son-muc-tieu-2026": 4.5,
    "xuan-hung-phan-cong-chi-tieu-2026": 5,
    "xuan-loc-ke-hoach-cds-2026": 4.5,
    "xuan-son-dti-2023": 12,
}

# Runs the CLI exactly as `chitieu` does, then reports its own peak memory
# (VmHWM: the peak since exec, not inherited from the process that forked it).
MEASURED = """
import re, sys
from chitieu.cli import main
try:
    main(sys.argv[2:], prog_name="chitieu")
except SystemExit as e:
    code = e.code
with open("/proc/self/status") as status, open(sys.argv[1], "w") as out:
    out.write(re.search(r"VmHWM:\\s*(\\d+)", status.read()).group(1))
sys.exit(code)
"""


# --- the synthetic province -------------------------------------------------


def accuracy(files: dict[str, list[Path]], truth: Path) -> dict:
    """Per format: rows read from each DOCX/PDF that are identical (number,
    text, section, target, unit, deadline, agencies) to the TSV reading of the
    same table, which has no merged cells, page breaks or layout to undo."""
    from chitieu.ingest import extract

    def rows(path: Path) -> list[tuple]:
        return [
            (r.row_no, r.indicator, tuple(r.section), r.unit, r.target, r.deadline, tuple(sorted(r.agencies.items())))
            for t in extract(path).tables
            for r in t.rows
        ]

    out = {}
    for fmt in ("docx", "pdf"):
        same = total = 0
        for path in files.get(fmt, []):
            want, got = rows(truth / f"{path.stem}.tsv"), rows(path)
            total += len(want)
            same += sum(w == g for w, g in zip(want, got)) if len(want) == len(got) else 0
        out[fmt] = {"rows": total, "identical": same}
    return out


def vary(text: str, commune: str, rng: random.Random) -> str:
    """A seed under another commune's name, with other percentage targets."""
    for name in SEED_COMMUNES:
        text = text.replace(name, commune).replace(name.upper(), commune.upper())
    return re.sub(r"\b(\d{1,3})(\s?%)", lambda m: f"{rng.randint(50, 100)}{m.group(2)}", text)


def seed_table(text: str) -> tuple[list[str], list[str], list[list[str]]]:
    """Title lines, header and body rows of a seed's first table (repeated
    headers after page breaks dropped)."""
    titles, header, rows = [], None, []
    for line in text.splitlines():
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            if header is None:
                header = cells
            elif cells != header:
                rows.append((cells + [""] * len(header))[: len(header)])
        elif header is None and line.strip():
            titles.append(line.strip())
        elif header is not None and line.strip():
            break
    return titles, header, rows


def write_docx(path: Path, titles: list[str], header: list[str], rows: list[list[str]]) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.styles["Normal"].font.size = Pt(10)
    for line in titles:
        doc.add_paragraph(line)
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for r, cells in enumerate([header] + rows):
        for cell, text in zip(table.rows[r].cells, cells):
            cell.text = text
    flag = OxmlElement("w:tblHeader")  # header row repeated on every page
    table.rows[0]._tr.get_or_add_trPr().append(flag)
    flag.set(qn("w:val"), "true")
    doc.save(path)


def generate(folder: Path, n: int) -> dict[str, list[Path]]:
    """DOCS files under folder/{tsv,docx,pdf}; reused when already made."""
    manifest = folder / "manifest.json"
    wanted = {"docs": n, "version": GENERATOR_VERSION}
    if manifest.exists() and json.loads(manifest.read_text())["spec"] == wanted:
        return {fmt: [folder / p for p in paths] for fmt, paths in json.loads(manifest.read_text())["files"].items()}
    shutil.rmtree(folder, ignore_errors=True)
    for fmt in ("tsv", "docx", "pdf", "truth"):
        (folder / fmt).mkdir(parents=True)
    rng = random.Random(20260401)
    seeds = sorted(SEEDS.glob("*.tsv"))
    files = {"tsv": [], "docx": [], "pdf": []}
    pdf_sources = folder / "pdf-docx"
    pdf_sources.mkdir()
    for i in range(n):
        fmt = ("tsv", "docx", "pdf")[i % 3]
        seed = seeds[i // 3 % len(seeds)]
        commune = COMMUNES[i % len(COMMUNES)]
        text = vary(seed.read_text("utf-8"), commune, rng) + f"Bản số {i}\n"
        stem = f"{i:04d}-{seed.stem}"
        if fmt == "tsv":
            path = folder / "tsv" / f"{stem}.tsv"
            path.write_text(text, "utf-8")
        else:
            titles, header, rows = seed_table(text)
            titles = titles[:8] + [f"Bản số {i}"]
            if fmt == "pdf":  # 4-8 landscape pages: the seed's rows, repeated with fresh targets
                want = round(rng.randint(4, 8) * ROWS_PER_PAGE[seed.stem])
                while len(rows) < want:
                    rows += seed_table(vary(seed.read_text("utf-8"), commune, rng))[2]
                rows = rows[:want]
            write_docx((pdf_sources if fmt == "pdf" else folder / "docx") / f"{stem}.docx", titles, header, rows)
            (folder / "truth" / f"{stem}.tsv").write_text(  # the same table as text: the expected reading
                "\n".join(titles + ["\t".join(r) for r in [header] + rows]) + "\n", "utf-8"
            )
            path = folder / fmt / f"{stem}.{fmt}"
        files[fmt].append(path)
    if files["pdf"]:
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [
                    "libreoffice",
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder / "pdf"),
                    *sorted(map(str, pdf_sources.glob("*.docx"))),
                ],
                check=True,
                capture_output=True,
                timeout=1800,
            )
        shutil.rmtree(pdf_sources)
    missing = [p for paths in files.values() for p in paths if not p.exists()]
    if missing:
        sys.exit(f"generation failed: {len(missing)} file(s) missing, e.g. {missing[0]}")
    manifest.write_text(
        json.dumps(
            {
                "spec": wanted,
                "files": {fmt: [str(p.relative_to(folder)) for p in paths] for fmt, paths in files.items()},
            },
            indent=1,
        )
    )
    return files


# --- measurements ------------------------------------------------------------


def pdfplumber_parse(pdfs: list[Path]) -> dict:
    import pdfplumber

    pages = tables = 0
    start = time.perf_counter()
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                tables += len(page.extract_tables())
                pages += 1
                page.close()
    return {"files": len(pdfs), "pages": pages, "tables": tables, "seconds": time.perf_counter() - start}


def _proc(pid: int, name: str) -> str:
    try:
        return Path(f"/proc/{pid}/{name}").read_text()
    except OSError:  # the process has just ended
        return ""


def _workers(pid: int) -> list[int]:
    """Worker processes (multiprocessing spawn) among the descendants of pid."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        kids = [int(k) for k in _proc(parent, f"task/{parent}/children").split()]
        todo += kids
        found += [k for k in kids if "spawn_main" in _proc(k, "cmdline")]
    return found


def ingest(paths: list[Path], db: str, jobs: int) -> dict:
    """One `chitieu ingest` run: wall time, its summary, the peak memory of
    the main process and of the largest worker (sampled every 50 ms)."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        stats = Path(tmp) / "peak_kb"
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", MEASURED, str(stats), "ingest", *map(str, paths), "--db", db, "--jobs", str(jobs)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        worker_kb = 0
        with ThreadPoolExecutor(1) as reader:
            output = reader.submit(proc.communicate)
            while proc.poll() is None:
                for pid in _workers(proc.pid):
                    found = re.search(r"VmHWM:\s*(\d+)", _proc(pid, "status"))
                    worker_kb = max(worker_kb, int(found.group(1)) if found else 0)
                time.sleep(0.05)
            stdout, stderr = output.result()
        seconds = time.perf_counter() - start
        main_kb = int(stats.read_text()) if stats.exists() else 0
    found = re.match(r"(\d+) loaded \((\d+) rows\), (\d+) skipped as already loaded, (\d+) failed", stdout)
    if not found:
        sys.exit(f"chitieu ingest failed (exit {proc.returncode}):\n{stderr[-2000:]}")
    loaded, rows, skipped, failed = map(int, found.groups())
    return {
        "jobs": jobs,
        "seconds": seconds,
        "files": loaded + skipped + failed,
        "loaded": loaded,
        "rows": rows,
        "failed": failed,
        "errors": [l for l in stderr.splitlines() if l.startswith("error: ")][:5],
        "rows_per_s": rows / seconds,
        "files_per_s": (loaded + skipped + failed) / seconds,
        "main_peak_mb": main_kb / 1024,
        "worker_peak_mb": worker_kb / 1024 if jobs > 1 else None,
        "load_average_before": load,
    }


class Databases:
    """Fresh databases: SQLite files in a temporary folder, PostgreSQL
    databases created and dropped through the admin URL."""

    def __init__(self, pg_url: str):
        self.tmp = Path(tempfile.mkdtemp(prefix="chitieu-bench-"))
        self.pg_url, self.pg_made, self.pg_error = pg_url, [], None
        try:
            self.admin = self._pg_connect()
        except Exception as e:  # no server: the PostgreSQL runs are left out, with the reason
            self.admin, self.pg_error = None, str(e).strip().splitlines()[0]

    def _pg_connect(self):
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(self.pg_url)
        self.url = url
        return psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database,
            autocommit=True,
            connect_timeout=3,
        )

    def fresh(self, kind: str) -> str:
        name = f"bench_{uuid.uuid4().hex[:10]}"
        if kind == "sqlite":
            return f"sqlite:///{self.tmp / name}.db"
        self.admin.execute(f'CREATE DATABASE "{name}"')
        self.pg_made.append(name)
        return self.url.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        for name in self.pg_made:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if self.admin:
            self.admin.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def machine() -> dict:
    model = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=150, help="files in the synthetic province (default 150)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="output folder (default bench/out)")
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL admin URL used to create fresh databases")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    files = generate(args.out / "docs", args.docs)
    print(
        f"province: {sum(map(len, files.values()))} files ({', '.join(f'{len(v)} {k}' for k, v in files.items())}), "
        f"ready in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    everything = [p for paths in files.values() for p in paths]
    cores = os.cpu_count() or 1
    results: dict = {"machine": machine(), "docs": len(everything)}
    results["accuracy"] = accuracy(files, args.out / "docs" / "truth")
    dbs = Databases(args.pg)
    try:
        results["pdfplumber"] = pdfplumber_parse(files["pdf"])
        results["startup"] = ingest([SEEDS / "nghia-son-muc-tieu-2026.tsv"], dbs.fresh("sqlite"), 1)
        results["per_format"] = {fmt: ingest(paths, dbs.fresh("sqlite"), 1) for fmt, paths in files.items() if paths}
        runs = []
        for kind in ("sqlite", "postgresql"):
            if kind == "postgresql" and dbs.pg_error:
                results["postgresql_skipped"] = dbs.pg_error
                continue
            for jobs in sorted({1, cores}):
                runs.append({"db": kind, **ingest(everything, dbs.fresh(kind), jobs)})
                print(f"  {kind} --jobs {jobs}: {runs[-1]['seconds']:.1f} s", file=sys.stderr)
        results["runs"] = runs
    finally:
        dbs.close()
    raw, pdf = results["pdfplumber"], results["per_format"].get("pdf")
    if pdf and raw["seconds"]:
        results["pdf_vs_pdfplumber"] = pdf["seconds"] / raw["seconds"]
        results["pdf_vs_pdfplumber_net"] = (pdf["seconds"] - results["startup"]["seconds"]) / raw["seconds"]
    (args.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    report(results)


def report(r: dict) -> None:
    m, raw = r["machine"], r["pdfplumber"]
    print(f"machine: {m['cpus']} x {m['cpu_model']}, Python {m['python']}")
    print(
        f"pdfplumber alone: {raw['files']} PDFs, {raw['pages']} pages, {raw['tables']} tables in "
        f"{raw['seconds']:.1f} s ({raw['pages'] / raw['seconds']:.1f} pages/s)"
    )
    print(
        f"start-up (one small TSV, fresh SQLite): {r['startup']['seconds']:.2f} s; "
        "load = 1-minute load average before the run (other work on the machine)"
    )
    head = (
        f"{'run':<24}{'files':>6}{'rows':>8}{'failed':>7}{'seconds':>9}{'rows/s':>9}{'files/s':>8}"
        f"{'main MB':>9}{'worker MB':>10}{'load':>6}"
    )
    print(head)
    print("-" * len(head))
    lines = [(f"{fmt} only, sqlite, -j1", x) for fmt, x in r["per_format"].items()]
    lines += [(f"all, {x['db']}, -j{x['jobs']}", x) for x in r["runs"]]
    for name, x in lines:
        worker = f"{x['worker_peak_mb']:.0f}" if x["worker_peak_mb"] else "-"
        print(
            f"{name:<24}{x['files']:>6}{x['rows']:>8}{x['failed']:>7}{x['seconds']:>9.1f}{x['rows_per_s']:>9.0f}"
            f"{x['files_per_s']:>8.2f}{x['main_peak_mb']:>9.0f}{worker:>10}{x['load_average_before']:>6.1f}"
        )
    if "pdf_vs_pdfplumber" in r:
        print(
            f"chitieu PDF ingest / pdfplumber parse of the same pages: {r['pdf_vs_pdfplumber']:.2f}x "
            f"({r['pdf_vs_pdfplumber_net']:.2f}x without start-up)"
        )
    for fmt, a in r["accuracy"].items():
        print(f"{fmt}: {a['identical']} of {a['rows']} rows identical to the TSV reading of the same tables")
    if "postgresql_skipped" in r:
        print(f"PostgreSQL runs left out: {r['postgresql_skipped']}")
    for name, x in lines:
        for line in x["errors"]:
            print(f"  {name}: {line}")


if __name__ == "__main__":
    main()
