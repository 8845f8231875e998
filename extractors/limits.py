"""Resource limits for reading untrusted files: `models.settings.Limits` (every variable is read there)."""
from __future__ import annotations

from models.settings import Limits

__all__ = ["Limits"]
