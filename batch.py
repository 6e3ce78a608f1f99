"""The ingest job: files -> extract -> normalise (worker processes) -> store.

Workers read and normalise; the parent process alone writes, one transaction
per document, so a failure or a kill never leaves half a document, and a
rerun skips every file whose sha256 is already stored.
"""

from __future__ import annotations

import errno
import hashlib
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import stat
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from chitieu import worker
from chitieu.ingest import ExtractSettings
from chitieu.ingest.exceptions import TooLarge
from chitieu.normalize.indicators import load_catalog
from chitieu.normalize.registry import load_registry
from chitieu.store import load, registry as store_registry
from chitieu.store.exceptions import DatabaseUnavailable, StoreError
from chitieu.worker import REPORT, FileResult, Limits


# Plan files a folder is searched for; a Word or Excel variant the readers cannot
# take (.docm, .dotx, …) is still listed, to get its line rather than be passed over.
SUFFIXES = {
    ".tsv",
    ".txt",
    ".docx",
    ".doc",
    ".pdf",
    ".odt",
    ".rtf",
    ".xlsx",
    ".xls",
    ".ods",
    ".docm",
    ".dotx",
    ".dotm",
    ".xlsm",
    ".xltx",
}
_TASKS_PER_WORKER = 40  # recycle workers so memory stays flat over long batches
_GRACE_S = 10  # past its limit, a worker stuck where Python cannot interrupt it is killed
_POLL_S = 0.5  # how often the loader looks at its workers, their pages and the stop signals
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """Ctrl-C, SIGTERM or SIGHUP: the workers killed, every document stored
    whole; `signum` gives the exit code (128 + signum)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class _StopSignals:
    """While a batch runs, a stop signal is noted where it lands and raised at
    the loader's next safe point (between documents, at each poll). Raised
    where it lands, it can fall inside the pool's locks (a future's
    condition), which then stay held, and the exit waits for ever on the
    pool's thread that needs them."""

    def __init__(self):
        self.heard = 0
        self.before: dict = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():  # only there can handlers be set
            self.before = {signum: signal.signal(signum, self._note) for signum in _STOP_SIGNALS}
        return self

    def _note(self, signum, frame) -> None:
        self.heard = self.heard or signum

    def check(self) -> None:
        if self.heard:
            raise Stopped(self.heard)

    def __exit__(self, *exc) -> None:
        for signum, handler in self.before.items():
            signal.signal(signum, handler)


