"""chitieu: commune plan appendices (TSV, DOCX, PDF) -> a queryable database.

Thin click commands over the library: `batch` runs the ingest job, `store`
reads and writes the database. Data goes to stdout, progress and errors to
stderr. Exit codes: 0 ok, 1 some files failed, 2 usage.
"""

from __future__ import annotations

import contextlib
import csv
import getpass
import json
import os
import sys
import time
from pathlib import Path

import click

from chitieu import batch
from chitieu.ingest import ExtractError, ExtractSettings
from chitieu.ingest.exceptions import ChitieuError
from chitieu.normalize.deadlines import parse_deadline
from chitieu.normalize.targets import parse_target
from chitieu.normalize.text import clean, fold
from chitieu.store import StoreError, connect
from chitieu.store import review as store_review
from chitieu.store import units as store_units
from chitieu.store.export import CSV_COLUMNS, flat, iter_records, spreadsheet_safe
from chitieu.store.load import deadline_columns, target_columns

DB_HELP = (
    "Database: a SQLite file path or URL (default ./chitieu.db, or $CHITIEU_DB), or postgresql+psycopg://user@host/db."
)
RAW_FORMULAS = click.option(
    "--raw-formulas",
    is_flag=True,
    help="Write cells starting with = + - @ as they are (by default a ' is put before them "
    "so a spreadsheet shows them instead of running them).",
)


def shown(path: str) -> str:
    """A file name safe to print: one holding control characters (a newline, a
    terminal escape) or bytes that are not UTF-8 is shown quoted and escaped."""
    if path.isprintable() and not any(0xD800 <= ord(c) < 0xE000 for c in path):
        return path
    return repr(path)


def fail(message: str, hint: str | None = None, code: int = 1):
    click.echo(f"error: {message}" + (f" ({hint})" if hint else ""), err=True)
    sys.exit(code)


def open_db(url: str | None, must_exist: bool = True):
    """The database of --db; a SQLite file must exist unless the command loads data."""
    try:
        return connect(url, must_exist=must_exist)
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
        name = shown(os.path.basename(r.path) or r.path)
        if r.status == "failed":
            self.failed += 1
            self._line(f"error: {shown(r.path)}: {r.reason}")
            if self.verbose and r.detail:
                self._line(r.detail.rstrip())
        elif not self.live:
            self._line(f"{r.status}: {name}" + (f" ({r.rows} rows)" if r.status == "loaded" else f" ({r.reason})"))
        if self.verbose:
            for warning in r.warnings:
                self._line(f"warning: {shown(r.path)}: {warning}")
        if self.live:
            rate = self.done / max(time.monotonic() - self.start, 1e-6)
            width = 24
            fill = int(width * self.done / max(self.total, 1))
            click.echo(
                f"\r[{'#' * fill}{'.' * (width - fill)}] {self.done}/{self.total} files, "
                f"{self.rows} rows, {self.failed} failed, {rate:.1f} files/s ",
                nl=False,
                err=True,
            )

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
    chitieu targets --indicator infra.5g_coverage --below 70
    """


# The limits --limit sets: ExtractSettings' and batch.Limits' fields named max_*, with their defaults.
LIMITS = {
    name: value
    for obj in (ExtractSettings(), batch.Limits())
    for name, value in vars(obj).items()
    if name.startswith("max_") and name != "max_mb"
}


def limit_values(ctx, param, value):
    """--limit NAME=N (repeated) -> {NAME: N}; a usage error names the known limits."""
    out = {}
    for item in value:
        name, _, number = item.partition("=")
        if name not in LIMITS:
            raise click.BadParameter(f"{name!r} is no limit; known: {', '.join(LIMITS)}")
        try:
            out[name] = type(LIMITS[name])(number.replace(",", "").replace("_", ""))
        except ValueError:
            raise click.BadParameter(f"{item!r}: give a number, e.g. {name}={LIMITS[name] * 2:g}") from None
        if out[name] <= 0:
            raise click.BadParameter(f"{item!r}: a limit must be positive")
    return out


def output_path(ctx, param, value):
    """An output file's folder must exist: a usage error (exit 2) names it."""
    if value and value != "-" and not Path(value).resolve().parent.is_dir():
        raise click.BadParameter(f"the folder {str(Path(value).resolve().parent)!r} does not exist; create it first")
    return value


