"""Two real processes ingesting overlapping folders at once: each document ends up stored once."""
from __future__ import annotations

import multiprocessing as mp
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from pipelines.store.schema import documents, extractions
from pipelines.store.testing import fresh_database, pg_available

BACKENDS = ["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not pg_available(), reason="CONGVAN_TEST_PG_URL is not set")])]


def _ingest_folder(url: str, folder: str, version: str, barrier, results, batch: int = 0) -> None:
    """One ingest process: open the store (migrating it if needed), store a record per file
    (with `batch`, that many records per `save_batch` transaction, as the ingest flow does)."""
    from pipelines.store import Store
    from pipelines.store.testing import make_record

    barrier.wait(timeout=60)              # both processes start together, even the migration
    store = Store(url)
    outcomes = Counter()
    records = []
    for path in sorted(Path(folder).iterdir()):
        content = path.read_bytes()
        record = make_record(path.stem, content=content, version=version, tasks=[
            {"assignees": ["Sở Nội vụ"], "lead": "Sở Nội vụ", "action": f"xử lý {path.stem}", "deadline": None},
            {"assignees": ["Sở Tài chính"], "action": f"phối hợp {path.stem}", "deadline": "2024-12-31"}])
        if batch:
            records.append(record)
        else:
            outcomes[store.ingest_record(record)] += 1
    for start in range(0, len(records), batch or 1):
        outcomes.update(store.save_batch(records[start:start + batch]))
    store.close()
    results.put(dict(outcomes))


def _run_two(url: str, folders: list[Path], version: str, batch: int = 0) -> list[dict]:
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_ingest_folder, args=(url, str(f), version, barrier, results, batch))
             for f in folders]
    for p in procs:
        p.start()
    out = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return out


@pytest.mark.slow
@pytest.mark.parametrize("batch", [0, 7], ids=["per-record", "batches-of-7"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_two_processes_overlapping_folders(backend, batch, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    for i in range(40):                    # a: 0..39, b: 20..59 → 60 distinct documents, 20 shared
        for folder in ([a] if i < 20 else [a, b]):
            (folder / f"doc{i:02d}.txt").write_bytes(f"văn bản số {i}".encode())
    for i in range(40, 60):
        (b / f"doc{i:02d}.txt").write_bytes(f"văn bản số {i}".encode())

    with fresh_database(backend, tmp_path) as url:
        first = _run_two(url, [a, b], "0.1.0", batch)
        assert sum(r.get("new", 0) for r in first) == 60
        assert sum(r.get("unchanged", 0) for r in first) == 20
        second = _run_two(url, [a, b], "0.2.0", batch)            # both re-extract with a newer extractor
        assert sum(r.get("reextracted", 0) for r in second) == 60
        assert sum(r.get("unchanged", 0) for r in second) == 20

        from pipelines.store import Store
        store = Store(url)
        with store.engine.connect() as conn:
            shas = [r[0] for r in conn.execute(select(documents.c.sha256))]
            versions = Counter(r[0] for r in conn.execute(select(extractions.c.extractor_version)))
        assert len(shas) == len(set(shas)) == 60                 # no duplicate, no lost document
        assert versions == {"0.1.0": 60, "0.2.0": 60}
        assert store.count("tasks") == 120                       # tasks matched, not duplicated
        assert {d["extractor_version"] for d in store.documents()} == {"0.2.0"}
        store.close()
