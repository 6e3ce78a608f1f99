"""chitieu: commune plan appendices (TSV, DOCX, PDF) -> a queryable database.

Thin click commands over the library: `batch` runs the ingest job, `store`
reads and writes the database. Data goes to stdout, progress and errors to
stderr. Exit codes: 0 ok, 1 some files failed, 2 usage.
"""

from __future__ import annotations

import contextlib
import csv
import getpass
import io
import json
import os
import shutil
import signal
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import click

from chitieu import batch
from chitieu.ingest import ExtractError, ExtractSettings
from chitieu.ingest.exceptions import ChitieuError
from chitieu.normalize.registry import kinds as registry_kinds
from chitieu.normalize.text import clean, fold
from chitieu.store import StoreError, connect
from chitieu.store import catalog as store_catalog
from chitieu.store import documents as store_documents
from chitieu.store.exceptions import UnknownIndicator
from chitieu.store import queries as store_queries
from chitieu.store import review as store_review
from chitieu.store import units as store_units
from chitieu.store.export import CSV_COLUMNS, flat, iter_records, spreadsheet_safe

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


def _stopped_how(signum: int) -> str:
    return "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"


def _stop(signum, frame):
    """SIGTERM or SIGHUP before or after the batch: stopped as Ctrl-C stops."""
    raise batch.Stopped(signum)


def open_db(url: str | None, must_exist: bool = True):
    """The database of --db; a SQLite file must exist unless the command loads data."""
    try:
        return connect(url, must_exist=must_exist)
    except StoreError as e:
        fail(e.reason, e.hint)


def time_left(elapsed: float, read: int, remaining: int) -> str:
    """'about 40 s left' from the time the files read so far took; '' before
    the first file is read or after the last."""
    if not read or not remaining:
        return ""
    seconds = elapsed / read * remaining
    return f"about {max(1, round(seconds))} s left" if seconds < 90 else f"about {round(seconds / 60)} min left"


class Progress:
    """Files done/total, rows, failures, the file just done (or the page of a
    file being read) and the time left: a live line on a terminal; one plain line per file otherwise, its status
    first ("loaded:", "skipped:", "error:"), so a log or a spreadsheet of it
    sorts and filters."""

    def __init__(self, total: int, verbose: bool):
        self.total, self.verbose = total, verbose
        self.done = self.rows = self.failed = self.read = 0
        self.start = time.monotonic()
        self.live = sys.stderr.isatty()

    def __call__(self, r: batch.FileResult) -> None:
        self.done += 1
        self.rows += r.rows
        self.read += r.status != "skipped"  # skipped files cost no time: the estimate leaves them out
        name = shown(os.path.basename(r.path) or r.path)
        if r.status == "failed":
            self.failed += 1
            self._line(f"error: {shown(r.path)}: {r.reason}")
            if self.verbose and r.detail:
                self._line(r.detail.rstrip())
        elif not self.live:
            left = time_left(time.monotonic() - self.start, self.read, self.total - self.done)
            what = plural(r.rows, "row") if r.status == "loaded" else r.reason
            self._line(f"{r.status}: {name} ({what}) [{self.done} of {self.total}" + (f", {left}]" if left else "]"))
        if self.verbose:
            for warning in r.warnings:
                self._line(f"warning: {shown(r.path)}: {warning}")
        if self.live:
            self._live(f"{r.status} {name}")

    def page(self, path: str, number: int, total: int) -> None:
        """A page of a file being read: on a terminal, the live line names it."""
        if self.live:
            self._live(f"reading {shown(os.path.basename(path) or path)}, page {number} of {total}")

    def _live(self, last: str) -> None:
        """The live line: the bar, the counts, then `last` (what just happened),
        cut to the terminal's width."""
        width = 16
        fill = int(width * self.done / max(self.total, 1))
        left = time_left(time.monotonic() - self.start, self.read, self.total - self.done)
        counts = ", ".join(
            filter(
                None,
                [
                    f"{self.done}/{self.total} files",
                    plural(self.rows, "row"),
                    self.failed and f"{self.failed} failed",
                    left,
                ],
            )
        )
        counts = f"[{'#' * fill}{'.' * (width - fill)}] {counts} | "
        columns = shutil.get_terminal_size().columns - 1  # a line as wide as the terminal would wrap
        room = max(columns - len(counts), 2)
        line = counts + (last if len(last) <= room else last[: room - 1] + "…")
        click.echo("\r\033[K" + line[:columns], nl=False, err=True)

    def _line(self, text: str) -> None:
        if self.live:
            click.echo("\r\033[K", nl=False, err=True)
        click.echo(text, err=True)

    def close(self) -> None:
        if self.live and self.done:
            click.echo(err=True)


