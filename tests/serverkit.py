"""Real Prefect servers and workers for the deployment tests: free ports, the REST API, processes
started in their own session (so a stop takes their children too), and waiting for a server."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(method: str, url: str, body: dict | None = None):
    import httpx
    response = httpx.request(method, url, json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_healthy(api: str, server: subprocess.Popen, log: Path, seconds: float = 300) -> None:
    """Until the server at `api` answers its health check; fails with its log when it exits first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            _api("GET", f"{api}/health")
            return
        except Exception:
            assert server.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the Prefect server did not come up"
            time.sleep(1)