def collect(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest (folders searched recursively for plan files), and
    failures for paths that do not exist."""
    files: list[Path] = []
    missing: list[FileResult] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(
                f
                for f in p.rglob("*")
                if f.suffix.lower() in SUFFIXES
                and not f.is_dir()
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        elif p.exists() or p.is_symlink():
            files.append(p)
        else:
            missing.append(FileResult(str(p), "failed", reason="no such file or folder (check the path)"))
    seen, unique = set(), []
    for f in files:
        key = os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, missing


def unreadable(path: Path, error: OSError) -> str:
    """Why a file cannot be read, and what to do."""
    if error.errno == errno.ELOOP:
        return "a loop of symbolic links (point the link at a file)"
    if path.is_symlink() and not path.exists():
        return "broken link: its target is missing (fix or remove the link)"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "cannot read: permission denied (check the file's permissions)"
    return f"cannot read: {error.strerror or error} (check that the file is there and readable)"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _largest_first(files: list[Path]) -> list[Path]:
    """The files by size, largest first (the order given among equals): with
    several workers, the long files start first and short ones fill the gaps,
    rather than one long file read alone at the end while the other workers
    wait (longest-processing-time-first scheduling; size stands for time)."""

    def size(f: Path) -> int:
        try:
            return f.stat().st_size
        except OSError:  # fails in _pending, with its reason
            return 0

    return sorted(files, key=size, reverse=True)


def _pending(
    files: list[Path], known: set[str], settings: ExtractSettings, copies: dict[str, list[str]]
) -> Iterator[FileResult | str]:
    """Files still to process, or a result for those decided without parsing;
    a file with the same content as one read earlier in this run is put in
    `copies` (sha256 -> the first path, then its copies), to share its outcome."""
    first: dict[str, str] = {}
    limit = settings.max_mb * 1024 * 1024
    for f in files:
        try:
            info = f.stat()
            if not stat.S_ISREG(info.st_mode):
                yield FileResult(
                    str(f),
                    "failed",
                    reason="not a regular file: a pipe, device or socket (give the plan file itself, saved on disk)",
                )
                continue
            if info.st_size > limit:
                yield FileResult(str(f), "failed", reason=str(TooLarge.file(info.st_size, settings.max_mb)))
                continue
            digest = sha256_of(f)
        except OSError as e:
            yield FileResult(str(f), "failed", reason=unreadable(f, e))
            continue
        if digest in first:
            copies.setdefault(digest, [first[digest]]).append(str(f))
        elif digest in known:
            yield FileResult(str(f), "skipped", reason="already loaded", sha256=digest)
        else:
            first[digest] = str(f)
            yield str(f)


def run(
    files: list[Path],
    engine,
    settings: ExtractSettings,
    *,
    jobs: int = 1,
    commune: str | None = None,
    limits: Limits = Limits(),
    on_result: Callable[[FileResult], None] = lambda r: None,
    on_page: Callable[[str, int, int], None] = lambda path, number, total: None,
) -> list[FileResult]:
    """Ingest `files` into `engine`; every file ends as one FileResult. Files are
    read in `jobs` worker processes (one at least), each file under `limits`;
    `on_page(path, number, total)` hears of the pages read (not every one:
    at most about twice a second)."""
    _context()
    multiprocessing.forkserver.ensure_running()  # the workers' imports, while the registry loads here
    store_registry.sync(engine, load_registry(), load_catalog())
    registry = store_registry.load(engine)
    known = load.loaded_hashes(engine)
    units = load.unit_ids(engine)
    results: list[FileResult] = []

    def done(result: FileResult) -> None:
        results.append(result)
        on_result(result)

    def save(path: str, outcome) -> None:
        doc, failure = outcome
        if failure:
            failure.path = path
            return done(failure)
        try:
            saved = load.save_document(engine, doc, units)
        except DatabaseUnavailable:  # full, read-only, locked, gone: no file can load, the batch stops
            raise
        except StoreError as e:
            return done(FileResult(path, "failed", reason=str(e), sha256=doc.sha256))
        except Exception as e:
            return done(
                FileResult(
                    path,
                    "failed",
                    reason=f"database error: {type(e).__name__}: {str(e).splitlines()[0]} ({REPORT})",
                    sha256=doc.sha256,
                    detail=traceback.format_exc(),
                )
            )
        reason = None if saved.status == "loaded" else "already loaded"
        done(FileResult(path, saved.status, saved.rows, reason, doc.sha256, warnings=doc.warnings))

    copies: dict[str, list[str]] = {}
    todo = _pending(_largest_first(files) if jobs > 1 else files, known, settings, copies)
    with _StopSignals() as stop:
        workers = _Workers(jobs, (registry, settings, commune, limits), limits, on_page, stop)
        try:
            workers.run(todo, done, save)
        except BaseException:  # a stop signal or a store error: stop the workers now, not after their queue
            workers.stop()
            raise
        workers.pool.shutdown()
        stop.check()
    by_path = {r.path: r for r in results}
    for first, *others in copies.values():
        origin = by_path[first]
        for path in others:
            if origin.status == "failed":
                done(FileResult(path, "failed", reason=f"{origin.reason} (same content as {first})"))
            else:
                done(
                    FileResult(
                        path, "skipped", reason=f"already loaded (same content as {first})", sha256=origin.sha256
                    )
                )
    return results


# What a worker needs, imported once by the fork server rather than by each
# worker: not this module (nor the program's main one), which import the store.
_PRELOAD = [worker.__name__, *(f"chitieu.ingest.{reader}" for reader in ("pdf", "word", "tsv", "xlsx"))]


def _context():
    """Workers are forked from a server process that imported the readers once
    (multiprocessing's forkserver: a clean process, not a fork of this one with
    its threads and connections), so a new worker (at the start, after
    _TASKS_PER_WORKER files, after a crash) costs a fork, not the second a fresh
    interpreter spends on its imports. The server ends when this process does,
    and its workers with it (worker._die_with_parent)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


class _Workers:
    """Worker processes that survive one of them dying (out of memory, a crash
    in a library) or sticking past its file's time limit where Python cannot
    interrupt it: the pool is then replaced, the stuck file fails, and the
    other files in flight are retried one at a time, so only a file that
    kills its worker on its own fails."""

    def __init__(
        self,
        jobs: int,
        initargs: tuple,
        limits: Limits,
        on_page: Callable[[str, int, int], None],
        stop: _StopSignals,
    ):
        self.pages, pages_w = _context().Pipe(duplex=False)
        self.jobs, self.initargs, self.limits, self.on_page = jobs, (*initargs, pages_w), limits, on_page
        self.stop_signals = stop
        self.pool = self._new()
        self.broken = False

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.jobs,
            mp_context=_context(),
            initializer=worker.init,
            initargs=self.initargs,
            max_tasks_per_child=_TASKS_PER_WORKER,
        )

    def run(self, todo, done, save) -> None:
        inflight: dict = {}
        for item in todo:
            self.stop_signals.check()
            if isinstance(item, FileResult):
                done(item)
                continue
            self._fresh()
            try:
                future = self.pool.submit(worker.process, item)
            except BrokenProcessPool:  # a worker died since the last result was seen
                self.broken = True
                self._drain(inflight, save, ALL_COMPLETED)  # what was in flight is read again, alone
                self._fresh()
                future = self.pool.submit(worker.process, item)
            inflight[future] = item
            if len(inflight) >= 2 * self.jobs:
                self._drain(inflight, save, FIRST_COMPLETED)
        while inflight:
            self._drain(inflight, save, ALL_COMPLETED)

    def _wait(self, futures, how: str) -> set:
        """Wait one poll for `futures`; pass on the pages heard of and raise
        Stopped if a stop signal came."""
        finished, _ = wait(futures, timeout=_POLL_S, return_when=how)
        self._heard()
        self.stop_signals.check()
        return finished

    def _drain(self, inflight: dict, save, how: str) -> None:
        started: dict = {}
        while True:
            finished = self._wait(inflight, how)
            if finished:
                break
            now = time.monotonic()
            for fut in inflight:
                if fut.running():
                    started.setdefault(fut, now)
            stuck = [f for f, t in started.items() if now - t > self.limits.timeout_s + _GRACE_S]
            if stuck:
                for fut in stuck:
                    path = inflight.pop(fut)
                    save(path, (None, FileResult(path, "failed", reason=self.limits.timeout_reason())))
                self._kill()
                finished = set()
                break
        suspects = []
        for fut in [f for f in inflight if f in finished]:  # in the order the files were given
            path = inflight.pop(fut)
            try:
                save(path, fut.result())
            except BrokenProcessPool:
                suspects.append(path)
            except Exception as e:  # e.g. a result that cannot be unpickled
                save(
                    path,
                    (
                        None,
                        FileResult(
                            path,
                            "failed",
                            reason=f"worker error: {type(e).__name__}: {e} ({REPORT})",
                            detail=traceback.format_exc(),
                        ),
                    ),
                )
        if suspects or (self.broken and inflight):
            self.broken = True
            suspects += inflight.values()  # the rest in flight died with the pool
            inflight.clear()
            for path in suspects:
                self._alone(path, save)

    def _heard(self) -> None:
        """Pass on the newest page read of each file the workers told of."""
        newest: dict[str, tuple[int, int]] = {}
        while self.pages.poll():
            number, total, path = self.pages.recv_bytes().decode("utf-8", "surrogateescape").split(" ", 2)
            newest[path] = int(number), int(total)
        for path, (number, total) in newest.items():
            self.on_page(path, number, total)

    def _fresh(self) -> None:
        """Replace a pool that lost a worker before giving it more work."""
        if self.broken:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool, self.broken = self._new(), False

    def _alone(self, path: str, save) -> None:
        self._fresh()
        future, give_up = self.pool.submit(worker.process, path), time.monotonic() + self.limits.timeout_s + _GRACE_S
        try:
            while not self._wait([future], ALL_COMPLETED) and time.monotonic() < give_up:
                pass
            if not future.done():
                self._kill()
                outcome = None, FileResult(path, "failed", reason=self.limits.timeout_reason())
            else:
                outcome = future.result()
        except BrokenProcessPool:
            self.broken = True
            outcome = (
                None,
                FileResult(
                    path,
                    "failed",
                    reason="the reader process died on this file: out of memory, or a crash in a library "
                    "(raise --file-memory if it is a large plan, else report the file)",
                    detail=traceback.format_exc(),
                ),
            )
        save(path, outcome)

    def _kill(self) -> None:
        """Kill the pool's processes at once; the next file gets a new pool."""
        for proc in list(getattr(self.pool, "_processes", {}).values()):
            proc.kill()
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.broken = True

    def stop(self) -> None:
        """Stop at once: the workers killed, and the pool's result pipe closed
        on our side, so its manager thread (which exit joins) cannot wait for
        ever on a result a killed worker had half written. (The pipe is taken
        before shutdown, which drops the pool's reference to it.)"""
        results = self.pool._result_queue  # type: ignore[attr-defined]
        self.pool.shutdown(wait=False, cancel_futures=True)
        for child in multiprocessing.active_children():
            child.kill()
            child.join()
        if results is not None:  # None: a pool already shut down by _kill, whose thread saw its workers die
            results._writer.close()
