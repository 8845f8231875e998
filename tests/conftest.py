"""Shared test setup: `import generator` (samples/generator.py) works in every test module."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
if str(SAMPLES) not in sys.path:
    sys.path.insert(0, str(SAMPLES))


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The committed sample documents (samples/docs) and expected records (samples/expected)."""
    return SAMPLES
