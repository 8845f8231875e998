"""Prefect flows: `ingest` (files → records → store) and `nightly` (the inbox run).

The flows only orchestrate: extraction is `extractors.pipeline.extract_record`, run in the
worker processes of `pipelines.runner` (per-document timeout, memory cap, crash
isolation); storage is `pipelines.store.Store`; moving files is `pipelines.inbox`.

Task granularity: one Prefect task (`extract-batch`, with retries) per batch of documents;
inside it each document is its own runner job with its own hard timeout. Batches are small
for small runs (one document per task up to ~8 files per worker) and grow to 64 documents
for large runs, which keeps Prefect's cost per document under a millisecond (a Prefect
task costs ~9–20 ms of CPU in ephemeral mode, measured by `benchmarks/throughput.py`; the
fixed cost of a run is the temporary server's start). `batch_size=1` gives one task per
document. At most 2 × workers batch tasks are in flight, so batches finish — and are
committed — in order.

`congvan ingest` hands the first documents of the plan (`plan_run`) to the workers while
Prefect's server boots; the tasks then take those jobs' results (`Runner.prefetch`).

Each finished batch is stored in one transaction (`Store.save_batch`: bulk inserts, one hash
lookup), and its files are moved only after that commit.

A bad file becomes a quarantine entry with its reason; the batch goes on. Entries that are not
plain files (links, pipes, devices) or cannot be read are quarantined unopened (`discover.survey`);
hidden files, notes and unlistable folders stay, listed as skipped with their reason; a file that
vanishes during the run is `gone`. An inbox run holds the inbox's lock (`inbox.run_lock`). The run
fails (Prefect state Failed) when the run itself cannot work (store unreachable, inbox locked) or
when an extraction task fails as a whole (a broken task runner): that task's files stay in the inbox.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed

from models.record import DocumentRecord, FileInfo, clean_text
from models.settings import settings
from pipelines import inbox
from pipelines.discover import Seconds, plan_run
from pipelines.store import Store

MAX_BATCH = 64


@task(name="extract-batch", retries=1, retry_delay_seconds=2, cache_policy=NO_CACHE,
      persist_result=False, task_run_name="extract-{label}")
def extract_batch(paths: list[str], label: str, workers: int = 0) -> list[tuple]:
    """(record, worker seconds, stage) of a batch of files, input order; never raises for a bad file."""
    from pipelines.runner import extract_records, shared_runner
    return extract_records(paths, shared_runner(workers or None))


def _windowed(batches: list[list[Path]], n_workers: int, task_workers: int, max_in_flight: int):
    """Submit batch tasks keeping at most `max_in_flight` unfinished; yield (future, batch) as they finish.

    A bounded window keeps the runner's queue short, so batches finish (and are committed)
    in order and memory does not grow with the size of the run."""
    queue = list(enumerate(batches))[::-1]
    in_flight: dict = {}
    limit = max_in_flight if max_in_flight > 0 else len(batches)
    while queue or in_flight:
        while queue and len(in_flight) < limit:
            i, batch = queue.pop()
            future = extract_batch.submit([str(p) for p in batch], f"{i + 1}of{len(batches)}", task_workers or n_workers)
            in_flight[future] = batch
        future = next(as_completed(list(in_flight)))
        yield future, in_flight.pop(future)


def default_batch_size(n_files: int, workers: int) -> int:
    return max(1, min(MAX_BATCH, math.ceil(n_files / (max(1, workers) * 8))))


def dask_task_runner(address: str | None = None, n_workers: int = 0):
    """A prefect-dask `DaskTaskRunner` on an existing scheduler or a local cluster of N workers."""
    from prefect_dask import DaskTaskRunner
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs={"n_workers": n_workers or os.cpu_count() or 1, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None})


def _summary_markdown(summary: dict) -> str:
    c = summary["counts"]
    lines = [f"# congvan {summary['flow']} run", "",
             f"{summary['started_at']} → {summary['finished_at']} ({summary['seconds']} s), store `{summary['db']}`", "",
             "| count | n |", "|---|---|", *[f"| {k} | {v} |" for k, v in c.items()], "",
             "## Quarantined by reason", "", "| class | n |", "|---|---|",
             *([f"| {k} | {v} |" for k, v in summary["quarantined_by_class"].items()] or ["| – | 0 |"]), ""]
    if summary["quarantined"]:
        lines += ["| file | class | reason |", "|---|---|---|",
                  *[f"| {q['file']} | {q['class']} | {q['reason']} |" for q in summary["quarantined"][:200]], ""]
    if summary["needs_review_by_field"]:
        lines += ["## Fields to review", "", "| field | documents |", "|---|---|",
                  *[f"| {k} | {v} |" for k, v in summary["needs_review_by_field"].items()], ""]
    lines += ["## Time per stage (s)", "", "| stage | s |", "|---|---|",
              *[f"| {k} | {v} |" for k, v in summary["stages"].items()]]
    return "\n".join(lines)


def _flow_run_id() -> str | None:
    try:
        from prefect.runtime import flow_run
        return str(flow_run.id) if flow_run.id else None
    except Exception:
        return None


def run_ingest(inputs: list[str], db_url: str | None = None, jsonl: str | None = None,
               summary_path: str | None = None, processed_dir: str | None = None,
               quarantine_dir: str | None = None, batch_size: int = 0, workers: int = 0,
               task_workers: int = 0, max_in_flight: int | None = None, progress=None, flow_name: str = "ingest",
               artifact_key: str = "ingest-summary") -> dict:
    """The body of both flows (must run inside a flow: submits `extract_batch` tasks)."""
    logger = get_run_logger()
    started = datetime.now(UTC)
    t0, cpu0 = time.perf_counter(), time.process_time()
    stages = Seconds()
    moving = bool(processed_dir and quarantine_dir)
    run_id = _flow_run_id()

    with contextlib.ExitStack() as held:
        if moving:   # one run at a time per inbox: a second one stops here with a clear message
            for item in inputs:
                if Path(item).is_dir():
                    held.enter_context(inbox.run_lock(Path(item)))
            for folder in (processed_dir or "", quarantine_dir or ""):
                inbox.remove_stale_partials(Path(folder))   # copies a killed run left (full disk, kill -9)
        return _run_ingest(inputs, db_url, jsonl, summary_path, processed_dir, quarantine_dir, batch_size,
                           workers, task_workers, max_in_flight, progress, flow_name, artifact_key,
                           logger, started, t0, cpu0, stages, moving, run_id)


def _name(path: Path) -> str:
    """A file name for summaries, logs and notes (undecodable bytes as \\xNN escapes)."""
    return clean_text(path.name)


@dataclass
class _Run:
    """What one ingest run accumulates; the steps of `_run_ingest` fill it in turn."""
    store: Store
    hashes: dict[str, str]
    moving: bool
    processed_dir: str | None
    quarantine_dir: str | None
    run_id: str | None
    stages: Seconds
    logger: Any
    gone: list[Path]
    counts: Counter[str] = field(default_factory=Counter)
    quarantined: list[dict] = field(default_factory=list)
    by_hash_outcome: dict[str, tuple[str, dict | None]] = field(default_factory=dict)
    review: Counter[str] = field(default_factory=Counter)
    stored_hashes: set[str] = field(default_factory=set)
    failed_batches: list[str] = field(default_factory=list)
    worker_seconds: float = 0.0

    def move(self, move, path: Path, folder: str | None, sha: str, *args) -> bool:
        """`_move` into `folder`, timed as the `move` stage."""
        tick = time.perf_counter()
        try:
            return _move(move, path, Path(folder or ""), sha, *args)
        finally:
            self.stages["move"] += time.perf_counter() - tick


def _run_ingest(inputs, db_url, jsonl, summary_path, processed_dir, quarantine_dir, batch_size, workers,
                task_workers, max_in_flight, progress, flow_name, artifact_key, logger, started, t0, cpu0,
                stages, moving, run_id) -> dict:
    """Plan the run, extract and store the new files in batches, quarantine what was refused, move
    the duplicates, then write the summary: one named step each."""
    tick = time.perf_counter()
    store = Store(db_url)  # an unreachable store fails the run here
    stages["open_store"] = time.perf_counter() - tick

    plan = plan_run(inputs, store, processed_dir, quarantine_dir, stages)
    paths, skipped, new, duplicates = plan.paths, plan.skipped, plan.new, plan.duplicates
    run = _Run(store=store, hashes=plan.hashes, moving=moving, processed_dir=processed_dir,
               quarantine_dir=quarantine_dir, run_id=run_id, stages=stages, logger=logger, gone=list(plan.gone))
    n_seen = len(paths) + len(skipped) + len(plan.rejected) + len(plan.ignored) + len(plan.gone)
    logger.info("run: %d files, %d new, %d duplicates, %d of no document type, %d refused unopened, "
                "%d left aside, %d gone", len(paths), len(new), len(duplicates), len(skipped), len(plan.rejected),
                len(plan.ignored), len(plan.gone))

    n_workers = workers or settings().workers or os.cpu_count() or 1
    size = batch_size or default_batch_size(len(new), n_workers)
    batches = [new[i:i + size] for i in range(0, len(new), size)]
    if max_in_flight is None:  # local runner: a little more than the pool can take; Dask: all
        max_in_flight = 0 if task_workers else 2 * n_workers

    tick_extract = time.perf_counter()
    _extract_and_store(run, _windowed(batches, n_workers, task_workers, max_in_flight), jsonl, progress, len(new))
    stages["extract"] = time.perf_counter() - tick_extract - stages["store"] - stages["move"] - stages["jsonl"]
    skipped = _quarantine_refused(run, plan, skipped)
    if moving:
        _move_duplicates(run, duplicates)
    skipped_entries = ([{"file": _name(p), "reason": f"not a document type ({clean_text(p.suffix) or 'no extension'})"}
                        for p in skipped]
                       + [{"file": _relative(p, inputs), "reason": why} for p, why in plan.ignored])
    summary = _summary(run, flow_name, started, t0, cpu0, n_seen, new, duplicates, skipped_entries, len(batches), size)
    _finish(run, summary, summary_path, flow_name, artifact_key)
    return summary


def _extract_and_store(run: _Run, windowed, jsonl: str | None, progress, total: int) -> None:
    """Each batch's records into the store (one transaction a batch), the files moved after the
    commit, the records to `jsonl`."""
    out = None
    if jsonl:
        Path(jsonl).parent.mkdir(parents=True, exist_ok=True)
        out = open(jsonl, "w", encoding="utf-8")
    done = 0
    try:
        for future, batch in windowed:
            state = future.wait() or future.state
            if not state.is_completed():
                _failed_batch(run, batch, state)
                done += len(batch)
                continue
            for contract in _store_batch(run, batch, future.result()):
                if out:
                    tick = time.perf_counter()
                    out.write(json.dumps(contract, ensure_ascii=False) + "\n")
                    run.stages["jsonl"] += time.perf_counter() - tick
                done += 1
                if progress:
                    progress(done, total)
    finally:
        if out:
            out.close()


def _failed_batch(run: _Run, batch: list[Path], state) -> None:
    """The batch task itself failed after its retries (runner or task runner broken): its files are
    not a document's fault, so they stay in the inbox for the next run, and the run ends Failed
    (`_finish`) instead of quarantining good documents as `internal`."""
    why = state.message or (f"the task runner left it {state.name}" if not state.is_failed() else state.name)
    run.logger.error("batch of %d files failed: %s", len(batch), why[:300])
    run.failed_batches.append(why[:300])
    for path in batch:
        run.by_hash_outcome[run.hashes[str(path)]] = ("failed", None)


def _store_batch(run: _Run, batch: list[Path], results) -> list[dict]:
    """One batch's records in one transaction, then each file's outcome; the contracts stored."""
    items = []
    for path, (record, seconds, stage) in zip(batch, results):
        run.worker_seconds += seconds or 0.0
        if record.error and not os.path.lexists(path):
            run.gone.append(path)       # deleted or moved away during the run: nothing to record
            continue
        if record.file is None or not record.file.sha256:
            record.file = FileInfo(path=str(path), name=path.name, sha256=run.hashes[str(path)])
        items.append((path, record, stage))
    tick = time.perf_counter()   # the batch in one transaction; files move only after its commit
    contracts = [record.contract() for _, record, _ in items]
    outcomes = run.store.save_batch([record for _, record, _ in items], resolve_quarantine=run.moving,
                                    contracts=contracts)
    run.stages["store"] += time.perf_counter() - tick
    for (path, record, stage), outcome, contract in zip(items, outcomes, contracts):
        _file_outcome(run, path, record, stage, outcome, contract)
    return contracts


def _file_outcome(run: _Run, path: Path, record: DocumentRecord, stage, outcome: str, contract: dict) -> None:
    """Count a stored file's outcome and move it (quarantine/ with its reason, or processed/)."""
    sha = run.hashes[str(path)]
    if outcome == "quarantined":
        reason = inbox.reason_document(contract, stage, run.run_id)
        run.quarantined.append({"file": _name(path), "class": record.error_class, "reason": record.error})
        run.by_hash_outcome[sha] = ("quarantined", reason)
        if run.moving and not run.move(inbox.quarantine_file, path, run.quarantine_dir, sha, reason):
            run.quarantined.pop()           # vanished before its move: gone, not quarantined
            run.gone.append(path)
        return
    run.counts["ingested" if outcome != "unchanged" else "unchanged"] += 1
    run.by_hash_outcome[sha] = ("stored", None)
    run.stored_hashes.add(sha)
    for name in record.needs_review:
        run.review[name] += 1
    run.counts["review_documents"] += bool(record.needs_review)
    if run.moving and not run.move(inbox.move_unique, path, run.processed_dir, sha):
        run.logger.info("a stored file vanished before its move to processed/")


