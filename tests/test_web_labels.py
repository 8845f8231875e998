"""Vietnamese names the workspace shows for what the extractor writes in English."""
from pipelines.web import labels


def test_official_signs_are_shown_in_vietnamese():
    shown = labels.official_source("motto, symbol, kind, issuer, date, signature")
    assert shown == "Thấy: quốc hiệu, số, ký hiệu, tên loại, cơ quan ban hành, ngày tháng, chữ ký"
    assert labels.official_source("; template") == "Không thấy dấu hiệu văn bản hành chính; là mẫu để trống"
    assert labels.official_source(None) is None


def test_every_sign_the_extractor_names_has_a_vietnamese_name():
    import inspect

    from extractors.fields import official
    source = inspect.getsource(official._signs)
    for key in ("motto", "symbol", "kind", "issuer", "date", "signature"):
        assert f'"{key}"' in source and key in labels.OFFICIAL_SIGNS
