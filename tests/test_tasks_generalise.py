"""Task rules that follow from the format and the grammar (issue 17), on generated documents:
roles and groups of people as subjects, unit names before `:`, verbs never glued onto a name,
named persons, closing sentences, invitations, non-documents, schedule rows named by their who
column, and the word tables' data file."""
import json

import pytest
from layout_builders import task_doc as make_doc

from extractors.tasks import extract_tasks, own_assignees, words


def test_roles_and_groups_of_people_are_subjects_of_a_duty_sentence():
    doc = make_doc([
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Thư ký Hội đồng có trách nhiệm tổng hợp hồ sơ dự tuyển và trình Hội đồng xét duyệt.",
        "2. Tổ khảo sát triển khai kế hoạch đến từng bệnh viện có giường bệnh.",
        "3. Chánh Thanh tra Sở trưng tập cán bộ tham gia đoàn kiểm tra.",
    ])
    got = [t.assignees for t in extract_tasks(doc, {})]
    assert got == [["Thư ký Hội đồng"], ["Tổ khảo sát"], ["Chánh Thanh tra Sở"]]


def test_a_name_never_takes_in_the_verb_after_it():
    assert own_assignees("Các đơn vị tự kiểm tra, đánh giá: Từ ngày 06/11/2027 đến ngày 15/11/2027.")[0] == ["Các đơn vị"]
    assert own_assignees("Trưởng đoàn thẩm định phân công nhiệm vụ cho từng thành viên.")[0] == ["Trưởng đoàn thẩm định"]
    assert own_assignees("Đoàn tiến hành họp triển khai quyết định thanh tra.")[0] == ["Đoàn"]


def test_a_named_person_is_an_assignee_only_before_a_duty_marker():
    assert own_assignees("Ông Trần Văn Bình có trách nhiệm bàn giao công việc cho người thay thế.")[0] == \
        ["Ông Trần Văn Bình"]
    assert own_assignees("Ông Lê Văn Cường, Phó Giám đốc Bệnh viện - Phó Trưởng ban")[0] == []


def test_a_unit_name_before_a_colon_is_the_assignee_whole():
    doc = make_doc([
        "6. Tổ chức thực hiện",
        "6.1. Văn phòng Sở: Chuẩn bị phương tiện đi lại cho đoàn thẩm định.",
        "6.2. Cơ sở khám bệnh, chữa bệnh được thẩm định:",
        "Chuẩn bị đầy đủ hồ sơ, tài liệu theo nội dung thẩm định.",
    ])
    got = {tuple(t.assignees): t.action for t in extract_tasks(doc, {})}
    assert ("Cơ sở khám bệnh, chữa bệnh được thẩm định",) in got
    assert got[("Cơ sở khám bệnh, chữa bệnh được thẩm định",)].startswith("Chuẩn bị đầy đủ hồ sơ")


def test_the_closing_sentence_is_never_part_of_the_last_task():
    doc = make_doc([
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Phòng Đào tạo chủ trì tổ chức kỳ thi, báo cáo kết quả trước ngày 30/6/2023.",
        "2. Các khoa thông báo lịch thi đến sinh viên.",
        "Trên đây là kế hoạch tổ chức kỳ thi năm 2023. Đề nghị các đơn vị có liên quan triển khai thực hiện./.",
    ])
    tasks = extract_tasks(doc, {})
    assert [t.assignees for t in tasks] == [["Phòng Đào tạo"], ["Các khoa"]]
    assert "Trên đây" not in tasks[-1].action


def test_an_invitation_lists_no_tasks_but_keeps_a_request():
    doc = make_doc([
        "Sở Y tế trân trọng kính mời:",
        "- Đại diện lãnh đạo Phòng Nghiệp vụ Y;",
        "- Giám đốc các bệnh viện đa khoa tuyến huyện;",
        "Thời gian: 08 giờ 00, ngày 20/6/2023.",
        "Đề nghị Phòng Tổ chức cán bộ chuẩn bị tài liệu, hội trường phục vụ cuộc họp.",
    ])
    tasks = extract_tasks(doc, {})
    assert [t.assignees for t in tasks] == [["Phòng Tổ chức cán bộ"]]


def test_a_non_document_gives_no_tasks():
    doc = make_doc(["1. Sở Tài chính chủ trì, phối hợp với các sở rà soát kinh phí trước ngày 30/6/2023."])
    assert extract_tasks(doc, {}) != []
    assert extract_tasks(doc, {"official": False}) == []


def test_schedule_rows_take_the_who_column_also_without_a_date():
    doc = make_doc([
        "4. Tiến độ thực hiện",
        ("TT", (1, 0, 0)), ("Nội dung công việc", (1, 0, 1)), ("Thời gian", (1, 0, 2)), ("Đơn vị thực hiện", (1, 0, 3)),
        ("1", (1, 1, 0)), ("Các đơn vị xây dựng danh mục thuốc", (1, 1, 1)), ("09/3/2023 - 20/3/2023", (1, 1, 2)),
        ("Các bệnh viện và trung tâm y tế", (1, 1, 3)),
        ("2", (1, 2, 0)), ("Phê duyệt kế hoạch lựa chọn nhà thầu", (1, 2, 1)), ("< 5 ngày làm việc", (1, 2, 2)),
        ("UBND tỉnh", (1, 2, 3)),
    ])
    rows = [(t.assignees, t.deadline) for t in extract_tasks(doc, {})]
    assert (["Các bệnh viện và trung tâm y tế"], "2023-03-20") in rows
    assert (["UBND tỉnh"], None) in rows
    assert not any(a == ["Các đơn vị"] for a, _ in rows)


