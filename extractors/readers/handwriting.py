"""Handwritten number and day on the header of a signed scan.

ND30 (Nghị định 30/2020, Phụ lục I): the văn thư fills in the number in the `Số: ____/KH-X`
slot (left header column, under the issuing body) and the day — sometimes the month — of
`<place>, ngày __ tháng __ năm YYYY` (right column, under the motto) by hand when the paper
original is signed. Tesseract is not trained for handwriting; the PP-OCRv4 text recogniser
shipped inside the `rapidocr-onnxruntime` wheel reads it well. It is run directly with
onnxruntime (one session per process, one thread) and its CTC output is decoded restricted
to the ten digits.

`read_header_slots(image, words, dpi)` runs after a document's first page was OCR'd: it finds
the two header lines with the zone helpers (never an incoming `ĐẾN` stamp: the Số line must
carry the printed `/` + ký hiệu, the date line the `ngày … tháng … năm YYYY` frame), crops the
blank between the printed anchors, reads it, and replaces tesseract's junk there with a word
holding the digits (its `conf` from the CTC probabilities). When the model file is absent the
page is left as it was (logged once).
"""
from __future__ import annotations

import importlib.util
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from models.enums import InputFormat
from models.layout import Document, HandwritingNote, Page, Word
from models.settings import settings

log = logging.getLogger("congvan.handwriting")

MODEL_FILE = "ch_PP-OCRv4_rec_infer.onnx"
REC_HEIGHT = 48             # the recogniser's input height
STEP = 8                    # input columns per CTC time step
MIN_WIDTH = 320             # a narrower line crop is padded (as PaddleOCR does)
# a slot crop (a few digits, or two anchors and the digits between) is padded to 20 CTC steps
# only: still 4 steps per digit of a 5-digit number, at half the recogniser's cost (its cost
# grows with the width). Dev scans: 50 of 60 slot readings right, against 49 of 58 with 320
SLOT_MIN_WIDTH = 160
DIGITS = "0123456789"
PRINTED_CONF = 0.85         # a tesseract digit token this sure is a printed (typed) value: kept
# the number slot, in the line reading's CTC steps: from one step after the `:` to the `/`
LEFT_STEP, RIGHT_STEP = 1.0, 0.0
SURE = 0.8                  # a reading at least this sure is not marked needs_review (fields.py)
VIEWS = (0.35, 0.6, 0.85)   # vertical margins (× line height) of the crops read: the ink is taller than print


# ------------------------------------------------------------------------- the recogniser

def model_path() -> Path | None:
    """The PP-OCRv4 recogniser: `CONGVAN_HANDWRITING_MODEL`, else the one in the rapidocr wheel."""
    env = settings().handwriting_model
    if env:
        return Path(env) if Path(env).is_file() else None
    try:
        spec = importlib.util.find_spec("rapidocr_onnxruntime")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "models" / MODEL_FILE
        if path.is_file():
            return path
    return None


