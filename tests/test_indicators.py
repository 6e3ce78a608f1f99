"""Indicator linking: labelled rows of the five seeds, traps, target stripping."""

from __future__ import annotations

import csv
import pickle
from pathlib import Path

import pytest

from chitieu.ingest import extract
from chitieu.normalize.indicators import IndicatorMatcher, load_catalog, strip_target_words, words

HERE = Path(__file__).parent
SAMPLES = HERE.parent / "samples" / "tsv"
SEED_OF = {
    "xuan-hung-phan-cong-chi-tieu-2026.tsv": "000_ef934199abc40a15",
    "nghia-son-muc-tieu-2026.tsv": "001_3cc3632fc4c285f6",
    "xuan-loc-ke-hoach-cds-2026.tsv": "002_30fb5b30dc958fc8",
    "dang-uy-nq57-muc-tieu-2026.tsv": "003_c763afa3aa0013af",
    "xuan-son-dti-2023.tsv": "004_b22ddc6799aeb321",
}
RECALL_FLOOR = 0.95  # measured 0.987 (154 right, 0 wrong, 2 missed)
HELD_OUT_FLOOR = 69 / 75  # HELD_OUT: 0 wrong; 62 right before lists and paraphrases, 68 before distinct words

# The code each row of the seeds states, read by hand: (file, source line) -> code.
# Rows not listed state no catalog indicator. A set lists the readings that are
# all acceptable (a row naming two indicators, or one the catalog only nearly has);
# None in a set means leaving the row unlinked is acceptable too.
LABELS: dict[tuple[str, int], str | set] = {}


def _label(file: str, text: str) -> None:
    for entry in text.strip().splitlines():
        line, code = entry.split(maxsplit=1)
        codes = {None if c == "-" else c for c in code.split("|")}
        LABELS[(file, int(line))] = codes.pop() if len(codes) == 1 else codes


_label(
    "xuan-hung-phan-cong-chi-tieu-2026.tsv",
    """
15 gov.tasks_monitored_online
16 awareness.dx_day_activities
18 infra.5g_coverage
19 infra.fixed_broadband_1gbps
20 infra.cloud_systems
21 gov.official_digital_signature
24 hr.budget_share_digital
25 hr.officials_basic_digital_skills
26 hr.officials_digital_mastery
27 hr.it_staff_data_certificate
28 hr.community_team_trained
29 awareness.portal_dx_section
30 hr.teachers_digital_training
32 data.digitized_data_reuse
33 data.tthc_records_digitized
34 data.commune_data_connected
35 data.lgsp_integration
38 data.learning_materials_digitized
40 gov.tthc_borderless
41 gov.tthc_business_online
42 gov.contactless_transactions
43 gov.full_online_services
44 gov.online_applications_rate
45 gov.electronic_results
46 gov.once_only_submission
47 gov.full_online_services|-
48 gov.online_service_usage
49 gov.online_payment_rate
50 gov.citizen_satisfaction
51 gov.e_document_processing
52 gov.e_document_processing|-
53 gov.official_digital_signature|-
55 gov.unified_management_software
57 econ.sme_digital_adoption
58 econ.digital_economy_grdp_share
59 econ.cashless_value_vs_grdp
60 society.bank_account_ownership
62 society.vneid_accounts
63 society.adult_digital_signature
64 society.e_health_records
65 society.adult_digital_services_access
67 security.level_based_protection
68 security.anti_malware
72 awareness.dx_day_activities
73 institution.dx_annual_plan
""",
)
_label(
    "nghia-son-muc-tieu-2026.tsv",
    """
9 gov.leadership_on_digital_env
12 infra.5g_coverage
13 infra.fixed_broadband_1gbps
14 gov.officials_edocs_signature
20 hr.budget_share_digital
21 hr.officials_basic_digital_skills
22 hr.officials_digital_mastery
23 society.adult_digital_services_access
24 hr.students_digital_training
28 hr.teachers_digital_training
29 hr.it_staff_data_certificate
30 hr.community_team_trained
32 gov.tthc_borderless
33 gov.tthc_business_online
34 gov.contactless_transactions
38 data.tthc_records_digitized
39 gov.full_online_services
40 gov.online_applications_rate
41 gov.citizen_satisfaction
42 gov.once_only_submission
43 gov.electronic_results
44 data.digitized_data_reuse
47 gov.online_payment_rate
48 econ.sme_digital_adoption
49 society.vneid_accounts
50 gov.unified_management_software
51 data.learning_materials_digitized
52 society.e_health_records
""",
)
_label(
    "xuan-loc-ke-hoach-cds-2026.tsv",
    """
261 infra.5g_coverage
262 infra.fixed_broadband_1gbps
264 hr.budget_share_digital
265 hr.officials_basic_digital_skills
266 hr.officials_digital_mastery
267 society.adult_digital_services_access
271 gov.tthc_borderless
272 gov.tthc_business_online
273 gov.contactless_transactions
274 data.tthc_records_digitized
275 gov.full_online_services
276 gov.online_applications_rate
278 gov.online_service_usage
279 gov.electronic_results
280 data.digitized_data_reuse
281 gov.online_payment_rate
282 gov.e_document_processing
283 gov.tasks_monitored_online
284 gov.leadership_on_digital_env
285 econ.cashless_transaction_rate
287 econ.sme_digital_adoption
288 society.vneid_accounts
289 society.adult_digital_signature
290 gov.unified_management_software
292 society.bank_account_ownership
293 society.e_health_records
294 society.vneid_accounts|-
295 security.level_based_protection
""",
)
_label(
    "dang-uy-nq57-muc-tieu-2026.tsv",
    """
9 infra.5g_coverage
10 infra.fixed_broadband_1gbps
11 gov.officials_edocs_signature
12 gov.official_digital_signature
14 hr.officials_basic_digital_skills
17 hr.officials_digital_mastery
18 society.adult_digital_services_access
19 sci.researchers_per_10k
20 hr.teachers_digital_training|hr.students_digital_training
22 sci.rd_tasks
23 sci.rd_results_applied
31 gov.tthc_borderless
32 gov.tthc_business_online
33 gov.contactless_transactions
34 data.tthc_records_digitized
35 gov.full_online_services
38 gov.online_applications_rate
39 gov.electronic_results
40 gov.citizen_satisfaction
41 gov.once_only_submission
42 data.commune_data_connected
43 data.lgsp_integration
44 data.lgsp_integration
45 econ.sme_digital_adoption
48 society.vneid_accounts
49 gov.unified_management_software
""",
)
_label(
    "xuan-son-dti-2023.tsv",
    """
29 hr.budget_share_digital|-
40 awareness.portal_dx_section|-
41 awareness.portal_dx_section
42 awareness.radio_dx_section
43 awareness.radio_dx_section
47 institution.dx_annual_plan
51 institution.egov_architecture
53 hr.budget_share_digital|-
54 gov.online_service_usage|-
57 infra.smartphone_ownership
63 hr.officials_basic_digital_skills|-
66 security.level_based_protection
77 gov.full_online_services
79 gov.online_service_usage
80 gov.citizen_satisfaction
85 hr.budget_share_digital_economy|-
89 society.bank_account_ownership
102 infra.smartphone_ownership
103 infra.household_fibre
107 hr.dx_staff_share
110 society.basic_digital_skills
112 security.anti_malware
120 hr.budget_share_cybersecurity|-
121 hr.budget_share_cybersecurity|-
124 data.lgsp_integration
126 gov.personalized_online_services
130 gov.online_applications_rate
133 hr.budget_share_digital_gov|-
134 hr.budget_share_digital_gov|-
136 econ.digital_economy_grdp_share
137 hr.budget_share_digital_economy|-
139 society.vneid_accounts
142 society.adult_digital_signature
143 society.digital_address
144 society.basic_digital_skills|-
145 hr.budget_share_digital_society|-
146 hr.budget_share_digital_society|-
""",
)