def test_word_tables_are_validated(tmp_path, monkeypatch):
    data = json.loads(words.DATA.read_text(encoding="utf-8"))
    assert all(words.tables()[k] for k in ("role_heads", "duty_verbs", "closing_openers"))
    bad = tmp_path / "task_words.json"
    bad.write_text(json.dumps(dict(data, version=99)), encoding="utf-8")
    monkeypatch.setattr(words, "DATA", bad)
    words.tables.cache_clear()
    try:
        with pytest.raises(ValueError):
            words.tables()
        bad.write_text(json.dumps(dict(data, role_heads=[])), encoding="utf-8")
        words.tables.cache_clear()
        with pytest.raises(ValueError):
            words.tables()
    finally:
        monkeypatch.undo()
        words.tables.cache_clear()


def test_part_headings_whose_roman_number_ocr_misread_still_open_a_part():
    from extractors.tasks.paragraphs import _marker
    assert _marker("HI. TỔ CHỨC THỰC HIỆN")[0] == "roman"      # III.
    assert _marker("H. NỘI DUNG, PHƯƠNG PHÁP")[0] == "roman"    # II.
    assert _marker("Hà Nội là thủ đô")[0] is None
    assert _marker("H. Nội dung")[0] is None                    # not a part heading in capitals


def test_lettered_items_after_an_opening_sentence_with_skipped_letters():
    doc = make_doc([
        "III. TỔ CHỨC THỰC HIỆN",
        "Sở Y tế chủ trì, hướng dẫn các đơn vị triển khai Kế hoạch này.",
        "a) Trung tâm Kiểm soát bệnh tật tỉnh:",
        "Tổ chức giám sát dịch bệnh tại các địa phương; báo cáo kết quả trước ngày 30/6/2023.",
        "b) Bệnh viện Đa khoa tỉnh: Có trách nhiệm tiếp nhận, điều trị người bệnh.",
        "e) Trung tâm y tế các huyện, thành phố:",
        "Phối hợp với UBND cấp xã rà soát đối tượng.",
        "g) Công đoàn ngành y tế: Vận động đoàn viên tham gia.",
    ])
    got = [(t.assignees, t.deadline) for t in extract_tasks(doc, {})]
    assert got == [(["Sở Y tế"], None), (["Trung tâm Kiểm soát bệnh tật tỉnh"], "2023-06-30"),
                   (["Bệnh viện Đa khoa tỉnh"], None), (["Trung tâm y tế các huyện, thành phố"], None),
                   (["Công đoàn ngành y tế"], None)]


def test_each_step_of_a_procedure_that_names_its_actor_is_a_task():
    doc = make_doc([
        "2. Quy trình thực hiện",
        "Bước 1: NCS làm giấy đăng ký bảo vệ luận án, nộp về Khoa Sau đại học.",
        "Bước 2: Khoa Sau đại học tiến hành kiểm tra hồ sơ, trình Hiệu trưởng.",
        "Bước 3: Hội đồng chấm luận án tổ chức buổi bảo vệ.",
    ])
    got = [t.assignees for t in extract_tasks(doc, {})]
    assert got == [["NCS"], ["Khoa Sau đại học"], ["Hội đồng chấm luận án"]]


def test_a_role_of_the_data_runs_further_than_the_gazetteer_head():
    assert own_assignees("Giảng viên hướng dẫn chịu trách nhiệm về nội dung luận văn.")[0] == ["Giảng viên hướng dẫn"]


def test_a_body_heading_whose_items_each_name_a_member_gives_the_members_tasks():
    doc = make_doc([
        "6. Tổ chức thực hiện",
        "6.1. Đoàn thẩm định:",
        "- Trưởng đoàn thẩm định phân công nhiệm vụ cụ thể cho từng thành viên.",
        "- Thư ký Đoàn thẩm định có trách nhiệm thông báo lịch trình thẩm định đến các cơ sở.",
    ])
    got = [t.assignees for t in extract_tasks(doc, {})]
    assert got == [["Trưởng đoàn thẩm định"], ["Thư ký Đoàn thẩm định"]]


def test_a_schedule_row_is_due_at_the_end_of_its_time_cell():
    from extractors.deadlines import find_deadline
    assert find_deadline("Dự kiến 20/7/2023, phát hành 23/7/2023 — 14/8/2023", table_cell=True).date == "2023-08-14"
    assert find_deadline("Hoàn thành trước ngày 20/7/2023, báo cáo trước ngày 14/8/2023").date == "2023-07-20"


def test_positioned_rows_whose_numbers_ocr_read_with_specks_stay_in_the_table():
    from layout_builders import cells_line, words_line
    from layout_builders import positioned_task_doc as layout_doc
    body = [
        words_line("2. Tiến độ thực hiện", 60, 200),
        cells_line([("TT", 62), ("Nội dung công việc", 90), ("Thời gian", 300), ("Đơn vị thực hiện", 400)], 220),
        cells_line([("1", 64), ("Lập hồ sơ mời thầu", 90), ("04/6/2026", 300), ("Tổ chuyên gia", 400)], 240),
        cells_line([("2_", 64), ("Phê duyệt hồ sơ mời thầu", 90), ("10/6/2026", 300), ("Giám đốc Sở", 400)], 260),
        cells_line([("3.", 64), ("Phát hành hồ sơ mời thầu", 90), ("15/6/2026", 300), ("SYT", 400)], 280),
    ]
    rows = [(t.assignees, t.deadline) for t in extract_tasks(layout_doc(body), {}) if t.deadline]
    assert rows == [(["Tổ chuyên gia"], "2026-06-04"), (["Giám đốc Sở"], "2026-06-10"), (["SYT"], "2026-06-15")]


def test_an_office_holder_heading_a_section_is_its_assignee():
    doc = make_doc([
        "1. Sở Tài chính rà soát kinh phí thực hiện trước ngày 30/6/2023.",
        "2. Giám đốc Sở Giao thông vận tải",
        "- Hướng dẫn các địa phương kiểm tra các công trình cầu yếu.",
        "- Tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh.",
    ])
    got = [t.assignees for t in extract_tasks(doc, {})]
    assert got == [["Sở Tài chính"], ["Giám đốc Sở Giao thông vận tải"]]


