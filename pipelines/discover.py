"""Which files a run looks at: every regular file under the inputs, accounted for.

Files whose suffix is not a document type are returned as `skipped` (listed in the
run summary), never dropped silently. `plan_run` adds the content hashes and the store
lookup: which files a run extracts, and in which order.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from extractors.readers import SUPPORTED_SUFFIXES

IGNORED_NAMES = {".gitkeep", ".DS_Store", "Thumbs.db", "desktop.ini"}


def discover(inputs: list[str | Path]) -> tuple[list[Path], list[Path]]:
    """(documents, skipped) under the given files/folders, sorted, without duplicates."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and not _hidden(p, path))
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(str(path))
    seen, docs, skipped = set(), [], []
    for path in found:
        key = path.resolve()
        if key in seen or path.name in IGNORED_NAMES or path.name.endswith(".reason.json"):
            continue
        seen.add(key)
        (docs if path.suffix.lower() in SUPPORTED_SUFFIXES else skipped).append(path)
    return docs, skipped


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


@dataclass
class RunPlan:
    """What a run will do with its inputs: `new` files (first of their bytes, not stored yet at
    this extractor version) are extracted, in this order; `duplicates` follow what they duplicate."""
    paths: list[Path]
    skipped: list[Path]
    hashes: dict[str, str]
    new: list[Path]
    duplicates: list[Path]


def plan_run(inputs: list[str], store, processed_dir: str | None = None,
             quarantine_dir: str | None = None, stages: Counter | None = None) -> RunPlan:
    """Discover, hash and look up the inputs in `store` (the one place that decides what a run extracts)."""
    from pipelines import inbox
    stages = stages if stages is not None else Counter()
    tick = time.perf_counter()
    paths, skipped = discover(inputs)
    if processed_dir and quarantine_dir:
        outside = [Path(processed_dir).resolve(), Path(quarantine_dir).resolve()]
        paths = [p for p in paths if not any(p.resolve().is_relative_to(o) for o in outside)]
        skipped = [p for p in skipped if not any(p.resolve().is_relative_to(o) for o in outside)]
    stages["discover"] = time.perf_counter() - tick

    tick = time.perf_counter()
    hashes = {str(p): inbox.sha256_path(p) for p in paths}
    stages["hash"] = time.perf_counter() - tick
    tick = time.perf_counter()
    known = store.known_hashes(list(set(hashes.values())))
    stages["lookup"] = time.perf_counter() - tick

    new: list[Path] = []
    duplicates: list[Path] = []
    first_of: dict[str, Path] = {}
    for p in paths:
        h = hashes[str(p)]
        if h in known or h in first_of:
            duplicates.append(p)
        else:
            first_of[h] = p
            new.append(p)
    return RunPlan(paths, skipped, hashes, new, duplicates)
