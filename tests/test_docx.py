"""Extraction of the DOCX samples (samples/make_docx.py): the same rows as their TSV
seeds, whatever Word layout holds them, and a named error for each bad file."""

import os
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_BREAK

from conftest import BAD
from chitieu.ingest import extract, word
from chitieu.ingest.exceptions import EncryptedFile, NoTables, TooLarge, UnsupportedFormat
from chitieu.ingest.settings import ExtractSettings

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DOCX = SAMPLES / "docx"


def doc(name):
    return extract(DOCX / name)


def row(document, table, row_no=None, indicator=None):
    rows = document.tables[table].rows
    found = [
        r
        for r in rows
        if (row_no is None or r.row_no == row_no) and (indicator is None or r.indicator.startswith(indicator))
    ]
    assert len(found) == 1, [r.row_no for r in found]
    return found[0]


def facts(document):
    return [
        [(r.row_no, r.indicator, r.section, r.unit, r.target, r.deadline, r.notes, r.agencies) for r in t.rows]
        for t in document.tables
    ]


def document_xml(name):
    with zipfile.ZipFile(DOCX / name) as z:
        return z.read("word/document.xml").decode()


@pytest.mark.parametrize(
    "docx_name, tsv_name",
    [
        ("xuan-hung-phan-cong-chi-tieu-2026.docx", "xuan-hung-phan-cong-chi-tieu-2026.tsv"),
        ("nghia-son-muc-tieu-2026.docx", "nghia-son-muc-tieu-2026.tsv"),
        ("nghia-son-muc-tieu-2026.libreoffice.docx", "nghia-son-muc-tieu-2026.tsv"),
        ("xuan-son-dti-2023.docx", "xuan-son-dti-2023.tsv"),
    ],
)
def test_docx_gives_the_rows_of_its_seed(docx_name, tsv_name):
    d, seed = doc(docx_name), extract(SAMPLES / "tsv" / tsv_name)
    assert d.format == "docx" and d.meta == seed.meta
    assert [[c.role for c in t.columns] for t in d.tables] == [[c.role for c in t.columns] for t in seed.tables]
    assert facts(d) == facts(seed)
    assert all(r.page is None for t in d.tables for r in t.rows)


