"""Target parsing: every row of the five seed appendices, pinned exactly, plus
the forms of the export contract and the figures that are not targets."""

from pathlib import Path

import pytest

from chitieu.ingest import extract
from chitieu.normalize.model import Target
from chitieu.normalize.targets import parse_target
from chitieu.normalize.text import clean

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "tsv"


def pct(raw, op, value, **kw):
    return Target(raw=raw, kind="numeric", op=op, value=value, unit="%", **kw)


def num(raw, op, value, unit, **kw):
    return Target(raw=raw, kind="numeric", op=op, value=value, unit=unit, **kw)


def YES(raw):
    return Target(raw=raw, kind="boolean", boolean=True)


def TEXT(raw):
    return Target(raw=raw, kind="text")


# (table, row_no, target[, more_targets]) for every row, in reading order.
SEEDS = {
    "dang-uy-nq57-muc-tieu-2026.tsv": [
        (0, "1", pct("≥ 95%", ">=", 95)),
        (0, "2", pct("≥ 70%", ">=", 70)),
        (0, "3", pct("100%", "=", 100)),
        (0, "4", pct("100%", "=", 100)),
        (0, "1", pct("100%", "=", 100)),
        (0, "2", pct("95%", "=", 95)),
        (0, "3", pct("82%", "=", 82)),
        (
            0,
            "4",
            num(
                "từ 08 người thực hiện công tác nghiên cứu khoa học, phát triển công nghệ, đổi mới sáng tạo trên 01 vạn dân",
                ">=",
                8,
                "người",
                per="01 vạn dân",
            ),
        ),
        (0, "5", pct("100%", "=", 100), [pct("≥ 65%", ">=", 65)]),
        (0, "1", num("≥ 30 nhiệm vụ", ">=", 30, "nhiệm vụ")),
        (0, "2", pct("≥ 40%", ">=", 40)),
        (0, "3", None),
        (0, "1", None),
        (0, "2", num("1 trường", "=", 1, "trường")),
        (0, "1", pct("≥ 100%", ">=", 100)),
        (0, "2", pct("100%", "=", 100)),
        (0, "3", pct("≥ 80%", ">=", 80)),
        (0, "4", pct("95%", "=", 95)),
        (0, "5", pct("100%", "=", 100)),
        (0, "6", pct("≥ 90%", ">=", 90)),
        (0, "7", pct("≥ 95%", ">=", 95)),
        (0, "8", pct("95%", "=", 95)),
        (0, "9", pct("100%", "=", 100)),
        (0, "10", pct(">60%", ">", 60)),
        (0, "11", pct("≥ 75%", ">=", 75)),
        (0, "12", pct("≥ 75%", ">=", 75)),
        (0, "13", pct("≥ 40%", ">=", 40)),
        (0, "14", pct("100%", "=", 100)),
        (0, "15", pct("100%", "=", 100)),
    ],
    "nghia-son-muc-tieu-2026.tsv": [
        (0, "1", pct("100%", "=", 100)),
        (0, "1", pct("≥ 70", ">=", 70)),
        (0, "2", pct("≥ 70", ">=", 70)),
        (0, "3", pct("100", "=", 100)),
        (0, "4", num("100", "=", 100, None)),
        (0, "1", pct("≥ 3,5", ">=", 3.5)),
        (0, "2", pct("100", "=", 100)),
        (0, "3", pct("≥ 90", ">=", 90)),
        (0, "4", pct("≥ 82", ">=", 82)),
        (0, "5", pct("≥ 65", ">=", 65)),
        (0, "6", pct("100", "=", 100)),
        (0, "7", pct("≥30", ">=", 30)),
        (0, "8", pct("100", "=", 100)),
        (0, "1", pct("100", "=", 100)),
        (0, "2", pct("100", "=", 100)),
        (0, "3", pct("≥80", ">=", 80)),
        (0, "4", pct("≥95", ">=", 95)),
        (0, "5", pct("100", "=", 100)),
        (0, "6", pct("≥90", ">=", 90)),
        (0, "7", pct("≥95", ">=", 95)),
        (0, "8", pct("100", "=", 100)),
        (0, "9", pct("≥95", ">=", 95)),
        (0, "10", pct("≥95", ">=", 95)),
        (0, "11", pct("≥ 83", ">=", 83)),
        (0, "12", pct("≥ 40", ">=", 40)),
        (0, "13", pct("≥ 70", ">=", 70)),
        (0, "14", pct("100", "=", 100)),
        (0, "15", pct("≥ 15", ">=", 15)),
        (0, "16", pct("≥ 40", ">=", 40)),
    ],
    "xuan-hung-phan-cong-chi-tieu-2026.tsv": [
        (0, "1.1", pct("100%", "=", 100)),
        (0, "1.2", pct("100%", "=", 100)),
        (0, "1.3", pct("100%", "=", 100)),
        (0, "2.1", pct("đạt 95%", ">=", 95)),
        (0, "2.2", pct("đạt 70%", ">=", 70)),
        (0, "2.3", pct("đạt tối thiểu 50%", ">=", 50)),
        (0, "2.4", pct("100%", "=", 100)),
        (0, "2.5", None),
        (0, "3.1", pct("đạt tối thiểu 1%", ">=", 1)),
        (0, "3.2", pct("100%", "=", 100)),
        (0, "3.3", pct("90%", "=", 90)),
        (0, "3.4", pct("30%", "=", 30)),
        (0, "3.5", pct("100%", "=", 100)),
        (0, "3.6", None),
        (0, "3.7", pct("100%", "=", 100)),
        (0, "4.1", pct("Tối thiểu 95%", ">=", 95)),
        (0, "4.2", pct("Tối thiểu 95%", ">=", 95)),
        (0, "4.3", pct("Tối thiểu 60%", ">=", 60)),
        (0, "4.4", pct("75%", "=", 75)),
        (0, "4.5", pct("50%", "=", 50)),
        (0, "4.6", None),
        (0, "4.7", pct("Tối thiểu 15%", ">=", 15)),
        (0, "5.1", pct("100%", "=", 100)),
        (0, "5.2", pct("100%", "=", 100)),
        (0, "5.4", pct("Đạt tối thiểu 80%", ">=", 80)),
        (0, "5.5", pct("100%", "=", 100)),
        (0, "5.6", pct("Tối thiểu 90%", ">=", 90)),
        (0, "5.7", pct("Trên 95%", ">", 95)),
        (0, "5.8", pct("100%", "=", 100)),
        (0, "5.9", pct("85%", "=", 85)),
        (0, "5.10", pct("đạt tỷ lệ 60% trở lên", ">=", 60)),
        (0, "5.11", pct("83%", "=", 83)),
        (0, "5.12", pct("Trên 95%", ">", 95)),
        (0, "5.13", pct("Tối thiểu 70%", ">=", 70)),
        (0, "5.14", pct("100%", "=", 100)),
        (0, "5.15", pct("100%", "=", 100)),
        (0, "5.16", pct("100%", "=", 100)),
        (0, "5.17", None),
        (0, "6.1", pct("Trên 40%", ">", 40)),
        (0, "6.2", pct("đạt tối thiểu 15%", ">=", 15)),
        (0, "6.3", num("đạt tối thiểu 10 lần", ">=", 10, "lần")),
        (0, "6.4", pct("90%", "=", 90)),
        (0, "7.1", pct("Trên 70%", ">", 70)),
        (0, "7.2", pct("30%", "=", 30)),
        (0, "7.3", pct("Trên 40%", ">", 40)),
        (0, "7.4", pct("82%", "=", 82)),
        (0, "8.1", None),
        (0, "8.2", None),
        (0, "1", None),
        (0, "2", None),
        (0, "3", None),
        (0, "6", None),
        (0, "4", None),
        (0, "5", None),
        (0, "6", None),
    ],
    "xuan-loc-ke-hoach-cds-2026.tsv": [
        (0, "1", pct("≥ 50%", ">=", 50)),
        (0, "2", pct("≥ 60%", ">=", 60)),
        (0, "1", pct("≥ 1%/năm", ">=", 1, per="năm")),
        (0, "2", pct("100%", "=", 100)),
        (0, "3", pct("100%", "=", 100)),
        (0, "4", pct("≥ 80%", ">=", 80)),
        (0, "5", pct("100%", "=", 100)),
        (0, "1", pct("70%", "=", 70)),
        (0, "2", pct("100%", "=", 100)),
        (0, "3", pct("100%", "=", 100)),
        (0, "4", pct("100%", "=", 100)),
        (0, "5", pct("100%", "=", 100)),
        (0, "6", pct("95%", "=", 95)),
        (0, "7", pct("≥ 80%", ">=", 80)),
        (0, "8", pct("≥ 90%", ">=", 90)),
        (0, "9", pct("≥ 80%", ">=", 80)),
        (0, "10", pct("≥ 80%", ">=", 80)),
        (0, "11", pct("100% (trừ văn bản mật)", "=", 100, qualifier="trừ văn bản mật")),
        (0, "12", pct("100%", "=", 100)),
        (0, "13", pct("100%", "=", 100)),
        (0, "14", pct("≥ 80%", ">=", 80)),
        (0, "15", pct("≥ 40%", ">=", 40)),
        (0, "16", pct("≥ 80%", ">=", 80)),
        (0, "17", pct("≥ 50%", ">=", 50)),
        (0, "18", YES("Đạt")),
        (0, "19", pct("100%", "=", 100)),
        (0, "20", pct("≥ 95%", ">=", 95)),
        (0, "21", pct("≥ 95%", ">=", 95)),
        (0, "22", pct("100%", "=", 100)),
        (0, "23", YES("Đạt")),
    ],
    "xuan-son-dti-2023.tsv": [
        (0, "1", None),
        (0, "2", None),
        (0, "3", None),
        (0, "4", None),
        (0, "5", None),
        (0, "6", None),
        (0, "7", None),
        (0, "8", None),
        (0, "9", None),
        (0, "10", None),
        (0, "11", None),
        (0, "12", None),
        (0, "13", None),
        (0, "14", None),
        (0, "15", None),
        (0, "16", None),
        (0, "17", None),
        (1, "1", YES("Có")),
        (1, "2", YES("Có")),
        (1, "3", YES("Có")),
        (1, "4", YES("Có")),
        (1, "5", YES("Có")),
        (1, "6", YES("Có")),
        (1, "7", YES("Có")),
        (1, "8", YES("Có")),
        (1, "9", YES("Có")),
        (1, "10", YES("Có")),
        (1, "11", YES("Có")),
        (1, "12", YES("Có")),
        (1, "13", YES("Có")),
        (1, "14", pct("100%", "=", 100)),
        (
            1,
            "15",
            TEXT(
                "Đáp ứng các tiêu chí, chỉ tiêu kỹ thuật theo hướng dẫn của Bộ TTTT tại Văn bản số 1145/BTTTT-CATTT ngày 03/4/2020"
            ),
        ),
        (1, None, pct("100%", "=", 100)),
        (1, "16", pct("100%", "=", 100)),
        (1, "17", pct("100%", "=", 100)),
        (1, "18", pct("100%", "=", 100)),
        (1, "19", None),
        (1, "20", None),
        (1, "21", None),
        (1, "22", YES("Có")),
        (1, "23", YES("Có")),
        (1, "24", YES("Có")),
        (1, "25", pct("100%", "=", 100)),
        (1, "26", pct("100%", "=", 100)),
        (1, "27", pct("100%", "=", 100)),
        (1, "28", pct("100%", "=", 100)),
        (1, "29", YES("Có")),
        (1, "30", pct("100%", "=", 100)),
        (1, "31", pct("100%", "=", 100)),
        (1, "32", pct("≥ 0,25%", ">=", 0.25)),
        (1, "33", pct("≥ 80%", ">=", 80)),
        (2, "1", YES("Có")),
        (2, "2", YES("Có")),
        (2, "3", pct("100%", "=", 100)),
        (2, "4", YES("Có")),
        (2, "5", YES("Có")),
        (2, "6", pct("100%", "=", 100)),
        (2, "7", pct("100%", "=", 100)),
        (2, "8", TEXT("Tính điểm theo phương pháp Min-Max dựa vào tỷ lệ cao nhất thì điểm tối đa và giảm")),
        (2, "9", TEXT("Tính điểm theo phương pháp Min-Max dựa vào tỷ lệ cao nhất thì điểm tối đa và giảm dần")),
        (2, "10", pct("100%", "=", 100)),
        (2, "11", TEXT("Tính điểm theo phương pháp Min-Max dựa vào tỷ lệ cao nhất thì điểm tối đa và giảm dần")),
        (2, "12", pct("100%", "=", 100)),
        (2, "13", pct("100%", "=", 100)),
        (
            2,
            "14",
            TEXT(
                "Chỉ tiêu này được tính điểm theo phương pháp Min-Max dựa vào đơn vị nào nhiều cuộc diễn tập theo quy định nhất thì điểm tối đa và giảm dần"
            ),
        ),
        (
            2,
            "15",
            TEXT("Tính điểm theo phương pháp Min-Max dựa vào đơn vị nào nhiều sự cố nhất thì điểm tối đa và giảm dần"),
        ),
        (2, None, pct("≥ 10%", ">=", 10)),
        (2, None, pct("≥ 10%", ">=", 10)),
        (2, "17", TEXT("- Có phối hợp triển khai - Đáp ứng yêu cầu kỹ thuật")),
        (2, "18", pct("100%", "=", 100)),
        (2, "19", pct("100%", "=", 100)),
        (2, "20", pct("100%", "=", 100)),
        (2, "21", pct("100%", "=", 100)),
        (2, "22", pct("≥ 80%", ">=", 80)),
        (2, "23", num("10 nghiệp vụ", "=", 10, "nghiệp vụ")),
        (2, None, pct("≥ 1%", ">=", 1)),
        (2, None, pct("≥ 1%", ">=", 1)),
        (2, "25", pct("≥ 20%", ">=", 20)),
        (2, "26", pct("≥ 0,25%", ">=", 0.25)),
        (2, "27", pct("100%", "=", 100)),
        (2, "28", pct("≥ 50%", ">=", 50)),
        (2, "29", pct("100%", "=", 100)),
        (2, "30", pct("≥ 70%", ">=", 70)),
        (2, "31", TEXT("Tính điểm theo phương pháp Min-Max dựa vào tỷ lệ của tỉnh với tỉnh chi cao nhất")),
        (2, "32", TEXT("Tính điểm theo phương pháp Min-Max dựa vào tỷ lệ của tỉnh với tỉnh chi cao nhất")),
        (2, None, pct("100%", "=", 100)),
        (2, None, pct("100%", "=", 100)),
        (2, None, pct("100%", "=", 100)),
        (2, None, pct("100%", "=", 100)),
        (2, None, pct("100%", "=", 100)),
        (2, None, pct("100%", "=", 100)),
    ],
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_seed_row(name):
    document = extract(SAMPLES / name)
    got = []
    for table in document.tables:
        for row in table.rows:
            target, more = parse_target(row.target, row.unit, row.indicator)
            got.append((table.index, row.row_no, target, more) if more else (table.index, row.row_no, target))
    assert got == SEEDS[name]


def read(text):
    """The targets read from an indicator text with no target cell."""
    target, more = parse_target("", "", text)
    return [target, *more] if target else []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Tỷ lệ phủ sóng 5G trên dân số đạt 95%", pct("đạt 95%", ">=", 95)),
        ("Tối thiểu 60% dữ liệu của xã được số hóa", pct("Tối thiểu 60%", ">=", 60)),
        ("Tỷ lệ phủ sóng 5G trên dân số ≥ 95%", pct("≥ 95%", ">=", 95)),
        ("Trên 95% hồ sơ", pct("Trên 95%", ">", 95)),
        ("Có >60% cơ sở dữ liệu", pct(">60%", ">", 60)),
        ("có ít nhất 70% hộ gia đình", pct("ít nhất 70%", ">=", 70)),
        ("đạt tỷ lệ 60% trở lên", pct("đạt tỷ lệ 60% trở lên", ">=", 60)),
        ("100% cán bộ", pct("100%", "=", 100)),
        ("không quá 5% hồ sơ trễ hạn", pct("không quá 5%", "<=", 5)),
        ("dưới 2% hồ sơ trễ hạn", pct("dưới 2%", "<", 2)),
        ("từ 60% đến 80% hồ sơ", pct("từ 60% đến 80%", "between", 60, value_max=80)),
        ("Chỉ số đạt 0,65", Target(raw="đạt 0,65", kind="numeric", op=">=", value=0.65)),
        ("Có ≥ 30 nhiệm vụ khoa học và công nghệ triển khai", num("≥ 30 nhiệm vụ", ">=", 30, "nhiệm vụ")),
        ("Giá trị thanh toán đạt tối thiểu 10 lần", num("đạt tối thiểu 10 lần", ">=", 10, "lần")),
        ("Có 1 trường phổ thông trên địa bàn xã", num("1 trường", "=", 1, "trường")),
        ("Tổ chức tối thiểu 01 lần/năm", num("tối thiểu 01 lần/năm", ">=", 1, "lần", per="năm")),
        ("Có 2 hội nghị mỗi năm", num("2 hội nghị mỗi năm", "=", 2, "hội nghị", per="năm")),
        ("tin, bài đạt từ 20 bài trở lên", num("đạt từ 20 bài trở lên", ">=", 20, "bài")),
        ("đạt 1.000 người", num("đạt 1.000 người", ">=", 1000, "người")),
        ("≥ 5 tỷ đồng", num("≥ 5 tỷ đồng", ">=", 5, "tỷ đồng")),
        # a span of time after a real operator is a target; after "sau"/"từ" or nothing it is a period
        ("giải quyết không quá 3 ngày", num("không quá 3 ngày", "<=", 3, "ngày")),
        ("tối thiểu 2 giờ/tuần", num("tối thiểu 2 giờ/tuần", ">=", 2, "giờ", per="tuần")),
        (
            "Có từ 08 người làm khoa học trên 01 vạn dân",
            num("từ 08 người làm khoa học trên 01 vạn dân", ">=", 8, "người", per="01 vạn dân"),
        ),
    ],
)
def test_in_text_forms(text, expected):
    assert read(text) == [expected]


