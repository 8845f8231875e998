"""Vietnamese NLP components for the task extractor, loaded once per process.

- spaCy: `spacy.blank("vi")` without pyvi (a punctuation-aware rule tokenizer instead, works
  offline) with one registered component, `congvan_bodies` (PhraseMatcher over every gazetteer
  form on folded tokens — NORM without tones, so OCR tone errors match — a known body extended
  over a following title-case place name, the names the current document prints as headings,
  plus regexes for collective and head-word names → `doc.ents` ORG). Its per-document input is
  on the `Doc`: `doc.user_data["congvan_text"]` (the text) and `["congvan_names"]` (the
  document's heading names, which `bodies` takes from the `document_names` block around a
  document's task extraction).
- underthesea: `pos_tag` (shipped in its wheel; nothing is downloaded) to find where the
  subject noun phrase of a sentence ends (`Khoa nhận hồ sơ` → `Khoa`), and `word_tokenize` to
  end a body name cut inside a compound or before its field words (`name_end`: `Kiểm | định chất
  lượng giáo dục`). `classify` and `dependency_parse` download models and are never used.

Without spaCy the regexes alone find bodies (no gazetteer phrases, no document names); without
underthesea the verb-lookahead rules of `extractors.tasks` decide where names end.

Switches for the ablation: environment `CONGVAN_NLP_SPACY=0` / `CONGVAN_NLP_UNDERTHESEA=0`, or
`set_enabled(spacy=False)` at run time.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from extractors import gazetteer
from extractors.lang.fold import fold_chars
from models.settings import settings

_ENABLED = {
    "spacy": settings().nlp_spacy,
    "underthesea": settings().nlp_underthesea,
}
_NLP = None


def enabled(name: str) -> bool:
    return _ENABLED.get(name, False)


def state() -> tuple:
    """What the results of this module depend on besides their text (switches, the current
    document's names): part of the key of any cache of results built on them."""
    return _ENABLED["spacy"], _ENABLED["underthesea"], _DOC_NAMES.get()


def set_enabled(**flags: bool) -> None:
    """Switch components on/off (ablation); clears the caches that depend on them."""
    _ENABLED.update(flags)
    clear_caches()


def clear_caches() -> None:
    """Forget every memoised analysis (after a switch changes, or in tests)."""
    _bodies.cache_clear()
    subject_end.cache_clear()
    name_end.cache_clear()
    word_tokenize.cache_clear()


# ---------------------------------------------------------------- vocabulary
_COLLECTIVE_WORDS = r"(?:điểm\s+thi|cơ\s+sở(?:\s+y\s+tế|\s+giáo\s+dục)?|bộ|sở|ban|ngành|đoàn\s+thể|cơ\s+quan|đơn\s+vị|địa\s+phương|huyện|thị\s+xã|thành\s+phố|quận|xã|phường|thị\s+trấn|tổ\s+chức(?:\s+chính\s+trị\s*-\s*xã\s+hội)?|doanh\s+nghiệp|trường(?:\s+học)?|phòng|khoa|trung\s+tâm|hội|sở\s+ngành|phòng\s+ban)"
COLLECTIVE = re.compile(
    r"(?:(?:lãnh\s+đạo|thủ\s+trưởng|hiệu\s+trưởng|giám\s+đốc|trưởng|chủ\s+tịch\s+(?:ủy|uỷ)\s+ban\s+nhân\s+dân|chủ\s+tịch\s+ubnd|ubnd|(?:ủy|uỷ)\s+ban\s+nhân\s+dân|"
    r"người\s+đứng\s+đầu)\s+)?(?:các|những)\s+" + _COLLECTIVE_WORDS +
    r"(?:\s+ngang\s+bộ)?(?:(?:\s*,\s*|\s+)" + _COLLECTIVE_WORDS + r"(?:\s+ngang\s+bộ)?)*(?:\s+(?:cấp\s+tỉnh|cấp\s+huyện|trực\s+thuộc|thuộc\s+\w+|tỉnh|có\s+liên\s+quan|liên\s+quan|trong\s+tỉnh|của\s+tỉnh|trên\s+địa\s+bàn(?:\s+tỉnh)?))*",
    re.I)
# a capitalised name after a head word: `Trung tâm CNTT Tây Bắc`, `Công ty Cổ phần …`
_HEADS = re.compile(
    r"(?<![\wÀ-ỹ])(?:Bệnh\s+viện|Trường|Trung\s+tâm|Phòng|Văn\s+phòng|Công\s+ty|Tổng\s+công\s+ty|Ban|Hội|Chi\s+cục|"
    r"Cục|Tổng\s+cục|Khoa|Viện|Học\s+viện|Đài|Báo|Sở|Bộ|Ủy\s+ban|Uỷ\s+ban|UBND|HĐND|Công\s+an|Tòa\s+án|Toà\s+án|"
    r"Viện\s+Kiểm\s+sát|Thanh\s+tra|Kho\s+bạc|Bảo\s+hiểm|Liên\s+đoàn|Đoàn|Trạm|Ngân\s+hàng|Tỉnh\s+ủy|Tỉnh\s+uỷ|P\.)")
_UBND_COLLECTIVE = re.compile(
    r"(?:(?:chủ\s+tịch\s+)?(?:ubnd|(?:ủy|uỷ)\s+ban\s+nhân\s+dân)|công\s+an|phòng\s+\w+)\s+(?:các\s+)?(?:tỉnh|huyện|thị\s+xã|thành\s+phố|quận|xã|phường)"
    r"(?:\s*,\s*(?:thị\s+xã|thành\s+phố|quận|xã|phường|thị\s+trấn|huyện))+", re.I)
_TOKEN = re.compile(r"[\wÀ-ỹ.&]+|[,\-–]")
_CONNECT_WORDS = {"và", "-", "–", "&", "của", "thuộc", "các"}
_PLACE_WORDS = {"tỉnh", "huyện", "thị", "xã", "thành", "phố", "quận", "phường", "trấn", "nhân", "dân", "kiểm", "sát"}


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper() or tok[:1].isdigit()


def head_names(text: str) -> list[tuple[int, int]]:
    """Names that start with a head word (`Sở`, `Công ty`, `Trung tâm` …) and run on over
    capitalised syllables, the lower-case syllable of a compound (`Đầu tư`, `Giáo dục`), place
    words and connectors followed by a capitalised syllable."""
    out: list[tuple[int, int]] = []
    for m in _HEADS.finditer(text):
        if out and m.start() < out[-1][1]:
            continue
        end = m.end()
        # the tokens of the next 200 characters, read as far as the name needs (three ahead)
        found = _TOKEN.finditer(text, end, end + 200)
        toks: list[tuple[str, int, int]] = []

        def read_to(k: int, toks=toks, found=found) -> None:
            while len(toks) <= k:
                t = next(found, None)
                if t is None:
                    return
                toks.append((t.group(0), t.start(), t.end()))

        i = 0
        last_end = end
        prev_cap = True
        n_good = 0
        read_to(3)
        while i < len(toks):
            tok, s, e = toks[i]
            gap = text[(toks[i - 1][2] if i else end):s]
            if gap.strip():
                break       # `:`, `;`, `(` … end the name
            if tok[:1].islower() and _STOP_VERBS.match(text, s) and n_good:
                break
            if _is_cap(tok) or tok.isupper():
                last_end, prev_cap, n_good = e, True, n_good + 1
            elif tok.lower() in _PLACE_WORDS:
                last_end, prev_cap = e, False
                n_good += 1
            elif tok in (",",) or tok.lower() in _CONNECT_WORDS:
                nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
                if not (_is_cap(nxt)) or (tok in (",", "và") and _HEADS.match(text[toks[i + 1][1]:])):
                    break
                prev_cap = False
            elif prev_cap and tok.islower():
                # one lower-case syllable of a compound after a capitalised one; more only when a
                # capitalised syllable follows within three tokens (`Kinh doanh dịch vụ Quảng Ngãi`)
                ahead = [t[0] for t in toks[i + 1:i + 4]]
                if i + 1 < len(toks) and toks[i + 1][0].islower() and not any(_is_cap(a) for a in ahead):
                    if text[s:e] and not re.match(r"^(tế|tư|dục|chính|học|sự|dựng|doanh|thông|nghiệp|nội|vụ|hội|sản|trường|tạo|"
                                                  r"tin|pháp|cứu|hoạch|thương|binh|lục|an|tác|nghệ|phòng|mại|phẩm|bạc)$", tok):
                        break
                last_end, prev_cap = e, False
                n_good += 1
            elif tok.islower() and any(_is_cap(a[0]) for a in toks[i + 1:i + 3]) and not _STOP_VERBS.match(text, s):
                prev_cap = False
            else:
                break
            i += 1
            read_to(i + 3)
        if n_good:
            out.append((m.start(), last_end))
    return out


class _Found:
    def __init__(self, span):
        self._span = span

    def span(self):
        return self._span

    def start(self):
        return self._span[0]

    def end(self):
        return self._span[1]


class _HeadNameFinder:
    @staticmethod
    def finditer(text):
        return [_Found(s) for s in head_names(text)]


HEAD_NAME = _HeadNameFinder()


fold = fold_chars   # OCR-tolerant matching on text folded character by character


COLLECTIVE_F = re.compile(fold(COLLECTIVE.pattern), re.I)
_UBND_COLLECTIVE_F = re.compile(fold(_UBND_COLLECTIVE.pattern), re.I)


# words that folding makes equal to a collective word: `các đơn vị quan tâm` is no `… quận`
_HOMOGRAPHS = {"quan": "quận", "xa": "xã", "phong": "phòng"}


_WORD = re.compile(r"\S+")


def _homograph_end(text: str, start: int, end: int) -> int:
    """End of a folded match without a last word that only folding made a place word."""
    words = list(_WORD.finditer(text[start:end]))
    if len(words) > 1:
        last = words[-1].group(0).strip(",;").lower()
        want = _HOMOGRAPHS.get(fold(last))
        if want and last != want:
            return start + words[-2].end()
    return end


def _tokenizer(nlp):
    from spacy.lang.punctuation import TOKENIZER_INFIXES, TOKENIZER_PREFIXES, TOKENIZER_SUFFIXES
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
    infixes = list(TOKENIZER_INFIXES) + [r"[,;:](?=\S)"]
    return Tokenizer(nlp.vocab, prefix_search=compile_prefix_regex(TOKENIZER_PREFIXES).search,
                     suffix_search=compile_suffix_regex(TOKENIZER_SUFFIXES).search,
                     infix_finditer=compile_infix_regex(infixes).finditer)


def _register() -> None:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Span
    from spacy.util import filter_spans

    if "congvan_bodies" in Language.factories:
        return

    @Language.factory("congvan_bodies")
    def make_bodies(nlp, name):
        # matched on folded tokens (NORM = lower case without tones): OCR tone errors still match
        matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        matcher.add("ORG", [nlp.make_doc(form) for form in gazetteer.surface_forms()])
        local: dict = {"names": (), "matcher": None}    # the matcher of the last names seen

        def component(doc):
            # the text the doc was made from (`bodies`); doc.text joins every token on each access
            text = doc.user_data.get("congvan_text")
            if text is None:
                text = doc.text
            folded = fold(text)
            # the names the document prints as headings (`bodies` puts them on the doc)
            names = doc.user_data.get("congvan_names", ())
            # the tokens' NORM is their lexeme's, set to the folded form when the lexeme is made
            # (`_fold_norms`): no per-token loop
            if local["names"] != names:
                local["names"] = names
                local["matcher"] = PhraseMatcher(nlp.vocab, attr="NORM") if names else None
                if names:
                    local["matcher"].add("DOC", [nlp.make_doc(n) for n in names])
            found = list(matcher(doc)) + (list(local["matcher"](doc)) if local["matcher"] else [])
            spans = [_extend_title(Span(doc, s, e, label="ORG")) for _, s, e in found]
            for regex in (_UBND_COLLECTIVE_F, COLLECTIVE_F, HEAD_NAME):
                for m in regex.finditer(text if regex is HEAD_NAME else folded):
                    end = m.end() if regex is HEAD_NAME else _homograph_end(text, m.start(), m.end())
                    span = doc.char_span(m.start(), end, label="ORG", alignment_mode="expand")
                    if span is not None:
                        spans.append(span)
            doc.ents = filter_spans(spans)
            return doc
        return component


def _fold_norms(vocab) -> None:
    """NORM of every lexeme = its folded text (lower case without tones, one character per
    character), for the lexemes there are and the ones the tokenizer makes later."""
    from spacy.attrs import NORM
    vocab.lex_attr_getters[NORM] = fold
    for lex in vocab:
        lex.norm_ = fold(lex.orth_)




def _extend_title(span):
    """A known body followed by a place name in title case (`VNPT Quảng Ngãi`, `Sở Y tế Kiên Giang`)
    takes it in: up to three title-case tokens that start no other body."""
    from spacy.tokens import Span
    end = span.end
    doc = span.doc
    while end < len(doc) and end - span.end < 3:
        tok = doc[end]
        if not (tok.text[:1].isupper() and tok.text[1:].islower() and tok.is_alpha) or \
                _HEADS.match(tok.text) or tok.whitespace_ == "" and end + 1 < len(doc) and not doc[end + 1].is_punct:
            break
        end += 1
    return Span(doc, span.start, end, label=span.label_) if end > span.end else span


# names the current document itself prints as section headings (`5.1. Trung tâm Quản lý chất
# lượng`): matched whole in its body text, so a name with lower-case syllables is not cut short
_DOC_NAMES: ContextVar[tuple[str, ...]] = ContextVar("congvan_document_names", default=())


@contextmanager
def document_names(names: Iterable[str]) -> Iterator[tuple[str, ...]]:
    """Inside the block, `bodies` also knows these body names of the document being read (spaCy
    only; names of two words or more); they are forgotten when the block ends."""
    kept = tuple(sorted({n for n in names if len(n.split()) >= 2}))
    token = _DOC_NAMES.set(kept)
    try:
        yield kept
    finally:
        _DOC_NAMES.reset(token)


def current_names() -> tuple[str, ...]:
    """The names of the enclosing `document_names` block (`()` outside one)."""
    return _DOC_NAMES.get()


def _import_spacy():
    """`import spacy` without its command-line package: spaCy's `__init__` imports `spacy.cli` (for
    `spacy.info`), and with it typer, weasel and httpx, ~0.18 s of CPU in every worker process for
    code this project never runs. A placeholder stands in while spaCy imports and is removed right
    after, so a later `import spacy.cli` gets the real package (and `spacy.info` imports it)."""
    import sys
    from types import ModuleType

    if "spacy" in sys.modules:
        return sys.modules["spacy"]

    def info(*args, **kwargs):
        from spacy.cli.info import info as real_info
        return real_info(*args, **kwargs)

    cli, cli_info = ModuleType("spacy.cli"), ModuleType("spacy.cli.info")
    cli.__path__ = []
    cli_info.__dict__["info"] = info
    sys.modules.update({"spacy.cli": cli, "spacy.cli.info": cli_info})
    try:
        import spacy
    finally:
        for name, placeholder in (("spacy.cli", cli), ("spacy.cli.info", cli_info)):
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]
    if getattr(spacy, "cli", None) is cli:
        delattr(spacy, "cli")
    return spacy


