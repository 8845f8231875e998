"""`congvan ingest` starts Prefect's temporary server itself only when no server is configured."""
from __future__ import annotations

import urllib.request

import pytest

from pipelines.cli import TemporaryServer, _configured_api_url


def test_api_url_from_environment_or_active_profile(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    assert _configured_api_url() is None                      # no profiles file: nothing configured
    (tmp_path / "profiles.toml").write_text(
        'active = "work"\n[profiles.ephemeral]\nPREFECT_SERVER_ALLOW_EPHEMERAL_MODE = "true"\n'
        '[profiles.work]\nPREFECT_API_URL = "http://10.0.0.5:4200/api"\n', encoding="utf-8")
    assert _configured_api_url() == "http://10.0.0.5:4200/api"
    monkeypatch.setenv("PREFECT_PROFILE", "ephemeral")
    assert _configured_api_url() is None
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4300/api")
    assert _configured_api_url() == "http://127.0.0.1:4300/api"
    assert TemporaryServer().start() is None                  # a configured server is used as it is


@pytest.mark.slow
def test_temporary_server_answers_and_stops(tmp_path, monkeypatch):
    for name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    server = TemporaryServer().start()
    assert server is not None and server.url.startswith("http://127.0.0.1:")
    try:
        assert server.wait(180)
        with urllib.request.urlopen(f"{server.url}/health", timeout=10) as response:
            assert response.status == 200
    finally:
        proc = server.proc
        server.stop()
    assert server.proc is None and proc.poll() is not None
