"""The store commands of `congvan`, run through the real command-line parser."""
from __future__ import annotations

import json
import subprocess
import sys

import openpyxl
import pyarrow.parquet as pq
import pytest

from pipelines.cli import main
from pipelines.store import Store
from pipelines.store.testing import fresh_database, make_record, pg_available

TASKS = [
    {"assignees": ["Sở Tài chính"], "lead": "Sở Tài chính", "action": "tham mưu phân bổ kinh phí",
     "deadline": "2024-06-30"},
    {"assignees": ["Công an tỉnh"], "lead": "Công an tỉnh", "action": "kiểm tra", "deadline": "2024-04-15"},
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not pg_available(), reason="CONGVAN_TEST_PG_URL is not set")])])
def db(request, tmp_path):
    with fresh_database(request.param, tmp_path, migrated=True) as url:
        jsonl = tmp_path / "records.jsonl"
        records = [make_record("a", tasks=TASKS), make_record("b", tasks=TASKS[:1], symbol="20/UBND-KT")]
        jsonl.write_text("".join(json.dumps(r.contract(), ensure_ascii=False) + "\n" for r in records),
                         encoding="utf-8")
        assert main(["load", str(jsonl), "--db", url]) == 0
        assert main(["load", str(jsonl), "--db", url]) == 0      # loading again changes nothing
        yield url


