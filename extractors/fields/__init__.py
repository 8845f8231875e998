"""Header and footer fields of the contract, as pure functions over the layout model.

`extract_fields(analysis)` returns {field: FieldValue} (a later step may read the fields found before
it); `Fields.of` (`groups`) turns it into the typed groups the record is built from. One module per
field group (`number`, `dates`, `issuer`, `kind` (kind and subject), `addressees` (recipients,
distribution), `signer`, `confidence`; `common` holds the value type, the context (the field
extractors' view of the `extractors.analysis.Analysis`) and the shared helpers). Every rule comes
from the ND30 layout (`extractors/zones.py` finds the landmarks, `extractors/vocab.py` holds the fixed words):

- number / symbol / code: the `Số:` line of the header's left column (never an `ĐẾN` stamp's
  `Số đến`), spaces removed;
- date / place: `<place>, ngày DD tháng MM năm YYYY` of the right column (partial dates kept);
- issuer / issuer_parent: the left column above `Số:`: bold issuing body under a plain parent,
  or (no bold) split where a line starts with an agency word (a line ending in a dash joins the
  next: a joint issuer); OCR'd lines are first put back into the gazetteer's words
  (`gazetteer.repair_name`: marks, run-together words, the document's own place names) and
  shown in its casing; inferred from the symbol, the signer and the text when the header lost it;
- doc_type: the centred kind name, else the kind abbreviation in the symbol, else `Công văn`
  for a `V/v` line; subject: the V/v block or the lines under the kind name;
- official: whether the file is an administrative document at all (`fields/official.py`);
- recipients (`Kính gửi`, or a công điện's `… ĐIỆN:` list), distribution (`Nơi nhận`),
  signer (authority marks, title, name), references (other documents cited by số, ký hiệu).

Confidence: 0.97 for a value read directly from a text layer; lowered by OCR word confidence,
by fuzzy repairs (digits read from look-alike letters, vocabulary matched at a distance) and
for inferred values. The pipeline marks fields below 0.75 `needs_review`.
"""
from __future__ import annotations

from extractors.analysis import Analysis, as_analysis
from extractors.fields.addressees import clean_item, distribution, recipients
from extractors.fields.common import DIRECT, INFERRED, FieldValue, field_value, make_context
from extractors.fields.confidence import _TONES, _TWO_TONES, _odd_token, adjust_confidence, text_quality
from extractors.fields.dates import date_fields
from extractors.fields.groups import AddresseeFields, Fields, HeaderFields
from extractors.fields.issuer import infer_issuer, issuer_fields
from extractors.fields.kind import kind_field, subject_field
from extractors.fields.number import clean_symbol, number_fields
from extractors.fields.official import official_field
from extractors.fields.signer import signer_field
from extractors.references import extract_references
from models.enums import ExtractionMethod
from models.layout import Document

__all__ = ["DIRECT", "INFERRED", "AddresseeFields", "FieldValue", "Fields", "HeaderFields", "clean_item", "clean_symbol", "extract_fields", "text_quality",
           "_TONES", "_TWO_TONES", "_odd_token"]


def extract_fields(source: Analysis | Document) -> dict[str, FieldValue]:
    """{field: FieldValue} of the document (its `Analysis`, or a bare `Document` analysed here)."""
    analysis = as_analysis(source)
    doc = analysis.doc
    if not doc.lines:
        return {}
    ctx = make_context(analysis)
    fields: dict[str, FieldValue] = {}
    fields.update(number_fields(ctx))
    fields.update(date_fields(ctx))
    fields.update(issuer_fields(ctx))
    if "issuer" not in fields:
        inferred = infer_issuer(ctx, fields)
        if inferred:
            fields["issuer"] = inferred
            fields["issuer_parent"] = field_value(None, [], INFERRED)
    kind = kind_field(ctx, fields)
    if kind:
        fields["doc_type"] = kind
    subject = subject_field(ctx, kind.value if kind else None)
    if subject:
        fields["subject"] = subject
    fields["recipients"] = recipients(ctx)
    fields["distribution"] = distribution(ctx)
    fields["signer"] = signer_field(ctx, fields["issuer"].value if "issuer" in fields else None)
    own = fields["symbol"].value if "symbol" in fields else None
    refs, ref_conf = extract_references(ctx.lines, ctx.zones, own)
    fields["references"] = FieldValue(value=refs, page=None, text=None, confidence=ref_conf,
                                      method=ExtractionMethod.TEXT if doc.ocr_pages == 0 else ExtractionMethod.OCR)
    adjust_confidence(ctx, fields)
    fields["official"] = official_field(ctx, fields)
    if not fields["official"].value and "doc_type" in fields:
        fields["doc_type"] = field_value(None, [], fields["official"].confidence, method=ExtractionMethod.RULE)
    # every contract field gets a value (null when not found) so a reader sees it was looked for
    for name in ("doc_type", "number", "symbol", "code", "date", "place", "issuer", "issuer_parent", "subject"):
        if name not in fields:
            fields[name] = FieldValue(value=None, confidence=0.4, method=ExtractionMethod.MISSING)
    return fields
