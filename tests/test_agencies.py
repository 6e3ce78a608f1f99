"""Splitting agency cells into mentions, on strings and on the seed appendices."""

from __future__ import annotations

from pathlib import Path

import pytest

from chitieu.ingest import extract
from chitieu.normalize.agencies import split_mentions
from chitieu.normalize.matching import Matcher
from chitieu.normalize.registry import load_registry

SAMPLES = Path(__file__).parent.parent / "samples" / "tsv"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load_registry())


@pytest.mark.parametrize(
    "cell, mentions",
    [
        (
            "Văn phòng HĐND - UBND, Phòng Kinh tế, TT phục vụ HCC; Phòng Văn hóa - Xã hội",
            ["Văn phòng HĐND - UBND", "Phòng Kinh tế", "TT phục vụ HCC", "Phòng Văn hóa - Xã hội"],
        ),
        # names with commas stay whole
        ("Các cơ quan, đơn vị", ["Các cơ quan, đơn vị"]),
        ("Văn phòng HĐND-UBND xã, Các cơ quan, đơn vị", ["Văn phòng HĐND-UBND xã", "Các cơ quan, đơn vị"]),
        (
            "Trung tâm phục vụ hành chính công; các cơ quan, đơn vị liên quan",
            ["Trung tâm phục vụ hành chính công", "các cơ quan, đơn vị liên quan"],
        ),
        (
            "Các cán bộ, công chức, cán bộ chuyên trách và Thôn trưởng các thôn",
            ["Các cán bộ, công chức, cán bộ chuyên trách", "Thôn trưởng các thôn"],
        ),
        ("Các trường Mầm non, Tiểu học, THCS trên địa bàn xã", ["Các trường Mầm non, Tiểu học, THCS trên địa bàn xã"]),
        (
            "Phòng Văn hóa - Xã hội, Trung tâm Văn hóa, Thông tin, Thể thao và Bảo tồn thiên nhiên núi Chứa Chan",
            ["Phòng Văn hóa - Xã hội", "Trung tâm Văn hóa, Thông tin, Thể thao và Bảo tồn thiên nhiên núi Chứa Chan"],
        ),
        # "và" splits only between agencies of their own
        ("MTTQ và các đoàn thể chính trị - xã hội", ["MTTQ", "các đoàn thể chính trị - xã hội"]),
        ("Văn phòng HĐND và UBND xã", ["Văn phòng HĐND và UBND xã"]),
        ("Phòng Văn hoá và Thông tin", ["Phòng Văn hoá và Thông tin"]),
        ("Văn phòng HĐND & UBND và Cán bộ VHXH xã", ["Văn phòng HĐND & UBND", "Cán bộ VHXH xã"]),
        (
            "UBND xã và cán bộ công chức và thôn trưởng các thôn",
            ["UBND xã", "cán bộ công chức", "thôn trưởng các thôn"],
        ),
        ("Phòng Kinh tế và Hạ tầng", ["Phòng Kinh tế và Hạ tầng"]),
        # positions inside the brackets of "UBND xã (…)"
        ("UBND xã (Công chức VP-TK và Công chức TC-KT)", ["Công chức VP-TK", "Công chức TC-KT"]),
        ("UBND xã và (Công chức TC-KT và Công chức VP-TK)", ["Công chức TC-KT", "Công chức VP-TK"]),
        ("UBND xã - (Công chức TC-KH)", ["Công chức TC-KH"]),
        ("UBND xã (Ban Công an xã)", ["UBND xã (Ban Công an xã)"]),  # a known spelling as a whole
        (
            "Văn phòng HĐND & UBND xã và bộ phận tiếp nhận và trả kết quả hồ sơ (phục vụ giải quyết TTHC, DVC)",
            ["Văn phòng HĐND & UBND xã", "bộ phận tiếp nhận và trả kết quả hồ sơ (phục vụ giải quyết TTHC, DVC)"],
        ),
        # punctuation, list markers, line breaks, fragments
        ("- Phòng Kinh tế.", ["Phòng Kinh tế"]),
        ("Văn phòng Đảng ủy;", ["Văn phòng Đảng ủy"]),
        ("- Công an xã\n- Trạm y tế xã;\n", ["Công an xã", "Trạm y tế xã"]),
        (
            "Các ban, ngành, địa phương; các đơn vị, doanh nghiệp có liên quan",
            ["Các ban, ngành, địa phương", "các đơn vị, doanh nghiệp có liên quan"],
        ),
        ("", []),
        (" ; ", []),
    ],
)
def test_split_mentions(matcher, cell, mentions):
    assert split_mentions(cell, matcher) == mentions


