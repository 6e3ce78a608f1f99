"""`chitieu documents` and copies of one plan, on SQLite and PostgreSQL with
the bundled samples (the five seed plans as TSV, and again as DOCX and PDF)."""

import hashlib
import json
import random
import re
import subprocess
import sys
from collections import defaultdict, namedtuple
from datetime import date

import pytest
from alembic import command
from alembic.config import Config
from click.testing import CliRunner
from sqlalchemy import insert, select
from sqlalchemy import text as sql

from chitieu.cli import main
from chitieu.ingest.metadata import commune_name
from chitieu.store import connect, db as store_db, queries
from chitieu.store.db import writer
from chitieu.store.documents import copies_of, delete_document, relink, set_metadata
from chitieu.store.models import DocumentT
from chitieu.store.export import iter_records
from chitieu.web import create_app

from conftest import SAMPLES, SHARED
from test_web import Browser, text

TSV = SAMPLES / "tsv"
XUAN_LOC = TSV / "xuan-loc-ke-hoach-cds-2026.tsv"


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def ingest(db_url, *paths, commune=None):
    result = run("ingest", *paths, "--db", db_url, "--jobs", 1, *(["--commune", commune] if commune else []))
    assert result.exit_code == 0, result.stderr
    return result


def analyst_pages(db_url) -> dict[str, object]:
    """What the analyst pages count: indicators × communes and rows, the 5G
    table, agencies' load and the coverage grid."""
    engine = connect(db_url)
    browser = Browser(create_app(engine))
    browser.sign_in()
    listing = text(browser.get("/indicators"))
    five_g = text(browser.get("/indicators/infra.5g_coverage?below=70"))
    agencies = text(browser.get("/agencies"))
    grid = text(browser.get("/coverage"))
    engine.dispose()
    return {
        "indicators": re.findall(r'class="muted">([a-z_.0-9]+)</td><td class="num">(\d+)</td>', listing),
        "5g": re.findall(r"<strong>\d+</strong> of \d+ targets below 70", five_g)
        + re.findall(r'<tr(?: class="below")?>\s*<td>([^<]+)</td><td>([^<]+)</td>', five_g),
        "agencies": re.findall(r'<tr><td>([^<]+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>', agencies),
        "coverage": grid[grid.index("<table") : grid.index("</table>")],
    }


# --- the commune as a person gives it -------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_a_commune_is_stored_without_its_level_word_whatever_the_spelling(seed):
    rng = random.Random(seed)
    syllables = ["Đông", "Hòa", "Xuân", "Lộc", "Nghĩa", "Sơn", "Ea", "Kar", "Phước", "Thủy", "Bình", "An"]
    for _ in range(200):
        name = " ".join(rng.sample(syllables, rng.randint(1, 3)))
        level = rng.choice(["", "xã ", "Xã ", "XÃ ", "phường ", "Phường ", "thị trấn ", "Thị  trấn "])
        spelled = rng.choice([str.upper, str.lower, str.title, lambda t: t])(level + name)
        spaced = rng.choice(["", " ", "\t"]) + spelled.replace(" ", rng.choice([" ", "  "])) + rng.choice(["", " "])
        assert commune_name(spaced) == name, spaced
    assert commune_name("") is None and commune_name("xã") is None and commune_name(None) is None


def test_ingest_commune_goes_through_the_same_reading(db_url):
    ingest(db_url, XUAN_LOC, commune="xã Đông Hòa")
    engine = connect(db_url)
    assert {r["document"]["commune"] for r in iter_records(engine)} == {"Đông Hòa"}
    engine.dispose()


# --- the rule, on generated plans -------------------------------------------------------

Doc = namedtuple("Doc", "id commune plan_number issued_on year rows_digest format sha256")


