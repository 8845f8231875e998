"""The one version number of congvan: the package's (pyproject reads it) and the extractor's that
every record carries (`extractor_version`; the store re-extracts documents of an older one)."""
__version__ = "0.4.0"
