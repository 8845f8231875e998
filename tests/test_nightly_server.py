"""The nightly deployment for real: Prefect server on loopback, `prefect deploy` from
prefect.yaml, a process worker, a triggered run watched through the REST API."""
from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from flowkit import make_inbox, write_docx
from serverkit import PREFECT, ROOT, _api, _free_port, _start, _stop, _wait_healthy


@pytest.mark.slow
def test_nightly_deployment_on_a_real_server(tmp_path):
    if not Path(PREFECT).exists():
        pytest.skip("prefect CLI not installed")
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{tmp_path / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_WORKER_QUERY_SECONDS": "2",
        "PREFECT_WORKER_PREFETCH_SECONDS": "5",
    })
    inbox, processed, quarantine = tmp_path / "inbox", tmp_path / "processed", tmp_path / "quarantine"
    made = make_inbox(inbox, n_docx=3, n_txt=1)
    write_docx(inbox / "kem-theo.docx", 555)
    db_path = tmp_path / "store.sqlite"
    logs = tmp_path / "logs"
    logs.mkdir()
    procs = []
    try:
        server = _start([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env,
                        logs / "server.log")
        procs.append(server)
        _wait_healthy(api, server, logs / "server.log")
        client_env = {**env, "PREFECT_API_URL": api}
        params = {"inbox_dir": str(inbox), "processed_dir": str(processed), "quarantine_dir": str(quarantine),
                  "outputs_dir": str(tmp_path / "outputs")}
        subprocess.run([PREFECT, "work-pool", "create", "congvan-process", "--type", "process"],
                       env=client_env, cwd=ROOT, check=True, capture_output=True)
        deploy = subprocess.run([PREFECT, "--no-prompt", "deploy", "--name", "nightly-ingest",
                                 "--params", json.dumps(params)],
                                env=client_env, cwd=ROOT, capture_output=True, text=True)
        assert deploy.returncode == 0, deploy.stdout[-3000:] + deploy.stderr[-3000:]

        deployment = _api("GET", f"{api}/deployments/name/nightly/nightly-ingest")
        assert deployment["parameters"]["inbox_dir"] == str(inbox)
        assert deployment["parameters"]["db_url"] is None                   # no secret in the deployment
        schedule = deployment["schedules"][0]["schedule"]
        assert schedule["cron"] == "0 1 * * *" and schedule["timezone"] == "Asia/Ho_Chi_Minh"
        assert deployment["work_pool_name"] == "congvan-process"

        # the secret comes from the worker's environment
        worker = _start([PREFECT, "worker", "start", "--pool", "congvan-process"],
                        {**client_env, "CONGVAN_DB_URL": f"sqlite:///{db_path}", "CONGVAN_WORKERS": "2"},
                        logs / "worker.log")
        procs.append(worker)
        run = _api("POST", f"{api}/deployments/{deployment['id']}/create_flow_run", {})
        deadline = time.monotonic() + 600
        while True:
            state = _api("GET", f"{api}/flow_runs/{run['id']}")["state"]
            if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                break
            assert worker.poll() is None, (logs / "worker.log").read_text()[-3000:]
            assert time.monotonic() < deadline, f"run still {state['type']}: " + (logs / "worker.log").read_text()[-3000:]
            time.sleep(2)
        assert state["type"] == "COMPLETED", (logs / "worker.log").read_text()[-5000:]

        from pipelines.store import Store
        store = Store(f"sqlite:///{db_path}")
        assert store.count("documents") == 5 and store.count("quarantine") == 1 and store.count("runs") == 1
        assert list(inbox.iterdir()) == []
        assert {p.name for p in processed.iterdir()} == {p.name for p in made["good"]} | {"kem-theo.docx"}
        reason = json.loads((quarantine / "hong.docx.reason.json").read_text(encoding="utf-8"))
        assert reason["error_class"] == "corrupt" and reason["run_id"] == run["id"]
        assert reason["tool_versions"]["tesseract"]
        summaries = list((tmp_path / "outputs").glob("nightly-*.json"))
        assert len(summaries) == 1 and json.loads(summaries[0].read_text())["counts"]["ingested"] == 5

        artifacts = _api("POST", f"{api}/artifacts/filter",
                         {"artifacts": {"key": {"any_": ["nightly-summary"]}}})
        assert artifacts and artifacts[0]["flow_run_id"] == run["id"]
        assert "| ingested | 5 |" in artifacts[0]["data"] and "corrupt" in artifacts[0]["data"]
    finally:
        for proc in reversed(procs):
            _stop(proc)
