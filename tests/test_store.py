"""The store on SQLite and on a real PostgreSQL (CONGVAN_TEST_PG_URL, started by scripts/test.sh)."""
from __future__ import annotations

from datetime import date

import pytest

from models.record import DocumentRecord, FileInfo
from pipelines.store import Store, StoreError, task_state
from pipelines.store.testing import fresh_database, make_record, pg_available

BACKENDS = ["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not pg_available(), reason="CONGVAN_TEST_PG_URL is not set")])]

TASKS = [
    {"assignees": ["Sở Tài chính"], "lead": "Sở Tài chính", "co": ["Sở Kế hoạch và Đầu tư"],
     "action": "chủ trì tham mưu phương án phân bổ kinh phí năm 2024", "deadline": "2024-06-30"},
    {"assignees": ["Công an tỉnh"], "lead": "Công an tỉnh", "action": "tăng cường kiểm tra, xử lý vi phạm",
     "deadline": None},
    {"assignees": ["UBND các huyện, thành phố"], "action": "báo cáo kết quả thực hiện về Sở Nội vụ",
     "deadline": "2024-04-15"},
]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    with fresh_database(request.param, tmp_path, migrated=True) as url:
        s = Store(url)
        yield s
        s.close()


# ---- the state rule ------------------------------------------------------------------------

@pytest.mark.parametrize("due,status,done_on,today,expected", [
    (None, "open", None, date(2024, 1, 1), "không thời hạn"),
    (None, "done", date(2024, 1, 1), date(2024, 1, 1), "không thời hạn"),
    (date(2024, 5, 1), "open", None, date(2024, 5, 1), "sắp đến hạn"),
    (date(2024, 5, 20), "open", None, date(2024, 5, 2), "trong hạn"),
    (date(2024, 5, 7), "open", None, date(2024, 5, 2), "sắp đến hạn"),   # 3 working days ahead (3, 6, 7 May)
    (date(2024, 5, 1), "open", None, date(2024, 5, 2), "quá hạn"),
    (date(2024, 5, 1), "done", date(2024, 5, 1), date(2024, 9, 9), "đúng hạn"),
    (date(2024, 5, 1), "done", date(2024, 5, 2), date(2024, 9, 9), "hoàn thành quá hạn"),
])
def test_task_state(due, status, done_on, today, expected):
    assert task_state(due, status, done_on, today) == expected


# ---- ingestion -----------------------------------------------------------------------------

def test_same_bytes_twice_change_nothing(store):
    rec = make_record("a", tasks=TASKS)
    assert store.ingest_record(rec) == "new"
    before = {t: store.count(t) for t in ("documents", "extractions", "tasks")}
    # same bytes under another name: still the same document
    again = make_record("a-copy", content=b"a", tasks=TASKS[:1], number="99")
    assert store.ingest_record(again) == "unchanged"
    assert store.save_record(rec) is False
    assert {t: store.count(t) for t in ("documents", "extractions", "tasks")} == before == {
        "documents": 1, "extractions": 1, "tasks": 3}
    assert store.document("a")["number"] == "15"


def test_known_hashes_by_version(store):
    rec = make_record("a", version="0.1.0")
    store.save_record(rec)
    sha = rec.file.sha256
    assert store.known_hashes([sha, "0" * 64], version="0.1.0") == {sha}
    assert store.known_hashes([sha], version="0.2.0") == set()      # needs re-extraction
    assert store.known_hashes([sha], version=None) == {sha}
    assert store.known_hashes([]) == set()


def test_new_extractor_version_keeps_history(store):
    store.save_record(make_record("a", version="0.1.0", tasks=TASKS, subject="cũ"))
    assert store.ingest_record(make_record("a", version="0.2.0", tasks=TASKS, subject="mới")) == "reextracted"
    # an older extractor never overwrites a newer extraction
    assert store.ingest_record(make_record("a", version="0.1.5", subject="lùi")) == "unchanged"
    history = store.extractions("a")
    assert [(h["extractor_version"], h["is_current"]) for h in history] == [("0.1.0", False), ("0.2.0", True)]
    assert history[0]["record"]["subject"] == "cũ"
    doc = store.document("a")
    assert (doc["subject"], doc["extractor_version"]) == ("mới", "0.2.0")
    assert store.count("documents") == 1 and store.count("tasks") == 3


def test_record_needs_hash_and_no_error(store):
    with pytest.raises(StoreError):
        store.ingest_record(DocumentRecord(id="x", file=FileInfo(path="x", name="x")))
    with pytest.raises(StoreError):
        store.ingest_record(DocumentRecord(id="x", error="bad", error_class="corrupt"))


def test_quarantine_and_runs(store):
    store.save_quarantine(DocumentRecord(id="bad", error="cannot read", error_class="corrupt",
                                         file=FileInfo(path="/in/bad.pdf", name="bad.pdf", sha256="f" * 64)))
    store.save_run({"started_at": "2024-01-01T00:00:00+00:00", "finished_at": "2024-01-01T00:01:00+00:00",
                    "counts": {"seen": 1}})
    assert store.count("quarantine") == 1 and store.count("runs") == 1


# ---- tracking ------------------------------------------------------------------------------

def test_tasks_filters_and_states(store):
    store.save_record(make_record("a", tasks=TASKS))
    store.save_record(make_record("b", tasks=TASKS[:1], symbol="20/UBND-KT"))
    today = date(2024, 5, 1)
    rows = store.tasks(today=today)
    assert len(rows) == 4
    assert {r["state"] for r in rows} == {"trong hạn", "không thời hạn", "quá hạn"}
    assert [r["assignee"] for r in store.tasks(assignee="so tai chinh", today=today)] == ["Sở Tài chính"] * 2
    assert len(store.tasks(state="quá hạn", today=today)) == 1
    assert len(store.tasks(due_before="2024-05-01")) == 1
    assert len(store.tasks(due_after="2024-05-01")) == 2
    assert len(store.tasks(document="b")) == 1
    # a task without lead is tracked under its assignees
    assert store.tasks(state="quá hạn", today=today)[0]["assignee"] == "UBND các huyện, thành phố"
    with pytest.raises(StoreError):
        store.tasks(state="xong")


def test_task_done_states(store):
    store.save_record(make_record("a", tasks=TASKS))
    first = store.tasks(document="a")[0]
    done = store.set_task_status(first["id"], "done", on="2024-06-30", by="an")
    assert (done["status"], done["done_on"], done["state"], done["status_by"]) == (
        "done", date(2024, 6, 30), "đúng hạn", "an")
    late = store.set_task_status(first["id"], "done", on="01/07/2024")
    assert late["state"] == "hoàn thành quá hạn"
    reopened = store.set_task_status(first["id"], "open")
    assert reopened["done_on"] is None and reopened["status"] == "open"
    with pytest.raises(StoreError):
        store.set_task_status(first["id"], "finished")
    with pytest.raises(StoreError):
        store.set_task_status(99999, "done")


# ---- corrections ---------------------------------------------------------------------------

def test_document_correction_shown_and_kept(store):
    store.save_record(make_record("a", number="15"))
    c = store.correct_document("a", "number", "16", by="lan")
    assert (c["value"], c["extracted_value"], c["by"]) == ("16", "15", "lan")
    store.correct_document("a", "signer.name", "Nguyễn Văn A", by="lan")
    store.correct_document("a", "recipients", "Sở Y tế; Sở Tài chính", by="lan")
    doc = store.document("a")
    assert doc["number"] == "16" and doc["record"]["number"] == "16"
    assert doc["record"]["signer"]["name"] == "Nguyễn Văn A"
    assert doc["record"]["recipients"] == ["Sở Y tế", "Sở Tài chính"]
    # a second correction of the same field supersedes the first
    store.correct_document("a", "number", "17", by="minh")
    assert store.document("a")["number"] == "17"
    assert [c["value"] for c in store.corrections() if c["field"] == "number"] == ["17"]
    assert len([c for c in store.corrections(include_superseded=True) if c["field"] == "number"]) == 2
    with pytest.raises(StoreError):
        store.correct_document("a", "nonsense", "x", by="lan")
    with pytest.raises(StoreError):
        store.correct_document("a", "date", "tháng sau", by="lan")
    with pytest.raises(StoreError):
        store.correct_document("zzz", "number", "1", by="lan")


def test_task_correction_changes_tracking(store):
    store.save_record(make_record("a", tasks=TASKS))
    t = store.tasks(document="a")[1]
    assert t["state"] == "không thời hạn"
    store.correct_task(t["id"], "deadline", "31/05/2024", by="lan")
    store.correct_task(t["id"], "assignee", "Công an tỉnh Lạng Sơn", by="lan")
    after = store.task(t["id"])
    assert after["due_date"] == date(2024, 5, 31) and after["assignee"] == "Công an tỉnh Lạng Sơn"
    # the responsible body corrected is the task's lead, in its bodies too
    assert after["corrected"] == ["assignee", "assignees", "deadline", "lead"]
    assert after["lead"] == "Công an tỉnh Lạng Sơn" and after["assignees"][0] == "Công an tỉnh Lạng Sơn"
    assert [(b["name"], b["role"]) for b in after["bodies"] if b["role"] != "co"] == [("Công an tỉnh Lạng Sơn", "lead")]
    assert after["extracted"]["deadline"] is None        # the extracted value stays beside it
    with pytest.raises(StoreError):
        store.correct_task(t["id"], "deadline", "soon", by="lan")
    with pytest.raises(StoreError):
        store.correct_task(t["id"], "action", "x", by="")


def test_correction_survives_reingest_and_reextraction(store):
    v1 = make_record("a", version="0.1.0", tasks=TASKS, number="15", date="2024-03-05")
    store.save_record(v1)
    tasks = store.tasks(document="a")
    finance, police = tasks[0], tasks[1]
    store.correct_document("a", "number", "16", by="lan")
    store.correct_document("a", "date", "2024-03-06", by="lan")
    store.correct_task(finance["id"], "deadline", "2024-07-15", by="lan")
    store.correct_task(police["id"], "lead", "Công an tỉnh Lạng Sơn", by="lan")
    store.set_task_status(police["id"], "done", on="2024-04-01")

    # re-ingest the same file: nothing changes
    assert store.ingest_record(v1) == "unchanged"
    assert store.document("a")["number"] == "16"

    # re-extraction by a newer extractor: tasks reordered, wording shifted, one task gone, one new
    new_tasks = [
        {"assignees": ["Công an tỉnh"], "lead": "Công an tỉnh",
         "action": "tăng cường kiểm tra và xử lý nghiêm vi phạm", "deadline": None},
        {"assignees": ["Sở Tài chính"], "lead": "Sở Tài chính", "co": ["Sở Kế hoạch và Đầu tư"],
         "action": "chủ trì, tham mưu phương án phân bổ kinh phí năm 2024", "deadline": "2024-06-30"},
        {"assignees": ["Sở Y tế"], "lead": "Sở Y tế", "action": "bảo đảm thuốc, vật tư y tế", "deadline": None},
    ]
    v2 = make_record("a", version="0.2.0", tasks=new_tasks, number="16", date="2024-03-07")
    assert store.ingest_record(v2) == "reextracted"

    doc = store.document("a")
    assert (doc["number"], doc["date"], doc["extractor_version"]) == ("16", "2024-03-06", "0.2.0")
    by_field = {c["field"]: c for c in store.corrections() if c["task_id"] is None}
    assert by_field["number"]["conflict"] is False                     # the extractor now agrees
    assert by_field["date"]["conflict"] is True                        # it still disagrees …
    assert by_field["date"]["latest_extracted"] == "2024-03-07"        # … and its new value is kept beside
    assert by_field["date"]["extracted_value"] == "2024-03-05"

    finance2 = store.task(finance["id"])                               # same task id, override attached
    assert finance2["active"] and finance2["position"] == 1
    assert finance2["due_date"] == date(2024, 7, 15)
    assert finance2["extracted"]["action"].startswith("chủ trì, tham mưu")
    police2 = store.task(police["id"])
    assert police2["lead"] == "Công an tỉnh Lạng Sơn" and police2["status"] == "done"
    assert police2["position"] == 0
    gone = [t for t in store.tasks(include_inactive=True) if not t["active"]]
    assert [t["assignee"] for t in gone] == ["UBND các huyện, thành phố"]
    assert len(store.tasks(document="a")) == 3                         # 2 matched + Sở Y tế
    assert store.count("tasks") == 4
    assert [c["conflict"] for c in store.corrections() if c["task_id"] == finance["id"]] == [True]
    assert [c["conflict"] for c in store.corrections() if c["task_id"] == police["id"]] == [True]

    # and once more with a third version: still attached
    v3 = make_record("a", version="0.3.0", tasks=new_tasks, number="15")
    assert store.ingest_record(v3) == "reextracted"
    assert store.document("a")["number"] == "16"
    assert store.task(finance["id"])["due_date"] == date(2024, 7, 15)
    assert len(store.extractions("a")) == 3


def test_document_lookup_by_id_stem_and_hash(store):
    rec = make_record("1113-SLDTBXH")
    store.save_record(rec)
    pk = store.documents()[0]["id"]
    for ref in (str(pk), "1113-SLDTBXH", rec.file.sha256[:12]):
        assert store.document(ref)["id"] == pk


def test_arrival_numbers(store):
    for name in ("a", "b", "c"):
        store.save_record(make_record(name))
    assert [d["arrival_number"] for d in store.documents()] == [1, 2, 3]


def test_assignee_normalised_by_gazetteer(store):
    pytest.importorskip("extractors.gazetteer")
    store.save_record(make_record("a", tasks=[
        {"assignees": ["Sở KH&ĐT"], "lead": "Sở KH&ĐT", "action": "tổng hợp", "deadline": None},
        {"assignees": ["Sở Tài chính", "Sở Nội vụ"], "action": "phối hợp", "deadline": None}]))
    first, second = store.tasks()
    assert (first["assignee"], first["assignee_id"]) == ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư")
    assert (second["assignee"], second["assignee_id"]) == ("Sở Tài chính; Sở Nội vụ", None)
    assert [t["id"] for t in store.tasks(assignee="ke hoach va dau tu")] == [first["id"]]
    store.correct_task(second["id"], "assignee", "Sở Tài chính", by="lan")   # the id follows the correction
    assert store.task(second["id"])["assignee_id"] == "Sở Tài chính"


def test_match_tasks_pure():
    from pipelines.store.tracking import match_tasks
    old = [{"assignees": ["Sở Y tế"], "action": "bảo đảm thuốc, vật tư y tế phục vụ phòng chống dịch"},
           {"assignees": ["Sở Y tế"], "action": "kiểm tra an toàn thực phẩm"},
           {"assignees": ["Công an tỉnh"], "action": "báo cáo kết quả thực hiện về Sở Nội vụ"}]
    new = [{"assignees": ["Sở Y tế"], "action": "kiểm tra an toàn thực phẩm dịp Tết Nguyên đán trên địa bàn tỉnh"},
           {"assignees": ["Sở Y tế"], "action": "tổ chức tuyên truyền cho nhân dân về phòng chống dịch bệnh"},
           {"assignees": ["UBND các huyện"], "action": "báo cáo kết quả thực hiện về Sở Nội vụ"},
           {"assignees": ["Công an tỉnh"], "action": "báo cáo kết quả thực hiện về Sở Nội vụ"}]
    # new 0 is old 1 (lengthened), new 1 is a different task of the same body, new 3 is old 2 (not new 2)
    assert match_tasks([[o] for o in old], new) == {0: 1, 3: 2}


def test_revert_correction(store):
    store.save_record(make_record("a", number="15", tasks=TASKS))
    task = store.tasks(document="a")[1]
    first = store.correct_document("a", "number", "16", by="lan")
    second = store.correct_document("a", "number", "17", by="minh")
    on_task = store.correct_task(task["id"], "deadline", "2024-05-31", by="lan")
    superseded = [c for c in store.corrections(include_superseded=True) if c["id"] == first["id"]][0]
    assert (superseded["active"], superseded["ended_by"]) == (False, "minh")
    store.revert_correction(second["id"], by="an")
    assert store.document("a")["number"] == "15"          # back to the extracted value, not to 16
    store.revert_correction(on_task["id"], by="an")
    assert store.task(task["id"])["due_date"] is None and store.task(task["id"])["corrected"] == []
    assert store.corrections() == []
    with pytest.raises(StoreError):
        store.revert_correction(second["id"], by="an")


def test_no_document_text_in_logs(store, caplog, tmp_path):
    """Privacy: logs carry ids and counts, never the document's words (even at DEBUG)."""
    from pipelines import exports

    secret = "bí mật nhà nước tuyệt đối"
    tasks = [{"assignees": ["Sở Tài chính"], "lead": "Sở Tài chính", "action": f"xử lý {secret}", "deadline": None}]
    with caplog.at_level("DEBUG"):
        store.save_record(make_record("a", version="0.1.0", subject=secret, tasks=tasks))
        store.save_record(make_record("a", version="0.2.0", subject=secret, tasks=tasks))
        store.correct_document("a", "subject", secret + " (sửa)", by="lan")
        store.correct_task(store.tasks()[0]["id"], "action", secret, by="lan")
        exports.export_tasks(store, tmp_path / "t.xlsx")
        exports.export_register(store, tmp_path / "r.xlsx")
        exports.export_json(store, tmp_path / "d.json")
    assert caplog.records
    assert not [r for r in caplog.records if "bí mật" in r.getMessage()]


def test_overlong_values_fit(store):
    """Garbage from a bad extraction never stops the store (PostgreSQL enforces column lengths)."""
    rec = make_record("a" * 300, number="1" * 80, symbol="x" * 300, doc_type="K" * 150, date="2024-01-01x")
    assert store.ingest_record(rec) == "new"
    doc = store.documents()[0]
    assert len(doc["number"]) == 50 and len(doc["symbol"]) == 200 and doc["record"]["number"] == "1" * 80
    store.correct_document(doc["id"], "subject", "y" * 5000, by="z" * 300)
    assert store.document(doc["id"])["subject"] == "y" * 5000


# ---- batches (the ingest flow stores one transaction per Prefect task batch) ---------------------

def _bad(name: str, content: bytes | None = None) -> DocumentRecord:
    import hashlib
    content = content if content is not None else name.encode()
    return DocumentRecord(id=name, error="damaged", error_class="corrupt",
                          file=FileInfo(path=f"/in/{name}.pdf", name=f"{name}.pdf",
                                        sha256=hashlib.sha256(content).hexdigest()))


def test_batch_gives_what_record_by_record_gives(store, tmp_path):
    records = [make_record(f"d{i}", tasks=TASKS[: i % 4], symbol=f"{i}/UBND-KT") for i in range(7)]
    outcomes = store.save_batch(records)
    assert outcomes == ["new"] * 7
    with fresh_database("sqlite", tmp_path / "one") as url:
        (tmp_path / "one").mkdir(exist_ok=True)
        one = Store(url)
        assert [one.ingest_record(r) for r in records] == ["new"] * 7
        strip = ("id", "document_id", "created_at", "updated_at", "bodies")
        for a, b in zip(sorted(store.tasks(), key=lambda t: (t["doc_id"], t["position"])),
                        sorted(one.tasks(), key=lambda t: (t["doc_id"], t["position"]))):
            assert {k: v for k, v in a.items() if k not in strip} == {k: v for k, v in b.items() if k not in strip}
            body = lambda t: [(x["name"], x["role"], x["unit"], x["status"]) for x in t["bodies"]]
            assert body(a) == body(b)
        for a, b in zip(sorted(store.documents(), key=lambda d: d["doc_id"]),
                        sorted(one.documents(), key=lambda d: d["doc_id"])):
            assert a["record"] == b["record"] and a["symbol"] == b["symbol"] and a["sha256"] == b["sha256"]
        one.close()
    assert {t: store.count(t) for t in ("documents", "extractions", "tasks")} == {
        "documents": 7, "extractions": 7, "tasks": sum(i % 4 for i in range(7))}
    assert store.save_batch(records[:3]) == ["unchanged"] * 3
    assert store.count("documents") == 7


def test_batch_mixes_new_unchanged_reextracted_duplicate_and_quarantined(store):
    old = make_record("old", version="0.1.0", tasks=TASKS, number="15")
    store.save_record(old)
    kept = make_record("kept")
    store.save_record(kept)
    store.correct_document("old", "number", "16", by="lan")
    finance = store.tasks(document="old")[0]
    store.correct_task(finance["id"], "deadline", "2024-07-15", by="lan")
    store.save_quarantine(_bad("fixed", b"fixed"))          # quarantined once, readable now
    store.save_quarantine(_bad("still"))                    # quarantined before, still bad

    batch = [make_record("old", version="0.2.0", tasks=TASKS, number="15"),   # newer extractor
             make_record("new", tasks=TASKS[:1]),
             make_record("new-again", content=b"new"),                        # same bytes in the batch
             make_record("kept", number="99"),                                # already stored
             _bad("still"), _bad("broken"),
             make_record("fixed", content=b"fixed")]
    outcomes = store.save_batch(batch, resolve_quarantine=True)
    assert outcomes == ["reextracted", "new", "unchanged", "unchanged", "quarantined", "quarantined", "new"]
    assert store.document("old")["number"] == "16"                       # the correction survives
    assert store.task(finance["id"])["due_date"] == date(2024, 7, 15)
    assert store.document("kept")["number"] == "15"
    assert store.count("documents") == 4 and store.count("extractions") == 5
    with store.engine.connect() as conn:
        from sqlalchemy import select

        from pipelines.store.schema import quarantine
        parked = sorted(r[0] for r in conn.execute(select(quarantine.c.file_name)))
    assert parked == ["broken.pdf", "still.pdf"]            # once per hash; "fixed" resolved
    assert store.save_batch([_bad("broken")]) == ["quarantined"] and store.count("quarantine") == 2


def test_batch_without_hash_is_refused_whole(store):
    with pytest.raises(StoreError):
        store.save_batch([make_record("a"), DocumentRecord(id="x", file=FileInfo(path="x", name="x"))])
    assert store.count("documents") == 0


def test_batch_that_loses_a_race_is_stored_record_by_record(store, monkeypatch):
    """Another writer commits one of the batch's documents between the batch's lookup and its insert:
    the insert hits the unique hash, the batch is rolled back whole and stored again one record at
    a time. (On SQLite, BEGIN IMMEDIATE makes the other writer wait instead; that is tested too.)"""
    records = [make_record(f"r{i}", tasks=TASKS[:1]) for i in range(4)]
    real = Store._stored
    raced = []

    def racing(self, conn, hashes):
        found = real(self, conn, hashes)
        if not raced:
            raced.append(1)
            other = Store(self.url)
            other.save_record(records[2])    # another process commits first
            other.close()
        return found

    if store._pg:
        monkeypatch.setattr(Store, "_stored", racing)
    else:
        store.save_record(records[2])
    assert store.save_batch(records) == ["new", "new", "unchanged", "new"]
    assert store.count("documents") == 4 and store.count("extractions") == 4 and store.count("tasks") == 4
    assert raced or not store._pg
