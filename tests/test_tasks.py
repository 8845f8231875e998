"""Task extraction on generated documents: sections headed by bodies, giao/đề nghị sentences,
lead-in addressees, schedule tables, wrapped PDF lines, and the negative cases."""
from layout_builders import task_doc as make_doc

from extractors.tasks import build_paragraphs, extract_tasks
from models.layout import Document, Line, Page


def by_assignee(tasks):
    return {tuple(t.assignees): t for t in tasks}


def test_sections_headed_by_bodies():
    doc = make_doc([
        "Để tăng cường phòng, chống xâm hại trẻ em, Chủ tịch UBND tỉnh có ý kiến như sau:",
        "1. Các sở, ban, ngành và UBND các huyện, thành phố khẩn trương đề ra các giải pháp phòng, chống xâm hại trẻ em.",
        "2. Sở Lao động - Thương binh và Xã hội",
        "Tăng cường công tác quản lý nhà nước về trẻ em; báo cáo UBND tỉnh trước ngày 30/6/2023.",
        "3. Đề nghị Tòa án nhân dân tỉnh, Viện Kiểm sát nhân dân tỉnh",
        "Chỉ đạo cấp huyện giải quyết kịp thời các vụ việc xâm hại trẻ em.",
        "Chủ tịch Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện./.",
    ])
    tasks = extract_tasks(doc, {})
    got = by_assignee(tasks)
    assert set(got) == {("Các sở, ban, ngành", "UBND các huyện, thành phố"),
                        ("Sở Lao động - Thương binh và Xã hội",),
                        ("Tòa án nhân dân tỉnh", "Viện Kiểm sát nhân dân tỉnh")}
    t = got[("Sở Lao động - Thương binh và Xã hội",)]
    assert t.lead == "Sở Lao động - Thương binh và Xã hội"
    assert t.deadline == "2023-06-30"
    assert t.action.startswith("Tăng cường công tác")
    assert t.source.page == 1 and "Sở Lao động" in t.source.text
    assert got[("Tòa án nhân dân tỉnh", "Viện Kiểm sát nhân dân tỉnh")].lead is None


def test_giao_sentence_with_lead_co_and_list_expansion():
    doc = make_doc([
        "1. Giao Sở Nội vụ chủ trì, phối hợp với các Sở: Tài chính, Kế hoạch và Đầu tư và các cơ quan liên quan "
        "rà soát bộ máy; hoàn thành trước ngày 20/7/2023.",
        "2. Giao các Sở: Tài chính, Kế hoạch và Đầu tư rà soát kinh phí thực hiện.",
    ])
    tasks = extract_tasks(doc, {})
    assert len(tasks) == 2
    t = tasks[0]
    assert t.assignees == ["Sở Nội vụ"] and t.lead == "Sở Nội vụ"
    assert "Sở Tài chính" in t.co and "Sở Kế hoạch và Đầu tư" in t.co
    assert t.deadline == "2023-07-20"
    assert not t.action.startswith("Giao")
    assert tasks[1].assignees_normalized == ["Sở Tài chính", "Sở Kế hoạch và Đầu tư"]


def test_lead_in_addressees_carry_to_items_without_their_own():
    doc = make_doc([
        "Ủy ban nhân dân tỉnh yêu cầu lãnh đạo các sở, ban, ngành, Chủ tịch Ủy ban nhân dân các huyện, thị xã "
        "tập trung thực hiện tốt các nội dung sau đây:",
        "1. Tăng cường biên chế chuyên trách quản lý khoa học và công nghệ cho các phòng kinh tế.",
        "2. Phân công tổ chức thực hiện:",
        "a) Sở Nội vụ: rà soát, kiện toàn cơ cấu tổ chức.",
        "b) Sở Tài chính: bố trí kinh phí hằng năm.",
        "Giao Sở Khoa học và Công nghệ theo dõi, đôn đốc và định kỳ sáu tháng báo cáo Ủy ban nhân dân tỉnh.",
    ])
    tasks = extract_tasks(doc, {})
    got = by_assignee(tasks)
    assert ("lãnh đạo các sở, ban, ngành", "Chủ tịch Ủy ban nhân dân các huyện, thị xã") in got
    assert ("Sở Nội vụ",) in got and ("Sở Tài chính",) in got
    last = got[("Sở Khoa học và Công nghệ",)]
    assert last.recurrence == "half-yearly" and last.deadline is None
    assert len(tasks) == 4


def test_request_in_a_to_trinh_is_a_task_of_that_body():
    doc = make_doc(["Sở Tài chính kính trình UBND tỉnh dự thảo Quyết định.",
                    "Kính đề nghị UBND tỉnh xem xét, phê duyệt./."])
    tasks = extract_tasks(doc, {})
    assert [t.assignees for t in tasks] == [["UBND tỉnh"]]
    assert tasks[0].action.startswith("xem xét")


def test_schedule_table_rows():
    doc = make_doc([
        "III. KẾ HOẠCH CỤ THỂ",
        ("STT", (1, 0, 0)), ("Ngày", (1, 0, 1)), ("Công việc", (1, 0, 2)),
        ("1", (1, 1, 0)), ("24/03/2014", (1, 1, 1)), ("P.ĐTĐH gửi danh sách sinh viên về Khoa.", (1, 1, 2)),
        ("2", (1, 2, 0)), ("31/03/2014 – 04/04/2014", (1, 2, 1)), ("Khoa nhận hồ sơ xét tốt nghiệp.", (1, 2, 2)),
    ])
    tasks = extract_tasks(doc, {})
    assert [(t.assignees, t.deadline) for t in tasks] == [(["P.ĐTĐH"], "2014-03-24"), (["Khoa"], "2014-04-04")]


