"""Extraction of PDF appendices (samples/pdf, and the bad and scanned ones in
tests/data/, all made by samples/make_pdf.py from the seeds)."""

import re
import unicodedata
from pathlib import Path

import pytest

from conftest import BAD, SCANNED
from chitieu.ingest import ExtractSettings, extract
from chitieu.ingest import pdf
from chitieu.ingest.exceptions import (
    DamagedFile,
    EncryptedFile,
    ExtractError,
    NeedsOCR,
    UnreadableText,
    UnsupportedFormat,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "pdf"
HUNG, NGHIA, SON = "xuan-hung-2026.pdf", "nghia-son-2026.pdf", "xuan-son-dti-2023.pdf"
BORDERLESS = "xuan-hung-borderless-2026.pdf"
CENTRED = Path(__file__).resolve().parent / "data" / "xuan-hung-borderless-centred-2026.pdf"
SEED_HUNG = SAMPLES.parent / "tsv" / "xuan-hung-phan-cong-chi-tieu-2026.tsv"


@pytest.fixture(scope="module")
def docs():
    return {name: extract(SAMPLES / name) for name in (HUNG, NGHIA, SON, BORDERLESS)}


@pytest.fixture(scope="module")
def raw():
    return {name: pdf.read((SAMPLES / name).read_bytes(), ExtractSettings()) for name in (HUNG, SON, BORDERLESS)}


def row(document, table, row_no=None, contains=None):
    found = [
        r
        for r in document.tables[table].rows
        if (row_no is None or r.row_no == row_no) and (contains is None or contains in r.indicator)
    ]
    assert len(found) == 1, [r.row_no for r in found]
    return found[0]


SECTION_I = "I. Phân công phụ trách theo dõi, đôn đốc, kiểm tra thực hiện các chỉ tiêu"


def test_ruled_multipage_table_is_one_logical_table(docs):
    d = docs[HUNG]
    assert (d.format, d.meta.commune, d.meta.plan_number, str(d.meta.issued_on), d.meta.year) == (
        "pdf",
        "Xuân Hưng",
        "112/KH-UBND",
        "2026-04-15",
        2026,
    )
    assert [len(t.rows) for t in d.tables] == [57]  # the seed's 55 rows + 2 long ones
    assert [c.role for c in d.tables[0].columns] == ["number", "indicator", "lead", "coordinate", "deadline", "notes"]
    rows = d.tables[0].rows
    assert not [
        r for r in rows if r.indicator == "Chỉ tiêu/nhiệm vụ" or r.row_no == "Stt"
    ]  # header repeated on 7 pages
    assert [r.page for r in rows].count(7) == 3 and rows[-1].row_no == "6" and rows[-1].page == 7
    r = row(d, 0, "2.1")
    assert r.section == [SECTION_I, "2. Về phát triển hạ tầng số"] and r.page == 1
    assert r.indicator == "Tỷ lệ phủ sóng 5G trên dân số đạt 95%"
    assert r.agencies == {
        "lead": "Phòng Văn hóa - Xã hội",
        "coordinate": "Văn phòng HĐND - UBND, Phòng Kinh tế, TT phục vụ HCC, Các doanh nghiệp viễn thông",
    }
    assert r.deadline == "Tháng 12/2026"
    r = row(d, 0, "5")
    assert r.section == ["II. Phân công chủ trì tham mưu xây dựng các văn bản"] and r.page == 7
    assert r.agencies["coordinate"] == "Văn phòng HĐND-UBND xã, Các cơ quan, đơn vị"


def test_rows_broken_across_pages_are_joined_and_keep_their_first_page(docs):
    d = docs[HUNG]
    r = row(d, 0, "2.5")  # "… Đảng bộ xã" | "Tháng" / "12/2026" on page 2
    assert (r.page, r.indicator, r.deadline) == (
        1,
        "Hệ thống thông tin cơ sở dữ liệu hiện có của Đảng bộ xã",
        "Tháng 12/2026",
    )
    assert r.agencies == {"lead": "Văn phòng Đảng ủy", "coordinate": "Các cơ quan Đảng"}
    r = row(d, 0, "3.8")
    assert r.page == 2 and r.section == [SECTION_I, "3. Về phát triển nguồn lực số"]
    assert r.indicator == (
        "100% cán bộ, công chức, viên chức và người hoạt động không chuyên trách cấp xã được bồi dưỡng, "
        "tập huấn kỹ năng số cơ bản, kỹ năng khai thác, sử dụng các nền tảng số dùng chung, kỹ năng bảo đảm "
        "an toàn thông tin cá nhân khi làm việc trên môi trường điện tử, sử dụng trợ lý ảo và trí tuệ nhân "
        "tạo trong xử lý công việc hằng ngày"
    )
    assert r.agencies["coordinate"] == (
        "Văn phòng HĐND - UBND, Phòng Kinh tế, TT phục vụ HCC, Văn phòng Đảng ủy, "
        "MTTQ và các đoàn thể chính trị - xã hội"
    )
    r = row(d, 0, "5.2")
    assert (r.page, r.deadline) == (3, "Thường xuyên")
    assert (
        r.indicator == "100% thủ tục hành chính liên quan đến đào tạo, sản xuất, kinh doanh được thực hiện trực tuyến"
    )
    assert r.agencies["coordinate"] == "Phòng Văn hóa - Xã hội, Phòng Kinh tế, Văn phòng HĐND - UBND"


def test_blocks_title_lines_and_page_furniture(raw):
    x = raw[HUNG]
    # the running header "UBND xã Xuân Hưng - …" and the "Trang N" footers are furniture
    assert x.title_lines == [
        "PHỤ LỤC 1",
        "Phân công phụ trách theo dõi, kiểm tra, đôn đốc thực hiện chỉ tiêu",
        "và ban hành văn bản triển khai thực hiện các nhiệm vụ",
        "(Kèm theo Kế hoạch số 112/KH-UBND ngày 15/4/2026 của UBND xã Xuân Hưng)",
    ]
    assert [(b.joins_previous, b.rows[0].page, b.rows[0].after_break) for b in x.blocks] == (
        [(False, 1, False)] + [(True, p, True) for p in range(2, 8)]
    )
    # the repeated header comes out exactly as on page 1 (multi-line cells joined alike)
    assert len({tuple(b.rows[0].cells) for b in x.blocks}) == 1
    assert x.blocks[0].rows[0].cells[2] == "Đơn vị chủ trì tổ chức triển khai và báo cáo kết quả thực hiện"
    assert x.blocks[1].rows[1].cells == ["", "Đảng bộ xã", "", "", "12/2026", ""]
    texts = " ".join(c for b in x.blocks for r in b.rows for c in r.cells)
    assert not re.search(r"Trang \d", texts) and "Kế hoạch chuyển đổi số năm 2026" not in texts
    assert all(unicodedata.is_normalized("NFC", c) for b in x.blocks for r in b.rows for c in r.cells)


def test_rotated_landscape_pages(docs):
    d = docs[NGHIA]  # portrait pages with /Rotate 90
    assert (d.meta.commune, d.meta.plan_number, str(d.meta.issued_on)) == ("Nghĩa Sơn", "27/KH-UBND", "2026-03-20")
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
    r = row(d, 0, "3", contains="văn bản")
    assert r.section == ["B. Mục tiêu khác", "I. Phát triển hạ tầng"] and r.page == 1
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
    r = row(d, 0, "5", contains="học sinh")
    assert (r.page, r.indicator, r.target) == (
        2,
        "Tỷ lệ học sinh phổ thông được tập huấn kỹ năng số cơ bản về học trên nền tảng số",
        "≥ 65",
    )
    assert row(d, 0, "1", contains="khoa học").target == "≥ 3,5"
    assert row(d, 0, "1", contains="Hoàn thiện").section == ["A. Mục tiêu đột phá"]


def test_borderless_tables_by_text_alignment(docs, raw):
    d = docs[SON]
    assert (d.meta.commune, d.meta.year) == ("Xuân Sơn", 2023)
    assert [len(t.rows) for t in d.tables] == [17, 34, 40]  # as from the seed's TSV
    assert [c.role for c in d.tables[1].columns] == ["number", "indicator", "target", "guide", "lead", "coordinate"]
    r = row(d, 0, "16")
    assert r.indicator == "Tổng chi ngân sách nhà nước cho chuyển đổi số"  # continues on page 2
    assert r.agencies == {"lead": "Phòng Tài chính - Kê hoạch", "coordinate": "UBND xã (Công chức TC- KT)"}
    r = row(d, 1, contains="Tổ công nghệ số")
    assert (r.page, r.section, r.indicator, r.target) == (
        4,
        ["IV. Nhân lực số"],
        "Tổ công nghệ số cộng đồng đến mức thôn",
        "100%",
    )
    # the heading row "VI | Hoạt động chính / quyền số" broke across pages 4-5
    assert row(d, 1, "22").section == ["VI. Hoạt động chính quyền số"] and row(d, 1, "22").page == 5
    r = row(d, 2, contains="Tỷ lệ phản ánh được xử lý đúng hạn qua Tin nhắn")
    assert r.indicator == (
        "Tỷ lệ phản ánh được xử lý đúng hạn qua Tin nhắn trên các nền tảng liên lạc (Zalo, Messenger...)"
    )
    assert r.section == [
        "VIII. Hoạt động xã hội số",
        "33. Mức độ người dân được tham gia vào cùng cơ quan nhà nước giải quyết vấn đề của địa phương với chính quyền",
    ]
    assert r.agencies == {"guide": "Phòng Văn hoá và Thông tin", "lead": "UBND xã (Công chức VP-TK)", "coordinate": ""}
    assert row(d, 2, "14").target.endswith("nhiều cuộc diễn tập theo quy định nhất thì điểm tối đa và giảm dần")
    assert row(d, 2, "22").target == "≥ 80%"
    # headings between the tables end them; the title stops at the first table
    assert [b.joins_previous for b in raw[SON].blocks][:3] == [False, True, False]
    assert raw[SON].title_lines[-2:] == ["UBND xã Xuân sơn)", "I. THÔNG TIN CHUNG"]


def _content(r):
    return r.row_no, r.indicator, r.section, r.agencies, r.deadline, r.notes


def test_borderless_table_runs_on_over_pages_without_its_header(docs, raw):
    d = docs[BORDERLESS]  # header on page 1 only; signature block after the table on page 8
    assert (d.meta.commune, d.meta.plan_number, d.warnings) == ("Xuân Hưng", "112/KH-UBND", [])
    assert [len(t.rows) for t in d.tables] == [55]  # the seed's 55 rows
    assert [c.role for c in d.tables[0].columns] == ["number", "indicator", "lead", "coordinate", "deadline", "notes"]
    rows = d.tables[0].rows
    assert [sum(r.page == p for r in rows) for p in range(1, 9)] == [6, 9, 9, 9, 8, 8, 6, 0]
    assert [_content(r) for r in rows] == [_content(r) for r in extract(SEED_HUNG).tables[0].rows]
    r = row(d, 0, "2.4")  # first row on page 2
    assert (r.page, r.deadline, r.agencies["lead"]) == (2, "Tháng 10/2026", "Văn phòng Đảng ủy, Phòng Văn hóa - Xã hội")
    r = row(d, 0, "4.1")  # its heading opens page 3
    assert (r.page, r.section) == (3, [SECTION_I, "4. Về phát triển dữ liệu số"])
    # part II's heading, merged across the row, on continuation page 6
    assert [
        (r.row_no, r.page) for r in rows if r.section == ["II. Phân công chủ trì tham mưu xây dựng các văn bản"]
    ] == [("1", 6), ("2", 7), ("3", 7), ("6", 7), ("4", 7), ("5", 7), ("6", 7)]


def test_borderless_rows_broken_across_pages_are_joined(docs):
    d = docs[BORDERLESS]
    r = row(d, 0, "2.3")  # pages 1-2
    assert (r.page, r.indicator, r.deadline) == (
        1,
        "Tỷ lệ hệ thống thông tin được vận hành trên nền tảng điện toán đám mây đạt tối thiểu 50%",
        "Tháng 12/2026",
    )
    assert r.agencies == {
        "lead": "Văn phòng HĐND - UBND, Văn phòng Đảng ủy",
        "coordinate": "Phòng Văn hóa - Xã hội, Phòng Kinh tế, TT phục vụ HCC",
    }
    r = row(d, 0, "6.3")  # pages 5-6, "12/2026" alone on page 6
    assert (r.page, r.deadline) == (5, "Tháng 12/2026")
    assert r.indicator == "Giá trị thanh toán không dùng tiền mặt so với tổng GRDP đạt tối thiểu 10 lần"
    r = row(d, 0, "6", contains="Quyết định số 06")  # pages 7-8, "2030" alone in the top band
    assert r.page == 7 and r.indicator.endswith("giai đoạn 2022 - 2026, tầm nhìn đến năm 2030")


def test_borderless_continuation_blocks_and_what_follows_the_table(docs, raw):
    x = raw[BORDERLESS]
    assert [(b.joins_previous, b.rows[0].page, b.rows[0].after_break) for b in x.blocks] == (
        [(False, 1, False)] + [(True, p, True) for p in range(2, 9)]
    )
    assert x.blocks[1].rows[0].cells[:2] == ["", "tảng điện toán đám mây đạt tối thiểu 50%"]
    texts = " ".join(c for b in x.blocks for r in b.rows for c in r.cells)
    for signature in ("Nơi nhận", "Như trên", "Lưu: VT", "TM. ỦY BAN", "CHỦ TỊCH", "Nguyễn Văn Hưng"):
        assert signature not in texts
    assert not re.search(r"Trang \d", texts) and "Kế hoạch chuyển đổi số năm 2026" not in texts  # furniture
    assert x.blocks[-1].rows[-1].cells[1] == "2026, tầm nhìn đến năm 2030"  # the last row line, then the signature


def test_borderless_continuation_text_off_the_columns_is_warned_about():
    d = extract(CENTRED)  # part II's heading centred: it lines up with no column
    assert d.warnings == [
        'page 6: "II. Phân công chủ trì tham mưu xây dựng các văn bản" between rows of the '
        "table continued from page 5 does not line up with its columns and is left out; "
        "check that page by hand"
    ]
    rows = d.tables[0].rows
    assert len(rows) == 55 and [(r.row_no, r.page) for r in rows[-7:]] == [
        ("1", 6),
        ("2", 7),
        ("3", 7),
        ("6", 7),
        ("4", 7),
        ("5", 7),
        ("6", 7),
    ]
    assert rows[-1].indicator.endswith("tầm nhìn đến năm 2030")


def test_table_settings_override_for_a_hard_file():
    d = extract(SAMPLES / HUNG, {"pdf_table": {"snap_tolerance": 4, "intersection_tolerance": 4}})
    assert len(d.tables[0].rows) == 57 and row(d, 0, "2.5").deadline == "Tháng 12/2026"
    with pytest.raises(ExtractError, match="bad pdf_table setting"):
        ExtractSettings(pdf_table={"vertical_strategy": "ruler"})


def test_scanned_pdf_needs_ocr():
    with pytest.raises(NeedsOCR, match="page.s. 1 are images with no text layer; it needs OCR"):
        extract(SCANNED / "xuan-hung-scan.pdf")
    # with {"ocr": True} it is read by Tesseract: tests/test_ocr.py


def test_font_without_unicode_map_is_refused():
    with pytest.raises(UnreadableText, match="no usable Unicode map"):
        extract(BAD / "no-unicode-map.pdf")


def test_encrypted_pdf():
    with pytest.raises(EncryptedFile) as e:
        extract(BAD / "xuan-hung-locked.pdf")
    assert e.value.hint == "use --password"
    with pytest.raises(EncryptedFile, match="wrong password"):
        extract(BAD / "xuan-hung-locked.pdf", {"password": "sai"})
    d = extract(BAD / "xuan-hung-locked.pdf", {"password": "chitieu"})
    assert len(d.tables[0].rows) == 57 and d.meta.plan_number == "112/KH-UBND"


def test_truncated_damaged_and_fake_pdfs(tmp_path):
    data = (SAMPLES / HUNG).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(DamagedFile, match="truncated"):
        extract(cut)
    holed = tmp_path / "holed.pdf"  # middle gone, end-of-file marker kept
    holed.write_bytes(data[:2000] + data[-600:])
    with pytest.raises(DamagedFile, match="damaged PDF"):
        extract(holed)
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"<html><body>404 Not Found</body></html>")
    with pytest.raises(UnsupportedFormat, match="HTML"):
        extract(fake)
    fake.write_bytes("Kế hoạch số 12\tkhông phải PDF\n".encode())
    with pytest.raises(UnsupportedFormat, match="named .pdf but not a PDF"):
        extract(fake)


