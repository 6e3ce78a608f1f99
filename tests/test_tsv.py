"""Extraction of the five seed appendices (TSV), checked against a reading of the seeds."""

from pathlib import Path

import pytest

from chitieu.ingest import extract
from chitieu.ingest.exceptions import EncodingError, NoTables, UnsupportedFormat

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "tsv"


def doc(name):
    return extract(SAMPLES / name)


def row(document, table, row_no=None, line=None):
    rows = document.tables[table].rows
    found = [r for r in rows if (row_no is None or r.row_no == row_no) and (line is None or r.line == line)]
    assert len(found) == 1, [r.row_no for r in found]
    return found[0]


def test_xuan_hung_rows_sections_and_metadata():
    d = doc("xuan-hung-phan-cong-chi-tieu-2026.tsv")
    assert (d.format, d.meta.commune, d.meta.plan_number, d.meta.issued_on, d.meta.year) == (
        "tsv",
        "Xuân Hưng",
        None,
        None,
        2026,
    )
    assert [len(t.rows) for t in d.tables] == [55]
    numbers = [r.row_no for r in d.tables[0].rows]
    assert numbers.count("6") == 2 and "5.3" not in numbers  # printed as is
    r = row(d, 0, "2.1")
    assert r.section == [
        "I. Phân công phụ trách theo dõi, đôn đốc, kiểm tra thực hiện các chỉ tiêu",
        "2. Về phát triển hạ tầng số",
    ]
    assert r.indicator == "Tỷ lệ phủ sóng 5G trên dân số đạt 95%"
    assert r.agencies == {
        "lead": "Phòng Văn hóa - Xã hội",
        "coordinate": "Văn phòng HĐND - UBND, Phòng Kinh tế, TT phục vụ HCC, Các doanh nghiệp viễn thông",
    }
    assert r.deadline == "Tháng 12/2026"
    r = row(d, 0, "5", line=75)
    assert r.section == ["II. Phân công chủ trì tham mưu xây dựng các văn bản"]
    assert r.agencies["coordinate"] == "Văn phòng HĐND-UBND xã, Các cơ quan, đơn vị"


def test_nghia_son_page_split_rows_are_joined_cell_by_cell():
    d = doc("nghia-son-muc-tieu-2026.tsv")
    assert [len(t.rows) for t in d.tables] == [29]
    assert [c.role for c in d.tables[0].columns] == [
        "number",
        "indicator",
        "unit",
        "target",
        "monitor",
        "lead",
        "coordinate",
        "deadline",
    ]
    r = row(d, 0, line=14)
    assert r.row_no == "3" and r.section == ["B. Mục tiêu khác", "I. Phát triển hạ tầng"]
    assert r.indicator == (
        "Tỷ lệ cán bộ, công chức xử lý văn bản trên hệ thống quản lý văn bản và điều hành; "
        "sử dụng chữ ký số công vụ trong công việc"
    )
    assert (r.unit, r.target, r.deadline) == ("%", "100", "Thường xuyên")
    assert r.agencies == {
        "monitor": "Phòng Văn hoá – Xã hội",
        "lead": "Văn phòng HĐND-UBND",
        "coordinate": "Các cơ quan, đơn vị",
    }
    r = row(d, 0, line=34)
    assert r.agencies == {
        "monitor": "Văn phòng HĐND- UBND xã",
        "lead": "Trung tâm dịch vụ Hành chính công",
        "coordinate": "",
    }
    assert row(d, 0, line=9).section == ["A. Mục tiêu đột phá"]
    assert row(d, 0, line=20).target == "≥ 3,5"


def test_xuan_loc_skips_narrative_and_reads_blank_line_page_breaks():
    d = doc("xuan-loc-ke-hoach-cds-2026.tsv")
    assert (d.meta.commune, d.meta.plan_number, d.meta.year) == ("Xuân Lộc", None, 2026)
    assert [len(t.rows) for t in d.tables] == [30]
    assert [c.role for c in d.tables[0].columns] == [
        "number",
        "indicator",
        "unit",
        "target",
        "monitor",
        "coordinate",
        "notes",
    ]
    r = row(d, 0, line=269)
    assert r.row_no == "5" and r.section == ["B. Phát triển nguồn lực"] and r.target == "100%"
    assert row(d, 0, line=282).target == "100% (trừ văn bản mật)"
    assert row(d, 0, line=264).target == "≥ 1%/năm"