def test_xuan_hung_merged_cells_letterhead_and_signature():
    name = "xuan-hung-phan-cong-chi-tieu-2026.docx"
    xml = document_xml(name)
    assert xml.count("<w:tblHeader/>") == 1 and 'w:orient="landscape"' in xml
    assert xml.count('<w:vMerge w:val="restart"/>') > 10 and "<w:gridSpan" in xml
    titles = word.read((DOCX / name).read_bytes(), ExtractSettings()).title_lines
    assert titles[:2] == ["UBND XÃ XUÂN HƯNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]  # letterhead table
    assert titles[-1] == "(Kèm theo Kế hoạch số /KH-UBND ngày /4/2026 của UBND xã Xuân Hưng)"
    d = doc(name)
    assert (d.meta.commune, d.meta.plan_number, d.meta.issued_on, d.meta.year) == ("Xuân Hưng", None, None, 2026)
    assert [len(t.rows) for t in d.tables] == [55]  # letterhead and signature tables left out
    assert sum("skipped as not an appendix" in w for w in d.warnings) == 2
    r = row(d, 0, "2.1")
    assert r.section == [
        "I. Phân công phụ trách theo dõi, đôn đốc, kiểm tra thực hiện các chỉ tiêu",
        "2. Về phát triển hạ tầng số",
    ]  # gridSpan section rows
    assert r.indicator == "Tỷ lệ phủ sóng 5G trên dân số đạt 95%"
    assert r.agencies == {
        "lead": "Phòng Văn hóa - Xã hội",
        "coordinate": ("Văn phòng HĐND - UBND, Phòng Kinh tế, TT phục vụ HCC, Các doanh nghiệp viễn thông"),
    }
    assert r.deadline == "Tháng 12/2026"
    # lead, coordinating agencies and deadline written once for rows 6.1-6.4 (w:vMerge)
    for no in ("6.1", "6.2", "6.3", "6.4"):
        r = row(d, 0, no)
        assert r.agencies == {
            "lead": "Phòng Kinh tế",
            "coordinate": "Phòng Văn hóa - Xã hội, Văn phòng HĐND - UBND, TT phục vụ HCC",
        }
        assert r.deadline == "Tháng 12/2026"
    r = [r for r in d.tables[0].rows if r.row_no == "5"][-1]
    assert r.section == ["II. Phân công chủ trì tham mưu xây dựng các văn bản"]
    assert r.agencies["coordinate"] == "Văn phòng HĐND-UBND xã, Các cơ quan, đơn vị"


def test_nghia_son_split_tables_two_row_header_and_page_header_metadata():
    name = "nghia-son-muc-tieu-2026.docx"
    data = (DOCX / name).read_bytes()
    extraction = word.read(data, ExtractSettings())
    assert [(b.joins_previous, b.rows[0].after_break) for b in extraction.blocks] == [
        (False, False),
        (True, True),
        (True, True),
        (True, True),
        (True, True),
    ]
    assert extraction.title_lines == [  # only in the page header
        "Phụ lục I: Danh mục các mục tiêu cụ thể và phân công thực hiện",
        "(Kèm theo Kế hoạch số: _____ /KH-UBND ngày ____ / ____ / 2026 của UBND xã Nghĩa Sơn)",
    ]
    d = doc(name)
    assert (d.meta.commune, d.meta.year) == ("Nghĩa Sơn", 2026)
    assert [len(t.rows) for t in d.tables] == [29]
    assert [c.header for c in d.tables[0].columns][4:] == [
        "Cơ quan theo dõi, đánh giá, kiểm tra và tổng hợp báo cáo",
        "Đơn vị thực hiện Chủ trì",
        "Phối hợp",
        "Thời gian hoàn thành",
    ]
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
    r = row(d, 0, "3", "Tỷ lệ cán bộ, công chức xử lý")  # continued in the next Word table
    assert r.section == ["B. Mục tiêu khác", "I. Phát triển hạ tầng"]
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
    r = row(d, 0, "3", "Tỷ lệ giao dịch")  # only agency text continued
    assert r.agencies == {
        "monitor": "Văn phòng HĐND- UBND xã",
        "lead": "Trung tâm dịch vụ Hành chính công",
        "coordinate": "",
    }
    assert row(d, 0, "1", "Hoàn thiện").section == ["A. Mục tiêu đột phá"]
    assert row(d, 0, "1", "Tỷ lệ chi ngân sách").target == "≥ 3,5"


def test_libreoffice_round_trip_is_read_alike():
    with zipfile.ZipFile(DOCX / "nghia-son-muc-tieu-2026.libreoffice.docx") as z:
        assert b"LibreOffice" in z.read("docProps/app.xml")
    assert facts(doc("nghia-son-muc-tieu-2026.libreoffice.docx")) == facts(doc("nghia-son-muc-tieu-2026.docx"))


def test_xuan_son_lists_paragraphs_and_merged_numbers():
    xml = document_xml("xuan-son-dti-2023.docx")
    assert 'w:pStyle w:val="ListNumber"' in xml and 'w:pStyle w:val="ListBullet"' in xml and "<w:sym " in xml
    d = doc("xuan-son-dti-2023.docx")
    assert (d.meta.commune, d.meta.year) == ("Xuân Sơn", 2023)
    assert [len(t.rows) for t in d.tables] == [17, 34, 40]
    assert [r.row_no for r in d.tables[0].rows] == [str(i) for i in range(1, 18)]  # Word's auto-numbering
    assert row(d, 0, "13").agencies["lead"] == "UBND xã (Công chức VP-TK và Công chức TC-KT)"  # w:br
    assert row(d, 1, "26").indicator.startswith(
        "Tỷ lệ DVCTT được điền sẵn thông tin (DVCTT được điền sẵn thông tin là những"
    )  # two paragraphs
    assert row(d, 1, "32").target == "≥ 0,25%"  # Symbol-font w:sym
    assert row(d, 2, "1").agencies["guide"] == "Văn phòng HĐND & UBND huyện"  # w:tab
    assert row(d, 2, "17").target == "- Có phối hợp triển khai - Đáp ứng yêu cầu kỹ thuật"
    assert row(d, 2, "23").target == "10 nghiệp vụ"  # nested table
    # "16" is merged over its "-" sub-rows: still a heading, each sub-row its own row
    assert "16" not in [r.row_no for r in d.tables[2].rows]
    r = row(d, 2, None, "Kinh phí đầu tư từ NSNN cho ATTT")
    assert r.row_no is None and r.target == "≥ 10%"
    assert r.section == ["V. An toàn thông tin mạng", "16. Tổng kinh phí chi cho an toàn thông tin (ATTT)"]
    assert r.agencies == {
        "guide": "Phòng Tài chính - Kế hoạch",
        "lead": "UBND xã (Công chức tài chính kế toán)",
        "coordinate": "",
    }  # nbsp; vMerge copied
    # Word bullets under row 33 are sub-rows of heading 33
    bullets = [
        r
        for r in d.tables[2].rows
        if r.section[-1:]
        == [
            "33. Mức độ người dân được tham gia vào cùng cơ quan nhà nước giải quyết vấn đề của địa phương "
            "với chính quyền"
        ]
    ]
    assert len(bullets) == 6 and all(r.row_no is None and r.target == "100%" for r in bullets)
    assert bullets[1].indicator == (
        "Tỷ lệ phản ánh được xử lý đúng hạn qua Tin nhắn trên các nền tảng liên lạc (Zalo, Messenger...)"
    )


# --- Word layouts built here -------------------------------------------------

HEADER = ["STT", "Nội dung chỉ tiêu", "Đơn vị chủ trì", "Đơn vị phối hợp"]


def _table(document, rows):
    t = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            t.cell(r, c).text = text
    return t


def _save(document, tmp_path, name="t.docx"):
    path = tmp_path / name
    document.save(path)
    return path


def test_vertical_merge_over_a_continuation_row_is_not_repeated(tmp_path):
    d = Document()
    t = _table(
        d,
        [
            HEADER,
            ["1", "Tỷ lệ hồ sơ được số hóa", "", "Công an"],
            ["", "", "", "xã"],
            ["2", "Tỷ lệ dịch vụ công", "", "Trạm y tế"],
        ],
    )
    t.cell(1, 2).merge(t.cell(3, 2)).text = "Phòng Kinh tế"
    rows = extract(_save(d, tmp_path)).tables[0].rows
    assert [(r.row_no, r.indicator, r.agencies) for r in rows] == [
        ("1", "Tỷ lệ hồ sơ được số hóa", {"lead": "Phòng Kinh tế", "coordinate": "Công an xã"}),
        ("2", "Tỷ lệ dịch vụ công", {"lead": "Phòng Kinh tế", "coordinate": "Trạm y tế"}),
    ]


def test_tables_separated_by_text_or_of_other_width_do_not_join(tmp_path):
    d = Document()
    _table(d, [HEADER, ["1", "Tỷ lệ A", "Phòng Kinh tế", ""]])
    d.add_paragraph("II. Các nhiệm vụ khác")
    _table(d, [["", "tiếp theo", "", ""], ["2", "Tỷ lệ B", "Công an xã", ""]])
    d.add_paragraph()
    _table(d, [["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"], ["- Lưu: VT.", "CHỦ TỊCH"]])
    blocks = word.read(_save(d, tmp_path).read_bytes(), ExtractSettings()).blocks
    assert [b.joins_previous for b in blocks] == [False, False, False]
    rows = extract(tmp_path / "t.docx").tables[0].rows
    assert [(r.row_no, r.indicator) for r in rows] == [("1", "Tỷ lệ A")]


def test_split_table_without_repeated_header_continues(tmp_path):
    d = Document()
    _table(d, [HEADER, ["1", "Tỷ lệ hồ sơ được", "Phòng Kinh", ""]])
    d.add_paragraph()
    d.add_paragraph().add_run().add_break()  # an empty line, then the next page's part
    _table(d, [["", "số hóa", "tế", ""], ["2", "Tỷ lệ B", "Công an xã", ""]])
    rows = extract(_save(d, tmp_path)).tables[0].rows
    assert [(r.row_no, r.indicator, r.agencies["lead"]) for r in rows] == [
        ("1", "Tỷ lệ hồ sơ được số hóa", "Phòng Kinh tế"),
        ("2", "Tỷ lệ B", "Công an xã"),
    ]


def test_split_table_repeating_its_header_on_a_wider_grid_continues(tmp_path):
    d = Document()
    _table(d, [HEADER, ["1", "Tỷ lệ hồ sơ được số hóa", "Phòng Kinh", ""]])
    d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _table(d, [HEADER + [""], ["", "", "tế", "", ""], ["2", "Tỷ lệ B", "Công an xã", "", ""]])
    blocks = word.read(_save(d, tmp_path).read_bytes(), ExtractSettings()).blocks
    assert [b.joins_previous for b in blocks] == [False, True]
    rows = extract(tmp_path / "t.docx").tables[0].rows
    assert [(r.row_no, r.agencies["lead"]) for r in rows] == [("1", "Phòng Kinh tế"), ("2", "Công an xã")]


def test_grid_before_and_content_control(tmp_path):
    """A row starting with w:gridBefore keeps its cells under their headers, and a
    table inside a content control (w:sdt) is read."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = Document()
    t = _table(d, [HEADER, ["1", "Tỷ lệ hồ sơ được số hóa", "Phòng Kinh", "Công an xã"], ["", "", "tế", ""]])
    tr = t.rows[2]._tr
    tr.remove(tr.tc_lst[0])
    before = OxmlElement("w:gridBefore")
    before.set(qn("w:val"), "1")
    tr.get_or_add_trPr().append(before)
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    t._tbl.addprevious(sdt)
    sdt.append(content)
    content.append(t._tbl)
    rows = extract(_save(d, tmp_path)).tables[0].rows
    assert [(r.row_no, r.indicator, r.agencies) for r in rows] == [
        ("1", "Tỷ lệ hồ sơ được số hóa", {"lead": "Phòng Kinh tế", "coordinate": "Công an xã"})
    ]


# --- bad files ---------------------------------------------------------------


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_truncated_and_fake_docx(tmp_path):
    real = (DOCX / "xuan-son-dti-2023.docx").read_bytes()
    with pytest.raises(UnsupportedFormat, match="truncated or damaged"):
        extract(_write(tmp_path, "cut.docx", real[: len(real) // 2]))
    with pytest.raises(UnsupportedFormat, match="not a Word document"):
        extract(_write(tmp_path, "noise.docx", os.urandom(4096)))


def test_damaged_document_part(tmp_path):
    path = tmp_path / "bad.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", "<w:document xmlns:w='x'><w:body/></w:document>" + " " * 200)
    data = bytearray(path.read_bytes())
    data[data.index(b"<w:body/>")] = ord("[")  # body bytes no longer match the CRC
    with pytest.raises(UnsupportedFormat, match="damaged Word document"):
        extract(_write(tmp_path, "bad.docx", bytes(data)))


def test_old_binary_word_doc_reads_as_the_docx_it_was_saved_from():
    pytest.importorskip("shutil").which("libreoffice") or pytest.skip("LibreOffice is not installed")
    old, new = (
        extract(BAD.parent / "xuan-hung-word97.doc"),
        extract(SAMPLES / "docx" / "xuan-hung-phan-cong-chi-tieu-2026.docx"),
    )
    assert [(r.row_no, r.indicator, r.agencies) for t in old.tables for r in t.rows] == [
        (r.row_no, r.indicator, r.agencies) for t in new.tables for r in t.rows
    ]


def test_password_protected(tmp_path):
    with pytest.raises(EncryptedFile, match="password"):
        extract(BAD / "xuan-hung-password-chitieu.docx")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(512)
    with pytest.raises(EncryptedFile):
        extract(_write(tmp_path, "p.docx", ole))


def test_docx_without_table(tmp_path):
    d = Document()
    d.add_paragraph("Kế hoạch chuyển đổi số xã Đồng Tâm năm 2026")
    with pytest.raises(NoTables, match="no table"):
        extract(_save(d, tmp_path))


def test_zip_bomb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = bytes(1 << 20)
            for _ in range(51):
                f.write(chunk)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(TooLarge, match="word/document.xml"):
        extract(path)
    with pytest.raises(TooLarge):
        extract(path, {"max_mb": 10})
