"""The one translation layer: gettext catalogues (Babel) shared by the UI, workbooks and CLI.

Catalogues live in `ta_manager/locale/<lang>/LC_MESSAGES/messages.po` and are read with
Babel when first used, so installing needs no compile step. English, French and Spanish
ship (`make messages` refreshes the template `messages.pot` and the catalogues from the code
and templates; docs/languages.md). Which language a request, command or job speaks is
decided in one place: `choose_language` (ta_manager/locale/choice.py).

Code marks text with `gettext` (or `_`), `ngettext`, and `N_` for constants that are
translated later. Every function takes an optional `lang`; without one, the language of
the current request (`current_language`, set by the UI per request) is used.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from ta_manager.locale.choice import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    UnknownLanguage,
    choose_language,
    normalise,
)

LOCALE_DIR = Path(__file__).parent
DOMAIN = "messages"

current_language: ContextVar[str] = ContextVar("ta_manager_language", default=DEFAULT_LANGUAGE)


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages() -> list[str]:
    """Languages with a catalogue, English first."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return sorted(found, key=lambda lang: lang != DEFAULT_LANGUAGE)


@cache
def translations(lang: str = DEFAULT_LANGUAGE) -> NullTranslations:
    """The catalogue of `lang`, read from its .po file (an unknown language falls back to
    English; a message without a translation shows as written in the code)."""
    path = catalogue_path(lang)
    if not path.is_file():
        path = catalogue_path(DEFAULT_LANGUAGE)
        if not path.is_file():
            return NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=path.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def language(lang: str | None = None) -> str:
    return lang or current_language.get()


def gettext(message: str, lang: str | None = None, **values: object) -> str:
    """`message` in `lang` (or the request's language); `%(name)s` filled from `values`."""
    text = translations(language(lang)).gettext(message)
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, lang: str | None = None, **values: object) -> str:
    text = translations(language(lang)).ngettext(singular, plural, n)
    return text % {"num": n, **values}


def N_(message: str) -> str:
    """Marks a constant for the catalogue; translate it where it is shown."""
    return message


_ = gettext


@contextmanager
def speaking(lang: str) -> Iterator[str]:
    """Run a block in `lang` (the UI wraps each request; the CLI and workbooks may too)."""
    token = current_language.set(lang if lang in available_languages() else DEFAULT_LANGUAGE)
    try:
        yield current_language.get()
    finally:
        current_language.reset(token)


class RequestTranslations(NullTranslations):
    """Given to Jinja once; looks up the language of the current request on each call."""

    def gettext(self, message: str) -> str:
        return translations(current_language.get()).gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return translations(current_language.get()).ngettext(msgid1, msgid2, n)

    def pgettext(self, context: str, message: str) -> str:
        return translations(current_language.get()).pgettext(context, message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return translations(current_language.get()).npgettext(context, msgid1, msgid2, n)


__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "N_",
    "RequestTranslations",
    "UnknownLanguage",
    "available_languages",
    "choose_language",
    "current_language",
    "gettext",
    "language",
    "ngettext",
    "normalise",
    "speaking",
    "translations",
]
