"""Wall/CPU marks of one `congvan ingest` run (`CONGVAN_TIMINGS=file.json`): the one
instrumentation helper of the CLI, the temporary server and the throughput benchmark."""
from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from models.settings import settings


class Timings:
    """Wall/CPU marks of one `congvan ingest` (env `CONGVAN_TIMINGS=file.json`; the throughput
    benchmark prints them as ingest's breakdown). Marks are (name, wall since the process
    started, this process's CPU seconds); `procs` holds the CPU of the server and the workers
    read just before they stop."""

    def __init__(self) -> None:
        self.path = settings().timings or None
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

    @contextlib.contextmanager
    def span(self, start: str, end: str):
        """Mark `start` on entry and `end` on exit (also when the block raises)."""
        self.mark(start)
        try:
            yield
        finally:
            self.mark(end)

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


TIMINGS = Timings()
