"""Per-document isolation: a pool of long-lived worker processes with hard limits.

Used by `congvan extract` and by the ingest flow's tasks. Each worker is a plain
subprocess (`python -m pipelines.runner --worker FUNC`) that imports the extractors
once and then reads one path at a time from its stdin. The parent enforces, per
document:

- a hard timeout (`Limits.document_timeout`, env `CONGVAN_DOCUMENT_TIMEOUT`): the worker's
  whole process group (tesseract, soffice included) is killed and replaced → `timeout`;
- a memory cap (RSS of the worker and its children, env `CONGVAN_WORKER_MEMORY_MB`) → `too_large`;
- a crash (segfault, abort, killed by the kernel's OOM killer) → `internal` / `too_large`,
  after one retry on a fresh worker for a crash that is not a kill.

The batch goes on in every case. Workers are recycled when their RSS grows past
`recycle_mb` or after `max_tasks` documents, so memory stays flat over long batches.
Plain subprocesses (not multiprocessing) so the pool also works inside daemonic
processes such as Dask workers, and nothing is forked from a threaded parent.
"""
from __future__ import annotations

import collections
import contextlib
import gc
import importlib
import importlib.util
import itertools
import logging
import os
import pickle
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.readers.proc import SCRATCH_ENV, remove_stale_scratch, run_scratch
from models.settings import settings

log = logging.getLogger("congvan.runner")

DEFAULT_FUNC = "extractors.pipeline:extract_record"
BASELINE_AFTER = 50  # a worker's steady-state RSS is taken after this many documents
_HEADER = struct.Struct("!I")


# --------------------------------------------------------------------------- protocol

def _send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _recv(stream):
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def resolve(spec: str):
    """`module:name` or `/path/file.py:name` → the callable."""
    target, _, name = spec.rpartition(":")
    if target.endswith(".py"):
        mod_spec = importlib.util.spec_from_file_location(Path(target).stem, target)
        if mod_spec is None or mod_spec.loader is None:
            raise ImportError(f"cannot load {target}")
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules[mod_spec.name] = module      # dataclasses and pickling look their module up there
        mod_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(target)
    return getattr(module, name)


# --------------------------------------------------------------------------- worker side

def _warm_up() -> None:
    """Import the readers (and their heavy libraries) once, before the first document."""
    for name in ("extractors.readers.pdf", "extractors.readers.docx", "extractors.readers.txt",
                 "extractors.readers.ocr", "extractors.readers.legacy_doc", "extractors.fields",
                 "extractors.tasks", "extractors.nlp"):
        try:
            importlib.import_module(name)
        except Exception:  # a reader that cannot import fails on its own documents, not here
            pass
    try:  # load the NLP models once per worker (spaCy pipeline, underthesea tagger)
        from extractors import nlp
        nlp.get_spacy()
        nlp.subject_end.__wrapped__("Sở Nội vụ chủ trì")
    except Exception:
        pass


def _settle_gc() -> None:
    """After the warm-up: what is loaded now (modules, spaCy and underthesea models) lives as long
    as the worker, so it leaves the collector's generations (`gc.freeze`): full collections no
    longer walk it (collector work per document about halved). The thresholds stay Python's: a
    worker collecting young objects every 10,000 allocations instead of 700 grew from 310 to
    426 MiB over 500 mixed documents (cyclic garbage holding page buffers lives longer), against
    284 → 286 MiB with the default."""
    gc.collect()
    gc.freeze()


def _watch_parent(parent: int) -> None:
    """The runner's process died (kill -9 of the CLI): end the tools this worker runs, then itself."""
    from extractors.readers.proc import kill_tools
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            kill_tools()
            os._exit(3)