class Recogniser:
    """The ONNX text recogniser: crop → CTC probabilities over its dictionary (0 = blank)."""

    def __init__(self, path: Path):
        # offline tool handling private documents: onnxruntime's POSIX telemetry (1DS) is switched off
        # before the runtime initialises (it would also leave a `.ses` file in TMPDIR)
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        meta = self.session.get_modelmeta().custom_metadata_map
        # PaddleOCR's CTC labels: blank, the dictionary, then a space
        self.chars = ["<blank>"] + meta["character"].splitlines() + [" "]
        self.digit_ids = [self.chars.index(d) for d in DIGITS]
        self.input_name = self.session.get_inputs()[0].name
        self.lock = threading.Lock()

    def probabilities(self, image, min_width: int = MIN_WIDTH):
        """(time steps, classes) probabilities for a grey or RGB PIL crop, padded on the right
        to `min_width` input columns."""
        import numpy as np
        from PIL import Image

        rgb = image.convert("RGB")
        width = max(1, int(round(rgb.width * REC_HEIGHT / max(rgb.height, 1))))
        resized = rgb.resize((width, REC_HEIGHT), Image.Resampling.BILINEAR)
        data = (np.asarray(resized, dtype=np.float32) / 255.0 - 0.5) / 0.5
        batch = np.zeros((1, 3, REC_HEIGHT, max(width, min_width)), dtype=np.float32)
        batch[0, :, :, :width] = data.transpose(2, 0, 1)
        with self.lock:                       # one inference at a time per session
            return self.session.run(None, {self.input_name: batch})[0][0]

    def decode(self, probs) -> list[tuple[str, int]]:
        """Greedy CTC over the whole dictionary: [(character, time step)]."""
        out, previous = [], 0
        for t, index in enumerate(probs.argmax(axis=1)):
            index = int(index)
            if index and index != previous:
                out.append((self.chars[index], t))
            previous = index
        return out

    def digits(self, probs, t0: int = 0, t1: int | None = None) -> tuple[str, list[float]]:
        """Greedy CTC restricted to the ten digits (blank and space kept), skipping the steps
        whose best class is a printed `:` or the `/` that ends the crop (the slot's edges; a `/`
        inside is a pen's `1`). A step the full reading takes for a letter (`ɗ` for a pen's
        `2`) gives its best digit, at that digit's (low) probability. (digits, probability each)."""
        import numpy as np

        skip = {self.chars.index(c) for c in ":：;"}
        slash = self.chars.index("/")
        t1 = probs.shape[0] if t1 is None else t1
        best_ids = probs[t0:t1].argmax(axis=1)
        inked = [t0 + k for k, i in enumerate(best_ids) if i not in (0, len(self.chars) - 1)]
        last = inked[-1] if inked else -1
        text, confs, previous = [], [], 0
        digit_ids = np.array(self.digit_ids)
        for t in range(t0, t1):
            row = probs[t]
            best_id = int(best_ids[t - t0])
            if best_id in skip or (best_id == slash and t == last):     # a `/` ending the crop is the code's
                previous = 0
                continue
            best = int(np.argmax(row[digit_ids]))
            p_digit, p_blank = float(row[digit_ids[best]]), float(row[0] + row[-1])
            ink = best_id not in (0, len(self.chars) - 1)      # a stroke the full reading saw as a letter
            index = int(digit_ids[best]) if p_digit > p_blank or ink else 0
            if index and index != previous:
                text.append(DIGITS[best])
                confs.append(p_digit)
            elif index:
                confs[-1] = max(confs[-1], p_digit)
            previous = index
        return "".join(text), confs


_LOCK = threading.Lock()
_STATE: dict = {}


def recogniser() -> Recogniser | None:
    """The process's recogniser (loaded once); None when the model or onnxruntime is missing."""
    with _LOCK:
        if "rec" not in _STATE:
            path = model_path()
            rec = None
            if path is None:
                log.warning("handwriting: recogniser model not found (pip install --no-deps "
                            "rapidocr-onnxruntime); handwritten numbers are not read")
            else:
                try:
                    rec = Recogniser(path)
                except Exception as exc:          # onnxruntime missing or a broken model file
                    log.warning("handwriting: recogniser not loaded (%s); handwritten numbers are not read",
                                type(exc).__name__)
            _STATE["rec"] = rec
        return _STATE["rec"]


def reset() -> None:
    """Forget the loaded recogniser (tests switch the model path)."""
    with _LOCK:
        _STATE.clear()


# ------------------------------------------------------------------------- reading a crop

def _prepare(crop):
    from PIL import ImageOps

    return ImageOps.autocontrast(crop.convert("L"), cutoff=1)


def _framings(image, box: tuple[float, float, float, float], line_height: float):
    """Crops of `box` (x0, top, x1, bottom of the print line) with each vertical margin of VIEWS."""
    x0, top, x1, bottom = box
    for margin in VIEWS:
        crop = image.crop((int(max(0, x0)), int(max(0, top - margin * line_height)),
                           int(min(image.width, x1)), int(min(image.height, bottom + margin * line_height))))
        if crop.width >= 4 and crop.height >= 4:
            yield crop