class Commands(click.Group):
    """The command group: a file a command cannot open or write (a missing
    folder, /dev/full, a closed pipe) is one line, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # `chitieu export | head`: the reader has what it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as e:
            where = f" {shown(str(e.filename))}" if e.filename else " the output"
            fail(
                f"cannot write{where}: {e.strerror or e}", "check the path, its folder's permissions and the free space"
            )


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option(
    "--encoding", help="Text encoding of TSV files, when detection gets it wrong (e.g. cp1258, utf-16, tcvn3, vni)."
)
@click.option(
    "--ocr",
    is_flag=True,
    help="OCR scanned PDF pages (ruled or borderless tables) with Tesseract instead of refusing them; "
    "doubtful cells are marked for review ('chitieu review list'), a page unreadable as a whole is refused.",
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
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    try:  # stopped while the folders are listed or the database opened: nothing was done
        files, missing = batch.collect(paths)
        engine = open_db(db, must_exist=False)
    except KeyboardInterrupt as e:
        signum = e.signum if isinstance(e, batch.Stopped) else signal.SIGINT
        fail(f"{_stopped_how(signum)} while starting; nothing was done", "run the command again", code=128 + signum)
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
            on_page=progress.page,
        )
    except ChitieuError as e:  # the database, or registry data that cannot be used
        progress.close()
        fail(e.reason, e.hint)
    except KeyboardInterrupt as e:
        progress.close()
        signum = e.signum if isinstance(e, batch.Stopped) else signal.SIGINT
        fail(
            f"{_stopped_how(signum)} after {progress.done} of {progress.total} files; every document stored is complete",
            "run the same command again to load the rest",
            code=128 + signum,
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
        f"{len(counts['loaded'])} loaded ({plural(rows, 'row')}), {len(counts['skipped'])} skipped as already loaded, "
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

        written = frames.write_xlsx(engine, output, raw_formulas)
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
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(encoding="utf-8")  # Vietnamese even where the locale is ASCII
        return contextlib.nullcontext(sys.stdout)
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
    "--indicator",
    "code",
    required=True,
    metavar="CODE",
    help="Catalogued indicator code, e.g. infra.5g_coverage (any case; 'chitieu indicators' lists them).",
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
    if below is not None and above is not None and above >= below:
        raise click.UsageError(
            f"no value is above {above:g} and below {below:g}: give --above lower than --below, or only one of them"
        )
    if fmt == "table" and output != "-":
        raise click.UsageError("the table is for the terminal: add --format csv to write a file")
    engine = open_db(db)
    try:
        code = store_catalog.canonical_code(engine, code)
    except UnknownIndicator as e:
        engine.dispose()
        raise click.BadParameter(str(e), param_hint="'--indicator'")
    rows = [flat(r) for r in iter_records(engine, indicator=code, below=below, above=above, copies=False)]
    engine.dispose()
    columns = ["commune", "target", "lead", "source", "row_no", "target_op", "target_value", "target_unit"]
    if fmt == "csv":
        return write_csv(rows, columns, output, raw_formulas)
    if not rows:
        limits = [f"{word} {value:g}" for word, value in (("above", above), ("below", below)) if value is not None]
        click.echo(
            f"no rows linked to indicator {code!r}" + (" with a target " + " and ".join(limits) if limits else ""),
            err=True,
        )
        return
    table = [("Commune", "Target", "Lead agency", "Source")] + [
        (r["commune"] or "?", r["target"] or "-", r["lead"] or "-", f"{r['source']} #{r['row_no'] or '-'}")
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[3])


@main.group(invoke_without_command=True, short_help="The indicator catalog: codes, rows linked, names.")
@click.option("--db", metavar="URL", help=DB_HELP)
@click.pass_context
def indicators(ctx, db):
    """The catalogued indicators: code, how many rows and communes link to
    it, name; the most used first.

    \b
    chitieu indicators                       every code
    chitieu indicators search "phu song 5g"  those whose code or name has these words (accents, case optional)
    """
    if ctx.invoked_subcommand is None:
        _list_indicators(db, "")


@indicators.command("search", short_help="Indicators whose code or name has these words.")
@click.argument("text")
@click.option("--db", metavar="URL", help=DB_HELP)
@click.pass_context
def indicators_search(ctx, text, db):
    """Indicators whose code or name (Vietnamese or English) holds every word
    of TEXT, with or without accents, in any case."""
    _list_indicators(db or ctx.parent.params["db"], text)


def _list_indicators(db: str | None, text: str) -> None:
    engine = open_db(db)
    found = store_queries.indicators(engine, text)
    engine.dispose()
    if not found:
        click.echo(
            f"nothing found for {text!r} ('chitieu indicators' lists every code)"
            if text
            else "no indicators catalogued yet (load plans with 'chitieu ingest')",
            err=True,
        )
        return
    width = max(len(i.code) for i in found)
    for i in found:
        click.echo(f"{i.code:<{width}}  {plural(i.rows, 'row'):>9}  {plural(i.communes, 'commune'):>12}  {i.name_vi}")


def _by_option(f):
    return click.option(
        "--by",
        default=lambda: getpass.getuser(),
        show_default="your user name",
        help="Who decides (recorded with the decision).",
    )(f)


@indicators.command("link", short_help="Link the rows with a wording to an indicator.")
@click.argument("wording")
@click.argument("code")
@click.option("--force", is_flag=True, help="Link a wording no stored row has yet (for plans loaded later).")
@_by_option
@click.option("--db", metavar="URL", help=DB_HELP)
def indicators_link(wording, code, force, by, db):
    """Record that rows whose indicator text is WORDING (its target left out,
    case and spacing aside) state indicator CODE: every stored row with it is
    updated, and every later ingest uses the link.

    \b
    chitieu indicators link "Tỷ lệ thôn có sóng 5G" infra.5g_coverage
    """
    engine = open_db(db)
    try:
        code = store_catalog.canonical_code(engine, code)
    except UnknownIndicator as e:
        engine.dispose()
        raise click.BadParameter(str(e), param_hint="'CODE'")
    try:
        rows, changed = store_catalog.link(engine, wording, code, by=by, require_use=not force)
    except StoreError as e:
        fail(e.reason, e.hint)
    finally:
        engine.dispose()
    click.echo(f"{wording} -> {code}: {plural(rows, 'row')} linked, {changed} changed")


@indicators.command("links", short_help="Every analyst's link, oldest first.")
@click.option("--db", metavar="URL", help=DB_HELP)
def indicators_links(db):
    """Every link of a wording to an indicator by time, oldest first: when
    (ISO 8601 in your time zone, with its offset), who, wording -> code."""
    engine = open_db(db)
    for d in store_catalog.links(engine):
        click.echo(f"{when(d)}  {d['decided_by']}  {d['wording']} -> {d['code']}")
    engine.dispose()


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
        item = store_review.correct(engine, key, by, clean(text))
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
        click.echo(
            f"{plural(item['rows'], 'row'):>10} {plural(item['documents'], 'doc'):>9}  {item['mention']}  ->  {cands}"
        )
        use = item["example"]
        click.echo(f"{'':>20}e.g. {use['document']}{', ' + use['commune'] if use['commune'] else ''}: {use['row']}")


@units.command("resolve", short_help="Settle what a mention means.")
@click.argument("mention")
@click.option("--to", "to", metavar="NAME", help="Canonical unit the mention means.")
@click.option("--new", is_flag=True, help="Add a new canonical unit (named --to, or the mention itself).")
@click.option("--kind", type=click.Choice(registry_kinds()), help="With --new: kind of unit.")
@click.option(
    "--level",
    type=click.Choice(["commune", "district", "province", "any"]),
    default="commune",
    show_default=True,
    help="With --new: level of the unit (any: a group fitting plans of every level).",
)
@click.option("--force", is_flag=True, help="Decide a mention no stored row uses yet (for plans loaded later).")
@_by_option
@click.option("--db", metavar="URL", help=DB_HELP)
def units_resolve(mention, to, new, kind, level, force, by, db):
    """Record that MENTION means a unit: every stored row using it is updated,
    and every later ingest uses the decision. A mention no stored row uses is
    refused as a probable typo, with the closest stored mentions, unless --force."""
    if not to and not new:
        raise click.UsageError("give --to NAME or --new")
    if kind and not new:
        raise click.UsageError("--kind is the kind of a new unit: add --new, or drop --kind")
    engine = open_db(db)
    try:
        before = store_units.current_decision(engine, mention)
        changed = store_units.resolve(
            engine, mention, to, new=new, kind=kind or "", level=level, by=by, require_use=not force
        )
    except StoreError as e:
        fail(e.reason, e.hint)
    finally:
        engine.dispose()
    click.echo(f"{mention} -> {to or mention}: {updated(changed)}" + replaced(before, to or mention))


def updated(changed: int) -> str:
    return f"{plural(changed, 'assignment')} updated"


def replaced(before: dict | None, unit: str) -> str:
    """What a changed decision replaced, to say after it ('' when nothing changed)."""
    if before is None or fold(before["unit"]) == fold(unit):
        return ""
    return f" (replaces -> {before['unit'] or 'not tracked'}, decided by {before['decided_by']} {when(before)})"


def when(decision: dict) -> str:
    """A decision's time in ISO 8601, in the local time zone, with its offset."""
    return datetime.fromisoformat(decision["decided_at"]).astimezone().isoformat(timespec="seconds")