def test_cell_text_joins_lines_and_attaches_marks():
    assert pdf.cell_text("Đơn vị chủ trì tổ\nchức triển khai") == "Đơn vị chủ trì tổ chức triển khai"
    assert pdf.cell_text("Tha\u0301ng  12\n") == "Tháng 12"  # decomposed -> NFC
    assert pdf.cell_text("Ph \u0300ong") == "Ph òng"  # mark drawn ahead of its letter


def _edge(x0, x1, top, bottom):
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom}


def test_a_cell_the_page_end_leaves_open_is_closed_and_named():
    """Vertical rules that end with no horizontal rule between them (a cell
    merged down over a page break, drawn without its bottom) give an open
    span; a rule drawn in pieces, one per row, does not end between them."""
    vertical = [_edge(x, x, 50, 300) for x in (40, 100)] + [_edge(200, 200, t, t + 50) for t in range(50, 300, 50)]
    ruled = [_edge(40, 100, 50, 50), _edge(100, 200, 50, 50), _edge(40, 100, 300, 300)]
    assert pdf._open_spans(vertical, ruled) == [(300, 100, 200)]
    assert pdf._open_spans(vertical, ruled + [_edge(100, 200, 300, 300)]) == []


def test_a_header_word_glued_to_the_next_cell_is_split_at_a_body_column():
    chars = [{"text": t, "x0": 10.0 + 5 * i, "x1": 15.0 + 5 * i} for i, t in enumerate("tínhChỉ")]
    word = {"text": "tínhChỉ", "x0": 10.0, "x1": 45.0, "chars": chars}
    assert [w["text"] for w in pdf._split_at(word, (30.0,))] == ["tính", "Chỉ"]
    assert [w["text"] for w in pdf._split_at(word, (50.0,))] == ["tínhChỉ"]  # "VNeID": no column starts there