def read_digits(rec: Recogniser, image, box: tuple[float, float, float, float], line_height: float,
                extra: tuple[str, list[float]] | None = None) -> tuple[str, float]:
    """Digits handwritten in `box` (x0, top, x1, bottom of the print line) of the page image,
    read in a few vertical framings; (text, confidence): the framings' vote, each counted by
    its weakest character's probability. `extra`: one more reading (digits, probabilities) voting."""
    votes: dict[str, float] = {}
    if extra and extra[0]:
        votes[extra[0]] = min(extra[1])
    for crop in _framings(image, box, line_height):
        text, confs = rec.digits(rec.probabilities(_prepare(crop), SLOT_MIN_WIDTH))
        if text:
            votes[text] = votes.get(text, 0.0) + min(confs)
    if not votes:
        return "", 0.0
    best = max(votes, key=votes.__getitem__)
    return best, votes[best] / (len(VIEWS) + (extra is not None))


def read_between(rec: Recogniser, image, box: tuple[float, float, float, float], line_height: float,
                 left: re.Pattern, right: re.Pattern) -> tuple[str, float]:
    """Digits handwritten between two printed words: the crop `box` holds both words (the
    recogniser reads print far better with context), the words are found in its full-dictionary
    reading (`left`, `right` on the decoded text) and the steps between them are read as digits.
    (text, confidence) voted over a few vertical framings as in `read_digits`."""
    votes: dict[str, float] = {}
    for crop in _framings(image, box, line_height):
        probs = rec.probabilities(_prepare(crop), SLOT_MIN_WIDTH)
        chars = rec.decode(probs)
        text = "".join(c for c, _ in chars)
        m_left = left.search(text)
        m_right = right.search(text, m_left.end()) if m_left else None
        if not m_left or not m_right:
            continue
        t0 = chars[m_left.end() - 1][1] + 1
        t1 = chars[m_right.start()][1] if m_right.start() < len(chars) else probs.shape[0]
        digits, confs = rec.digits(probs, t0, t1)
        if digits:
            votes[digits] = votes.get(digits, 0.0) + min(confs)
    if not votes:
        return "", 0.0
    best = max(votes, key=votes.__getitem__)
    return best, votes[best] / len(VIEWS)


def _vote(readings: list[tuple[str, float]]) -> tuple[str, float]:
    """Two readers' (text, confidence) joined: agreeing readings add up, a disagreement costs.
    A reading that holds the other one (`15` and `5`) wins: a faint first stroke is lost far
    more often than a digit is invented."""
    votes: dict[str, float] = {}
    for text, conf in readings:
        if text:
            votes[text] = votes.get(text, 0.0) + conf
    if not votes:
        return "", 0.0
    for long in sorted(votes, key=len, reverse=True):
        held = [t for t in votes if t != long and t in long]
        if held and len(held) == len(votes) - 1:
            return long, (votes[long] + sum(votes[t] for t in held)) / (2 * len(readings))
    best = max(votes, key=votes.__getitem__)
    return best, votes[best] / len(readings)


# the recogniser's reading of the printed anchors (no Vietnamese marks: `ngay`, `thang`, `nam`)
_REC_NGAY = re.compile(r"[nm]?g[a-z]{0,2}y|ng[a-z]{0,2}")
_REC_THANG = re.compile(r"t?h[a-z]{0,3}g|th[a-z]{0,2}")
_REC_NAM = re.compile(r"n[a-z]?m|m")
_REC_ANCHORS = {"day": (_REC_NGAY, _REC_THANG), "month": (_REC_THANG, _REC_NAM)}


# ------------------------------------------------------------------------- slots

@dataclass
class Reading:
    slot: str                               # number | day | month
    text: str
    conf: float
    box: tuple[float, float, float, float]  # in the OCR image's pixel frame

    def note(self) -> HandwritingNote:
        return HandwritingNote(slot=self.slot, text=self.text, conf=round(self.conf, 3))


_CAPITALS = re.compile(r"[A-ZĐ]{2,}")
_CODE_SLASH = re.compile(r"/(?=(?:\d{2,4}/)?[A-ZĐ][A-ZĐa-z&]*(?:[-/_.,\s]|$)|$)")


