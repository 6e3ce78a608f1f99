"""The ingest job: files -> extract -> normalise (worker processes) -> store.

Workers read and normalise; the parent process alone writes, one transaction
per document, so a failure or a kill never leaves half a document, and a
rerun skips every file whose sha256 is already stored.
"""

from __future__ import annotations

import contextlib
import errno
import ctypes
import functools
import hashlib
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import resource
import signal
import stat
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from chitieu.ingest import ExtractSettings, extract, progress
from chitieu.ingest.exceptions import ChitieuError, TooLarge
from chitieu.normalize.pipeline import Normalizer
from chitieu.normalize.indicators import load_catalog
from chitieu.normalize.registry import Registry, load_registry
from chitieu.store import load, registry as store_registry
from chitieu.store.exceptions import DatabaseUnavailable, StoreError

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
REPORT = "a bug in chitieu: please report it with this file; -v shows the details"
_TASKS_PER_WORKER = 40  # recycle workers so memory stays flat over long batches
_GRACE_S = 10  # past its limit, a worker stuck where Python cannot interrupt it is killed


@dataclass(frozen=True)
class Limits:
    """What one file may cost its worker process; a file past a limit fails
    with one line and the batch goes on. Defaults a 16-page plan never meets."""

    timeout_s: float = 120.0
    memory_mb: float = 1024.0
    max_cell_mentions: int = 500  # agencies one cell may name (its separators + 1), checked before splitting

    def __post_init__(self):
        for name in ("timeout_s", "memory_mb", "max_cell_mentions"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and value > 0):
                raise ValueError(f"{name} must be a positive number, not {value!r}")

    def timeout_reason(self) -> str:
        return (
            f"took longer than {self.timeout_s:g} s: the file may be malformed "
            "(raise --file-timeout if it is a large plan)"
        )

    def memory_reason(self) -> str:
        return (
            f"needed more than {self.memory_mb:g} MB of memory: the file may be malformed "
            "(raise --file-memory if it is a large plan)"
        )


class _FileTimeout(BaseException):  # not an Exception: readers that catch those must not swallow it
    pass


@dataclass
class FileResult:
    path: str
    status: str  # loaded | skipped | failed
    rows: int = 0
    reason: str | None = None
    sha256: str | None = None
    detail: str | None = None  # traceback, shown with -v
    warnings: list[str] = field(default_factory=list)  # what the reader skipped, shown with -v


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


_worker: tuple[Normalizer, ExtractSettings, str | None, Limits] | None = None
_pages: Connection | None = None


def _die_with_parent() -> None:
    """A worker whose loader was killed (kill -9) stops at once instead of lingering.
    Workers are children of the fork server (_context), which ends when the
    loader's end of its pipe closes, unless a worker holds a copy of that end:
    each worker closes the copy it inherited, and the kernel kills it when the
    server ends (Linux prctl PR_SET_PDEATHSIG); elsewhere a thread watches the parent."""
    with contextlib.suppress(AttributeError, TypeError, OSError):
        os.close(multiprocessing.forkserver._forkserver._forkserver_alive_fd)  # type: ignore[attr-defined]
    parent = os.getppid()
    try:
        if ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL) == 0:  # 1 = PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the call
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _virtual_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _on_alarm(signum, frame):
    raise _FileTimeout


def _init(
    registry: Registry, settings: ExtractSettings, commune: str | None, limits: Limits, pages: Connection
) -> None:
    """Set up a worker process: it dies with its parent, may grow by at most
    `limits.memory_mb` beyond what it holds once started, and tells `pages`
    of each page it reads (_tell)."""
    global _worker, _pages
    _die_with_parent()
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings are noise beside our one-line errors
    _worker = (Normalizer.build(registry, limits.max_cell_mentions), settings, commune, limits)
    _pages = pages
    os.set_blocking(pages.fileno(), False)
    try:
        cap = _virtual_bytes() + int(limits.memory_mb * 1024 * 1024)
        resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (OSError, ValueError):  # no /proc, or a hard limit already lower
        pass
    signal.signal(signal.SIGALRM, _on_alarm)


def _tell(path: str, number: int, total: int) -> None:
    """Page `number` of `total` of `path` read: one message under PIPE_BUF,
    which the pipe takes whole or not at all, so workers need no lock between
    them and one killed mid-write cannot garble the others'; dropped when the
    pipe is full (it is progress, not data)."""
    message = f"{number} {total} {path}".encode("utf-8", "surrogateescape")
    if _pages is not None and len(message) < 4000:
        with contextlib.suppress(OSError):  # BlockingIOError when full, BrokenPipeError when the parent is gone
            _pages.send_bytes(message)