def test_a_name_joined_by_va_to_a_part_that_names_no_body_runs_on():
    assert own_assignees("Ban Quản lý Khu Kinh tế Vân Phong và các Khu công nghiệp tỉnh: Hướng dẫn doanh nghiệp.")[0] == \
        ["Ban Quản lý Khu Kinh tế Vân Phong và các Khu công nghiệp tỉnh"]
    assert own_assignees("Sở Tài chính và Kho bạc Nhà nước tỉnh bố trí kinh phí.")[0] == \
        ["Sở Tài chính", "Kho bạc Nhà nước tỉnh"]
    assert own_assignees("Thủ trưởng các sở, ngành của tỉnh, Chủ tịch Ủy ban nhân dân các huyện có kế hoạch thực hiện.")[0] == \
        ["Thủ trưởng các sở, ngành của tỉnh", "Chủ tịch Ủy ban nhân dân các huyện"]


def test_items_that_each_name_a_body_under_a_content_subheading_are_tasks():
    doc = make_doc([
        "2. NỘI DUNG",
        "2.1. Ban hành quyết định thành lập Hội đồng xét công nhận sáng kiến.",
        "2.2. Lập danh sách các sáng kiến đăng ký xét công nhận:",
        "- Cơ quan, đơn vị lập danh sách sáng kiến gửi về Sở Y tế trước ngày 13/10/2023.",
        "- Phòng Tổ chức cán bộ tổng hợp danh sách các sáng kiến trước ngày 20/10/2023.",
        "2.3. Kinh phí thực hiện: theo quy định hiện hành.",
    ])
    got = [(t.assignees, t.deadline) for t in extract_tasks(doc, {})]
    assert got == [(["Cơ quan, đơn vị"], "2023-10-13"), (["Phòng Tổ chức cán bộ"], "2023-10-20")]


def test_a_collective_runs_on_to_its_verb_and_never_takes_it_in():
    assert own_assignees("Đề nghị thủ trưởng các cơ sở khám bệnh, chữa bệnh trong tỉnh chỉ đạo thực hiện.")[0] == \
        ["thủ trưởng các cơ sở khám bệnh, chữa bệnh trong tỉnh"]
    assert own_assignees("Các sở, ban, ngành tổ chức triển khai Kế hoạch.")[0] == ["Các sở, ban, ngành"]
    assert own_assignees("Cán bộ hướng dẫn có trách nhiệm theo dõi học viên.")[0] == ["Cán bộ hướng dẫn"]


def test_giao_cho_names_the_body_after_it():
    names, action, cue = own_assignees("Giao cho Giám đốc Trung tâm Kiểm soát bệnh tật chủ trì xây dựng kế hoạch.")
    assert names == ["Giám đốc Trung tâm Kiểm soát bệnh tật"] and cue and action.startswith("chủ trì")


def test_a_lead_in_keeps_the_items_without_a_body_and_leaves_the_named_ones():
    doc = make_doc([
        "Sở Y tế yêu cầu Thủ trưởng các đơn vị trực thuộc triển khai thực hiện các nội dung sau:",
        "- Theo dõi chặt chẽ diễn biến của bão; chủ động phương án ứng phó.",
        "- Trung tâm Kiểm soát bệnh tật tỉnh chuẩn bị sẵn sàng cơ số thuốc, hóa chất.",
        "- Bảo đảm an toàn cho người bệnh và trang thiết bị y tế.",
    ])
    got = {tuple(t.assignees): t.action for t in extract_tasks(doc, {})}
    assert set(got) == {("Thủ trưởng các đơn vị trực thuộc",), ("Trung tâm Kiểm soát bệnh tật tỉnh",)}
    lead_in = got[("Thủ trưởng các đơn vị trực thuộc",)]
    assert "Theo dõi chặt chẽ" in lead_in and "Bảo đảm an toàn" in lead_in and "cơ số thuốc" not in lead_in


def test_a_role_subject_runs_over_alternatives_and_a_relative_co():
    assert own_assignees("Từng khoa của bệnh viện/trung tâm y tế có giường bệnh báo cáo theo Phụ lục I.")[0] == \
        ["Từng khoa của bệnh viện/trung tâm y tế có giường bệnh"]
    assert own_assignees("Tổ khảo sát có trách nhiệm báo cáo Ban Giám đốc.")[0] == ["Tổ khảo sát"]


def test_an_item_that_runs_over_a_page_break_stays_one_task():
    from layout_builders import words_line

    from models.layout import Document, Page
    head = [words_line(t, 60, 10 + 12 * i) for i, t in enumerate(
        ["UBND TỈNH KIÊN GIANG", "SỞ Y TẾ", "Số: 12/KH-SYT", "Kiên Giang, ngày 20 tháng 6 năm 2026", "KẾ HOẠCH"])]
    foot = [words_line(t, 60, 500 + 12 * i, page=2) for i, t in enumerate(
        ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "GIÁM ĐỐC", "Nguyễn Văn A"])]
    p1 = [words_line("III. TỔ CHỨC THỰC HIỆN", 60, 200),
          words_line("a) Trung tâm Kiểm soát bệnh tật tỉnh chủ trì giám sát dịch bệnh tại các", 60, 220),
          words_line("địa phương, báo cáo kết quả về Sở Y tế trước ngày 30/6/2026.", 60, 234),
          words_line("b) Bệnh viện Đa khoa tỉnh có trách nhiệm tiếp nhận, điều trị người bệnh và bố trí", 60, 250),
          words_line("4", 300, 900)]
    p2 = [words_line("giường bệnh dự phòng cho các trường hợp nặng trước ngày 15/7/2026.", 60, 60, page=2),
          words_line("d) Trung tâm y tế các huyện phối hợp với UBND cấp xã rà soát đối tượng.", 60, 76, page=2)]
    doc = Document(path="gen.pdf", format="pdf", pages=[Page(number=1, width=600, height=1000, lines=head + p1),
                                                         Page(number=2, width=600, height=1000, lines=p2 + foot)])
    got = [(t.assignees, t.deadline) for t in extract_tasks(doc, {})]
    assert got == [(["Trung tâm Kiểm soát bệnh tật tỉnh"], "2026-06-30"), (["Bệnh viện Đa khoa tỉnh"], "2026-07-15"),
                   (["Trung tâm y tế các huyện"], None)]


