"""The command line as a clerk and an analyst meet it: the indicator catalog,
indicator codes as typed, clerk commands that say what they did, progress,
plural forms. Exact output through click's CliRunner, on SQLite and PostgreSQL."""

import csv
import random
import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from chitieu.cli import Progress, main, time_left
from chitieu.batch import FileResult
from chitieu.normalize.indicators import load_catalog
from chitieu.normalize.registry import DATA, kinds, load_registry
from chitieu.normalize.text import closest, strip_accents
from chitieu.store import catalog, connect, queries, units
from chitieu.store import registry as store_registry
from chitieu.store.exceptions import UnknownIndicator, UnusedMention

from conftest import SAMPLES

SEEDS = str(SAMPLES / "tsv")
CATALOG = list(csv.DictReader(open(DATA / "indicators.csv", encoding="utf-8")))
HEADER = "STT\tNội dung chỉ tiêu\tChỉ tiêu\tCơ quan chủ trì\n"
ISO_VN = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00"


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def plan(folder, name, *agencies):
    """A one-table plan with one row per agency cell."""
    rows = "".join(f"{i}\tTỷ lệ hồ sơ số {i}\t100%\t{a}\n" for i, a in enumerate(agencies, 1))
    path = folder / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.fixture
def vietnam_time(monkeypatch):
    """The machine's local zone set to Vietnam's (UTC+7), as a clerk's would be."""
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# --- the indicator catalog -------------------------------------------------


def test_indicators_lists_every_catalogued_code_with_rows_and_name(db_url):
    run("ingest", SEEDS, "--db", db_url, "-j", 1)
    listing = run("indicators", "--db", db_url)
    assert listing.exit_code == 0
    lines = listing.stdout.splitlines()
    assert len(lines) == len(CATALOG) == 60
    width = max(len(i["code"]) for i in CATALOG)
    # 6 rows: xuan-hung's "85% thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình …" links too
    assert lines[0] == f"{'gov.full_online_services':<{width}}     6 rows    4 communes  " + (
        "Tỷ lệ dịch vụ công trực tuyến toàn trình trên tổng số thủ tục hành chính có đủ điều kiện"
    )
    assert f"{'infra.5g_coverage':<{width}}     4 rows    3 communes  Tỷ lệ phủ sóng 5G trên dân số" in lines
    assert f"{'society.digital_address':<{width}}      1 row     1 commune  Tỷ lệ hộ gia đình có địa chỉ số" in lines
    assert sorted(line.split()[0] for line in lines) == sorted(i["code"] for i in CATALOG)
    counts = [(int(line.split()[3]), int(line.split()[1])) for line in lines]
    assert counts == sorted(counts, reverse=True)  # the most used first
    assert all(re.search(r"\s(1 row|\d+ rows)\s+(1 commune|\d+ communes)  ", line) for line in lines)
    assert not any(re.search(r"\s1 (rows|communes)\s", line) for line in lines)


def test_indicators_search_is_blind_to_accents_case_and_word_order(db_url):
    run("ingest", SEEDS, "--db", db_url, "-j", 1)
    expected = "infra.5g_coverage     4 rows    3 communes  Tỷ lệ phủ sóng 5G trên dân số\n"
    for text in ("PHU SONG", "phủ sóng", "5g dan so", "Dân số 5G", "INFRA.5G"):
        found = run("indicators", "search", text, "--db", db_url)
        assert (found.exit_code, found.stdout) == (0, expected), text
    nothing = run("indicators", "search", "xyzzy", "--db", db_url)
    assert (nothing.exit_code, nothing.stdout) == (0, "")
    assert nothing.stderr == "nothing found for 'xyzzy' ('chitieu indicators' lists every code)\n"


def test_every_indicator_is_found_by_its_name_without_accents_in_capitals(engine):
    store_registry.sync(engine, load_registry(), load_catalog())
    rng = random.Random(11)
    for ind in CATALOG:
        words = re.findall(r"\w+", strip_accents(ind["name_vi"]).upper())
        picked = rng.sample(words, min(3, len(words)))  # a few of its words, in any order
        assert ind["code"] in [i.code for i in queries.indicators(engine, " ".join(picked))], (ind["code"], picked)


