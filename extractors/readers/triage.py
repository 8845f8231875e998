"""Is a text layer (or an OCR result) real Vietnamese? Per-page triage for PDFs.

A page's text layer is trusted when most of its word tokens are valid Vietnamese
syllables and enough of them carry Vietnamese diacritics; a broken OCR layer
(`CQNG HOA xA HQI`), mojibake, `(cid:N)` glyph codes or Latin noise fail. Scanned
regions (large images with no text over them) are listed for OCR so a hybrid page
(image letterhead over a text body) keeps both parts.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field

# Vietnamese syllable: onset + rhyme, checked on the tone-less lower-case form.
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
_RHYME = (r"(?:"
          r"oă[cmnpt]|oa(?:ch|ng|nh|[cimnpty])?|oe[nt]?|oo[cn]g?|uâ[nty]|uâng|uyê[nt]|uy[chnpu]?|uy|"
          r"uê(?:ch|nh)?|uơ|"
          r"iê(?:ng|[cmnptu])|yê(?:ng|[mnptu])|ươ(?:ng|[cimnptu])|uô(?:ng|[cimnt])|"
          r"ia|ua|ưa|"
          r"a(?:ch|ng|nh|[cimnptuo y])?|ă(?:ng|[cmnpt])|â(?:ng|[cmnptuy])|"
          r"e(?:ng|[cmnpto])?|ê(?:ch|nh|[mnptu])?|i(?:ch|nh|[cmnptu])?|"
          r"o(?:ng|[cimnpt])?|ô(?:ng|[cimnpt])?|ơ(?:[imnpt])?|"
          r"u(?:ng|[cimnpt])?|ư(?:ng|[cimnptu])?|y(?:[ntu])?"
          r")").replace(" ", "")
_SYLLABLE = re.compile(f"^{_ONSET}{_RHYME}$")
_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"), None)
_VIET_MARKS = set("ăâđêôơưĂÂĐÊÔƠƯ") | set("\u0300\u0301\u0303\u0309\u0323")
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
_CID = re.compile(r"\(cid:\d+\)")


def _toneless(token: str) -> str:
    decomposed = unicodedata.normalize("NFD", token.lower()).translate(_TONES)
    return unicodedata.normalize("NFC", decomposed)


@lru_cache(maxsize=65536)
def is_syllable(token: str) -> bool:
    """True when `token` (letters only) is a well-formed Vietnamese syllable."""
    return bool(_SYLLABLE.match(_toneless(token)))


def _has_marks(token: str) -> bool:
    return any(ch in _VIET_MARKS for ch in unicodedata.normalize("NFD", token))


@dataclass
class TextQuality:
    tokens: int = 0            # letter tokens considered
    valid: float = 0.0         # share of tokens that are Vietnamese syllables
    marked: float = 0.0        # share of tokens carrying Vietnamese diacritics
    cid: int = 0               # `(cid:N)` glyph codes seen

    @property
    def trusted(self) -> bool:
        """Looks like real Vietnamese text (decided only with enough tokens)."""
        if self.cid > max(3, self.tokens // 20):
            return False
        if self.tokens < 8:
            return self.valid >= 0.6
        return self.valid >= 0.7 and self.marked >= 0.2


def text_quality(text: str) -> TextQuality:
    """Syllable validity and diacritic share of the letter tokens of `text`."""
    cid = len(_CID.findall(text))
    text = _CID.sub(" ", text)
    tokens = [t for t in _TOKEN.findall(text) if not (t.isupper() and len(t) > 1 and not _has_marks(t.replace("Đ", "D"))
                                                       and not is_syllable(t))]
    # all-caps tokens that are not syllables are abbreviations (UBND, QĐ, TTg): ignored
    if not tokens:
        return TextQuality(cid=cid)
    valid = sum(1 for t in tokens if is_syllable(t))
    marked = sum(1 for t in tokens if _has_marks(t))
    return TextQuality(tokens=len(tokens), valid=valid / len(tokens), marked=marked / len(tokens), cid=cid)


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
    if not quality.trusted and quality.tokens >= 3 or quality.cid > max(3, quality.tokens // 20):
        return PageTriage("ocr", "text layer is not Vietnamese (broken OCR layer, mojibake or cid codes)",
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
