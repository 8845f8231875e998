"""The word tables of the fixed vocabulary (`extractors/data/vocab.json`), validated when loaded.

Kinds of document with their symbol abbreviations, agency head nouns, abbreviations, administrative
levels, urgency and confidentiality marks, degrees, family names, title words and phrases, agency and unit phrases, garbled authority
marks and the provinces (with the 2025 merger). `extractors.vocab` and `extractors.gazetteer` build
their matchers from them; a malformed file is refused at load with the place of the fault.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "vocab.json"
VERSION = 1


class VocabularyError(ValueError):
    """The vocabulary file breaks its schema (the message names the table and the entry)."""


@dataclass(frozen=True)
class Kind:
    name: str                  # full Vietnamese name, sentence case (CONTRACT doc_type)
    abbrs: tuple[str, ...]     # symbol abbreviations, the ND30 one first
    legal: bool = False        # legal documents carry the year in the symbol


@dataclass(frozen=True)
class Head:
    head: str                  # lower case
    agency: bool = False       # starts an agency's name in the header's left column
    body: bool = False         # heads a body or group that can be given work
    kind: str | None = None    # the gazetteer kind of a unit named by it
    marks_only: bool = False   # its folded form is another word: matched with its tone marks only


@dataclass(frozen=True)
class Abbreviation:
    abbr: str
    full: str
    symbol: bool = False       # a group of an issuer's ký hiệu naming the body
    expand: bool = False       # spelled out in the gazetteer's lookup key
    acronym: bool = False      # OCR's stray marks on it are fixed


@dataclass(frozen=True)
class AdminLevel:
    word: str
    marks_only: bool = False   # not used to put back OCR's marks (its folded form is another word)


@dataclass(frozen=True)
class Mark:
    name: str                  # as the record names it (`Hỏa tốc`)
    scale: str                 # urgency | confidentiality


@dataclass(frozen=True)
class Province:
    name: str
    valid_to: date | None = None      # merged or renamed after this day
    successor: str | None = None      # the province it became part of


@dataclass(frozen=True)
class Vocabulary:
    version: int
    kinds: tuple[Kind, ...]
    agency_heads: tuple[Head, ...]
    abbreviations: tuple[Abbreviation, ...]
    admin_levels: tuple[AdminLevel, ...]
    provinces: tuple[Province, ...]
    marks: tuple[Mark, ...]
    degrees: tuple[str, ...]
    title_words: tuple[str, ...]
    title_phrases: tuple[str, ...]
    agency_phrases: tuple[str, ...]
    unit_phrases: tuple[str, ...]
    surnames: tuple[str, ...]
    garbled_marks: dict[str, str]


# table → (entry class, {field: type}, required fields, key field that must be unique)
_RECORDS: dict[str, tuple[type, dict[str, type], tuple[str, ...], str]] = {
    "kinds": (Kind, {"name": str, "abbrs": list, "legal": bool}, ("name", "abbrs"), "name"),
    "agency_heads": (Head, {"head": str, "agency": bool, "body": bool, "kind": str, "marks_only": bool},
                     ("head",), "head"),
    "abbreviations": (Abbreviation, {"abbr": str, "full": str, "symbol": bool, "expand": bool, "acronym": bool},
                      ("abbr", "full"), "abbr"),
    "admin_levels": (AdminLevel, {"word": str, "marks_only": bool}, ("word",), "word"),
    "provinces": (Province, {"name": str, "valid_to": str, "successor": str}, ("name",), "name"),
    "marks": (Mark, {"name": str, "scale": str}, ("name", "scale"), "name"),
}
_CHOICES = {("marks", "scale"): ("urgency", "confidentiality")}
_STRINGS = ("degrees", "title_words", "title_phrases", "agency_phrases", "unit_phrases", "surnames")


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and value == value.strip()


def _entry(name: str, table: str, i: int, raw: object) -> Any:
    cls, types, required, _ = _RECORDS[table]
    where = f"{name}: {table}[{i}]"
    if not isinstance(raw, dict):
        raise VocabularyError(f"{where}: an entry is an object, not {type(raw).__name__}")
    for key in raw:
        if key not in types:
            raise VocabularyError(f"{where}: unknown field {key!r} (fields: {', '.join(types)})")
    for key in required:
        if key not in raw:
            raise VocabularyError(f"{where}: missing field {key!r}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        kind = types[key]
        if kind is str and not _text(value):
            raise VocabularyError(f"{where}: {key!r} must be a non-empty string without outer spaces")
        choices = _CHOICES.get((table, key))
        if choices and value not in choices:
            raise VocabularyError(f"{where}: {key!r} is one of {', '.join(choices)}, not {value!r}")
        if kind is bool and not isinstance(value, bool):
            raise VocabularyError(f"{where}: {key!r} must be true or false")
        if kind is list:
            if not isinstance(value, list) or not all(_text(x) for x in value):
                raise VocabularyError(f"{where}: {key!r} must be a list of non-empty strings")
            value = tuple(value)
        if key == "valid_to":
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise VocabularyError(f"{where}: 'valid_to' must be a date YYYY-MM-DD, not {value!r}") from None
        values[key] = value
    return cls(**values)


def _records(name: str, raw: dict[str, Any], table: str) -> tuple[Any, ...]:
    items = raw.get(table)
    if not isinstance(items, list) or not items:
        raise VocabularyError(f"{name}: `{table}` must be a non-empty list of entries")
    out = tuple(_entry(name, table, i, item) for i, item in enumerate(items))
    key = _RECORDS[table][3]
    seen: set[str] = set()
    for entry in out:
        value = getattr(entry, key)
        if value in seen:
            raise VocabularyError(f"{name}: {table}: {key} {value!r} is listed twice")
        seen.add(value)
    return out


def _strings(name: str, raw: dict[str, Any], table: str) -> tuple[str, ...]:
    items = raw.get(table)
    if not isinstance(items, list) or not items or not all(_text(x) for x in items):
        raise VocabularyError(f"{name}: `{table}` must be a non-empty list of non-empty strings")
    return tuple(items)


def load(path: Path = DATA) -> Vocabulary:
    """The vocabulary of `path`; a `VocabularyError` names the first fault (version, table, entry, field)."""
    name = path.name
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise VocabularyError(f"{name}: not JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise VocabularyError(f"{name}: the file holds one object of tables")
    if raw.get("version") != VERSION:
        raise VocabularyError(f"{name}: version {raw.get('version')!r}, expected {VERSION}")
    known = {"version", "_doc", "_fields", "garbled_marks", *_RECORDS, *_STRINGS}
    for key in raw:
        if key not in known:
            raise VocabularyError(f"{name}: unknown table {key!r}")
    marks = raw.get("garbled_marks")
    if not isinstance(marks, dict) or not marks or not all(_text(k) and _text(v) for k, v in marks.items()):
        raise VocabularyError(f"{name}: `garbled_marks` must map non-empty strings to marks")
    vocabulary = Vocabulary(
        version=VERSION, kinds=_records(name, raw, "kinds"), agency_heads=_records(name, raw, "agency_heads"),
        abbreviations=_records(name, raw, "abbreviations"), admin_levels=_records(name, raw, "admin_levels"),
        provinces=_records(name, raw, "provinces"), marks=_records(name, raw, "marks"),
        degrees=_strings(name, raw, "degrees"), title_words=_strings(name, raw, "title_words"),
        title_phrases=_strings(name, raw, "title_phrases"), agency_phrases=_strings(name, raw, "agency_phrases"),
        unit_phrases=_strings(name, raw, "unit_phrases"), surnames=_strings(name, raw, "surnames"),
        garbled_marks=dict(marks))
    current = {p.name for p in vocabulary.provinces if p.valid_to is None}
    for p in vocabulary.provinces:
        if (p.valid_to is None) != (p.successor is None):
            raise VocabularyError(f"{name}: provinces: {p.name!r} has a valid_to without a successor or the reverse")
        if p.successor is not None and p.successor not in current:
            raise VocabularyError(f"{name}: provinces: {p.name!r} merges into {p.successor!r}, not a current province")
    for head in vocabulary.agency_heads:
        if head.head != head.head.lower():
            raise VocabularyError(f"{name}: agency_heads: {head.head!r} must be lower case")
        if not (head.agency or head.body or head.kind):
            raise VocabularyError(f"{name}: agency_heads: {head.head!r} is used nowhere (agency, body or kind)")
    return vocabulary


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The shipped vocabulary (loaded once)."""
    return load(DATA)