def test_an_unruled_schedule_table_with_a_notes_column_and_month_cells():
    from layout_builders import cells_line, words_line
    from layout_builders import positioned_task_doc as layout_doc
    body = [
        words_line("IV. TIẾN ĐỘ THỰC HIỆN", 60, 200),
        cells_line([("TT", 62), ("Nội dung công việc", 90), ("Thời gian", 280), ("Đơn vị thực hiện", 380),
                    ("Ghi chú", 500)], 220),
        cells_line([("1", 64), ("Xây dựng kế hoạch tuyển sinh", 90), ("Từ 01/3/2026 đến", 280), ("Phòng Đào tạo", 380)], 240),
        cells_line([("năm 2026", 90), ("15/3/2026", 280)], 252),
        cells_line([("2", 64), ("Thông báo tuyển sinh trên", 90), ("Trước ngày 20/3/2026", 280), ("Phòng Công tác", 380),
                    ("Đăng", 500)], 272),
        cells_line([("website của Trường", 90), ("Sinh viên", 380), ("website", 500)], 284),
        cells_line([("3", 64), ("Tổ chức thi tuyển", 90), ("Tháng 5/2026", 280), ("Hội đồng tuyển sinh", 380)], 304),
        words_line("V. TỔ CHỨC THỰC HIỆN", 60, 330),
    ]
    rows = [(t.assignees, t.deadline, t.action) for t in extract_tasks(layout_doc(body), {})]
    assert rows == [(["Phòng Đào tạo"], "2026-03-15", "Xây dựng kế hoạch tuyển sinh năm 2026"),
                    (["Phòng Công tác Sinh viên"], "2026-03-20", "Thông báo tuyển sinh trên website của Trường"),
                    (["Hội đồng tuyển sinh"], "2026-05-31", "Tổ chức thi tuyển")]


def test_a_plan_that_invites_a_guest_still_assigns_work():
    from types import SimpleNamespace as FieldValue  # the `.value` of a field, as extract_fields gives it
    body = [
        "Kính mời đại diện lãnh đạo Ủy ban nhân dân tỉnh đến dự và chỉ đạo hội nghị.",
        "1. Phòng Đào tạo chuẩn bị báo cáo tổng kết năm học trước ngày 10/6/2023.",
        "2. Phòng Hành chính bố trí hội trường, âm thanh.",
    ]
    plan = extract_tasks(make_doc(body), {"doc_type": FieldValue(value="Kế hoạch")})
    assert [t.assignees for t in plan] == [["Phòng Đào tạo"], ["Phòng Hành chính"]]
    invitation = extract_tasks(make_doc(body), {"doc_type": FieldValue(value="Giấy mời")})
    assert invitation == []


def test_a_collective_stops_before_a_verb_the_tagger_knows():
    assert own_assignees("Các Khoa, Phòng ban nhắc nhở sinh viên thực hiện đúng quy chế thi.")[0] == ["Các Khoa, Phòng ban"]
    assert own_assignees("Đề nghị các đơn vị thống kê số lượng viên chức đang làm việc.")[0] == ["các đơn vị"]


def test_an_allocation_table_without_a_column_of_work_gives_no_tasks():
    doc = make_doc([
        "Phòng Đào tạo thông báo phân bổ phòng thi học kỳ II như sau:",
        ("TT", (1, 0, 0)), ("Phòng thi", (1, 0, 1)), ("Đơn vị sử dụng", (1, 0, 2)), ("Ngày thi", (1, 0, 3)),
        ("1", (1, 1, 0)), ("A101, A102", (1, 1, 1)), ("Khoa Kinh tế", (1, 1, 2)), ("20/5/2026", (1, 1, 3)),
        ("2", (1, 2, 0)), ("B201", (1, 2, 1)), ("Khoa Công nghệ thông tin sử dụng phòng máy", (1, 2, 2)),
        ("21/5/2026", (1, 2, 3)),
    ])
    assert extract_tasks(doc, {}) == []


def test_the_closing_paragraph_after_the_last_item_is_not_glued_onto_it():
    doc = make_doc([
        "1. Sở Y tế chủ trì tổ chức tiêm chủng, báo cáo kết quả trước ngày 30/6/2023.",
        "2. Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh tuyên truyền, vận động nhân dân.",
        "Bộ Y tế đề nghị Ủy ban nhân dân các tỉnh, thành phố quan tâm, chỉ đạo thực hiện./.",
    ])
    tasks = extract_tasks(doc, {})
    assert len(tasks) == 2 and tasks[-1].action == "tuyên truyền, vận động nhân dân."


def test_tung_and_moi_head_a_subject_only_before_a_body():
    assert own_assignees("Mỗi đơn vị cử 01 cán bộ tham dự tập huấn.")[0] == ["Mỗi đơn vị"]
    assert own_assignees("Từng nội dung phải được rà soát kỹ.")[0] == []
    assert own_assignees("Từng bước hoàn thiện thể chế quản lý.")[0] == []


def test_an_issuer_that_informs_for_knowledge_gives_no_task():
    doc = make_doc([
        "1. Sở Tài chính rà soát kinh phí thực hiện trước ngày 30/6/2023.",
        "Văn phòng Ủy ban nhân dân tỉnh xin thông báo để các cơ quan biết, thực hiện./.",
    ])
    tasks = extract_tasks(doc, {})
    assert [t.assignees for t in tasks] == [["Sở Tài chính"]] and "thông báo" not in tasks[0].action