def _char_width(words: list[Word]) -> float:
    """Mean width of a printed character on a line, from its clean words."""
    clean = [w for w in words if w.conf >= 0.8 and len(w.text) >= 3]
    if not clean:
        clean = words
    chars = sum(len(w.text) for w in clean)
    return sum(w.x1 - w.x0 for w in clean) / max(chars, 1)


HEADER_LINES = 25           # lines looked at for a Số line the zone map missed (a misread `/`)


def _header_lines(image, words: list[Word]):
    """(Số line, date line) of the header, as layout lines in the image's pixel frame (or None)."""
    from extractors import vocab
    from extractors.readers.lines import build_lines
    from extractors.zones import line_column, map_header, prepare_lines

    page = Page(number=1, width=float(image.width), height=float(image.height),
                lines=build_lines(words, 1, float(image.width), source="ocr", page_height=float(image.height)))
    doc = Document(path="", format=InputFormat.IMAGE, pages=[page])
    lines = prepare_lines(doc)
    hm = map_header(doc, lines)
    so = date = None
    # the document's own Số line: left column, upper page, a printed ký hiệu (capitals) after the
    # blank — an incoming stamp's `Số: 4521` has none (and its `ĐẾN`/`Số đến` lines are skipped)
    candidates = [hm.so] if hm.so >= 0 else []
    candidates += [i for i, l in enumerate(lines[:HEADER_LINES]) if i not in candidates]
    for i in candidates:
        line = lines[i]
        rest = vocab.match_so(line.text)
        if (rest is not None and not vocab.is_stamp_text(line.text)
                and line_column(doc, line) in ("left", "full") and line.x0 < image.width * 0.4
                and line.top < image.height * 0.4 and re.search(r"[A-ZĐ]{2,}", rest)):
            so = line
            break
    if hm.date >= 0:
        line = lines[hm.date]
        if line.top < image.height * 0.4 and line.x1 > image.width * 0.5:
            date = line
    return so, date


