"""Every message of the template has its French and Spanish translation, with the same
placeholders and the plural forms its language needs (docs/languages.md)."""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from ta_manager.locale import LANGUAGES, LOCALE_DIR, catalogue_path, gettext

PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdif]|%[sdif]|\{[A-Za-z_]\w*\}")


def read(path: str | object) -> Catalog:
    with open(str(path), "rb") as fh:
        return read_po(fh)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_has_its_translation_with_the_same_placeholders(lang: str) -> None:
    template = read(LOCALE_DIR / "messages.pot")
    catalogue = read(catalogue_path(lang))
    assert str(catalogue.locale) == lang
    wanted = [m for m in template if m.id]
    assert len(wanted) > 400
    problems: list[str] = []
    for message in wanted:
        found = catalogue.get(message.id)
        if found is None:
            problems.append(f"missing (run `make messages`): {message.id!r}")
            continue
        if found.fuzzy:
            problems.append(f"fuzzy, check it: {message.id!r}")
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [found.string] if isinstance(found.string, str) else list(found.string)
        if isinstance(message.id, tuple) and len(strings) != catalogue.num_plurals:
            problems.append(f"needs {catalogue.num_plurals} plural forms: {message.id!r}")
        for text in strings:
            if not text:
                problems.append(f"not translated: {message.id!r}")
            elif placeholders(text) != placeholders(ids[-1]) and placeholders(text) != (
                placeholders(ids[0])
            ):
                problems.append(f"placeholders differ: {message.id!r} -> {text!r}")
    assert not problems, f"{lang}: {len(problems)} problems:\n" + "\n".join(problems[:20])


def test_the_catalogues_are_used() -> None:
    assert gettext("Priority area", "fr") == "Domaine prioritaire"
    assert gettext("Priority area", "es") == "Esfera prioritaria"
    assert gettext("%(n)s needs", "es", n=3) == "3 necesidades"
    assert gettext("Priority area", "en") == "Priority area"