def get_spacy():
    """The spaCy pipeline (lazy singleton), or None when switched off."""
    global _NLP
    if not enabled("spacy"):
        return None
    if _NLP is None:
        spacy = _import_spacy()
        _register()
        nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
        nlp.tokenizer = _tokenizer(nlp)
        _fold_norms(nlp.vocab)
        nlp.add_pipe("congvan_bodies")
        _NLP = nlp
    return _NLP


# The longest text handed to spaCy or underthesea at once. Their cost grows faster than the text
# on long runs without sentence ends (random text: 5 KB 7.6 s, 50 KB 479 s); a longer text is
# analysed in windows cut at a space, so the cost stays linear. A paragraph of a real document is
# far shorter; a name across a cut is lost, nothing else.
MAX_NLP_CHARS = 3000


def windows(text: str, size: int = MAX_NLP_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) of `text` cut at spaces into pieces of at most `size` characters."""
    if len(text) <= size:
        return [(0, text)]
    out, at = [], 0
    while at < len(text):
        end = min(len(text), at + size)
        if end < len(text):
            cut = text.rfind(" ", at + size // 2, end)
            end = cut if cut > at else end
        out.append((at, text[at:end]))
        at = end
    return out


def bodies(text: str) -> tuple[tuple[int, int], ...]:
    """Character spans of the bodies named in `text` (spaCy ORG entities; regexes when spaCy is
    off), with the names of the enclosing `document_names` block."""
    return _bodies(text, _DOC_NAMES.get())


@lru_cache(maxsize=4096)
def _bodies(text: str, names: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    if len(text) > MAX_NLP_CHARS:
        return tuple((at + s, at + e) for at, piece in windows(text) for s, e in _bodies(piece, names))
    nlp = get_spacy()
    if nlp is not None:
        doc = nlp.make_doc(text)
        doc.user_data["congvan_text"] = text
        doc.user_data["congvan_names"] = names
        # only the component that sets the entities (the assignment and deadline spans are not read here)
        return tuple((e.start_char, e.end_char) for e in nlp.get_pipe("congvan_bodies")(doc).ents)
    spans: list[tuple[int, int]] = []
    for regex in (_UBND_COLLECTIVE_F, COLLECTIVE_F, HEAD_NAME):
        spans.extend((m.start(), m.end() if regex is HEAD_NAME else _homograph_end(text, m.start(), m.end()))
                     for m in regex.finditer(text if regex is HEAD_NAME else fold(text)))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[tuple[int, int]] = []
    for s in spans:
        if not out or s[0] >= out[-1][1]:
            out.append(s)
    return tuple(out)


# `_STOP_VERBS.match(text, at)`: one of these verbs at `at` (no `^`, so no slice copy is needed)
_STOP_VERBS = re.compile(
    r"(chủ\s+trì|phối\s+hợp|ban\s+hành|khẩn\s+trương|tổ\s+chức|thực\s+hiện|triển\s+khai|căn\s+cứ|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|"
    r"chỉ\s+đạo|tham\s+mưu|theo\s+dõi|rà\s+soát|xây\s+dựng|hướng\s+dẫn|tăng\s+cường|chủ\s+động|nghiên\s+cứu|báo\s+cáo|là|"
    r"gửi|nhận|hoàn\s+tất|hoàn\s+thành|bố\s+trí|cử|tiếp\s+thu|tiếp\s+tục|quan\s+tâm|xem\s+xét|phê\s+duyệt|cho\s+ý\s+kiến|"
    r"đẩy\s+mạnh|thường\s+xuyên|kịp\s+thời|nghiêm\s+túc|trên\s+cơ\s+sở|căn\s+cứ)\b", re.I)

@lru_cache(maxsize=4096)
def subject_end(text: str) -> int:
    """Where the subject noun phrase at the start of `text` ends (0 = no subject).

    With underthesea: the run of nouns, proper nouns, numbers and list punctuation before the
    first verb/adjective/adverb. Without it: up to the first known action verb.
    """
    if enabled("underthesea"):
        pos = 0
        end = 0
        seen_noun = False
        for word, tag in pos_tag(text[:300]):
            at = text.find(word, pos)
            if at < 0:
                break
            if seen_noun and _STOP_VERBS.match(text, at):
                break
            if tag in ("N", "Np", "Nc", "Nu", "Ny", "Nb", "M", "L") or (tag in ("CH",) and word in ",-–&") or \
                    (tag == "C" and word.lower() == "và") or (seen_noun and tag in ("E",) and word.lower() in ("của", "thuộc")):
                seen_noun = seen_noun or tag.startswith("N")
                end = at + len(word)
                pos = end
                continue
            if tag == "V" and not seen_noun:
                return 0
            break
        return end if seen_noun else 0
    m = re.search(r"\s(" + _STOP_VERBS.pattern + r")", text[:300], re.I)
    return m.start() if m else 0


STOP_VERBS = _STOP_VERBS

# the template of underthesea's CRF POS model (`pipeline.pos_tag.model_crf`), parsed once:
# (prefix, first index, last index or None, column, function)
_POS_TEMPLATE = ("T[-2].lower", "T[-1].lower", "T[0].lower", "T[1].lower", "T[2].lower",
                 "T[0].istitle", "T[-1].istitle", "T[1].istitle",
                 "T[-2]", "T[-1]", "T[0]", "T[1]", "T[2]", "T[-2,-1]", "T[-1,0]", "T[0,1]", "T[1,2]",
                 "T[-3][1]", "T[-2][1]", "T[-1][1]", "T[-3,-2][1]", "T[-2,-1][1]")
_POS_SYNTAX = re.compile(r"T\[(-?\d+)(?:,(-?\d+))?\](?:\[(\d+)\])?(?:\.(\w+))?")
_POS_MODEL: tuple | bool | None = None


def _pos_model():
    """underthesea's CRF POS tagger and feature functions, or None when its layout changed."""
    global _POS_MODEL
    if _POS_MODEL is None:
        try:
            from underthesea.pipeline.pos_tag import model_crf, tagged_feature
            predictor = model_crf.CRFPOSTagPredictor.Instance()
            if list(predictor.transformer.template) != list(_POS_TEMPLATE):
                raise ValueError("template changed")
            parsed = []
            for syntax in _POS_TEMPLATE:
                m = _POS_SYNTAX.fullmatch(syntax)
                if m is None:
                    raise ValueError("template syntax changed")
                parsed.append((syntax + "=", int(m.group(1)), int(m.group(2)) if m.group(2) else None,
                               int(m.group(3) or 0), m.group(4)))
            funcs = {"lower": str.lower, "istitle": tagged_feature.text_istitle}
            _POS_MODEL = (predictor.model, tuple(parsed), funcs)
        except Exception:  # another underthesea version: its own pos_tag
            _POS_MODEL = False
    return _POS_MODEL or None


