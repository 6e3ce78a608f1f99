"""The clerk's workflow on SQLite and PostgreSQL: queue, resolve, history, sharing."""

import pytest
from click.testing import CliRunner

from chitieu import batch
from chitieu.cli import main
from chitieu.ingest import ExtractSettings
from chitieu.store import units
from chitieu.store.exceptions import UnknownUnit
from chitieu.store.export import iter_records

from conftest import SAMPLES

MENTION = "Các cán bộ công chức được phân công phụ trách"
UNIT = "Cán bộ, công chức xã"


def ingest(engine, *paths):
    files, _ = batch.collect(paths)
    return batch.run(files, engine, ExtractSettings())


def assignments_for(engine, mention):
    return [
        (a["unit"], a["status"])
        for r in iter_records(engine)
        for a in r["assignments"]
        if a["raw"].casefold() == mention.casefold()
    ]


def test_resolve_updates_every_row_and_later_ingests(engine, tmp_path):
    ingest(engine, SAMPLES / "tsv")
    queue = units.unresolved(engine)
    assert [q["rows"] for q in queue] == sorted((q["rows"] for q in queue), reverse=True)
    item = next(q for q in queue if q["mention"] == MENTION)
    assert (item["rows"], item["documents"]) == (5, 1)
    assert set(assignments_for(engine, MENTION)) == {(None, "unresolved")}

    assert units.resolve(engine, MENTION, UNIT, by="lan") == 5
    assert set(assignments_for(engine, MENTION)) == {(UNIT, "confirmed")}
    assert MENTION not in [q["mention"] for q in units.unresolved(engine)]
    assert [(h["mention"], h["unit"], h["decided_by"]) for h in units.history(engine)] == [(MENTION, UNIT, "lan")]

    later = tmp_path / "later.tsv"
    later.write_text(
        f"STT\tNội dung chỉ tiêu\tChỉ tiêu\tCơ quan chủ trì\n1\tTỷ lệ hồ sơ được số hóa\t100%\t{MENTION.lower()}\n",
        encoding="utf-8",
    )
    assert [r.status for r in ingest(engine, later)] == ["loaded"]
    rec = next(r for r in iter_records(engine) if r["document"]["source"] == "later.tsv")
    assert [(a["unit"], a["status"]) for a in rec["assignments"]] == [(UNIT, "confirmed")]


def test_unknown_unit_and_new_unit(engine):
    ingest(engine, SAMPLES / "tsv")
    with pytest.raises(UnknownUnit):
        units.resolve(engine, "Phòng Văn", "Phòng Văn hóa huyện Xuân Lộc")
    assert (
        units.resolve(
            engine,
            "bộ phận tiếp nhận và trả kết quả hồ sơ (phục vụ giải quyết TTHC cho người dân "
            "trên Hệ thống thông tin giải quyết thủ tục hành chính)",
            "Bộ phận Một cửa",
            new=True,
            kind="office",
        )
        == 1
    )
    assert "Bộ phận Một cửa" in units.unit_names(engine)


def test_registry_and_decisions_travel_as_csv(engine, tmp_path):
    ingest(engine, SAMPLES / "tsv")
    units.resolve(engine, MENTION, UNIT, by="lan")
    units_csv, decisions_csv = units.export_csv(engine, tmp_path / "share")
    assert units_csv.read_bytes().startswith(b"\xef\xbb\xbfcanonical_name,kind,level,aliases_seen")
    other = __import__("store").connect(f"sqlite:///{tmp_path / 'other.db'}")
    ingest(other, SAMPLES / "tsv")
    assert units.import_csv(other, tmp_path / "share", by="import") == (0, 1)
    assert units.import_csv(other, tmp_path / "share", by="import") == (0, 0)  # twice adds nothing
    assert len(units.history(other)) == 1
    assert set(assignments_for(other, MENTION)) == {(UNIT, "confirmed")}
    other.dispose()


def test_cli_units_commands(db_url):
    runner = CliRunner()
    runner.invoke(main, ["ingest", str(SAMPLES / "tsv"), "--db", db_url, "-j", "1"])
    queue = runner.invoke(main, ["units", "unresolved", "--db", db_url, "--limit", "1"])
    assert queue.exit_code == 0 and queue.stdout.startswith(f"    5 rows     1 doc  {MENTION}  ->  ")
    done = runner.invoke(main, ["units", "resolve", MENTION, "--to", UNIT, "--by", "lan", "--db", db_url])
    assert (done.exit_code, done.stdout) == (0, f"{MENTION} -> {UNIT}: 5 assignments updated\n")
    bad = runner.invoke(main, ["units", "resolve", MENTION, "--to", "Không có", "--db", db_url])
    assert bad.exit_code == 1 and bad.stderr.startswith("error: no unit named 'Không có' in the registry")
    assert runner.invoke(main, ["units", "resolve", MENTION, "--db", db_url]).exit_code == 2
    history = runner.invoke(main, ["units", "history", "--db", db_url])
    assert history.stdout.rstrip().endswith(f"lan  {MENTION} -> {UNIT}")


