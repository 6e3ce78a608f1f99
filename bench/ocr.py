"""OCR accuracy and speed on scans (tests/scans.py): pages scanned at several
dpi, turned, noised and JPEG'd, read with --ocr and compared with the same
pages read from the text PDF, and their agencies with the table read from its
TSV source.

    python bench/ocr.py                          # tuning and held-out sets
    python bench/ocr.py --set tuning --dpi 200   # small: one set, one dpi
    python bench/ocr.py --lexicon                # also CER/WER without the tone-mark lexicon

Two sets: TUNING (our samples' first pages, Liberation fonts as LibreOffice
prints them) and HELD-OUT (other pages, other noise and skew, and two other
seeds rendered by Chromium and reportlab in DejaVu Serif, ruled and
borderless, from samples/producers.py), which is not looked at while tuning.

Prints per scan and per set: seconds per page (wall clock, and CPU of this
process and Tesseract's, which a shared machine does not inflate), row
recall/precision (rows paired by their numbers in page order), indicator
text exact and its character/word error rates, target exact (op, value,
unit: the sign right) with those marked for review and those wrong and not
marked, and agency F1: the lead and coordinating agencies the normalise
stage matches in the OCR'd rows against those it matches in the TSV rows,
wrong matches (a unit the row does not name) counted apart. Every row of the
text PDF counts: a row OCR lost is a miss for each measure.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "samples")]

import producers
from scans import ScanStyle, scan_pdf

from chitieu.ingest import ExtractSettings, extract, ocr, pdf
from chitieu.ingest.assemble import assemble
from chitieu.normalize.pipeline import Normalizer
from chitieu.normalize.targets import parse_target

MATRIX = Path(tempfile.gettempdir()) / "chitieu-ocr-bench"  # producer-matrix PDFs, made once


@dataclass(frozen=True)
class Sample:
    name: str
    seed: str  # file name in ../shared/seeds: the TSV source
    pages: tuple[int, ...]
    pdf: str = ""  # samples/pdf/NAME, or "producer/layout" of the matrix

    def path(self) -> Path:
        if "/" not in self.pdf:
            return ROOT / "samples" / "pdf" / self.pdf
        producer, layout = self.pdf.split("/")
        return producers.render(producers.SEEDS / self.seed, producer, layout, MATRIX)


XUAN_HUNG, NGHIA_SON, XUAN_LOC, DANG_UY, XUAN_SON = (
    "000_ef934199abc40a15.txt",
    "001_3cc3632fc4c285f6.txt",
    "002_30fb5b30dc958fc8.txt",
    "003_c763afa3aa0013af.txt",
    "004_b22ddc6799aeb321.txt",
)
SETS = {
    "tuning": (
        [
            Sample("nghia-son", NGHIA_SON, (1, 2), "nghia-son-2026.pdf"),
            Sample("xuan-hung", XUAN_HUNG, (1, 2), "xuan-hung-2026.pdf"),
            Sample("xuan-son-dti", XUAN_SON, (1, 2), "xuan-son-dti-2023.pdf"),
        ],
        lambda dpi: ScanStyle(dpi=dpi, angle=(-1.2, 0.8, -0.5)[dpi % 3], noise=14, jpeg=65, seed=dpi),
    ),
    "held-out": (
        [
            Sample("nghia-son p3-4", NGHIA_SON, (3, 4), "nghia-son-2026.pdf"),
            Sample("xuan-hung p3", XUAN_HUNG, (3,), "xuan-hung-2026.pdf"),
            Sample("xuan-loc chromium", XUAN_LOC, (9, 10), "chromium/plain"),
            Sample("dang-uy reportlab", DANG_UY, (1, 2), "reportlab/plain"),
            Sample("dang-uy chromium borderless", DANG_UY, (1, 2), "chromium/borderless"),
        ],
        lambda dpi: ScanStyle(dpi=dpi, angle=(1.0, -1.2, 0.6)[dpi % 3], noise=18, jpeg=55, seed=dpi + 7),
    ),
}


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


def pair(got: list, want: list) -> list[tuple]:
    """(OCR row, text-PDF row) pairs of the same row number, in page order."""
    matcher = difflib.SequenceMatcher(None, [r.row_no for r in got], [r.row_no for r in want], autojunk=False)
    return [(got[i + k], want[j + k]) for i, j, n in matcher.get_matching_blocks() for k in range(n)]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sources(want: list, seed: str) -> tuple[dict[int, object], tuple]:
    """Each text-PDF row's row in the TSV source (same number and indicator,
    in order), and the source's commune and level."""
    doc = extract(producers.SEEDS / seed)
    tsv_rows = [r for t in doc.tables for r in t.rows]
    out, start = {}, 0
    for k, row in enumerate(want):
        for j in range(start, len(tsv_rows)):
            if tsv_rows[j].row_no == row.row_no and _flat(tsv_rows[j].indicator) == _flat(row.indicator):
                out[k], start = tsv_rows[j], j + 1
                break
    return out, (doc.meta.commune, doc.meta.level)


def agencies(normalizer: Normalizer, row, where: tuple) -> set[tuple[str, str]]:
    """(role, unit) of the agencies the matcher resolves in a row."""
    return {(m.role, m.unit) for m in normalizer.mentions(row, *where) if m.unit}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the Tesseract runs)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


FIELDS = "want got matched ind ind_chars ind_errors tgt tgt_rows review wrong_tgt ag_gold ag_got ag_tp ag_wrong pages seconds cpu"