def _pos_features(words: list[str], parsed, funcs) -> list[list[str]]:
    """The features underthesea's `TaggedTransformer` builds, without its per-feature rebuild of
    every column (quadratic in the sentence length); same strings, same order."""
    n = len(words)
    columns = (words, ["X"] * n)
    # per template: the feature of every token at once (each word lowered, title-tested, joined
    # once; `BOS` before the sentence, `EOS` past it), then the tokens' rows by zip
    per_template = []
    for prefix, a, b, col, func in parsed:
        column, span = columns[col], (b - a + 1 if b is not None else 1)
        f = funcs[func] if func else None
        lo = max(0, -a)                     # the first token whose window starts in the sentence
        hi = n - 1 - (b if b is not None else a)    # the last one whose window ends in it
        feats = [prefix + "BOS"] * min(lo, n)
        for j in range(lo + a, hi + a + 1):
            word = " ".join(column[j:j + span]) if b is not None else column[j]
            feats.append(prefix + (str(f(word)) if f else word))
        feats.extend([prefix + "EOS"] * (n - len(feats)))
        per_template.append(feats)
    return [list(row) for row in zip(*per_template)] if per_template else [[] for _ in range(n)]


@lru_cache(maxsize=4096)
def word_tokenize(text: str) -> tuple[str, ...]:
    """underthesea's word segmentation (memoised: `pos_tag` and `name_end` often segment the same
    short text)."""
    from underthesea import word_tokenize as ut_word_tokenize
    if len(text) > MAX_NLP_CHARS:
        return tuple(w for _, piece in windows(text) for w in word_tokenize(piece))
    return tuple(ut_word_tokenize(text))


