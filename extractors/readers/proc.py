"""Running external tools (tesseract, LibreOffice) safely: own process group, hard timeout.

A tool that hangs is killed with its whole process group (LibreOffice forks helpers),
and the failure becomes a `DocumentError` with a quarantine class.
"""
from __future__ import annotations

import os
import signal
import subprocess

from extractors.errors import DocumentError


def run_tool(cmd: list[str], *, timeout: float, input: bytes | None = None, env: dict | None = None,
             cwd: str | None = None, what: str = "tool", fail_class: str = "internal") -> tuple[bytes, bytes]:
    """Run `cmd`; return (stdout, stderr). Timeout → class `timeout`; non-zero exit → `fail_class`."""
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
                                start_new_session=True)
    except FileNotFoundError as exc:
        raise DocumentError(fail_class, f"{what} is not installed ({cmd[0]} not found)") from exc
    try:
        out, err = proc.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise DocumentError("timeout", f"{what} did not finish within {timeout:g} s and was stopped") from None
    except BaseException:
        _kill_group(proc)
        raise
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
