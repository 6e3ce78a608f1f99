"""Agency matching: precision/recall on the labelled set, and specific cases."""

from __future__ import annotations

import csv
import pickle
import unicodedata
from pathlib import Path

import pytest

from chitieu.ingest import extract
from chitieu.normalize.agencies import split_mentions
from chitieu.normalize.matching import Matcher, key
from chitieu.normalize.registry import Registry, Unit, load_registry

HERE = Path(__file__).parent
SAMPLES = sorted((HERE.parent / "samples" / "tsv").glob("*.tsv"))
RECALL_FLOOR = 0.93  # measured 0.942 (244 of 259 agencies; 0 wrong of 319 mentions)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_registry())


@pytest.fixture(scope="module")
def labelled() -> list[dict]:
    with open(HERE / "data" / "agency_mentions.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_labelled_set_is_well_formed(labelled):
    registry = load_registry()
    names = {u.name for u in registry.units}
    spellings = {a for u in registry.units for a in (u.name, *u.aliases)}
    assert {r["expected_unit"] for r in labelled} - {""} <= names
    variants = [r for r in labelled if r["note"].startswith("variant")]
    assert len(variants) >= 40 and not {r["mention"] for r in variants} & spellings
    assert len([r for r in labelled if r["note"].startswith("trap")]) >= 20


def test_labelled_set_covers_every_seed_mention(labelled, matcher):
    mentions = {
        split
        for path in SAMPLES
        for table in extract(path).tables
        for row in table.rows
        for cell in row.agencies.values()
        for split in split_mentions(cell, matcher)
    }
    assert len(mentions) > 100
    assert mentions - {r["mention"] for r in labelled} == set()


def test_precision_is_perfect_and_recall_above_floor(labelled, matcher):
    right = wrong = missed = 0
    errors = []
    for r in labelled:
        expected = r["expected_unit"] or None
        got = matcher.match(r["mention"]).unit
        if got is not None and got == expected:
            right += 1
        elif got is not None:
            wrong += 1
            errors.append(f"{r['mention']!r} -> {got!r}, expected {expected!r}")
        elif expected is not None:
            missed += 1
    precision = right / (right + wrong)
    recall = right / (right + missed)
    print(
        f"\nagency matching: precision {precision:.1%}, recall {recall:.1%} "
        f"({right} right, {wrong} wrong, {missed} missed of {len(labelled)} mentions)"
    )
    assert errors == []
    assert recall >= RECALL_FLOOR


@pytest.mark.parametrize(
    "mention, unit",
    [
        ("TT phục vụ HCC", "Trung tâm Phục vụ hành chính công xã"),
        ("T.Tâm PVHCC", "Trung tâm Phục vụ hành chính công xã"),
        ("VP UBND-HĐND", "Văn phòng HĐND và UBND xã"),
        ("UBND xã Xuân Sơn", "Ủy ban nhân dân xã"),
        ("Trạm Ytế", "Trạm Y tế xã"),
        ("Phòng Kinh tê", "Phòng Kinh tế"),
        ("Thôn trưởng", "Trưởng thôn"),
        ("Văn phòng Đảng uỷ", "Văn phòng Đảng ủy xã"),
        (unicodedata.normalize("NFD", "Công chức Văn hoá - Xã hội"), "Công chức Văn hóa - Xã hội"),
        ("Phòng Nội vụ", "Phòng Nội vụ huyện"),  # no commune unit fits: the district one
    ],
)
def test_matches(matcher, mention, unit):
    assert matcher.match(mention).unit == unit
    assert matcher.match(mention).status == "matched"


@pytest.mark.parametrize(
    "mention",
    [
        "Trung tâm Y tế huyện",
        "Sở Nội vụ",
        "Ban Kinh tế - Ngân sách HĐND",
        "Phòng Văn hóa - Xã hội huyện",
        "Công an tỉnh",
        "Trường THPT Xuân Lộc",
        "Hội Nông dân xã",
        "Đoàn Thanh niên",
        "Ban Tuyên giáo",
        "Các Trường THPT trên địa bàn huyện",
        "Phòng Tài chính",
        "Bưu điện xã",
        "",
        "xã",
        "Công chức Thông tin - Khoa học",  # the registered "Công chức TC-KH" is a misspelling, not spelled out
        "Phòng Kinh tế, Hạ tầng và Đô thị",
        "CA xã Phòng VHXH",
        "Trung tâm Y tế xã",
        "Phòng Y tế",
        "UBND huyện",
        "Văn phòng HĐND và UBND tỉnh",
        "Hội LHPN xã",
        "Đoàn TN xã",
        "Viettel",
        "VNPT",
        "Phòng VH",
        "CHQS",
    ],
)
def test_traps_stay_unresolved(matcher, mention):
    resolution = matcher.match(mention)
    assert (resolution.unit, resolution.status) == (None, "unresolved")


def test_unresolved_carries_top_three_candidates(matcher):
    resolution = matcher.match("Trung tâm Y tế huyện")
    assert len(resolution.candidates) == 3
    assert resolution.candidates[0].unit == "Trạm Y tế xã"
    assert resolution.score == resolution.candidates[0].score < 100


def test_level_words_decide_between_commune_and_district(matcher):
    assert matcher.match("Văn phòng HĐND - UBND").unit == "Văn phòng HĐND và UBND xã"
    assert matcher.match("Văn phòng HĐND & UBND huyện").unit == "Văn phòng HĐND và UBND huyện"
    assert matcher.match("Công an huyện Vạn Ninh").unit == "Công an huyện"
    assert matcher.match("Văn phòng HĐND và UBND tỉnh").unit is None


def test_key_drops_surroundings_and_connectors():
    assert key("UBND xã Xuân Sơn") == key("UBND xã") == "ubnd xã"
    assert key("Phòng Văn hoá – Xã hội") == key("Phòng Văn hóa và Xã hội") == "phòng văn hóa xã hội"
    assert key("Văn phòng HĐND & UBND") == key("Văn phòng HĐND và UBND")
    assert key("Phòng Văn Hóa - Xã Hội") == "phòng văn hóa xã hội"  # "Xã Hội" is no place name
    assert key("UBND xã (Công chức VHXH)") != key("UBND xã và Công chức VHXH")
    assert key("Trạm Y tế xã Hòa Phú (chủ trì)") == key("Trạm Y tế xã An Bình") == "trạm y tế xã"
    assert key("Phối hợp: Công an xã trên địa bàn xã") == "công an xã"
    assert key("Trưởng các ấp") == "trưởng các thôn"  # a tail never leaves one word
    assert key("Trưởng các thôn, bản") == "trưởng các thôn"  # one village word, however many written
    assert key("Trưởng thôn/ấp") == key("Trưởng tổ dân phố") == "trưởng thôn"
    assert key("CA xã, Phòng VHXH") == "ca xã phòng vhxh"  # no place name after "xã,"
    assert key("Văn phòng HĐND và UBND huện Hướng Hóa") == "văn phòng hđnd ubnd huện"  # a mistyped level word
    assert key("cán bộ, công chức, chuyên trách") == "cán bộ công chức chuyên trách"  # "chuyên" is no "huyện"


def test_exact(matcher):
    assert matcher.exact("Các cơ quan, đơn vị") == "Các cơ quan, đơn vị"
    assert matcher.exact("Văn phòng HĐND & UBND xã Xuân Hưng") == "Văn phòng HĐND và UBND xã"
    assert matcher.exact("Phòng Kinh tê") is None  # fuzzy, not exact
    assert matcher.exact("Các cơ quan") is None


def test_clerk_decisions_win_and_are_not_cached_over():
    registry = load_registry()
    matcher = Matcher(registry)
    assert matcher.match("Phòng Văn hóa - Thông tin xã").unit is None
    assert matcher.match("Công an").unit == "Công an xã"
    registry.decide("Phòng Văn hóa - Thông tin xã", "Phòng Văn hóa - Xã hội")
    registry.decide("Công an", "Công an huyện")
    registry.decide("Viettel", None)
    got = matcher.match("phòng văn hoá – thông tin xã")  # folds to the decided key
    assert (got.unit, got.status, got.score) == ("Phòng Văn hóa - Xã hội", "confirmed", 100.0)
    assert matcher.match("Công an").unit == "Công an huyện"
    assert (matcher.match("Viettel").unit, matcher.match("Viettel").status) == (None, "confirmed")
    assert matcher.exact("Phòng Văn hóa - Thông tin xã") == "Phòng Văn hóa - Xã hội"
    with pytest.raises(ValueError, match="unknown unit"):
        registry.decide("Phòng X", "Phòng không có")


def test_registry_rejects_aliases_that_read_alike():
    registry = Registry(
        [
            Unit("Phòng Kinh tế", "office", "commune", ["P. Kinh tế"]),
            Unit("Phòng Kinh tế huyện", "office", "district", ["Phòng Kinh tế"]),
        ]
    )
    with pytest.raises(ValueError, match="reads the same"):
        Matcher(registry)


def test_load_registry_reads_the_bundled_units():
    registry = load_registry()
    assert len(registry.units) == 39
    unit = registry.unit("Trung tâm Phục vụ hành chính công xã")
    assert (unit.kind, unit.level) == ("office", "commune")
    assert "TT phục vụ HCC" in unit.aliases
    assert registry.decisions == {}


def test_matcher_pickles_with_its_registry_and_decisions():
    registry = load_registry()
    registry.decide("Bộ phận một cửa", "Trung tâm Phục vụ hành chính công xã")
    matcher = Matcher(registry)
    matcher.match("Phòng VHXH")
    clone = pickle.loads(pickle.dumps(matcher))
    assert clone.match("Phòng VHXH").unit == "Phòng Văn hóa - Xã hội"
    assert clone.match("Bộ phận một cửa").status == "confirmed"


def test_each_distinct_mention_is_matched_once(labelled):
    """Speed itself is measured in bench/bench_agencies.py."""
    matcher = Matcher(load_registry())
    mentions = [r["mention"] for r in labelled]
    first = [matcher.match(m) for m in mentions]
    cached = dict(matcher._cache)
    again = [matcher.match(m) for m in mentions]
    assert again == first and matcher._cache == cached
    assert len(cached) == len({matcher.key(m) for m in mentions})
