"""The vocabulary as data (extractors/data/vocab.json): the shipped file loads, its entries reach the
matchers, and a malformed file is refused with a message that names the fault."""
from __future__ import annotations

import json
from datetime import date

import pytest

from extractors import gazetteer, vocab
from extractors.vocab_data import DATA, VERSION, VocabularyError, load, vocabulary


def test_shipped_file_loads():
    v = vocabulary()
    assert v.version == VERSION
    assert [k.name for k in v.kinds] == list(vocab.KIND_NAMES)
    assert vocab.KINDS[0].abbrs == ("NQ",)


def test_one_head_table_feeds_the_agency_and_body_matchers():
    heads = {h.head: h for h in vocabulary().agency_heads}
    assert heads["sở"].agency and heads["sở"].body and heads["sở"].marks_only
    assert "sở" in vocab.AGENCY_HEADS and "sở" in gazetteer.BODY_HEADS
    # a head that is only an actor (a group of people), not the start of an agency's name
    assert heads["sinh viên"].body and not heads["sinh viên"].agency
    assert gazetteer.is_body_head("Sinh viên các lớp") and not vocab.starts_with_agency("Sinh viên các lớp")
    assert ("bệnh viện", "hospital") in gazetteer._HEAD_KIND
    assert gazetteer.resolve("Bệnh viện Đa khoa huyện Ba Tơ").kind == "hospital"


def test_marks_only_heads_need_their_tone_marks():
    assert vocab.starts_with_agency("SỞ Y TẾ")
    assert not vocab.starts_with_agency("So sánh kết quả")       # `so` folds like `sở`: marks_only


def test_one_abbreviation_table():
    abbrs = {a.abbr: a for a in vocabulary().abbreviations}
    assert abbrs["UBND"].symbol and abbrs["UBND"].expand and abbrs["UBND"].acronym
    assert vocab.AGENCY_ABBR["SYT"] == "Sở Y tế"
    assert gazetteer.key("UBND tỉnh Quảng Ngãi") == "ủy ban nhân dân tỉnh quảng ngãi"
    assert "THPT" in gazetteer.ACRONYMS and gazetteer.repair_name("ƯBND TỈNH X", ocr=False).text == "UBND TỈNH X"


def test_provinces_model_the_2025_merger():
    provinces = {p.name: p for p in vocabulary().provinces}
    assert sum(p.valid_to is None for p in provinces.values()) == 34
    assert provinces["Kiên Giang"].successor == "An Giang" and provinces["Kiên Giang"].valid_to == date(2025, 6, 30)
    assert provinces["Hà Nội"].valid_to is None
    assert "Kiên Giang" in vocab.PROVINCES          # older documents still print the old names


def _write(tmp_path, change):
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "vocab.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, message", [
    (lambda raw: raw.update(version=VERSION + 1), "version"),
    (lambda raw: raw.pop("kinds"), "`kinds` must be a non-empty list"),
    (lambda raw: raw["kinds"][0].update(abbr="NQ"), "kinds[0]: unknown field 'abbr'"),
    (lambda raw: raw["agency_heads"][1].pop("head"), "agency_heads[1]: missing field 'head'"),
    (lambda raw: raw["agency_heads"][0].update(body="yes"), "agency_heads[0]: 'body' must be true or false"),
    (lambda raw: raw["abbreviations"].append(dict(raw["abbreviations"][0])), "abbr 'UBND' is listed twice"),
    (lambda raw: raw["degrees"].append(" "), "`degrees` must be a non-empty list of non-empty strings"),
    (lambda raw: raw["marks"][0].update(scale="speed"), "marks[0]: 'scale' is one of urgency, confidentiality"),
    (lambda raw: raw["provinces"][0].update(valid_to="30/6/2025", successor="Hà Nội"), "'valid_to' must be a date"),
    (lambda raw: raw["provinces"].append({"name": "X", "valid_to": "2025-06-30", "successor": "Kiên Giang"}),
     "not a current province"),
    (lambda raw: raw.update(extra=[]), "unknown table 'extra'"),
])
def test_malformed_file_is_refused_with_a_clear_error(tmp_path, change, message):
    with pytest.raises(VocabularyError) as err:
        load(_write(tmp_path, change))
    assert message in str(err.value)
    assert str(err.value).startswith("vocab.json: ")


def test_not_json_is_refused(tmp_path):
    path = tmp_path / "vocab.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(VocabularyError, match="not JSON"):
        load(path)


def test_one_marks_table_for_the_header_and_the_marks_fields():
    from extractors import marks

    names = {m.name: m.scale for m in vocabulary().marks}
    assert names["Thượng khẩn"] == "urgency" and names["Tối mật"] == "confidentiality"
    assert vocab.is_urgency("THƯỢNG KHẨN") and vocab.is_urgency("TỐI MẬT") and not vocab.is_urgency("KHẨN TRƯƠNG")
    assert [n for _, n in marks.URGENCY] == [n for n, s in names.items() if s == "urgency"]
    assert [n for _, n in marks.CONFIDENTIALITY] == [n for n, s in names.items() if s == "confidentiality"]