# --- targets --indicator ---------------------------------------------------


def test_targets_codes_are_case_blind_and_a_typo_names_the_closest(db_url):
    run("ingest", SEEDS, "--db", db_url, "-j", 1)
    lower = run("targets", "--indicator", "infra.5g_coverage", "--db", db_url)
    upper = run("targets", "--indicator", "INFRA.5G_Coverage", "--db", db_url)
    assert (upper.exit_code, upper.stdout) == (0, lower.stdout)
    assert len(lower.stdout.splitlines()) == 5
    typo = run("targets", "--indicator", "infra.5g_coverge", "--db", db_url)
    assert typo.exit_code == 2 and typo.stdout == ""
    assert typo.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--indicator': no indicator 'infra.5g_coverge' in the catalog "
        "(did you mean infra.5g_coverage? 'chitieu indicators' lists every code)"
    )
    several = run("targets", "--indicator", "gov.online", "--db", db_url)
    assert several.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--indicator': no indicator 'gov.online' in the catalog (did you mean "
        "gov.online_applications_rate or gov.online_payment_rate or gov.online_service_usage? "
        "'chitieu indicators' lists every code)"
    )
    nothing = run("targets", "--indicator", "zzzz", "--db", db_url)
    assert nothing.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--indicator': no indicator 'zzzz' in the catalog "
        "('chitieu indicators' lists every code)"
    )


def test_any_code_in_any_case_is_itself_and_any_one_typo_suggests_it(engine):
    store_registry.sync(engine, load_registry(), load_catalog())
    codes = [i["code"] for i in CATALOG]
    rng = random.Random(14)
    for code in codes:
        mixed = "".join(c.upper() if rng.random() < 0.5 else c for c in code)
        assert catalog.canonical_code(engine, f" {mixed} ") == code
        i = rng.randrange(1, len(code) - 1)
        for typo in (
            code[:i] + code[i + 1 :],
            code[:i] + code[i + 1] + code[i] + code[i + 2 :],
            code[:i] + "x" + code[i:],
        ):
            if typo.casefold() == code:
                continue
            with pytest.raises(UnknownIndicator) as e:
                catalog.canonical_code(engine, typo)
            assert e.value.hint.startswith(f"did you mean {code}"), (typo, e.value.hint)
            assert code in closest(typo, codes)


def test_targets_options_that_exclude_each_other_are_usage_errors(db_url):
    run("ingest", SEEDS, "--db", db_url, "-j", 1)
    empty = run("targets", "--indicator", "infra.5g_coverage", "--above", 80, "--below", 70, "--db", db_url)
    assert (empty.exit_code, empty.stdout) == (2, "")
    assert empty.stderr.splitlines()[-1] == (
        "Error: no value is above 80 and below 70: give --above lower than --below, or only one of them"
    )
    same = run("targets", "--indicator", "infra.5g_coverage", "--above", 70, "--below", 70, "--db", db_url)
    assert same.exit_code == 2
    table_to_file = run("targets", "--indicator", "infra.5g_coverage", "-o", "t.txt", "--db", db_url)
    assert table_to_file.exit_code == 2
    assert table_to_file.stderr.splitlines()[-1] == (
        "Error: the table is for the terminal: add --format csv to write a file"
    )
    none = run("targets", "--indicator", "infra.5g_coverage", "--above", 96, "--db", db_url)
    assert (none.exit_code, none.stdout) == (0, "")
    assert none.stderr == "no rows linked to indicator 'infra.5g_coverage' with a target above 96\n"
    between = run(
        "targets", "--indicator", "infra.5g_coverage", "--above", 60, "--below", 96, "--format", "csv", "--db", db_url
    )
    assert [line.split(",")[0] for line in between.stdout.splitlines()] == ["commune", "", "Nghĩa Sơn", "Xuân Hưng"]


# --- clerk commands ----------------------------------------------------------