def generated(rng: random.Random, plans: int = 9) -> list[tuple[int, dict]]:
    """(plan, document fields) of several plans stored a few times each, in
    shuffled order; some copies miss metadata, some plans share a template's rows."""
    stored = []
    for p in range(rng.randint(2, plans)):
        meta = dict(commune=f"Xã {p}", plan_number=f"{p}/KH-UBND", issued_on=date(2026, 1 + p % 12, 1 + p), year=2026)
        shared = rng.random() < 0.5  # rows of a template other communes use too
        digest = f"template-{p % 3}" if shared else f"rows-{p}"
        for c in range(rng.randint(1, 4)):
            fields = dict(
                meta,
                rows_digest=digest if c == 0 or rng.random() < 0.7 else f"rows-{p}-{c}",
                format=rng.choice(["docx", "tsv", "pdf"]),
                sha256=f"{rng.getrandbits(256):064x}",
            )
            if c and rng.random() < 0.6:  # a copy whose title lines were read only in part
                fields.update({k: None for k in meta if rng.random() < 0.5 and not (shared and k == "commune")})
            stored.append((p, fields))
    rng.shuffle(stored)
    return stored


@pytest.mark.parametrize("seed", range(30))
def test_copies_are_found_by_metadata_or_rows_and_never_across_a_contradiction(seed):
    """Generated plans, each stored several times in shuffled order, some
    copies missing metadata; some plans are communes' versions of one
    template (the same rows, another commune). Two copies of a plan with the
    full metadata equal, or the same rows and nothing contradicting, are
    found to be one plan; documents of two plans never are; the first stored
    document of a plan is the one counted."""
    stored = generated(random.Random(seed))
    docs = [Doc(i, **fields) for i, (_, fields) in enumerate(stored, 1)]
    plan = {i: p for i, (p, _) in enumerate(stored, 1)}
    linked = copies_of(docs)
    counted = {d.id: linked[d.id] or d.id for d in docs}

    def evidence(a, b):
        full = all(
            getattr(a, f) is not None and getattr(a, f) == getattr(b, f)
            for f in ("commune", "plan_number", "issued_on")
        )
        agree = all(
            None in (getattr(a, f), getattr(b, f)) or getattr(a, f) == getattr(b, f)
            for f in ("commune", "plan_number", "issued_on", "year")
        )
        return (full or a.rows_digest == b.rows_digest) and agree

    for a in docs:
        for b in docs:
            if plan[a.id] != plan[b.id]:
                assert counted[a.id] != counted[b.id], (a, b)
            elif evidence(a, b):
                assert counted[a.id] == counted[b.id], (a, b)
    faithful = {"docx": 0, "tsv": 1, "pdf": 2}
    for i, c in counted.items():
        plan_docs = [d for d in docs if counted[d.id] == c]
        best = min(
            plan_docs,
            key=lambda d: (faithful[d.format], [d.commune, d.plan_number, d.issued_on].count(None), d.sha256),
        )
        assert c == best.id and linked[c] is None
    # loaded in another order, the same documents are counted
    again = [Doc(i, *d[1:]) for i, d in enumerate(random.Random(seed + 1).sample(docs, len(docs)), 1)]
    relinked = copies_of(again)
    assert {d.sha256 for d in again if relinked[d.id] is None} == {d.sha256 for d in docs if linked[d.id] is None}


def stored_links(engine) -> dict[int, int | None]:
    with engine.connect() as conn:
        return dict(conn.execute(select(DocumentT.id, DocumentT.copy_of)).all())


def worked_out_again(engine) -> dict[int, int | None]:
    with engine.connect() as conn:
        return copies_of(conn.execute(select(*(getattr(DocumentT, f) for f in Doc._fields))).all())


@pytest.mark.parametrize("seed", range(3))
def test_copies_kept_as_documents_come_and_go_equal_working_them_all_out_again(engine, seed):
    """Each store, delete and correction relinks only the plans it can touch;
    the result is always that of the rule over every document."""
    rng = random.Random(100 + seed)
    for n, (_, fields) in enumerate(generated(rng, plans=12)):
        with writer(engine).begin() as conn:
            values = dict(fields, source=f"{n}.{fields['format']}", path=f"{n}", warnings=[])
            relink(conn, {conn.scalar(insert(DocumentT).values(**values).returning(DocumentT.id))})
        assert stored_links(engine) == worked_out_again(engine)
    for _ in range(15):
        ids = sorted(stored_links(engine))
        if rng.random() < 0.5:
            delete_document(engine, rng.choice(ids))
        else:
            p = rng.randrange(12)
            change = rng.choice([{"commune": f"xã Xã {p}"}, {"commune": ""}, {"plan_number": f"{p}/KH-UBND"}])
            set_metadata(engine, rng.choice(ids), **change)
        assert stored_links(engine) == worked_out_again(engine)