def test_dang_uy_plan_number_and_numbering_as_printed():
    d = doc("dang-uy-nq57-muc-tieu-2026.tsv")
    assert (d.meta.commune, d.meta.plan_number, str(d.meta.issued_on)) == (None, "54-KH/ĐU", "2026-04-13")
    rows = d.tables[0].rows
    assert len(rows) == 29
    assert [c.role for c in d.tables[0].columns] == ["number", "indicator", "monitor", "lead", "coordinate"]
    r = row(d, 0, line=28)
    assert (r.row_no, r.section) == ("1", ["IV. Phát triển hệ sinh thái đổi mới sáng tạo"])
    assert row(d, 0, line=9).indicator == "Tỷ lệ phủ sóng 5G trên dân số ≥ 95%"
    assert row(d, 0, line=11).agencies["monitor"] == "Văn phòng Đảng ủy;"


def test_xuan_son_three_tables_unnumbered_rows_and_numbered_headings():
    d = doc("xuan-son-dti-2023.tsv")
    assert (d.meta.commune, d.meta.year) == ("Xuân Sơn", 2023)
    assert [len(t.rows) for t in d.tables] == [17, 34, 40]
    first = row(d, 0, "16")
    assert first.indicator == "Tổng chi ngân sách nhà nước cho chuyển đổi số"
    assert first.agencies == {"lead": "Phòng Tài chính - Kê hoạch", "coordinate": "UBND xã (Công chức TC- KT)"}
    # after a heading, a continuation-looking row is a row of its own
    r = row(d, 1, line=62)
    assert (r.row_no, r.section, r.indicator, r.target) == (
        None,
        ["IV. Nhân lực số"],
        "Tổ công nghệ số cộng đồng đến mức thôn",
        "100%",
    )
    assert row(d, 1, "8").indicator == "Kế hoạch hành động hàng năm của xã về chuyển đổi số"
    # numbered rows with empty cells above "-"/"•" sub-rows are headings
    assert "16" not in [r.row_no for r in d.tables[2].rows]
    r = row(d, 2, line=120)
    assert r.row_no is None and r.indicator == "Kinh phí đầu tư từ NSNN cho ATTT"
    assert r.section == ["V. An toàn thông tin mạng", "16. Tổng kinh phí chi cho an toàn thông tin (ATTT)"]
    r = row(d, 2, line=149)
    assert r.indicator == (
        "Tỷ lệ phản ánh được xử lý đúng hạn qua Tin nhắn trên các nền tảng liên lạc (Zalo, Messenger...)"
    )
    assert r.agencies == {"guide": "Phòng Văn hoá và Thông tin", "lead": "UBND xã (Công chức VP-TK)", "coordinate": ""}
    assert row(d, 2, "14").target.endswith("nhiều cuộc diễn tập theo quy định nhất thì điểm tối đa và giảm dần")
    assert row(d, 1, "26").indicator.startswith("Tỷ lệ DVCTT được điền sẵn thông tin (DVCTT được")


def _write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return p


SMALL = "Kèm theo Kế hoạch số 12/KH-UBND ngày 3/5/2026 của UBND xã Đồng Tâm\nSTT\tNội dung chỉ tiêu\tChỉ tiêu\tĐơn vị chủ trì\n1\tTỷ lệ hồ sơ được số hóa\t100%\tPhòng Kinh tế\n"


