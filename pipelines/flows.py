"""Prefect flows. `ingest`: files → records → store, every file accounted for.

The flow only orchestrates: extraction is `extractors.pipeline.extract_record`, storage is
`pipelines.store.Store`. A bad file becomes a quarantine entry with its reason; the
batch goes on. The run fails only when the run itself cannot work (store unreachable).
"""
from __future__ import annotations

import json
import logging
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from extractors.pipeline import extract_record, sha256_file
from models.record import DocumentRecord
from pipelines.discover import discover
from pipelines.store import Store

DOCUMENT_TIMEOUT = 600


@task(name="extract-document", retries=1, retry_delay_seconds=2, timeout_seconds=DOCUMENT_TIMEOUT,
      task_run_name="extract-{doc_id}", cache_policy=None, persist_result=False)
def extract_document(path: str, doc_id: str) -> dict:
    """One document → its record as JSON (never raises for a bad file)."""
    return extract_record(path).model_dump(mode="json")


def _summary_markdown(summary: dict) -> str:
    rows = [f"| {k} | {v} |" for k, v in summary["counts"].items()]
    reasons = [f"| {k} | {v} |" for k, v in summary["quarantined_by_class"].items()] or ["| – | 0 |"]
    return "\n".join(["# congvan ingest", "", "| count | n |", "|---|---|", *rows, "",
                      "## Quarantined by reason", "", "| class | n |", "|---|---|", *reasons, "",
                      f"Time: {summary['seconds']} s"])


@flow(name="ingest", log_prints=False)
def ingest(inputs: list[str], db_url: str | None = None, jsonl: str | None = None,
           summary_path: str | None = "outputs/summary.json", progress=None) -> dict:
    """Ingest documents from files/folders into the store; returns the run summary."""
    logger = get_run_logger()
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    store = Store(db_url)
    paths, skipped = discover(inputs)
    hashes = {str(p): sha256_file(p) for p in paths}
    known = store.known_hashes(list(set(hashes.values())))
    new, duplicates, batch_seen = [], [], set()
    for p in paths:
        h = hashes[str(p)]
        if h in known or h in batch_seen:
            duplicates.append(p)
        else:
            batch_seen.add(h)
            new.append(p)
    logger.info("run: %d files, %d new, %d duplicates, %d skipped", len(paths), len(new), len(duplicates), len(skipped))

    futures = [extract_document.submit(str(p), p.stem) for p in new]
    records: list[DocumentRecord] = []
    quarantined: list[dict] = []
    ingested = 0
    out = open(jsonl, "w", encoding="utf-8") if jsonl else None
    try:
        for done, (path, future) in enumerate(zip(new, futures), start=1):
            state = future.wait() or future.state
            if state.is_completed():
                record = DocumentRecord.model_validate(future.result())
            else:
                kind = "timeout" if "Timeout" in (state.message or "") or state.name == "TimedOut" else "internal"
                record = DocumentRecord(id=path.stem, error_class=kind,
                                        error=f"extraction did not finish ({state.name})")
                record.file = None
            if record.error:
                if record.file is None:
                    from models.record import FileInfo
                    record.file = FileInfo(path=str(path), name=path.name, sha256=hashes[str(path)])
                store.save_quarantine(record)
                quarantined.append({"file": path.name, "class": record.error_class, "reason": record.error})
            elif store.save_record(record):
                ingested += 1
            else:
                duplicates.append(path)
            if out:
                out.write(json.dumps(record.contract(), ensure_ascii=False) + "\n")
            records.append(record)
            if progress:
                progress(done, len(new))
    finally:
        if out:
            out.close()

    by_class = Counter(q["class"] for q in quarantined)
    summary = {
        "started_at": started.isoformat(),
        "finished_at": datetime.now(timezone.utc).isoformat(),
        "seconds": round(time.perf_counter() - t0, 2),
        "db": store.url.split("@")[-1],
        "counts": {"seen": len(paths) + len(skipped), "new": len(new), "ingested": ingested,
                   "duplicates": len(duplicates), "quarantined": len(quarantined), "skipped": len(skipped),
                   "needs_review_fields": sum(len(r.needs_review) for r in records if not r.error)},
        "quarantined_by_class": dict(sorted(by_class.items())),
        "quarantined": quarantined,
        "skipped": [{"file": p.name, "reason": f"not a document type ({p.suffix or 'no extension'})"} for p in skipped],
        "duplicates": [p.name for p in duplicates],
    }
    store.save_run(summary)
    if summary_path:
        Path(summary_path).parent.mkdir(parents=True, exist_ok=True)
        Path(summary_path).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    create_markdown_artifact(key="ingest-summary", markdown=_summary_markdown(summary),
                             description="congvan ingest run summary")
    logger.info("run done: %(ingested)d ingested, %(quarantined)d quarantined, %(duplicates)d duplicates", summary["counts"])
    return summary
