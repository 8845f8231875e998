"""Record types: the normalised layout model readers produce (`models.layout`) and the extracted
records (`models.record`). Import from those modules: `models.layout` alone does not import pydantic
(the CLI starts its workers before it needs the record model)."""
