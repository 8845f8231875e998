"""Is a text layer (or an OCR result) real Vietnamese? Per-page triage for PDFs.

A page's text layer is trusted when most of its word tokens are valid Vietnamese
syllables and enough of them carry Vietnamese diacritics; a broken OCR layer
(`CQNG HOA xA HQI`), mojibake, `(cid:N)` glyph codes or Latin noise fail. Scanned
regions (large images with no text over them) are listed for OCR so a hybrid page
(image letterhead over a text body) keeps both parts.

A text layer lying over a scanned page image is an earlier OCR's: it is held to the
standard of print (`ocr_layer_garbled`): foreign symbols (`Số:⁄ÖÊ`, `ngày 0§`), syllables
split into letters (`Kí nh g ửi`, `T h ôn g`), invalid syllables or words outside the
Vietnamese word list beyond what print or a good OCR shows send the page to OCR again.
Born-digital pages (no page image under the text) keep the looser test above.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from extractors.lang.lexicon import is_known_syllable
from extractors.lang.quality import CID, TOKEN, TextQuality, text_quality
from extractors.lang.syllable import is_syllable


@dataclass
class PageTriage:
    method: str                       # text | ocr | hybrid | empty
    reason: str
    regions: list[tuple[float, float, float, float]] = field(default_factory=list)  # page units, to OCR
    quality: TextQuality | None = None


MIN_REGION_SHARE = 0.06     # an image smaller than this share of the page is a logo/seal, not a scan
FULL_PAGE_SHARE = 0.85      # a region this large is OCR'd as the whole page
TEXT_COVER_SCANNED = 0.03   # word boxes covering less than this share of an image: nothing typed over it


def _overlap(a, b) -> float:
    x0, top = max(a[0], b[0]), max(a[1], b[1])
    x1, bottom = min(a[2], b[2]), min(a[3], b[3])
    return max(0.0, x1 - x0) * max(0.0, bottom - top)


# An earlier OCR layer over a scan is redone when it shows what print never does: a few
# foreign letters or symbols (`⁄ÖÊ`, `0§`, `Š`), or many syllables split into letters, or
# many tokens that are no Vietnamese syllable (dev set: print and our OCR stay far inside).
MIN_ODD_TOKENS = 2          # tokens with letters/symbols outside Vietnamese print …
MAX_ODD = 0.005             # … and their share
MAX_SPLIT = 0.06            # letter fragments: 1-2 letter tokens that are no syllable
MIN_VALID = 0.88            # letter tokens that are Vietnamese syllables
MAX_UNKNOWN = 0.15          # lower-case syllables outside the word list
_VI_MARKS = set("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")
_ODD_SYMBOLS = set("§¤⁄†‡¦¬¶¿¡«»‰¢£¥µ©®™ƒ")


def _odd_char(ch: str) -> bool:
    """A character of OCR noise: a letter outside the Vietnamese alphabet (`Ö`, `Š`, `ß`) or a
    symbol Vietnamese print does not use (`§`, `⁄`)."""
    if ch in _ODD_SYMBOLS:
        return True
    if not ch.isalpha() or ch in "đĐ":
        return False
    base, *marks = list(unicodedata.normalize("NFD", ch))
    return not ("a" <= base.lower() <= "z") or any(m not in _VI_MARKS for m in marks)


@dataclass
class LayerSigns:
    tokens: int = 0
    odd: float = 0.0           # share of tokens holding foreign symbols
    split: float = 0.0         # share of letter tokens that are fragments of a split syllable
    valid: float = 1.0         # share of letter tokens that are Vietnamese syllables
    unknown: float = 0.0       # share of lower-case syllables not in the word list

    @property
    def garbled(self) -> bool:
        if self.tokens < 30:
            return False       # too little text to judge (an e-signature box, a caption)
        odd_tokens = round(self.odd * self.tokens)
        return ((odd_tokens >= MIN_ODD_TOKENS and self.odd > MAX_ODD) or self.split > MAX_SPLIT
                or self.valid < MIN_VALID or self.unknown > MAX_UNKNOWN)

    def describe(self) -> str:
        return (f"odd {self.odd:.2f}, split {self.split:.2f}, valid {self.valid:.2f}, "
                f"unknown {self.unknown:.2f}")


def layer_signs(text: str) -> LayerSigns:
    """How much a text layer looks like a garbled OCR of print (see the module notes)."""
    tokens = text.split()
    if not tokens:
        return LayerSigns()
    odd = sum(1 for t in tokens if any(_odd_char(ch) for ch in t))
    letters = [t for t in (re.sub(r"[\W\d_]", "", t) for t in tokens) if t]
    # abbreviations in capitals (UBND, QĐ-TTg) are neither syllables nor fragments
    words = [t for t in letters if not (t.isupper() and len(t) > 1 and not is_syllable(t))]
    split = sum(1 for t in words if len(t) <= 2 and not is_syllable(t))
    valid = sum(1 for t in words if is_syllable(t))
    lower = [t for t in words if t.islower() and is_syllable(t)]
    known = [is_known_syllable(t) for t in lower]
    unknown = sum(1 for k in known if k is False)
    return LayerSigns(tokens=len(tokens), odd=odd / len(tokens), split=split / max(len(words), 1),
                      valid=valid / max(len(words), 1),
                      unknown=unknown / max(sum(1 for k in known if k is not None), 1))


def _plain_foreign(text: str) -> bool:
    """Typed text in another language (a bilingual form: `Full name (in capital letter)`): the
    words that are no Vietnamese syllable are plain ASCII words, not mojibake (`§¶ng bé c¬`)."""
    others = [t for t in TOKEN.findall(CID.sub(" ", text)) if not is_syllable(t)]
    plain = [t for t in others if t.isascii() and len(t) >= 2]
    return len(others) >= 3 and len(plain) >= 0.85 * len(others)


def _only_signature_boxes(text: str) -> bool:
    """The text layer of a signed scan that holds nothing but the e-signature boxes (`Ký bởi: …`,
    `Email: …`, `Cơ quan: …`, `Thời gian ký: …`): the page itself is the image under it."""
    from extractors.vocab import is_stamp_text

    lines = [l for l in text.splitlines() if l.strip()]
    if not lines or len(lines) > 20:
        return False
    stamp = sum(1 for l in lines if is_stamp_text(l))
    return stamp >= 2 and stamp >= 0.6 * len(lines)


def _over_scan(words: list, big: list[tuple[float, float, float, float]], area: float) -> bool:
    """Does the text lie over a scanned page image (the image covers most of the page and
    most words sit on it)?"""
    if not big or sum((b[2] - b[0]) * (b[3] - b[1]) for b in big) < 0.5 * area:
        return False
    on = sum(1 for w in words if any(b[0] - 1 <= (w.x0 + w.x1) / 2 <= b[2] + 1 and
                                     b[1] - 1 <= (w.top + w.bottom) / 2 <= b[3] + 1 for b in big))
    return on >= 0.8 * len(words)


def triage_page(words: list, text: str, images: list[tuple[float, float, float, float]],
                width: float, height: float) -> PageTriage:
    """Decide how to read one PDF page from its text-layer words and image boxes."""
    area = max(width * height, 1.0)
    quality = text_quality(text)
    page_box = (0.0, 0.0, width, height)
    big = []
    for box in images:
        box = (max(0.0, box[0]), max(0.0, box[1]), min(width, box[2]), min(height, box[3]))
        if box[2] - box[0] <= 0 or box[3] - box[1] <= 0:
            continue
        if (box[2] - box[0]) * (box[3] - box[1]) >= MIN_REGION_SHARE * area:
            big.append(box)
    if not words:
        if big:
            return PageTriage("ocr", "no text layer, scanned image", [page_box], quality)
        return PageTriage("ocr", "no text layer", [page_box], quality)
    if quality.cid > max(3, quality.tokens // 20) or (
            not quality.trusted and quality.tokens >= 3 and (big or not _plain_foreign(text))):
        return PageTriage("ocr", "text layer is not Vietnamese (broken OCR layer, mojibake or cid codes)",
                          [page_box], quality)
    if big and _only_signature_boxes(text):
        return PageTriage("ocr", "scanned page whose text layer holds only e-signature boxes", [page_box], quality)
    if _over_scan(words, big, area):
        signs = layer_signs(text)
        if signs.garbled:
            return PageTriage("ocr", f"earlier OCR layer over a scan is garbled ({signs.describe()})",
                              [page_box], quality)
    regions = []
    for box in big:
        box_area = (box[2] - box[0]) * (box[3] - box[1])
        covered = sum(_overlap(box, (w.x0, w.top, w.x1, w.bottom)) for w in words)
        if covered < TEXT_COVER_SCANNED * box_area:
            regions.append(box)
    if not regions:
        return PageTriage("text", "trusted text layer", [], quality)
    total = sum((b[2] - b[0]) * (b[3] - b[1]) for b in regions)
    if total >= FULL_PAGE_SHARE * area:
        return PageTriage("ocr", "scanned page with a few text-layer words (e-signature stamp)", [page_box], quality)
    return PageTriage("hybrid", "text layer plus scanned image regions", regions, quality)