# (code, seed) pairs of indicators.csv's seen_in that no row of the seed can link:
# the one row states two indicators, or is cut short in the source.
UNLINKABLE = {
    ("hr.teachers_digital_training", "003_c763afa3aa0013af"),  # "100% giáo viên và ≥ 65% học sinh …": both
    ("hr.students_digital_training", "003_c763afa3aa0013af"),
    ("data.tthc_records_digitized", "000_ef934199abc40a15"),  # "… hồ sơ, kết quả giải quyết TTHC" (no "số hóa")
}

TRAPS = [
    "Tỷ lệ phủ sóng 4G trên dân số đạt 95%",
    "Tỷ lệ hộ gia đình có kết nối Internet",
    "Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tiếp",
    "Tỷ lệ doanh nghiệp lớn ứng dụng công nghệ số",
    "Tỷ lệ chi ngân sách nhà nước cho giáo dục",
    "Tỷ lệ dân số trưởng thành có điện thoại di động",
    "Tỷ lệ học sinh được tập huấn kỹ năng sống",
    "Tỷ lệ người dân có thẻ bảo hiểm y tế",
    "Tỷ lệ cán bộ, công chức được bồi dưỡng kỹ năng lãnh đạo, quản lý",
    "Tỷ lệ hệ thống thông tin được vận hành trên máy chủ vật lý",
    "Kế hoạch hành động 5 năm của xã về chuyển đổi số",
    "Mức độ hài lòng với việc xử lý phản ánh qua App di động",
    "Tỷ lệ công chức, viên chức chuyên trách, kiêm nhiệm về An toàn thông tin mạng",
    "Tỷ lệ số dịch vụ dữ liệu có trên Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NDXP)",
    "Tỷ lệ giao dịch thanh toán bằng tiền mặt",
    "Tỷ lệ hộ gia đình có địa chỉ thường trú",
    "Tỷ lệ phủ sóng 4G",
    "Tỷ lệ phủ sóng 4G trên địa bàn",
    "Tỷ lệ hộ gia đình có kết nối Internet đạt 80%",
    "Tỷ lệ cán bộ, công chức được bồi dưỡng kỹ năng số nâng cao",
    "Tỷ lệ hồ sơ TTHC được giải quyết đúng hạn",
    "Tỷ lệ dịch vụ công trực tuyến một phần",
    "Kế hoạch chuyển đổi số giai đoạn 2026 - 2030",
]

