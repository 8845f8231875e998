"""Diacritic repair of OCR'd words against a Vietnamese word list.

Tesseract often reads the right letters with a wrong tone or vowel mark on capitals
(`SỞ Y TẺ`, `THÀNH PHÓ`, `ĐAO TẠO`). Within one OCR line, a run of 2-3 syllables that is
not a dictionary word but has exactly one closest dictionary word with the same bare
letters (`y tẻ` → `y tế`, `thành phó` → `thành phố`) is replaced, when the syllables to
change were read with less than full confidence. The word list is `extractors.lang.lexicon`
(Viet74K, shipped with underthesea); without it nothing is changed.
"""
from __future__ import annotations

import logging
import unicodedata

from extractors.lang.lexicon import bare, lexicon
from extractors.lang.tones import modern_tones

log = logging.getLogger("congvan.ocr")

MAX_CONF_TO_CHANGE = 0.96     # a syllable read with higher confidence is left alone
_PUNCT = ".,;:!?()[]\"'“”‘’-–—/…"


def _distance(a: str, b: str) -> int:
    """Characters that differ (same length strings of the same bare letters)."""
    return sum(1 for x, y in zip(unicodedata.normalize("NFC", a), unicodedata.normalize("NFC", b)) if x != y)


def _recase(template: str, word: str) -> str:
    if template.isupper():
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _split(token: str) -> tuple[str, str, str]:
    start, end = 0, len(token)
    while start < end and token[start] in _PUNCT:
        start += 1
    while end > start and token[end - 1] in _PUNCT:
        end -= 1
    return token[:start], token[start:end], token[end:]


def repair_words(texts: list[str], confs: list[float]) -> list[str]:
    """Diacritic-repaired copies of one OCR line's word texts (same length).

    Syllables that already form a dictionary word with a neighbour are kept; among the
    remaining 2-3 syllable runs, corrections that change exactly one syllable (by at most
    two marks) are applied, smallest change first. A run in Title Case (a person's name)
    is only touched when the syllable was read with low confidence.
    """
    words, by_bare = lexicon()
    if not by_bare or len(texts) < 2:
        return texts
    parts = [_split(t) for t in texts]
    n_tokens = len(texts)

    def spans():
        for n in (3, 2):
            for i in range(0, n_tokens - n + 1):
                span = range(i, i + n)
                cores = [parts[k][1] for k in span]
                if not all(c.isalpha() for c in cores):
                    continue
                if any(parts[k][2] for k in span[:-1]) or any(parts[k][0] for k in span[1:]):
                    continue
                yield span, cores

    def key(cores):
        return modern_tones(unicodedata.normalize("NFC", " ".join(cores).lower()))

    protected = [False] * n_tokens
    for span, cores in spans():
        if key(cores) in words:
            for k in span:
                protected[k] = True
    proposals = []
    for span, cores in spans():
        phrase = key(cores)
        if phrase in words:
            continue
        candidates = by_bare.get(bare(phrase))
        if not candidates:
            continue
        scored = sorted((_distance(phrase, c), c) for c in candidates if len(c) == len(phrase))
        if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]) or scored[0][0] > 2:
            continue
        best = scored[0][1].split()
        originals = phrase.split()
        changed = [k for k, new in zip(span, best) if new != originals[k - span[0]]]
        if len(changed) != 1:
            continue
        if len(span) == 2 and any(protected[k] for k in span):
            continue                   # the neighbour already belongs to another word
        k = changed[0]
        title = all(c[:1].isupper() and c[1:].islower() for c in cores)
        if protected[k] or confs[k] >= (0.6 if title else MAX_CONF_TO_CHANGE):
            continue
        proposals.append((scored[0][0], confs[k], k, best[k - span[0]]))
    out = list(texts)
    done = set()
    for _, _, k, new in sorted(proposals):
        if k in done:
            continue
        done.add(k)
        out[k] = parts[k][0] + _recase(parts[k][1], new) + parts[k][2]
    return out