def _number_slot(rec: Recogniser, image, line) -> tuple[Reading, list[Word]] | None:
    """Read the Số slot; (reading, the line's new words) or None."""
    from extractors import vocab

    words = list(line.words)
    rest = vocab.match_so(line.text) or ""
    printed = None                          # digits tesseract read as a word of their own
    digits = re.match(r"^(\d{1,5})\s*/", rest)
    if digits:
        head = digits.group(1)
        token = next((w for w in words if w.text == head), None)
        if token is not None and token.conf >= PRINTED_CONF:
            return None                      # a clean printed (typed) number
        printed = head if token is not None else None
    # the word holding the code's slash, and where in it the slash is
    slash_at = None
    for k, word in enumerate(words):
        m = _CODE_SLASH.search(word.text, 1 if k == 0 else 0)
        if m and (k > 0 or vocab.match_so(word.text) is not None):
            slash_at = (k, m.start())
            break
    if slash_at is None:            # the slash misread (`@UBND-KGVX`): the code starts at its capitals
        for k, word in enumerate(words):
            m = _CAPITALS.search(word.text, 3 if k == 0 else 0)
            if m:
                slash_at = (k, m.start())
                break
    if slash_at is None:
        return None
    height = line.bottom - line.top
    # locate ':' and '/' on the line with the recogniser (tesseract often merges them with the ink)
    x0, x1 = line.x0 - 0.2 * height, line.x1 + 0.2 * height
    top, bottom = line.top - 0.6 * height, line.bottom + 0.6 * height
    crop = image.crop((int(max(0, x0)), int(max(0, top)), int(min(image.width, x1)), int(min(image.height, bottom))))
    line_probs = rec.probabilities(_prepare(crop))
    chars = rec.decode(line_probs)
    colon = next((k for k, (c, _) in enumerate(chars[:5]) if c in ":：;.,"), None)
    if colon is None:
        first = next((k for k, (c, _) in enumerate(chars[:3]) if c in "Ss5"), None)
        colon = first + 1 if first is not None else None
    if colon is None or colon >= len(chars):
        return None
    slash = next((k for k in range(colon + 1, len(chars)) if chars[k][0] == "/"), None)
    end_step = chars[slash][1] + RIGHT_STEP if slash is not None else None
    if slash is None:               # the slash merged with the last digit: stop before the code's capitals
        letter = next((k for k in range(colon + 1, len(chars)) if "A" <= chars[k][0] <= "Z"), None)
        if letter is None:
            return None
        end_step = chars[letter][1] - 0.5
    per_step = STEP * crop.height / REC_HEIGHT
    left = max(0, x0) + (chars[colon][1] + LEFT_STEP) * per_step
    right = max(0, x0) + end_step * per_step
    if right - left < 0.5 * height:
        return None
    # the line reading's own digits between `:` and `/` vote too
    in_line = rec.digits(line_probs, chars[colon][1] + 1, chars[slash][1]) if slash is not None else None
    text, conf = read_digits(rec, image, (left, line.top, right, line.bottom), height, in_line)
    if not re.fullmatch(r"\d{1,5}", text) or int(text) == 0 or text == printed:
        return None         # nothing read, no number (numbers start at 01, ND30), or the printed value
    reading = Reading("number", text, conf, (left, line.top, right, line.bottom))
    # new words: `Số:` | digits | `/ký hiệu` (tesseract's junk in between dropped)
    k, at = slash_at
    slash_word = words[k]
    head_word = words[0]
    out = [Word(text="Số:", x0=head_word.x0, top=head_word.top, x1=min(head_word.x1, left), bottom=head_word.bottom,
                conf=head_word.conf)]
    out.append(Word(text=text, x0=left, top=line.top, x1=right, bottom=line.bottom, conf=conf))
    code = slash_word.text[at:]
    code = code if code.startswith("/") else "/" + code
    out.append(Word(text=code, x0=max(right, slash_word.x0), top=slash_word.top, x1=slash_word.x1,
                    bottom=slash_word.bottom, conf=slash_word.conf))
    out.extend(w for w in words[k + 1:] if (w.x0 + w.x1) / 2 > right)     # specks inside the slot dropped
    return reading, out


_NGAY = re.compile(r"ng[aà4]?[yỳý]", re.I)
_THANG = re.compile(r"th[aáà]ng", re.I)
_NAM = re.compile(r"n[aăằ]m\b", re.I)


ANCHOR_SLACK = 1.15         # a printed word is at most this much wider than its characters × the mean width