def _process(path: str):
    """Extract and normalise one file within its time limit:
    (NormalizedDocument, None) or (None, FileResult)."""
    normalizer, settings, commune, limits = _worker
    signal.setitimer(signal.ITIMER_REAL, limits.timeout_s)
    try:
        with progress.pages_to(functools.partial(_tell, path)):
            return normalizer.document(extract(path, settings), commune), None
    except _FileTimeout:
        return None, FileResult(path, "failed", reason=limits.timeout_reason())
    except MemoryError:
        return None, FileResult(path, "failed", reason=limits.memory_reason())
    except ChitieuError as e:  # ExtractError, or a limit of the normalise stage
        return None, FileResult(path, "failed", reason=str(e), detail=traceback.format_exc())
    except Exception as e:  # a reader bug must not stop the batch
        return None, FileResult(
            path, "failed", reason=f"unexpected {type(e).__name__}: {e} ({REPORT})", detail=traceback.format_exc()
        )
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


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
    todo = _pending(files, known, settings, copies)
    workers = _Workers(jobs, (registry, settings, commune, limits), limits, on_page)
    try:
        workers.run(todo, done, save)
    except BaseException:  # Ctrl-C or a store error: stop the workers now, not after their queue
        workers.stop()
        raise
    workers.pool.shutdown()
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


# What a worker needs, imported once by the fork server rather than by each worker.
_PRELOAD = ["__main__", __name__, *(f"chitieu.ingest.{reader}" for reader in ("pdf", "word", "tsv", "xlsx"))]


def _context():
    """Workers are forked from a server process that imported the readers once
    (multiprocessing's forkserver: a clean process, not a fork of this one with
    its threads and connections), so a new worker (at the start, after
    _TASKS_PER_WORKER files, after a crash) costs a fork, not the second a fresh
    interpreter spends on its imports. The server ends when this process does,
    and its workers with it (_die_with_parent)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


class _Workers:
    """Worker processes that survive one of them dying (out of memory, a crash
    in a library) or sticking past its file's time limit where Python cannot
    interrupt it: the pool is then replaced, the stuck file fails, and the
    other files in flight are retried one at a time, so only a file that
    kills its worker on its own fails."""

    def __init__(self, jobs: int, initargs: tuple, limits: Limits, on_page: Callable[[str, int, int], None]):
        self.pages, pages_w = _context().Pipe(duplex=False)
        self.jobs, self.initargs, self.limits, self.on_page = jobs, (*initargs, pages_w), limits, on_page
        self.pool = self._new()
        self.broken = False

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.jobs,
            mp_context=_context(),
            initializer=_init,
            initargs=self.initargs,
            max_tasks_per_child=_TASKS_PER_WORKER,
        )

    def run(self, todo, done, save) -> None:
        inflight: dict = {}
        for item in todo:
            if isinstance(item, FileResult):
                done(item)
                continue
            self._fresh()
            try:
                future = self._submit(item)
            except BrokenProcessPool:  # a worker died since the last result was seen
                self.broken = True
                self._drain(inflight, save, ALL_COMPLETED)  # what was in flight is read again, alone
                self._fresh()
                future = self._submit(item)
            inflight[future] = item
            if len(inflight) >= 2 * self.jobs:
                self._drain(inflight, save, FIRST_COMPLETED)
        while inflight:
            self._drain(inflight, save, ALL_COMPLETED)

    def _submit(self, path: str):
        """Submit a file; the signals that stop the loader (Ctrl-C, SIGTERM,
        SIGHUP) wait while the pool starts a worker for it, so none is left
        half-started, to print a traceback when it finds the loader gone."""
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
        try:
            return self.pool.submit(_process, path)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def _drain(self, inflight: dict, save, how: str) -> None:
        started: dict = {}
        while True:
            finished, _ = wait(inflight, timeout=0.5, return_when=how)
            self._heard()
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
        try:
            outcome = self._submit(path).result(timeout=self.limits.timeout_s + _GRACE_S)
        except FutureTimeout:
            self._kill()
            outcome = None, FileResult(path, "failed", reason=self.limits.timeout_reason())
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
        ever on a result a killed worker had half written."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        for child in multiprocessing.active_children():
            child.kill()
            child.join()
        with contextlib.suppress(AttributeError, OSError):
            self.pool._result_queue._writer.close()  # type: ignore[attr-defined]
