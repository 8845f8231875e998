"""The nightly deployment on Dask for real: a Prefect server, a process worker, a `dask scheduler`
and a `dask worker` on loopback; the deployment's run with `dask_address` ingests the inbox.

The deployment loads `pipelines/flows.py` by its path (module `flows`); the Dask workers must get
tasks they can import (issue 21: every document was quarantined as `internal` and the run ended
Completed because the scheduler could not import `flows`)."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from flowkit import make_inbox
from serverkit import PREFECT, ROOT, _api, _free_port, _start, _stop, _wait_healthy

pytest.importorskip("prefect_dask")
DASK = str(Path(sys.executable).with_name("dask"))


def _wait_run(api: str, run_id: str, worker, log: Path, seconds: float = 600) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        state = _api("GET", f"{api}/flow_runs/{run_id}")["state"]
        if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return state
        assert worker.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, f"run still {state['type']}: " + log.read_text()[-3000:]
        time.sleep(2)


@pytest.mark.slow
def test_nightly_deployment_on_a_dask_scheduler(tmp_path):
    if not (Path(PREFECT).exists() and Path(DASK).exists()):
        pytest.skip("prefect or dask CLI not installed")
    port, dask_port = _free_port(), _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "2",
        "PREFECT_WORKER_PREFETCH_SECONDS": "5",
        "PYTHONPATH": str(ROOT),                  # the Dask workers import the project from here
    })
    inbox, processed, quarantine = tmp_path / "inbox", tmp_path / "processed", tmp_path / "quarantine"
    made = make_inbox(inbox, n_docx=2, n_txt=1)
    db_path = tmp_path / "store.sqlite"
    logs = tmp_path / "logs"
    logs.mkdir()
    procs = []
    try:
        server = _start([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env,
                        logs / "server.log")
        procs.append(server)
        scheduler = _start([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(dask_port),
                            "--dashboard-address", ":0"], env, logs / "scheduler.log")
        procs.append(scheduler)
        dask_worker = _start([DASK, "worker", f"tcp://127.0.0.1:{dask_port}", "--nthreads", "1",
                              "--nworkers", "1", "--host", "127.0.0.1", "--dashboard-address", ":0"],
                             {**env, "CONGVAN_WORKERS": "1"}, logs / "dask-worker.log")
        procs.append(dask_worker)
        _wait_healthy(api, server, logs / "server.log")
        client_env = {**env, "PREFECT_API_URL": api}
        params = {"inbox_dir": str(inbox), "processed_dir": str(processed), "quarantine_dir": str(quarantine),
                  "outputs_dir": str(tmp_path / "outputs"), "dask_address": f"tcp://127.0.0.1:{dask_port}"}
        import subprocess
        subprocess.run([PREFECT, "work-pool", "create", "congvan-process", "--type", "process"],
                       env=client_env, cwd=ROOT, check=True, capture_output=True)
        deploy = subprocess.run([PREFECT, "--no-prompt", "deploy", "--name", "nightly-ingest",
                                 "--params", json.dumps(params)], env=client_env, cwd=ROOT, capture_output=True,
                                text=True)
        assert deploy.returncode == 0, deploy.stdout[-3000:] + deploy.stderr[-3000:]
        deployment = _api("GET", f"{api}/deployments/name/nightly/nightly-ingest")
        worker = _start([PREFECT, "worker", "start", "--pool", "congvan-process"],
                        {**client_env, "CONGVAN_DB_URL": f"sqlite:///{db_path}"}, logs / "worker.log")
        procs.append(worker)
        run = _api("POST", f"{api}/deployments/{deployment['id']}/create_flow_run", {})
        state = _wait_run(api, run["id"], worker, logs / "worker.log")
        assert state["type"] == "COMPLETED", (logs / "worker.log").read_text()[-5000:]
        from pipelines.store import Store
        with Store(f"sqlite:///{db_path}") as store:
            assert store.count("documents") == len(made["good"])
            quarantined = store.count("quarantine")
        assert quarantined == len(made.get("bad", [])), "good documents were quarantined"
        assert {p.name for p in processed.iterdir()} == {p.name for p in made["good"]}
        assert "internal" not in (logs / "worker.log").read_text()
    finally:
        for proc in reversed(procs):
            _stop(proc)
