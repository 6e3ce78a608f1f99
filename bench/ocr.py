"""OCR accuracy and speed on scans of our own samples (tests/scans.py): each
sample's pages scanned at several dpi, turned, noised and JPEG'd, read with
--ocr and compared with the same pages read from the text PDF.

    python bench/ocr.py                       # the default sweep
    python bench/ocr.py --dpi 200 --pages 2   # small: one dpi, first two pages

Prints per scan: seconds per page (wall clock, and CPU of this process and
Tesseract's, which a shared machine does not inflate), row recall/precision (by row number and
page order), indicator text exact, target exact (op, value, unit: the sign
right), target marked for review, CER/WER of the indicator and agency texts
with and without the tone-mark lexicon, and the review items.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from scans import ScanStyle, scan_pdf

from chitieu.ingest import ExtractSettings, ocr, pdf
from chitieu.ingest.assemble import assemble
from chitieu.normalize.targets import parse_target

SAMPLES = {"nghia-son-2026.pdf": [1, 2, 3, 4], "xuan-hung-2026.pdf": [1, 2, 3], "xuan-son-dti-2023.pdf": [1, 2]}


def rows(blocks):
    tables, _ = assemble(blocks)
    return [r for t in tables for r in t.rows]


def rates(got: list[str], want: list[str]) -> tuple[float, float]:
    chars = sum(Levenshtein.distance(a, b) for a, b in zip(got, want)) / max(sum(map(len, want)), 1)
    words = sum(Levenshtein.distance(a.split(), b.split()) for a, b in zip(got, want)) / max(
        sum(len(b.split()) for b in want), 1
    )
    return chars, words


def key(r):
    t, _ = parse_target(r.target, r.unit, "")
    return t and (t.op, t.value, t.value_max, t.unit)


def texts(rs):
    return [r.indicator for r in rs] + [a for r in rs for a in r.agencies.values()]


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the Tesseract runs)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--dpi", type=int, nargs="*", default=[150, 200, 300])
    p.add_argument("--pages", type=int, default=2, help="first N pages of each sample")
    p.add_argument("--samples", nargs="*", default=list(SAMPLES))
    args = p.parse_args()
    total = dict(want=0, got=0, matched=0, ind=0, tgt=0, tgt_rows=0, review=0, pages=0, seconds=0.0, cpu=0.0)
    for name in args.samples:
        source = ROOT / "samples" / "pdf" / name
        pages = SAMPLES[name][: args.pages]
        want = rows([b for b in pdf.read(source.read_bytes(), ExtractSettings()).blocks if b.rows[0].page in pages])
        for dpi in args.dpi:
            style = ScanStyle(dpi=dpi, angle=(-1.2, 0.8, -0.5)[dpi % 3], noise=14, jpeg=65, seed=dpi)
            data = scan_pdf(source, pages, style)
            read = {}
            for correct in (False, True):
                ocr.CORRECT_TONES = correct
                start, cpu = time.perf_counter(), _cpu()
                extraction = pdf.read(data, ExtractSettings(ocr=True))
                read[correct] = (rows(extraction.blocks), time.perf_counter() - start, _cpu() - cpu)
            got, seconds, cpu = read[True]
            pairs = list(zip(got, want)) if [r.row_no for r in got] == [r.row_no for r in want] else []
            matched = len(pairs) or sum(a.row_no == b.row_no for a, b in zip(got, want))
            review = sum(any(i.field == "target" for i in a.ocr.needs_review) for a, _ in pairs)
            ind = sum(a.indicator == b.indicator for a, b in pairs)
            tgt = sum(key(a) == key(b) for a, b in pairs if b.target)
            tgt_rows = sum(bool(b.target) for _, b in pairs)
            before, after = rates(texts(read[False][0]), texts(want)), rates(texts(got), texts(want))
            print(
                f"{name} {dpi} dpi: {seconds / len(pages):.1f} s/page ({cpu / len(pages):.1f} s CPU), rows {len(got)}/{len(want)} "
                f"(same numbers: {bool(pairs)}), indicator exact {ind}/{len(pairs)}, target exact {tgt}/{tgt_rows} "
                f"(review {review}), CER/WER before {before[0]:.2%}/{before[1]:.2%} after {after[0]:.2%}/{after[1]:.2%}"
                f"; warnings {extraction.warnings}"
            )
            for a, b in pairs:
                if key(a) != key(b) and b.target:
                    print(f"   target {a.row_no}: {a.target!r} for {b.target!r}")
            for k, v in dict(
                want=len(want),
                got=len(got),
                matched=matched,
                ind=ind,
                tgt=tgt,
                tgt_rows=tgt_rows,
                review=review,
                pages=len(pages),
                seconds=seconds,
                cpu=cpu,
            ).items():
                total[k] += v
    t = total
    print(
        f"ALL: row recall {t['matched'] / t['want']:.1%} precision {t['matched'] / max(t['got'], 1):.1%}, "
        f"indicator exact {t['ind'] / max(t['matched'], 1):.1%}, target exact {t['tgt'] / max(t['tgt_rows'], 1):.1%} "
        f"(+{t['review']} marked for review), {t['seconds'] / t['pages']:.1f} s/page, "
        f"{t['cpu'] / t['pages']:.1f} s CPU/page (this process and Tesseract's)"
    )


if __name__ == "__main__":
    main()
