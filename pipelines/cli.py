"""`congvan` command line: extract, ingest (and the store commands)."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from models.settings import settings
from pipelines.prefect_server import TemporaryServer
from pipelines.timings import TIMINGS


def _progress_bar(label: str):
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        rate = done / max(1e-6, time.monotonic() - started)
        print(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} ({rate:.1f}/s)",
              end="", file=sys.stderr, flush=True)
    return show


def cmd_extract(args) -> int:
    from models.enums import ErrorClass
    from models.record import DocumentRecord, FileInfo, clean_text
    from pipelines.discover import survey
    from pipelines.runner import Runner, outcome_record

    try:
        found = survey(args.inputs)
    except FileNotFoundError as exc:
        print(f"congvan: no such file or folder: {clean_text(str(exc))}", file=sys.stderr)
        return 2
    paths, skipped = found.docs, found.skipped
    for p in skipped:
        print(f"skipped (not a document type): {clean_text(str(p))}", file=sys.stderr)
    for p, why in found.ignored:
        print(f"skipped ({why}): {clean_text(str(p))}", file=sys.stderr)
    out = open(args.jsonl, "w", encoding="utf-8") if args.jsonl else sys.stdout
    progress = _progress_bar("extract") if args.jsonl and sys.stderr.isatty() else None
    errors = len(found.rejected)
    try:
        for r in found.rejected:     # links, pipes, devices, unreadable or oversized files: never opened
            out.write(DocumentRecord(id=r.path.stem, error=r.message, error_class=ErrorClass(r.error_class),
                                     file=FileInfo(path=str(r.path), name=r.path.name, size=r.size)).contract_line() + "\n")
        if paths:
            with Runner(workers=args.workers or None, func="extractors.pipeline:extract_contract_line") as runner:
                for n, outcome in enumerate(runner.map([str(p) for p in paths], ordered=True), start=1):
                    if outcome.ok:
                        line, failed = outcome.value
                    else:                 # killed, timed out or crashed in the worker
                        line, failed = outcome_record(outcome).contract_line(), True
                    errors += failed
                    out.write(line + "\n")
                    if progress:
                        progress(n, len(paths))
    finally:
        if args.jsonl:
            out.close()
            if progress:
                print(file=sys.stderr)
    n = len(paths) + len(found.rejected)
    print(f"{n} files, {n - errors} extracted, {errors} with errors, {len(skipped) + len(found.ignored)} skipped",
          file=sys.stderr)
    return 0


def _prefetch(args, runner) -> int:
    """Feed the run's new documents, in the flow's order, to the workers while Prefect's server
    boots and the client imports Prefect (seconds in which warmed-up workers would sit idle),
    until the flow's first `extract-batch` task asks for its documents. The tasks then take these
    jobs' results instead of starting them again (`Runner.submit`). The plan is the flow's own
    (`plan_run`: same discovery, hashes and store lookup). Returns the number of new documents
    (0 when the store cannot be opened: the flow then reports that)."""
    try:
        from pipelines.discover import plan_run
        from pipelines.store import Store
        with Store(args.db) as store:
            plan = plan_run(list(args.inputs), store, args.processed, args.quarantine)
        runner.prefetch([str(p) for p in plan.new])
        return len(plan.new)
    except Exception as exc:  # noqa: BLE001 — only a head start
        logging.getLogger("congvan.cli").debug("no prefetch: %s", type(exc).__name__)
        return 0


def _preimport_flow_engine() -> None:
    """Import what Prefect imports on the first flow call (its flow engine, FastAPI's encoder for
    the parameters) while the server still boots: the CLI waits for it anyway."""
    import importlib
    for name in ("prefect.flow_engine", "prefect.task_engine", "fastapi.encoders"):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 — only a head start; the flow imports what it needs
            pass


def cmd_ingest(args) -> int:
    # without a configured server Prefect starts a temporary one; on a busy machine it needs
    # longer than Prefect's default 20 s to come up
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")   # offline: no telemetry calls
    os.environ.setdefault("DO_NOT_TRACK", "1")                           # nor from Prefect's client
    for item in args.inputs:
        if not Path(item).exists():
            print(f"congvan: no such file or folder: {item}", file=sys.stderr)
            return 2
    if bool(args.processed) != bool(args.quarantine):
        print("congvan: --processed and --quarantine go together", file=sys.stderr)
        return 2
    import atexit
    TIMINGS.mark("cli_start")
    atexit.register(TIMINGS.write)   # registered first: runs last, after the server stopped
    server = TemporaryServer().start()
    if server is not None:
        os.environ["PREFECT_API_URL"] = server.url or ""   # before Prefect is imported
    from pipelines.inbox import remembered_hashes
    try:
        with remembered_hashes():                    # the prefetch plan's hashes serve the flow's plan
            return _ingest(args, server)
    finally:
        if server is not None:
            server.stop()


def _ingest(args, server: TemporaryServer | None) -> int:
    runner = None
    if not args.dask_address and not args.dask_workers:  # warm the extraction workers up while Prefect starts
        from pipelines.runner import shared_runner
        runner = shared_runner(args.workers or None).prestart()
        TIMINGS.mark("workers_spawned")
        TIMINGS.extra["planned"] = _prefetch(args, runner)
        TIMINGS.mark("prefetch_submitted")
    from prefect.settings import temporary_settings

    from pipelines.flows import dask_task_runner, ingest
    TIMINGS.mark("flows_imported")
    _preimport_flow_engine()
    TIMINGS.mark("engine_imported")
    if server is not None:
        server.boot(pause=runner.paused() if runner is not None else None)
        TIMINGS.mark("server_spawned")
    # Flow-run heartbeats let a long-lived server notice a crashed run; our temporary server dies
    # with this process, so nobody could notice, and the heartbeat thread's join costs ~1 s per run.
    updates = {"flows.heartbeat_frequency": None} if server is not None else {}
    if server is not None and not server.wait(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"])):
        logging.getLogger("congvan.cli").warning("temporary Prefect server did not start; Prefect starts its own")
        from prefect.settings import PREFECT_API_URL
        settings = temporary_settings(restore_defaults={PREFECT_API_URL})
    else:
        settings = temporary_settings(updates=updates)
    TIMINGS.mark("server_ready")
    if server is not None and server.pid is not None:
        TIMINGS.procs["server_boot"] = round(server.cpu(), 3)

    flow = ingest
    task_workers = 0
    if args.dask_address or args.dask_workers:
        flow = ingest.with_options(task_runner=dask_task_runner(args.dask_address, args.dask_workers))
        task_workers = 1
    progress = _progress_bar("ingest") if not args.no_progress else None
    if progress:  # per-task log lines would break the progress bar
        logging.getLogger("prefect.task_runs").setLevel(logging.WARNING)
    # the store URL can hold a password: it reaches the flow through the environment, not as a
    # parameter (Prefect keeps a run's parameters in its database and shows them in its UI)
    if args.db:
        os.environ["CONGVAN_DB_URL"] = args.db
    TIMINGS.mark("flow_call")
    try:
        with settings:
            state = flow(inputs=list(args.inputs), db_url=None, jsonl=args.jsonl, summary_path=args.summary,
                         processed_dir=args.processed, quarantine_dir=args.quarantine, batch_size=args.batch_size,
                         workers=args.workers, task_workers=task_workers, progress=progress, return_state=True)
    finally:
        TIMINGS.mark("flow_returned")
        from pipelines.runner import close_shared_runner, shared_runner_pids, shared_runner_timings
        TIMINGS.children_cpu("workers", shared_runner_pids())
        TIMINGS.extra.update(shared_runner_timings())
        close_shared_runner()
        TIMINGS.mark("workers_closed")
    if progress:
        print(file=sys.stderr)
    if not state.is_completed():
        try:
            state.result()
        except Exception as exc:  # the run itself could not work (store unreachable, …)
            print(f"congvan: the run failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}", file=sys.stderr)
        return 1
    summary = state.result()
    c = summary["counts"]
    print(f"seen {c['seen']}: ingested {c['ingested']}, duplicates {c['duplicates']}, "
          f"quarantined {c['quarantined']}, skipped {c['skipped']}, "
          f"fields to review {c['needs_review_fields']} ({summary['seconds']} s)")
    for q in summary["quarantined"]:
        print(f"  quarantined {q['file']}: [{q['class']}] {q['reason']}")
    for s in summary["skipped"]:
        print(f"  skipped {s['file']}: {s['reason']}")
    print(f"store: {summary['db']}" + (f"  records: {args.jsonl}" if args.jsonl else "") +
          (f"  summary: {args.summary}" if args.summary else ""))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="congvan", description="Vietnamese official documents → tracked records")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging (may include document text)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract CONTRACT records as JSONL")
    p.add_argument("inputs", nargs="+", help="files or folders")
    p.add_argument("--jsonl", help="output file (default: stdout)")
    p.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("ingest", help="run the Prefect ingest flow into the store")
    p.add_argument("inputs", nargs="+", help="files or folders")
    from pipelines import outputs_dir
    outputs = outputs_dir()
    p.add_argument("--db", default=settings().db_url or None,
                   help=f"SQLAlchemy URL (default: $CONGVAN_DB_URL, else SQLite under {outputs}; $CONGVAN_HOME moves it)")
    p.add_argument("--jsonl", default=str(outputs / "records.jsonl"), help="records of this run as JSONL")
    p.add_argument("--summary", default=str(outputs / "summary.json"), help="run summary JSON")
    p.add_argument("--processed", help="move each stored file here after its record is committed")
    p.add_argument("--quarantine", help="move each unreadable file here, with <name>.reason.json")
    p.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    p.add_argument("--batch-size", type=int, default=0, help="documents per Prefect task (default: adaptive)")
    p.add_argument("--dask-address", help="run the tasks on this Dask scheduler (tcp://host:8786)")
    p.add_argument("--dask-workers", type=int, default=0, help="run the tasks on a local Dask cluster of N workers")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    try:
        from pipelines import cli_store
        cli_store.register(sub)
    except ImportError:
        pass
    from pipelines.web import cli as web_cli
    web_cli.register(sub)
    return parser


def error_line(exc: BaseException) -> str:
    """One line for a command that failed, Vietnamese and English, without a traceback and
    without document text (a message that could quote a document is left out)."""
    from models.record import clean_text
    kind = type(exc).__name__
    if isinstance(exc, OSError) and exc.filename is not None:
        what = f"{exc.strerror or kind}: {clean_text(str(exc.filename))}"
        return f"không đọc/ghi được tệp / cannot read or write the file ({what})"
    module = type(exc).__module__ or ""
    if module.startswith("sqlalchemy"):
        orig = getattr(exc, "orig", None)
        if kind == "ArgumentError" or "url" in kind.lower():
            return "địa chỉ kho dữ liệu không hợp lệ / not a valid store URL (--db, CONGVAN_DB_URL)"
        detail = str(orig).splitlines()[0][:200] if orig is not None else kind
        return f"không mở được kho dữ liệu / the store cannot be used ({type(orig).__name__ if orig else kind}: {clean_text(detail)})"
    if isinstance(exc, (UnicodeError, RecursionError, MemoryError)) or "openpyxl" in module:
        return f"lỗi dữ liệu / data error ({kind})"
    text = (str(exc).splitlines() or [""])[0][:200]
    return f"lỗi / error: {kind}" + (f": {clean_text(text)}" if text else "")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # the one error handler of every command: a one-line message and a non-zero exit, never a
    # traceback (with -v the traceback is shown, for a bug report)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("congvan: đã dừng / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:  # noqa: BLE001
        if args.verbose:
            raise
        print(f"congvan: {error_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
