"""Staff-facing wording in one place: English message ids translated through gettext (domain `congvan`,
catalogue `pipelines/locale/vi/LC_MESSAGES/congvan.po`, compiled to `.mo` with `msgfmt`). The language is
$CONGVAN_LANG (default `vi`); a message without a translation, or `CONGVAN_LANG=en`, shows the English.

    from pipelines.messages import _, field_label
    print(_("{n} documents → {path}").format(n=3, path="r.xlsx"))
    field_label("signer.name")   # "Người ký"
"""
from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from models.settings import setting

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "congvan"

# Record fields as staff read them (review notes, corrections): English ids, translated in the catalogue.
FIELD_LABELS = {
    "doc_type": "document type", "number": "number", "symbol": "reference number", "code": "reference code",
    "date": "date", "place": "place", "issuer": "issuing body", "issuer_parent": "parent body",
    "subject": "summary", "recipients": "recipients", "distribution": "distribution", "references": "references",
    "signer": "signer", "signer.name": "signer's name", "signer.title": "signer's title",
    "signer.authority": "signing authority", "urgency": "urgency", "confidentiality": "confidentiality",
    "tasks": "tasks", "assignee": "assignee", "assignees": "assignees", "lead": "lead body",
    "co": "co-ordinating bodies", "action": "task content", "deadline": "deadline", "recurrence": "recurrence",
}


@lru_cache(maxsize=4)
def _translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


def _(message: str) -> str:
    """`message` in the staff's language (English when it has no translation)."""
    return _translation(setting("lang")).gettext(message)


def field_label(field: str) -> str:
    """A record field's name for staff (`signer.name` → `Người ký`); unknown fields as they are."""
    return _(FIELD_LABELS[field]) if field in FIELD_LABELS else field
