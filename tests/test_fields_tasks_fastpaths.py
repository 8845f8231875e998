"""The CPU shortcuts of fields, zones and tasks give exactly what the straightforward code gives
(issue #7: records must not change)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from difflib import SequenceMatcher

import pytest
from layout_builders import cong_van, document, line, quyet_dinh, text_document

from extractors import fields, gazetteer, nlp, tasks, vocab, zones
from extractors.analysis import analyse, as_analysis
from extractors.lang.fold import fold_chars
from extractors.pipeline import record_from_document

LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHÚ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "Độc lập —- Tự do — Hạnh phúc", "ĐẢNG CỘNG SẢN VIỆT NAM", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", "QUYẾT ĐỊNH",
    "QUYÉT ĐINH", "KẾ HOẠCH", "THÔNG BÁO KẾT LUẬN", "Về việc ban hành Quy chế làm việc", "GIÁM ĐỐC", "Nguyễn Văn An",
    "Sở Y tế chủ trì, phối hợp với các đơn vị liên quan triển khai thực hiện.", "CÔNG VĂN", "TỜ TRÌNH", "BÁO CÁO",
    "Lưu: VT, CS (5b).ả⁄ 49ÿ/£s", "e\u0301\u0323 x", "ΑΣ Σ", "İ", "Ðð", "ﬁ", "", "a", "KT. CHỦ TỊCH", "K.T. CHỦ TỊCH",
    "  TM. ỦY BAN NHÂN DÂN", "\u3000TL. BỘ TRƯỞNG", "Quyết định số 15/QĐ-UBND ngày 12/6/2023 của UBND tỉnh",
    "Độc lập ⁄ÖÊ Tự do", "0§ x", "Thứ Hai ngày 12 tháng 6 năm 2023", "TUQ. GIÁM ĐỐC", "Xã hội", "Việt Nam ",
]


def _old_fold(text):
    text = unicodedata.normalize("NFD", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").replace("Ð", "D").replace("ð", "d")
    return re.sub(r"\s+", " ", text.lower()).strip()


def _old_fold_char(ch):
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return "d" if base == "đ" else base if len(base) == 1 else ch


def test_fold_tables_same_as_per_character_code():
    chars = "".join(chr(c) for c in range(0x20, 0x2100)) + "\u3000\U0001D165\U0001D166"
    samples = LINES + [chars, chars[::-1]] + [chars[i:i + 7] for i in range(0, len(chars), 7)]
    for text in samples:
        vocab.fold.cache_clear()
        assert vocab.fold(text) == _old_fold(text), text
        assert fold_chars(text) == "".join(map(_old_fold_char, text)), text
    assert vocab.fold("QUYẾT ĐỊNH") == "quyet dinh" and fold_chars("Đường") == "duong"


def test_ratio_bounds_are_the_matcher_bounds():
    words = [vocab.fold(t) for t in LINES] + [k.name for k in vocab.KINDS] + ["", "x", "aaab", "abab"]
    for a in words:
        for b in words[:30]:
            m = SequenceMatcher(None, a, b, autojunk=False)
            assert vocab._length_bound(a, b) == m.real_quick_ratio(), (a, b)
            assert vocab._count_bound(a, b) == m.quick_ratio(), (a, b)
            for t in (0.7, 0.8, 0.85):
                assert vocab._ratio_at_least(a, b, t) == (m.ratio() >= t), (a, b, t)


def test_motto_and_kind_tests_same_as_scores():
    for text in LINES + [l.upper() for l in LINES]:
        for t in (0.7, 0.75, 0.85):
            assert vocab.motto_at_least(text, t) == (vocab.motto_score(text) >= t), (text, t)
        assert vocab.is_kind_line(text) == (vocab.match_kind_line(text)[0] is not None), text
    assert vocab.motto_at_least("CỘNG HOÀ XÃ HỘI CHÚ NGHĨA VIỆT NAM", 0.85)
    assert vocab.is_kind_line("QUYÉT ĐINH") and not vocab.is_kind_line("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI")


def test_authority_first_letter_test_loses_no_mark():
    heads = ["KT.", "K.T.", "TM.", "T/M", "TL", "TUQ.", "Q.", "V“T.", "X.T.", "T.L", "T.M", "kt."]
    for head in heads + [chr(c) for c in range(0x20, 0x250)]:
        for space in ("", " ", "\u3000", "\t"):
            for text in ("GIÁM ĐỐC", " CHỦ TỊCH", ". PHÓ", "x"):
                probe = space + head + text
                assert vocab.match_authority(probe) == vocab._match_authority_marks(probe), probe
    assert vocab.match_authority("KT. CHỦ TỊCH") == ("KT.", "CHỦ TỊCH")


def _old_text_quality(lines):
    tokens = [t for l in lines for t in l.text.split()]
    if not tokens:
        return 1.0
    return 1.0 - sum(fields._odd_token(t) for t in tokens) / len(tokens)


def test_text_quality_same_as_per_token_scan():
    odd = ["Lưu: VT, CS (5b).ả⁄ 49ÿ/£s", "Độc lập ⁄ÖÊ Tự do", "0§ x", "a\u0301\u0300b c", "Tiê\u0301\u0323ng Việt"]
    for texts in ([], [""], LINES, odd, LINES + odd, [unicodedata.normalize("NFD", t) for t in LINES + odd]):
        ls = [line(t, 10, 200, 10 * i) for i, t in enumerate(texts)]
        assert fields.text_quality(ls) == _old_text_quality(ls), texts
    assert fields.text_quality([line("0§ x", 10, 200, 10)]) == 0.5


def _old_canonical_case(text, places=()):
    tokens = text.split()
    cores = [re.sub(r"^[^\wÀ-ỹĐđ]+|[^\wÀ-ỹĐđ]+$", "", t) for t in tokens]
    low = [unicodedata.normalize("NFC", c).lower() for c in cores]
    phrases = list(gazetteer._name_phrases()) + [((), tuple(p.split()), True) for p in places]
    i = 0
    while i < len(tokens):
        best = None
        for _keys, words, cased in phrases:
            if not cased or len(words) > len(tokens) - i or (best and len(words) <= len(best)):
                continue
            if all(low[i + k] == w.lower() for k, w in enumerate(words)):
                best = words
        if best:
            for k, w in enumerate(best):
                if cores[i + k]:
                    tokens[i + k] = tokens[i + k].replace(cores[i + k], w if (i + k) else w[:1].upper() + w[1:], 1)
            i += len(best)
        else:
            i += 1
    return " ".join(tokens)


def test_canonical_case_same_as_full_scan():
    names = ["Sở thông tin và truyền thông tỉnh quảng ngãi", "ủy ban nhân dân huyện mê linh", "(trung tâm y tế)",
             "trường đại học cần thơ, phòng đào tạo", "Bộ giáo dục và đào tạo", "", "x", "văn phòng ubnd tỉnh"]
    names += [a.name.lower() for a in gazetteer.agencies()[:200]]
    for name in names:
        for places in ((), ("Mê Linh",), ("Mê Linh Xa", "")):
            assert gazetteer.canonical_case(name, places) == _old_canonical_case(name, places), (name, places)
    assert gazetteer.canonical_case("Sở thông tin và truyền thông").startswith("Sở Thông tin")


def _old_pos_features(words, parsed, funcs):
    n = len(words)
    columns = (words, ["X"] * n)
    out = []
    for i in range(n):
        feats = []
        for prefix, a, b, col, func in parsed:
            if i + a < 0:
                feats.append(prefix + "BOS")
                continue
            if i + a >= n or (b is not None and i + b >= n):
                feats.append(prefix + "EOS")
                continue
            word = " ".join(columns[col][i + a:i + b + 1]) if b is not None else columns[col][i + a]
            feats.append(prefix + (str(funcs[func](word)) if func else word))
        out.append(feats)
    return out


def test_pos_features_same_as_per_feature_build():
    pytest.importorskip("underthesea")
    model = nlp._pos_model()
    if model is None:
        pytest.skip("another underthesea version")
    _, parsed, funcs = model
    for text in LINES:
        words = list(nlp.word_tokenize(text))
        for k in range(len(words) + 1):
            assert nlp._pos_features(words[:k], parsed, funcs) == _old_pos_features(words[:k], parsed, funcs)
    underthesea = pytest.importorskip("underthesea")
    for text in LINES[10:16]:
        assert nlp.pos_tag(text) == underthesea.pos_tag(text), text


def test_bodies_with_lexeme_norms_same_as_token_norms():
    sp = nlp.get_spacy()
    if sp is None:
        pytest.skip("spaCy switched off")
    comp = sp.get_pipe("congvan_bodies")
    texts = LINES + ["UBND các huyện, thị xã, thành phố và Phòng Tài chính - Kế hoạch báo cáo",
                     "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính và Trung tâm CNTT Tây Bắc",
                     "Các sở, ban, ngành tỉnh; VNPT Quảng Ngãi; Sở Y tế Kiên Giang", "SỞ Y TẾ ĐỒNG THÁP", "Sơ y tê"]
    for text in texts:
        doc = sp.make_doc(text)
        doc.user_data["congvan_text"] = text
        for tok in doc:
            tok.norm_ = nlp.fold(tok.text)      # the per-token norms the component used to set
        want = tuple((e.start_char, e.end_char) for e in comp(doc).ents)
        nlp.clear_caches()
        assert nlp.bodies(text) == want, text
    assert nlp.bodies("Sơ y tê chủ trì")


def test_task_memos_follow_the_learned_names():
    text = "Trung tâm Quản lý chất lượng rà soát hồ sơ, báo cáo trước ngày 30/6"
    plain = tasks.leading_bodies(text)
    assert plain == tasks.leading_bodies.uncached(text, True)
    with nlp.document_names(["Trung tâm Quản lý chất lượng"]):
        learned = tasks.leading_bodies(text)
        assert learned == tasks.leading_bodies.uncached(text, True)
        assert tasks.own_assignees(text) == tasks.own_assignees.uncached(text)
        assert tasks.heading_bodies("Trung tâm Quản lý chất lượng") == \
            tasks.heading_bodies.uncached("Trung tâm Quản lý chất lượng")
    assert tasks.leading_bodies(text) == plain
    got = tasks.leading_bodies(text)
    got[0].append("x")                                # a caller's list is its own
    assert tasks.leading_bodies(text) == plain


def test_the_analysis_is_the_zone_split_and_is_shared():
    doc = cong_van()
    a = analyse(doc)
    assert a.doc is doc and as_analysis(a) is a     # fields and tasks are given one analysis
    assert a.cols == [zones.line_column(doc, l) for l in a.lines]
    assert [a.column(l) for l in a.lines] == a.cols
    assert a.positions == zones.has_positions(doc)
    lines = zones.prepare_lines(doc)
    hm = zones.map_header(doc, lines)
    assert (hm.so, hm.date, hm.kind, hm.vv, hm.subject, hm.kinh_gui, hm.end) == \
        (a.hm.so, a.hm.date, a.hm.kind, a.hm.vv, a.hm.subject, a.hm.kinh_gui, a.hm.end)
    z = zones.split_zones(doc)
    assert [l.text for l in z.body] == [l.text for l in a.zones.body]
    assert [l.text for l in z.footer] == [l.text for l in a.zones.footer]
    fields.extract_fields(a)
    tasks.extract_tasks(a, {})
    assert [l.text for l in a.zones.body] == [l.text for l in z.body]   # the extractors leave it unchanged
    before = [l.text for l in a.zones.footer]
    doc.pages[0].lines = [l for l in doc.pages[0].lines if not l.text.startswith("Nơi nhận")]
    assert [l.text for l in analyse(doc).zones.footer] != before       # a changed layout: a new analysis


def test_footer_with_and_without_precomputed_columns():
    for doc in (cong_van(), quyet_dinh(), text_document("Số: 05/TB-UBND\nNội dung./.\nNơi nhận:\n- Lưu: VT.\n"
                                                        "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn A\nPHỤ LỤC")):
        a = analyse(doc)
        start = a.hm.end
        stop = zones.attachment_start(doc, a.lines, start)
        fs = zones._footer_start(doc, a.lines, start, stop)
        assert fs == zones._footer_start(doc, a.lines, start, stop, a.cols, a.positions)
        assert zones._footer_end(doc, a.lines[:stop], fs) == zones._footer_end(doc, a.lines[:stop], fs, a.cols, a.positions)


def test_record_unchanged_by_a_warm_second_run():
    doc = cong_van()
    first = record_from_document("x", doc).model_dump_json()
    fresh = replace(doc, pages=[replace(p, lines=list(p.lines)) for p in doc.pages])
    assert record_from_document("x", fresh).model_dump_json() == first
    assert record_from_document("x", doc).model_dump_json() == first
    assert document([line("Kính gửi: Sở Y tế", 10, 300, 10)]).lines


# the straightforward head-name scan (a token list per head, a slice per verb test)
def _old_head_names(text: str) -> list[tuple[int, int]]:
    """Names that start with a head word (`Sở`, `Công ty`, `Trung tâm` …) and run on over
    capitalised syllables, the lower-case syllable of a compound (`Đầu tư`, `Giáo dục`), place
    words and connectors followed by a capitalised syllable."""
    out: list[tuple[int, int]] = []
    for m in nlp._HEADS.finditer(text):
        if out and m.start() < out[-1][1]:
            continue
        end = m.end()
        toks = [(t.group(0), t.start() + end, t.end() + end) for t in nlp._TOKEN.finditer(text[end:end + 200])]
        i = 0
        last_end = end
        prev_cap = True
        n_good = 0
        while i < len(toks):
            tok, s, e = toks[i]
            gap = text[(toks[i - 1][2] if i else end):s]
            if gap.strip():
                break       # `:`, `;`, `(` … end the name
            if tok[:1].islower() and nlp._STOP_VERBS.match(text[s:]) and n_good:
                break
            if nlp._is_cap(tok) or tok.isupper():
                last_end, prev_cap, n_good = e, True, n_good + 1
            elif tok.lower() in nlp._PLACE_WORDS:
                last_end, prev_cap = e, False
                n_good += 1
            elif tok in (",",) or tok.lower() in nlp._CONNECT_WORDS:
                nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
                if not (nlp._is_cap(nxt)) or (tok in (",", "và") and nlp._HEADS.match(text[toks[i + 1][1]:])):
                    break
                prev_cap = False
            elif prev_cap and tok.islower():
                # one lower-case syllable of a compound after a capitalised one; more only when a
                # capitalised syllable follows within three tokens (`Kinh doanh dịch vụ Quảng Ngãi`)
                ahead = [t[0] for t in toks[i + 1:i + 4]]
                if i + 1 < len(toks) and toks[i + 1][0].islower() and not any(nlp._is_cap(a) for a in ahead):
                    if text[s:e] and not re.match(r"^(tế|tư|dục|chính|học|sự|dựng|doanh|thông|nghiệp|nội|vụ|hội|sản|trường|tạo|"
                                                  r"tin|pháp|cứu|hoạch|thương|binh|lục|an|tác|nghệ|phòng|mại|phẩm|bạc)$", tok):
                        break
                last_end, prev_cap = e, False
                n_good += 1
            elif tok.islower() and any(nlp._is_cap(a[0]) for a in toks[i + 1:i + 3]) and not nlp._STOP_VERBS.match(text[s:]):
                prev_cap = False
            else:
                break
            i += 1
        if n_good:
            out.append((m.start(), last_end))
    return out


def test_head_names_same_as_full_token_list():
    texts = LINES + [
        "Giao Sở Kế hoạch và Đầu tư chủ trì, phối hợp với Sở Tài chính, Công ty Cổ phần Kinh doanh dịch vụ Quảng Ngãi",
        "Trung tâm Kiểm định chất lượng giáo dục phối hợp với Phòng Công tác sinh viên tổ chức khảo sát",
        "Bệnh viện Đa khoa tỉnh và Trung tâm Y tế huyện Ba Tơ, Sở Y tế Kiên Giang; UBND các huyện, thị xã",
        "Ban Quản lý dự án các công trình giao thông tỉnh tiếp tục thực hiện. Phòng Tổ chức - Hành chính báo cáo",
        "Sở Nội vụ " + "x " * 150 + "Sở Tài chính",
    ]
    for text in texts:
        for k in range(0, len(text), 9):
            assert nlp.head_names(text[k:]) == _old_head_names(text[k:]), text[k:]
    assert nlp.head_names("Sở Nội vụ chủ trì") == [(0, 9)]


# --------------------------------------------------------------------------- text scans (session 5)

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from extractors.lang import encodings, quality  # noqa: E402
from extractors.normalize import normalize_text, squash_spaces  # noqa: E402
from extractors.readers.pdf import _WORD, word_spans  # noqa: E402

# the characters the shortcuts are about: every kind of space, invisible marks, legacy-encoding
# letters (TCVN3/VNI), VIQR's `a^`, pdfium's line-end hyphen and separators
_TRICKY = list("aAeEoOuUĐđệ ^(+`~?'-x.") + ["  ", "\t", "\n", "\r", "\xa0", "\u2000", "\u2003", "\u200b", "\xad",
                                             "\ufeff", "e\u0301", "¸", "õ", "µ", "\u3000", "\x85", "\x1c", "\x00",
                                             "\ufffe", "\uffff", "\u2028", "Ỳ"]
tricky_text = st.lists(st.sampled_from(_TRICKY), max_size=30).map("".join)
FAST = settings(max_examples=400, deadline=None)
_OLD_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


@FAST
@given(st.one_of(tricky_text, st.text(max_size=60)))
def test_squash_spaces_is_the_regex(text):
    assert squash_spaces(text) == re.sub(r"\s+", " ", text)


@FAST
@given(st.one_of(tricky_text, st.text(max_size=60)))
def test_normalize_text_shortcut_is_the_full_path(text):
    full = unicodedata.normalize("NFC", encodings.repair(text).translate(_INVISIBLE)) if text else ""
    assert normalize_text(text) == _OLD_SPACES.sub(" ", full).strip()


@FAST
@given(st.one_of(tricky_text, st.text(max_size=60)))
def test_word_spans_are_the_regex_matches(text):
    assert word_spans(text) == [m.span() for m in _WORD.finditer(text)]


@FAST
@given(st.lists(st.sampled_from(["Sở", "Y", "tế", "UBND", "xã", "hội", "abc", "(cid:12)", "Ö", "12"]), max_size=40))
def test_text_quality_counts_each_token(tokens):
    text = " ".join(tokens)
    got = quality.text_quality(text)
    count = valid = marked = 0
    for token in quality.TOKEN.findall(quality.CID.sub(" ", text)):
        ignored, syllable, has_marks = quality.token_class(token)
        if not ignored:
            count, valid, marked = count + 1, valid + syllable, marked + has_marks
    assert (got.tokens, got.valid, got.marked) == ((count, valid / count, marked / count) if count else (0, 0.0, 0.0))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["việt ", "nam ", "english ", "text ", "a", "ệ", "\n", " ", "12 ", "x" * 1500,
                                 "đường " * 200, "word " * 400]), max_size=60).map("".join))
def test_language_check_shortcut_is_the_full_count(text):
    from extractors import safety

    words = safety._WORD.findall(text)
    marked = sum(not safety.VIETNAMESE_ONLY_LETTERS.isdisjoint(w) for w in words)
    expected = len(words) >= safety.MIN_WORDS_FOR_LANGUAGE and marked < safety.MIN_VIETNAMESE_WORD_SHARE * len(words)
    assert safety._too_little_vietnamese(text) == expected


_SYMBOL_PARTS = list("0123456789/-_& aAbĐđQ.…xTTgUBND²٣") + [" 12/QĐ-UBND", "số 5-NQ/TW", "/2023/", "a1", ".1", "…3",
                                                          "12 / 2020 / NĐ-CP", "_1", "1113/SLĐT BXH-BTXHTE"]


@FAST
@given(st.lists(st.sampled_from(_SYMBOL_PARTS), max_size=25).map("".join))
def test_symbol_matches_are_the_regex_matches(text):
    from extractors import references

    def spans(found):
        return [(m.span(), m.group("sym"), m.group("party")) for m in found]
    assert spans(references.symbol_matches(text)) == spans(references._SYMBOL.finditer(text))


@FAST
@given(st.lists(st.sampled_from(["a", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323", " ", "\n", "x", "\u0302"]),
                max_size=20).map("".join))
def test_two_tones_pattern_is_the_backtracking_one(text):
    old = re.compile(f"[{fields._TONES}]\\S*[{fields._TONES}]")
    assert bool(fields._TWO_TONES.search(text)) == bool(old.search(text))