def scan(sample: Sample, dpi: int, style: ScanStyle, normalizer: Normalizer, lexicon_too: bool, details: bool) -> dict:
    """One sample scanned in `style`, read and measured; the misread cells are
    printed when `details` (the tuning set only: the held-out one is not looked into)."""
    source = sample.path()
    want = rows([b for b in pdf.read(source.read_bytes(), ExtractSettings()).blocks if b.rows[0].page in sample.pages])
    gold, where = sources(want, sample.seed)
    data = scan_pdf(source, list(sample.pages), style)
    read = {}
    for correct in (False, True) if lexicon_too else (True,):
        ocr.CORRECT_TONES = correct
        start, cpu = time.perf_counter(), _cpu()
        extraction = pdf.read(data, ExtractSettings(ocr=True))
        read[correct] = (rows(extraction.blocks), time.perf_counter() - start, _cpu() - cpu)
    got, seconds, cpu = read[True]
    pairs = pair(got, want)
    index = {id(b): k for k, b in enumerate(want)}
    t = dict.fromkeys(FIELDS.split(), 0)
    t.update(want=len(want), got=len(got), matched=len(pairs), pages=len(sample.pages), seconds=seconds, cpu=cpu)
    t["ind"] = sum(a.indicator == b.indicator for a, b in pairs)
    t["ind_chars"] = sum(len(b.indicator) for b in want)
    t["ind_errors"] = sum(Levenshtein.distance(a.indicator, b.indicator) for a, b in pairs) + sum(
        len(b.indicator) for b in want if id(b) not in {id(y) for _, y in pairs}
    )
    t["tgt_rows"] = sum(bool(b.target) for b in want)
    misread = [
        f"   indicator {a.row_no}: {a.indicator!r} for {b.indicator!r}" for a, b in pairs if a.indicator != b.indicator
    ]
    for a, b in pairs:
        if not b.target:
            continue
        marked = a.ocr and any(i.field == "target" for i in a.ocr.needs_review)
        if key(a) == key(b):
            t["tgt"] += 1
        elif marked:
            t["review"] += 1
        else:
            t["wrong_tgt"] += 1
            misread.append(f"   target {a.row_no}: {a.target!r} for {b.target!r}")
    paired = {index[id(b)]: a for a, b in pairs}
    for k, b in enumerate(want):
        truth = agencies(normalizer, gold.get(k, b), where)
        found = agencies(normalizer, paired[k], where) if k in paired else set()
        t["ag_gold"] += len(truth)
        t["ag_got"] += len(found)
        t["ag_tp"] += len(found & truth)
        units = {u for _, u in truth}
        wrong = {f for f in found - truth if f[1] not in units}
        t["ag_wrong"] += len(wrong)
        misread += [f"   agency {paired[k].row_no}: {u!r} ({r}) from {paired[k].agencies.get(r)!r}" for r, u in wrong]
    texts = [(a.indicator, b.indicator) for a, b in pairs]
    cer, wer = rates([a for a, _ in texts], [b for _, b in texts])
    lexicon = ""
    if lexicon_too:
        plain = pair(read[False][0], want)
        off = rates([a.indicator for a, _ in plain], [b.indicator for _, b in plain])
        lexicon = f", without lexicon {off[0]:.2%}/{off[1]:.2%}"
    print(
        f"{sample.name} {dpi} dpi: {seconds / t['pages']:.1f} s/page ({cpu / t['pages']:.1f} s CPU), "
        f"rows {len(pairs)}/{len(want)} (read {len(got)}), indicator exact {t['ind']}, CER/WER {cer:.2%}/{wer:.2%}"
        f"{lexicon}, target exact {t['tgt']}/{t['tgt_rows']} (review {t['review']}, wrong {t['wrong_tgt']}), "
        f"agencies {t['ag_tp']}/{t['ag_gold']} (found {t['ag_got']}, wrong {t['ag_wrong']}, "
        f"{len(gold)}/{len(want)} rows from the TSV); warnings {extraction.warnings}",
        flush=True,
    )
    if details and misread:
        print("\n".join(misread), flush=True)
    return t


def summary(name: str, t: dict) -> str:
    f1 = 2 * t["ag_tp"] / max(t["ag_gold"] + t["ag_got"], 1)
    return (
        f"{name}: row recall {t['matched'] / t['want']:.1%} precision {t['matched'] / max(t['got'], 1):.1%}, "
        f"indicator exact {t['ind'] / t['want']:.1%} (CER {t['ind_errors'] / max(t['ind_chars'], 1):.2%}), "
        f"target exact {t['tgt'] / max(t['tgt_rows'], 1):.1%} (+{t['review']} marked for review, "
        f"{t['wrong_tgt']} wrong unmarked), agency F1 {f1:.1%} ({t['ag_tp']}/{t['ag_gold']}, found {t['ag_got']}, "
        f"{t['ag_wrong']} wrong), {t['seconds'] / t['pages']:.1f} s/page, "
        f"{t['cpu'] / t['pages']:.1f} s CPU/page (this process and Tesseract's)"
    )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--set", nargs="*", default=list(SETS), choices=list(SETS))
    p.add_argument("--dpi", type=int, nargs="*", default=[150, 200, 300])
    p.add_argument("--samples", nargs="*", help="only the samples whose name starts so")
    p.add_argument("--lexicon", action="store_true", help="also read without the tone-mark lexicon")
    args = p.parse_args()
    normalizer = Normalizer.build()
    lines = []
    for name in args.set:
        samples, style = SETS[name]
        total = dict.fromkeys(FIELDS.split(), 0)
        for sample in samples:
            if args.samples and not any(sample.name.startswith(s) for s in args.samples):
                continue
            for dpi in args.dpi:
                for k, v in scan(sample, dpi, style(dpi), normalizer, args.lexicon, name == "tuning").items():
                    total[k] += v
        if total["pages"]:
            lines.append(summary(name.upper(), total))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
