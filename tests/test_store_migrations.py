"""Alembic: a database of the previous revision (0001, the skeleton's schema) upgrades in place."""
from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, Table, inspect, text

from models.record import FieldProvenance
from pipelines.store import Store
from pipelines.store.migrate import HEAD, current_revision, downgrade, head_revision, upgrade
from pipelines.store.schema import metadata
from pipelines.store.store import make_engine
from pipelines.store.testing import fresh_database, make_record, pg_available

BACKENDS = ["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not pg_available(), reason="CONGVAN_TEST_PG_URL is not set")])]
SHA = hashlib.sha256(b"old").hexdigest()


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    with fresh_database(request.param, tmp_path) as u:
        yield u


def _fill_revision_0001(engine) -> None:
    """Rows as the skeleton's store wrote them."""
    meta = MetaData()
    documents = Table("documents", meta, autoload_with=engine)
    tasks = Table("tasks", meta, autoload_with=engine)
    record = make_record("old", content=b"old", version="0.1.0", number="7", code="UBND-VX",
                         tasks=[{"assignees": ["Sở Y tế"], "lead": "Sở Y tế", "action": "kiểm tra an toàn thực phẩm",
                                 "deadline": "2024-02-29"}]).contract()
    with engine.begin() as conn:
        pk = conn.execute(documents.insert().values(
            sha256=SHA, doc_id="old", file_name="old.pdf", doc_type="Công văn", symbol="7/UBND-VX",
            date="2024-01-10", issuer="UBND", subject="s", extractor_version="0.1.0", record=record,
            ingested_at=datetime(2024, 1, 11, tzinfo=UTC))).inserted_primary_key[0]
        conn.execute(tasks.insert().values(
            document_id=pk, position=0, assignees=["Sở Y tế"], lead="Sở Y tế", co=[],
            action="kiểm tra an toàn thực phẩm", deadline="2024-02-29", status="done", done_date="2024-02-20"))
        conn.execute(tasks.insert().values(
            document_id=pk, position=1, assignees=["Các huyện"], lead=None, co=[], action="báo cáo",
            deadline="không rõ", status="open", done_date=None))


def _check_upgraded(url: str) -> None:
    store = Store(url)
    try:
        assert current_revision(store.engine) == head_revision() == HEAD
        doc = store.document("old")
        assert (doc["number"], doc["code"], doc["symbol"]) == ("7", "UBND-VX", "7/UBND-VX")
        history = store.extractions("old")
        assert [(h["extractor_version"], h["is_current"]) for h in history] == [("0.1.0", True)]
        tasks = store.tasks(document="old", today=date(2024, 3, 1))
        assert [(t["due_date"], t["status"], t["done_on"], t["state"]) for t in tasks] == [
            (date(2024, 2, 29), "done", date(2024, 2, 20), "đúng hạn"),
            (None, "open", None, "không thời hạn")]
        assert tasks[1]["assignee"] == "Các huyện" and tasks[0]["extracted"]["deadline"] == "2024-02-29"
        # the old rows behave like new ones: same bytes → unchanged, newer extractor → re-extracted in place
        assert store.ingest_record(make_record("old", content=b"old", version="0.1.0")) == "unchanged"
        newer = make_record("old", content=b"old", version="9.0.0", tasks=[
            {"assignees": ["Sở Y tế"], "lead": "Sở Y tế", "action": "kiểm tra an toàn thực phẩm dịp Tết",
             "deadline": "2024-02-29"}])
        assert store.ingest_record(newer) == "reextracted"
        kept = store.tasks(document="old")[0]
        assert kept["id"] == tasks[0]["id"] and kept["status"] == "done"
        assert store.count("documents") == 1
    finally:
        store.close()


def test_upgrade_from_previous_revision(url):
    engine = make_engine(url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    _fill_revision_0001(engine)
    engine.dispose()
    _check_upgraded(url)


def test_upgrade_skeleton_database_without_alembic(url):
    """A database made by the skeleton's `create_all` has no alembic_version: stamped 0001, then upgraded."""
    engine = make_engine(url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    _fill_revision_0001(engine)
    assert "alembic_version" not in inspect(engine).get_table_names()
    engine.dispose()
    _check_upgraded(url)


def test_head_matches_schema_and_downgrades(url):
    store = Store(url)
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []
    store.save_record(make_record("x", tasks=[{"assignees": ["A"], "action": "b", "deadline": "2024-01-02"}]))
    downgrade(store.engine, "0001")
    assert current_revision(store.engine) == "0001"
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT deadline FROM tasks")).scalar() == "2024-01-02"
    upgrade(store.engine)
    assert store.tasks()[0]["due_date"] == date(2024, 1, 2)
    store.close()


def test_opening_twice_is_harmless(url):
    Store(url).close()
    store = Store(url)
    assert current_revision(store.engine) == HEAD
    store.close()


def _fill_revision_0003(engine, copies: bool = False) -> dict:
    """A store as revision 0003 wrote it: two documents, tasks with a status, corrections."""
    meta = MetaData()
    documents, tasks, extractions, corrections = (Table(n, meta, autoload_with=engine)
                                                  for n in ("documents", "tasks", "extractions", "corrections"))
    at = datetime(2024, 3, 6, tzinfo=UTC)
    task_a = {"assignees": ["UBND các huyện, thành phố", "Sở Y tế"], "lead": "Sở Y tế", "co": ["Sở Tài chính"],
              "action": "Đề nghị kiểm tra an toàn thực phẩm", "deadline": "2024-04-01",
              "source": {"text": "Đề nghị Sở Y tế chủ trì kiểm tra an toàn thực phẩm"}}
    ids = {}
    with engine.begin() as conn:
        for n, name in enumerate(("a", "b"), start=1):
            record = make_record(name, content=name.encode(), version="0.2.0", number=str(n),
                                 tasks=[task_a] if name == "a" or copies else [],
                                 **({"symbol": "1/UBND-KT"} if copies else {})).contract()
            pk = conn.execute(documents.insert().values(
                sha256=hashlib.sha256(name.encode()).hexdigest(), doc_id=name, file_name=f"{name}.pdf",
                symbol=record["symbol"], number=str(n), date="2024-03-05", issuer=record["issuer"],
                extractor_version="0.2.0", record=record, ingested_at=at, updated_at=at)).inserted_primary_key[0]
            conn.execute(extractions.insert().values(document_id=pk, extractor_version="0.2.0", record=record,
                                                     extracted_at=at, is_current=True))
            ids[name] = pk
        tid = conn.execute(tasks.insert().values(
            document_id=ids["a"], position=0, assignees=task_a["assignees"], lead="Sở Y tế", co=["Sở Tài chính"],
            action=task_a["action"], status="done", assignee="Sở Y tế", due_date=date(2024, 4, 1),
            done_on=date(2024, 3, 20), extracted=task_a, active=True, status_by="lan")).inserted_primary_key[0]
        conn.execute(corrections.insert().values(
            document_id=ids["a"], field="number", value="16", extracted_value="1", latest_extracted="1",
            conflict=False, active=True, by="lan", at=at))
        conn.execute(corrections.insert().values(
            document_id=ids["a"], task_id=tid, field="deadline", value="2024-04-01", extracted_value="2024-04-01",
            latest_extracted="2024-04-01", conflict=False, active=True, by="lan", at=at))
        if copies:
            conn.execute(tasks.insert().values(
                document_id=ids["b"], position=0, assignees=task_a["assignees"], lead="Sở Y tế", co=["Sở Tài chính"],
                action=task_a["action"], status="open", assignee="Sở Y tế", due_date=date(2024, 4, 1),
                extracted=task_a, active=True))
    ids["task"] = tid
    return ids


def test_upgrade_from_revision_0003_keeps_statuses_and_corrections(url):
    """A store of the previous schema: its task statuses become per-body statuses, corrections and
    số đến stay, bodies are linked to the directory of units seeded on opening."""
    engine = make_engine(url)
    upgrade(engine, "0003")
    ids = _fill_revision_0003(engine)
    engine.dispose()
    store = Store(url)
    try:
        assert current_revision(store.engine) == HEAD
        assert [(c["field"], c["value"], c["by"]) for c in store.corrections()] == [
            ("number", "16", "lan"), ("deadline", "2024-04-01", "lan")]
        assert [d["arrival_number"] for d in store.documents()] == [1, 2]
        task = store.task(ids["task"])
        assert task["status"] == "done" and task["done_on"] == date(2024, 3, 20) and task["mode"] == "request"
        assert [(b["name"], b["role"], b["status"]) for b in task["bodies"]] == [
            ("Sở Y tế", "lead", "done"), ("Sở Tài chính", "co", "done"), ("UBND các huyện, thành phố", "assignee", "done")]
        assert [b["unit_kind"] for b in task["bodies"]] == ["body", "body", "collective"]
        store.set_task_status(ids["task"], "open", body="Sở Tài chính", by="minh")
        assert store.task(ids["task"])["status"] == "open"
    finally:
        store.close()


def test_upgrade_from_revision_0002(url):
    """Corrections made at revision 0002 keep working after 0003 (who/when a correction ended)."""
    engine = make_engine(url)
    upgrade(engine, "0002")
    meta = MetaData()
    documents, corrections, extractions = (Table(n, meta, autoload_with=engine)
                                           for n in ("documents", "corrections", "extractions"))
    assert "ended_by" not in corrections.c
    record = make_record("a", number="15").contract()
    with engine.begin() as conn:
        pk = conn.execute(documents.insert().values(
            sha256=SHA, doc_id="a", file_name="a.pdf", symbol=record["symbol"], number="15", date="2024-03-05",
            extractor_version="0.2.0", record=record, ingested_at=datetime(2024, 1, 1, tzinfo=UTC))
        ).inserted_primary_key[0]
        conn.execute(extractions.insert().values(
            document_id=pk, extractor_version="0.2.0", record=record,
            extracted_at=datetime(2024, 1, 1, tzinfo=UTC), is_current=True))
        conn.execute(corrections.insert().values(
            document_id=pk, field="number", value="16", extracted_value="15", latest_extracted="15",
            conflict=False, active=True, by="lan", at=datetime(2024, 1, 1, tzinfo=UTC)))
    engine.dispose()
    store = Store(url)
    assert current_revision(store.engine) == HEAD
    [c] = store.corrections()
    assert (c["value"], c["by"], c["ended_by"]) == ("16", "lan", None)
    store.revert_correction(c["id"], by="minh")
    assert store.document("a")["number"] == "15"
    store.close()


def test_upgraded_store_regroups_its_copies(url):
    """Copies stored apart by the previous schema become one incoming document on `regroup`: the status a
    body reported on the copy goes to the incoming document's task, the copy's tasks are retired."""
    engine = make_engine(url)
    upgrade(engine, "0003")
    ids = _fill_revision_0003(engine, copies=True)
    engine.dispose()
    store = Store(url)
    try:
        assert len(store.documents(main_only=True)) == 2 and len(store.tasks()) == 2
        copy_task = [t for t in store.tasks() if t["doc_id"] == "b"][0]
        store.set_task_status(copy_task["id"], "open", by="lan")
        store.set_task_status(copy_task["id"], "done", body="Sở Tài chính", on="2024-03-25", by="lan")
        store.set_task_status(ids["task"], "open", by="lan")
        assert store.regroup(by="lan") == 1
        docs = {d["doc_id"]: d for d in store.documents()}
        assert (docs["a"]["copy_role"], docs["b"]["copy_role"]) == ("main", "copy")
        assert docs["a"]["arrival_number"] == docs["b"]["arrival_number"] == 1
        [task] = store.tasks()
        assert task["id"] == ids["task"]
        assert [(b["name"], b["status"]) for b in task["bodies"]][:2] == [("Sở Y tế", "open"), ("Sở Tài chính", "done")]
        assert store.regroup(by="lan") == 0                                # once is enough
        # a copy arriving now joins the same incoming document
        late = make_record("c", content=b"c", symbol="1/UBND-KT", number="1")
        late.file.format, late.file.name = "docx", "c.docx"
        store.save_record(late)
        assert store.document("c")["arrival_number"] == 1 and store.document("c")["copy_role"] == "copy"
    finally:
        store.close()


def test_0006_fills_search_and_open_review_flags(url):
    """Documents stored before 0006 get their folded search text and open review flags (a corrected
    field's flag answered) from the migration."""
    from pipelines.store.fields import search_text
    store = Store(url)
    record = make_record("r", subject="Tăng cường phòng, chống thiên tai")
    record.provenance = {"subject": FieldProvenance(confidence=0.5, needs_review=True),
                         "number": FieldProvenance(confidence=0.5, needs_review=True)}
    store.save_record(record)
    pk = store.document("r")["id"]
    store.correct_document(pk, "number", "16", by="lan")
    downgrade(store.engine, "0005")
    upgrade(store.engine)
    with store.engine.connect() as conn:
        search, review = conn.execute(text("SELECT search, review FROM documents WHERE id = :i"), {"i": pk}).one()
    assert "tang cuong phong chong thien tai" in search and search == search_text(store.document(pk)["record"])
    assert review == "subject"
    store.close()
