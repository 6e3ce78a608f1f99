"""Where a reader reports the pages it has read, for a progress line: the
PDF reader calls `page_read` after each page; whoever runs the readers (a
batch worker) says where the reports go with `pages_to`. Reports go nowhere
by default."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

_report: Callable[[int, int], None] | None = None


@contextlib.contextmanager
def pages_to(report: Callable[[int, int], None]) -> Iterator[None]:
    """Within the block, `report(number, total)` is called after each page read."""
    global _report
    previous, _report = _report, report
    try:
        yield
    finally:
        _report = previous


def page_read(number: int, total: int) -> None:
    if _report is not None:
        _report(number, total)