# Wordings of catalog indicators as other communes phrase them, written by hand
# and kept out of the aliases (test_held_out_wordings_are_not_aliases). The first
# 42 guided the general synonym rules in normalize/indicators.py; the last 33 were
# written afterwards and measured before any further change (25 right, 0 wrong).
HELD_OUT = [
    ("Tỷ lệ dân số được phủ sóng mạng di động 5G", "infra.5g_coverage"),
    ("Tỷ lệ phủ sóng mạng 5G trên địa bàn xã đạt 90%", "infra.5g_coverage"),
    ("Tỷ lệ người dân truy cập được Internet băng rộng cố định tốc độ 1 Gbps", "infra.fixed_broadband_1gbps"),
    ("Tỷ lệ hệ thống thông tin của xã vận hành trên nền tảng điện toán đám mây", "infra.cloud_systems"),
    ("Tỷ lệ hộ gia đình được kết nối Internet cáp quang băng rộng", "infra.household_fibre"),
    ("Tỷ lệ người trưởng thành sở hữu điện thoại thông minh", "infra.smartphone_ownership"),
    ("Cổng thông tin điện tử xã duy trì chuyên mục chuyển đổi số", "awareness.portal_dx_section"),
    ("Tổ chức các hoạt động hưởng ứng Ngày Chuyển đổi số quốc gia năm 2026", "awareness.dx_day_activities"),
    ("Ban hành Kế hoạch chuyển đổi số năm 2026 của UBND xã", "institution.dx_annual_plan"),
    ("Tỉ lệ chi ngân sách cho khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số", "hr.budget_share_digital"),
    ("Tỷ lệ chi ngân sách cho an toàn thông tin", "hr.budget_share_cybersecurity"),
    (
        "Tỷ lệ cán bộ, công chức, viên chức được đào tạo, bồi dưỡng kỹ năng số cơ bản",
        "hr.officials_basic_digital_skills",
    ),
    (
        "Tỷ lệ cán bộ, công chức làm chủ kỹ năng số và ứng dụng công nghệ số trong quản lý, điều hành",
        "hr.officials_digital_mastery",
    ),
    (
        "Tỷ lệ thành viên Tổ công nghệ số cộng đồng được tập huấn kỹ năng hướng dẫn người dân sử dụng dịch vụ số",
        "hr.community_team_trained",
    ),
    ("Tỷ lệ giáo viên được bồi dưỡng kỹ năng dạy học trên nền tảng số", "hr.teachers_digital_training"),
    ("Tỷ lệ học sinh được tập huấn kỹ năng học tập trên nền tảng số", "hr.students_digital_training"),
    (
        "Số người làm công tác nghiên cứu khoa học, phát triển công nghệ và đổi mới sáng tạo trên một vạn dân",
        "sci.researchers_per_10k",
    ),
    ("Số hóa hồ sơ, kết quả giải quyết TTHC đạt 100%", "data.tthc_records_digitized"),
    (
        "Tỷ lệ dữ liệu được tích hợp, chia sẻ qua Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)",
        "data.lgsp_integration",
    ),
    ("Tỷ lệ học liệu được số hóa trong chương trình giáo dục phổ thông", "data.learning_materials_digitized"),
    ("Tỷ lệ nhiệm vụ được giao được theo dõi, đánh giá trên môi trường điện tử", "gov.tasks_monitored_online"),
    ("Tỷ lệ TTHC được tiếp nhận và giải quyết không phụ thuộc vào địa giới hành chính", "gov.tthc_borderless"),
    ("Tỷ lệ giao dịch hành chính phi tiếp xúc", "gov.contactless_transactions"),
    ("Tỷ lệ DVCTT toàn trình trên tổng số TTHC đủ điều kiện", "gov.full_online_services"),
    ("Tỷ lệ hồ sơ TTHC được giải quyết trực tuyến", "gov.online_applications_rate"),
    ("Tỷ lệ người dân, doanh nghiệp sử dụng dịch vụ công trực tuyến", "gov.online_service_usage"),
    ("Tỷ lệ kết quả giải quyết TTHC được cấp dưới dạng điện tử", "gov.electronic_results"),
    ("Tỷ lệ thanh toán trực tuyến phí, lệ phí TTHC", "gov.online_payment_rate"),
    (
        "Mức độ hài lòng của người dân, doanh nghiệp đối với việc giải quyết thủ tục hành chính",
        "gov.citizen_satisfaction",
    ),
    (
        "Tỷ lệ thông tin, giấy tờ trong TTHC liên quan đến sản xuất, kinh doanh chỉ phải cung cấp một lần",
        "gov.once_only_submission",
    ),
    ("Tỷ lệ văn bản, hồ sơ công việc được xử lý trên môi trường mạng", "gov.e_document_processing"),
    ("Tỷ lệ cán bộ, công chức, viên chức được cấp chữ ký số chuyên dùng công vụ", "gov.official_digital_signature"),
    ("Tỷ lệ doanh nghiệp nhỏ và vừa ứng dụng công nghệ số", "econ.sme_digital_adoption"),
    ("Tỷ trọng kinh tế số trong tổng sản phẩm trên địa bàn (GRDP)", "econ.digital_economy_grdp_share"),
    ("Tỷ lệ giao dịch thanh toán không dùng tiền mặt", "econ.cashless_transaction_rate"),
    ("Tỷ lệ người dân được cấp tài khoản định danh điện tử mức độ 2", "society.vneid_accounts"),
    ("Tỷ lệ người dân trưởng thành có chữ ký điện tử cá nhân", "society.adult_digital_signature"),
    ("Tỷ lệ người dân được cấp Sổ sức khỏe điện tử", "society.e_health_records"),
    ("Tỷ lệ người dân từ 15 tuổi trở lên có tài khoản thanh toán tại ngân hàng", "society.bank_account_ownership"),
    ("Tỷ lệ hộ gia đình được gắn địa chỉ số", "society.digital_address"),
    (
        "Tỷ lệ hệ thống thông tin được phê duyệt cấp độ an toàn thông tin và triển khai phương án bảo vệ theo cấp độ",
        "security.level_based_protection",
    ),
    ("Tỷ lệ máy tính được cài đặt phần mềm phòng, chống mã độc", "security.anti_malware"),
    # written after the rules
    ("Tỷ lệ dân cư được phủ sóng 5G", "infra.5g_coverage"),
    ("Tỷ lệ người dân có thể truy cập Internet băng rộng cố định với tốc độ 1Gb/s", "infra.fixed_broadband_1gbps"),
    ("Tỷ lệ các hệ thống thông tin vận hành trên nền tảng điện toán đám mây", "infra.cloud_systems"),
    ("Tỷ lệ hộ gia đình có kết nối Internet cáp quang", "infra.household_fibre"),
    ("Tỷ lệ hộ gia đình sở hữu điện thoại thông minh", "infra.smartphone_ownership"),
    ("Trang thông tin điện tử xã có chuyên mục tuyên truyền về chuyển đổi số", "awareness.portal_dx_section"),
    ("Ban hành Kế hoạch chuyển đổi số hằng năm của UBND xã", "institution.dx_annual_plan"),
    ("Tỷ lệ chi ngân sách nhà nước cho chính quyền số", "hr.budget_share_digital_gov"),
    ("Tỷ lệ cán bộ, công chức cấp xã được tập huấn kỹ năng số cơ bản", "hr.officials_basic_digital_skills"),
    (
        "Tỷ lệ cán bộ chuyên trách CNTT, CĐS được đào tạo đạt chứng chỉ quản trị dữ liệu cơ bản",
        "hr.it_staff_data_certificate",
    ),
    ("Tỷ lệ công chức chuyên trách, kiêm nhiệm chuyển đổi số", "hr.dx_staff_share"),
    (
        "Tỷ lệ thành viên Tổ công nghệ số cộng đồng được bồi dưỡng kỹ năng sử dụng dịch vụ số",
        "hr.community_team_trained",
    ),
    ("Tỷ lệ kết quả nghiên cứu khoa học và công nghệ được ứng dụng vào thực tiễn", "sci.rd_results_applied"),
    (
        "Tỷ lệ thông tin, dữ liệu đã số hóa được khai thác, sử dụng lại trong giải quyết TTHC",
        "data.digitized_data_reuse",
    ),
    ("Tỷ lệ hồ sơ, kết quả giải quyết thủ tục hành chính đã được số hóa", "data.tthc_records_digitized"),
    ("Tỷ lệ dữ liệu của xã được số hóa, kết nối liên thông với cấp trên", "data.commune_data_connected"),
    ("Tỷ lệ hoạt động chỉ đạo, điều hành được thực hiện trên môi trường số", "gov.leadership_on_digital_env"),
    (
        "Tỷ lệ thủ tục hành chính liên quan đến sản xuất, kinh doanh được thực hiện trực tuyến",
        "gov.tthc_business_online",
    ),
    ("Tỷ lệ DVC trực tuyến toàn trình trên tổng số TTHC đủ điều kiện", "gov.full_online_services"),
    ("Tỷ lệ hồ sơ TTHC được tiếp nhận, xử lý trực tuyến", "gov.online_applications_rate"),
    ("Tỷ lệ người dân và doanh nghiệp sử dụng DVCTT", "gov.online_service_usage"),
    ("Tỷ lệ hồ sơ TTHC được cấp kết quả giải quyết điện tử", "gov.electronic_results"),
    ("Tỷ lệ người dân, doanh nghiệp hài lòng khi thực hiện thủ tục hành chính", "gov.citizen_satisfaction"),
    ("Tỷ lệ văn bản được xử lý trên môi trường điện tử", "gov.e_document_processing"),
    ("Tỷ lệ DVCTT được cá thể hóa theo người dùng", "gov.personalized_online_services"),
    ("Tỷ lệ doanh nghiệp nhỏ và vừa trên địa bàn ứng dụng công nghệ số", "econ.sme_digital_adoption"),
    ("Tỷ lệ kinh tế số trong GRDP của xã", "econ.digital_economy_grdp_share"),
    ("Tỷ lệ người dân có tài khoản VNeID", "society.vneid_accounts"),
    ("Tỷ lệ người trưởng thành có chữ ký số", "society.adult_digital_signature"),
    ("Tỷ lệ người dân sử dụng Sổ sức khỏe điện tử", "society.e_health_records"),
    (
        "Tỷ lệ dân số trưởng thành sử dụng dịch vụ số trong y tế, giáo dục, bảo hiểm, giao thông",
        "society.adult_digital_services_access",
    ),
    ("Tỷ lệ người dân được phổ cập kỹ năng số", "society.basic_digital_skills"),
    ("Tỷ lệ hộ gia đình được cấp địa chỉ số", "society.digital_address"),
]
# Other indicators worded much like catalog ones, written with HELD_OUT.
HELD_OUT_TRAPS = [
    "Tỷ lệ hộ gia đình có điện thoại cố định",
    "Tỷ lệ trường học có kết nối Internet băng rộng cáp quang",
    "Tỷ lệ giáo viên đạt chuẩn trình độ đào tạo",
    "Tỷ lệ doanh nghiệp sử dụng hóa đơn điện tử",
    "Tỷ lệ người dân có tài khoản mạng xã hội",
    "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn",
    "Kế hoạch ứng dụng công nghệ thông tin năm 2026",
    "Tỷ lệ giao dịch hành chính thực hiện trực tiếp tại Bộ phận một cửa",
    "Tỷ lệ người dân có thẻ căn cước",
    "Tỷ lệ chi ngân sách nhà nước cho y tế",
    "Tỷ lệ hồ sơ TTHC được tiếp nhận trực tiếp",
    "Tỷ lệ hệ thống thông tin được giám sát bởi SOC",
    "Tỷ lệ học sinh được học ngoại ngữ trên nền tảng số",
    "Số nhiệm vụ khoa học và công nghệ cấp tỉnh được nghiệm thu",
    "Tỷ lệ phủ sóng Internet đến thôn, xóm",
    "Tỷ lệ người dân có thẻ bảo hiểm y tế điện tử",
    "Tỷ lệ hộ gia đình có máy tính",
    "Tỷ lệ thủ tục hành chính được công khai đầy đủ",
    "Tỷ lệ văn bản đến được số hóa",
    "Tỷ lệ chi ngân sách nhà nước cho giáo dục và đào tạo",
    "Tỷ lệ doanh nghiệp có website",
    "Tỷ lệ giáo viên có trình độ trên chuẩn",
    "Tỷ lệ hồ sơ TTHC quá hạn",
    "Số lượng camera giám sát an ninh được lắp đặt",
    "Tỷ lệ người dân tham gia bảo hiểm xã hội",
    "Tỷ lệ cán bộ, công chức được cấp máy tính",
]


