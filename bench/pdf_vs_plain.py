"""How many target rows come out whole: pdfplumber's plain `extract_tables()`
versus chitieu's PDF ingest, on the PDF samples.

    python3 bench/pdf_vs_plain.py

The expected rows are the seed appendices' rows as chitieu reads the TSV
seeds (samples/tsv), plus the long rows samples/make_pdf.py adds. A row is
intact when its full indicator text appears whole in one row of one table.
"plain" is pdfplumber's default (lines) strategy, "plain text-strategy" its
text strategy; the times are for the default parse and chitieu's extract.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

from chitieu.ingest import extract  # noqa: E402
from make_pdf import EXTRA_XUAN_HUNG  # noqa: E402
from chitieu.normalize.text import fold  # noqa: E402

SAMPLES = {
    "xuan-hung-2026.pdf": ("xuan-hung-phan-cong-chi-tieu-2026.tsv", [row[1] for _, row in EXTRA_XUAN_HUNG]),
    "nghia-son-2026.pdf": ("nghia-son-muc-tieu-2026.tsv", []),
    "xuan-son-dti-2023.pdf": ("xuan-son-dti-2023.tsv", []),
    "xuan-hung-borderless-2026.pdf": ("xuan-hung-phan-cong-chi-tieu-2026.tsv", []),
}


def expected(tsv: str, extra: list[str]) -> list[str]:
    doc = extract(ROOT / "samples" / "tsv" / tsv)
    return [fold(r.indicator) for t in doc.tables for r in t.rows] + [fold(e) for e in extra]


def plain_rows(path: Path, settings: dict | None = None) -> tuple[list[str], float, int]:
    """Folded row texts of pdfplumber's extract_tables() (default settings
    unless given), the time it took, pages."""
    start = time.perf_counter()
    rows = []
    with pdfplumber.open(path) as pdf:
        pages = len(pdf.pages)
        for page in pdf.pages:
            for table in page.extract_tables(settings):
                rows += [fold(" ".join((c or "").replace("\n", " ") for c in row)) for row in table]
            page.close()
    return rows, time.perf_counter() - start, pages


def main() -> None:
    print(
        f"{'sample':30} {'pages':>5} {'rows':>5} {'plain intact':>13} {'plain text-strategy':>20} "
        f"{'chitieu intact':>15} {'plain s':>8} {'chitieu s':>10}"
    )
    for name, (tsv, extra) in SAMPLES.items():
        path = ROOT / "samples" / "pdf" / name
        wanted = expected(tsv, extra)
        rows, plain_time, pages = plain_rows(path)
        text_rows, _, _ = plain_rows(path, {"vertical_strategy": "text", "horizontal_strategy": "text"})
        start = time.perf_counter()
        doc = extract(path)
        ours_time = time.perf_counter() - start
        ours = [fold(r.indicator) for t in doc.tables for r in t.rows]
        plain_ok = sum(any(w in row for row in rows) for w in wanted)
        text_ok = sum(any(w in row for row in text_rows) for w in wanted)
        ours_ok = sum(w in ours for w in wanted)
        print(
            f"{name:30} {pages:5} {len(wanted):5} {plain_ok:13} {text_ok:20} {ours_ok:15} "
            f"{plain_time:8.2f} {ours_time:10.2f}"
        )


if __name__ == "__main__":
    main()