def test_several_targets_in_one_text():
    assert read("100% giáo viên và ≥ 65% học sinh phổ thông được tập huấn") == [
        pct("100%", "=", 100),
        pct("≥ 65%", ">=", 65),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "tốc độ từ 1 Gb/s trở lên",
        "tốc độ từ 1Gb/s trở lên",
        "tốc độ trên 01 Gbps",
        "tốc độ trên 01 Gbps/s",
        "Tỷ lệ phủ sóng 5G",
        "mạng 4G",
        "dân số từ 15 tuổi trở lên",
        "Đề án 06/CP",
        "Quyết định số 06/QĐ-TTg",
        "ngày 06/01/2022",
        "Ngày chuyển đổi số quốc gia 10/10/2026",
        "sau 12 tháng nghiệm thu",
        "năm 2027",
        "giai đoạn 2026 - 2030",
        "từ 2026 đến 2030",
        "đạt 2026",
        "Xã đạt cấp độ 3 mức độ trưởng thành",
        "DVCTT mức độ 4",
        "DVCTT mức độ 3, 4 trong năm",
        "tần suất cập nhật trung bình 1 tuần/1 lần",
        "Nghị quyết số 57-NQ/TW",
        "Văn bản số 1145/BTTTT-CATTT ngày 03/4/2020",
        "Kế hoạch hành động 5 năm",
        "Cách mạng công nghiệp lần thứ 4",
        "phòng chống Covid-19",
        "Tổ chức 02 hội nghị",
        "Chỉ thị 01 của Ban Thường vụ",
        "Đề án 06 (Quyết định 06)",
        "từ 12 tháng",
        "Có 3/5 xã",
        "Đến năm 2026, các cơ quan",
        "Quý IV/2026",
        "tốc độ đạt 1Gb/s",
        "phủ sóng đạt 5G",
        "đạt 10/10 xã",
        # in a rate indicator a count defines what is counted; the target is elsewhere
        "Tỷ lệ cơ quan, đơn vị có ít nhất 01 tài khoản ứng dụng AI",
    ],
)
def test_figures_that_are_not_targets(text):
    assert read(text) == []


