"""official: is the file an administrative or legal document at all (CONTRACT `official`)?

Decided from the ND30 format, never from the wording: the national motto, the `Số:` line with a
ký hiệu, a kind name, an issuing body in the header, the place-date line and a signing block each
count as one sign. A document shows the motto or a số, ký hiệu and another sign (with only two
signs it goes to review).
A blank template (placeholders such as `Số: …/…`, `[Tên cơ quan]`, `#OWNER_NAME#`, `<<ngày>>`,
a date line without its year) is not a document, whatever else it shows.
"""
from __future__ import annotations

import re
from typing import Any

from extractors import vocab
from extractors.fields.common import Context, FieldValue
from extractors.zones import is_caps
from models.enums import ExtractionMethod

HEAD_LINES = 40      # the header block, generously (stamps, e-signature boxes and OCR specks come first)

# placeholders of a template: `#OWNER_NAME#`, `<<Số>>`, `{{date}}`, `[Tên cơ quan]`, `$TITLE$`
_PLACEHOLDER = re.compile(r"#[A-Z][A-Z0-9_]{2,}#|<<[^<>]{1,40}>>|\{\{[^{}]{1,40}\}\}"
                          r"|\$[A-Z][A-Z0-9_]{2,}\$|\[[A-ZĐÀ-Ỹ][\wÀ-ỹĐđ ]{3,60}\]")
# `Số: …/…`, `Số: ......./QĐ-......`: a blank number and dots in the ký hiệu (a draft's `Số:   /UBND-VP`
# has its ký hiệu typed in full)
_BLANK_SO = re.compile(r"^[\s.…_]*/\S*(?:…|\.\.|__)")
# `…, ngày … tháng … năm …` / `năm 20…`: a date line whose year is left blank
_BLANK_YEAR = re.compile(r"\bn[ăa]m\s*(?:20|19)?\s*[.…_]{2,}", re.I)


def official_field(ctx: Context, fields: dict[str, FieldValue]) -> FieldValue:
    head = [l for l in ctx.lines[:max(ctx.hm.end, 1) + 5][:HEAD_LINES]]
    signs, template = _signs(ctx, fields, head)
    count = sum(signs.values())
    # two signs with the motto or a số, ký hiệu: a document whose header OCR or a converter damaged
    # is far likelier than a non-document showing them; it stays official, for review
    official = not template and (signs["motto"] or signs["symbol"]) and count >= 2
    conf = 0.97 if template or count >= 5 or count <= 1 else 0.85 if count >= 3 else 0.6
    if not official and not template and count >= 3:
        conf = 0.6     # several signs of a document but no motto or số read (OCR?): a person decides
    text = ", ".join(k for k, v in signs.items() if v) + ("; template" if template else "")
    return FieldValue(value=bool(official), page=1, text=text or None, confidence=conf, method=ExtractionMethod.RULE)


def _value(fields: dict[str, FieldValue], name: str) -> Any:
    found = fields.get(name)
    return found.value if found is not None else None


def _signs(ctx: Context, fields: dict[str, FieldValue], head) -> tuple[dict[str, bool], bool]:
    hm = ctx.hm
    signer = _value(fields, "signer") or {}
    symbol = _value(fields, "symbol")
    code = _value(fields, "code")
    issuer = fields.get("issuer")
    signs = {
        "motto": any(vocab.motto_at_least(l.text, 0.75) for l in head),
        "symbol": bool(symbol and code and re.search(r"[A-ZĐ]{2}", code)),
        "kind": hm.kind >= 0 and hm.kind_score >= 0.85 or hm.vv >= 0,
        "issuer": bool(issuer and issuer.value and issuer.method != "inferred"
                       and vocab.starts_with_agency(issuer.value)),
        "date": hm.date >= 0,
        "signature": bool(signer.get("title") or signer.get("authority")),
    }
    return signs, _template(ctx, head)


def _template(ctx: Context, head) -> bool:
    """Placeholders where a document has its values (the header and the signing block)."""
    lines = list(head) + list(ctx.zones.footer)
    if any(_PLACEHOLDER.search(l.text) for l in lines):
        return True
    if ctx.hm.so >= 0:
        rest = vocab.match_so(ctx.lines[ctx.hm.so].text) or ""
        if _BLANK_SO.match(rest):
            return True
    if ctx.hm.date >= 0 and _BLANK_YEAR.search(ctx.lines[ctx.hm.date].text):
        return True
    return any(is_caps(l.text) and re.fullmatch(r"\W*TÊN\s+(?:CƠ\s+QUAN|ĐƠN\s+VỊ|TỔ\s+CHỨC)\b.*", l.text.strip())
               for l in head)
