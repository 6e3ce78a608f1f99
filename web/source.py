"""A PDF page of a loaded document as a PNG, with a row marked where its
opening words stand on that page — only when they stand there exactly once
(rows carry no stored box yet; a doubtful mark is worse than none) — and the
crop of one cell by its stored box (OCR review items)."""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

import pdfplumber

RESOLUTION = 110
_WORDS = 4  # opening words of the indicator text searched for


class SourceMissing(Exception):
    """The document's file is not where it was loaded from, or lacks the page."""


def _box(page, text: str) -> tuple[float, float, float, float] | None:
    words = text.split()[:_WORDS]
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    hits = page.search(pattern, regex=True, return_chars=False)
    if len(hits) != 1:
        return None
    h = hits[0]
    return 0, max(h["top"] - 3, 0), page.width, min(h["bottom"] + 3, page.height)


def _page(pdf, path: str, page_no: int):
    if not 1 <= page_no <= len(pdf.pages):
        raise SourceMissing(f"{path} has no page {page_no}")
    return pdf.pages[page_no - 1]


def _open(path: str):
    if not Path(path).is_file():
        raise SourceMissing(f"the file {path} is not there any more")
    return pdfplumber.open(path)


def _png(image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


@lru_cache(maxsize=64)
def page_png(path: str, page_no: int, text: str = "") -> bytes:
    """Page `page_no` (1-based) of the PDF at `path`, the row whose indicator
    text is `text` marked when it can be found."""
    with _open(path) as pdf:
        page = _page(pdf, path, page_no)
        image = page.to_image(resolution=RESOLUTION)
        box = _box(page, text) if text else None
        if box:
            image.draw_rect(box, fill=(255, 200, 0, 70), stroke=(217, 72, 15), stroke_width=2)
        return _png(image)


@lru_cache(maxsize=256)
def crop_png(path: str, page_no: int, box: tuple[float, ...], margin: float = 6) -> bytes:
    """The region `box` (x0, top, x1, bottom in PDF points) of page `page_no`
    with `margin` points around it, at twice the page view's resolution."""
    with _open(path) as pdf:
        page = _page(pdf, path, page_no)
        x0, top, x1, bottom = box
        region = (
            max(x0 - margin, 0),
            max(top - margin, 0),
            min(x1 + margin, page.width),
            min(bottom + margin, page.height),
        )
        return _png(page.crop(region).to_image(resolution=2 * RESOLUTION))
