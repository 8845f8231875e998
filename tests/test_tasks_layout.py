"""Tasks from positioned layouts (PDF text layers and OCR): schedule tables rebuilt from word
positions, addressee blocks whose `Kính gửi` was lost, and the negative cases added with them
(closing formulas by vocabulary, definitions, entitlements, member lines, `Label: Name` fields)."""
from layout_builders import cells_line, words_line
from layout_builders import positioned_task_doc as make_doc

from extractors import nlp
from extractors.tasks import extract_tasks, positioned_tables
from models.layout import Document, Page


def test_numbered_schedule_table_from_word_positions():
    # TT | Nội dung công việc | Thời gian | Đơn vị chủ trì/phối hợp, rows centred on their number
    body = [
        words_line("6. Tiến độ thực hiện", 60, 200),
        cells_line([("TT", 62), ("Nội dung công việc", 90), ("Thời gian", 300), ("Đơn vị chủ trì", 400)], 220),
        cells_line([("Ban hành kế hoạch; rà soát danh sách", 90), ("Trước ngày", 300), ("Phòng Đào tạo; Trung", 400)], 240),
        cells_line([("1", 64)], 246),
        cells_line([("sinh viên được chọn", 90), ("27/6/2026", 300), ("tâm Khảo thí", 400)], 252),
        cells_line([("Tổng hợp dữ liệu, hoàn thiện báo cáo", 90), ("10/7/2026 -", 300), ("Trung tâm Khảo thí", 400)], 270),
        cells_line([("2", 64)], 276),
        cells_line([("kết quả khảo sát", 90), ("13/7/2026", 300)], 282),
        words_line("7. Tổ chức thực hiện", 60, 310),
        words_line("Các khoa phổ biến kế hoạch đến sinh viên được chọn mẫu.", 80, 326),   # indented paragraph
    ]
    tasks = extract_tasks(make_doc(body), {})
    rows = [t for t in tasks if t.deadline]
    assert [(t.assignees, t.deadline) for t in rows] == [
        (["Phòng Đào tạo", "Trung tâm Khảo thí"], "2026-06-27"), (["Trung tâm Khảo thí"], "2026-07-13")]
    assert rows[0].action.startswith("Ban hành kế hoạch") and "sinh viên được chọn" in rows[0].action
    assert rows[0].lead is None and rows[1].lead == "Trung tâm Khảo thí"
    # the paragraph after the table is read as text again
    assert any(t.assignees == ["Các khoa"] for t in tasks)


def test_table_without_stt_column_rows_at_wider_pitch():
    body = [
        words_line("1. Lịch đăng ký học phần", 60, 200),
        words_line("Công việc", 100, 220), words_line("Người thực hiện", 260, 220), words_line("Thời hạn", 420, 220),
        cells_line([("Đăng ký học phần trực tuyến", 62), ("Sinh viên", 260), ("Trước ngày 05/01/2027", 380)], 240),
        cells_line([("trên cổng thông tin", 62)], 254),
        cells_line([("Duyệt danh sách lớp học phần", 62), ("Các khoa", 260), ("Trước ngày 08/01/2027", 380)], 274),
        words_line("2. Trách nhiệm thực hiện", 60, 300),
    ]
    cells = [ln for ln in positioned_tables(make_doc(body).pages[0].lines) if ln.cell]
    assert {ln.cell[1] for ln in cells} == {0, 1, 2}
    tasks = extract_tasks(make_doc(body), {})
    assert [(t.assignees, t.deadline) for t in tasks] == [(["Sinh viên"], "2027-01-05"), (["Các khoa"], "2027-01-08")]
    assert tasks[0].action == "Đăng ký học phần trực tuyến trên cổng thông tin"


