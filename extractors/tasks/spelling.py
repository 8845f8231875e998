"""OCR spelling of the names a task carries, by the document's own consensus: a syllable that OCR
read with a wrong tone (`thâm định`, `Phong`, `thị trân`) takes the spelling the same document
prints most often for the same letters (`thẩm định`, `Phòng`, `thị trấn`); a comma OCR put inside a
name (`Sở,Y tế`) goes when the document prints the name without it more often. Only pairs of
syllables are compared, so a word that is right on its own (`số`, `thì`) is never changed alone."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

from extractors.lang.fold import fold_chars
from models.record import Task

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class Spelling:
    """The document's spellings of each folded pair of syllables, with their counts: a syllable is
    respelled only in the company of its neighbour (`điểm thì` → `điểm thi` where the document
    prints `điểm thi` often; `số` stays `số` beside `Sở`), never alone."""

    def __init__(self, texts: list[str]):
        self.counts: Counter[str] = Counter()
        self.forms: dict[str, set[str]] = {}
        self.plain = " ".join(_nfc(t).lower() for t in texts)
        for t in texts:
            words = _WORD.findall(_nfc(t).lower())
            for a, b in zip(words, words[1:]):
                pair = f"{a} {b}"
                self.counts[pair] += 1
                self.forms.setdefault(fold_chars(pair.replace("ð", "đ")), set()).add(pair)

    def fix(self, name: str) -> str:
        name = _nfc(name)
        spans = list(_WORD.finditer(name))
        words = [m.group(0) for m in spans]
        for k in range(len(words) - 1):
            if name[spans[k].end():spans[k + 1].start()].strip():
                continue        # punctuation between them: no pair
            printed = f"{words[k]} {words[k + 1]}".lower()
            forms = self.forms.get(fold_chars(printed.replace("ð", "đ")), set())     # `Ð` (eth) read for Đ/D
            best = max(forms, key=lambda f: (self.counts[f], f == printed), default=printed)
            if best == printed or self.counts[best] < 3 or self.counts[best] < 3 * max(1, self.counts[printed]):
                continue
            a, b = best.split(" ")
            words[k], words[k + 1] = _recase(words[k], a), _recase(words[k + 1], b)
        out, last = [], 0
        for m, w in zip(spans, words):
            out.append(name[last:m.start()] + w)
            last = m.end()
        return self._commas("".join(out) + name[last:])

    def _commas(self, name: str) -> str:
        """`Sở,Y tế` (printed glued by OCR) → `Sở Y tế` when the document prints that more often."""
        for m in reversed(list(re.finditer(r"(\S+),\s*(\S+)", name))):
            left, right = m.group(1).lower(), m.group(2).lower()
            joined, glued = f"{left} {right}", f"{left},{right}"
            if m.group(2)[:1].isupper() and self.plain.count(glued) and \
                    self.plain.count(joined) >= max(2, self.plain.count(glued) + 1):
                name = name[:m.start()] + f"{m.group(1)} {m.group(2)}" + name[m.end():]
        return name


def _recase(printed: str, word: str) -> str:
    if printed.isupper() and len(printed) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if printed[:1].isupper() else word


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def respell(tasks: list[Task], texts: list[str]) -> list[Task]:
    """The tasks of an OCR'd document with their names (assignees, lead, co-bodies) respelled."""
    sp = Spelling(texts)
    for t in tasks:
        t.assignees = [sp.fix(n) for n in t.assignees]
        t.assignees_normalized = [sp.fix(n) for n in t.assignees_normalized]
        t.lead = sp.fix(t.lead) if t.lead else t.lead
        t.co = [sp.fix(n) for n in t.co]
    return tasks
