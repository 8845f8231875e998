"""Record types: the normalised layout model readers produce and the extracted records.

Names are imported on first use (PEP 562): `models.layout` alone does not import pydantic (the
CLI starts its workers before it needs the record model)."""
from __future__ import annotations

import importlib

_NAMES = {"Document": "layout", "Line": "layout", "Page": "layout", "Word": "layout",
          "DocumentRecord": "record", "FieldProvenance": "record", "Reference": "record", "Signer": "record",
          "Task": "record"}
__all__ = list(_NAMES)


def __getattr__(name: str):
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
