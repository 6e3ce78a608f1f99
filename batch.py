"""The ingest job: files -> extract -> normalise (worker processes) -> store.

Workers read and normalise; the parent process alone writes, one transaction
per document, so a failure or a kill never leaves half a document, and a
rerun skips every file whose sha256 is already stored.
"""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import stat
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from chitieu.ingest import ExtractError, ExtractSettings, extract
from chitieu.ingest.exceptions import TooLarge
from chitieu.normalize.pipeline import Normalizer
from chitieu.normalize.indicators import load_catalog
from chitieu.normalize.registry import Registry, load_registry
from chitieu.store import load, registry as store_registry
from chitieu.store.exceptions import StoreError

SUFFIXES = {".tsv", ".txt", ".docx", ".doc", ".pdf", ".odt", ".xlsx", ".xls"}   # the last ones get a line saying how to convert them
_TASKS_PER_WORKER = 40   # recycle workers so memory stays flat over long batches


@dataclass
class FileResult:
    path: str
    status: str                  # loaded | skipped | failed
    rows: int = 0
    reason: str | None = None
    sha256: str | None = None
    detail: str | None = None    # traceback, shown with -v
    warnings: list[str] = field(default_factory=list)   # what the reader skipped, shown with -v


def collect(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest (folders searched recursively for plan files), and
    failures for paths that do not exist."""
    files: list[Path] = []
    missing: list[FileResult] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES and not f.is_dir()
                            and not any(part.startswith(".") for part in f.relative_to(p).parts))
        elif p.exists() or p.is_symlink():
            files.append(p)
        else:
            missing.append(FileResult(str(p), "failed", reason="no such file or folder"))
    seen, unique = set(), []
    for f in files:
        key = os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, missing


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_worker: tuple[Normalizer, ExtractSettings, str | None] | None = None


def _exit_with_parent() -> None:
    """A worker whose parent was killed (kill -9) stops instead of lingering."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _init(registry: Registry, settings: ExtractSettings, commune: str | None, worker: bool = False) -> None:
    global _worker
    logging.getLogger("pdfminer").setLevel(logging.ERROR)   # its warnings are noise beside our one-line errors
    if worker:
        threading.Thread(target=_exit_with_parent, daemon=True).start()
    _worker = (Normalizer.build(registry), settings, commune)


def _process(path: str):
    """Extract and normalise one file: (NormalizedDocument, None) or (None, FileResult)."""
    normalizer, settings, commune = _worker
    try:
        return normalizer.document(extract(path, settings), commune), None
    except ExtractError as e:
        return None, FileResult(path, "failed", reason=str(e), detail=traceback.format_exc())
    except Exception as e:  # a reader bug must not stop the batch
        return None, FileResult(path, "failed", reason=f"unexpected {type(e).__name__}: {e}",
                                detail=traceback.format_exc())


def _pending(files: list[Path], known: set[str], settings: ExtractSettings) -> Iterator[FileResult | str]:
    """Files still to process, or a result for those decided without parsing."""
    limit = settings.max_mb * 1024 * 1024
    for f in files:
        try:
            info = f.stat()
            if not stat.S_ISREG(info.st_mode):
                yield FileResult(str(f), "failed", reason="not a regular file (a pipe, device or socket)")
                continue
            if info.st_size > limit:
                yield FileResult(str(f), "failed", reason=str(TooLarge.file(info.st_size, settings.max_mb)))
                continue
            digest = sha256_of(f)
        except OSError as e:
            broken = f.is_symlink() and not f.exists()
            yield FileResult(str(f), "failed", reason="broken link: its target is missing" if broken
                             else f"cannot read: {e.strerror or e}")
            continue
        if digest in known:
            yield FileResult(str(f), "skipped", reason="already loaded", sha256=digest)
        else:
            known.add(digest)
            yield str(f)


def run(files: list[Path], engine, settings: ExtractSettings, *, jobs: int = 1,
        commune: str | None = None, on_result: Callable[[FileResult], None] = lambda r: None) -> list[FileResult]:
    """Ingest `files` into `engine`; every file ends as one FileResult."""
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
        except StoreError as e:
            return done(FileResult(path, "failed", reason=str(e), sha256=doc.sha256))
        except Exception as e:
            return done(FileResult(path, "failed", reason=f"database error: {type(e).__name__}: {str(e).splitlines()[0]}",
                                   sha256=doc.sha256, detail=traceback.format_exc()))
        reason = None if saved.status == "loaded" else "already loaded"
        done(FileResult(path, saved.status, saved.rows, reason, doc.sha256, warnings=doc.warnings))

    todo = _pending(files, known, settings)
    if jobs <= 1:
        _init(registry, settings, commune)
        for item in todo:
            done(item) if isinstance(item, FileResult) else save(item, _process(item))
        return results

    workers = _Workers(jobs, (registry, settings, commune, True))
    try:
        workers.run(todo, done, save)
    except BaseException:   # Ctrl-C or a store error: stop the workers now, not after their queue
        workers.stop()
        raise
    workers.pool.shutdown()
    return results


class _Workers:
    """Worker processes that survive one of them dying (out of memory, a crash
    in a library): the files then in flight are retried one at a time, so
    only a file that kills its worker on its own fails."""

    def __init__(self, jobs: int, initargs: tuple):
        self.jobs, self.initargs = jobs, initargs
        self.pool = self._new()
        self.broken = False

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_init,
                                   initargs=self.initargs, max_tasks_per_child=_TASKS_PER_WORKER)

    def run(self, todo, done, save) -> None:
        inflight: dict = {}
        for item in todo:
            if isinstance(item, FileResult):
                done(item)
                continue
            inflight[self.pool.submit(_process, item)] = item
            if len(inflight) >= 2 * self.jobs:
                self._drain(inflight, save, FIRST_COMPLETED)
        self._drain(inflight, save, ALL_COMPLETED)

    def _drain(self, inflight: dict, save, how: str) -> None:
        finished, _ = wait(inflight, return_when=how)
        suspects = []
        for fut in finished:
            path = inflight.pop(fut)
            try:
                save(path, fut.result())
            except BrokenProcessPool:
                suspects.append(path)
            except Exception as e:   # e.g. a result that cannot be unpickled
                save(path, (None, FileResult(path, "failed", reason=f"worker error: {type(e).__name__}: {e}",
                                             detail=traceback.format_exc())))
        if suspects:
            self.broken = True
            suspects += inflight.values()   # the rest in flight died with the pool
            inflight.clear()
            for path in suspects:
                self._alone(path, save)

    def _alone(self, path: str, save) -> None:
        if self.broken:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool, self.broken = self._new(), False
        try:
            outcome = self.pool.submit(_process, path).result()
        except BrokenProcessPool:
            self.broken = True
            outcome = None, FileResult(path, "failed", reason="the reader process died on this file "
                                       "(out of memory, or a crash in a library)", detail=traceback.format_exc())
        save(path, outcome)

    def stop(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        for child in multiprocessing.active_children():
            child.terminate()
