"""The typed field groups (`extractors.fields.groups`) and the record built from them."""
from __future__ import annotations

from layout_builders import cong_van, text_document

from extractors.analysis import analyse
from extractors.fields import Fields, extract_fields
from extractors.pipeline import record_from_document
from models.layout import Document
from models.record import Reference, Signer


def test_groups_hold_the_values_and_provenance_of_the_field_map():
    found = extract_fields(cong_van())
    groups = Fields.of(found)
    assert groups is not None
    assert groups.header.number is found["number"] and groups.header.number.value == "507"
    assert groups.header.date.value == found["date"].value
    assert groups.addressees.recipients is found["recipients"]
    assert isinstance(groups.signer.value, Signer) and groups.signer.value.name == found["signer"].value["name"]
    assert groups.signer.page == found["signer"].page and groups.signer.confidence == found["signer"].confidence
    assert all(isinstance(r, Reference) for r in groups.references.value)
    assert groups.official.value is True
    assert dict(groups.provenance()).keys() == found.keys()


def test_provenance_lists_found_fields_first_and_missing_header_fields_last():
    doc = text_document("Kính gửi: Sở Y tế\nĐề nghị Sở Y tế báo cáo trước ngày 10/12/2024./.\nGIÁM ĐỐC\nNguyễn Văn A")
    found = extract_fields(doc)
    names = [name for name, _ in Fields.of(found).provenance()]
    assert names == list(found)          # the order `extract_fields` found them in
    missing = [n for n in names if found[n].method == "missing"]
    assert missing and names[-len(missing):] == missing


def test_the_record_is_built_from_the_groups():
    doc = cong_van()
    groups = Fields.of(extract_fields(analyse(doc)))
    record = record_from_document("x", doc)
    assert (record.number, record.symbol, record.date, record.issuer, record.subject) == (
        groups.header.number.value, groups.header.symbol.value, groups.header.date.value,
        groups.header.issuer.value, groups.header.subject.value)
    assert record.signer == groups.signer.value and record.recipients == groups.addressees.recipients.value
    assert record.provenance["number"].page == groups.header.number.page
    assert list(record.provenance) == [name for name, _ in groups.provenance()]


def test_a_document_without_lines_has_no_fields():
    assert Fields.of(extract_fields(Document(path="x.txt", format="txt"))) is None
    record = record_from_document("x", Document(path="x.txt", format="txt"))
    assert record.provenance == {} and record.official is None and record.tasks == []
