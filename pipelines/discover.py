"""Which files a run looks at: every regular file under the inputs, accounted for.

Files whose suffix is not a document type are returned as `skipped` (listed in the
run summary), never dropped silently.
"""
from __future__ import annotations

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
