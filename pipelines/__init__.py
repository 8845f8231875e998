"""Orchestration: Prefect flows, the tracking store and the `congvan` CLI."""
from __future__ import annotations

from pathlib import Path

from models.settings import settings


def home() -> Path:
    """Where congvan keeps its outputs (default store, records, summaries): `$CONGVAN_HOME`, else the
    project folder this code runs from. Never the current folder: a command run elsewhere must find
    the same store, not silently create an empty one."""
    configured = settings().home
    return Path(configured).expanduser().resolve() if configured else Path(__file__).resolve().parent.parent


def outputs_dir() -> Path:
    return home() / "outputs"


def default_db_url() -> str:
    return f"sqlite:///{outputs_dir() / 'congvan.sqlite'}"
