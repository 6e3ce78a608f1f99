"""Benchmark: the web pages over a loaded province.

    python bench/web.py [--docs 150] [--requests 40] [--sqlite]

Loads DOCS TSV plans (the seed appendices under other commune names, as in
bench/bench.py) into a fresh PostgreSQL database (or SQLite with --sqlite),
then times through Flask's test client — the whole application, without
the network — the queue page, an indicator page (5G coverage, highlighted
below 70: its chart drawn once, then reused; and below a new value each time,
so the chart is drawn for every request) and a clerk's decision (POST /decide, which re-resolves every
stored row with the mention), REQUESTS times each. Prints p50/p95/max in ms.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chitieu import batch
from bench import COMMUNES, SEEDS, vary  # bench/bench.py, beside this file
from chitieu.ingest import ExtractSettings
from chitieu.store import connect, units
from chitieu.web import create_app

DEFAULT_PG = os.environ.get("CHITIEU_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def plans(folder: Path, n: int) -> list[Path]:
    rng, seeds, out = random.Random(20261202), sorted(SEEDS.glob("*.tsv")), []
    for i in range(n):
        seed = seeds[i % len(seeds)]
        path = folder / f"{i:04d}-{seed.stem}.tsv"
        path.write_text(vary(seed.read_text("utf-8"), COMMUNES[i % len(COMMUNES)], rng) + f"Bản số {i}\n", "utf-8")
        out.append(path)
    return out


def timed(call, n: int) -> list[float]:
    times = []
    for i in range(n):
        start = time.perf_counter()
        response = call(i)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:300])
    return times


def line(name: str, ms: list[float]) -> str:
    p95 = statistics.quantiles(ms, n=20)[-1] if len(ms) >= 20 else max(ms)
    return f"{name:<28} {statistics.median(ms):8.1f} {p95:8.1f} {max(ms):8.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=150)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    ap.add_argument("--pg", default=DEFAULT_PG)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        admin = name = None
        if args.sqlite:
            url = f"sqlite:///{tmp}/bench.db"
        else:
            import psycopg
            from sqlalchemy.engine import make_url

            base = make_url(args.pg)
            name = f"chitieu_bench_{uuid.uuid4().hex[:8]}"
            admin = psycopg.connect(
                host=base.host,
                port=base.port or 5432,
                user=base.username,
                dbname=base.database,
                password=base.password,
                autocommit=True,
            )
            admin.execute(f'CREATE DATABASE "{name}"')
            url = base.set(database=name).render_as_string(hide_password=False)
        try:
            engine = connect(url)
            start = time.perf_counter()
            results = batch.run(plans(Path(tmp), args.docs), engine, ExtractSettings(), jobs=os.cpu_count() or 1)
            rows = sum(r.rows for r in results)
            print(
                f"loaded {len(results)} plans, {rows} rows in {time.perf_counter() - start:.1f} s "
                f"({engine.dialect.name}); {len(units.unresolved(engine))} names in the queue",
                file=sys.stderr,
            )
            client = create_app(engine).test_client()
            page = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            client.post("/login", data={"csrf": token, "name": "bench"})
            queue = units.unresolved(engine)
            targets = [(q["mention"], c["unit"]) for q in queue for c in q["candidates"][:1]]

            def decide(i):
                mention, unit = targets[i % len(targets)]
                return client.post(
                    "/decide", data={"csrf": token, "mention": mention, "to": unit}, headers={"HX-Request": "true"}
                )

            print(f"{'ms over ' + str(args.requests) + ' requests':<28} {'p50':>8} {'p95':>8} {'max':>8}")
            print(line("GET /queue", timed(lambda i: client.get("/queue"), args.requests)))
            print(
                line(
                    "GET /indicators/5G?below=70",
                    timed(lambda i: client.get("/indicators/infra.5g_coverage?below=70"), args.requests),
                )
            )
            print(
                line(
                    "GET /indicators/5G?below=N",
                    timed(  # a new threshold each time: the chart is drawn
                        lambda i: client.get(f"/indicators/infra.5g_coverage?below={50 + i * 0.5:g}"), args.requests
                    ),
                )
            )
            print(line("POST /decide (htmx)", timed(decide, args.requests)))
            print(line("GET /queue after decisions", timed(lambda i: client.get("/queue"), args.requests)))
            engine.dispose()
        finally:
            if admin is not None:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.close()


if __name__ == "__main__":
    main()
