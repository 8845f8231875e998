"""number / symbol / code: the `Số:` line of the header's left column (never an `ĐẾN` stamp's
`Số đến`), spaces removed; a handwritten number from the handwriting reader's reading."""
from __future__ import annotations

import re

from extractors import vocab
from extractors.fields.common import DIRECT, Context, FieldValue, field_value, hand_conf, handwritten, ocr_factor
from models.enums import ExtractionMethod

_SYM_TOKEN = re.compile(r"^[\w/\-–_.,&()]+$")


def _symbolish(token: str) -> bool:
    """A token that can be part of a số, ký hiệu (`/UBND-KGVX`, `TTg`, `GDTrH`), not a word (`An`)."""
    if not _SYM_TOKEN.match(token):
        return False
    if re.fullmatch(r"/[A-ZĐ][\wĐđ]*(?:[-_&][A-ZĐ0-9][\wĐđ]*)*", token):
        return True         # `/KH-TTra`: after the slash, groups that start with a capital
    if re.search(r"[a-zà-ỹđ]{2,}", token):
        return False
    upper = sum(1 for c in token if c.isupper())
    return upper >= 2 or bool(re.search(r"[\d/\-]", token)) or len(token) == 1


def clean_symbol(raw: str) -> tuple[str, int]:
    """The số, ký hiệu from the text after `Số:`: tokens up to the first ordinary word, spaces removed.
    Returns (symbol, repairs) where repairs counts look-alike letters read as digits in the number."""
    raw = raw.replace("–", "-").replace("—", "-")
    tokens = raw.split()
    kept: list[str] = []
    for n, tok in enumerate(tokens):
        if not _symbolish(tok):
            if not kept and "/" not in tok and n + 1 < len(tokens) and tokens[n + 1].startswith("/"):
                # a handwritten number OCR could not read (`5°VGÉ /QĐ-ĐHCT`): keep the typed ký hiệu
                kept.append("?")
                continue
            if not kept and "/" in tok:
                tok = "?" + tok[tok.index("/"):]
                if _symbolish(tok[1:]):
                    kept.append(tok)
                    continue
            break
        kept.append(tok)
    sym = "".join(kept).strip(".,;:")
    sym = re.sub(r"^[.…_]+", "", sym)
    repairs = 0
    if "/" in sym:
        num, rest = sym.split("/", 1)
        num = num.strip(".…_ ")
        fixed = "".join(vocab._DIGITISH.get(c, c) for c in num)
        if fixed != num and fixed.isdigit():
            repairs = sum(1 for a, b in zip(num, fixed) if a != b)
            num = fixed
        sym = f"{num}/{rest}"
    return sym, repairs


_LETTERISH = {"8": "B", "0": "O", "5": "S", "1": "I", "6": "G", "2": "Z"}


def _repair_code_lookalikes(sym: str) -> str:
    """`2287/8C-SYT` → `2287/BC-SYT`: a digit inside the kind group of an OCR'd ký hiệu, when the
    letter it resembles makes a known kind abbreviation."""
    head, sep, code = sym.rpartition("/")
    first, dash, rest = code.partition("-")
    if not re.search(r"\d", first) or not re.search(r"[A-ZĐ]", first):
        return sym
    fixed = "".join(_LETTERISH.get(c, c) for c in first)
    kind, _ = vocab.kind_from_symbol(f"1/{fixed}-X")
    return f"{head}{sep}{fixed}{dash}{rest}" if kind else sym


# letters OCR confuses inside a kind abbreviation in capitals (`TIr` for `TTr`, `CTl` for `CTr`)
_KIND_LOOKALIKES = {"I": "T", "l": "T", "1": "T"}


def _repair_kind_letters(sym: str) -> str:
    """`09/TIr-UBND` → `09/TTr-UBND`: the kind group of an OCR'd ký hiệu that is no kind, made one
    by a single look-alike letter."""
    head, sep, code = sym.rpartition("/")
    first, dash, rest = code.partition("-")
    if (not dash or len(first) < 2 or not re.search(r"[a-z]", first)     # agencies are all capitals
            or vocab.kind_from_symbol(f"1/{first}-X")[0] is not None):
        return sym
    for k, c in enumerate(first):
        if c in _KIND_LOOKALIKES:
            fixed = first[:k] + _KIND_LOOKALIKES[c] + first[k + 1:]
            if vocab.kind_from_symbol(f"1/{fixed}-X")[0] is not None:
                return f"{head}{sep}{fixed}{dash}{rest}"
    return sym



def number_fields(ctx: Context) -> dict[str, FieldValue]:
    out: dict[str, FieldValue] = {}
    if ctx.hm.so < 0:
        return out
    line = ctx.lines[ctx.hm.so]
    rest = vocab.match_so(line.text)
    if rest is None:                # `Sóz?4/KH-SYT`: the `Số:` garbled, from the token holding the `/`
        tokens = line.text.split()
        at = next((k for k, t in enumerate(tokens) if "/" in t), 0)
        rest = " ".join(tokens[at:])
    used = [line]
    if not rest.strip("., …_") and ctx.hm.so + 1 < len(ctx.lines):
        nxt = ctx.lines[ctx.hm.so + 1]
        if (nxt.text.strip().startswith("/") or re.match(r"^\d+\s*/", nxt.text.strip())
                or (line.source == "ocr" and re.match(r"^\S{0,4}\s*/\s*[A-ZĐ]{2}", nxt.text.strip()))):
            # (`Số:` / `2ƒ /CT-UBND`: the number OCR garbled on the next fragment)
            rest = nxt.text
            used.append(nxt)
    sym, repairs = clean_symbol(rest)
    sym = vocab.repair_symbol(sym).rstrip("-_.")       # `5065/QĐ-SYT-`: a dash or speck after the last group
    if line.source == "ocr":
        sym = _repair_kind_letters(_repair_code_lookalikes(sym))
    if "/" not in sym:
        return out
    parts = sym.split("/")
    if len(parts) == 3 and not re.fullmatch(r"\d{4}|[A-ZĐ]+", parts[1]):
        sym = "?/" + parts[2]           # `/Ö/BGDĐT-GDTrH`: OCR noise where the number is handwritten
    factor = ocr_factor(used)
    conf = DIRECT * factor - 0.15 * repairs
    number, _, _ = sym.partition("/")
    number_conf = conf
    if number and not number.isdigit():
        # handwritten or garbled number: keep the typed ký hiệu, no number
        number_conf = 0.3
        number = ""
        sym = "/" + sym.partition("/")[2]
    if not number and line.source == "ocr":
        number_conf = min(number_conf, 0.5)   # a blank on a scan may be a handwritten number OCR missed
    code = sym.rsplit("/", 1)[-1]
    method = None
    hand = handwritten(ctx, "number")
    if number and line.source == "ocr" and hand and hand.text == number:
        # read by the handwriting recogniser: sure readings pass, the others go to review
        number_conf, method = hand_conf(hand), ExtractionMethod.HANDWRITING
        if not 1 <= len(number) <= 5:
            number_conf = min(number_conf, 0.5)
    out["number"] = field_value(number or None, used, number_conf, method)
    out["symbol"] = field_value(sym, used, min(conf, number_conf + 0.1) if line.source == "ocr" else conf)
    code_conf = conf if re.fullmatch(r"[A-ZĐ][\wĐđ]*(?:[-_.&,][\wĐđ]+)*", code) else conf - 0.3
    out["code"] = field_value(code, used, code_conf)
    return out