@pytest.fixture(scope="module")
def matcher() -> IndicatorMatcher:
    return IndicatorMatcher(load_catalog())


def _seed_rows():
    for path in sorted(SAMPLES.glob("*.tsv")):
        for table in extract(path).tables:
            for row in table.rows:
                yield path.name, row


def test_labels_name_catalog_codes_and_seed_rows():
    codes = {i.code for i in load_catalog()}
    named = {c for v in LABELS.values() for c in (v if isinstance(v, set) else {v})} - {None}
    assert named <= codes
    lines = {(f, r.line) for f, r in _seed_rows()}
    assert set(LABELS) <= lines


def test_seed_rows_link_to_the_right_codes(matcher):
    right = wrong = missed = 0
    errors, misses = [], []
    for file, row in _seed_rows():
        expected = LABELS.get((file, row.line))
        code, score = matcher.match(row.indicator)
        ok = code in expected if isinstance(expected, set) else code == expected
        if isinstance(expected, set) and None in expected and code is None:
            continue  # either reading is fine and it stayed unlinked
        if code is not None and ok:
            right += 1
        elif code is not None:
            wrong += 1
            errors.append(f"{file}:{row.line} -> {code} ({score}), expected {expected}: {row.indicator[:60]}")
        elif expected is not None:
            missed += 1
            misses.append(f"{file}:{row.line} expected {expected} ({score}): {row.indicator[:60]}")
    precision, recall = right / (right + wrong), right / (right + missed)
    print(
        f"\nindicator linking: precision {precision:.1%}, recall {recall:.1%} "
        f"({right} right, {wrong} wrong, {missed} missed)"
    )
    print("\n".join(misses))
    assert errors == []
    assert recall >= RECALL_FLOOR