def pos_tag(text: str) -> list[tuple[str, str]]:
    """underthesea's `pos_tag(text)` (same words and tags), with a linear-time featurizer."""
    model = _pos_model()
    if model is None:
        from underthesea import pos_tag as ut_pos_tag
        return [t for _, piece in windows(text) for t in ut_pos_tag(piece)]
    tagger, parsed, funcs = model
    words = list(word_tokenize(text))
    return list(zip(words, tagger.tag(_pos_features(words, parsed, funcs)))) if words else []

# lower-case words that occur inside names of bodies (their field: `Trung tâm Kiểm định chất lượng
# giáo dục`, `Phòng Công tác sinh viên`): the gazetteer's own words plus a few fields it lacks
_EXTRA_FIELDS = ("chất lượng", "khảo thí", "kiểm định", "công tác", "sinh viên", "học sinh", "quản lý", "kế toán",
                 "hành chính", "dân số", "khám chữa bệnh", "dự phòng", "thông tin", "tư vấn", "hỗ trợ", "giám định")


@lru_cache(maxsize=1)
def _field_words() -> frozenset[str]:
    words: set[str] = set(_EXTRA_FIELDS)
    for name in gazetteer.surface_forms():
        sylls = name.lower().replace(",", " ").replace("-", " ").split()
        words.update(" ".join(sylls[i:i + 2]) for i in range(len(sylls) - 1))
    return frozenset(w for w in words if not _STOP_VERBS.match(w))   # `xây dựng`, `hướng dẫn`: verbs too


