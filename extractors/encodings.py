"""Old import path of `extractors.lang.encodings` (legacy Vietnamese encodings); import from there."""
from extractors.lang.encodings import (  # noqa: F401
    SUSPECT_CHARS,
    convert,
    decode_font_text,
    detect,
    font_encoding,
    repair,
    repair_words,
    tcvn3_to_unicode,
    viqr_suspect,
    viqr_to_unicode,
    vni_to_unicode,
)
from extractors.lang.tones import modern_tones  # noqa: F401
