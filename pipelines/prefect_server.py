"""Prefect's temporary API server for one `congvan ingest`, forked from the CLI.

Kept apart from the CLI: the fork, the Linux `prctl` calls and `gc.freeze` are operations
machinery, not command-line handling. A configured server (`PREFECT_API_URL`, a profile) is
used as it is.
"""
from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

from models.settings import settings
from pipelines.timings import TIMINGS

PR_SET_PDEATHSIG = 1    # prctl(2): signal this process when its parent dies
PR_SET_NAME = 15        # prctl(2): the process name `ps`/`pgrep` show


def configured_api_url() -> str | None:
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


def prctl(option: int, arg) -> None:
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


def flush_prefect_client() -> None:
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
        self._sock: socket.socket | None = None
        self._ready_r: int | None = None

    def start(self) -> TemporaryServer | None:
        """Reserve the port and set the server's settings (the client imports Prefect next)."""
        if (configured_api_url() or settings().prefect_server.lower() == "prefect"
                or not hasattr(os, "fork")):
            return None
        sock = self._sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/api"
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
        if self._sock is not None:
            self._sock.close()    # the child listens on it

    def _serve(self, parent: int, ready_w: int) -> None:
        code = 1
        try:
            import ctypes
            import signal
            prctl(PR_SET_PDEATHSIG, signal.SIGTERM)   # SIGTERM when the CLI dies, even by SIGKILL
            if os.getppid() != parent:    # the CLI died before the signal was armed
                os._exit(code)
            prctl(PR_SET_NAME, ctypes.c_char_p(SERVER_PROCESS_NAME))
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
            if self._sock is None:
                raise RuntimeError("no port reserved (start() was not called)")
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
        ready = self._ready_r
        if ready is None:        # boot() did not start a child
            return False
        try:
            readable, _, _ = select.select([ready], [], [], timeout)
            started = bool(readable) and os.read(ready, 1) == b"1"   # b"": the child is gone
        finally:
            os.close(ready)
        if not started:
            self.stop()
        return started

    def stop(self) -> None:
        """Let Prefect's client send what it holds, then SIGTERM: uvicorn closes the connections
        and runs the app's shutdown (the task-run recorder writes what it holds)."""
        import signal
        if self.pid is None:
            return
        flush_prefect_client()
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