def _cp1258(text):
    """Windows-1258 as Vietnamese Word wrote it: tone marks as combining characters."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out.append(base + "".join(p for p in parts if p in tones))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("encode", [str.encode, lambda s: s.encode("utf-8-sig"), lambda s: s.encode("utf-16"), _cp1258])
def test_encodings(tmp_path, encode):
    d = extract(_write(tmp_path, "p.tsv", encode(SMALL)))
    assert (d.meta.commune, d.meta.plan_number, str(d.meta.issued_on)) == ("Đồng Tâm", "12/KH-UBND", "2026-05-03")
    assert d.tables[0].rows[0].indicator == "Tỷ lệ hồ sơ được số hóa"


def test_decomposed_text_is_stored_nfc(tmp_path):
    import unicodedata

    d = extract(_write(tmp_path, "p.tsv", unicodedata.normalize("NFD", SMALL).encode()))
    assert d.tables[0].rows[0].agencies["lead"] == "Phòng Kinh tế"


def test_bad_text_files(tmp_path):
    with pytest.raises(UnsupportedFormat):
        extract(_write(tmp_path, "b.tsv", bytes(range(256)) * 20))
    with pytest.raises(UnsupportedFormat, match="binary data"):  # no NUL byte, still binary
        extract(_write(tmp_path, "c.tsv", bytes(range(1, 256)) * 8))
    with pytest.raises(NoTables):
        extract(_write(tmp_path, "e.tsv", b""))
    with pytest.raises(NoTables):
        extract(_write(tmp_path, "n.tsv", "Chỉ có văn bản\nkhông có bảng\n".encode()))
    with pytest.raises(EncodingError):
        extract(_write(tmp_path, "x.tsv", SMALL.encode()), {"encoding": "ascii"})


def test_a_continuation_whose_agency_cells_name_roles_is_not_a_header(tmp_path):
    header = "STT\tNội dung chỉ tiêu\tĐơn vị chủ trì\tĐơn vị phối hợp\n"
    text = (
        header
        + "1\tTỷ lệ thủ tục hành\tTrung tâm phục vụ\tCác cơ quan,\n\n"
        + header
        + "\tchính được số hóa\thành chính công; các cơ quan, đơn vị\tđơn vị liên quan\n"
        + "2\tTỷ lệ hồ sơ trực tuyến\tPhòng Kinh tế\t\n"
    )
    d = extract(_write(tmp_path, "p.tsv", text.encode()))
    assert [(r.row_no, r.indicator, r.agencies["lead"], r.agencies["coordinate"]) for r in d.tables[0].rows] == [
        (
            "1",
            "Tỷ lệ thủ tục hành chính được số hóa",
            "Trung tâm phục vụ hành chính công; các cơ quan, đơn vị",
            "Các cơ quan, đơn vị liên quan",
        ),
        ("2", "Tỷ lệ hồ sơ trực tuyến", "Phòng Kinh tế", ""),
    ]


def test_cells_that_fit_no_column_are_kept_or_reported(tmp_path):
    text = (
        "STT\tNội dung chỉ tiêu\tChỉ tiêu\tĐơn vị chủ trì\n"
        "1\tTỷ lệ A\t90%\tUBND xã\tPhòng Kinh tế\n"
        "2\t\t95%\tCông an xã\n"
    )
    d = extract(_write(tmp_path, "p.tsv", text.encode()))
    assert [(r.row_no, r.agencies["lead"]) for r in d.tables[0].rows] == [("1", "UBND xã; Phòng Kinh tế")]
    assert d.warnings == [
        "line/row 2: 5 cells under 4 headers; the extra cells were added to the last column",
        "line/row 3: a row with no indicator text was not loaded (95%; Công an xã)",
    ]


def test_excel_quoted_cells_may_hold_line_breaks_tabs_and_quotes(tmp_path):
    text = (
        "Kèm theo Kế hoạch số 7/KH-UBND ngày 2/3/2026 của UBND xã Tân Phú\r\n"
        "STT\tNội dung chỉ tiêu\tChỉ tiêu\tĐơn vị chủ trì\r\n"
        '1\t"Tỷ lệ giao dịch thuộc diện ""phi tiếp xúc""\r\n(trừ hồ sơ mật)"\t≥ 80%\t"Phòng Kinh tế;\tCông an xã"\r\n'
        "2\tTỷ lệ hồ sơ số hóa\t100%\tTT phục vụ HCC\r\n"
    )
    d = extract(_write(tmp_path, "excel.tsv", text.encode("utf-8-sig")))
    assert d.meta.commune == "Tân Phú"
    assert [(r.row_no, r.indicator, r.target, r.agencies["lead"], r.line) for r in d.tables[0].rows] == [
        ("1", 'Tỷ lệ giao dịch thuộc diện "phi tiếp xúc" (trừ hồ sơ mật)', "≥ 80%", "Phòng Kinh tế; Công an xã", 3),
        ("2", "Tỷ lệ hồ sơ số hóa", "100%", "TT phục vụ HCC", 5),
    ]


def test_a_table_without_a_recognisable_header_is_one_line_naming_where_and_what(tmp_path):
    plan = tmp_path / "p.tsv"
    plan.write_text("KẾ HOẠCH\n\nCột A\tCột B\tCột C\n1\tx\ty\n", encoding="utf-8")
    with pytest.raises(NoTables) as e:
        extract(plan)
    assert str(e.value) == (
        "no appendix table found: line/row 3: no header row names its indicator and agency "
        'columns; columns seen: "Cột A" | "Cột B" | "Cột C" (check that the table has a '
        "header row (STT, Nội dung, Đơn vị chủ trì …))"
    )


@pytest.mark.parametrize(
    "body,what",
    [
        # every row one column to the left of its header: text where the numbers go
        (
            "Tỷ lệ phủ sóng 5G trên dân số\tPhòng Kinh tế\t2026\t\n"
            "Tỷ lệ hồ sơ xử lý trực tuyến\tCông an xã\t2026\t\n"
            "Số hộ dân dùng điện sạch\tPhòng Kinh tế\t2027\t\n",
            "row numbers",
        ),
        # every row one column to the right: no indicator text under its header
        (
            "1\t\tTỷ lệ phủ sóng 5G\tPhòng Kinh tế\t2026\n2\t\tTỷ lệ hồ sơ trực tuyến\tCông an xã\t2026\n",
            "indicator text",
        ),
    ],
)
def test_columns_that_are_not_where_the_header_says_are_one_line_and_no_rows(tmp_path, body, what):
    plan = tmp_path / "p.tsv"
    plan.write_text(
        "PHỤ LỤC\n(Kèm theo Kế hoạch số 12/KH-UBND ngày 3/4/2026 của UBND xã Hòa Bình)\n"
        "STT\tNội dung chỉ tiêu\tĐơn vị chủ trì\tThời gian\n" + body,
        encoding="utf-8",
    )
    with pytest.raises(NoTables) as e:
        extract(plan)
    assert str(e.value).startswith(
        f'no appendix table found: line/row 4: no column reads as the {what}; columns seen: "STT" | '
        '"Nội dung chỉ tiêu" | "Đơn vị chủ trì" | "Thời gian" (its columns could not be told apart'
    )


def test_a_few_rows_without_indicator_text_are_warned_about_and_the_rest_load(tmp_path):
    plan = tmp_path / "p.tsv"
    plan.write_text(
        "STT\tNội dung chỉ tiêu\tĐơn vị chủ trì\n1\tTỷ lệ phủ sóng 5G\tPhòng Kinh tế\n"
        "2\tTỷ lệ hồ sơ trực tuyến\tCông an xã\n3\t\tCông an xã\n",
        encoding="utf-8",
    )
    d = extract(plan)
    assert [r.row_no for r in d.tables[0].rows] == ["1", "2"]
    assert any("line/row 4: a row with no indicator text was not loaded" in w for w in d.warnings)


def test_spreadsheet_title_rows_padded_with_tabs_give_the_metadata(tmp_path):
    plan = tmp_path / "p.tsv"
    plan.write_text(
        "PHỤ LỤC\t\t\t\n(Kèm theo Kế hoạch số 12/KH-UBND\t\t\t\nngày 3/4/2026 của UBND xã Hòa Bình)\t\t\t\n"
        "STT\tNội dung\tĐơn vị chủ trì\tThời gian\nI. Hạ tầng\t\t\t\n1\tPhủ sóng 5G đạt 95%\tCông an xã\t2026\n",
        encoding="utf-8",
    )
    d = extract(plan)
    assert (d.meta.commune, d.meta.plan_number, str(d.meta.issued_on)) == ("Hòa Bình", "12/KH-UBND", "2026-04-03")
    assert [(r.row_no, r.section, r.agencies) for r in d.tables[0].rows] == [
        ("1", ["I. Hạ tầng"], {"lead": "Công an xã"})
    ]


def test_a_group_label_written_in_each_of_its_columns_is_one_header_cell(tmp_path):
    """A sheet saved as text writes a merged group's label in each column it
    covers: a header row of "Số TT | Tên … | Tổ chức thực hiện ×3" is still
    the header, the group joined to each sub-header; a data row whose
    neighbouring cells are the same text stays a row."""
    plan = tmp_path / "p.tsv"
    plan.write_text(
        "Số TT\tTên/Mục tiêu cụ thể\tTổ chức thực hiện\tTổ chức thực hiện\tTổ chức thực hiện\n"
        "\t\tCơ quan\tCơ quan\tCơ quan\n"
        "\t\tTheo dõi, đánh giá\tChủ trì\tPhối hợp\n"
        "1\tPhủ sóng 5G đạt 95%\tCông an xã\tCác cơ quan, đơn vị\tCác cơ quan, đơn vị\n",
        encoding="utf-8",
    )
    d = extract(plan)
    assert [(r.row_no, r.indicator, r.agencies) for r in d.tables[0].rows] == [
        (
            "1",
            "Phủ sóng 5G đạt 95%",
            {"monitor": "Công an xã", "lead": "Các cơ quan, đơn vị", "coordinate": "Các cơ quan, đơn vị"},
        )
    ]


def test_title_split_over_cells_and_in_one_merged_cell(tmp_path):
    plan = tmp_path / "p.tsv"
    plan.write_text(
        '"PHỤ LỤC\n(Kèm theo Kế hoạch số 7/KH-UBND"\t\t\t\n'
        "ngày\t05/5/2026\tcủa UBND xã Tân An)\t\n"
        "STT\tNội dung\tĐơn vị chủ trì\tThời gian\n1\tPhủ sóng 5G đạt 95%\tCông an xã\t2026\n",
        encoding="utf-8",
    )
    d = extract(plan)
    assert (d.meta.commune, d.meta.plan_number, str(d.meta.issued_on)) == ("Tân An", "7/KH-UBND", "2026-05-05")
    assert [r.row_no for r in d.tables[0].rows] == ["1"]


def test_a_heading_row_with_a_stray_value_is_a_heading(tmp_path):
    plan = tmp_path / "p.tsv"
    plan.write_text(
        "STT\tNội dung\tĐơn vị\tKết quả\tĐơn vị chủ trì\nI\tHạ tầng số\t\tx\t\n1\tPhủ sóng 5G\t%\t95\tCông an xã\n",
        encoding="utf-8",
    )
    d = extract(plan)
    assert [(r.row_no, r.section, r.unit, r.target) for r in d.tables[0].rows] == [("1", ["I. Hạ tầng số"], "%", "95")]
    assert [c.role for c in d.tables[0].columns] == ["number", "indicator", "unit", "target", "lead"]
    assert d.warnings == ['line/row 2: heading "I. Hạ tầng số" has a stray value ("x"), left out']


def test_the_same_header_word_for_text_and_target_is_told_apart_by_position(tmp_path):
    plan = tmp_path / "p.tsv"
    plan.write_text(
        "Số TT\tChỉ tiêu\tĐVT\tChỉ tiêu năm 2026\tCơ quan chủ trì\tTiến độ\n"
        "1\tTỷ lệ phủ sóng 5G\t%\t≥ 95\tCông an xã\tQuý IV/2026\n",
        encoding="utf-8",
    )
    d = extract(plan)
    assert [c.role for c in d.tables[0].columns] == ["number", "indicator", "unit", "target", "lead", "deadline"]
    r = d.tables[0].rows[0]
    assert (r.indicator, r.unit, r.target, r.deadline) == ("Tỷ lệ phủ sóng 5G", "%", "≥ 95", "Quý IV/2026")


@pytest.mark.parametrize(
    "result, goal",
    [
        ("Kết quả thực hiện năm 2025", "Mục tiêu năm 2026"),
        ("Ước thực hiện 2025", "Kế hoạch năm 2026"),
        ("Hiện trạng", "Chỉ tiêu năm 2026"),
        ("Kết quả năm 2025", "Năm 2026"),
    ],
)
@pytest.mark.parametrize("goal_first", [False, True])
def test_of_a_result_column_and_a_goal_column_the_goal_is_the_target(tmp_path, result, goal, goal_first):
    plan = tmp_path / "p.tsv"
    heads, values = ([goal, result], ["≥ 95", "88"]) if goal_first else ([result, goal], ["88", "≥ 95"])
    plan.write_text(
        f"STT\tTên chỉ tiêu\tĐơn vị\t{heads[0]}\t{heads[1]}\tĐơn vị chủ trì\n"
        f"1\tTỷ lệ phủ sóng 5G\t%\t{values[0]}\t{values[1]}\tCông an xã\n",
        encoding="utf-8",
    )
    r = extract(plan).tables[0].rows[0]
    assert (r.indicator, r.unit, r.target) == ("Tỷ lệ phủ sóng 5G", "%", "≥ 95")