def test_negative_cases_execution_article_invitation_closing():
    doc = make_doc([
        "QUYẾT ĐỊNH:",
        "Điều 1. Ban hành kèm theo Quyết định này Quy định về quản lý đề tài khoa học.",
        "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.",
        "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc Sở Khoa học và Công nghệ và Thủ trưởng các cơ quan liên quan "
        "chịu trách nhiệm thi hành Quyết định này./.",
    ])
    assert extract_tasks(doc, {}) == []
    doc = make_doc(["Sở Y tế tổ chức hội nghị tổng kết công tác năm 2023.",
                    "Kính mời lãnh đạo các đơn vị đến dự hội nghị vào lúc 8 giờ ngày 20/12/2023.",
                    "Đề nghị các cơ quan, đơn vị nghiêm túc triển khai thực hiện./."])
    assert extract_tasks(doc, {}) == []


def test_wrapped_pdf_lines_become_paragraphs():
    rows = [
        (134, 538, "1. Giao Sở Tài chính chủ trì, phối hợp với Sở"),
        (99, 538, "Kế hoạch và Đầu tư rà soát, đề xuất UBND tỉnh hướng giải quyết. Hoàn"),
        (99, 300, "thành trước ngày 20/02/2025."),
        (134, 538, "2. Giao Sở Nội vụ tiếp thu ý kiến tại cuộc họp, rà soát thành viên"),
        (99, 250, "Ban Chỉ đạo cổ phần hóa."),
    ]
    lines = [Line(text=t, page=1, x0=x0, top=100 + 16 * i, x1=x1, bottom=110 + 16 * i, source="text")
             for i, (x0, x1, t) in enumerate(rows)]
    paras = build_paragraphs(lines)
    assert len(paras) == 2 and paras[0].kind == "arabic"
    assert "Sở Kế hoạch và Đầu tư" in paras[0].text and paras[0].text.endswith("20/02/2025.")
    header = [Line(text=t, page=1, x0=0, top=i, x1=500, bottom=i + 5, source="text")
              for i, t in enumerate(["Quảng Ngãi, ngày 08 tháng 01 năm 2025", "THÔNG BÁO", "Kết luận của Phó Chủ tịch"])]
    doc = Document(path="x.pdf", format="pdf", pages=[Page(number=1, width=600, height=850, lines=header + lines)])
    tasks = extract_tasks(doc, {})
    assert [t.assignees for t in tasks] == [["Sở Tài chính"], ["Sở Nội vụ"]]
    assert tasks[0].deadline == "2025-02-20" and "Sở Kế hoạch và Đầu tư" in tasks[0].co


def test_lead_in_request_with_plain_items_is_one_task():
    doc = make_doc([
        "Thực hiện Công văn số 1141/MT-YT ngày 24/10/2017 của Cục Quản lý Môi trường y tế, Giám đốc Sở Y tế "
        "yêu cầu thủ trưởng các cơ sở y tế chỉ đạo thực hiện những nội dung như sau:",
        "1. Thực hiện nghiêm các quy định của pháp luật về quản lý chất thải y tế.",
        "2. Tăng cường đào tạo, tập huấn về quản lý chất thải y tế tại đơn vị.",
    ])
    tasks = extract_tasks(doc, {})
    assert len(tasks) == 1
    assert tasks[0].assignees == ["thủ trưởng các cơ sở y tế"]
    assert "quản lý chất thải" in tasks[0].action and "Tăng cường đào tạo" in tasks[0].action


def test_information_sections_are_not_tasks_but_their_notes_can_be():
    doc = make_doc([
        "1. Thành phần",
        "- Lãnh đạo Ban Dân tộc tỉnh (giao Ban Dân tộc tỉnh thông báo);",
        "2. Thời gian: 8 giờ 00 ngày 09/11/2024.",
        "3. Địa điểm:",
        "- Hội trường Sở Y tế.",
        "- Một số lưu ý:",
        "+ Ban cán sự lớp chủ động liên hệ với giáo viên phụ trách để tổ chức lớp học theo kế hoạch.",
    ])
    tasks = extract_tasks(doc, {})
    assert [t.assignees for t in tasks] == [["Ban cán sự lớp"]]


def test_kinh_trinh_request_and_ocr_tone_errors():
    doc = make_doc([
        "Để bảo đảm cơ cấu tổ chức của UBND tỉnh, Chủ tịch UBND tỉnh kính trình HĐND tỉnh miễn nhiệm chức danh "
        "Ủy viên UBND tỉnh đối với ông Nguyễn Văn B tại kỳ họp chuyên đề.",
        "Kính trình HĐND tỉnh xem xét, quyết định./.",
    ])
    tasks = extract_tasks(doc, {})
    assert [t.assignees for t in tasks] == [["HĐND tỉnh"]]
    assert tasks[0].action.startswith("miễn nhiệm")
    # OCR lost the tone marks of the cue words: `yêu câu`, `khăn trương`
    doc = make_doc(["Sở Giáo dục và Đào tạo yêu câu thủ trưởng các đơn vị khăn trương thực hiện những nội dung sau:",
                    "1. Rà soát cơ sở vật chất phục vụ kỳ thi.",
                    "2. Báo cáo kết quả về Sở trước ngày 29/7/2020."])
    tasks = extract_tasks(doc, {})
    assert len(tasks) == 1 and tasks[0].assignees == ["thủ trưởng các đơn vị"]
    assert tasks[0].deadline == "2020-07-29"