def _quarantine_refused(run: _Run, plan, skipped: list[Path]) -> list[Path]:
    """Entries refused unopened (links, pipes, devices, unreadable or oversized files) are
    quarantined with their reason; in an inbox nothing stays behind: a file of no document type is
    quarantined too. Returns the files still only skipped."""
    refused = [(r.path, r.sha256, r.error_class, r.message, r.size, "discover") for r in plan.rejected]
    if run.moving:
        for p in skipped:
            try:
                refused.append((p, inbox.sha256_path(p), "unsupported_format",
                                f"not a document type ({clean_text(p.suffix) or 'no extension'})",
                                os.lstat(p).st_size, "discover"))
            except FileNotFoundError:
                run.gone.append(p)
            except OSError as exc:
                plan.ignored.append((p, f"cannot be read ({exc.strerror or type(exc).__name__})"))
        skipped = []
    for p, sha, error_class, message, size, stage in refused:
        record = DocumentRecord(id=p.stem, error_class=error_class, error=message,
                                file=FileInfo(path=str(p), name=p.name, sha256=sha, size=size))
        if not os.path.lexists(p):
            run.gone.append(p)
            continue
        tick = time.perf_counter()
        run.store.save_quarantine_once(record)
        run.stages["store"] += time.perf_counter() - tick
        run.quarantined.append({"file": _name(p), "class": error_class, "reason": record.error})
        if run.moving and not run.move(inbox.quarantine_file, p, run.quarantine_dir, sha,
                                       inbox.reason_document(record.contract(), stage, run.run_id)):
            run.quarantined.pop()
            run.gone.append(p)
    return skipped


