"""Data-driven cases: one YAML file per rule under tests/cases/, picked up by one parametrised test.

A case is a small document (plain text, one printed line per line, or positioned lines) and what
the record must hold. Adding a rule = one data entry (extractors/data/) + one case here. Format:

    description: what the rule is (one line)
    text: |                      # or `lines:` [[text, x0, x1, top, {bold: true, page: 2}], ...]
      ỦY BAN NHÂN DÂN ...
    expect:
      fields: {doc_type: Công văn, symbol: 12/UBND-VX, signer.authority: KT. Chủ tịch}
      tasks:                     # the record's tasks in order; each lists the keys it checks
        - {assignees: [Sở Y tế], lead: Sở Y tế, co: [], deadline: 2024-06-30, action_has: báo cáo}
      task_count: 1              # optional when `tasks` lists them all

Strings compare as the scorer does: case, spaces and Unicode form folded.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml

from extractors.pipeline import record_from_document
from tests.layout_builders import document, line, text_document

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


def fold(value):
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFC", value).casefold().split())
    if isinstance(value, list):
        return [fold(v) for v in value]
    return value


def build(case: dict):
    if "text" in case:
        return text_document(case["text"])
    lines = []
    for item in case["lines"]:
        text, x0, x1, top, *rest = item
        lines.append(line(text, x0, x1, top, **(rest[0] if rest else {})))
    return document(lines)


def get(record: dict, dotted: str):
    value = record
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path):
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert case.get("description"), "a case says what rule it checks"
    record = record_from_document(path.stem, build(case)).contract()
    expect = case["expect"]
    for name, value in (expect.get("fields") or {}).items():
        assert fold(get(record, name)) == fold(value), f"{name}: {get(record, name)!r}"
    tasks = record["tasks"]
    wanted = expect.get("tasks")
    if "task_count" in expect or wanted is not None:
        count = expect.get("task_count", len(wanted or []))
        assert len(tasks) == count, [t["assignees"] for t in tasks]
    for got, want in zip(tasks, wanted or []):
        for key, value in want.items():
            if key == "action_has":
                assert fold(value) in fold(got["action"]), got["action"]
            elif key == "action_lacks":
                assert fold(value) not in fold(got["action"]), got["action"]
            else:
                assert fold(got[key]) == fold(value), f"{key}: {got[key]!r}"