@main.command(short_help="Load plan files or folders into the database.")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option(
    "--commune", help="Commune name to record for these files, when their title lines name none or the wrong one."
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=os.cpu_count() or 1,
    show_default="number of cores",
    help="Files read in parallel.",
)
@click.option(
    "--max-mb",
    type=click.FloatRange(0, min_open=True),
    default=50,
    show_default=True,
    help="Refuse files (or unzipped DOCX content) larger than this.",
)
@click.option("--password", help="Password for encrypted PDFs.")
@click.option("--encoding", help="Text encoding of TSV files, when detection gets it wrong (e.g. cp1258, utf-16).")
@click.option(
    "--ocr",
    is_flag=True,
    help="OCR scanned PDF pages (ruled tables) with Tesseract instead of refusing them; "
    "pages it cannot read reliably are still refused.",
)
@click.option(
    "--file-timeout",
    type=click.FloatRange(0, min_open=True),
    default=batch.Limits.timeout_s,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a file whose reading takes longer than this.",
)
@click.option(
    "--file-memory",
    type=click.FloatRange(0, min_open=True),
    default=batch.Limits.memory_mb,
    show_default=True,
    metavar="MB",
    help="Give up on a file whose reading needs more memory than this.",
)
@click.option(
    "--limit",
    "limits",
    multiple=True,
    callback=limit_values,
    metavar="NAME=N",
    help="Raise (or lower) a limit checked before the work: "
    + ", ".join(f"{n} ({v:,})" if isinstance(v, int) else f"{n} ({v:g})" for n, v in LIMITS.items())
    + ".",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, writable=True),
    callback=output_path,
    help="Write a JSON report of every file.",
)
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks of failures and what readers skipped.")
def ingest(
    paths, db, commune, jobs, max_mb, password, encoding, ocr, file_timeout, file_memory, limits, report, verbose
):
    """Load plan files (TSV, DOCX, PDF) or folders of them into the database.

    Each file is loaded in one transaction, all of it or none; a file already
    loaded (same content) is skipped, so rerunning the same command loads only
    what is missing. A bad file gets one error line and the others still load;
    the exit code is then 1.
    """
    read_limits = {k: v for k, v in limits.items() if k in vars(ExtractSettings())}
    try:
        settings = ExtractSettings(max_mb=max_mb, password=password, encoding=encoding, ocr=ocr, **read_limits)
    except ExtractError as e:
        fail(str(e), code=2)
    file_limits = batch.Limits(file_timeout, file_memory, **{k: v for k, v in limits.items() if k not in read_limits})
    files, missing = batch.collect(paths)
    engine = open_db(db, must_exist=False)
    progress = Progress(len(files) + len(missing), verbose)
    for r in missing:
        progress(r)
    try:
        results = missing + batch.run(
            files,
            engine,
            settings,
            jobs=jobs,
            commune=commune,
            limits=file_limits,
            on_result=progress,
        )
    except ChitieuError as e:  # the database, or registry data that cannot be used
        progress.close()
        fail(e.reason, e.hint)
    except KeyboardInterrupt:
        progress.close()
        fail(
            f"interrupted after {progress.done} of {progress.total} files; every document stored is complete",
            "run the same command again to load the rest",
            code=130,
        )
    finally:
        engine.dispose()
    progress.close()
    counts = {s: [r for r in results if r.status == s] for s in ("loaded", "skipped", "failed")}
    rows = sum(r.rows for r in counts["loaded"])
    if report:
        Path(report).write_text(
            json.dumps(
                {
                    s: [{k: shown(v) if k == "path" else v for k, v in vars(r).items() if k != "detail"} for r in rs]
                    for s, rs in counts.items()
                },
                ensure_ascii=False,
                indent=1,
            ),
            "utf-8",
        )
    click.echo(
        f"{len(counts['loaded'])} loaded ({rows} rows), {len(counts['skipped'])} skipped as already loaded, "
        f"{len(counts['failed'])} failed"
    )
    sys.exit(1 if counts["failed"] or not results else 0)


@main.command(short_help="Write every target row as JSONL or CSV.")
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "xlsx"]),
    default="jsonl",
    show_default=True,
    help="xlsx: a workbook of targets, assignments and documents (needs -o FILE).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default="-",
    callback=output_path,
    help="Output file (default stdout).",
)
@RAW_FORMULAS
def export(db, fmt, output, raw_formulas):
    """Write every target row: JSONL per the export contract, or a flat CSV
    (UTF-8 with BOM, so Excel shows Vietnamese correctly)."""
    if fmt == "xlsx" and output == "-":
        raise click.UsageError("--format xlsx writes a file: give -o FILE.xlsx")
    engine = open_db(db)
    if fmt == "xlsx":
        from chitieu.store import frames

        written = frames.write_xlsx(engine, output)
    elif fmt == "csv":
        written = write_csv((flat(r) for r in iter_records(engine)), CSV_COLUMNS, output, raw_formulas)
    else:
        written = 0
        with opened(output) as out:
            for record in iter_records(engine):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
    engine.dispose()
    click.echo(f"wrote {plural(written, 'row')}" + ("" if output == "-" else f" to {output}"), err=True)


