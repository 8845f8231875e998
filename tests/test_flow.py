"""The ingest flow end to end in Prefect (throw-away local server, temporary home)."""
from __future__ import annotations

import json
import shutil

import pytest
from flowkit import make_inbox, prefect_test_server, read_jsonl, write_docx


@pytest.fixture(scope="module")
def prefect_api():
    return prefect_test_server()


def _artifact(key: str):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    return sorted(found, key=lambda a: a.created, reverse=True)   # newest first (other tests' runs share the server)


def test_inbox_run_moves_files_and_quarantines_with_reason(prefect_api, tmp_path):
    from pipelines.flows import ingest
    from pipelines.store import Store

    inbox, processed, quarantine = tmp_path / "inbox", tmp_path / "processed", tmp_path / "quarantine"
    made = make_inbox(inbox, n_docx=3, n_txt=1)
    shutil.copy(made["good"][0], inbox / "copy-of-first.docx")   # same bytes twice
    (inbox / "notes.xyz").write_text("not a document")
    originals = {p.name: p.read_bytes() for p in inbox.iterdir()}
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    summary = ingest([str(inbox)], db_url=db, jsonl=str(tmp_path / "r.jsonl"),
                     summary_path=str(tmp_path / "summary.json"), processed_dir=str(processed),
                     quarantine_dir=str(quarantine))

    c = summary["counts"]
    assert (c["seen"], c["new"], c["ingested"], c["duplicates"], c["quarantined"]) == (7, 5, 4, 1, 2)
    assert summary["quarantined_by_class"] == {"corrupt": 1, "unsupported_format": 1}
    assert list(inbox.iterdir()) == []                      # nothing left behind
    assert sorted(p.name for p in processed.iterdir()) == sorted(
        ["copy-of-first.docx", "cv-000.docx", "cv-001.docx", "cv-002.docx", "tb-000.txt"])
    for p in processed.iterdir():                           # moved, never modified
        assert p.read_bytes() == originals[p.name]
    reason = json.loads((quarantine / "hong.docx.reason.json").read_text(encoding="utf-8"))
    assert reason["error_class"] == "corrupt" and reason["stage"] == "read" and reason["message"]
    assert set(reason["tool_versions"]) >= {"tesseract", "libreoffice", "congvan"}
    assert (quarantine / "hong.docx").read_bytes() == originals["hong.docx"]
    assert json.loads((quarantine / "notes.xyz.reason.json").read_text())["error_class"] == "unsupported_format"

    store = Store(db)
    assert store.count("documents") == 4 and store.count("quarantine") == 2 and store.count("runs") == 1
    records = read_jsonl(tmp_path / "r.jsonl")
    assert len(records) == 5 and {r["id"] for r in records if r.get("error")} == {"hong"}
    saved = json.loads((tmp_path / "summary.json").read_text())
    assert saved["counts"] == c and set(saved["stages"]) >= {"hash", "extract", "store", "move"}
    artifacts = _artifact("ingest-summary")
    assert artifacts and "Quarantined by reason" in artifacts[0].data and "corrupt" in artifacts[0].data

    # second night: one new file, one changed file under a name already in processed/
    write_docx(inbox / "cv-new.docx", 901)
    write_docx(inbox / "cv-000.docx", 902)                  # same name, other bytes
    summary = ingest([str(inbox)], db_url=db, summary_path=None, processed_dir=str(processed),
                     quarantine_dir=str(quarantine))
    assert summary["counts"]["ingested"] == 2 and summary["counts"]["duplicates"] == 0
    assert (processed / "cv-000 (1).docx").exists() and (processed / "cv-000.docx").read_bytes() == originals["cv-000.docx"]
    assert store.count("documents") == 6


def test_plain_ingest_is_incremental_and_keeps_files(prefect_api, tmp_path):
    from pipelines.flows import ingest
    from pipelines.store import Store

    folder = tmp_path / "docs"
    make_inbox(folder, n_docx=2, n_txt=1)
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    first = ingest([str(folder)], db_url=db, summary_path=None, batch_size=1)
    assert first["counts"]["ingested"] == 3 and first["counts"]["quarantined"] == 1
    assert first["batches"] == 4                            # one task per document when asked
    second = ingest([str(folder)], db_url=db, summary_path=None)
    assert second["counts"]["new"] == 1 and second["counts"]["ingested"] == 0   # only the unreadable one again
    assert second["counts"]["duplicates"] == 3
    assert len(list(folder.iterdir())) == 4                 # plain ingest never moves
    assert Store(db).count("documents") == 3 and Store(db).count("quarantine") == 1


def test_unreachable_store_fails_the_run(prefect_api, tmp_path):
    from pipelines.flows import ingest

    make_inbox(tmp_path / "docs", n_docx=1, n_txt=0, corrupt=False)
    state = ingest([str(tmp_path / "docs")], db_url="postgresql+psycopg2://congvan@127.0.0.1:1/none",
                   summary_path=None, return_state=True)
    assert state.is_failed()


def test_cli_ingest_prints_summary(prefect_api, tmp_path, capsys):
    from pipelines.cli import main

    make_inbox(tmp_path / "docs", n_docx=2, n_txt=0)
    code = main(["ingest", str(tmp_path / "docs"), "--db", f"sqlite:///{tmp_path / 's.sqlite'}",
                 "--jsonl", str(tmp_path / "r.jsonl"), "--summary", str(tmp_path / "s.json")])
    out = capsys.readouterr().out
    assert code == 0
    assert "ingested 2" in out and "quarantined 1" in out and "hong.docx: [corrupt]" in out
    assert len(read_jsonl(tmp_path / "r.jsonl")) == 3


def test_cli_ingest_unreachable_store_exits_non_zero(prefect_api, tmp_path, capsys):
    from pipelines.cli import main

    make_inbox(tmp_path / "docs", n_docx=1, n_txt=0, corrupt=False)
    code = main(["ingest", str(tmp_path / "docs"), "--db", "postgresql+psycopg2://congvan@127.0.0.1:1/none",
                 "--summary", str(tmp_path / "s.json"), "--jsonl", str(tmp_path / "r.jsonl"), "--no-progress"])
    assert code == 1
    assert "the run failed" in capsys.readouterr().err
    assert not (tmp_path / "s.json").exists()
