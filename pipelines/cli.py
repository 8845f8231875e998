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


def _prctl(option: int, arg) -> None:
    """Linux prctl(2) for this process; nothing elsewhere."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(option, arg, 0, 0, 0)
    except Exception:  # noqa: BLE001 — not Linux: the CLI still stops its server on a normal exit
        pass


# Settings of our temporary server (environment, before Prefect is imported; a configured server
# is left as its owner set it up):
# - the task-run recorder writes task-run states in batches instead of one transaction per event
#   (~25 ms of server CPU saved per task); it flushes what it holds when the server stops;
# - no automations: the triggers and actions services react to events for automations kept on a
#   long-lived server, and nobody can define one on a server that lives for one run. The actions
#   service also builds a second copy of the API app when it starts.
# - no block types registered at start: the run uses no blocks, and registering them imports every
#   installed Prefect collection (prefect-dask imports Dask: ~0.3 s of CPU);
# - the run's log lines go to the console only, not also through the API into the server's
#   database, where nobody could read them once the run ends. Flow and task runs and their states
#   are recorded as always.
SERVER_DEFAULTS = {"PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "50",
                   "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "10",
                   "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
                   "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
                   "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
                   "PREFECT_LOGGING_TO_API_ENABLED": "false"}
SERVER_PROCESS_NAME = b"congvan-server"


def _flush_prefect_client() -> None:
    """Send the events (task-run states) and logs Prefect's client still queues, and stop its
    senders (Prefect otherwise does it when the interpreter exits): the server must get them."""
    for module, name in (("prefect.events.worker", "EventsWorker"), ("prefect.logging.handlers", "APILogWorker")):
        if module in sys.modules:
            try:
                getattr(sys.modules[module], name).drain_all(timeout=30)
            except Exception:  # noqa: BLE001 — nothing more to send
                pass


class TemporaryServer:
    """Prefect's temporary API server for one run, in a fork of this process.

    Prefect's own ephemeral server is a fresh interpreter that imports Prefect, pydantic and
    SQLAlchemy again (~1.5 s of CPU besides the ~3 s its server package, app and start-up take).
    Ours is forked once the client's imports are done (`boot`), so it inherits them: the same
    app as Prefect's (`create_app(ephemeral=True)`: no UI, only the ephemeral services) served
    by uvicorn in the child's main thread. The child is named `congvan-server` and gets SIGTERM
    when the CLI dies, however it dies. `start` returns `None` when a server is configured:
    Prefect uses that one.
    """

    def __init__(self) -> None:
        self.url: str | None = None
        self.pid: int | None = None
        self._sock = None
        self._ready_r: int | None = None

    def start(self) -> "TemporaryServer | None":
        """Reserve the port and set the server's settings (the client imports Prefect next)."""
        import socket
        if (_configured_api_url() or os.environ.get("CONGVAN_PREFECT_SERVER", "").lower() == "prefect"
                or not hasattr(os, "fork")):
            return None
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/api"
        for name, value in SERVER_DEFAULTS.items():
            os.environ.setdefault(name, value)
        import atexit
        atexit.register(self.stop)  # before Prefect's exit hooks, so it runs after them (a fallback: the CLI stops it)
        return self

    def boot(self, pause=None) -> None:
        """Fork the server. `pause`: a context in which the process's other threads are parked
        (a thread's locks would stay locked in the child)."""
        import contextlib
        import gc
        import threading
        sys.stdout.flush()
        sys.stderr.flush()
        # what is imported now lives as long as the process: out of the collector's generations
        # (full collections in the CLI walked it: ~0.25 s of CPU a run), and in the child the
        # collector does not touch, hence copy, the pages it shares with the CLI
        gc.freeze()
        parent = os.getpid()
        self._ready_r, ready_w = os.pipe()
        with pause if pause is not None else contextlib.nullcontext():
            TIMINGS.extra["threads_at_fork"] = [t.name for t in threading.enumerate()]
            pid = os.fork()
            if pid == 0:
                os.close(self._ready_r)
                self._serve(parent, ready_w)   # never returns
        os.close(ready_w)
        self.pid = pid
        self._sock.close()        # the child listens on it

    def _serve(self, parent: int, ready_w: int) -> None:
        code = 1
        try:
            import ctypes
            import signal
            _prctl(1, signal.SIGTERM)     # PR_SET_PDEATHSIG: SIGTERM when the CLI dies, even by SIGKILL
            if os.getppid() != parent:    # the CLI died before the signal was armed
                os._exit(code)
            _prctl(15, ctypes.c_char_p(SERVER_PROCESS_NAME))   # PR_SET_NAME: what `ps`/`pgrep` show
            import uvicorn

            from prefect.server.api.server import create_app

            class Server(uvicorn.Server):
                async def startup(self, sockets=None) -> None:
                    await super().startup(sockets=sockets)
                    if self.started:      # the app's start-up ran and the socket listens
                        os.write(ready_w, b"1")

            app = create_app(ephemeral=True, final=True)
            import gc
            gc.freeze()               # the app's routes and models live as long as the server
            Server(uvicorn.Config(app, log_config=None, log_level="error", lifespan="on")).run(sockets=[self._sock])
            code = 0
        except BaseException:  # noqa: BLE001 — the CLI sees the server gone and lets Prefect start its own
            import traceback
            traceback.print_exc(limit=3)
        finally:
            try:
                sys.stderr.flush()
            finally:
                os._exit(code)    # no atexit hooks, no finalisers of the parent's objects

    def cpu(self) -> float:
        """CPU seconds of the server process so far."""
        try:
            import psutil
            times = psutil.Process(self.pid).cpu_times()
            return times.user + times.system
        except Exception:  # noqa: BLE001 — gone, or not started
            return 0.0

    def wait(self, timeout: float) -> bool:
        """True once the server has started (it says so on a pipe); False (server stopped) when
        it exits first or does not start in time."""
        import select
        if self.pid is None:
            self.boot()
        try:
            readable, _, _ = select.select([self._ready_r], [], [], timeout)
            started = bool(readable) and os.read(self._ready_r, 1) == b"1"   # b"": the child is gone
        finally:
            os.close(self._ready_r)
        if not started:
            self.stop()
        return started

    def stop(self) -> None:
        """Let Prefect's client send what it holds, then SIGTERM: uvicorn closes the connections
        and runs the app's shutdown (the task-run recorder writes what it holds)."""
        import signal
        if self.pid is None:
            return
        _flush_prefect_client()
        TIMINGS.mark("server_stop")
        TIMINGS.procs["server"] = round(self.cpu(), 3)
        pid, self.pid = self.pid, None
        try:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while os.waitpid(pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    break
                time.sleep(0.02)
        except (ProcessLookupError, ChildProcessError):
            pass
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
        os.environ["PREFECT_API_URL"] = server.url   # before Prefect is imported
    from pipelines.inbox import remembered_hashes
    try:
        with remembered_hashes():                    # the prefetch plan's hashes serve the flow's plan
            return _ingest(args, server)
    finally:
        if server is not None:
            server.stop()


def _ingest(args, server: "TemporaryServer | None") -> int:
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
    from pipelines.web import cli as web_cli
    web_cli.register(sub)
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
