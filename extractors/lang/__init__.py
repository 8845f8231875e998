"""The Vietnamese language layer: text machinery that knows the language, not the document format.

- `fold`: folded forms for fuzzy matching (no diacritics, `đ`→`d`), sentence case;
- `tones`: the tone marks and the old/new tone placement (`hoà`/`hòa`);
- `syllable`: the syllable grammar (onset + rhyme), strict and on folded text;
- `quality`: how much a text looks like Vietnamese print (syllables, diacritics, odd tokens);
- `encodings`: legacy encodings (TCVN3, VNI, VIQR) detected and converted to Unicode;
- `lexicon`: the Vietnamese word list (Viet74K, shipped with underthesea) when installed.

This package imports nothing else of the project (scripts/check_layers.py enforces it).
"""
