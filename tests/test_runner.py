"""The worker pool: timeouts, memory caps and crashes become outcomes; the batch goes on."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from pipelines.runner import Runner, extract_paths

FAKE = f"{Path(__file__).resolve()}:fake_extract"


def fake_extract(arg: str):
    """Test hook run inside the worker: the argument says what to do."""
    kind, _, value = arg.partition(":")
    if kind == "ok":
        return {"arg": arg, "pid": os.getpid()}
    if kind == "sleep":
        time.sleep(float(value))
        return {"arg": arg}
    if kind == "alloc":  # touch the memory so RSS really grows
        blocks = [bytearray(b"\x01" * (64 * 2**20)) for _ in range(int(value) // 64)]
        time.sleep(3)
        return {"arg": arg, "n": len(blocks)}
    if kind == "childalloc":  # a helper process (as tesseract or LibreOffice) grows, the worker does not
        import subprocess
        import sys
        code = f"b = bytearray(b'\\x01' * ({int(value)} * 2**20)); import time; time.sleep(30)"
        subprocess.run([sys.executable, "-c", code], timeout=60)
        return {"arg": arg}
    if kind == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    if kind == "oomkill":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "raise":
        raise ValueError("boom")
    if kind == "scratch":   # a file in the worker's scratch folder (as OCR writes page images)
        from extractors.readers.proc import scratch_dir
        path = Path(scratch_dir()) / "page.pgm"
        path.write_bytes(b"P5 1 1 255 \x00")
        time.sleep(float(value))
        return {"arg": arg, "path": str(path)}
    if kind == "print":
        print("noise on stdout must not break the protocol")
        return {"arg": arg}
    raise AssertionError(arg)


def test_bad_documents_do_not_stop_the_batch():
    args = ["ok:1", "sleep:120", "ok:2", "segv:", "alloc:1024", "ok:3", "oomkill:", "raise:", "print:", "ok:4"]
    with Runner(workers=2, timeout=8, memory_mb=400, func=FAKE) as runner:
        outcomes = {o.arg: o for o in runner.map(args)}
        stats = dict(runner.stats)
    assert set(outcomes) == set(args)
    for a in ("ok:1", "ok:2", "ok:3", "ok:4", "print:"):
        assert outcomes[a].ok and outcomes[a].value["arg"] == a, outcomes[a]
    assert outcomes["sleep:120"].error_class == "timeout", outcomes["sleep:120"]
    assert outcomes["sleep:120"].seconds < 60
    assert outcomes["alloc:1024"].error_class == "too_large", outcomes["alloc:1024"]
    assert outcomes["segv:"].error_class == "internal", outcomes["segv:"]
    assert outcomes["segv:"].attempts == 2          # retried once on a fresh worker
    assert outcomes["oomkill:"].error_class == "too_large"
    assert outcomes["raise:"].error_class == "internal"
    assert stats["timeout"] == 1 and stats["too_large"] == 1


def test_scratch_files_are_private_and_gone_after_the_run_even_from_a_killed_worker():
    with Runner(workers=1, timeout=4, func=FAKE) as runner:
        scratch = Path(runner._scratch)
        outcomes = {o.arg: o for o in runner.map(["scratch:0", "scratch:60"])}
        written = Path(outcomes["scratch:0"].value["path"])
        assert written.parent.parent == scratch and written.exists()
        assert written.parent.stat().st_mode & 0o777 == 0o700 and scratch.stat().st_mode & 0o777 == 0o700
        assert outcomes["scratch:60"].error_class == "timeout"   # killed: its file stays until the end
    assert not scratch.exists()


def test_scratch_left_by_a_killed_run_is_removed_by_the_next():
    import subprocess
    import sys
    import tempfile

    from extractors.readers.proc import _scratch_parent

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()                                            # a pid that no longer runs
    stale = Path(tempfile.mkdtemp(prefix=f"congvan-run-{gone.pid}-", dir=_scratch_parent()))
    (stale / "congvan-1-x").mkdir()
    (stale / "congvan-1-x" / "page.pgm").write_bytes(b"private page")
    mine = Path(tempfile.mkdtemp(prefix=f"congvan-run-{os.getpid()}-", dir=_scratch_parent()))
    try:
        with Runner(workers=1, func=FAKE) as runner:
            list(runner.map(["ok:1"]))
        assert not stale.exists()
        assert mine.exists()                               # a live process's folder is kept
    finally:
        import shutil
        shutil.rmtree(stale, ignore_errors=True)
        shutil.rmtree(mine, ignore_errors=True)


def test_workers_are_long_lived_and_ordered_results():
    args = [f"ok:{i}" for i in range(20)]
    with Runner(workers=2, func=FAKE) as runner:
        outcomes = list(runner.map(args, ordered=True))
        spawned = runner.stats["spawned"]
    assert [o.arg for o in outcomes] == args
    assert len({o.value["pid"] for o in outcomes}) <= 2
    assert spawned == 2


def test_recycling_after_max_tasks():
    with Runner(workers=1, max_tasks=3, func=FAKE) as runner:
        pids = [o.value["pid"] for o in runner.map([f"ok:{i}" for i in range(7)], ordered=True)]
    assert len(set(pids)) == 3
    assert pids[0] == pids[2] != pids[3]


def test_real_files_through_the_runner(tmp_path):
    good = tmp_path / "cv.txt"
    good.write_text("ỦY BAN NHÂN DÂN TỈNH X\nSố: 12/UBND-VP\nV/v thử nghiệm\n", encoding="utf-8")
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with Runner(workers=2) as runner:
        records = extract_paths([str(good), str(bad)], runner)
    assert [r["id"] for r in records] == ["cv", "broken"]
    assert records[0]["error"] is None and records[0]["file"]["sha256"]
    assert records[1]["error_class"] == "corrupt" and records[1]["file"]["name"] == "broken.docx"


def test_close_stops_all_workers_gracefully():
    """Closing asks every idle worker to stop at once; each exits by itself (code 0, not killed)
    and the RSS check between documents (worker only) still sees the worker."""
    with Runner(workers=2, func=FAKE).prestart() as runner:
        deadline = time.monotonic() + 120
        while len(runner.ready_seconds) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        list(runner.map([f"ok:{i}" for i in range(6)]))
        procs = [w.proc for w in runner._pool]
        assert all(runner._rss(w, children=False) > 0 for w in runner._pool)
    assert len(procs) == 2 and [p.returncode for p in procs] == [0, 0]


def test_prefetched_jobs_are_taken_not_repeated_and_unclaimed_ones_dropped():
    """`prefetch` feeds jobs to idle workers until the first `submit`; `submit` of a prefetched
    argument gets that job (no second run); jobs never asked for do not hold up `close`."""
    with Runner(workers=1, func=FAKE).prestart() as runner:
        runner.prefetch(["ok:1", "ok:2", "ok:1", "ok:4"], limit=3)
        deadline = time.monotonic() + 120
        while runner.stats["done"] < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert runner.stats["prefetched"] == 3 and runner.stats["done"] == 3   # the limit holds
        outcomes = list(runner.map(["ok:1", "ok:2", "ok:3"], ordered=True))
        assert [o.arg for o in outcomes] == ["ok:1", "ok:2", "ok:3"] and all(o.ok for o in outcomes)
        assert runner.stats["done"] == 4 and runner.stats["prefetch_used"] == 2
        runner.prefetch([f"sleep:{2 + i}" for i in range(5)])
        runner.submit("ok:5").result()              # real work began: prefetching stops
        assert runner.stats["prefetched"] <= 4
    assert not runner._prefetched and runner.stats["done"] <= 6


def test_memory_of_a_workers_child_processes_counts():
    """The cap covers the worker's tree: a converter child using too much memory ends its document
    as too_large (counted by the periodic check, which looks for children of jobs older than 0.5 s)."""
    with Runner(workers=1, timeout=40, memory_mb=300, func=FAKE) as runner:
        started = time.monotonic()
        outcomes = {o.arg: o for o in runner.map(["childalloc:600", "ok:1"])}
    assert outcomes["childalloc:600"].error_class == "too_large", outcomes["childalloc:600"]
    assert time.monotonic() - started < 30
    assert outcomes["ok:1"].ok