@units.command("review", short_help="Walk the queue interactively.")
@_by_option
@click.option("--db", metavar="URL", help=DB_HELP)
def units_review(by, db):
    """Walk the queue: a number accepts that candidate, /TEXT searches the
    registry (accents and case optional), n adds the mention as a new unit
    (after you confirm), s skips, q quits. Each decision is saved at once, so
    nothing is lost on Ctrl-C."""
    engine = open_db(db)
    queue = store_units.unresolved(engine)
    done = 0
    try:
        for position, item in enumerate(queue, 1):
            choices = [c["unit"] for c in item["candidates"]]
            why = {c["unit"]: c.get("why") for c in item["candidates"]}
            use = item["example"]
            click.echo(
                f"\n[{position} of {len(queue)}] {item['mention']}  "
                f"({plural(item['rows'], 'row')}, {plural(item['documents'], 'document')})"
            )
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
                    hits = [h.name for h in store_queries.search_units(engine, answer[1:], limit=9)]
                    if not hits:
                        click.echo(f"  nothing found for {answer[1:]!r}; the choices stay")
                    choices = hits or choices
                    continue
                if answer == "n" and not click.confirm(f"  add {item['mention']!r} as a new unit?", default=False):
                    continue
                if answer != "n" and not (answer.isdigit() and 1 <= int(answer) <= len(choices)):
                    numbers = f"a number 1-{len(choices)}, " if choices else ""
                    click.echo(f"  no such choice: {answer!r} ({numbers}/text, n, s or q)")
                    continue
                to = None if answer == "n" else choices[int(answer) - 1]
                try:
                    before = store_units.current_decision(engine, item["mention"])
                    changed = store_units.resolve(engine, item["mention"], to, new=answer == "n", by=by)
                except StoreError as e:
                    click.echo(f"  {e}", err=True)
                    continue
                click.echo(
                    f"  -> {to or item['mention']}: {updated(changed)}" + replaced(before, to or item["mention"])
                )
                done += 1
                break
    except click.Abort:
        click.echo(err=True)
    finally:
        engine.dispose()
    click.echo(f"{plural(done, 'decision')} saved")