def test_resolving_a_mention_no_row_uses_is_refused_as_a_typo(db_url, tmp_path):
    run(
        "ingest",
        plan(tmp_path, "hoa-phu.tsv", "Hội Nông dân xã Hòa Phú", "Hội Cựu chiến binh xã"),
        "--db",
        db_url,
        "-j",
        1,
    )
    typo = run("units", "resolve", "Hội Nông dn xã", "--to", "Ủy ban nhân dân xã", "--db", db_url)
    assert (typo.exit_code, typo.stdout) == (1, "")
    assert typo.stderr == (
        "error: no stored row uses 'Hội Nông dn xã': probably a typo (closest stored mentions: "
        "'Hội Nông dân xã Hòa Phú'; or add --force to decide it for plans loaded later)\n"
    )
    assert run("units", "history", "--db", db_url).stdout == ""  # nothing saved
    forced = run("units", "resolve", "Hội Nông dn xã", "--to", "Ủy ban nhân dân xã", "--force", "--db", db_url)
    assert (forced.exit_code, forced.stdout) == (0, "Hội Nông dn xã -> Ủy ban nhân dân xã: 0 assignments updated\n")


def test_unused_mentions_are_refused_in_the_store_and_nothing_is_saved(engine, tmp_path):
    from chitieu.batch import collect, run as ingest_run
    from chitieu.ingest import ExtractSettings

    ingest_run(collect([plan(tmp_path, "p.tsv", "Hội Nông dân xã Hòa Phú")])[0], engine, ExtractSettings())
    with pytest.raises(UnusedMention, match="no stored row uses 'Ban Quản lý chợ'"):
        units.resolve(engine, "Ban Quản lý chợ", None, new=True, by="lan", require_use=True)
    assert units.history(engine) == [] and "Ban Quản lý chợ" not in units.unit_names(engine)
    assert units.resolve(engine, "Hội Nông dân xã An Bình", "Ủy ban nhân dân xã", require_use=True) == 1  # same key


def test_a_changed_decision_says_what_it_replaced(db_url, tmp_path, vietnam_time):
    run("ingest", plan(tmp_path, "hoa-phu.tsv", "Hội Nông dân xã Hòa Phú"), "--db", db_url, "-j", 1)
    first = run(
        "units", "resolve", "Hội Nông dân xã Hòa Phú", "--to", "Ủy ban nhân dân xã", "--by", "lan", "--db", db_url
    )
    assert first.stdout == "Hội Nông dân xã Hòa Phú -> Ủy ban nhân dân xã: 1 assignment updated\n"
    again = run(
        "units", "resolve", "Hội Nông dân xã Hòa Phú", "--to", "ủy ban nhân dân xã", "--by", "minh", "--db", db_url
    )
    assert again.stdout == "Hội Nông dân xã Hòa Phú -> ủy ban nhân dân xã: 1 assignment updated\n"  # the same unit
    other = run("units", "resolve", "Hội Nông dân xã An Bình", "--to", "Đảng ủy xã", "--by", "minh", "--db", db_url)
    assert re.fullmatch(
        "Hội Nông dân xã An Bình -> Đảng ủy xã: 1 assignment updated "
        rf"\(replaces -> Ủy ban nhân dân xã, decided by minh {ISO_VN}\)\n",
        other.stdout,
    ), other.stdout