def test_seen_in_column_agrees_with_the_labels():
    """Every (indicator, seed) pair of indicators.csv's seen_in is one labelled row."""
    with open(HERE.parent / "normalize" / "data" / "indicators.csv", encoding="utf-8") as f:
        seen = {(r["code"], s) for r in csv.DictReader(f) for s in r["seen_in"].split("|") if s}
    labelled = {(c, SEED_OF[file]) for (file, _), v in LABELS.items() for c in (v if isinstance(v, set) else {v}) if c}
    assert seen - labelled == set()


def test_seen_in_pairs_are_linked(matcher):
    """Each indicator a careful reader finds in a seed (seen_in) is linked by a row of that seed."""
    linked = {(matcher.match(row.indicator)[0], SEED_OF[file]) for file, row in _seed_rows()}
    with open(HERE.parent / "normalize" / "data" / "indicators.csv", encoding="utf-8") as f:
        seen = {(r["code"], s) for r in csv.DictReader(f) for s in r["seen_in"].split("|") if s}
    assert seen - linked == UNLINKABLE
    assert {p for p in linked if p[0]} <= seen


@pytest.mark.parametrize("text", TRAPS + HELD_OUT_TRAPS)
def test_traps_stay_unlinked(matcher, text):
    assert matcher.match(text)[0] is None


def test_held_out_wordings(matcher):
    """New wordings, none an alias: never a wrong code, most linked."""
    wrong = [(text, code, matcher.match(text)) for text, code in HELD_OUT if matcher.match(text)[0] not in (None, code)]
    right = sum(matcher.match(text)[0] == code for text, code in HELD_OUT)
    missed = [text for text, code in HELD_OUT if matcher.match(text)[0] is None]
    print(
        f"\nheld-out wordings: recall {right / len(HELD_OUT):.1%} ({right} right, {len(wrong)} wrong, "
        f"{len(missed)} missed)\n" + "\n".join(missed)
    )
    assert wrong == []
    assert right / len(HELD_OUT) >= HELD_OUT_FLOOR


def test_held_out_wordings_are_not_aliases():
    aliases = {words(a) for i in load_catalog() for a in i.aliases}
    assert [t for t, _ in HELD_OUT if words(t) in aliases] == []


@pytest.mark.parametrize(
    "text, code",
    [
        ("Tỷ lệ phủ sóng 5G trên dân số đạt 95%", "infra.5g_coverage"),
        ("Tỷ lệ phủ sóng 5G trên địa bàn", "infra.5g_coverage"),
        ("Tỷ lệ DVCTT mức độ 4 hoặc toàn trình", "gov.full_online_services"),
        ("75% dữ liệu các ngành được tích hợp với trực liên thông dữ liệu cấp tỉnh (LGSP)", "data.lgsp_integration"),
        ("Trên 40% người dân có Số sức khỏe điện tử", "society.e_health_records"),
        ("Tỉ lệ cấp kết quả giải quyết thủ tục hành chính điện tử", "gov.electronic_results"),
        ("Trên 95% hồ sơ giải quyết thủ tục hành chính được cấp kết quả điện tử", "gov.electronic_results"),
        ("Quy mô kinh tế số trong tổng GRDP đạt tối thiểu 15%", "econ.digital_economy_grdp_share"),
        ("Tỷ lệ thủ tục hành chính được tiếp nhận, giải quyết phi địa giới hành chính", "gov.tthc_borderless"),
        ("Có ≥ 30 nhiệm vụ khoa học và công nghệ triển khai", "sci.rd_tasks"),
        ("Kế hoạch Chuyển đổi số xã Xuân Hưng năm 2027", "institution.dx_annual_plan"),
        ("Tỷ lệ chi ngân sách cho an toàn thông tin", "hr.budget_share_cybersecurity"),
        ("Tỷ lệ chi ngân sách nhà nước cho chính quyền số", "hr.budget_share_digital_gov"),
        ("100% cán bộ, công chức được bồi dưỡng kỹ năng số cơ bản", "hr.officials_basic_digital_skills"),
        (
            "90% cán bộ, công chức làm chủ kỹ năng số, ứng dụng công nghệ trong quản lý, điều hành",
            "hr.officials_digital_mastery",
        ),
        ("Tỷ lệ hộ gia đình có kết nối Internet băng rộng cáp quang", "infra.household_fibre"),
        ("Tỉ lệ hồ sơ TTHC xử lý trực tuyến ≥ 90%", "gov.online_applications_rate"),
        ("Tỷ lệ giao dịch không dùng tiền mặt", "econ.cashless_transaction_rate"),
    ],
)
def test_links(matcher, text, code):
    assert matcher.match(text)[0] == code