@lru_cache(maxsize=4096)
def name_end(text: str, end: int) -> int:
    """With underthesea word segmentation: where a body name cut at `end` really ends.

    The name runs on to the end of the word it was cut in (`Kiểm` → `Kiểm định`), over
    following words that name a field (`chất lượng`, `giáo dục`) and over `ngành`/`Sở` + a
    title-case name after `thuộc` (`trực thuộc ngành Y tế Kiên Giang`); it stops before any other
    word. Returns `end` unchanged when underthesea is off or nothing extends."""
    if not enabled("underthesea") or end >= len(text):
        return end
    pos = 0
    spans = []
    for word in word_tokenize(text[:end + 120]):
        at = text.find(word, pos)
        if at < 0:
            break
        spans.append((at, at + len(word), word))
        pos = at + len(word)
    new = end
    k = 0
    while k < len(spans) and spans[k][1] <= end:
        k += 1
    if k < len(spans) and spans[k][0] < end < spans[k][1] and " " in spans[k][2]:
        new = spans[k][1]           # cut inside a compound word
        k += 1
    titled = False                  # inside `ngành Y tế Kiên Giang` after `thuộc`
    while k < len(spans):
        s, e, word = spans[k]
        if text[new:s].strip():
            break                   # punctuation between
        low = word.lower()
        if titled and word[:1].isupper():
            new = e
        elif low in ("ngành", "sở") and re.search(r"thuộc\s*$", text[:s]) and k + 1 < len(spans) and \
                spans[k + 1][2][:1].isupper():
            new, titled = e, True
        elif not titled and low in _field_words() and word[:1].islower():
            new = e
        else:
            break
        k += 1
    return new
