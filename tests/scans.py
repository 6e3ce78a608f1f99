"""Scans of our own sample PDFs, made the way a scanner or a phone makes them:
pages rendered at a dpi (pdftoppm), turned a little, grey noise added,
JPEG-compressed, and put back into an image-only PDF. Used by tests/test_ocr.py
and bench/ocr.py."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class ScanStyle:
    """How a page is scanned."""

    dpi: int = 200
    angle: float = 0.0  # degrees, anticlockwise
    noise: float = 0.0  # standard deviation of grey noise (0-255 scale)
    jpeg: int | None = None  # JPEG quality, None for lossless
    seed: int = 0


def render(pdf: Path, pages: list[int], dpi: int) -> list[Image.Image]:
    """Pages (1-based) of a PDF as grey images, by pdftoppm."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for page in pages:
            stem = Path(tmp) / f"p{page}"
            subprocess.run(
                [
                    "pdftoppm",
                    "-gray",
                    "-png",
                    "-r",
                    str(dpi),
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-singlefile",
                    str(pdf),
                    str(stem),
                ],
                check=True,
            )
            with Image.open(f"{stem}.png") as im:
                out.append(im.convert("L"))
    return out


def degrade(image: Image.Image, style: ScanStyle) -> Image.Image:
    """A page image turned, noised and JPEG'd as `style` says."""
    if style.angle:
        image = image.rotate(style.angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if style.noise:
        rng = np.random.default_rng(style.seed)
        pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, style.noise, (image.height, image.width))
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if style.jpeg:
        buffer = BytesIO()
        image.save(buffer, "JPEG", quality=style.jpeg)
        image = Image.open(BytesIO(buffer.getvalue())).convert("L")
    return image


def scan_pdf(pdf: Path, pages: list[int], style: ScanStyle) -> bytes:
    """An image-only PDF of the given pages of `pdf`, scanned in `style`."""
    images = [degrade(im, style) for im in render(pdf, pages, style.dpi)]
    buffer = BytesIO()
    images[0].save(buffer, "PDF", resolution=float(style.dpi), save_all=True, append_images=images[1:])
    return buffer.getvalue()


def smudged_scan(pdf: Path, word: str, out: Path, dpi: int = 200) -> dict:
    """Page 1 of `pdf` scanned at `dpi` into `out`, with an ink blot over the
    word `word` (its cell then reads with doubt); returns that word's box."""
    import pdfplumber

    image = render(pdf, [1], dpi)[0]
    with pdfplumber.open(pdf) as f:
        cell = next(w for w in f.pages[0].extract_words() if w["text"] == word)
    k = dpi / 72
    x0, y0, x1, y1 = map(round, (cell["x0"] * k - 22, cell["top"] * k - 6, cell["x1"] * k + 4, cell["bottom"] * k + 6))
    pixels = np.asarray(image).copy()
    noise = np.random.default_rng(0).integers(0, 255, pixels.shape, dtype=np.uint8)
    pixels[y0:y1, x0:x1] = np.minimum(pixels[y0:y1, x0:x1], noise[y0:y1, x0:x1] | 96)
    Image.fromarray(pixels).save(out, "PDF", resolution=float(dpi))
    return cell
