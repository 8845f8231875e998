"""The daily digest per unit: new / due soon / overdue, HTML and JSON, e-mail to a real SMTP server on
loopback (aiosmtpd), the Prefect flow and its schedule in prefect.yaml."""
from __future__ import annotations

import email
import json
import socket
from datetime import UTC, date, datetime, timedelta
from email import policy

import pytest
import yaml

from pipelines import digest
from pipelines.store import Store
from pipelines.store.testing import fresh_database, make_record, pg_available

TODAY = date(2024, 5, 2)          # a Thursday
TASKS = [
    {"assignees": ["Sở Y tế", "UBND các huyện"], "lead": "Sở Y tế", "co": ["Sở Tài chính"],
     "action": "giao Sở Y tế kiểm tra <an toàn> thực phẩm", "deadline": "2024-05-06"},      # 2 working days
    {"assignees": ["Công an tỉnh"], "lead": "Công an tỉnh", "action": "báo cáo tình hình", "deadline": "2024-04-20"},
    {"assignees": ["Sở Tài chính"], "lead": "Sở Tài chính", "action": "tham mưu kinh phí", "deadline": "2024-09-30"},
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not pg_available(), reason="CONGVAN_TEST_PG_URL is not set")])])
def url(request, tmp_path):
    with fresh_database(request.param, tmp_path, migrated=True) as u:
        with Store(u) as store:
            store.save_record(make_record("a", tasks=TASKS))
            store.add_unit("Sở Y tế", email="syt@example.vn")
        yield u


def test_digest_per_unit(url):
    with Store(url) as store:
        d = digest.build_digest(store, today=TODAY, soon_days=3)
        units = d["units"]
        assert set(units) == {"Sở Y tế", "Sở Tài chính", "Ủy ban nhân dân các huyện, thị xã, thành phố", "Công an tỉnh"}
        assert [i["task"] for i in units["Sở Y tế"]["due_soon"]] == [store.tasks()[0]["id"]]
        assert units["Sở Y tế"]["email"] == "syt@example.vn" and units["Sở Y tế"]["due_soon"][0]["role"] == "chủ trì"
        assert units["Sở Tài chính"]["due_soon"][0]["role"] == "phối hợp"     # the co-ordinating body is told too
        assert len(units["Công an tỉnh"]["overdue"]) == 1 and not units["Công an tỉnh"]["due_soon"]
        assert all(len(u["new"]) >= 1 for u in units.values())               # stored just now
        # a body that reported done drops out of its digest; the others keep the task
        store.set_task_status(store.tasks()[0]["id"], "done", body="Sở Tài chính", by="lan", on="2024-05-02")
        d = digest.build_digest(store, today=TODAY, soon_days=3, since=datetime.now(UTC) + timedelta(1))
        assert not d["units"].get("Sở Tài chính", {}).get("due_soon") and d["units"]["Sở Y tế"]["due_soon"]
        assert not any(u["new"] for u in d["units"].values())
        # `sắp đến hạn` follows the configured number of working days
        assert not digest.build_digest(store, today=TODAY, soon_days=1)["units"]["Sở Y tế"]["due_soon"]


def test_digest_files_and_smtp(url, tmp_path, monkeypatch):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("CONGVAN_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CONGVAN_SMTP_PORT", str(port))
        monkeypatch.setenv("CONGVAN_SMTP_FROM", "congvan@office.vn")
        monkeypatch.setenv("CONGVAN_DIGEST_TO", "vanthu@office.vn")
        result = digest.write_digests(url, tmp_path / "out", today=TODAY, soon_days=3, send=True)
    finally:
        controller.stop()
    data = json.loads((tmp_path / "out" / "digest-2024-05-02.json").read_text(encoding="utf-8"))
    assert data["date"] == "2024-05-02" and "Sở Y tế" in data["units"]
    page = (tmp_path / "out" / "digest-2024-05-02.html").read_text(encoding="utf-8")
    assert "Sắp đến hạn" in page and "&lt;an toàn&gt;" in page and "<an toàn>" not in page   # escaped
    assert result["sent"] == 2 and len(received) == 2
    to = sorted(m["To"] for m in received)
    assert to == ["syt@example.vn", "vanthu@office.vn"]
    unit_mail = next(m for m in received if m["To"] == "syt@example.vn")
    parsed = email.message_from_bytes(unit_mail.as_bytes(), policy=policy.default)
    assert "Sở Y tế" in parsed["Subject"]
    html_part = parsed.get_body(("html",)).get_content()
    assert "Sở Y tế" in html_part and "Công an tỉnh" not in html_part          # only its own tasks


def test_no_smtp_writes_files_only(url, tmp_path, monkeypatch):
    monkeypatch.delenv("CONGVAN_SMTP_HOST", raising=False)
    result = digest.write_digests(url, tmp_path, today=TODAY, send=True)
    assert result["sent"] is None and (tmp_path / "digest-2024-05-02.html").exists()


def test_prefect_yaml_schedules_the_digest_in_the_morning():
    with open("prefect.yaml", encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    [dep] = [d for d in spec["deployments"] if d["name"] == "daily-digest"]
    assert dep["entrypoint"] == "pipelines/digest.py:daily_digest"
    [schedule] = dep["schedules"]
    hour = schedule["cron"].split()[1]
    assert schedule["timezone"] == "Asia/Ho_Chi_Minh" and 5 <= int(hour) <= 9
    assert set(dep["parameters"]) <= set(digest.daily_digest.parameters.properties)
    from prefect.flows import safe_load_flow_from_entrypoint
    assert safe_load_flow_from_entrypoint(dep["entrypoint"]).name == "daily-digest"   # what `prefect deploy` loads


@pytest.mark.slow
def test_digest_flow_runs(tmp_path, monkeypatch):
    from flowkit import prefect_test_server

    prefect_test_server()
    monkeypatch.delenv("CONGVAN_SMTP_HOST", raising=False)
    with fresh_database("sqlite", tmp_path) as u:
        with Store(u) as store:
            store.save_record(make_record("a", tasks=TASKS))
        result = digest.daily_digest(db_url=u, db_secret_block=None, outputs_dir=str(tmp_path / "d"))
    assert result["units"] >= 3 and (tmp_path / "d").is_dir()


def test_new_covers_the_days_since_the_previous_working_day():
    assert digest.previous_working_day(date(2024, 5, 6)) == date(2024, 5, 3)     # Monday → Friday
    assert digest.previous_working_day(date(2024, 5, 2)) == date(2024, 4, 29)    # over 30/4 and 1/5


def test_members_of_a_collective_get_its_tasks(url):
    with Store(url) as store:
        store.add_unit("Ủy ban nhân dân các huyện, thị xã, thành phố", kind="collective",
                       members=["UBND huyện Ba Tơ", "UBND huyện Sơn Hà"])
        units = digest.build_digest(store, today=TODAY, soon_days=3)["units"]
        for member in ("Ủy ban nhân dân huyện Ba Tơ", "Ủy ban nhân dân huyện Sơn Hà"):
            [item] = units[member]["due_soon"]
            assert item["role"] == "thực hiện (Ủy ban nhân dân các huyện, thị xã, thành phố)"
