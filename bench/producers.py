"""The whole producer matrix: every seed x producer x layout, read and compared
with the seed's TSV reading (samples/producers.py). Prints one line per failing
cell and the pass rate (cells, and rows read exactly).

    python bench/producers.py [--out DIR] [--producer NAME ...] [--layout NAME ...] [--seed 001 ...]

Generated files are kept in --out (default /tmp/chitieu-producers) and reused.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from samples import producers as P


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/chitieu-producers")
    ap.add_argument("--producer", action="append", choices=sorted(P.PRODUCERS))
    ap.add_argument("--layout", action="append", choices=sorted(P.LAYOUTS))
    ap.add_argument("--seed", action="append", help="a seed's number (000 …), to measure a part")
    args = ap.parse_args()
    producers = args.producer or list(P.PRODUCERS)
    layouts = args.layout or list(P.LAYOUTS)
    cells = passed = rows = exact = 0
    by_producer: dict[str, list[int]] = {}
    start = time.time()
    for seed in P.seeds():
        if args.seed and seed.name[:3] not in args.seed:
            continue
        want = P.expected(seed)
        for producer in producers:
            for layout in layouts:
                if (producer, layout) in P.CANNOT:
                    continue
                cells += 1
                try:
                    got = P.reading(P.render(seed, producer, layout, Path(args.out)))
                    problems = P.diff(want, got)
                except Exception as e:  # a reader error is a failed cell, reported
                    got, problems = {"tables": []}, [f"{type(e).__name__}: {e}"]
                wanted = [r for t in want["tables"] for r in t]
                read = [r for t in got["tables"] for r in t]
                rows += len(wanted)
                exact += sum(1 for r in wanted if r in read)
                ok = not problems
                passed += ok
                by_producer.setdefault(producer, [0, 0])[0] += ok
                by_producer[producer][1] += 1
                if not ok:
                    print(f"FAIL {seed.stem[:3]} {producer} {layout}: {problems[0][:200]}", flush=True)
    for producer, (ok, n) in by_producer.items():
        print(f"{producer:16} {ok}/{n} cells")
    print(
        f"cells passed: {passed}/{cells} ({100 * passed / cells:.1f}%); "
        f"rows read exactly: {exact}/{rows} ({100 * exact / rows:.2f}%); {time.time() - start:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