def test_a_collective_qualified_by_thuoc_and_a_body_is_one_name():
    assert own_assignees("Các đơn vị trực thuộc Sở Y tế có trách nhiệm báo cáo kết quả.")[0] == ["Các đơn vị trực thuộc Sở Y tế"]


def test_a_section_of_mixed_content_keeps_only_its_duty_sentences():
    # `II. Nội dung`: headings that name no body, a sentence whose subject is a body and a verb
    doc = make_doc([
        "II. NỘI DUNG, PHƯƠNG PHÁP",
        "1. Khảo sát tình hình sử dụng giường bệnh",
        "Từng khoa của bệnh viện báo cáo theo Phụ lục I kèm theo Kế hoạch này.",
        "2. Phương pháp tiến hành",
        "- Tổ khảo sát triển khai kế hoạch đến từng bệnh viện.",
        "- Các khoa cung cấp thông tin theo mẫu.",
        "- Báo cáo của các khoa phải được lãnh đạo khoa ký.",
        "- Tổ khảo sát tổng hợp, phân tích, báo cáo Ban Giám đốc Sở Y tế.",
        "3. Mục đích",
        "Các cơ sở y tế đã khám, điều trị cho 4.870 lượt người.",
    ])
    got = {tuple(t.assignees): t.action for t in extract_tasks(doc, {})}
    assert set(got) == {("Từng khoa của bệnh viện",), ("Tổ khảo sát",), ("Các khoa",)}
    assert "tổng hợp, phân tích" in got[("Tổ khảo sát",)]    # a body's items make one task


def test_a_report_section_gives_no_work_without_an_explicit_request():
    doc = make_doc([
        "I. KẾT QUẢ THỰC HIỆN",
        "1. Công tác chỉ đạo, điều hành",
        "UBND xã ban hành kế hoạch cải cách hành chính, phân công nhiệm vụ cho từng công chức.",
        "2. Cải cách thủ tục hành chính",
        "a) Bộ phận một cửa tiếp nhận 1.284 hồ sơ.",
        "b) Tỉnh yêu cầu các sở, ban, ngành tiếp tục rà soát thủ tục hành chính nội bộ.",
        "II. ĐỀ XUẤT, KIẾN NGHỊ",
        "Đề nghị UBND huyện bố trí kinh phí nâng cấp trang thiết bị.",
    ])
    assert [t.assignees for t in extract_tasks(doc, {})] == [["các sở, ban, ngành"], ["UBND huyện"]]


def test_an_item_naming_another_body_inside_a_body_section_is_its_own_task():
    doc = make_doc([
        "VIII Tổ chức thực hiện:",
        "1. Các đơn vị:",
        "- Tổ chức tự kiểm tra, báo cáo về Sở Y tế trước ngày 16/11/2023.",
        "2. Sở Y tế:",
        "- Kiểm tra, đánh giá chất lượng bệnh viện tại các đơn vị.",
        "- Văn phòng Sở: Đảm bảo hậu cần cho Đoàn đi kiểm tra theo lịch.",
        "- Phòng Nghiệp vụ Y làm đầu mối thực hiện kiểm tra.",
        "3. Các khoa tham gia khảo sát",
        "- Khoa Dược, Khoa Nội phối hợp triển khai khảo sát đến người bệnh.",
        "- Phân công cán bộ đầu mối.",
    ])
    got = [t.assignees for t in extract_tasks(doc, {})]
    assert got == [["Các đơn vị"], ["Sở Y tế"], ["Văn phòng Sở"], ["Phòng Nghiệp vụ Y"], ["Các khoa tham gia khảo sát"]]


def test_the_running_order_of_a_meeting_is_no_task():
    doc = make_doc([
        "V. Quy trình làm việc của Đoàn",
        "Sáng:",
        "1) Thư ký Đoàn thông qua quyết định thành lập Đoàn;",
        "2) Lãnh đạo bệnh viện báo cáo sơ bộ kết quả hoạt động;",
        "3) Thảo luận thống nhất ý kiến.",
    ])
    assert extract_tasks(doc, {}) == []


def test_a_part_heading_that_lost_the_dot_of_its_roman_number():
    from extractors.tasks.paragraphs import _marker
    assert _marker("VIII Tổ chức thực hiện:")[0] == "roman"
    assert _marker("II NỘI DUNG KẾ HOẠCH")[0] == "roman"
    assert _marker("VI Tổ chức thực hiện các nội dung của kế hoạch trong năm")[0] is None


def test_a_closing_request_to_a_long_list_of_addressees_is_no_task():
    from extractors.tasks.closing import _closing_request
    assert _closing_request("Đề nghị lãnh đạo các phòng chức năng Sở; Phòng Y tế các huyện, thành phố; Thủ trưởng "
                            "các đơn vị trực thuộc; Giám đốc các cơ sở có hoạt động về dược trên địa bàn triển khai "
                            "thực hiện tốt kế hoạch này./.")
    assert not _closing_request("Đề nghị Sở Y tế báo cáo kết quả thực hiện kế hoạch này.")
    doc = make_doc([
        "1. Cục Thuế tỉnh: Chủ trì triển khai hóa đơn điện tử trên địa bàn tỉnh.",
        "2. Hiệp hội Doanh nghiệp tỉnh: Tuyên truyền, hướng dẫn các hội viên sử dụng hóa đơn điện tử.",
        "Yêu cầu Thủ trưởng các sở, ban, ngành tỉnh; Chủ tịch UBND các huyện, thị xã, thành phố khẩn trương triển "
        "khai thực hiện Chỉ thị này. Trong quá trình thực hiện, nếu có khó khăn, báo cáo UBND tỉnh để chỉ đạo./.",
    ])
    assert [t.assignees for t in extract_tasks(doc, {})] == [["Cục Thuế tỉnh"], ["Hiệp hội Doanh nghiệp tỉnh"]]


