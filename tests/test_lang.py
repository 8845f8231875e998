"""The language layer (extractors/lang): one syllable grammar in two strengths, tone placement,
folding, and one text-quality measure."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from extractors.lang import fold, quality, syllable, tones


@pytest.mark.parametrize("word", ["Nguyễn", "nghiêng", "khuyên", "Quảng", "thuở", "ĐƯỜNG", "gì", "oanh"])
def test_syllables_pass_both_strengths(word):
    assert syllable.is_syllable(word) and syllable.is_syllable_shape(word)


@pytest.mark.parametrize("word", ["UBND", "Eh", "Đc", "Pid", "xyz"])
def test_fragments_and_acronyms_fail_both(word):
    assert not syllable.is_syllable(word) and not syllable.is_syllable_shape(word)


def test_the_shape_forgives_garbled_vowel_marks_the_grammar_does_not():
    assert syllable.is_syllable_shape("Giảám") and not syllable.is_syllable("Giảám")
    assert syllable.is_syllable_shape("Quáảng") and not syllable.is_syllable("Quáảng")   # two marks stacked


def test_both_strengths_share_the_onsets():
    for onset in syllable.ONSETS:
        assert syllable.is_syllable(onset + "a"), onset
        assert syllable.is_syllable_shape(onset + "a"), onset


def test_tone_placement_display_and_key():
    assert tones.modern_tones("Uỷ ban hoà giải, thuỷ lợi") == "Ủy ban hòa giải, thủy lợi"
    assert tones.modern_tones("hoàng") == "hoàng"             # closed syllable: the display form keeps it
    assert tones.key_tones("hoàng") == "hòang"                 # a lookup key moves every pair alike
    assert len(tones.OLD_TO_NEW) == 3 * 5


def test_fold_keeps_offsets_per_character():
    text = "Đồng Tháp,  ngày"
    assert fold.fold(text) == "dong thap, ngay"
    assert len(fold.fold_chars(text)) == len(text)
    assert fold.map_fold_offset(text, fold.fold(text).index("ngay")) == text.index("ngày")


def test_one_quality_measure_syllables_and_odd_tokens():
    good = quality.text_quality("Ủy ban nhân dân tỉnh Quảng Ngãi", odd_tokens=True)
    assert good.trusted and good.valid == 1.0 and good.odd == 0.0
    assert not quality.text_quality("SOYTEHANQI CQNG HOA xA HQI CHU NGHIA VWT NAM TRUNG TAM Y TE DV PHONG Dc lop - Tr do").trusted
    noisy = quality.text_quality("Số:⁄ÖÊ ngày 0§ tháng", odd_tokens=True)
    assert noisy.odd == 0.5
    assert quality.text_quality("Số: 12").odd is None                      # not asked for


def test_the_layer_imports_nothing_else_of_the_project():
    for path in (Path(__file__).resolve().parent.parent / "extractors" / "lang").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in (
                    "extractors", "pipelines", "models"):
                assert node.module.startswith("extractors.lang"), f"{path.name} imports {node.module}"