def test_history_is_ordered_by_time_with_its_zone(db_url, tmp_path, vietnam_time):
    run(
        "ingest",
        plan(tmp_path, "p.tsv", "Hội Nông dân xã", "Hội Cựu chiến binh xã", "Đoàn Thanh niên xã"),
        "--db",
        db_url,
        "-j",
        1,
    )
    engine = connect(db_url)
    vn = timezone(timedelta(hours=7))
    units.resolve(engine, "Hội Nông dân xã", "Ủy ban nhân dân xã", by="a", at=datetime(2026, 3, 1, 10, 0, tzinfo=vn))
    units.resolve(
        engine, "Hội Cựu chiến binh xã", "Ủy ban nhân dân xã", by="b", at=datetime(2026, 1, 1, tzinfo=timezone.utc)
    )
    units.resolve(
        engine, "Đoàn Thanh niên xã", "Ủy ban nhân dân xã", by="c", at=datetime(2026, 3, 1, 2, 59, tzinfo=timezone.utc)
    )
    assert [d["decided_at"] for d in units.history(engine)] == [
        "2026-01-01T00:00:00+00:00",
        "2026-03-01T02:59:00+00:00",
        "2026-03-01T03:00:00+00:00",
    ]
    engine.dispose()
    assert run("units", "history", "--db", db_url).stdout.splitlines() == [
        "2026-01-01T07:00:00+07:00  b  Hội Cựu chiến binh xã -> Ủy ban nhân dân xã",
        "2026-03-01T09:59:00+07:00  c  Đoàn Thanh niên xã -> Ủy ban nhân dân xã",
        "2026-03-01T10:00:00+07:00  a  Hội Nông dân xã -> Ủy ban nhân dân xã",
    ]


def test_review_shows_the_position_and_says_what_went_wrong(db_url, tmp_path):
    run(
        "ingest", plan(tmp_path, "p.tsv", "Hội Nông dân xã Hòa Phú", "Ban Quản lý chợ Hòa Phú"), "--db", db_url, "-j", 1
    )
    engine = connect(db_url)
    queue = units.unresolved(engine)
    engine.dispose()
    assert [q["mention"] for q in queue] == ["Ban Quản lý chợ Hòa Phú", "Hội Nông dân xã Hòa Phú"]
    n = len(queue[0]["candidates"])
    answers = ["/zzzz", "x", str(n + 1), "n", "n", "s", "n", "y", "q"]
    result = run("units", "review", "--by", "lan", "--db", db_url, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[1] == "[1 of 2] Ban Quản lý chợ Hòa Phú  (1 row, 1 document)"
    assert "  nothing found for 'zzzz'; the choices stay" in out
    assert f"  no such choice: 'x' (a number 1-{n}, /text, n, s or q)" in out
    assert f"  no such choice: '{n + 1}' (a number 1-{n}, /text, n, s or q)" in out
    asked = [line for line in out if "add 'Ban Quản lý chợ Hòa Phú' as a new unit? [y/N]" in line]
    assert len(asked) == 1  # declined: no unit added, the same mention asked again
    assert "[2 of 2] Hội Nông dân xã Hòa Phú  (1 row, 1 document)" in out
    assert "  -> Hội Nông dân xã Hòa Phú: 1 assignment updated" in out
    assert out[-1] == "1 decision saved"
    engine = connect(db_url)
    assert "Hội Nông dân xã Hòa Phú" in units.unit_names(engine)
    assert "Ban Quản lý chợ Hòa Phú" not in units.unit_names(engine)
    engine.dispose()


def test_kind_is_one_of_the_registrys_kinds(db_url, tmp_path):
    kind = next(p for p in main.commands["units"].commands["resolve"].params if p.name == "kind")
    assert list(kind.type.choices) == kinds()
    assert kinds() == sorted({u["kind"] for u in csv.DictReader(open(DATA / "units.csv", encoding="utf-8"))} - {""})
    run("ingest", plan(tmp_path, "p.tsv", "Ban Quản lý chợ"), "--db", db_url, "-j", 1)
    bad = run("units", "resolve", "Ban Quản lý chợ", "--new", "--kind", "market", "--db", db_url)
    assert bad.exit_code == 2
    assert bad.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--kind': 'market' is not one of " + ", ".join(f"'{k}'" for k in kinds()) + "."
    )
    alone = run("units", "resolve", "Ban Quản lý chợ", "--to", "Ủy ban nhân dân xã", "--kind", "office", "--db", db_url)
    assert alone.exit_code == 2
    assert alone.stderr.splitlines()[-1] == "Error: --kind is the kind of a new unit: add --new, or drop --kind"
    good = run("units", "resolve", "Ban Quản lý chợ", "--new", "--kind", "office", "--db", db_url)
    assert good.stdout == "Ban Quản lý chợ -> Ban Quản lý chợ: 1 assignment updated\n"
    engine = connect(db_url)
    assert next(u for u in queries.search_units(engine, "ban quan ly cho")).kind == "office"
    engine.dispose()


