"""Tracking as offices follow up (issue 19): the directory of units, one follow-up per body, one incoming
document across copies and versions, số đến / ngày đến / routing. SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import pytest

from pipelines.store import Store, StoreError
from pipelines.store.testing import fresh_database, make_record, pg_available
from pipelines.store.tracking import task_mode
from pipelines.store.units import is_collective, unit_key

BACKENDS = ["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not pg_available(), reason="CONGVAN_TEST_PG_URL is not set")])]
TASKS = [
    {"assignees": ["Sở Y tế", "Sở Tài chính", "UBND các huyện, thành phố"], "lead": "Sở Y tế",
     "co": ["Sở Tài chính", "UBND các huyện, thành phố"], "action": "kiểm tra an toàn thực phẩm dịp Tết",
     "deadline": "2024-06-30", "source": {"text": "Giao Sở Y tế chủ trì, phối hợp Sở Tài chính kiểm tra"}},
    {"assignees": ["Ủy ban MTTQ Việt Nam tỉnh"], "action": "phối hợp tuyên truyền",
     "source": {"text": "Đề nghị Ủy ban MTTQ Việt Nam tỉnh phối hợp tuyên truyền"}},
    {"assignees": ["Phòng Quản trị thiết bị"], "action": "rà soát thiết bị", "deadline": "2024-05-30"},
]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    with fresh_database(request.param, tmp_path, migrated=True) as url:
        s = Store(url)
        yield s
        s.close()


def test_pure_rules():
    assert unit_key("UBND các huyện, thành phố") == unit_key("Ủy ban nhân dân các huyện thành phố")
    assert unit_key("MTTQ tỉnh") == unit_key("Mặt trận Tổ quốc tỉnh")
    assert unit_key("Thủ trưởng các đơn vị") == unit_key("Các đơn vị có liên quan")
    assert is_collective("Các sở, ban, ngành") and is_collective("UBND cấp xã") and not is_collective("Sở Y tế")
    assert task_mode("Đề nghị Sở Y tế chủ trì") == "request" and task_mode("UBND tỉnh yêu cầu các sở") == "order"
    assert task_mode("Giao Sở Tài chính") == "order" and task_mode("Sở Y tế báo cáo") is None


def test_bodies_linked_to_units_and_aliases(store):
    store.save_record(make_record("a", tasks=TASKS))
    t0, t1, t2 = store.tasks()
    assert [(b["name"], b["role"], b["unit"], b["unit_kind"]) for b in t0["bodies"]] == [
        ("Sở Y tế", "lead", "Sở Y tế", "body"), ("Sở Tài chính", "co", "Sở Tài chính", "body"),
        ("UBND các huyện, thành phố", "co", "Ủy ban nhân dân các huyện, thị xã, thành phố", "collective")]
    assert t1["bodies"][0]["unit"] == "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"
    assert (t0["mode"], t1["mode"]) == ("order", "request")
    # --assignee: alias, abbreviation, no accents
    assert [t["id"] for t in store.tasks(assignee="ubnd cac huyen")] == [t0["id"]]
    assert [t["id"] for t in store.tasks(assignee="MTTQ tỉnh")] == [t1["id"]]
    assert [t["id"] for t in store.tasks(assignee="Mặt trận Tổ quốc")] == [t1["id"]]   # a part, spelled out
    assert [t["id"] for t in store.tasks(assignee="so tai chinh")] == [t0["id"]]
    # an unknown name is kept and listed once; mapping it links every body that carries it
    unknown = store.unknown_units()
    assert [u["name"] for u in unknown] == ["Phòng Quản trị thiết bị"] and unknown[0]["tasks"] == 1
    assert unknown[0]["suggestion"] is None
    store.save_record(make_record("ocr", tasks=[{"assignees": ["Sở Tài chinhh"], "action": "báo cáo quý"}]))
    assert {u["name"]: u["suggestion"] for u in store.unknown_units()}["Sở Tài chinhh"] == "Sở Tài chính"
    store.map_unit_name("Sở Tài chinhh", "Sở Tài chính")
    store.add_unit("Phòng Quản trị - Thiết bị", kind="internal", aliases=["P.QTTB"])
    store.map_unit_name("Phòng Quản trị thiết bị", "P.QTTB")
    assert store.unknown_units() == []
    assert store.task(t2["id"])["bodies"][0]["unit"] == "Phòng Quản trị - Thiết bị"


def test_collective_members_and_mergers(store, tmp_path):
    csv = tmp_path / "units.csv"
    csv.write_text("name,kind,aliases,members,email\n"
                   "\"Các sở, ban, ngành tỉnh\",collective,,Sở Y tế;Sở Tài chính,\n"
                   "Sở Y tế,body,SYT tỉnh,,syt@example.vn\n"
                   "Sở Ytế,map,Sở Y tế,,\n", encoding="utf-8")
    assert store.import_units(csv) == 3
    store.save_record(make_record("a", tasks=[{"assignees": ["Các sở, ban, ngành"], "action": "triển khai"}]))
    store.save_record(make_record("b", tasks=[{"assignees": ["Sở Ytế"], "action": "báo cáo"}]))
    [collective] = [u for u in store.units(kind="collective") if u["name"] == "Các sở, ban, ngành tỉnh"]
    assert set(collective["members"]) == {"Sở Y tế", "Sở Tài chính"}
    # a member finds the tasks of its collectives; a mapped misspelling is the unit itself
    assert {t["doc_id"] for t in store.tasks(assignee="Sở Y tế")} == {"a", "b"}
    # the 2025 mergers: a name in a document dated after the merger links to the successor
    store.save_record(make_record("c", date="2025-05-01", tasks=[{"assignees": ["Sở KH&ĐT"], "action": "x y z"}]))
    store.save_record(make_record("d", date="2024-05-01", tasks=[{"assignees": ["Sở KH&ĐT"], "action": "x y z"}]))
    units = {t["doc_id"]: t["bodies"][0]["unit"] for t in store.tasks() if t["doc_id"] in ("c", "d")}
    assert units == {"c": "Sở Tài chính", "d": "Sở Kế hoạch và Đầu tư"}
    [old] = [u for u in store.units() if u["name"] == "Sở Kế hoạch và Đầu tư"]
    assert old["valid_to"] == date(2025, 2, 28) and old["successor"] == "Sở Tài chính"
    assert {t["doc_id"] for t in store.tasks(assignee="Sở Tài chính")} >= {"c", "d"}   # predecessors too


def test_one_status_per_body_and_derived_task_status(store):
    store.save_record(make_record("a", version="0.1.0", tasks=TASKS))
    task = store.tasks()[0]
    t = store.set_task_status(task["id"], "done", body="Sở Tài chính", on="2024-06-01", by="lan")
    assert t["status"] == "open" and [b["status"] for b in t["bodies"]] == ["open", "done", "open"]
    t = store.set_task_status(task["id"], "done", body="1", on="2024-06-10", by="lan")          # by position
    t = store.set_task_status(task["id"], "done", body="ubnd cac huyen", on="2024-07-02", by="lan")
    assert t["status"] == "done" and t["done_on"] == date(2024, 7, 2) and t["state"] == "hoàn thành quá hạn"
    assert [b["state"] for b in t["bodies"]] == ["đúng hạn", "đúng hạn", "hoàn thành quá hạn"]
    with pytest.raises(StoreError):
        store.set_task_status(task["id"], "open", body="Công an tỉnh", by="lan")
    # a re-extraction keeps each body's status, adds a new body open
    changed = [dict(TASKS[0], assignees=TASKS[0]["assignees"] + ["Công an tỉnh"]), *TASKS[1:]]
    assert store.ingest_record(make_record("a", version="0.2.0", tasks=changed)) == "reextracted"
    t = store.task(task["id"])
    assert [(b["name"], b["status"]) for b in t["bodies"]] == [
        ("Sở Y tế", "done"), ("Sở Tài chính", "done"), ("UBND các huyện, thành phố", "done"), ("Công an tỉnh", "open")]
    assert t["status"] == "open"


def test_dismiss_and_add_survive_reextraction(store):
    store.save_record(make_record("a", version="0.1.0", tasks=TASKS))
    junk = store.tasks()[2]
    store.dismiss_task(junk["id"], by="lan")
    added = store.add_task("15/UBND-KT", "gửi báo cáo tổng kết", by="lan", lead="Sở Nội vụ", deadline="30/06/2024")
    assert added["manual"] and added["due_date"] == date(2024, 6, 30) and added["bodies"][0]["unit"] == "Sở Nội vụ"
    assert junk["id"] not in [t["id"] for t in store.tasks()]
    store.ingest_record(make_record("a", version="0.2.0", tasks=TASKS))
    ids = [t["id"] for t in store.tasks()]
    assert junk["id"] not in ids and added["id"] in ids and len(ids) == 3
    store.dismiss_task(junk["id"], by="lan", undo=True)
    assert junk["id"] in [t["id"] for t in store.tasks()]


def test_copies_are_one_incoming_document(store):
    doc = make_record("cv-doc", content=b"doc bytes", tasks=TASKS[:1], symbol="09/2009/CT-UBND")
    docx = make_record("cv-docx", content=b"docx bytes", tasks=TASKS[:1], symbol="9/2009/CT-UBND")
    docx.file.format, docx.file.name = "docx", "cv-docx.docx"
    other = make_record("other", tasks=TASKS[1:2], symbol="10/2009/CT-UBND")
    assert store.save_batch([doc, docx, other]) == ["new", "new", "new"]
    docs = {d["doc_id"]: d for d in store.documents()}
    assert docs["cv-doc"]["arrival_number"] == docs["cv-docx"]["arrival_number"] == 1
    assert docs["other"]["arrival_number"] == 2
    assert (docs["cv-doc"]["copy_role"], docs["cv-docx"]["copy_role"]) == ("main", "copy")
    assert len(store.tasks()) == 2                                  # the copy brings no second set of tasks
    assert len(store.documents(main_only=True)) == 2
    # a correction made on the copy goes to the incoming document
    store.correct_document("cv-docx", "subject", "chỉ thị về khoa học", by="lan")
    assert store.document("cv-doc")["subject"] == "chỉ thị về khoa học"
    # a blank number: the same text makes the same document
    a = make_record("blank1", content=b"1", symbol=None, number=None, subject="kế hoạch tập huấn phần mềm quản lý văn bản")
    b = make_record("blank2", content=b"2", symbol=None, number=None, subject="Kế hoạch tập huấn phần mềm quản lý văn bản")
    b.file.format = "docx"
    store.save_record(a), store.save_record(b)
    docs = {d["doc_id"]: d for d in store.documents()}
    assert docs["blank1"]["arrival_number"] == docs["blank2"]["arrival_number"] == 3


def test_resent_changed_file_is_a_new_version(store):
    first = make_record("v1", content=b"v1", tasks=TASKS[:2], symbol="12/UBND-VX")
    store.save_record(first)
    task = store.tasks()[0]
    store.set_task_status(task["id"], "done", body="Sở Tài chính", by="lan", on="2024-06-01")
    store.correct_document("v1", "subject", "sửa trích yếu", by="lan")
    store.set_arrival("v1", number=7, on="2024-03-06", routed_to="Phòng Khoa giáo - Văn xã", by="lan")
    changed = [dict(TASKS[0], action=TASKS[0]["action"] + " và Rằm tháng Giêng"), TASKS[1]]
    second = make_record("v2", content=b"v2 changed", tasks=changed, symbol="12/UBND-VX")
    assert store.save_record(second)
    docs = {d["doc_id"]: d for d in store.documents()}
    assert (docs["v1"]["copy_role"], docs["v2"]["copy_role"]) == ("replaced", "main")
    assert docs["v2"]["arrival_number"] == 7 and docs["v2"]["routed_to"] == ["Phòng Khoa giáo - Văn xã"]
    assert store.document("v2")["subject"] == "sửa trích yếu"                       # the correction follows
    moved = store.task(task["id"])                                                  # same task, same statuses
    assert moved["doc_id"] == "v2" and moved["action"].endswith("Rằm tháng Giêng")
    assert [b["status"] for b in moved["bodies"]] == ["open", "done", "open"]
    assert len(store.tasks()) == 2 and len(store.documents(main_only=True)) == 1


def test_arrival_numbers_per_year_and_settable(store):
    for name in ("a", "b", "c"):
        store.save_record(make_record(name))
    assert [d["arrival_number"] for d in store.documents()] == [1, 2, 3]
    with pytest.raises(StoreError):
        store.set_arrival("b", number=1, by="lan")                          # taken in that year
    d = store.set_arrival("b", number=40, on="2023-12-29", by="lan")
    assert (d["arrival_number"], d["year"], d["arrival_date"]) == (40, 2023, date(2023, 12, 29))
    store.set_arrival("c", on="2023-12-30", by="lan")                       # a new year: next number of 2023
    assert store.document("c")["arrival_number"] == 41
    assert [d["doc_id"] for d in store.documents(year=2023, month=12)] == ["b", "c"]
    store.save_record(make_record("e"))
    assert store.document("e")["arrival_number"] == 2                       # this year goes on from its last


def test_name_variants_group():
    from pipelines.store.units import group_by_acronym, same_by_acronym
    assert unit_key("Chủ tịch Hội đồng quản trị, thành viên Hội đồng quản trị, Tổng Giám đốc") == \
        unit_key("Hội đồng quản trị")                                   # officials of one body: the body
    assert unit_key("Khoa") == unit_key("Các khoa") and is_collective("đơn vị")   # a bare head word: the group
    assert unit_key("UBND các tỉnh, thành phố trực thuộc Trung ương") == unit_key("Ủy ban nhân dân các tỉnh, thành phố")
    assert unit_key("Sở Văn hóa, Thể thao và Du lịch") != unit_key("Sở Văn hóa")   # a comma inside a name stays
    assert same_by_acronym("Trung tâm QLCL", "Trung tâm Quản lý chất lượng")
    assert not same_by_acronym("Sở Tài chính", "Sở Tư pháp")
    from pipelines.store.units import _place_tail_ok
    assert _place_tail_ok("Sở Y tế tỉnh Lạng Sơn") and not _place_tail_ok("Sở Xây dựng và Kinh doanh dịch vụ Quảng Ngãi")
    assert group_by_acronym(["Trung tâm Quản lý chất lượng", "Trung tâm QLCL"])["Trung tâm QLCL"] == \
        "Trung tâm Quản lý chất lượng"


def test_collective_expanded_to_member_bodies(store):
    store.add_unit("Các sở, ban, ngành tỉnh", kind="collective", members=["Sở Y tế", "Sở Nội vụ"])
    store.save_record(make_record("a", version="0.1.0", tasks=[
        {"assignees": ["Các sở, ban, ngành", "Công an tỉnh"], "action": "rà soát thủ tục hành chính",
         "deadline": "2024-06-30"}]))
    task = store.tasks()[0]
    with pytest.raises(StoreError):                         # Công an tỉnh alone has no members
        store.expand_task(store.save_record(make_record("b", tasks=[
            {"assignees": ["Công an tỉnh"], "action": "kiểm tra"}])) and store.tasks(document="b")[0]["id"], by="lan")
    t = store.expand_task(task["id"], by="lan")
    assert [(b["name"], b["role"]) for b in t["bodies"]][:2] == [("Các sở, ban, ngành", "assignee"),
                                                                   ("Công an tỉnh", "assignee")]
    assert {(b["name"], b["role"]) for b in t["bodies"][2:]} == {("Sở Y tế", "member"), ("Sở Nội vụ", "member")}
    store.set_task_status(task["id"], "done", body="Sở Y tế", on="2024-06-01", by="lan")
    store.set_task_status(task["id"], "done", body="Công an tỉnh", on="2024-06-02", by="lan")
    t = store.task(task["id"])
    assert t["status"] == "open" and t["bodies"][0]["status"] == "open"      # the collective waits for Sở Nội vụ
    store.set_task_status(task["id"], "done", body="so noi vu", on="2024-06-20", by="lan")
    t = store.task(task["id"])
    assert t["bodies"][0]["status"] == "done" and t["status"] == "done" and t["done_on"] == date(2024, 6, 20)
    # a re-extraction keeps the members and their statuses
    store.ingest_record(make_record("a", version="0.2.0", tasks=[
        {"assignees": ["Các sở, ban, ngành", "Công an tỉnh"], "action": "rà soát thủ tục hành chính năm 2024",
         "deadline": "2024-06-30"}]))
    t = store.task(task["id"])
    assert {(b["name"], b["status"]) for b in t["bodies"][2:]} == {("Sở Y tế", "done"), ("Sở Nội vụ", "done")}
    assert [x["id"] for x in store.tasks(assignee="Sở Nội vụ")] == [task["id"]]