def worker_main(func_spec: str) -> None:
    """Loop: read (job_id, path), answer (job_id, ok, value | (error_class, message))."""
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # stray prints from libraries must not corrupt the protocol
    threading.Thread(target=_watch_parent, args=(int(os.environ.get("CONGVAN_RUNNER_PARENT", os.getppid())),),
                     daemon=True).start()
    func = resolve(func_spec)
    if func_spec.startswith("extractors.pipeline:"):   # an extraction function: load what it needs now
        _warm_up()
    _settle_gc()
    _send(proto_out, ("ready", os.getpid()))
    while True:
        try:
            message = _recv(proto_in)
        except EOFError:
            message = None
        if message is None:  # asked to stop (or the parent is gone): nothing to flush, skip the
            sys.stderr.flush()  # interpreter's teardown of spaCy & co. (~0.5 s of CPU per worker)
            os._exit(0)
        job_id, arg = message
        # no collections inside a document, one of the young generation after it: ~2 a document
        # before, 0.3 ms of CPU; now 0.05 ms, and the same RSS (177 vs 179 MiB after 400 born-digital
        # documents). A document's cyclic garbage lives until its end, within the memory cap.
        gc.disable()
        try:
            value = func(arg)
            reply = (job_id, True, value)
        except MemoryError:
            reply = (job_id, False, ("too_large", "the document needs more memory than allowed"))
        except Exception as exc:  # noqa: BLE001 — reported as a record, never raised across
            reply = (job_id, False, ("internal", f"internal error ({type(exc).__name__})"))
        finally:
            gc.enable()
            gc.collect(0)
        try:
            _send(proto_out, reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            _send(proto_out, (job_id, False, ("internal", f"result could not be sent ({type(exc).__name__})")))


# --------------------------------------------------------------------------- parent side

@dataclass
class Outcome:
    """What happened to one input: `value` (the function's result) or a failure."""
    arg: Any
    value: Any = None
    error_class: str | None = None
    message: str | None = None
    seconds: float = 0.0
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.error_class is None


@dataclass
class _Job:
    id: int
    arg: Any
    future: Future
    attempts: int = 0


@dataclass
class _Worker:
    proc: subprocess.Popen
    ready: bool = False
    job: _Job | None = None
    started: float = 0.0
    tasks: int = 0
    kill_reason: tuple[str, str] | None = None
    ps: Any = None
    baseline: int = 0
    spawned: float = field(default_factory=time.monotonic)


class Runner:
    """A pool of worker processes; `submit(path) -> Future[Outcome]`, thread-safe."""

    def __init__(self, workers: int | None = None, timeout: float | None = None,
                 memory_mb: float | None = None, recycle_mb: float | None = None,
                 max_tasks: int | None = None, func: str = DEFAULT_FUNC, crash_retries: int = 1,
                 poll: float = 0.2):
        from extractors.limits import Limits
        env = settings()
        self.workers = max(1, workers or env.workers or os.cpu_count() or 1)
        self.timeout = timeout if timeout is not None else Limits.from_env().document_timeout
        self.memory_mb = memory_mb if memory_mb is not None else env.worker_memory_mb
        self.recycle_mb = recycle_mb if recycle_mb is not None else env.worker_recycle_mb or self.memory_mb / 2
        self.max_tasks = max_tasks if max_tasks is not None else env.worker_max_tasks
        # recycle a worker whose RSS grew this much over its own steady state (caches, spaCy strings)
        self.recycle_growth = env.worker_recycle_growth
        self.func = func
        self.crash_retries = crash_retries
        self.poll = poll
        self._lock = threading.Lock()
        self._pending: collections.deque[_Job] = collections.deque()
        self._prefetched: dict[Any, Future] = {}
        self._prefetch_source: Iterator[Any] | None = None
        self._prefetch_left = 0
        self._ids = itertools.count()
        self._pool: list[_Worker] = []
        self._closed = False
        self._eager = False
        self._broken: str | None = None
        self._startup_failures = 0
        self._wake_r, self._wake_w = os.pipe()
        self._running = threading.Event()   # cleared: the loop parks at its top (`paused`)
        self._running.set()
        self._parked = threading.Event()
        # the workers' scratch folders (page images for tesseract) live in one folder per run,
        # removed when the run ends: a killed worker cannot clean up after itself
        self._scratch = run_scratch()
        self.stats: collections.Counter[str] = collections.Counter()
        self.ready_seconds: list[float] = []   # spawn → ready (imports, model loads) of each worker
        self._thread = threading.Thread(target=self._loop, name="congvan-runner", daemon=True)
        self._thread.start()

    # ---- public API
    def submit(self, arg: Any) -> Future:
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("runner is closed")
            if self._broken:
                raise RuntimeError(self._broken)
            self._prefetch_source = None   # the real work has begun: no more early jobs
            early = self._prefetched.pop(arg, None)
            if early is not None:   # started before it was asked for: the same job's future
                self.stats["prefetch_used"] += 1
                return early
            self._pending.append(_Job(next(self._ids), arg, future))
        self._wake()
        return future

    def prefetch(self, args: Iterable[Any], limit: int = 4096) -> None:
        """Feed these jobs to idle workers, one at a time, until the first `submit` (the caller's
        real work has begun) or `limit` jobs. A later `submit` of a prefetched argument gets that
        job's future instead of a second job. Used while Prefect's server boots, so warmed-up
        workers are not idle; results never asked for are dropped at close."""
        with self._lock:
            self._prefetch_source = iter(args)
            self._prefetch_left = limit
        self._wake()

    def _feed_prefetch(self) -> None:
        """One prefetched job per idle, ready worker while prefetching lasts (called by the loop)."""
        with self._lock:
            if self._prefetch_source is None or self._pending or self._closed:
                return
            idle = sum(1 for w in self._pool if w.ready and w.job is None)
            while idle > 0:
                arg = next(self._prefetch_source, None) if self._prefetch_left > 0 else None
                if arg is None:
                    self._prefetch_source = None
                    return
                if arg in self._prefetched:
                    continue
                future: Future = Future()
                self._pending.append(_Job(next(self._ids), arg, future))
                self._prefetched[arg] = future
                self._prefetch_left -= 1
                self.stats["prefetched"] += 1
                idle -= 1

    def prestart(self) -> Runner:
        """Start all workers now (their imports overlap whatever the caller does next)."""
        self._eager = True
        self._wake()
        return self

    @contextlib.contextmanager
    def paused(self, timeout: float = 10.0):
        """The loop thread parked at the top of its loop, holding no lock, for the duration (so
        the caller can fork: a thread's locks would stay locked in the child)."""
        self._running.clear()
        self._wake()
        try:
            self._parked.wait(timeout)
            yield
        finally:
            self._parked.clear()
            self._running.set()

    def map(self, args: Iterable[Any], ordered: bool = False) -> Iterator[Outcome]:
        """Outcomes for all args, in input order or as they complete."""
        futures = collections.deque(self.submit(a) for a in args)
        if ordered:
            while futures:  # drop each result once handed out: memory stays flat over long runs
                yield futures.popleft().result()
            return
        from concurrent.futures import FIRST_COMPLETED, wait
        pending = set(futures)
        futures.clear()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                yield f.result()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._prefetch_source = None
            if self._prefetched:   # started early and never asked for: not worth finishing
                unclaimed = {id(f) for f in self._prefetched.values()}
                for job in [j for j in self._pending if id(j.future) in unclaimed]:
                    self._pending.remove(job)
                    job.future.cancel()
                self._prefetched.clear()
        self._wake()
        self._thread.join(timeout=30)
        for w in list(self._pool):
            self._kill(w)
        shutil.rmtree(self._scratch, ignore_errors=True)
        for fd in (self._wake_r, self._wake_w):
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def pids(self) -> list[int]:
        return [w.proc.pid for w in self._pool]

    # ---- internals
    def _wake(self) -> None:
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass

    def _spawn(self) -> _Worker:
        env = dict(os.environ)
        env["CONGVAN_RUNNER_PARENT"] = str(os.getpid())
        env[SCRATCH_ENV] = self._scratch
        if self.workers > 1:
            env.setdefault("OMP_THREAD_LIMIT", "1")  # one tesseract thread per worker: no oversubscription
        # the pool already keeps the cores busy with documents: fewer parallel OCR pages per document
        env.setdefault("CONGVAN_OCR_WORKERS", str(max(1, (os.cpu_count() or 1) // self.workers)))
        proc = subprocess.Popen([sys.executable, "-m", "pipelines.runner", "--worker", self.func],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                start_new_session=True, close_fds=True)
        worker = _Worker(proc)
        try:
            import psutil
            worker.ps = psutil.Process(proc.pid)
        except Exception:
            worker.ps = None
        self._pool.append(worker)
        self.stats["spawned"] += 1
        return worker

    def _kill(self, worker: _Worker) -> None:
        # the tools a busy worker runs (tesseract, LibreOffice) lead their own process groups: found
        # before the worker dies (afterwards they would be orphans), killed whole with it
        groups: set[int] = set()
        if worker.ps is not None and worker.proc.poll() is None:
            try:
                for child in worker.ps.children(recursive=True):
                    try:
                        groups.add(os.getpgid(child.pid))
                    except OSError:
                        pass
            except Exception:  # noqa: BLE001 — gone meanwhile
                pass
        groups.discard(os.getpgrp())
        groups.add(worker.proc.pid)
        for pgid in groups:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            worker.proc.kill()
        except ProcessLookupError:
            pass
        try:
            worker.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (worker.proc.stdin, worker.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except Exception:
                pass
        if worker in self._pool:
            self._pool.remove(worker)
        remove_stale_scratch(None)        # a LibreOffice work folder (a copy of the document) it left

    def _retire(self, worker: _Worker) -> None:
        """Graceful stop of an idle worker (recycling)."""
        try:
            _send(worker.proc.stdin, None)
            if worker.proc.stdin is not None:
                worker.proc.stdin.close()
            worker.proc.wait(timeout=5)
        except Exception:
            pass
        self._kill(worker)
        self.stats["recycled"] += 1

    def _retire_all(self, workers: list[_Worker]) -> None:
        """Graceful stop of idle workers, all at once (each exits in parallel with the others)."""
        for w in workers:
            try:
                _send(w.proc.stdin, None)
                if w.proc.stdin is not None:
                    w.proc.stdin.close()
            except Exception:
                pass
        deadline = time.monotonic() + 5
        for w in workers:
            try:
                w.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except Exception:
                pass
            self._kill(w)

    def _rss(self, worker: _Worker, children: bool = True) -> int:
        """RSS of a worker and (with `children`: a scan of all processes) its tesseract/soffice children."""
        if worker.ps is None:
            return 0
        try:
            total = worker.ps.memory_info().rss
            if not children:
                return total
            for child in worker.ps.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except Exception:
                    pass
            return total
        except Exception:
            return 0

    def _finish(self, job: _Job, outcome: Outcome) -> None:
        if not job.future.done():
            job.future.set_result(outcome)

    def _loop(self) -> None:
        from multiprocessing.connection import wait
        last_mem = 0.0
        while True:
            if not self._running.is_set():
                self._parked.set()
                self._running.wait()
            with self._lock:
                closed, pending = self._closed, len(self._pending)
            busy = sum(1 for w in self._pool if w.job is not None)
            if closed and not pending and not busy:
                self._retire_all(list(self._pool))
                return
            # start workers when there is work
            wanted = self.workers if self._eager and not closed else min(self.workers, pending + busy)
            while len(self._pool) < wanted and not self._broken:
                self._spawn()
            self._feed_prefetch()
            # hand out jobs
            for w in self._pool:
                if w.ready and w.job is None:
                    with self._lock:
                        job = self._pending.popleft() if self._pending else None
                    if job is None:
                        break
                    job.attempts += 1
                    w.job, w.started, w.kill_reason = job, time.monotonic(), None
                    try:
                        _send(w.proc.stdin, (job.id, job.arg))
                    except (BrokenPipeError, OSError):
                        pass  # its death is noticed below
            streams: dict[Any, _Worker] = {w.proc.stdout: w for w in self._pool}
            try:
                readable = wait([self._wake_r, *streams], timeout=self.poll)
            except OSError:
                readable = []
            for item in readable:
                if item == self._wake_r:
                    os.read(self._wake_r, 4096)
                    continue
                self._on_message(streams[item])
            now = time.monotonic()
            for w in list(self._pool):
                if w.job is not None and now - w.started > self.timeout:
                    w.kill_reason = ("timeout", f"the document took longer than {self.timeout:g} s")
                    self._kill_and_fail(w)
            if now - last_mem >= 0.5:
                last_mem = now
                for w in list(self._pool):
                    # tesseract/LibreOffice children belong to long jobs; finding them scans every
                    # process of the machine, so a job younger than this check's period skips it
                    # (its children are counted at the next check)
                    rss = self._rss(w, children=w.job is not None and now - w.started > 0.5)
                    if w.job is not None and rss > self.memory_mb * 2**20:
                        w.kill_reason = ("too_large", f"the document needed more than {self.memory_mb:g} MiB of memory")
                        self._kill_and_fail(w)
            if self._broken:
                self._fail_pending(self._broken)

    def _kill_and_fail(self, worker: _Worker) -> None:
        job, reason = worker.job, worker.kill_reason or ("internal", "the worker was stopped")
        self._kill(worker)
        self.stats[reason[0]] += 1
        if job is not None:
            self._finish(job, Outcome(job.arg, error_class=reason[0], message=reason[1],
                                      seconds=time.monotonic() - worker.started, attempts=job.attempts))

    def _fail_pending(self, reason: str) -> None:
        with self._lock:
            jobs = list(self._pending)
            self._pending.clear()
        for job in jobs:
            job.future.set_exception(RuntimeError(reason))

    def _on_message(self, worker: _Worker) -> None:
        try:
            message = _recv(worker.proc.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            self._on_death(worker)
            return
        if message[0] == "ready":
            worker.ready = True
            self.ready_seconds.append(round(time.monotonic() - worker.spawned, 3))
            self._startup_failures = 0
            return
        job_id, ok, payload = message
        job = worker.job
        if job is None or job.id != job_id:
            return
        worker.job = None
        worker.tasks += 1
        elapsed = time.monotonic() - worker.started
        if ok:
            outcome = Outcome(job.arg, value=payload, seconds=elapsed, attempts=job.attempts)
        else:
            outcome = Outcome(job.arg, error_class=payload[0], message=payload[1], seconds=elapsed,
                              attempts=job.attempts)
        self._finish(job, outcome)
        self.stats["done"] += 1
        rss = self._rss(worker, children=False)   # between documents its OCR/LibreOffice children are gone
        if worker.tasks == BASELINE_AFTER:
            worker.baseline = rss
        grown = (self.recycle_growth > 0 and worker.baseline and worker.tasks >= 2 * BASELINE_AFTER
                 and rss > worker.baseline * (1 + self.recycle_growth))
        if (self.max_tasks and worker.tasks >= self.max_tasks) or (self.recycle_mb and rss > self.recycle_mb * 2**20) or grown:
            self._retire(worker)

    def _on_death(self, worker: _Worker) -> None:
        job = worker.job
        try:
            code = worker.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self._kill(worker)
        if not worker.ready:
            self._startup_failures += 1
            if self._startup_failures >= 3:
                self._broken = f"worker processes cannot start (exit code {code}); is the environment broken?"
            if job is None:
                return
        self.stats["crashed"] += 1
        if job is None:
            return
        if code == -signal.SIGKILL:
            error_class, message = "too_large", "the worker was killed by the system (out of memory?)"
        else:
            name = signal.Signals(-code).name if code is not None and code < 0 else f"exit code {code}"
            error_class, message = "internal", f"the reader crashed ({name}); please report it"
        if error_class == "internal" and job.attempts <= self.crash_retries:
            with self._lock:
                self._pending.appendleft(job)  # one more try on a fresh worker
            return
        log.warning("document failed in worker: job=%s class=%s", job.id, error_class)
        self._finish(job, Outcome(job.arg, error_class=error_class, message=message,
                                  seconds=time.monotonic() - worker.started, attempts=job.attempts))


# --------------------------------------------------------------------------- records

def outcome_record(outcome: Outcome):
    """The `DocumentRecord` of an outcome (a failure becomes an error record with file info)."""
    if outcome.ok:
        return outcome.value
    from extractors.pipeline import file_info
    from models.enums import ErrorClass
    from models.record import DocumentRecord, FileInfo
    path = Path(outcome.arg)
    try:
        info = file_info(path)
    except OSError:
        info = FileInfo(path=str(path), name=path.name)
    return DocumentRecord(id=path.stem, error=outcome.message, file=info,
                          error_class=ErrorClass(outcome.error_class) if outcome.error_class else None)


_shared: Runner | None = None
_shared_lock = threading.Lock()


def shared_runner(workers: int | None = None) -> Runner:
    """One runner per process (the flow's tasks, or one per Dask worker process)."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared._closed or _shared._broken:
            _shared = Runner(workers=workers)
            import atexit
            atexit.register(_shared.close)
        return _shared


def shared_runner_pids() -> list[int]:
    """The worker processes of this process's shared runner (none when it has none)."""
    with _shared_lock:
        return _shared.pids() if _shared is not None else []


def shared_runner_timings() -> dict:
    """Start-up seconds of the shared runner's workers and its prefetch counts (for `CONGVAN_TIMINGS`)."""
    with _shared_lock:
        if _shared is None:
            return {}
        return {"workers_ready_s": _shared.ready_seconds[:8], "prefetched": _shared.stats["prefetched"],
                "prefetch_used": _shared.stats["prefetch_used"]}


def close_shared_runner() -> None:
    global _shared
    with _shared_lock:
        if _shared is not None:
            _shared.close()
            _shared = None


def extract_records(paths: list[str], runner: Runner | None = None) -> list[tuple]:
    """(record, worker seconds, stage) of the given files through the runner, in input order; stage
    is "worker" when the document was killed or crashed in its worker process, else None."""
    runner = runner or shared_runner()
    return [(outcome_record(outcome), round(outcome.seconds, 4), None if outcome.ok else "worker")
            for outcome in runner.map([str(p) for p in paths], ordered=True)]


def extract_paths(paths: list[str], runner: Runner | None = None) -> list[dict]:
    """Records (as JSON dicts, input order) of the given files through the runner."""
    records = []
    for record, seconds, stage in extract_records(paths, runner):
        data = record.model_dump(mode="json")
        data["_seconds"] = seconds
        if stage:
            data["_stage"] = stage
        records.append(data)
    return records


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--worker":
        worker_main(sys.argv[2])
    else:
        print("usage: python -m pipelines.runner --worker module:function", file=sys.stderr)
        sys.exit(2)
