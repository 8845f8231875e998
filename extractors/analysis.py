"""The layout analysis of one document, built once and shared by the field and task extractors.

    readers → Document (models.layout) → analyse(doc) → Analysis → extract_fields / extract_tasks → record

`Analysis` holds what `extractors.zones` works out about the document's layout: the prepared
lines (header lines merged across the columns split again), the column of each, whether the
document has positions at all, the header map (landmarks: Số, date, kind, V/v, Kính gửi …) and
the zones (header, body, footer, annex). It is a value: built by `analyse`, read by the
extractors, never changed (callers copy a list before changing it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from extractors.zones import (
    HeaderMap,
    Zones,
    find_zones,
    has_positions,
    line_column,
    line_columns,
    map_header,
    prepare_lines,
)
from models.layout import Document, Line


@dataclass(frozen=True)
class Analysis:
    """Prepared lines, columns, header map and zones of one document (see the module docstring)."""
    doc: Document
    lines: list[Line]               # the prepared lines (`zones.prepare_lines`)
    cols: list[str]                 # the column of each prepared line: left | right | centre | full
    positions: bool                 # whether the lines have positions (`zones.has_positions`)
    hm: HeaderMap                   # header landmarks, indexes into `lines`
    zones: Zones                    # header, body, footer, annex: slices of `lines`
    _col_of: dict[int, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_col_of", {id(l): c for l, c in zip(self.lines, self.cols)})

    def column(self, line: Line) -> str:
        """The column of a line: looked up for a prepared line, computed for any other."""
        col = self._col_of.get(id(line))
        return col if col is not None else line_column(self.doc, line)


def analyse(doc: Document) -> Analysis:
    """Build the analysis of a document (once per document: the pipeline passes it on)."""
    lines = prepare_lines(doc)
    positions = has_positions(doc)
    cols = line_columns(doc, lines)
    hm = map_header(doc, lines, cols, positions) if lines else HeaderMap()
    return Analysis(doc, lines, cols, positions, hm, find_zones(doc, lines, cols, positions, hm))


def as_analysis(source: Analysis | Document) -> Analysis:
    """The analysis given, or one built for a bare document (a test, a one-off call)."""
    return source if isinstance(source, Analysis) else analyse(source)
