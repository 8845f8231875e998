"""Running external tools (tesseract, LibreOffice) safely: own process group, hard timeout.

A tool that hangs is killed with its whole process group (LibreOffice forks helpers),
and the failure becomes a `DocumentError` with a quarantine class. Files handed to a tool
go to a private scratch folder (`scratch_dir`).
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import subprocess
import tempfile

from extractors.errors import DocumentError
from models.settings import setting

# Process groups of the tools running now (this process's): `kill_tools` ends them when the
# worker must stop (its runner is gone). A tool is the leader of its own group, so one killpg
# reaches what it forked too (LibreOffice's soffice → oosplash → soffice.bin).
_RUNNING: set[int] = set()
_PR_SET_PDEATHSIG = 1


def _tie_to_parent() -> None:
    """In the tool's process before exec: SIGKILL when the process that started it dies, however it
    dies (PR_SET_PDEATHSIG); kept across exec."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # noqa: BLE001 — not Linux: the runner still kills the group
        pass


def kill_tools() -> None:
    """SIGKILL every running tool's whole process group (the worker is about to stop)."""
    for pgid in list(_RUNNING):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def run_tool(cmd: list[str], *, timeout: float, input: bytes | None = None, env: dict | None = None,
             cwd: str | None = None, what: str = "tool", fail_class: str = "internal") -> tuple[bytes, bytes]:
    """Run `cmd`; return (stdout, stderr). Timeout → class `timeout`; non-zero exit → `fail_class`.

    The tool is tied to this process three ways: its own process group, killed whole on timeout;
    the parent-death signal (it dies with the worker, also a worker killed by the runner's memory
    cap or timeout, or by the kernel); and `kill_tools` when the worker stops because its CLI died."""
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
                                start_new_session=True, preexec_fn=_tie_to_parent)
    except FileNotFoundError as exc:
        raise DocumentError(fail_class, f"{what} is not installed ({cmd[0]} not found)") from exc
    _RUNNING.add(proc.pid)
    try:
        out, err = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise DocumentError("timeout", f"{what} did not finish within {timeout:g} s and was stopped") from None
    except BaseException:
        _kill_group(proc)
        raise
    finally:
        _RUNNING.discard(proc.pid)
    try:                 # what the tool left running in its group (a LibreOffice helper) ends with it
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.returncode != 0:
        raise DocumentError(fail_class, f"{what} failed (exit {proc.returncode})")
    return out, err


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=5)
    except Exception:
        pass


SCRATCH_ENV = "CONGVAN_SCRATCH"
_SCRATCH: dict[int, str] = {}
_OWNED = re.compile(r"congvan-(?:run-)?(\d+)-")


def _scratch_parent() -> str | None:
    parent = setting("scratch")
    if parent and os.path.isdir(parent):
        return parent
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def scratch_dir() -> str:
    """This process's folder (mode 0700) for files handed to tools (page images of private
    documents): in memory (/dev/shm) where possible, inside `CONGVAN_SCRATCH` when set (the
    runner's folder for the run, `run_scratch`), removed at exit."""
    pid = os.getpid()
    folder = _SCRATCH.get(pid)
    if folder is None or not os.path.isdir(folder):
        parent = _scratch_parent()
        if not setting("scratch"):    # a run's worker: its runner removes what is left
            remove_stale_scratch(parent)
        folder = _SCRATCH[pid] = tempfile.mkdtemp(prefix=f"congvan-{pid}-", dir=parent)
        atexit.register(shutil.rmtree, folder, True)
    return folder


def run_scratch() -> str:
    """A new folder (mode 0700) holding the scratch folders of a run's worker processes; the
    runner removes it when the run ends, also what a killed worker left there."""
    parent = _scratch_parent()
    remove_stale_scratch(parent)
    if parent is not None:
        remove_stale_scratch(None)       # LibreOffice work folders of killed workers (`legacy_doc`)
    folder = tempfile.mkdtemp(prefix=f"congvan-run-{os.getpid()}-", dir=parent)
    atexit.register(shutil.rmtree, folder, True)     # a runner that is never closed
    return folder


def remove_stale_scratch(parent: str | None) -> None:
    """Remove our scratch folders (`congvan-<pid>-…` in `parent`, the system temp folder for None)
    whose process is gone (killed before it could clean up)."""
    try:
        entries = list(os.scandir(parent or tempfile.gettempdir()))
    except OSError:
        return
    for entry in entries:
        m = _OWNED.match(entry.name)
        try:
            if not m or not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
        except OSError:
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(entry.path, ignore_errors=True)
        except (PermissionError, OverflowError, ValueError):
            pass