def test_tasks_table_and_filters(db, capsys):
    capsys.readouterr()
    assert main(["tasks", "--db", db, "--today", "2024-05-01"]) == 0
    out = capsys.readouterr().out
    assert "3 nhiệm vụ" in out and "Sở Tài chính" in out and "quá hạn" in out
    assert main(["tasks", "--db", db, "--today", "2024-05-01", "--state", "quá hạn"]) == 0
    out = capsys.readouterr().out
    assert "1 nhiệm vụ" in out and "Công an tỉnh" in out
    assert main(["tasks", "--db", db, "--assignee", "so tai chinh", "--document", "b", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["assignee"] for line in lines] == ["Sở Tài chính"]
    assert main(["tasks", "--db", db, "--due-before", "30/06/2024", "--due-after", "2024-05-01"]) == 0
    assert "2 nhiệm vụ" in capsys.readouterr().out


def test_done_correct_and_conflicts(db, capsys):
    store = Store(db)
    police = [t for t in store.tasks() if t["assignee"] == "Công an tỉnh"][0]
    assert main(["task", "done", str(police["id"]), "--date", "2024-04-20", "--db", db]) == 0
    assert "hoàn thành quá hạn" in capsys.readouterr().out
    assert main(["correct", "task", str(police["id"]), "deadline", "2024-04-30", "--by", "lan", "--db", db]) == 0
    assert main(["correct", "document", "a", "number", "16", "--by", "lan", "--db", db]) == 0
    assert main(["correct", "document", "a", "recipients", "Sở Y tế; Sở Nội vụ", "--by", "lan", "--db", db]) == 0
    capsys.readouterr()
    assert store.task(police["id"])["state"] == "đúng hạn"
    assert store.document("a")["record"]["recipients"] == ["Sở Y tế", "Sở Nội vụ"]
    # a newer extractor says 17: the correction stays and the conflict is listed
    store.save_record(make_record("a", version="99.0", tasks=TASKS, number="17"))
    assert main(["corrections", "--conflicts", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "number" in out and '"17"' in out and "lan" in out
    assert store.document("a")["number"] == "16"
    number = [c for c in store.corrections() if c["field"] == "number"][0]
    assert main(["corrections", "--revert", str(number["id"]), "--by", "an", "--db", db]) == 0
    assert store.document("a")["number"] == "17"                       # the newest extraction shows again
    store.close()


def test_documents_listing(db, capsys):
    assert main(["correct", "document", "b", "number", "21", "--by", "lan", "--db", db]) == 0
    capsys.readouterr()
    assert main(["documents", "--db", db]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "2 văn bản"
    row_b = [line for line in out if "20/UBND-KT" in line][0]
    assert " 1 " in row_b and "*" in row_b                               # one open task, corrected


def test_errors_exit_2(db, capsys):
    assert main(["correct", "document", "nope", "number", "1", "--by", "x", "--db", db]) == 2
    assert main(["correct", "task", "1", "colour", "red", "--by", "x", "--db", db]) == 2
    assert main(["task", "done", "99999", "--db", db]) == 2
    assert "congvan:" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["tasks", "--state", "xong", "--db", db])


def test_exports(db, tmp_path, capsys):
    xlsx, csv, parquet = tmp_path / "t.xlsx", tmp_path / "t.csv", tmp_path / "t.parquet"
    assert main(["export", "tasks", "--format", "xlsx", "-o", str(xlsx), "--db", db]) == 0
    assert main(["export", "tasks", "--format", "csv", "-o", str(csv), "--db", db]) == 0
    assert main(["export", "tasks", "-o", str(parquet), "--db", db, "--assignee", "công an"]) == 0
    assert main(["export", "register", "-o", str(tmp_path / "r.xlsx"), "--db", db]) == 0
    assert main(["export", "json", "-o", str(tmp_path / "d.json"), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "3 nhiệm vụ" in out and "2 văn bản" in out
    assert openpyxl.load_workbook(xlsx).sheetnames == ["Tổng hợp", "Nhiệm vụ"]
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    assert pq.read_table(parquet).num_rows == 1
    assert openpyxl.load_workbook(tmp_path / "r.xlsx")["Sổ đăng ký văn bản đến"].max_row == 3
    assert [d["CodeNotation"] for d in json.loads((tmp_path / "d.json").read_text())] == ["UBND-KT", "UBND-KT"]


def test_console_script_and_env_db(tmp_path):
    """The installed entry point, with the database from CONGVAN_DB_URL."""
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    store = Store(url)
    store.save_record(make_record("a", tasks=TASKS))
    store.close()
    env = {"CONGVAN_DB_URL": url, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "tasks"], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2 nhiệm vụ" in done.stdout


def test_staff_commands(db, tmp_path, capsys):
    """show, --document by số ký hiệu, unaccented --state, per-body done, dismiss/add, arrival, units."""
    capsys.readouterr()
    assert main(["tasks", "--db", db, "--document", "20/UBND-KT", "--json"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line)["symbol"] == "20/UBND-KT"
    assert main(["tasks", "--db", db, "--today", "2024-05-01", "--state", "qua han"]) == 0
    assert "1 nhiệm vụ" in capsys.readouterr().out
    store = Store(db)
    finance = store.tasks(document="a")[0]
    assert main(["task", "done", str(finance["id"]), "--body", "so tai chinh", "--date", "2024-06-01", "--db", db]) == 0
    assert "đúng hạn" in capsys.readouterr().out
    assert main(["show", f"t{finance['id']}", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "chủ trì" in out and "Sở Tài chính" in out
    assert main(["task", "dismiss", str(finance["id"]), "--by", "lan", "--db", db]) == 0
    assert main(["task", "add", "--document", "15/UBND-KT", "--action", "gửi báo cáo", "--lead", "Sở Nội vụ",
                 "--deadline", "30/06/2024", "--by", "lan", "--db", db]) == 0
    assert main(["arrival", "a", "--number", "12", "--date", "05/03/2024", "--route", "Văn phòng; Phòng Kinh tế",
                 "--db", db]) == 0
    capsys.readouterr()
    assert main(["show", "15/UBND-KT", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Số đến: 12/2024" in out and "Phòng Kinh tế" in out and "gửi báo cáo" in out
    assert "tham mưu phân bổ" not in out                                # the dismissed task is not listed
    assert main(["units", "unknown", "--db", db]) == 0
    assert main(["units", "add", "Phòng Kinh tế", "--kind", "internal", "--alias", "P.KT", "--db", db]) == 0
    assert main(["units", "map", "Sở TC", "Sở Tài chính", "--db", db]) == 0
    assert main(["units", "--kind", "internal", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Phòng Kinh tế" in out and "P.KT" in out
    assert main(["units", "add", "Các sở, ban, ngành tỉnh", "--kind", "collective", "--member", "Sở Y tế",
                 "--member", "Sở Nội vụ", "--db", db]) == 0
    added = store.add_task("b", "rà soát thủ tục", by="lan", assignees=["Các sở, ban, ngành"])
    assert main(["task", "expand", str(added["id"]), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "thành viên" in out and "Sở Nội vụ" in out
    assert main(["task", "done", str(added["id"]), "--body", "so y te", "--db", db]) == 0
    assert main(["task", "done", str(added["id"]), "--body", "Sở Nội vụ", "--db", db]) == 0
    assert store.task(added["id"])["status"] == "done"
    csv = tmp_path / "r.csv"
    assert main(["export", "register", "-o", str(csv), "--db", db, "--year", "2024"]) == 0
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf") and b"PK" not in csv.read_bytes()[:4]
    assert main(["export", "register", "-o", str(tmp_path / "r.ods"), "--db", db]) == 2
    assert main(["export", "register", "-o", str(tmp_path / "x.csv"), "--format", "xlsx", "--db", db]) == 2
    store.close()


def test_correct_official_marks_and_references(db, capsys):
    """`official`, `urgency`, `confidentiality` and `references` are corrections like the other fields."""
    assert main(["correct", "document", "a", "urgency", "Hỏa tốc", "--by", "lan", "--db", db]) == 0
    assert main(["correct", "document", "a", "confidentiality", "Mật", "--by", "lan", "--db", db]) == 0
    assert main(["correct", "document", "a", "references", "1113/SLĐTBXH-BTXHTE; 30/2020/NĐ-CP", "--by", "lan",
                 "--db", db]) == 0
    assert main(["correct", "document", "a", "official", "không", "--by", "lan", "--db", db]) == 0
    with Store(db) as store:
        record = store.document("a")["record"]
        assert (record["urgency"], record["confidentiality"], record["official"]) == ("Hỏa tốc", "Mật", False)
        assert [r["symbol"] for r in record["references"]] == ["1113/SLĐTBXH-BTXHTE", "30/2020/NĐ-CP"]
    assert main(["correct", "document", "a", "official", "có lẽ", "--by", "lan", "--db", db]) != 0   # not yes/no