# --- the samples: one plan in several formats -----------------------------------------


def test_copies_in_other_formats_change_no_count(db_url):
    ingest(db_url, TSV)
    before_targets = run("targets", "--indicator", "infra.5g_coverage", "--db", db_url).stdout
    before_pages = analyst_pages(db_url)
    ingest(db_url, SAMPLES / "docx", SAMPLES / "pdf")
    after_targets = run("targets", "--indicator", "infra.5g_coverage", "--db", db_url).stdout
    # a DOCX is counted before a TSV (of two, the smaller sha256), and the rows are the same
    nghia_son = min(SAMPLES.glob("docx/nghia-son-*.docx"), key=sha).name
    assert after_targets.splitlines() == [
        "Commune    Target  Lead agency                  Source",
        "?          ≥ 95%   Các doanh nghiệp viễn thông  dang-uy-nq57-muc-tieu-2026.tsv #1",
        f"Nghĩa Sơn  ≥ 70%   Các doanh nghiệp viễn thông  {nghia_son} #1",
        "Xuân Hưng  ≥ 95%   Phòng Văn hóa - Xã hội       xuan-hung-phan-cong-chi-tieu-2026.docx #2.1",
        "Xuân Lộc   ≥ 50%   -                            xuan-loc-ke-hoach-cds-2026.tsv #1",
    ]
    assert before_targets.splitlines() == [
        "Commune    Target  Lead agency                  Source",
        "?          ≥ 95%   Các doanh nghiệp viễn thông  dang-uy-nq57-muc-tieu-2026.tsv #1",
        "Nghĩa Sơn  ≥ 70%   Các doanh nghiệp viễn thông  nghia-son-muc-tieu-2026.tsv #1",
        "Xuân Hưng  ≥ 95%   Phòng Văn hóa - Xã hội       xuan-hung-phan-cong-chi-tieu-2026.tsv #2.1",
        "Xuân Lộc   ≥ 50%   -                            xuan-loc-ke-hoach-cds-2026.tsv #1",
    ]
    after_pages = analyst_pages(db_url)
    assert after_pages == before_pages
    assert ("infra.5g_coverage", "3") in after_pages["indicators"]
    assert after_pages["5g"][0] == "<strong>1</strong> of 4 targets below 70"
    engine = connect(db_url)
    docs = queries.documents(engine)
    every = list(iter_records(engine))
    counted = list(iter_records(engine, copies=False))
    assert (len(docs), sum(d.copy_of is None for d in docs)) == (13, 5)
    browser = Browser(create_app(engine))
    browser.sign_in()
    page = text(browser.get("/documents"))
    assert page.count("<td>copy of <a ") == 8 and page.count("<td>counted; copies ") == 3
    engine.dispose()
    assert (len(every), len(counted)) == (670, 234)  # the export keeps every document; 234 = the TSV seeds


def test_sql_leaves_copies_out_with_copy_of_is_null(db_url):
    ingest(db_url, TSV, SAMPLES / "pdf")
    engine = connect(db_url)
    with engine.connect() as conn:
        query = (
            "SELECT d.commune, COUNT(*) FROM target_rows r JOIN documents d ON d.id = r.document_id "
            "WHERE r.indicator_code = 'infra.5g_coverage' {} GROUP BY d.commune"
        )
        every = conn.execute(sql(query.format(""))).all()
        counted = conn.execute(sql(query.format("AND d.copy_of IS NULL"))).all()
    engine.dispose()
    assert dict(every) == {"Nghĩa Sơn": 2, "Xuân Hưng": 3, "Xuân Lộc": 1, None: 1}
    assert dict(counted) == {"Nghĩa Sơn": 1, "Xuân Hưng": 1, "Xuân Lộc": 1, None: 1}