def opened(output: str, encoding: str = "utf-8"):
    """A file to write, or stdout (left open) for "-"."""
    if output == "-":
        return contextlib.nullcontext(click.get_text_stream("stdout", encoding="utf-8"))
    return open(output, "w", encoding=encoding, newline="")


def write_csv(rows, columns: list[str], output: str, raw_formulas: bool = False) -> int:
    """CSV with BOM to a file (Excel-friendly), plain UTF-8 to stdout; returns the rows written."""
    written = 0
    with opened(output, "utf-8-sig") as out:
        writer = csv.DictWriter(out, columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row if raw_formulas else spreadsheet_safe(row))
            written += 1
    return written


def plural(n: int, noun: str) -> str:
    """'1 row', '2 rows'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@main.command()
@click.option(
    "--indicator", "code", required=True, metavar="CODE", help="Canonical indicator code, e.g. infra.5g_coverage."
)
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--below", type=float, help="Only numeric targets whose value is below this.")
@click.option("--above", type=float, help="Only numeric targets whose value is above this.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    callback=output_path,
    help="Output file (default stdout).",
)
@RAW_FORMULAS
def targets(code, db, below, above, fmt, output, raw_formulas):
    """One indicator across all communes: commune, target, lead agency.

    \b
    chitieu targets --indicator infra.5g_coverage --below 70
    """
    engine = open_db(db)
    rows = [flat(r) for r in iter_records(engine, indicator=code, below=below, above=above)]
    engine.dispose()
    columns = ["commune", "target", "lead", "source", "row_no", "target_op", "target_value", "target_unit"]
    if fmt == "csv":
        return write_csv(rows, columns, output, raw_formulas)
    if not rows:
        click.echo(f"no rows linked to indicator {code!r}", err=True)
        return
    table = [("Commune", "Target", "Lead agency", "Source")] + [
        (r["commune"] or "?", r["target"] or "-", r["lead"] or "-", f"{r['source']} #{r['row_no'] or '-'}")
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[3])


def _by_option(f):
    return click.option(
        "--by",
        default=lambda: getpass.getuser(),
        show_default="your user name",
        help="Who decides (recorded with the decision).",
    )(f)


@main.group()
def review():
    """Cells read by OCR that a clerk should confirm or correct.

    \b
    chitieu review list                  cells to review: ROW:ITEM, where, what was read
    chitieu review confirm 12:1          the reading is right
    chitieu review correct 12:1 "≥ 70"   the cell says this
    """


@review.command("list", short_help="Cells to review.")
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--limit", type=click.IntRange(1), help="Show only the first N.")
@click.option("--json", "as_json", is_flag=True, help="JSON output for tools (with each cell's box).")
def review_list(db, limit, as_json):
    """Each doubtful cell: its ROW:ITEM key, the document and row, the field,
    the page, the confidence, why it is doubted and the text as read."""
    engine = open_db(db)
    queue = store_review.pending(engine, limit)
    engine.dispose()
    if as_json:
        click.echo(json.dumps([vars(e) for e in queue], ensure_ascii=False, indent=1))
        return
    for e in queue:
        i = e.item
        click.echo(
            f"{e.key:>8}  {e.source} #{e.row_no or '-'} {i['field']} p.{i['page']} "
            f"{i['confidence']:.0f}% ({i['reason']}): {i['text']}"
        )


def _correction(field: str, text: str):
    """The columns a corrected cell changes besides its own: targets and deadlines re-parsed."""
    if field == "target":
        return lambda cells: target_columns(*parse_target(text, cells["unit_cell"] or "", cells["indicator_text"]))
    if field == "deadline":
        return lambda cells: deadline_columns(parse_deadline(text))
    return None


@review.command("confirm", short_help="The reading is right.")
@click.argument("keys", nargs=-1, required=True)
@_by_option
@click.option("--db", metavar="URL", help=DB_HELP)
def review_confirm(keys, by, db):
    """Confirm the reading of each ROW:ITEM given."""
    engine = open_db(db)
    try:
        for key in keys:
            item = store_review.settle(engine, key, by)
            click.echo(f"{key} confirmed: {item['text']}")
    except StoreError as e:
        fail(e.reason, e.hint)
    finally:
        engine.dispose()


@review.command("correct", short_help="The cell says TEXT.")
@click.argument("key")
@click.argument("text")
@_by_option
@click.option("--db", metavar="URL", help=DB_HELP)
def review_correct(key, text, by, db):
    """Store TEXT as the cell ROW:ITEM (a target or deadline is parsed again)."""
    engine = open_db(db)
    try:
        field = next((e.item["field"] for e in store_review.pending(engine) if e.key == key), "")
        item = store_review.settle(engine, key, by, clean(text), _correction(field, clean(text)))
    except StoreError as e:
        fail(e.reason, e.hint)
    finally:
        engine.dispose()
    click.echo(f"{key} corrected: {item['text']} -> {item['corrected']}")


@main.group()
def units():
    """The agency registry and the clerk's queue of unresolved names.

    \b
    chitieu units unresolved             names no unit matched, most used first
    chitieu units resolve "T.Tâm PVHCC" --to "Trung tâm Phục vụ hành chính công xã"
    chitieu units review                 walk the queue interactively
    """


@units.command("unresolved", short_help="Mentions no unit matched, most used first.")
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--limit", type=click.IntRange(1), help="Show only the most used N.")
@click.option("--json", "as_json", is_flag=True, help="JSON output for tools.")
def units_unresolved(db, limit, as_json):
    """Unresolved agency mentions, those one decision settles most rows of
    first: rows and documents, the top 3 candidates and a typical use."""
    engine = open_db(db)
    queue = store_units.unresolved(engine, limit)
    engine.dispose()
    if as_json:
        click.echo(json.dumps(queue, ensure_ascii=False, indent=1))
        return
    for item in queue:
        cands = "; ".join(f"{c['unit']} ({c['score']:.0f})" for c in item["candidates"]) or "no candidate"
        click.echo(f"{item['rows']:>5} rows {item['documents']:>4} docs  {item['mention']}  ->  {cands}")
        use = item["example"]
        click.echo(f"{'':>20}e.g. {use['document']}{', ' + use['commune'] if use['commune'] else ''}: {use['row']}")


@units.command("resolve", short_help="Settle what a mention means.")
@click.argument("mention")
@click.option("--to", "to", metavar="NAME", help="Canonical unit the mention means.")
@click.option("--new", is_flag=True, help="Add a new canonical unit (named --to, or the mention itself).")
@click.option("--kind", default="", help="With --new: kind of unit (office, party, …).")
@click.option(
    "--level",
    type=click.Choice(["commune", "district", "province", "any"]),
    default="commune",
    show_default=True,
    help="With --new: level of the unit (any: a group fitting plans of every level).",
)
@_by_option
@click.option("--db", metavar="URL", help=DB_HELP)
def units_resolve(mention, to, new, kind, level, by, db):
    """Record that MENTION means a unit: every stored row using it is updated,
    and every later ingest uses the decision."""
    if not to and not new:
        raise click.UsageError("give --to NAME or --new")
    engine = open_db(db)
    try:
        changed = store_units.resolve(engine, mention, to, new=new, kind=kind, level=level, by=by)
    except store_units.StoreError as e:
        fail(e.reason, e.hint)
    finally:
        engine.dispose()
    click.echo(f"{mention} -> {to or mention}: {changed} assignments updated")


@units.command("review", short_help="Walk the queue interactively.")
@_by_option
@click.option("--db", metavar="URL", help=DB_HELP)
def units_review(by, db):
    """Walk the queue: a number accepts that candidate, /TEXT searches the
    registry, n adds the mention as a new unit, s skips, q quits. Each decision
    is saved at once, so nothing is lost on Ctrl-C."""
    engine = open_db(db)
    names = store_units.unit_names(engine)
    queue = store_units.unresolved(engine)
    done = 0
    try:
        for item in queue:
            choices = [c["unit"] for c in item["candidates"]]
            why = {c["unit"]: c.get("why") for c in item["candidates"]}
            use = item["example"]
            click.echo(f"\n{item['mention']}  ({item['rows']} rows, {item['documents']} documents)")
            click.echo(f"  e.g. {use['document']}: {use['row']}")
            while True:
                for i, name in enumerate(choices, 1):
                    click.echo(f"  {i}. {name}" + (f"  [{why[name]}]" if why.get(name) else ""))
                answer = click.prompt("number, /search, n(ew), s(kip), q(uit)", default="s").strip()
                if answer == "q":
                    raise click.Abort
                if answer == "s":
                    break
                if answer.startswith("/"):
                    choices = [n for n in names if fold(answer[1:]) in fold(n)][:9] or choices
                    continue
                if answer == "n" or (answer.isdigit() and 1 <= int(answer) <= len(choices)):
                    to = None if answer == "n" else choices[int(answer) - 1]
                    try:
                        changed = store_units.resolve(engine, item["mention"], to, new=answer == "n", by=by)
                    except StoreError as e:
                        click.echo(f"  {e}", err=True)
                        continue
                    click.echo(f"  -> {to or item['mention']}: {changed} assignments updated")
                    done += 1
                    break
    except click.Abort:
        click.echo(err=True)
    finally:
        engine.dispose()
    click.echo(f"{done} decisions saved")


@units.command("history", short_help="Every clerk decision, oldest first.")
@click.option("--db", metavar="URL", help=DB_HELP)
def units_history(db):
    """Every clerk decision, oldest first: when, who, mention -> unit."""
    engine = open_db(db)
    for d in store_units.history(engine):
        click.echo(f"{d['decided_at']}  {d['decided_by']}  {d['mention']} -> {d['unit']}")
    engine.dispose()


@units.command("list")
@click.option("--db", metavar="URL", help=DB_HELP)
def units_list(db):
    """Canonical unit names."""
    engine = open_db(db)
    click.echo("\n".join(store_units.unit_names(engine)))
    engine.dispose()


@units.command("export", short_help="Write the registry and decisions as CSV.")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--db", metavar="URL", help=DB_HELP)
@RAW_FORMULAS
def units_export(folder, db, raw_formulas):
    """Write FOLDER/units.csv and FOLDER/decisions.csv to share with another province."""
    engine = open_db(db)
    for path in store_units.export_csv(engine, Path(folder), raw_formulas):
        click.echo(str(path))
    engine.dispose()


@units.command("import", short_help="Add units and replay decisions from CSV.")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@_by_option
@click.option("--db", metavar="URL", help=DB_HELP)
def units_import(folder, by, db):
    """Add the units and replay the decisions in FOLDER (as written by export)."""
    engine = open_db(db, must_exist=False)
    try:
        added, replayed = store_units.import_csv(engine, Path(folder), by)
    except (store_units.StoreError, OSError, KeyError) as e:
        fail(f"cannot import {folder}: {e}", "use a folder written by 'chitieu units export'")
    finally:
        engine.dispose()
    click.echo(f"{added} units added, {replayed} decisions replayed")


@main.command(short_help="The clerks' and analysts' web pages.")
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but localhost needs a password.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--password-file",
    type=click.File(encoding="utf-8"),
    help="File holding the password everyone signs in with (else $CHITIEU_WEB_PASSWORD).",
)
def serve(db, host, port, password_file):
    """Serve the clerk's queue, history and documents, and the analyst's
    indicators, agencies and coverage, at http://HOST:PORT/."""
    from chitieu.web import PasswordRequired, check_exposure, create_app

    password = (password_file.read().strip() if password_file else os.environ.get("CHITIEU_WEB_PASSWORD")) or None
    try:
        check_exposure(host, password)
    except PasswordRequired as e:
        fail(str(e), code=2)
    engine = open_db(db)
    click.echo(
        f"chitieu: http://{host}:{port}/ over {engine.url.render_as_string(hide_password=True)} (Ctrl-C stops)",
        err=True,
    )
    try:
        create_app(engine, password=password).run(host=host, port=port, threaded=True)
    finally:
        engine.dispose()


@main.command(short_help="The analyst pages as one HTML file.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="HTML file to write (- for stdout).",
)
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--indicator", "codes", multiple=True, metavar="CODE", help="Only this indicator (repeatable).")
@click.option("--below", type=float, help="Highlight targets below this value.")
def report(output, db, codes, below):
    """Write indicators across communes, agencies' load and coverage, with
    their charts, into one self-contained HTML file to e-mail.

    \b
    chitieu report -o tinh-2026.html --indicator infra.5g_coverage --below 70
    """
    from chitieu.web.report import build

    engine = open_db(db)
    try:
        html = build(engine, list(codes) or None, below)
    finally:
        engine.dispose()
    with opened(output) as out:
        out.write(html)
    if output != "-":
        click.echo(f"wrote {output}", err=True)


if __name__ == "__main__":
    main()