def test_addressee_block_without_its_label_and_closing_by_vocabulary():
    body = [
        words_line("öiorừhoTmp BÙI:", 100, 200),            # `Kính gửi:` lost to OCR
        words_line("- Bộ trưởng, Thủ trưởng cơ quan ngang Bộ,", 150, 214),
        words_line("- Chủ tịch Ủy ban nhân dân các tỉnh,", 150, 228),
        words_line("thành phố.", 150, 242),
        words_line("1. Bộ Tư pháp tổng hợp, hoàn thiện hồ sơ dự thảo Nghị quyết trước ngày 05/7/2026.", 60, 270),
        words_line("2. Thủ trưởng các sở, ban ngành; Chủ tịch UBND các huyện tập trung triển khai thực hiện "
                   "nghiêm chỉ đạo của Công điện này./.", 60, 290),
    ]
    tasks = extract_tasks(make_doc(body), {})
    assert [t.assignees for t in tasks] == [["Bộ Tư pháp"]]
    assert tasks[0].deadline == "2026-07-05"


def test_definitions_entitlements_member_lines_and_label_fields_are_not_tasks():
    body = [
        words_line("Điều 1. Thành lập Tổ công tác rà soát hồ sơ lưu trữ gồm các ông (bà):", 60, 200),
        words_line("1. Ông Trần Văn Hưởng, Trưởng phòng Văn thư - Lưu trữ - Thành viên;", 60, 214),
        words_line("Học viên: Nguyễn Thiện Hùng, Khóa: 2021-2023", 60, 228),
        words_line("Điều 2. Doanh nghiệp khoa học và công nghệ là doanh nghiệp thực hiện hoạt động nghiên cứu.", 60, 242),
        words_line("Điều 3. Doanh nghiệp khoa học và công nghệ được ưu tiên thuê đất tại khu công nghệ cao.", 60, 256),
        words_line("Điều 4. Sở Y tế thông báo đến các đơn vị, học viên được biết và thực hiện.", 60, 270),
        words_line("Điều 5. Trưởng các đơn vị có liên quan căn cứ Kế hoạch này chủ động phối hợp triển khai thực "
                   "hiện, bảo đảm tiến độ, chất lượng./.", 60, 284),
    ]
    assert extract_tasks(make_doc(body), {}) == []


def test_names_printed_as_headings_are_matched_whole_with_spacy_or_the_verb_tables():
    body = [
        words_line("5. Phân công trách nhiệm", 60, 200),
        words_line("5.1. Trung tâm Quản lý chất lượng", 60, 214),
        words_line("- Là đơn vị đầu mối tham mưu ban hành kế hoạch khảo sát.", 70, 228),
        words_line("6. Quy trình", 60, 250),
        words_line("- Bước 3: Trung tâm Quản lý chất lượng thông báo kế hoạch đến các khoa được chọn.", 70, 264),
    ]

    def step_assignees():
        tasks = extract_tasks(make_doc(body), {})
        return [t.assignees for t in tasks if "thông báo kế hoạch" in t.action]

    try:
        nlp.set_enabled(underthesea=False)     # isolate spaCy: no word segmentation to rescue the name
        assert step_assignees() == [["Trung tâm Quản lý chất lượng"]]
        nlp.set_enabled(spacy=False)
        # regexes alone: the name still ends where the action verb starts (`thông báo`, a verb of
        # the data tables), not before its lower-case field words
        assert step_assignees() == [["Trung tâm Quản lý chất lượng"]]
    finally:
        nlp.set_enabled(spacy=True, underthesea=True)
    assert nlp.current_names() == ()             # forgotten after the document


def test_later_sentence_with_another_body_is_its_own_task():
    body = [
        words_line("4. Quy trình thực hiện", 60, 200),
        words_line("- Bước 1: Phòng Đào tạo cung cấp danh sách sinh viên của các khoa. Từ đó, Trung tâm Khảo thí "
                   "chuẩn bị dữ liệu phục vụ chọn mẫu.", 70, 214),
        words_line("- Bước 2: Khoa Cơ khí gửi danh sách. Sau đó, các khoa được chọn phổ biến đến sinh viên.", 70, 228),
    ]
    tasks = extract_tasks(make_doc(body), {})
    got = [(t.assignees, t.action) for t in tasks]
    assert (["Phòng Đào tạo"], "cung cấp danh sách sinh viên của các khoa.") in got
    assert (["Trung tâm Khảo thí"], "chuẩn bị dữ liệu phục vụ chọn mẫu.") in got
    # a lower-case collective after the intro is no new subject sentence: one task
    assert sum(1 for t in tasks if "gửi danh sách" in t.action) == 1 and len(tasks) == 3