def _move_duplicates(run: _Run, duplicates: list[Path]) -> None:
    """Duplicates follow the file they duplicate (or the stored record)."""
    tick = time.perf_counter()
    for p in duplicates:
        sha = run.hashes[str(p)]
        outcome, reason = run.by_hash_outcome.get(sha, ("stored", None))
        if outcome == "failed":
            continue                      # its original's batch failed: it waits for the next run too
        if outcome == "quarantined":
            if not _move(inbox.quarantine_file, p, Path(run.quarantine_dir or ""), sha, {**(reason or {}), "file": _name(p)}):
                run.gone.append(p)
        elif _move(inbox.move_unique, p, Path(run.processed_dir or ""), sha):
            run.stored_hashes.add(sha)
        else:
            run.gone.append(p)
    inbox.remove_orphan_notes(Path(run.quarantine_dir or ""), run.stored_hashes)  # notes of files put back and now stored
    run.stages["move"] += time.perf_counter() - tick


def _summary(run: _Run, flow_name: str, started: datetime, t0: float, cpu0: float, n_seen: int,
             new: list[Path], duplicates: list[Path], skipped_entries: list[dict], n_batches: int,
             size: int) -> dict[str, Any]:
    """The run summary (`summary.json`, the store's `runs` row, the Prefect artifact)."""
    by_class = Counter(q["class"] for q in run.quarantined)
    failed = sum(1 for p in new + duplicates if run.by_hash_outcome.get(run.hashes[str(p)], ("",))[0] == "failed")
    return {
        "flow": flow_name,
        "run_id": run.run_id,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "seconds": round(time.perf_counter() - t0, 2),
        "cpu_seconds": round(time.process_time() - cpu0, 2),   # this process (threads included), not the workers
        "db": run.store.url.split("@")[-1],
        "counts": {"seen": n_seen, "new": len(new), "ingested": run.counts["ingested"],
                   "duplicates": len(duplicates) + run.counts["unchanged"], "quarantined": len(run.quarantined),
                   "skipped": len(skipped_entries), "gone": len(run.gone),
                   "not_processed": failed,
                   "needs_review_fields": sum(run.review.values()),
                   "needs_review_documents": run.counts["review_documents"]},
        "quarantined_by_class": dict(sorted(by_class.items())),
        "needs_review_by_field": dict(run.review.most_common()),
        "quarantined": run.quarantined,
        "skipped": skipped_entries,
        "gone": sorted({_name(p) for p in run.gone}),
        "failed_batches": run.failed_batches,
        "duplicates": [_name(p) for p in duplicates if p not in run.gone],
        "batches": n_batches,
        "batch_size": size,
        "worker_seconds": round(run.worker_seconds, 2),
        "stages": {},
    }