@units.command("history", short_help="Every clerk decision, oldest first.")
@click.option("--db", metavar="URL", help=DB_HELP)
def units_history(db):
    """Every clerk decision by time, oldest first: when (ISO 8601 in your time
    zone, with its offset), who, mention -> unit."""
    engine = open_db(db)
    for d in store_units.history(engine):
        click.echo(f"{when(d)}  {d['decided_by']}  {d['mention']} -> {d['unit']}")
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
    except (store_units.StoreError, OSError, KeyError, ValueError, csv.Error) as e:  # ValueError: not UTF-8 text
        fail(
            f"cannot import {folder}: {str(e).splitlines()[0][:200]}", "use a folder written by 'chitieu units export'"
        )
    finally:
        engine.dispose()
    click.echo(f"{plural(added, 'unit')} added, {plural(replayed, 'decision')} replayed")


@main.group()
def documents():
    """The plans loaded: list them, show one, correct its metadata, delete it.

    A plan loaded more than once (a PDF and a DOCX of it, a file saved again)
    is counted once, by its DOCX, else its TSV, else its PDF; the others are
    its copies and are left out of 'targets' and the analyst pages.

    \b
    chitieu documents list
    chitieu documents show 3
    chitieu documents set 3 --commune "xã Đông Hòa"
    chitieu documents delete 3
    """


