"""The task extractor's word tables (`extractors/data/task_words.json`), validated when loaded."""
from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

from extractors.lang.fold import fold_chars

DATA = Path(__file__).resolve().parent.parent / "data" / "task_words.json"
_LISTS = ("role_heads", "not_heads", "person_heads", "duty_verbs", "action_verbs", "closing_openers", "invitation_markers",
          "report_heads", "light_verbs")
VERSION = 1


@lru_cache(maxsize=1)
def tables() -> dict[str, tuple[str, ...]]:
    """Every list of the data file, lower case; a missing list, a non-string entry or another
    version is an error (raised at first use, so a broken file fails the tests)."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    if raw.get("version") != VERSION:
        raise ValueError(f"{DATA.name}: version {raw.get('version')!r}, expected {VERSION}")
    out: dict[str, tuple[str, ...]] = {}
    for key in _LISTS:
        items = raw.get(key)
        if not isinstance(items, list) or not items or not all(isinstance(x, str) and x.strip() for x in items):
            raise ValueError(f"{DATA.name}: `{key}` must be a non-empty list of strings")
        out[key] = tuple(dict.fromkeys(" ".join(x.lower().split()) for x in items))
    return out


def _alternation(key: str, folded: bool) -> str:
    """The list as a regex alternation, longest first."""
    words = sorted(tables()[key], key=len, reverse=True)
    f = fold_chars if folded else (lambda w: w)
    return "|".join(r"\s+".join(re.escape(f(w)) for w in x.split()) for x in words)


@cache
def pattern(key: str, anchored: bool = True, folded: bool = False) -> re.Pattern:
    """`key`'s phrases as one regex, each a whole word sequence; to be matched on lower-case NFC
    text, or on folded text (`fold_chars`, OCR-tolerant: only for phrases of several words) when
    `folded`. Anchored: at the start of the text."""
    return re.compile(("^" if anchored else r"(?<!\w)") + "(?:" + _alternation(key, folded) + r")(?!\w)", re.I)
