"""The fields of a document as typed groups, each value with its provenance (a `FieldValue`).

`extract_fields` works field by field in a name → `FieldValue` map (a rule may look at fields found
before it); `Fields.of` turns the finished map into these groups, which the pipeline turns into the
record (`extractors.pipeline.record_from_document`) without looking fields up by name.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

from extractors.fields.common import FieldValue, V
from models.record import Reference, Signer

MISSING = "missing"     # the method of a header field that was looked for and not found


@dataclass(frozen=True)
class HeaderFields:
    """The header: kind, number, date, place, issuing body and subject (ND30 Điều 8, 9)."""
    doc_type: FieldValue[str | None]
    number: FieldValue[str | None]
    symbol: FieldValue[str | None]
    code: FieldValue[str | None]
    date: FieldValue[str | None]          # ISO, possibly partial (`2024-09`)
    place: FieldValue[str | None]
    issuer: FieldValue[str | None]
    issuer_parent: FieldValue[str | None]
    subject: FieldValue[str | None]


@dataclass(frozen=True)
class AddresseeFields:
    """Who the document is sent to: `Kính gửi` (recipients) and `Nơi nhận` (distribution)."""
    recipients: FieldValue[list[str]]
    distribution: FieldValue[list[str]]


@dataclass(frozen=True)
class Fields:
    """Every field group of one document."""
    header: HeaderFields
    addressees: AddresseeFields
    signer: FieldValue[Signer]
    references: FieldValue[list[Reference]]
    official: FieldValue[bool]

    @classmethod
    def of(cls, found: Mapping[str, FieldValue[Any]]) -> Fields | None:
        """The groups of `extract_fields`'s map (None for a document without lines: no fields)."""
        if not found:
            return None
        header = HeaderFields(**{f.name: found[f.name] for f in fields(HeaderFields)})
        signer, refs = found["signer"], found["references"]
        return cls(
            header=header,
            addressees=AddresseeFields(recipients=found["recipients"], distribution=found["distribution"]),
            signer=_with(signer, Signer(**(signer.value or {}))),
            references=_with(refs, [Reference(**r) for r in (refs.value or [])]),
            official=found["official"])

    def provenance(self) -> Iterator[tuple[str, FieldValue[Any]]]:
        """(field name, value) of every field, in the order of the record's provenance: the fields
        found in the order they are read, then the header fields looked for and not found."""
        header = [(f.name, getattr(self.header, f.name)) for f in fields(HeaderFields)]
        by_name = dict(header)
        found = [(name, by_name[name]) for name in _READ_ORDER if by_name[name].method != MISSING]
        yield from found
        yield ("recipients", self.addressees.recipients)
        yield ("distribution", self.addressees.distribution)
        yield ("signer", self.signer)
        yield ("references", self.references)
        yield ("official", self.official)
        yield from ((name, fv) for name, fv in header if fv.method == MISSING)


# the order `extract_fields` reads the header in: number, dates, issuer, kind and subject
_READ_ORDER = ("number", "symbol", "code", "date", "place", "issuer", "issuer_parent", "doc_type", "subject")


def _with(fv: FieldValue[Any], value: V) -> FieldValue[V]:
    return FieldValue(value=value, page=fv.page, text=fv.text, confidence=fv.confidence, method=fv.method, box=fv.box)