def test_scan_table_runs_over_specks_of_the_ruling_and_onto_a_page_without_header():
    # OCR of a ruling in the STT column (`ro`) is no row and does not end the table; a page that
    # runs on without the header keeps the first page's columns (a wide gap inside a time cell)
    page1 = [
        words_line("1. Đấu thầu mua thuốc:", 60, 200),
        cells_line([("STT", 56), ("Công việc", 90), ("Thời gian", 290), ("Người thực hiện", 440)], 220),
        cells_line([("l", 140)], 236),                                 # a speck above the first row
        cells_line([("01", 57), ("Xây dựng danh mục khung thuốc", 93), ("01/3/2026 - 05/3/2026", 290),
                    ("Sở Y tế", 480)], 244),
        cells_line([("02", 57), ("Thẩm định kế hoạch lựa chọn nhà thầu", 93), ("Trước ngày 25/5/2026", 290),
                    ("Tổ thẩm định", 465)], 270),
        cells_line([("danh mục", 93), ("Dự kiến 20/5/2026", 290)], 284),
        cells_line([("ro", 49)], 300),
        cells_line([("03", 57), ("Phê duyệt danh sách nhà thầu", 93), ("< 3 ngày làm việc", 290),
                    ("Giám đốc SYT", 462)], 312),
    ]
    page2 = [
        cells_line([("04", 55, ), ("Ký kết hợp đồng", 90), ("7 ngày làm việc sau", 283), ("khi", 395),
                    ("Các cơ sở y tế", 468)], 100),
        cells_line([("công bố kết quả", 283)], 114),
        cells_line([("05", 55), ("Thực hiện hợp đồng", 90), ("18 tháng", 284), ("Các cơ sở y tế", 468)], 134),
        words_line("2. Đấu thầu mua vật tư y tế", 60, 170),
    ]
    for ln in page2:
        ln.page = 2
    head = make_doc([]).pages[0].lines[:5]
    foot = make_doc([]).pages[0].lines[5:]
    doc = Document(path="gen.pdf", format="pdf", pages=[Page(number=1, width=600, height=1000, lines=head + page1),
                                                        Page(number=2, width=600, height=1000, lines=page2 + foot)])
    tasks = extract_tasks(doc, {})
    got = [(t.assignees, t.action, t.deadline) for t in tasks]
    assert got == [(["Sở Y tế"], "Xây dựng danh mục khung thuốc", "2026-03-05"),
                   (["Tổ thẩm định"], "Thẩm định kế hoạch lựa chọn nhà thầu danh mục", "2026-05-25"),
                   (["Giám đốc SYT"], "Phê duyệt danh sách nhà thầu", None),
                   (["Các cơ sở y tế"], "Ký kết hợp đồng", None),
                   (["Các cơ sở y tế"], "Thực hiện hợp đồng", None)]


def test_paragraphs_of_a_scanned_page_that_sits_shifted_on_its_sheet():
    from extractors.tasks import build_paragraphs
    text = "UBND các huyện, thành phố tích cực hỗ trợ Nhà đầu tư trong việc thực hiện các thủ tục về đất"
    page1 = [words_line("ĐẾN", 2, 90), words_line("Số: 27", 5, 100)] + \
        [words_line(text, 73 if i else 100, 120 + 16 * i) for i in range(12)]
    page2 = [words_line(text, 90 if i else 117, 60 + 16 * i, page=2) for i in range(12)]
    paras = build_paragraphs(page1 + page2)[1:]
    assert len(paras) == 2 and paras[1].page == 2 and len(paras[1].lines) == 12
