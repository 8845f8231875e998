"""The closed vocabularies (input format, error class, extraction method) are StrEnums: the same
strings in records, and an unknown value cannot be built (also under `python -O`)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractors.errors import DocumentError
from models.enums import ErrorClass, ExtractionMethod, InputFormat
from models.layout import Document
from models.record import DocumentRecord, FieldProvenance, Task

ROOT = Path(__file__).resolve().parent.parent


def test_members_serialise_to_their_strings():
    record = DocumentRecord(id="x", error="e", error_class=ErrorClass.TOO_LARGE,
                            tasks=[Task(source=FieldProvenance(method=ExtractionMethod.RULE))],
                            provenance={"date": FieldProvenance(method=ExtractionMethod.FILE_DATE)})
    data = json.loads(record.contract_line())
    assert data["error_class"] == "too_large"
    assert data["tasks"][0]["source"]["method"] == "rule" and data["provenance"]["date"]["method"] == "file-date"
    assert Document(path="a.pdf", format="pdf").format is InputFormat.PDF


def test_unknown_values_raise():
    with pytest.raises(ValueError):
        DocumentError("broken", "no such class")
    with pytest.raises(ValueError):
        Document(path="a", format="odt")
    with pytest.raises(ValueError):
        FieldProvenance(method="guess")
    assert DocumentError("timeout", "slow").error_class is ErrorClass.TIMEOUT


def test_older_records_still_load():
    """Records of 0.3.0 and older name a task's method `rules`; `congvan load` still reads them."""
    assert FieldProvenance(method="rules").method is ExtractionMethod.RULE


def test_error_class_checked_without_assertions():
    code = ("from extractors.errors import DocumentError\n"
            "try:\n    DocumentError('broken', 'x')\nexcept ValueError:\n    print('refused')\n")
    out = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.strip() == "refused"
