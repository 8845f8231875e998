"""`congvan ingest` starts Prefect's temporary server itself only when no server is configured."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.prefect_server import TemporaryServer, configured_api_url


def test_api_url_from_environment_or_active_profile(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    assert configured_api_url() is None                      # no profiles file: nothing configured
    (tmp_path / "profiles.toml").write_text(
        'active = "work"\n[profiles.ephemeral]\nPREFECT_SERVER_ALLOW_EPHEMERAL_MODE = "true"\n'
        '[profiles.work]\nPREFECT_API_URL = "http://10.0.0.5:4200/api"\n', encoding="utf-8")
    assert configured_api_url() == "http://10.0.0.5:4200/api"
    monkeypatch.setenv("PREFECT_PROFILE", "ephemeral")
    assert configured_api_url() is None
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4300/api")
    assert configured_api_url() == "http://127.0.0.1:4300/api"
    assert TemporaryServer().start() is None                  # a configured server is used as it is


SERVER_ROUND_TRIP = """
import json, os, urllib.request
from pipelines.prefect_server import TemporaryServer
server = TemporaryServer().start()
ok = server.wait(180)
pid = server.pid
with urllib.request.urlopen(f"{server.url}/health", timeout=10) as response:
    status = response.status
name = open(f"/proc/{pid}/comm").read().strip() if os.path.exists(f"/proc/{pid}/comm") else None
cpu = server.cpu()
server.stop()
try:
    os.kill(pid, 0)
    gone = False
except ProcessLookupError:
    gone = True
print(json.dumps({"ok": ok, "status": status, "name": name, "cpu": cpu, "gone": gone, "pid_cleared": server.pid is None}))
"""


@pytest.mark.slow
def test_temporary_server_answers_and_stops(tmp_path):
    """The server forked from the CLI answers Prefect's health check, is named for `ps`, and is gone
    (reaped, not a zombie) after `stop`."""
    import json
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH")}
    env.update(PREFECT_HOME=str(tmp_path), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    run = subprocess.run([sys.executable, "-c", SERVER_ROUND_TRIP], env=env, capture_output=True, text=True,
                         timeout=300, cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["ok"] and result["status"] == 200
    assert result["name"] == "congvan-server" and result["cpu"] > 0
    assert result["gone"] and result["pid_cleared"]


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_temporary_server_dies_with_a_killed_cli(tmp_path):
    """SIGKILL skips atexit: the server must still not outlive the CLI (nightly runs get killed)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_PROFILE")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.txt").write_text("ỦY BAN NHÂN DÂN\nSố: 1/UBND\nV/v thử\n", encoding="utf-8")
    cli = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "ingest", str(inbox), "--no-progress",
                            "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "--jsonl", str(tmp_path / "r.jsonl"),
                            "--summary", str(tmp_path / "s.json")],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server_pid = None
    deadline = time.monotonic() + 60
    while server_pid is None and time.monotonic() < deadline and cli.poll() is None:
        children = subprocess.run(["pgrep", "-P", str(cli.pid), "-x", "congvan-server"], capture_output=True, text=True)
        server_pid = int(children.stdout.split()[0]) if children.stdout.split() else None
        time.sleep(0.1)
    assert server_pid is not None, "the CLI started no temporary server"
    cli.kill()
    cli.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and Path(f"/proc/{server_pid}").exists():
        state = Path(f"/proc/{server_pid}/stat").read_text().split()[2] if Path(f"/proc/{server_pid}/stat").exists() else "X"
        if state == "Z":
            break
        time.sleep(0.2)
    alive = Path(f"/proc/{server_pid}/stat").exists() and Path(f"/proc/{server_pid}/stat").read_text().split()[2] != "Z"
    if alive:
        os.kill(server_pid, signal.SIGKILL)
    assert not alive, "the temporary Prefect server outlived the killed CLI"


@pytest.mark.slow
def test_ingest_on_own_server_records_every_task_run_and_its_timings(tmp_path):
    """`congvan ingest` on its own temporary server: Prefect's database holds the flow run and every
    task run as Completed (the task-run recorder batches its writes and flushes them when the server
    stops), and CONGVAN_TIMINGS gets the run's marks in order with the server's and workers' CPU."""
    import json
    import sqlite3

    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_PROFILE")}
    home = tmp_path / "prefect"
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               CONGVAN_TIMINGS=str(tmp_path / "timings.json"))
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i in range(3):
        (inbox / f"cv{i}.txt").write_text(f"ỦY BAN NHÂN DÂN\nSố: {i + 1}/UBND\nV/v thử {i}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pipelines.cli", "ingest", str(inbox), "--no-progress",
                          "--batch-size", "1", "--workers", "1",
                          "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "--jsonl", str(tmp_path / "r.jsonl"),
                          "--summary", str(tmp_path / "s.json")], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    with sqlite3.connect(home / "prefect.db") as db:
        flow_runs = db.execute("SELECT id, state_type FROM flow_run").fetchall()
        parameters = db.execute("SELECT parameters FROM flow_run").fetchone()[0]
        task_runs = db.execute("SELECT state_type FROM task_run WHERE flow_run_id = ?", (flow_runs[0][0],)).fetchall()
    assert [state for _, state in flow_runs] == ["COMPLETED"]
    assert "db.sqlite" not in parameters   # the store URL (a password, maybe) is not kept by Prefect
    assert sorted(task_runs) == [("COMPLETED",)] * 3
    timings = json.loads((tmp_path / "timings.json").read_text())
    names = [name for name, _, _ in timings["marks"]]
    assert names == ["cli_start", "workers_spawned", "prefetch_submitted", "flows_imported", "engine_imported",
                     "server_spawned", "server_ready", "flow_call", "flow_returned", "workers_closed", "server_stop",
                     "server_stopped", "exit"]
    assert timings["threads_at_fork"] == ["MainThread", "congvan-runner"]   # the runner's loop parked
    walls = [wall for _, wall, _ in timings["marks"]]
    assert walls == sorted(walls)
    assert timings["procs"]["server"] >= timings["procs"]["server_boot"] > 0
    assert timings["procs"]["workers"] > 0 and len(timings["workers_ready_s"]) == 1
    assert timings["planned"] == 3 and timings["prefetch_used"] == timings["prefetched"] >= 1