def _document_json(d: store_queries.DocumentSummary) -> dict:
    return {
        "id": d.id,
        "source": d.source,
        "path": d.path,
        "format": d.format,
        "commune": d.commune,
        "plan_number": d.plan_number,
        "issued_on": d.issued_on.isoformat() if d.issued_on else None,
        "year": d.year,
        "rows": d.rows,
        "unresolved": d.unresolved,
        "copy_of": d.copy_of,
        "same_plan": d.duplicates,
    }


def _columns(table: list[tuple[str, ...]], right: tuple[int, ...] = ()) -> None:
    """Echo a table in aligned columns (those in `right` right-aligned), the last one unpadded."""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    for row in table:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        click.echo("  ".join(cells + [row[-1]]))


@documents.command("list", short_help="Every plan loaded, by commune.")
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON output for tools.")
def documents_list(db, as_json):
    """Every document, by commune: id, commune, plan number, date, format,
    rows, unresolved agency names, the document it is a copy of, its path."""
    engine = open_db(db)
    docs = store_queries.documents(engine)
    engine.dispose()
    if as_json:
        click.echo(json.dumps([_document_json(d) for d in docs], ensure_ascii=False, indent=1))
        return
    if not docs:
        click.echo("no documents: load some with 'chitieu ingest'", err=True)
        return
    header = ("ID", "Commune", "Plan", "Date", "Format", "Rows", "Unresolved", "Copy of", "Path")
    _columns(
        [header]
        + [
            (
                str(d.id),
                d.commune or "?",
                d.plan_number or "-",
                str(d.issued_on or "-"),
                d.format,
                str(d.rows),
                str(d.unresolved),
                f"#{d.copy_of}" if d.copy_of else "-",
                shown(d.path),
            )
            for d in docs
        ],
        right=(0, 5, 6),
    )


def _found(engine, document_id: int):
    found = store_queries.document(engine, document_id)
    if found is None:
        engine.dispose()
        fail(f"no document {document_id}", "see `chitieu documents list` for the ids")
    return found