def test_a_file_saved_again_is_a_copy_and_a_template_of_another_commune_is_not(db_url, tmp_path):
    original = XUAN_LOC.read_text("utf-8")
    resaved = tmp_path / "xuan-loc-saved-again.tsv"
    resaved.write_text(original.replace("\n", "\r\n"), "utf-8")  # another hash, the same plan
    other = tmp_path / "dong-hoa-from-the-template.tsv"
    other.write_text(original.replace("Xuân Lộc", "Đông Hòa"), "utf-8")  # the same rows, another commune
    ingest(db_url, XUAN_LOC, resaved, other)
    engine = connect(db_url)
    found = {d.source: (d.id, d.commune, d.copy_of) for d in queries.documents(engine)}
    rows = defaultdict(list)
    for r in iter_records(engine):
        rows[r["document"]["source"]].append((r["row_no"], r["indicator_text"], r["target"]))
    engine.dispose()
    assert len(rows[other.name]) == 30 and rows[other.name] == rows[XUAN_LOC.name]  # the name is in no row
    first, second = sorted([(XUAN_LOC, 1), (resaved, 2)], key=lambda f: sha(f[0]))  # the smaller sha256 is counted
    assert found == {
        first[0].name: (first[1], "Xuân Lộc", None),
        second[0].name: (second[1], "Xuân Lộc", first[1]),
        other.name: (3, "Đông Hòa", None),
    }


def test_the_migration_fills_in_copies_of_a_store_loaded_before_it(db_url):
    ingest(db_url, TSV, SAMPLES / "pdf")
    engine = connect(db_url)
    wanted = {d.id: d.copy_of for d in queries.documents(engine)}
    assert wanted == {1: None, 2: None, 3: None, 4: None, 5: None, 6: 2, 7: 3, 8: 3, 9: 5}  # TSV 1-5, then PDF
    cfg = Config()
    cfg.set_main_option("script_location", str(store_db._MIGRATIONS))
    with store_db.writer(engine).begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005")
    engine.dispose()
    engine = connect(db_url)  # upgrades again, filling in copy_of from the stored rows
    assert {d.id: d.copy_of for d in queries.documents(engine)} == wanted
    assert len(list(iter_records(engine))) == 234 + 29 + 57 + 55 + 91  # no row lost going down and up
    engine.dispose()