def _date_slots(rec: Recogniser, image, line) -> tuple[list[Reading], list[Word]] | None:
    """Read the day (and a handwritten month) between `ngày`, `tháng` and `năm`."""
    words = list(line.words)
    positions: list[tuple[int, int, int]] = []     # (word index, start, end character) of each anchor
    for pattern in (_NGAY, _THANG, _NAM):
        found = None
        for k, word in enumerate(words):
            if positions and k < positions[-1][0]:
                continue
            start = positions[-1][2] if positions and k == positions[-1][0] else 0
            m = pattern.search(word.text, start)
            if m:
                found = (k, m.start(), m.end())
                break
        if found is None:
            return None
        positions.append(found)
    (kn, ns, ne), (kt, ts, te), (km, ms, me) = positions
    cw = _char_width(words)
    height = line.bottom - line.top

    # a printed anchor's edge from the printed character width: tesseract's box often takes in
    # the ink next to it (`ngàyc2O`, or a plain `ngày` box reaching over the day)
    def anchor_end(k, end):
        return min(words[k].x1, words[k].x0 + end * cw * ANCHOR_SLACK)

    def anchor_start(k, start):
        return max(words[k].x0, words[k].x1 - (len(words[k].text) - start) * cw * ANCHOR_SLACK)

    def typed(k0, k1, slot) -> tuple[str | None, bool]:
        """A printed value between two anchors that tesseract read as a word of its own, and
        whether it is kept without a second look: a day it is sure of, any valid month (a month
        is rarely left blank for the pen)."""
        between = words[k0 + 1:k1]
        if k0 != k1 and len(between) == 1 and re.fullmatch(r"\d{1,2}", between[0].text):
            value = int(between[0].text)
            if 1 <= value <= (12 if slot == "month" else 31):
                return between[0].text, slot == "month" or between[0].conf >= PRINTED_CONF
        return None, False

    readings: list[Reading] = []
    for slot, (ka, sa, ea), (kb, sb, eb) in (("day", (kn, ns, ne), (kt, ts, te)),
                                             ("month", (kt, ts, te), (km, ms, me))):
        printed, sure = typed(ka, kb, slot)
        if sure:
            continue
        left, right = anchor_end(ka, ea), anchor_start(kb, sb)
        if right - left < 0.4 * height:
            continue
        span = (anchor_start(ka, sa) - 0.2 * height, line.top, anchor_end(kb, eb) + 0.2 * height, line.bottom)
        digits, conf = _vote([read_between(rec, image, span, height, *_REC_ANCHORS[slot]),
                              read_digits(rec, image, (left - 0.05 * height, line.top, right + 0.05 * height,
                                                       line.bottom), height)])
        ok = re.fullmatch(r"\d{1,2}", digits) and 1 <= int(digits) <= (31 if slot == "day" else 12)
        if ok and digits.lstrip("0") != (printed or "").lstrip("0"):   # else the printed value stands
            readings.append(Reading(slot, digits, conf, (left, line.top, right, line.bottom)))
    if not readings:
        return None
    # new words: … ngày | day | tháng | month | năm …
    out = list(words[:kn])

    def piece(word, label, x0, x1):
        return Word(text=label, x0=x0, top=word.top, x1=x1, bottom=word.bottom, conf=word.conf)

    ngay_end = anchor_end(kn, ne)
    out.append(piece(words[kn], words[kn].text[:ne], words[kn].x0, ngay_end))
    by_slot = {r.slot: r for r in readings}

    def value_word(slot, k0, k1):
        if slot in by_slot:
            r = by_slot[slot]
            return [Word(text=r.text, x0=r.box[0], top=line.top, x1=r.box[2], bottom=line.bottom, conf=r.conf)]
        return list(words[k0 + 1:k1])          # what tesseract read there (printed or nothing)

    thang_start, thang_end = anchor_start(kt, ts), anchor_end(kt, te)
    out += value_word("day", kn, kt)
    out.append(piece(words[kt], words[kt].text[ts:te], thang_start, thang_end))
    nam_start = anchor_start(km, ms)
    out += value_word("month", kt, km)
    out.append(piece(words[km], words[km].text[ms:], nam_start, words[km].x1))
    out += words[km + 1:]
    return readings, out


def read_header_slots(image, words: list[Word], dpi: float) -> tuple[list[Word], list[Reading]]:
    """The first page's words with the handwritten number, day and month read into their
    slots, and the readings. Words are in `image`'s pixel frame."""
    rec = recogniser()
    if rec is None or not words:
        return words, []
    so, date = _header_lines(image, words)
    readings: list[Reading] = []
    lines = []
    try:
        if so is not None:
            found = _number_slot(rec, image, so)
            if found:
                readings.append(found[0])
                lines.append((so, found[1]))
        if date is not None:
            found_date = _date_slots(rec, image, date)
            if found_date:
                readings.extend(found_date[0])
                lines.append((date, found_date[1]))
    except Exception as exc:                   # never lose the page for a reading
        log.warning("handwriting: slot reading failed (%s)", type(exc).__name__)
        return words, []
    if not lines:
        return words, readings
    drop = {id(w) for line, _ in lines for w in line.words}

    def in_slot(word: Word) -> bool:        # specks tesseract read from the ink, on lines of their own
        cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
        speck = len(word.text) <= 3 or word.conf < 0.5
        return speck and any(r.box[0] <= cx <= r.box[2] and r.box[1] - (r.box[3] - r.box[1]) / 2 <= cy
                             <= r.box[3] + (r.box[3] - r.box[1]) / 2 for r in readings)

    out = [w for w in words if id(w) not in drop and not in_slot(w)]
    for _, new in lines:
        out.extend(new)
    return out, readings