def test_seed_cells_split_and_resolve(matcher):
    """Every agency cell of the five seeds: mentions are non-empty, carry no
    separators at their ends, and almost all resolve."""
    total = resolved = 0
    for path in sorted(SAMPLES.glob("*.tsv")):
        for table in extract(path).tables:
            for row in table.rows:
                for cell in row.agencies.values():
                    for mention in split_mentions(cell, matcher):
                        assert mention and mention == mention.strip(" ,;.-")
                        total += 1
                        resolved += matcher.match(mention).unit is not None
    print(f"\nseed agency mentions: {resolved}/{total} resolved")
    assert total > 600 and resolved / total > 0.97


def test_seed_cell_of_xuan_son(matcher):
    doc = extract(SAMPLES / "xuan-son-dti-2023.tsv")
    cells = [c for t in doc.tables for r in t.rows for c in r.agencies.values()]
    assert "UBND xã (Công chức VHXX và Công chức Văn phòng – Thống kê)" in cells
    mentions = split_mentions("UBND xã (Công chức VHXX và Công chức Văn phòng – Thống kê)", matcher)
    assert [matcher.match(m).unit for m in mentions] == ["Công chức Văn hóa - Xã hội", "Công chức Văn phòng - Thống kê"]


@pytest.mark.parametrize(
    "issuer, level, units",
    [
        ("CHÍNH PHỦ\n(Kèm theo Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ)", "national", [None, None, None]),
        ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "province", [None, None, "Ủy ban nhân dân tỉnh"]),
        (
            "(Kèm theo Kế hoạch số 12/KH-UBND ngày 3/4/2026 của UBND xã Hòa Phú)",
            "commune",
            ["Các cơ quan Đảng", "Công an xã", "Ủy ban nhân dân xã"],
        ),
    ],
)
def test_the_documents_level_and_commune_decide(tmp_path, issuer, level, units):
    from chitieu.normalize.pipeline import Normalizer

    path = tmp_path / "plan.tsv"
    path.write_text(
        f"{issuer}\nSTT\tNội dung chỉ tiêu\tChỉ tiêu\tCơ quan chủ trì\n"
        "1\tTỷ lệ hồ sơ trực tuyến\t100%\tCác cơ quan Đảng\n"
        "2\tTỷ lệ hồ sơ số hóa\t100%\tCông an Hòa Phú\n"
        "3\tTỷ lệ văn bản điện tử\t100%\tUBND\n",
        encoding="utf-8",
    )
    doc = extract(path)
    assert doc.meta.level == level
    normalized = Normalizer.build().document(doc)
    assert [a.unit for r in normalized.rows for a in r.assignments] == units


def test_splitting_reads_the_documents_commune(matcher):
    cell = "Công an Hòa Phú và Trạm Y tế Hòa Phú"
    assert split_mentions(cell, matcher, commune="Hòa Phú") == ["Công an Hòa Phú", "Trạm Y tế Hòa Phú"]
    assert [matcher.match(m, "Hòa Phú").unit for m in split_mentions(cell, matcher, commune="Hòa Phú")] == [
        "Công an xã",
        "Trạm Y tế xã",
    ]
    assert split_mentions(cell, matcher) == [cell]  # without it, neither side is known: kept whole
