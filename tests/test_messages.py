"""Staff wording through gettext: Vietnamese from the catalogue, English as the fallback, the compiled
catalogue in step with its source."""
from __future__ import annotations

import gettext
import re

from pipelines import messages


def test_vietnamese_and_english_fallback(monkeypatch):
    monkeypatch.setenv("CONGVAN_LANG", "vi")
    assert messages.field_label("signer.name") == "họ tên người ký"
    assert messages._("{n} documents → {path}").format(n=2, path="r.xlsx") == "2 văn bản → r.xlsx"
    assert messages._("a message nobody translated") == "a message nobody translated"
    monkeypatch.setenv("CONGVAN_LANG", "en")
    assert messages.field_label("signer.name") == "signer's name"
    assert messages.field_label("not.a.field") == "not.a.field"


def test_compiled_catalogue_matches_its_source():
    po = (messages.LOCALE_DIR / "vi" / "LC_MESSAGES" / "congvan.po").read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', po, flags=re.MULTILINE)
    catalogue = gettext.translation(messages.DOMAIN, localedir=str(messages.LOCALE_DIR), languages=["vi"])
    assert pairs and all(catalogue.gettext(k.replace('\\"', '"')) == v.replace('\\"', '"') for k, v in pairs)
    for label in messages.FIELD_LABELS.values():                    # every field name has its wording
        assert f'msgid "{label}"' in po
