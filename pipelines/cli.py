"""`congvan` command line: extract, ingest (and the store commands)."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path


class _Timings:
    """Wall/CPU marks of one `congvan ingest` (env `CONGVAN_TIMINGS=file.json`; the throughput
    benchmark prints them as ingest's breakdown). Marks are (name, wall since the process
    started, this process's CPU seconds); `procs` holds the CPU of the server and the workers
    read just before they stop."""

    def __init__(self) -> None:
        self.path = os.environ.get("CONGVAN_TIMINGS")
        self.marks: list[tuple[str, float, float]] = []
        self.procs: dict[str, float] = {}
        self.extra: dict = {}
        try:
            import psutil
            self._start = psutil.Process().create_time()
        except Exception:  # noqa: BLE001
            self._start = time.time()

    def mark(self, name: str) -> None:
        if self.path:
            self.marks.append((name, round(time.time() - self._start, 3), round(time.process_time(), 3)))

    def children_cpu(self, label: str, pids: list[int]) -> None:
        """CPU seconds so far of these processes and their descendants (before they are stopped)."""
        if not self.path:
            return
        try:
            import psutil
            total = 0.0
            for pid in pids:
                proc = psutil.Process(pid)
                for p in [proc, *proc.children(recursive=True)]:
                    c = p.cpu_times()
                    total += c.user + c.system
            self.procs[label] = round(self.procs.get(label, 0.0) + total, 3)
        except Exception:  # noqa: BLE001
            pass

    def write(self) -> None:
        if self.path:
            self.mark("exit")
            Path(self.path).write_text(json.dumps({"started": self._start, "marks": self.marks, "procs": self.procs, **self.extra}), encoding="utf-8")


TIMINGS = _Timings()


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
    from pipelines.discover import discover
    from pipelines.runner import Runner, outcome_record

    try:
        paths, skipped = discover(args.inputs)
    except FileNotFoundError as exc:
        print(f"congvan: no such file or folder: {exc}", file=sys.stderr)
        return 2
    for p in skipped:
        print(f"skipped (not a document type): {p}", file=sys.stderr)
    out = open(args.jsonl, "w", encoding="utf-8") if args.jsonl else sys.stdout
    progress = _progress_bar("extract") if args.jsonl and sys.stderr.isatty() else None
    errors = 0
    try:
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
    print(f"{len(paths)} files, {len(paths) - errors} extracted, {errors} with errors, {len(skipped)} skipped",
          file=sys.stderr)
    return 0


def _configured_api_url() -> str | None:
    """The Prefect API URL from the environment or the active profile (read without importing Prefect)."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    import tomllib
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = os.environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    return (profiles.get("profiles", {}).get(name) or {}).get("PREFECT_API_URL") or None


def _die_with_parent() -> None:
    """In the child before exec: on Linux, SIGTERM it when the CLI dies, even by SIGKILL
    (atexit does not run then, and the server would be left running)."""
    try:
        import ctypes
        import signal
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 — not Linux: atexit still stops it on a normal exit
        pass


SERVER_DEFAULTS = {"PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "50",
                   "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "10"}


class TemporaryServer:
    """Prefect's temporary API server, started as the first thing of a run.

    Prefect itself starts it (`SubprocessASGIServer`) only when the flow is called, after
    importing its server package into the client too (seconds of CPU); started here, its
    boot overlaps the client's imports and the workers' warm-up, and the client only needs
    `PREFECT_API_URL`. Same command and environment as Prefect's ephemeral server (UI off,
    ephemeral services only). `None` from `start` when a server is configured or ours does
    not come up: Prefect then does what it always does.
    """

    def __init__(self) -> None:
        self.proc = None
        self.url: str | None = None

    def start(self) -> "TemporaryServer | None":
        import socket
        import subprocess
        if _configured_api_url() or os.environ.get("CONGVAN_PREFECT_SERVER", "").lower() == "prefect":
            return None
        try:
            import importlib.util
            spec = importlib.util.find_spec("prefect")
            app_dir = str(Path(spec.origin).parent.parent)
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                   "PREFECT__SERVER_FINAL": "1"}
            # the task-run recorder writes task-run states in batches instead of one transaction per
            # event (~25 ms of server CPU saved per task); it flushes what it holds when the server stops
            for name, value in SERVER_DEFAULTS.items():
                env.setdefault(name, value)
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--app-dir", app_dir, "--factory",
                 "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
                 "--log-level", "error", "--lifespan", "on"], env=env, stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent)
        except Exception:  # noqa: BLE001 — Prefect starts its own
            self.proc = None
            return None
        self.url = f"http://127.0.0.1:{port}/api"
        import atexit
        atexit.register(self.stop)  # registered before Prefect's exit hooks, so it runs after them (events flushed)
        return self

    def wait(self, timeout: float) -> bool:
        """True once the server answers its health check; False (server stopped) otherwise."""
        import urllib.request
        deadline = time.monotonic() + timeout
        while self.proc is not None and self.proc.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        return False

    def stop(self) -> None:
        import subprocess
        if self.proc is None:
            return
        TIMINGS.mark("server_stop")
        TIMINGS.children_cpu("server", [self.proc.pid])
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        TIMINGS.mark("server_stopped")


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
    TIMINGS.mark("server_spawned")
    if server is not None:
        os.environ["PREFECT_API_URL"] = server.url   # before Prefect is imported; it boots meanwhile
    from pipelines.inbox import remembered_hashes
    with remembered_hashes():                        # the prefetch plan's hashes serve the flow's plan
        return _ingest(args, server)


def _ingest(args, server: "TemporaryServer | None") -> int:
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
    if server is not None and server.proc is not None:
        TIMINGS.children_cpu("server_boot", [server.proc.pid])

    flow = ingest
    task_workers = 0
    if args.dask_address or args.dask_workers:
        flow = ingest.with_options(task_runner=dask_task_runner(args.dask_address, args.dask_workers))
        task_workers = 1
    progress = _progress_bar("ingest") if not args.no_progress else None
    if progress:  # per-task log lines would break the progress bar
        logging.getLogger("prefect.task_runs").setLevel(logging.WARNING)
    TIMINGS.mark("flow_call")
    try:
        with settings:
            state = flow(inputs=list(args.inputs), db_url=args.db, jsonl=args.jsonl, summary_path=args.summary,
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
    p.add_argument("--db", default=os.environ.get("CONGVAN_DB_URL"), help="SQLAlchemy URL (default: SQLite under outputs/)")
    p.add_argument("--jsonl", default="outputs/records.jsonl", help="records of this run as JSONL")
    p.add_argument("--summary", default="outputs/summary.json", help="run summary JSON")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