def test_a_request_to_addressees_listed_with_semicolons_is_one_task():
    doc = make_doc([
        "Sở Y tế đề nghị Giám đốc Bệnh viện đa khoa tỉnh; Giám đốc Trung tâm Y tế các huyện; Thủ trưởng các "
        "đơn vị trực thuộc rà soát nhân lực, báo cáo về Sở Y tế trước ngày 30/6/2023.",
    ])
    tasks = extract_tasks(doc, {})
    assert len(tasks) == 1 and tasks[0].deadline == "2023-06-30"
    assert tasks[0].assignees[0] == "Giám đốc Bệnh viện đa khoa tỉnh" and len(tasks[0].assignees) == 3


def test_ocr_tone_errors_in_names_take_the_documents_own_spelling_of_the_pair():
    from extractors.tasks.spelling import Spelling
    texts = ["Trưởng đoàn thẩm định phân công nhiệm vụ.", "Nội dung thẩm định gồm:", "Hồ sơ thẩm định;",
             "Các điểm thi bố trí phòng thi.", "Trưởng các điểm thi báo cáo.", "Điểm thi số 2.",
             "Số Giáo dục và Đào tạo", "Sở Giáo dục", "Sở Văn hóa, Thể thao và Du lịch", "ngành du lịch",
             "phát triển du lịch", "Các phòng của Sở,Y tế", "Sở Y tế", "Sở Y tế"]
    sp = Spelling(texts)
    assert sp.fix("Trưởng đoàn thâm định") == "Trưởng đoàn thẩm định"
    assert sp.fix("Trưởng các điểm thì") == "Trưởng các điểm thi"
    assert sp.fix("Sở Văn hóa, Thể thao và Ðu lịch") == "Sở Văn hóa, Thể thao và Du lịch"
    assert sp.fix("Các phòng của Sở, Y tế") == "Các phòng của Sở Y tế"
    assert sp.fix("Sở Giáo dục và Đào tạo") == "Sở Giáo dục và Đào tạo"     # a pair seen once is left alone


def test_chi_thi_as_a_verb_gives_the_lead_in_addressees_and_item_sentences_are_kept():
    doc = make_doc([
        "Để cải thiện môi trường đầu tư, UBND tỉnh chỉ thị các sở, ban ngành, UBND các huyện, thành phố tập trung "
        "triển khai thực hiện các nhiệm vụ trọng tâm như sau:",
        "1. Thực hiện nghiêm túc Chỉ thị số 04/CT-UBND ngày 22/02/2023 của UBND tỉnh về cải thiện môi trường kinh doanh.",
        "2. UBND các huyện, thành phố tích cực hỗ trợ Nhà đầu tư trong việc thực hiện các thủ tục liên quan đến dự án.",
        "3. Đẩy mạnh giải quyết khó khăn của Nhà đầu tư: khi có kiến nghị, yêu cầu các sở, ngành liên quan có trách "
        "nhiệm trả lời trong thời hạn quy định.",
        "a) Giao Sở Xây dựng rà soát các dự án khu dân cư.",
        "b) Giao Sở Kế hoạch và Đầu tư rà soát các dự án còn lại.",
    ])
    got = [t.assignees for t in extract_tasks(doc, {})]
    assert got == [["các sở, ban ngành", "UBND các huyện, thành phố"], ["UBND các huyện, thành phố"],
                   ["các sở, ngành liên quan"], ["Sở Xây dựng"], ["Sở Kế hoạch và Đầu tư"]]


def test_den_du_an_is_no_invitation():
    from extractors.tasks.closing import _INVITE
    assert _INVITE.search("Trân trọng kính mời đại biểu đến dự hội nghị.")
    assert not _INVITE.search("các thủ tục có liên quan đến dự án đầu tư")


def test_internal_unit_names_run_to_the_sentences_verb():
    # title-case words and nouns, an adjective, a function verb and its object (after a bare head)
    # stay in the name; a predicate verb of one syllable (`làm`) does not
    assert own_assignees("Phòng Kế hoạch tổng hợp đưa nội dung kiểm soát nhiễm khuẩn vào tiêu chí.")[0] == \
        ["Phòng Kế hoạch tổng hợp"]
    assert own_assignees("Tổ Quản lý chất lượng khảo sát sự hài lòng của người bệnh.")[0] == ["Tổ Quản lý chất lượng"]
    assert own_assignees("Hội đồng đánh giá luận án tổ chức buổi bảo vệ công khai.")[0] == ["Hội đồng đánh giá luận án"]
    assert own_assignees("NCS làm giấy đăng ký bảo vệ luận án, nộp hồ sơ về Khoa Sau đại học.")[0] == ["NCS"]
    assert own_assignees("Phòng Đào tạo chuẩn bị báo cáo kết quả.")[0] == ["Phòng Đào tạo"]
    assert own_assignees("UBND các huyện, thành phố khẩn trương rà soát.")[0] == ["UBND các huyện, thành phố"]


def test_a_contact_line_after_the_request_is_no_work():
    from extractors.tasks.closing import _is_not_task
    text = "Đề nghị Thủ trưởng đơn vị quan tâm thực hiện; nếu cần thông tin chi tiết, xin vui lòng liên hệ bác sĩ A, số điện thoại 0297.3872704./."
    assert _is_not_task(text, "quan tâm thực hiện; nếu cần thông tin chi tiết, xin vui lòng liên hệ bác sĩ A.")
    assert not _is_not_task(text, "báo cáo số liệu trước ngày 30/6/2023; mọi thông tin chi tiết xin liên hệ bác sĩ A.")


def test_ocr_tone_errors_in_a_duty_marker_and_a_list_of_nouns_before_a_comma():
    assert own_assignees("Sở Y tế đề nghị đơn vị tiên hành xét chọn và cử công chức tham gia thi tuyển.")[0] == ["đơn vị"]
    # `… cử công chức, viên chức …` is a list of nouns, not an introductory phrase before a subject
    assert own_assignees("Văn bản đồng ý cử công chức, viên chức tham gia thi tuyển gửi về Sở Y tế trước ngày 24/11/2017.")[0] == []
    assert own_assignees("Trên cơ sở đó, Bộ Tư pháp tổng hợp, hoàn thiện hồ sơ dự thảo.")[0] == ["Bộ Tư pháp"]