def test_plural_forms(db_url, tmp_path):
    one = run("ingest", plan(tmp_path, "one.tsv", "Ban Quản lý chợ"), "--db", db_url, "-j", 1)
    assert one.stdout == "1 loaded (1 row), 0 skipped as already loaded, 0 failed\n"
    queue = run("units", "unresolved", "--db", db_url)
    assert queue.stdout.splitlines()[0].startswith("     1 row     1 doc  Ban Quản lý chợ  ->  ")
    run("units", "resolve", "Ban Quản lý chợ", "--new", "--db", db_url)
    run("units", "export", tmp_path / "share", "--db", db_url)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    run("ingest", plan(tmp_path, "two.tsv", "Phòng Kinh tế", "Phòng Kinh tế"), "--db", other, "-j", 1)  # the registry
    assert run("units", "import", tmp_path / "share", "--db", other).stdout == "1 unit added, 1 decision replayed\n"


# --- progress ------------------------------------------------------------------


def test_time_left():
    assert time_left(10.0, 2, 3) == "about 15 s left"
    assert time_left(0.2, 1, 1) == "about 1 s left"
    assert time_left(600.0, 1, 1) == "about 10 min left"
    assert time_left(5.0, 0, 4) == ""  # nothing read yet: no estimate
    assert time_left(5.0, 3, 0) == ""  # done
    rng = random.Random(3)
    for _ in range(200):
        elapsed, read, remaining = rng.uniform(0.01, 1000), rng.randint(1, 50), rng.randint(1, 500)
        text = time_left(elapsed, read, remaining)
        amount, unit = re.fullmatch(r"about (\d+) (s|min) left", text).groups()
        seconds = int(amount) * (60 if unit == "min" else 1)
        assert abs(seconds - elapsed / read * remaining) <= (30 if unit == "min" else 1)


