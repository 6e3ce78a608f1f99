"""What runs in a worker process of the ingest job (batch.py): its set-up,
one file read and normalised under its limits, its page reports. It imports
the extract and normalise stages only, not the store, so the fork server
that workers start from imports no more than they need (batch._context)."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import resource
import signal
import threading
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from chitieu.ingest import ExtractSettings, extract, progress
from chitieu.ingest.exceptions import ChitieuError
from chitieu.normalize.pipeline import Normalizer
from chitieu.normalize.registry import Registry

REPORT = "a bug in chitieu: please report it with this file; -v shows the details"


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


def init(registry: Registry, settings: ExtractSettings, commune: str | None, limits: Limits, pages: Connection) -> None:
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


def process(path: str):
    """Extract and normalise one file within its time limit:
    (NormalizedDocument, None) or (None, FileResult)."""
    assert _worker is not None, "init() sets a worker up first"
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