def test_ocr_specks_alone_on_a_line_are_no_paragraphs():
    from layout_builders import words_line

    from extractors.tasks import build_paragraphs
    lines = [words_line("Giám đốc Sở Y tế đề nghị thủ trưởng các đơn vị góp ý với các nội dung sau:", 90, 100, source="ocr"),
             words_line("à", 300, 114, source="ocr"),
             words_line("- Những vướng mắc trong quá trình thực hiện.", 90, 128, source="ocr")]
    assert [p.text[:6] for p in build_paragraphs(lines)] == ["Giám đ", "- Nhữn"]


def test_a_strong_duty_marker_ends_the_whole_subject_and_a_right_is_no_work():
    assert own_assignees("Tổ xây dựng Đề án tổ chức lại hệ thống y tế tuyến tỉnh có nhiệm vụ tham mưu cho Ban chỉ đạo.")[0] == \
        ["Tổ xây dựng Đề án tổ chức lại hệ thống y tế tuyến tỉnh"]
    assert own_assignees("Cán bộ hướng dẫn và học viên có trách nhiệm hoàn thành luận văn đúng hạn.")[0] == \
        ["Cán bộ hướng dẫn", "học viên"]
    doc = make_doc([
        "Điều 2. Tổ xây dựng Đề án tổ chức lại hệ thống y tế tuyến tỉnh có nhiệm vụ xây dựng các đề án sau:",
        "- Đề án tổ chức lại các phòng thuộc Sở Y tế;",
        "- Thực hiện một số nhiệm vụ khác do Ban chỉ đạo giao trách nhiệm.",
        "Tổ trưởng Tổ xây dựng Đề án có quyền trưng dụng công chức của ngành trong quá trình xây dựng đề án.",
    ])
    assert [t.assignees for t in extract_tasks(doc, {})] == [["Tổ xây dựng Đề án tổ chức lại hệ thống y tế tuyến tỉnh"]]


def test_a_run_of_names_with_belonging_and_apposition():
    assert own_assignees("Giám đốc Sở Y tế yêu cầu Thủ trưởng đơn vị thuộc, trực thuộc Sở Y tế triển khai ngay các việc sau:")[0] == \
        ["Thủ trưởng đơn vị thuộc, trực thuộc Sở Y tế"]
    assert own_assignees("Các đơn vị Trung tâm y tế dự phòng, Bệnh viện đa khoa tỉnh chuẩn bị sẵn sàng cơ số thuốc.")[0] == \
        ["Trung tâm y tế dự phòng", "Bệnh viện đa khoa tỉnh"]
    assert own_assignees("Sở Y tế chủ trì, Sở Tài chính phối hợp thẩm định.")[0] == ["Sở Y tế"]


def test_a_heading_listing_bodies_that_have_something_is_no_duty():
    doc = make_doc([
        "II. NỘI DUNG KIỂM TRA",
        "1. Cơ sở khám chữa bệnh, trung tâm y tế có giường bệnh.",
        "- Công tác quản lý, sử dụng thuốc tại cơ sở;",
        "2. Phương pháp",
        "Các đơn vị tự kiểm tra, báo cáo về Sở Y tế trước ngày 22/11/2023.",
    ])
    assert [t.assignees for t in extract_tasks(doc, {})] == [["Các đơn vị"]]


def test_a_list_of_office_holders_before_a_duty_marker():
    assert own_assignees("Hiệu trưởng các trường trung học phổ thông, giám đốc các trung tâm giáo dục thường Xuyên có "
                         "trách nhiệm chỉ đạo rà soát tình hình sức khỏe học sinh.")[0] == \
        ["Hiệu trưởng các trường trung học phổ thông", "giám đốc các trung tâm giáo dục thường Xuyên"]
    assert own_assignees("Thủ trưởng các đơn vị, trường học có trách nhiệm quán triệt Chỉ thị.")[0] == \
        ["Thủ trưởng các đơn vị, trường học"]


def test_university_and_hospital_units_as_subjects():
    cases = {
        "Sinh viên đăng ký học phần trước ngày 15/8/2025.": ["Sinh viên"],
        "Công đoàn ngành y tế vận động đoàn viên tham gia hiến máu.": ["Công đoàn ngành y tế"],
        "Các đơn vị trực thuộc Trường báo cáo về Phòng Kế hoạch - Tài chính trước ngày 20/6/2025.":
            ["Các đơn vị trực thuộc Trường"],
        "Phòng Công tác Sinh viên phối hợp với các khoa tổ chức đối thoại.": ["Phòng Công tác Sinh viên"],
        "Hội đồng chấm luận văn gửi kết quả về Phòng Đào tạo.": ["Hội đồng chấm luận văn"],
        "Điều dưỡng trưởng các khoa kiểm tra việc ghi hồ sơ bệnh án.": ["Điều dưỡng trưởng các khoa"],
        "Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh tuyên truyền, vận động hội viên.":
            ["Ủy ban MTTQ Việt Nam tỉnh", "các tổ chức chính trị - xã hội tỉnh"],
    }
    for text, names in cases.items():
        assert own_assignees(text)[0] == names, text


class _V:
    def __init__(self, value):
        self.value = value