@pytest.mark.skipif(not (SHARED / "contract" / "check_export.py").exists(), reason="needs ../shared (the contract)")
def test_the_export_keeps_every_document_and_names_the_counted_one(db_url, tmp_path):
    ingest(db_url, TSV, SAMPLES / "docx")
    out = tmp_path / "export.jsonl"
    run("export", "--db", db_url, "-o", out)
    check = subprocess.run(
        [sys.executable, str(SHARED / "contract" / "check_export.py"), str(out)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout
    assert check.stdout.strip().endswith("438 rows, 0 problems")  # 234 TSV + 204 DOCX
    docs = {}
    for line in out.read_text("utf-8").splitlines():
        d = json.loads(line)["document"]
        docs[d["source"], d["format"]] = d
    nghia_son = min(SAMPLES.glob("docx/nghia-son-*.docx"), key=sha)
    counted = {  # a DOCX before a TSV; of two DOCX, the smaller sha256
        "nghia-son-muc-tieu-2026": sha(nghia_son),
        "xuan-hung-phan-cong-chi-tieu-2026": sha(SAMPLES / "docx" / "xuan-hung-phan-cong-chi-tieu-2026.docx"),
        "xuan-son-dti-2023": sha(SAMPLES / "docx" / "xuan-son-dti-2023.docx"),
    }
    assert {source: d["copy_of"] for (source, _), d in docs.items()} == {
        "dang-uy-nq57-muc-tieu-2026.tsv": None,
        "xuan-loc-ke-hoach-cds-2026.tsv": None,
        "nghia-son-muc-tieu-2026.tsv": counted["nghia-son-muc-tieu-2026"],
        "nghia-son-muc-tieu-2026.docx": None if nghia_son.name.endswith("2026.docx") else sha(nghia_son),
        "nghia-son-muc-tieu-2026.libreoffice.docx": None if "libreoffice" in nghia_son.name else sha(nghia_son),
        "xuan-hung-phan-cong-chi-tieu-2026.tsv": counted["xuan-hung-phan-cong-chi-tieu-2026"],
        "xuan-hung-phan-cong-chi-tieu-2026.docx": None,
        "xuan-son-dti-2023.tsv": counted["xuan-son-dti-2023"],
        "xuan-son-dti-2023.docx": None,
    }


# --- the commands, exact output --------------------------------------------------------


def _path(folder, name):
    return str(SAMPLES / folder / name)


def test_documents_list_show_set_delete(db_url):
    ingest(db_url, TSV, SAMPLES / "pdf")
    listing = run("documents", "list", "--db", db_url)
    assert listing.exit_code == 0
    assert listing.stdout.splitlines() == [
        "ID  Commune    Plan         Date        Format  Rows  Unresolved  Copy of  Path",
        f" 2  Nghĩa Sơn  -            -           tsv       29           0  -        {_path('tsv', 'nghia-son-muc-tieu-2026.tsv')}",
        f" 6  Nghĩa Sơn  27/KH-UBND   2026-03-20  pdf       29           0  #2       {_path('pdf', 'nghia-son-2026.pdf')}",
        f" 3  Xuân Hưng  -            -           tsv       55           1  -        {_path('tsv', 'xuan-hung-phan-cong-chi-tieu-2026.tsv')}",
        f" 7  Xuân Hưng  112/KH-UBND  2026-04-15  pdf       57           1  #3       {_path('pdf', 'xuan-hung-2026.pdf')}",
        f" 8  Xuân Hưng  112/KH-UBND  2026-04-15  pdf       55           1  #3       {_path('pdf', 'xuan-hung-borderless-2026.pdf')}",
        f" 4  Xuân Lộc   -            -           tsv       30           0  -        {_path('tsv', 'xuan-loc-ke-hoach-cds-2026.tsv')}",
        f" 5  Xuân Sơn   -            -           tsv       91          11  -        {_path('tsv', 'xuan-son-dti-2023.tsv')}",
        f" 9  Xuân Sơn   -            -           pdf       91          11  #5       {_path('pdf', 'xuan-son-dti-2023.pdf')}",
        f" 1  ?          54-KH/ĐU     2026-04-13  tsv       29           2  -        {_path('tsv', 'dang-uy-nq57-muc-tieu-2026.tsv')}",
    ]
    as_json = json.loads(run("documents", "list", "--json", "--db", db_url).stdout)
    assert as_json[3] == {
        "id": 7,
        "source": "xuan-hung-2026.pdf",
        "path": _path("pdf", "xuan-hung-2026.pdf"),
        "format": "pdf",
        "commune": "Xuân Hưng",
        "plan_number": "112/KH-UBND",
        "issued_on": "2026-04-15",
        "year": 2026,
        "rows": 57,
        "unresolved": 1,
        "copy_of": 3,
        "same_plan": [3, 8],
    }

    assert run("documents", "show", 5, "--db", db_url).stdout.splitlines() == [
        "id           5",
        "source       xuan-son-dti-2023.tsv",
        f"path         {_path('tsv', 'xuan-son-dti-2023.tsv')}",
        "format       tsv",
        "commune      Xuân Sơn",
        "plan number  -",
        "issued on    -",
        "year         2023",
        "rows         91",
        "tables       3 (0: 17 rows; 1: 34 rows; 2: 40 rows)",
        "unresolved   11 agency names",
        "warnings     0",
        "counted      yes",
        "same plan    #9 xuan-son-dti-2023.pdf (pdf, 91 rows)",
    ]
    assert run("documents", "show", 7, "--db", db_url).stdout.splitlines()[-4:] == [
        "warnings     0",
        "counted      no: a copy of #3 xuan-hung-phan-cong-chi-tieu-2026.tsv",
        "same plan    #3 xuan-hung-phan-cong-chi-tieu-2026.tsv (tsv, 55 rows), counted",
        "same plan    #8 xuan-hung-borderless-2026.pdf (pdf, 55 rows)",
    ]
    missing = run("documents", "show", 99, "--db", db_url)
    assert (missing.exit_code, missing.stderr) == (
        1,
        "error: no document 99 (see `chitieu documents list` for the ids)\n",
    )

    # a commune the title lines missed, given with its level word
    assert run("documents", "set", 1, "--commune", "xã Đông Hòa", "--db", db_url).stdout.splitlines() == [
        "#1 commune: - -> Đông Hòa",
        "#1 is counted for its plan",
    ]
    again = run("documents", "set", 1, "--commune", "ĐÔNG HÒA", "--db", db_url)
    assert again.stdout.splitlines() == ["#1: nothing changed", "#1 is counted for its plan"]
    # the PDF's metadata given to the TSV of Nghĩa Sơn: still one plan; a contradicting date makes the PDF its own
    assert run(
        "documents", "set", 2, "--plan-number", "27 / KH-UBND", "--issued-on", "2026-03-20", "--db", db_url
    ).stdout.splitlines() == [
        "#2 plan number: - -> 27/KH-UBND",
        "#2 issued on: - -> 2026-03-20",
        "#2 is counted for its plan",
    ]
    assert run("documents", "set", 6, "--issued-on", "2026-03-21", "--db", db_url).stdout.splitlines() == [
        "#6 issued on: 2026-03-20 -> 2026-03-21",
        "#6 is counted for its plan",
    ]
    five_g = run("targets", "--indicator", "infra.5g_coverage", "--db", db_url).stdout.splitlines()
    assert [line.split("  ")[0] for line in five_g] == [
        "Commune",
        "Đông Hòa",
        "Nghĩa Sơn",
        "Nghĩa Sơn",
        "Xuân Hưng",
        "Xuân Lộc",
    ]
    usage = run("documents", "set", 1, "--db", db_url)
    assert usage.exit_code == 2 and "give --commune, --plan-number or --issued-on" in usage.stderr

    # delete: asks first; the counted document's oldest copy is counted instead
    def stored(document_id):
        with engine.connect() as conn:
            return tuple(
                conn.execute(
                    sql(
                        "SELECT COUNT(DISTINCT r.id), COUNT(a.id) FROM target_rows r "
                        "LEFT JOIN assignments a ON a.row_id = r.id WHERE r.document_id = :d"
                    ),
                    {"d": document_id},
                ).one()
            )

    engine = connect(db_url)
    (rows3, assigned3), (rows9, assigned9) = stored(3), stored(9)
    assert (rows3, rows9) == (55, 91) and assigned3 > rows3 and assigned9 > rows9
    refused = run("documents", "delete", 3, "--db", db_url, input="n\n")
    assert refused.exit_code == 1 and "delete #3 xuan-hung-phan-cong-chi-tieu-2026.tsv (Xuân Hưng, 55 rows)?" in (
        refused.stderr
    )
    assert stored(3) == (55, assigned3)
    # two PDFs with the same metadata are left: the smaller sha256 is counted
    kept, copy = sorted(
        [(7, "xuan-hung-2026.pdf"), (8, "xuan-hung-borderless-2026.pdf")], key=lambda d: sha(SAMPLES / "pdf" / d[1])
    )
    assert run("documents", "delete", 3, "--db", db_url, input="y\n").stdout == (
        f"deleted #3 xuan-hung-phan-cong-chi-tieu-2026.tsv: 55 rows, {assigned3} assignments; "
        f"#{kept[0]} is counted for the plan now\n"
    )
    assert run("documents", "delete", 9, "--yes", "--db", db_url).stdout == (
        f"deleted #9 xuan-son-dti-2023.pdf: 91 rows, {assigned9} assignments\n"
    )
    with engine.connect() as conn:
        orphans = conn.execute(
            sql("SELECT COUNT(*) FROM assignments a LEFT JOIN target_rows r ON r.id = a.row_id WHERE r.id IS NULL")
        ).scalar()
        rows = conn.execute(sql("SELECT COUNT(*) FROM target_rows")).scalar()
    left = {d.id: d.copy_of for d in queries.documents(engine)}
    engine.dispose()
    assert stored(3) == stored(9) == (0, 0)
    assert left == {1: None, 2: None, 4: None, 5: None, 6: None, kept[0]: None, copy[0]: kept[0]}
    assert (orphans, rows) == (0, 29 + 29 + 30 + 91 + 29 + 57 + 55)
    gone = run("documents", "delete", 3, "--yes", "--db", db_url)
    assert (gone.exit_code, gone.stderr) == (1, "error: no document 3 (see `chitieu documents list` for the ids)\n")


def test_read_commands_on_a_missing_database_say_so(tmp_path):
    for args in (["list"], ["show", "1"], ["delete", "1", "--yes"], ["set", "1", "--commune", "x"]):
        result = run("documents", *args, "--db", tmp_path / "none.db")
        assert result.exit_code == 1 and result.stderr.startswith(f"error: no database at {tmp_path / 'none.db'}")
    assert not (tmp_path / "none.db").exists()