@pytest.mark.parametrize(
    "text, code",
    [
        # one item of a list the name enumerates, the rest of the name said
        ("Tỷ lệ nhiệm vụ được theo dõi trên môi trường điện tử", "gov.tasks_monitored_online"),
        ("Tỷ lệ thanh toán trực tuyến phí, lệ phí trong giải quyết thủ tục hành chính", "gov.online_payment_rate"),
        ("Tỷ lệ người nghiên cứu khoa học, phát triển công nghệ trên 01 vạn dân", "sci.researchers_per_10k"),
        ("Tỷ lệ hồ sơ, kết quả giải quyết TTHC được lưu trữ điện tử", None),  # "lưu trữ" for "cấp"
        ("Tỷ lệ hồ sơ TTHC được giải quyết đúng hạn", None),  # the rest ("được số hóa") not said
        # the plan's level for the commune's; a catalog word for another
        ("Đài truyền thanh cơ sở có chuyên mục chuyển đổi số phát sóng định kỳ", "awareness.radio_dx_section"),
        ("Tỷ lệ hệ thống thông tin được triển khai trên nền tảng điện toán đám mây", "infra.cloud_systems"),
        ("Tỷ lệ cán bộ, công chức được bồi dưỡng kỹ năng số nâng cao", None),  # "nâng cao" is none
        # an aside in the name, an abbreviation in the row
        ("Tỷ lệ CBCCVC được cấp và sử dụng chữ ký số chuyên dùng công vụ", "gov.official_digital_signature"),
    ],
)
def test_rules_for_wordings_of_other_levels(matcher, text, code):
    assert matcher.match(text)[0] == code


# Scopes and qualifiers that make any indicator another one.
NARROWINGS = [
    " tại bệnh viện",
    " tại các trường học",
    " của hộ kinh doanh",
    " trong lĩnh vực đất đai",
    " ở vùng sâu, vùng xa",
    " thuộc các thôn đặc biệt khó khăn",
    " trên diện tích tự nhiên",
    " trên tổng số bệnh viện",
    " một phần",
    " (thí điểm)",
    " bước đầu",
]


def test_a_narrower_scope_or_a_part_of_any_indicator_links_nothing(matcher):
    """Every catalog wording that links to its code, with a place, group,
    denominator or qualifier its indicator does not have, links to nothing
    (911 of the 913 did before the scope rules)."""
    linking = [t for ind in matcher.catalog for t in (ind.name_vi, *ind.aliases) if matcher.match(t)[0] == ind.code]
    assert len(linking) >= 80
    assert [(t + n, c) for t in linking for n in NARROWINGS if (c := matcher.match(t + n)[0])] == []


@pytest.mark.parametrize(
    "text, code",
    [
        # a scope the indicator has, the plan's own level or body, a time, a field of work, a platform
        ("Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng", "society.bank_account_ownership"),
        ("Tỷ lệ hộ gia đình có địa chỉ số/Tổng số hộ gia đình", "society.digital_address"),
        ("Tỷ lệ hồ sơ TTHC được xử lý trực tuyến trên tổng số hồ sơ tiếp nhận", "gov.online_applications_rate"),
        ("Tỷ lệ giao dịch không dùng tiền mặt của xã", "econ.cashless_transaction_rate"),
        ("Tỷ lệ người dân có tài khoản định danh điện tử trong phạm vi tỉnh", "society.vneid_accounts"),
        (
            "Tỷ lệ văn bản, hồ sơ công việc tại cơ quan hành chính nhà nước được xử lý trên môi trường điện tử",
            "gov.e_document_processing",
        ),
        ("Tỷ lệ DN nhỏ và vừa ứng dụng công nghệ số trong sản xuất kinh doanh", "econ.sme_digital_adoption"),
        ("Tỷ lệ hồ sơ TTHC được xử lý trực tuyến trên Cổng dịch vụ công", "gov.online_applications_rate"),
        ("Tỷ trọng kinh tế số trong tổng sản phẩm trên địa bàn (GRDP)", "econ.digital_economy_grdp_share"),
        # a place, group, part, trial, negation or denominator it has not
        ("Tỷ lệ giao dịch không dùng tiền mặt trong thu học phí", None),
        ("Tỷ lệ hoạt động chỉ đạo, điều hành trong cơ quan Đảng được thực hiện trên môi trường số", None),
        ("Tỷ lệ giáo viên mầm non được tập huấn kỹ năng cơ bản về dạy trên nền tảng số", None),
        ("Tỷ lệ người dân tộc thiểu số có tài khoản định danh điện tử", None),
        ("Tỷ lệ hộ gia đình có ít nhất một người có điện thoại thông minh", None),
        ("Tỷ lệ người dân không có tài khoản định danh điện tử", None),
        ("Tỷ lệ dân số trưởng thành chưa có chữ ký số", None),
        ("Tỷ lệ hồ sơ xử lý trực tuyến trên tổng số cán bộ", None),
    ],
)
def test_scopes_and_qualifiers(matcher, text, code):
    assert matcher.match(strip_target_words(text))[0] == code


@pytest.mark.parametrize(
    "text, stripped",
    [
        ("Tỷ lệ phủ sóng 5G trên dân số đạt 95%", "Tỷ lệ phủ sóng 5G trên dân số"),
        ("Tối thiểu 60% dữ liệu của xã được số hóa", "dữ liệu của xã được số hóa"),
        ("100% giáo viên được tập huấn", "giáo viên được tập huấn"),
        (
            "Tỷ lệ giao dịch hành chính thuộc diện “phi tiếp xúc”: Đạt tối thiểu 80%",
            "Tỷ lệ giao dịch hành chính thuộc diện “phi tiếp xúc”",
        ),
        ("Có ≥ 70% người sử dụng có khả năng truy cập", "người sử dụng có khả năng truy cập"),
        ("Tỷ lệ sử dụng dịch vụ công trực tuyến đạt tỷ lệ 60% trở lên", "Tỷ lệ sử dụng dịch vụ công trực tuyến"),
        ("Trên 95% hồ sơ", "hồ sơ"),
        ("Tỷ lệ chi ngân sách cho chuyển đổi số đạt tối thiểu 1%", "Tỷ lệ chi ngân sách cho chuyển đổi số"),
        ("Tỷ lệ phủ sóng 5G trên dân số ≥ 95%", "Tỷ lệ phủ sóng 5G trên dân số"),
        (
            "Truy cập băng thông rộng với tốc độ từ 1 Gb/s trở lên",
            "Truy cập băng thông rộng với tốc độ từ 1 Gb/s trở lên",
        ),
        ("Có từ 08 người thực hiện nghiên cứu", "người thực hiện nghiên cứu"),
        ("Có ≥ 30 nhiệm vụ khoa học và công nghệ triển khai", "nhiệm vụ khoa học và công nghệ triển khai"),
    ],
)
def test_strip_target_words(text, stripped):
    assert strip_target_words(text) == stripped