def test_marker_less_duty_sentences_of_a_notice_but_not_of_a_report_or_the_issuer():
    body = [
        "Phòng Đào tạo thông báo lịch thi kết thúc học phần học kỳ II như sau:",
        "Thời gian: từ ngày 10/6/2025 đến ngày 20/6/2025.",
        "Các khoa thông báo lịch thi đến sinh viên và bố trí cán bộ coi thi.",
        "Sinh viên mang theo thẻ sinh viên khi dự thi.",
        "Phòng Đào tạo tổng hợp kết quả thi trước ngày 30/6/2025.",
    ]
    fields = {"doc_type": _V("Thông báo"), "issuer": _V("Phòng Đào tạo")}
    got = [t.assignees for t in extract_tasks(make_doc(body), fields)]
    assert got == [["Các khoa"], ["Sinh viên"]]
    report = {"doc_type": _V("Báo cáo"), "issuer": _V("Phòng Đào tạo")}
    assert extract_tasks(make_doc(body), report) == []


def test_a_name_goes_on_over_nouns_and_the_places_it_covers():
    text = ("Căn cứ vào chương trình phối hợp, Liên đoàn Lao động, Trung tâm Văn hoá, Trung tâm Thể dục thể thao "
            "các huyện, thị, thành phố ký kết để triển khai thực hiện.")
    assert own_assignees(text)[0] == ["Liên đoàn Lao động", "Trung tâm Văn hoá",
                                      "Trung tâm Thể dục thể thao các huyện, thị, thành phố"]
    assert own_assignees("Phòng Đào tạo chuẩn bị báo cáo kết quả.")[0] == ["Phòng Đào tạo"]


def test_an_unnamed_section_takes_a_body_only_from_a_duty_sentence():
    doc = make_doc([
        "1. Quá trình soạn thảo",
        "Thực hiện chỉ đạo của UBND tỉnh, Sở Giáo dục và Đào tạo đã tổ chức soạn thảo dự thảo Nghị quyết.",
        "2. Hồ sơ kèm theo",
        "Đơn vị công tác: Khoa Nội tổng hợp. Chức danh: Bác sĩ chuyên khoa cấp I.",
        "3. Phân công",
        "Các đơn vị là đầu mối tiếp nhận tư liệu khoa học và công nghệ của ngành.",
    ])
    assert [t.assignees for t in extract_tasks(doc, {})] == [["Các đơn vị"]]


def test_a_support_unit_named_after_the_council_it_serves_and_the_issuers_own_plan():
    name = own_assignees("Bộ phận giúp việc cho Hội đồng Xét công nhận Sáng kiến tổng hợp danh sách sáng kiến.")[0]
    assert name == ["Bộ phận giúp việc cho Hội đồng Xét công nhận Sáng kiến"]
    doc = make_doc([
        "Căn cứ Quyết định số 3158/QĐ-SYT ngày 05/10/2023 của Sở Y tế,",
        "Sở Y tế xây dựng kế hoạch tổ chức xét công nhận sáng kiến năm 2023, cụ thể như sau:",
        "1. Các đơn vị lập danh sách sáng kiến gửi về Sở Y tế trước ngày 13/10/2023.",
    ])
    assert [t.assignees for t in extract_tasks(doc, {})] == [["Các đơn vị"]]


def test_a_closing_glued_under_the_last_body_section_keeps_its_own_request():
    doc = make_doc([
        "c) Đề nghị Tòa án nhân dân tỉnh:",
        "Phối hợp với cơ quan Thi hành án dân sự trong việc chuyển giao bản án.",
        "Ủy ban nhân dân tỉnh yêu cầu Thủ trưởng các sở, ban, ngành; Chủ tịch Ủy ban nhân dân các huyện triển khai "
        "thực hiện nghiêm túc Chỉ thị này. Giao cho Cục Thi hành án dân sự tỉnh có trách nhiệm theo dõi, đôn đốc "
        "việc triển khai thực hiện Chỉ thị./.",
    ])
    tasks = extract_tasks(doc, {})
    assert [t.assignees for t in tasks] == [["Tòa án nhân dân tỉnh"], ["Cục Thi hành án dân sự tỉnh"]]
    assert "Chỉ thị này" not in tasks[0].action


def _tasks_of(lines, issuer="Ủy ban nhân dân tỉnh"):
    return extract_tasks(make_doc(lines), {"issuer": issuer, "date": "2023-06-12", "doc_type": "Công văn"})


def test_requests_to_several_bodies_split_at_semicolons_stay_tasks():
    tasks = _tasks_of(["Đề nghị Sở Tài chính bố trí kinh phí; Sở Nội vụ hướng dẫn thủ tục; Ủy ban nhân dân "
                       "các huyện triển khai thực hiện kế hoạch này."])
    assert [t.assignees for t in tasks][:2] == [["Sở Tài chính"], ["Sở Nội vụ"]]


def test_a_directive_cited_as_a_noun_assigns_nothing():
    assert _tasks_of(["Thực hiện chỉ thị Ban Thường vụ Tỉnh ủy về công tác phòng chống thiên tai, Ủy ban nhân "
                      "dân tỉnh thông báo như sau."]) == []


def test_then_after_a_duration_is_no_event_the_deadline_counts_from():
    tasks = _tasks_of(["Giao Sở Nội vụ hoàn thành rà soát trong vòng 10 ngày, sau đó gửi kết quả về UBND tỉnh."])
    assert [t.deadline for t in tasks] == ["2023-06-22"]


def test_bodies_under_the_issuer_are_not_the_issuer_itself():
    tasks = _tasks_of(["Các đơn vị trực thuộc Sở Y tế tổ chức tập huấn cho cán bộ y tế trước ngày 30/6/2023."],
                      issuer="Sở Y tế")
    assert [t.assignees for t in tasks] == [["Các đơn vị trực thuộc Sở Y tế"]]


def test_issuing_a_document_is_work_and_ends_the_subject():
    tasks = _tasks_of(["Sở Nội vụ ban hành văn bản hướng dẫn chuyên môn trước ngày 15/7/2023.",
                       "Các sở, ngành ban hành văn bản hướng dẫn thực hiện trước ngày 20/7/2023."])
    assert [(t.assignees, t.deadline) for t in tasks] == [(["Sở Nội vụ"], "2023-07-15"),
                                                          (["Các sở, ngành"], "2023-07-20")]