def test_target_cell_wins_over_the_text():
    text = "Tỷ lệ cơ quan, đơn vị có ít nhất 01 tài khoản ứng dụng trí tuệ nhân tạo (AI) đạt 50%"
    assert parse_target("100%", "%", text) == (pct("100%", "=", 100), [])
    assert parse_target("Có", "", "Trang tin đạt từ 20 bài trở lên") == (YES("Có"), [])


@pytest.mark.parametrize(
    "cell, unit, expected",
    [
        ("≥ 70", "%", pct("≥ 70", ">=", 70)),
        ("70%", "", pct("70%", "=", 70)),
        ("≥ 3,5", "%", pct("≥ 3,5", ">=", 3.5)),
        ("≥ 0,25%", "", pct("≥ 0,25%", ">=", 0.25)),
        ("≥ 1%/năm", "%", pct("≥ 1%/năm", ">=", 1, per="năm")),
        ("≥ 2", "%/năm", pct("≥ 2", ">=", 2, per="năm")),
        ("100% (trừ văn bản mật)", "%", pct("100% (trừ văn bản mật)", "=", 100, qualifier="trừ văn bản mật")),
        ("10 nghiệp vụ", "", num("10 nghiệp vụ", "=", 10, "nghiệp vụ")),
        ("5", "Người", num("5", "=", 5, "người")),
        ("3", "lần/năm", num("3", "=", 3, "lần", per="năm")),
        ("100% giáo viên; ≥ 65% học sinh", "", pct("100% giáo viên", "=", 100, qualifier="giáo viên")),
        # "Đảm bảo" in the unit column is a verb, not a unit: no unit is guessed
        ("100", "Đảm bảo", Target(raw="100", kind="numeric", op="=", value=100)),
        ("Đạt", "Đạt", YES("Đạt")),
        ("Có", "%", YES("Có")),
        ("có.", "", YES("có.")),
        ("Hoàn thành", "", YES("Hoàn thành")),
        ("Tính điểm theo phương pháp Min-Max", "", TEXT("Tính điểm theo phương pháp Min-Max")),
        (
            "- Có phối hợp triển khai - Đáp ứng yêu cầu kỹ thuật",
            "",
            TEXT("- Có phối hợp triển khai - Đáp ứng yêu cầu kỹ thuật"),
        ),
        ("Cấp độ 3", "", TEXT("Cấp độ 3")),
        ("12 tháng", "", TEXT("12 tháng")),
    ],
)
def test_target_cell_forms(cell, unit, expected):
    assert parse_target(cell, unit, "Tỷ lệ hồ sơ đạt 50%")[0] == expected


