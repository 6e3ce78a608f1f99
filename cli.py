"""chitieu: commune plan appendices (TSV, DOCX, PDF) -> a queryable database.

Thin click commands over the library: `batch` runs the ingest job, `store`
reads and writes the database. Data goes to stdout, progress and errors to
stderr. Exit codes: 0 ok, 1 some files failed, 2 usage.
"""
from __future__ import annotations

import csv
import json
import os
import sys
import time
from pathlib import Path

import click

import batch
from ingest import ExtractError, ExtractSettings
from store import StoreError, connect
from store.export import CSV_COLUMNS, flat, iter_records

DB_HELP = "Database: a SQLite file path or URL (default ./chitieu.db, or $CHITIEU_DB), or postgresql+psycopg://user@host/db."


def fail(message: str, hint: str | None = None, code: int = 1):
    click.echo(f"error: {message}" + (f" ({hint})" if hint else ""), err=True)
    sys.exit(code)


def open_db(url: str | None):
    try:
        return connect(url)
    except StoreError as e:
        fail(e.reason, e.hint)


class Progress:
    """Files done/total, rows, failures and rate: a live line on a terminal,
    one plain line per file otherwise."""

    def __init__(self, total: int, verbose: bool):
        self.total, self.verbose = total, verbose
        self.done = self.rows = self.failed = 0
        self.start = time.monotonic()
        self.live = sys.stderr.isatty()

    def __call__(self, r: batch.FileResult) -> None:
        self.done += 1
        self.rows += r.rows
        name = os.path.basename(r.path) or r.path
        if r.status == "failed":
            self.failed += 1
            self._line(f"error: {r.path}: {r.reason}")
            if self.verbose and r.detail:
                self._line(r.detail.rstrip())
        elif not self.live:
            self._line(f"{r.status}: {name}" + (f" ({r.rows} rows)" if r.status == "loaded" else f" ({r.reason})"))
        if self.live:
            rate = self.done / max(time.monotonic() - self.start, 1e-6)
            width = 24
            fill = int(width * self.done / max(self.total, 1))
            click.echo(f"\r[{'#' * fill}{'.' * (width - fill)}] {self.done}/{self.total} files, "
                       f"{self.rows} rows, {self.failed} failed, {rate:.1f} files/s ", nl=False, err=True)

    def _line(self, text: str) -> None:
        if self.live:
            click.echo("\r\033[K", nl=False, err=True)
        click.echo(text, err=True)

    def close(self) -> None:
        if self.live and self.done:
            click.echo(err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="chitieu")
def main():
    """Load the target tables of commune plans into a database, and read them out.

    \b
    chitieu ingest plans/                 load every plan file under plans/
    chitieu export --format csv -o t.csv  all target rows, for a spreadsheet
    chitieu units unresolved              agency names a clerk should settle
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--commune", help="Commune name to record for these files, when their title lines name none or the wrong one.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default="number of cores",
              help="Files read in parallel.")
@click.option("--max-mb", type=click.FloatRange(0, min_open=True), default=50, show_default=True,
              help="Refuse files (or unzipped DOCX content) larger than this.")
@click.option("--password", help="Password for encrypted PDFs.")
@click.option("--encoding", help="Text encoding of TSV files, when detection gets it wrong (e.g. cp1258, utf-16).")
@click.option("--ocr", is_flag=True, help="OCR scanned PDF pages with Tesseract instead of refusing them.")
@click.option("--report", type=click.Path(dir_okay=False, writable=True), help="Write a JSON report of every file.")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of failures.")
def ingest(paths, db, commune, jobs, max_mb, password, encoding, ocr, report, verbose):
    """Load plan files (TSV, DOCX, PDF) or folders of them into the database.

    Each file is loaded in one transaction, all of it or none; a file already
    loaded (same content) is skipped, so rerunning the same command loads only
    what is missing. A bad file gets one error line and the others still load;
    the exit code is then 1.
    """
    try:
        settings = ExtractSettings(max_mb=max_mb, password=password, encoding=encoding, ocr=ocr)
    except ExtractError as e:
        fail(str(e), code=2)
    files, missing = batch.collect(paths)
    engine = open_db(db)
    progress = Progress(len(files) + len(missing), verbose)
    for r in missing:
        progress(r)
    try:
        results = missing + batch.run(files, engine, settings, jobs=jobs, commune=commune, on_result=progress)
    except StoreError as e:
        progress.close()
        fail(e.reason, e.hint)
    finally:
        engine.dispose()
    progress.close()
    counts = {s: [r for r in results if r.status == s] for s in ("loaded", "skipped", "failed")}
    rows = sum(r.rows for r in counts["loaded"])
    if report:
        Path(report).write_text(json.dumps({s: [{k: v for k, v in vars(r).items() if k != "detail"} for r in rs]
                                            for s, rs in counts.items()}, ensure_ascii=False, indent=1), "utf-8")
    click.echo(f"{len(counts['loaded'])} loaded ({rows} rows), {len(counts['skipped'])} skipped as already loaded, "
               f"{len(counts['failed'])} failed")
    sys.exit(1 if counts["failed"] or not results else 0)


@main.command()
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, allow_dash=True), default="-",
              help="Output file (default stdout).")
def export(db, fmt, output):
    """Write every target row: JSONL per the export contract, or a flat CSV
    (UTF-8 with BOM, so Excel shows Vietnamese correctly)."""
    engine = open_db(db)
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with (open(output, "w", encoding=encoding, newline="") if output != "-" else
          click.get_text_stream("stdout", encoding="utf-8")) as out:
        if fmt == "jsonl":
            for record in iter_records(engine):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(out, CSV_COLUMNS)
            writer.writeheader()
            writer.writerows(flat(r) for r in iter_records(engine))
    engine.dispose()


if __name__ == "__main__":
    main()