def _finish(run: _Run, summary: dict[str, Any], summary_path: str | None, flow_name: str, artifact_key: str) -> None:
    """Save the summary (store, file, artifact) and log it; a failed batch fails the run."""
    tick = time.perf_counter()
    run.store.save_run(summary)
    if summary_path:
        Path(summary_path).parent.mkdir(parents=True, exist_ok=True)
    run.stages["summary"] = time.perf_counter() - tick
    summary["stages"] = {k: round(v, 3) for k, v in run.stages.items()}
    if summary_path:
        Path(summary_path).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    try:
        create_markdown_artifact(key=artifact_key, markdown=_summary_markdown(summary),
                                 description=f"congvan {flow_name} run summary")
    except Exception as exc:  # the artifact is a view of the summary; its loss does not fail the run
        run.logger.warning("summary artifact not created: %s", type(exc).__name__)
    run.logger.info("run done: %(ingested)d ingested, %(quarantined)d quarantined, %(duplicates)d duplicates, "
                    "%(skipped)d skipped, %(gone)d gone", summary["counts"])
    if run.failed_batches:   # the task runner failed: the run is Failed, never Completed (files stay in the inbox)
        raise RuntimeError(f"{len(run.failed_batches)} extraction task(s) failed ({run.failed_batches[0]}); their "
                           f"{summary['counts']['not_processed']} files were not processed and stay where they are")