def test_progress_lines_when_stderr_is_not_a_terminal(db_url, tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    for name in ("a.tsv", "b.tsv", "c.tsv"):
        plan(folder, name, f"Phòng Kinh tế {name}", "Phòng Văn hóa - Xã hội")
    first = run("ingest", folder, "--db", db_url, "-j", 1)
    lines = first.stderr.splitlines()
    assert [re.sub(r", about \d+ s left\]$", "]", line) for line in lines] == [
        "loaded: a.tsv (2 rows) [1 of 3]",
        "loaded: b.tsv (2 rows) [2 of 3]",
        "loaded: c.tsv (2 rows) [3 of 3]",
    ]
    assert all(re.search(r"\[\d of 3, about \d+ s left\]$", line) for line in lines[:2])  # an estimate until the last
    again = run("ingest", folder, "--db", db_url, "-j", 1)
    assert again.stderr.splitlines() == [  # skipped files cost no time: no estimate from them
        "skipped: a.tsv (already loaded) [1 of 3]",
        "skipped: b.tsv (already loaded) [2 of 3]",
        "skipped: c.tsv (already loaded) [3 of 3]",
    ]


def test_progress_on_a_terminal_is_one_live_line_naming_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    runner = CliRunner()
    with runner.isolation(color=True) as (_out, err, _):  # color: keep the terminal's escapes
        progress = Progress(3, verbose=False)
        progress.live = True
        progress(FileResult(str(tmp_path / "a.pdf"), "loaded", rows=12))
        progress(FileResult(str(tmp_path / "b.docx"), "skipped", reason="already loaded"))
        progress(FileResult(str(tmp_path / "c.tsv"), "failed", reason="empty file"))
        progress.close()
        text = err.getvalue().decode()
    frames = text.split("\r\033[K")
    assert re.fullmatch(r"\[#{5}\.{11}\] 1/3 files, 12 rows, about \d+ s left \| loaded a\.pdf", frames[1]), frames[1]
    assert re.fullmatch(r"\[#{10}\.{6}\] 2/3 files, 12 rows, about \d+ s left \| skipped b\.docx", frames[2]), frames[2]
    assert frames[3] == f"error: {tmp_path / 'c.tsv'}: empty file\n"  # the live line cleared, the error kept
    assert frames[4] == "[################] 3/3 files, 12 rows, 1 failed | failed c.tsv\n"
    assert len(frames) == 5


# --- warnings ------------------------------------------------------------------


@pytest.mark.filterwarnings("error")
def test_writing_to_stdout_raises_no_warning(tmp_path):
    db = f"sqlite:///{tmp_path / 'w.db'}"
    run("ingest", plan(tmp_path, "p.tsv", "Ban Quản lý chợ"), "--db", db, "-j", 1)
    jsonl = run("export", "--db", db)
    assert jsonl.exit_code == 0 and '"assignments": [{"role": "lead", "raw": "Ban Quản lý chợ"' in jsonl.stdout
    flat = run("export", "--format", "csv", "--db", db)
    assert flat.stdout.splitlines()[1].startswith("p.tsv,tsv,")


def test_the_live_line_fits_the_terminal_cutting_the_file_name(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "90")
    with CliRunner().isolation(color=True) as (_out, err, _):
        progress = Progress(2, verbose=False)
        progress.live = True
        progress(FileResult(str(tmp_path / ("ke-hoach-chuyen-doi-so-xa-" * 3 + ".pdf")), "loaded", rows=1))
        frame = err.getvalue().decode().split("\r\033[K")[1]
    assert len(frame) == 89
    assert re.fullmatch(
        r"\[#{8}\.{8}\] 1/2 files, 1 row, about \d s left \| loaded ke-hoach-chuyen-doi-so-xa-k…", frame
    )


# --- an analyst's links of a wording to an indicator ---------------------------

UNLINKED = "Quản lý các trang thiết bị máy tính, thiết bị bảo mật được cấp"  # the matcher links it to nothing


def wording_plan(folder, name, *texts):
    rows = "".join(f"{i}\t{t}\tPhòng Kinh tế\n" for i, t in enumerate(texts, 1))
    path = folder / name
    path.write_text("STT\tNội dung chỉ tiêu\tCơ quan chủ trì\n" + rows, encoding="utf-8")
    return path


def codes_of(engine, text_fold):
    from chitieu.store.export import iter_records

    return [r["indicator_code"] for r in iter_records(engine) if r["indicator_text"].casefold() == text_fold]


def test_a_link_settles_every_row_with_the_wording_whatever_its_target(engine, tmp_path):
    from chitieu.batch import collect, run as ingest_run
    from chitieu.ingest import ExtractSettings

    rng = random.Random(7)
    spellings = []
    for n in range(6):  # the same wording in the case, spacing and target figures plans use
        base = "".join(c.upper() if rng.random() < 0.2 else c for c in UNLINKED).replace(" ", rng.choice([" ", "  "]))
        spellings.append(base + rng.choice(["", f" đạt {rng.randint(50, 100)}%", f" ≥ {rng.randint(50, 100)}%"]))
    spellings.append("100% " + UNLINKED)
    files = [wording_plan(tmp_path, f"p{i}.tsv", s, "Tỷ lệ hồ sơ được số hóa") for i, s in enumerate(spellings)]
    ingest_run(collect(files[:4])[0], engine, ExtractSettings())
    store_registry.sync(engine, load_registry(), load_catalog())
    assert catalog.link(engine, UNLINKED.upper(), "SECURITY.anti_malware", by="lan") == (4, 4)
    ingest_run(collect(files[4:])[0], engine, ExtractSettings())  # a later ingest uses the link
    from chitieu.store.export import iter_records

    records = list(iter_records(engine))
    linked = [r for r in records if r["indicator_code"] == "security.anti_malware"]
    assert sorted(r["document"]["source"] for r in linked) == [f"p{i}.tsv" for i in range(7)]
    assert all(r["indicator_code"] != "security.anti_malware" for r in records if r["row_no"] == "2")
    assert catalog.link(engine, UNLINKED, "gov.e_document_processing", by="minh") == (7, 7)  # the newest applies
    ingest_run(collect([wording_plan(tmp_path, "p9.tsv", UNLINKED)])[0], engine, ExtractSettings())
    assert {r["indicator_code"] for r in iter_records(engine) if r["row_no"] == "1"} == {"gov.e_document_processing"}
    assert [(d["code"], d["decided_by"]) for d in catalog.links(engine)] == [
        ("security.anti_malware", "lan"),
        ("gov.e_document_processing", "minh"),
    ]


def test_a_link_of_an_unknown_code_or_a_wording_no_row_has_saves_nothing(engine, tmp_path):
    from chitieu.batch import collect, run as ingest_run
    from chitieu.ingest import ExtractSettings

    ingest_run(collect([wording_plan(tmp_path, "p.tsv", UNLINKED)])[0], engine, ExtractSettings())
    with pytest.raises(UnknownIndicator, match="no indicator 'security.anti_malwar'"):
        catalog.link(engine, UNLINKED, "security.anti_malwar")
    with pytest.raises(UnusedMention) as e:
        catalog.link(engine, "Quản lý thiết bị máy tính", "security.anti_malware", require_use=True)
    assert e.value.hint == f"closest stored wordings: {UNLINKED!r}; or add --force to link it for plans loaded later"
    assert catalog.links(engine) == []
    assert catalog.link(engine, "Quản lý thiết bị máy tính", "security.anti_malware") == (0, 0)  # for later plans


def test_cli_indicators_link_and_links(db_url, tmp_path, vietnam_time):
    run("ingest", wording_plan(tmp_path, "p.tsv", UNLINKED + " đạt 100%"), "--db", db_url, "-j", 1)
    done = run("indicators", "link", UNLINKED, "Security.Anti_Malware", "--by", "lan", "--db", db_url)
    assert (done.exit_code, done.stdout) == (0, f"{UNLINKED} -> security.anti_malware: 1 row linked, 1 changed\n")
    again = run("indicators", "link", UNLINKED.lower(), "security.anti_malware", "--by", "lan", "--db", db_url)
    assert again.stdout == f"{UNLINKED.lower()} -> security.anti_malware: 1 row linked, 0 changed\n"
    listed = run("indicators", "links", "--db", db_url).stdout.splitlines()
    assert len(listed) == 2
    assert re.fullmatch(rf"{ISO_VN}  lan  {re.escape(UNLINKED)} -> security\.anti_malware", listed[0]), listed[0]
    typo = run("indicators", "link", "Quản lý máy tính", "security.anti_malware", "--db", db_url)
    assert typo.exit_code == 1
    assert typo.stderr.startswith(
        "error: no stored row says 'Quản lý máy tính': probably a typo (closest stored wordings: "
    )
    bad = run("indicators", "link", UNLINKED, "security", "--db", db_url)
    assert bad.exit_code == 2
    assert bad.stderr.splitlines()[-1].startswith(
        "Error: Invalid value for 'CODE': no indicator 'security' in the catalog"
    )
    table = run("targets", "--indicator", "security.anti_malware", "--db", db_url)
    assert table.stdout.splitlines()[1] == "?        ≥ 100%  Phòng Kinh tế  p.tsv #1"


def test_the_live_line_names_the_page_being_read(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    with CliRunner().isolation(color=True) as (_out, err, _):
        progress = Progress(2, verbose=False)
        progress.live = True
        progress(FileResult(str(tmp_path / "a.tsv"), "loaded", rows=3))
        progress.page(str(tmp_path / "scan.pdf"), 4, 12)
        frames = err.getvalue().decode().split("\r\033[K")
    assert re.fullmatch(
        r"\[#{8}\.{8}\] 1/2 files, 3 rows, about \d+ s left \| reading scan\.pdf, page 4 of 12", frames[2]
    ), frames[2]
