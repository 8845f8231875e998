"""Shared by the task steps: OCR-tolerant matching on folded text, memoising per NLP state."""
from __future__ import annotations

import re
from functools import lru_cache, wraps

from extractors import nlp
from extractors.lang.fold import fold_chars

# cue words are matched on folded text so they survive OCR tone errors (`yêu câu` → `yeu cau`)
fold = lru_cache(maxsize=4096)(fold_chars)


def _memo_per_nlp_state(func):
    """Memoise a text analysis whose result holds lists of body names, per arguments and NLP
    state (`nlp.state()`: switches, the document's learned names): a section's text is asked
    about again by its parent, its lead-in and the co-bodies. Every caller gets its own lists;
    `.uncached` is the analysis itself."""
    @lru_cache(maxsize=4096)
    def cached(state: tuple, args: tuple, kwargs: tuple):
        return func(*args, **dict(kwargs))

    @wraps(func)
    def memoised(*args, **kwargs):
        found = cached(nlp.state(), args, tuple(sorted(kwargs.items())))
        return None if found is None else tuple(list(v) if isinstance(v, list) else v for v in found)

    memoised.uncached = func  # type: ignore[attr-defined]
    memoised.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    memoised.cache_parameters = cached.cache_parameters  # type: ignore[attr-defined]
    return memoised


class Folded:
    """A regex written in Vietnamese, matched on folded text (see `fold`)."""

    def __init__(self, pattern: str):
        self.rx = re.compile(fold(pattern), re.I)

    def match(self, text: str):
        return self.rx.match(fold(text))

    def search(self, text: str):
        return self.rx.search(fold(text))

    def finditer(self, text: str):
        return self.rx.finditer(fold(text))