def _move(move, path: Path, folder: Path, sha: str, *args) -> bool:
    """`inbox.move_unique` / `inbox.quarantine_file`; False when the file vanished meanwhile (gone)."""
    try:
        move(path, folder, sha, *args)
        return True
    except inbox.Gone:
        return False


def _relative(path: Path, inputs: list[str]) -> str:
    for item in inputs:
        try:
            return clean_text(str(path.relative_to(item))) or _name(path)
        except ValueError:
            continue
    return clean_text(str(path))


@flow(name="ingest", persist_result=False)
def ingest(inputs: list[str], db_url: str | None = None, jsonl: str | None = None,
           summary_path: str | None = "outputs/summary.json", processed_dir: str | None = None,
           quarantine_dir: str | None = None, batch_size: int = 0, workers: int = 0,
           task_workers: int = 0, progress: Any = None) -> dict:
    """Ingest documents from files/folders into the store; returns the run summary.

    With `processed_dir` and `quarantine_dir`, files are moved after their outcome is committed.
    """
    return run_ingest(inputs, db_url=db_url, jsonl=jsonl, summary_path=summary_path,
                      processed_dir=processed_dir, quarantine_dir=quarantine_dir, batch_size=batch_size,
                      workers=workers, task_workers=task_workers, progress=progress)