def test_load_catalog_and_pickle(matcher):
    catalog = load_catalog()
    assert len(catalog) == 60 and catalog[0].code == "infra.5g_coverage"
    assert catalog[0].name_en == "5G mobile coverage (share of population)"
    smartphones = next(i for i in catalog if i.code == "infra.smartphone_ownership")
    assert smartphones.aliases == [
        "Tỷ lệ hộ gia đình có người có điện thoại thông minh",
        "Tỷ lệ dân số trưởng thành có điện thoại thông minh",
    ]
    clone = pickle.loads(pickle.dumps(matcher))
    assert clone.match("Tỷ lệ phủ sóng 5G trên dân số")[0] == "infra.5g_coverage"


def test_every_target_lead_word_of_the_parser_is_stripped():
    from chitieu.normalize.indicators import strip_target_words

    assert strip_target_words("Tỷ lệ hồ sơ không dưới 90%") == "Tỷ lệ hồ sơ"
    assert strip_target_words("Tỷ lệ hồ sơ xử lý trực tuyến cao hơn 80%") == "Tỷ lệ hồ sơ xử lý trực tuyến"


PARAPHRASES = list(csv.DictReader(open(Path(__file__).parent / "data" / "indicator_paraphrases.csv", encoding="utf-8")))


def test_paraphrases_written_before_tuning(matcher):
    """40 wordings of catalog indicators written before the matcher was tuned
    on them (first run: 35 right, 0 wrong; 37, 39, then 40 now): no wrong link."""
    got = [(p["text"], p["code"], matcher.match(strip_target_words(p["text"]))[0]) for p in PARAPHRASES]
    assert [g for g in got if g[2] not in (None, g[1])] == []
    assert sum(g[1] == g[2] for g in got) >= 40


@pytest.mark.parametrize(
    "text,codes",
    [
        (
            "Tỷ lệ phủ sóng 5G đạt 95% và tỷ lệ hộ gia đình có kết nối Internet băng rộng cáp quang đạt 80%",
            ["infra.5g_coverage", "infra.household_fibre"],
        ),
        (
            "Tỷ lệ phủ sóng 5G trên dân số; Tỷ lệ người dân có tài khoản định danh điện tử",
            ["infra.5g_coverage", "society.vneid_accounts"],
        ),
        ("Tỷ lệ hồ sơ, kết quả giải quyết thủ tục hành chính được số hóa", ["data.tthc_records_digitized"]),
        ("Phủ sóng 5G và cáp quang đến thôn", []),
    ],
)
def test_a_row_stating_two_indicators_links_the_first_and_lists_the_second(matcher, text, codes):
    assert matcher.match_all(strip_target_words(text)) == codes


PARAPHRASES_3 = list(
    csv.DictReader(open(Path(__file__).parent / "data" / "indicator_paraphrases_3.csv", encoding="utf-8"))
)
# Rows of indicator_paraphrases_3.csv a reader links that stay unlinked, and what the matcher lacks for them.
UNLINKED_3 = {
    "Đạt 90% hộ gia đình có đường truyền cáp quang băng rộng": "'đường truyền', a word the catalog never uses, "
    "stands where the name has 'kết nối Internet' (a swap, as 'trực tiếp' for 'trực tuyến')",
    "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ TTHC tiếp nhận và giải quyết": "no 'xử lý'; a denominator "
    "('trên tổng số hồ sơ …') none of the indicator's wordings has",
    "Tỷ lệ kết quả giải quyết TTHC được trả dưới dạng bản điện tử": "no 'hồ sơ'; 'dưới dạng bản' between "
    "'cấp kết quả' and 'điện tử'",
    "Tỷ lệ hồ sơ TTHC có thanh toán phí, lệ phí trực tuyến": "no 'giải quyết' of the payment rate, and the "
    "online-applications rate's 'hồ sơ … trực tuyến': two indicators in part (linked that one before the rival rule)",
    "Tỷ lệ cán bộ, công chức, viên chức được cấp chữ ký số công vụ": "no 'sử dụng', 'chuyên dùng' "
    "('… được cấp chữ ký số cá nhân' is another measure)",
    "Tỷ lệ người dân sử dụng Sổ sức khỏe điện tử trên ứng dụng VNeID": "'VNeID' is the whole name of the "
    "e-identity indicator: the row names two",
    "Tỷ lệ người dân được phổ cập kỹ năng số": "no 'cơ bản', and no word only this indicator's name has",
    "Tỷ lệ nhiệm vụ do UBND tỉnh giao được theo dõi, đánh giá trên Hệ thống theo dõi nhiệm vụ điện tử": "'trên "
    "Hệ thống …' instead of 'trên môi trường điện tử', and its words repeated: too little of the text is the name's",
}


def test_paraphrases_3_unlinked_rows_are_rows_a_reader_links():
    codes = {p["text"]: p["code"] for p in PARAPHRASES_3}
    assert all(codes.get(t) for t in UNLINKED_3)
    assert sum(bool(p["code"]) for p in PARAPHRASES_3) == 100 and len(PARAPHRASES_3) == 151


@pytest.mark.parametrize("text, code", [(p["text"], p["code"] or None) for p in PARAPHRASES_3])
def test_paraphrases_3_written_before_reading_the_matcher(matcher, text, code):
    """100 wordings of catalog indicators and 51 distractors (written before
    the matcher was read; at first 84 linked, 1 wrong, 2 distractors linked):
    each row's exact code, None for distractors and for UNLINKED_3."""
    assert matcher.match(strip_target_words(text))[0] == (None if text in UNLINKED_3 else code)