@documents.command("show", short_help="One document: metadata, tables, copies.")
@click.argument("document_id", metavar="ID", type=int)
@click.option("--db", metavar="URL", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="JSON output for tools.")
def documents_show(document_id, db, as_json):
    """A document's metadata, its tables and their rows, unresolved agency
    names, warnings, and the other documents of the same plan."""
    engine = open_db(db)
    doc, rows = _found(engine, document_id)
    others = {d.id: d for d in store_queries.documents(engine) if d.id in doc.duplicates}
    engine.dispose()
    tables = Counter(r.table for r in rows)
    if as_json:
        listed = dict(_document_json(doc), tables={str(t): n for t, n in sorted(tables.items())})
        click.echo(json.dumps(dict(listed, warnings=doc.warnings), ensure_ascii=False, indent=1))
        return
    counted = f"no: a copy of #{doc.copy_of} {shown(others[doc.copy_of].source)}" if doc.copy_of else "yes"
    _columns(
        [
            ("id", str(doc.id)),
            ("source", shown(doc.source)),
            ("path", shown(doc.path)),
            ("format", doc.format),
            ("commune", doc.commune or "?"),
            ("plan number", doc.plan_number or "-"),
            ("issued on", str(doc.issued_on or "-")),
            ("year", str(doc.year or "-")),
            ("rows", str(doc.rows)),
            (
                "tables",
                f"{len(tables)} (" + "; ".join(f"{t}: {plural(n, 'row')}" for t, n in sorted(tables.items())) + ")"
                if tables
                else "0",
            ),
            ("unresolved", plural(doc.unresolved, "agency name")),
            ("warnings", str(len(doc.warnings))),
            ("counted", counted),
        ]
        + [
            (
                "same plan",
                f"#{d.id} {shown(d.source)} ({d.format}, {plural(d.rows, 'row')})" + ("" if d.copy_of else ", counted"),
            )
            for d in sorted(others.values(), key=lambda d: (d.copy_of is not None, d.id))
        ]
    )


@documents.command("delete", short_help="Delete a document with its rows.")
@click.argument("document_id", metavar="ID", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--db", metavar="URL", help=DB_HELP)
def documents_delete(document_id, yes, db):
    """Delete a document, its rows and their agency assignments, in one
    transaction. When it was counted for its plan, the best of its copies is
    counted instead. The file can be loaded again with 'chitieu ingest'."""
    engine = open_db(db)
    doc, _ = _found(engine, document_id)
    if not yes:
        click.confirm(
            f"delete #{doc.id} {shown(doc.source)} ({doc.commune or '?'}, {plural(doc.rows, 'row')})?",
            abort=True,
            err=True,
        )
    try:
        gone = store_documents.delete_document(engine, document_id)
    except StoreError as e:
        fail(e.reason, e.hint)
    finally:
        engine.dispose()
    click.echo(
        f"deleted #{document_id} {shown(gone.source)}: {plural(gone.rows, 'row')}, "
        f"{plural(gone.assignments, 'assignment')}"
        + (f"; #{gone.promoted} is counted for the plan now" if gone.promoted else "")
    )


@documents.command("set", short_help="Correct a document's commune, plan number or date.")
@click.argument("document_id", metavar="ID", type=int)
@click.option("--commune", metavar="NAME", help='Commune name ("xã Đông Hòa" is stored "Đông Hòa").')
@click.option("--plan-number", metavar="TEXT", help='Plan number as written, e.g. "112/KH-UBND" ("" clears it).')
@click.option("--issued-on", metavar="YYYY-MM-DD", type=click.DateTime(["%Y-%m-%d"]), help="Date of issue.")
@click.option("--db", metavar="URL", help=DB_HELP)
def documents_set(document_id, commune, plan_number, issued_on, db):
    """Correct a document's metadata when its title lines named it wrongly or
    not at all (a file already loaded is skipped by 'ingest', so '--commune'
    there does not reach it). Which documents are copies of one plan is
    worked out again; agency names are not matched again (to match them with
    the new commune, delete the document and ingest the file with --commune)."""
    fields = {
        k: v
        for k, v in (("commune", commune), ("plan_number", plan_number), ("issued_on", issued_on and issued_on.date()))
        if v is not None
    }
    if not fields:
        raise click.UsageError("give --commune, --plan-number or --issued-on")
    engine = open_db(db)
    try:
        changed = store_documents.set_metadata(engine, document_id, **fields)
        doc, _ = _found(engine, document_id)
    except StoreError as e:
        fail(e.reason, e.hint)
    finally:
        engine.dispose()
    for field, (old, new) in changed.items():
        click.echo(f"#{document_id} {field.replace('_', ' ')}: {old or '-'} -> {new or '-'}")
    if not changed:
        click.echo(f"#{document_id}: nothing changed")
    click.echo(f"#{document_id} is " + (f"a copy of #{doc.copy_of}" if doc.copy_of else "counted for its plan"))


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