def test_several_targets_in_a_cell():
    """Each target keeps the words saying what it is about."""
    assert parse_target("100% giáo viên; ≥ 65% học sinh", "", "")[1] == [
        pct("≥ 65% học sinh", ">=", 65, qualifier="học sinh")
    ]


@pytest.mark.parametrize("cell", ["-", "–", "—", "…"])
def test_placeholder_cell_is_no_target_and_the_text_is_not_read(cell):
    assert parse_target(cell, "%", "Tỷ lệ phủ sóng đạt 95%") == (None, [])


def test_blank_everything_is_no_target():
    assert parse_target("", "", "") == (None, [])
    assert parse_target("  ", "%", "Số lượng doanh nghiệp") == (None, [])


@pytest.mark.parametrize(
    "latex, expected",
    [
        (r"$\geq 95\%$", pct("≥ 95%", ">=", 95)),
        (r"$\geq 1\%/năm$", pct("≥ 1%/năm", ">=", 1, per="năm")),
        (r"$\geq 0,25\%$", pct("≥ 0,25%", ">=", 0.25)),
    ],
)
def test_latex_cells_after_cleaning(latex, expected):
    assert parse_target(clean(latex), "", "") == (expected, [])


def test_latex_in_text_after_cleaning():
    assert read(clean(r"Có $>60\%$ cơ sở dữ liệu của xã được số hoá")) == [pct(">60%", ">", 60)]