@pytest.mark.parametrize(
    "text",
    [
        # written after the rules of indicator_paraphrases_3, against them
        "Tỷ lệ trường học có máy tính triển khai giải pháp phòng chống mã độc",
        "100% dân số nông thôn được phủ sóng 5G",
        "Tỷ lệ hồ sơ TTHC được xử lý trực tuyến đúng hạn",
        "Tỷ lệ hộ gia đình được hỗ trợ lắp đặt Internet cáp quang",
        "Tổ chức tập huấn cho thành viên Tổ công nghệ số cộng đồng",
        "Số buổi phát sóng chuyên mục chuyển đổi số trên Đài truyền thanh xã",
        "Số lượt người dân sử dụng dịch vụ công trực tuyến",
        "Tỷ lệ học sinh có smartphone",
        "Tỷ lệ thôn có mạng di động 5G",
        "Tỷ lệ học liệu GDPT được số hóa tại trường tiểu học",
    ],
)
def test_traps_of_the_distinct_word_and_denominator_rules(matcher, text):
    assert matcher.match(strip_target_words(text))[0] is None


@pytest.mark.parametrize(
    "text, code",
    [
        ("Kế hoạch CĐS năm 2026 của UBND xã được ban hành đúng hạn", "institution.dx_annual_plan"),
        ("Tổ chức hưởng ứng Ngày Chuyển đổi số quốc gia (10/10) hằng năm", "awareness.dx_day_activities"),
        ("Tỷ lệ hồ sơ TTHC được xử lý trực tuyến theo quy định", "gov.online_applications_rate"),
    ],
)
def test_a_plan_on_time_an_aside_and_an_administrative_tail(matcher, text, code):
    assert matcher.match(strip_target_words(text))[0] == code


@pytest.mark.parametrize(
    "text, code",
    [
        # written after the rules of indicator_paraphrases_3 (19 of 22 linked at first, 0 wrong; then "hằng năm")
        ("Tỉ lệ dân cư được phủ sóng 5G đạt 100% vào năm 2026", "infra.5g_coverage"),
        ("Bảo đảm 100% hộ gia đình có kết nối Internet băng rộng cáp quang theo quy định", "infra.household_fibre"),
        ("Tỷ lệ người dân có tài khoản VNeID được kích hoạt", "society.vneid_accounts"),
        (
            "Tỷ lệ người dân có khả năng truy cập Internet băng rộng cố định tốc độ 1 Gbps",
            "infra.fixed_broadband_1gbps",
        ),
        (
            "Tỷ lệ hồ sơ, kết quả giải quyết thủ tục hành chính được số hoá đạt 100% trên địa bàn xã",
            "data.tthc_records_digitized",
        ),
        ("Tỷ lệ DVCTT toàn trình/tổng số TTHC đủ điều kiện", "gov.full_online_services"),
        ("Tỷ lệ hồ sơ TTHC được giải quyết trực tuyến", "gov.online_applications_rate"),
        # lacks "giải quyết" of "… trong giải quyết thủ tục hành chính, dịch vụ công"
        ("Tỉ lệ thanh toán trực tuyến phí, lệ phí TTHC", None),
        ("Tỷ lệ hài lòng của người dân, doanh nghiệp về giải quyết TTHC", "gov.citizen_satisfaction"),
        ("Tỷ lệ văn bản, hồ sơ công việc xử lý trên môi trường điện tử của UBND xã", "gov.e_document_processing"),
        ("Tỷ lệ CBCC được cấp và sử dụng chữ ký số chuyên dùng công vụ", "gov.official_digital_signature"),
        ("Tỷ lệ doanh nghiệp nhỏ và vừa ứng dụng công nghệ số trong quản trị", "econ.sme_digital_adoption"),
        ("Tỷ lệ giao dịch không dùng tiền mặt đạt trên 80% theo kế hoạch", "econ.cashless_transaction_rate"),
        ("Tỷ lệ dân số trưởng thành có chữ ký điện tử cá nhân", "society.adult_digital_signature"),
        ("Tỷ lệ người dân có Sổ sức khoẻ điện tử", "society.e_health_records"),
        ("Tỷ lệ hộ dân có địa chỉ số", "society.digital_address"),
        ("Tỷ lệ CBCCVC được bồi dưỡng kỹ năng số cơ bản hằng năm", "hr.officials_basic_digital_skills"),
        ("Tỷ lệ thành viên Tổ CNSCĐ được tập huấn kỹ năng sử dụng dịch vụ số", "hr.community_team_trained"),
        ("Cổng/Trang thông tin điện tử xã có chuyên mục chuyển đổi số", "awareness.portal_dx_section"),
        (
            "Tỷ lệ HTTT được phê duyệt cấp độ an toàn thông tin và triển khai phương án bảo đảm ATTT theo cấp độ",
            "security.level_based_protection",
        ),
        (
            "Tỷ lệ TTHC được tiếp nhận, giải quyết không phụ thuộc địa giới hành chính trên địa bàn tỉnh",
            "gov.tthc_borderless",
        ),
        ("Tỷ lệ dữ liệu của xã được số hóa, kết nối liên thông với cấp trên", "data.commune_data_connected"),
        ("Tỷ lệ hộ gia đình có kết nối Internet băng rộng cáp quang tại thôn vùng cao", None),
        ("Tỷ lệ hồ sơ TTHC được giải quyết trực tuyến trễ hạn", None),
        ("Tỷ lệ doanh nghiệp có chữ ký số", None),
        ("Số lượt truy cập Cổng dịch vụ công", None),
        ("Tỷ lệ cán bộ công chức có máy tính", None),
        ("Tỷ lệ hộ dân có nhà vệ sinh hợp vệ sinh", None),
        ("Tỷ lệ dân số được tiêm chủng đầy đủ", None),
        ("Tổ chức hội thi tìm hiểu về chuyển đổi số", None),
        ("Tỷ lệ hồ sơ TTHC được số hoá tại Bộ phận Một cửa huyện", None),
        ("Tỷ lệ thôn có loa truyền thanh thông minh", None),
    ],
)
def test_wordings_written_after_the_rules(matcher, text, code):
    assert matcher.match(strip_target_words(text))[0] == code
