"""Orchestration: Prefect flows, the tracking store and the `congvan` CLI."""