def test_cli_review_accepts_a_candidate_then_quits(db_url):
    runner = CliRunner()
    runner.invoke(main, ["ingest", str(SAMPLES / "tsv"), "--db", db_url, "-j", "1"])
    first = runner.invoke(main, ["units", "unresolved", "--db", db_url, "--json", "--limit", "1"])
    import json

    item = json.loads(first.stdout)[0]
    result = runner.invoke(main, ["units", "review", "--by", "lan", "--db", db_url], input="/cán bộ, công chức\n1\nq\n")
    assert result.exit_code == 0, result.output
    assert f"-> {UNIT}: {item['rows']} assignments updated" in result.stdout
    assert result.stdout.rstrip().endswith("1 decision saved")


def test_changing_a_decision_or_adding_a_lookalike_unit_keeps_ingest_working(engine, tmp_path):
    import unicodedata
    from chitieu.store.exceptions import StoreError

    ingest(engine, SAMPLES / "tsv")
    units.resolve(engine, MENTION, UNIT, by="lan")
    units.resolve(engine, MENTION, "Ủy ban nhân dân xã", by="lan")  # the clerk changes their mind
    with pytest.raises(StoreError, match="reads the same as 'Ủy ban nhân dân xã'"):
        units.resolve(engine, "x", unicodedata.normalize("NFD", "UBND xã"), new=True)
    later = tmp_path / "later.tsv"
    later.write_text(f"STT\tNội dung chỉ tiêu\tCơ quan chủ trì\n1\tTỷ lệ hồ sơ\t{MENTION}\n", encoding="utf-8")
    assert [r.status for r in ingest(engine, later)] == ["loaded"]
    rec = next(r for r in iter_records(engine) if r["document"]["source"] == "later.tsv")
    assert [(a["unit"], a["status"]) for a in rec["assignments"]] == [("Ủy ban nhân dân xã", "confirmed")]
    assert set(assignments_for(engine, MENTION)) == {("Ủy ban nhân dân xã", "confirmed")}


def _plan(folder, name, *cells):
    rows = "".join(f"{i}\tTỷ lệ hồ sơ số {i}\t100%\t{c}\n" for i, c in enumerate(cells, 1))
    path = folder / name
    path.write_text("STT\tNội dung chỉ tiêu\tChỉ tiêu\tCơ quan chủ trì\n" + rows, encoding="utf-8")
    return path


def test_one_decision_settles_every_communes_spelling(engine, tmp_path):
    ingest(
        engine,
        _plan(tmp_path, "hoa-phu.tsv", "Hội Nông dân xã Hòa Phú", "Hội Nông dân xã Hòa Phú (chủ trì)"),
        _plan(tmp_path, "an-binh.tsv", "Hội Nông dân xã An Bình", "Hội Cựu chiến binh xã An Bình"),
    )
    queue = units.unresolved(engine)
    assert [(q["key"], q["rows"], q["documents"]) for q in queue] == [
        ("hội nông dân xã", 3, 2),
        ("hội cựu chiến binh xã", 1, 1),
    ]
    assert queue[0]["mention"] == "Hội Nông dân xã Hòa Phú"
    assert queue[0]["example"] == {"document": "hoa-phu.tsv", "commune": None, "row": "Tỷ lệ hồ sơ số 1"}

    assert units.resolve(engine, "Hội Nông dân xã Hòa Phú", "Hội Nông dân xã", new=True, kind="mass_org") == 3
    assert [q["key"] for q in units.unresolved(engine)] == ["hội cựu chiến binh xã"]
    ingest(engine, _plan(tmp_path, "tan-thanh.tsv", "Hội Nông dân xã Tân Thành"))
    rec = next(r for r in iter_records(engine) if r["document"]["source"] == "tan-thanh.tsv")
    assert [(a["unit"], a["status"]) for a in rec["assignments"]] == [("Hội Nông dân xã", "confirmed")]


def test_candidates_offer_the_obvious_reading_and_say_why(engine):
    ingest(engine, SAMPLES / "tsv")
    got = units.candidates(engine, "Phòng Văn")
    assert len(got) == 3
    reading = next(c for c in got if c["unit"] == "Phòng Văn hóa - Xã hội")
    assert reading["why"] == "Phòng → phòng; Văn → văn"
    assert units.candidates(engine, "Ph. VH-XH")[0] == {
        "unit": "Phòng Văn hóa - Xã hội",
        "score": 96.0,
        "why": "Ph → phòng; VH → văn hóa; XH → xã hội",
    }


def test_cli_queue_shows_a_typical_use(db_url, tmp_path):
    path = _plan(tmp_path, "hoa-phu.tsv", "Hội Nông dân xã Hòa Phú")
    runner = CliRunner()
    runner.invoke(main, ["ingest", str(path), "--db", db_url, "-j", "1"])
    queue = runner.invoke(main, ["units", "unresolved", "--db", db_url])
    assert queue.exit_code == 0
    first, use = queue.stdout.splitlines()[:2]
    assert first.startswith("     1 row     1 doc  Hội Nông dân xã Hòa Phú  ->  ")
    assert use == f"{'':>20}e.g. hoa-phu.tsv: Tỷ lệ hồ sơ số 1"
