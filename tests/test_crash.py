"""Crash safety: a run killed at any point and started again ends with every inbox file
exactly once in the store or in quarantine — nothing lost, nothing doubled."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flowkit import make_inbox, prefect_test_server, subprocess_env, write_docx


@pytest.fixture(scope="module")
def prefect_api():
    return prefect_test_server()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_exactly_once(originals: dict[str, str], inbox: Path, processed: Path, quarantine: Path, db: str):
    from sqlalchemy import select

    from pipelines.store import Store
    from pipelines.store import schema as store_module

    assert [p.name for p in inbox.iterdir() if not p.name.startswith(".")] == []
    in_processed = [_sha(p) for p in processed.iterdir() if not p.name.startswith(".")]
    in_quarantine = [_sha(p) for p in quarantine.iterdir()
                     if not p.name.startswith(".") and not p.name.endswith(".reason.json")]
    assert sorted(in_processed + in_quarantine) == sorted(originals.values())   # every file once, none lost
    store = Store(db)
    with store.engine.connect() as conn:
        stored = [r[0] for r in conn.execute(select(store_module.documents.c.sha256))]
        parked = [r[0] for r in conn.execute(select(store_module.quarantine.c.sha256))]
    assert sorted(stored) == sorted(set(in_processed)) and len(stored) == len(set(stored))
    assert sorted(parked) == sorted(set(in_quarantine)) and len(parked) == len(set(parked))
    assert not set(stored) & set(parked)
    for p in quarantine.glob("*.reason.json"):
        assert (quarantine / p.name[:-len(".reason.json")]).exists()
        assert json.loads(p.read_text(encoding="utf-8"))["sha256"] == _sha(quarantine / p.name[:-len(".reason.json")])


def test_rerun_reconciles_every_crash_window(prefect_api, tmp_path):
    """The states a kill can leave behind, built by hand, then one normal run."""
    from extractors.pipeline import extract_record
    from pipelines import inbox as inbox_ops
    from pipelines.flows import ingest
    from pipelines.store import Store

    inbox, processed, quarantine = tmp_path / "inbox", tmp_path / "processed", tmp_path / "quarantine"
    made = make_inbox(inbox, n_docx=4, n_txt=0)
    originals = {p.name: _sha(p) for p in inbox.iterdir()}
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    store = Store(db)
    a, b, _, _ = made["good"]
    bad = made["bad"][0]
    # A: committed, killed before the move
    assert store.save_record(extract_record(a))
    # B: committed, linked into processed/, killed before the inbox name was removed
    assert store.save_record(extract_record(b))
    processed.mkdir()
    os.link(b, processed / b.name)
    # bad: quarantine row committed and reason written, killed before the link
    record = extract_record(bad)
    store.save_quarantine_once(record)
    quarantine.mkdir()
    (quarantine / f"{bad.name}.reason.json").write_text(json.dumps(inbox_ops.reason_document(record.contract())))

    summary = ingest([str(inbox)], db_url=db, summary_path=None, processed_dir=str(processed),
                     quarantine_dir=str(quarantine))
    assert summary["counts"]["ingested"] == 2 and summary["counts"]["duplicates"] == 2
    _assert_exactly_once(originals, inbox, processed, quarantine, db)
    assert not list(processed.glob("* (1).*")) and not list(quarantine.glob("* (1).*"))


def _run_cli(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
def test_sigkill_mid_run_then_rerun(prefect_api, tmp_path):
    inbox, processed, quarantine = tmp_path / "inbox", tmp_path / "processed", tmp_path / "quarantine"
    make_inbox(inbox, n_docx=10, n_txt=3)
    for i in range(4):
        write_docx(inbox / f"them-{i}.docx", 700 + i)
    originals = {p.name: _sha(p) for p in inbox.iterdir()}
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    args = ["ingest", str(inbox), "--db", db, "--processed", str(processed), "--quarantine", str(quarantine),
            "--summary", str(tmp_path / "s.json"), "--jsonl", str(tmp_path / "r.jsonl"),
            "--workers", "1", "--batch-size", "1", "--no-progress"]
    env = subprocess_env(prefect_api)

    proc = _run_cli(args, env)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None:
        if processed.exists() and len(list(processed.iterdir())) >= 3:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = len(list(inbox.iterdir()))
    assert 0 < left < len(originals)                    # really killed mid-run

    rerun = _run_cli(args, env)
    assert rerun.wait(timeout=900) == 0
    _assert_exactly_once(originals, inbox, processed, quarantine, db)
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["counts"]["seen"] == left

    # the killed run's worker processes did not outlive it (they notice the parent's death within
    # their poll period: wait for that with a deadline, then assert)
    marker = f"CONGVAN_RUNNER_PARENT={proc.pid}\0".encode()

    def orphans() -> list[str]:
        found = []
        for environ in Path("/proc").glob("[0-9]*/environ"):
            try:
                if marker in environ.read_bytes():
                    found.append(environ.parent.name)
            except OSError:
                pass
        return found

    deadline = time.monotonic() + 30
    while orphans() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert orphans() == []
