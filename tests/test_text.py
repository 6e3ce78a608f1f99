"""Vietnamese text normalisation: what is stored (clean) and what is compared (fold)."""

import unicodedata

import pytest

from chitieu.ingest.pdf import cell_text
from chitieu.normalize.text import clean, fold


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("$\\geq 95\\%$", "≥ 95%"),
        ("$\\geq 1\\%/năm$", "≥ 1%/năm"),
        ("Có $>60\\%$ cơ sở dữ liệu", "Có >60% cơ sở dữ liệu"),
        ("100% giáo viên và $\\ geq 65\\%$ học sinh", "100% giáo viên và ≥ 65% học sinh"),  # line wrapped in "\geq"
        ("dân số $\\geq", "dân số ≥"),
        ("95\\%$", "95%"),  # a formula split by a page
        ("Tỷ lệ DVCTT (<i>điền sẵn</i>)", "Tỷ lệ DVCTT (điền sẵn)"),
        ("**KT. CHỦ TỊCH**", "KT. CHỦ TỊCH"),
        ("Phòng\u00a0Kinh  tế\n", "Phòng Kinh tế"),
        (unicodedata.normalize("NFD", "Văn phòng Đảng ủy"), "Văn phòng Đảng ủy"),
        ("\u00d0ảng ủy", "Đảng ủy"),  # Icelandic eth for Đ
    ],
)
def test_clean(raw, stored):
    assert clean(raw) == stored


@pytest.mark.parametrize(
    "a, b",
    [
        ("Phòng Văn hoá – Xã hội", "phòng văn hóa-xã hội"),
        ("Đảng uỷ xã", "ĐẢNG ỦY XÃ"),
        ("thuỷ lợi", "thủy lợi"),
        ("khoẻ", "khỏe"),
        ("Văn phòng HĐND- UBND", "Văn phòng HĐND - UBND"),
    ],
)
def test_fold_ignores_tone_placement_dashes_and_case(a, b):
    assert fold(a) == fold(b)


@pytest.mark.parametrize("word", ["hoặc", "hoàn", "quý", "hoạch", "tuyển"])
def test_fold_keeps_syllables_that_have_a_final_consonant_or_qu(word):
    assert fold(word) == word


def test_pdf_cell_lines_join_without_space_after_a_word_hyphen():
    assert cell_text("Văn phòng HĐND-\nUBND xã") == "Văn phòng HĐND-UBND xã"
    assert cell_text("Phòng Văn hóa -\nXã hội") == "Phòng Văn hóa - Xã hội"