def resolve_db_url(db_url: str | None, secret_block: str | None) -> str | None:
    """Explicit URL, else the Prefect Secret block, else $CONGVAN_DB_URL, else the Store's default.
    The choice is logged (where the URL came from, never the URL: it may hold a password)."""
    import logging
    log = logging.getLogger("congvan.flows")
    if db_url:
        log.info("store URL: the flow's db_url parameter")
        return db_url
    if secret_block:
        try:
            from prefect.blocks.system import Secret
            secret: Any = Secret.load(secret_block)
            url = str(secret.get())
            log.info("store URL: Prefect Secret block %r (it wins over CONGVAN_DB_URL)", secret_block)
            return url
        except Exception:  # no such block (or no API): fall back to the environment
            pass
    if settings().db_url:
        log.info("store URL: environment CONGVAN_DB_URL")
        return settings().db_url
    log.info("store URL: the default SQLite store")
    return None


@flow(name="nightly", persist_result=False)
def nightly(inbox_dir: str, processed_dir: str, quarantine_dir: str, db_url: str | None = None,
            db_secret_block: str | None = "congvan-db-url", outputs_dir: str = "outputs",
            dask_address: str | None = None, dask_workers: int = 0, batch_size: int = 0,
            workers: int = 0) -> dict:
    """The scheduled run: new files of the inbox → store; moved to processed/ or quarantine/."""
    url = resolve_db_url(db_url, db_secret_block)
    for folder in (inbox_dir, processed_dir, quarantine_dir):   # a first run: the folders are created
        Path(folder).mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(outputs_dir)
    kwargs: dict[str, Any] = dict(db_url=url, jsonl=str(out / f"nightly-{stamp}.jsonl"),
                                  summary_path=str(out / f"nightly-{stamp}.json"), processed_dir=processed_dir,
                                  quarantine_dir=quarantine_dir, batch_size=batch_size, workers=workers)
    if dask_address or dask_workers:
        # Dask workers unpickle the task by its module's name: a deployment loads this file as the
        # module `flows` (its entry point is a path), which no worker can import; the package's own
        # module `pipelines.flows` is importable wherever the project is (workers started from the
        # repository folder or with PYTHONPATH set to it)
        from pipelines import flows as package_flows
        sub = package_flows.ingest.with_options(task_runner=dask_task_runner(dask_address, dask_workers))
        return sub([inbox_dir], task_workers=1, **kwargs)
    return run_ingest([inbox_dir], flow_name="nightly", artifact_key="nightly-summary", **kwargs)
