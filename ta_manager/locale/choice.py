"""Which language a page, API download, CLI command or job speaks: THE one rule.

In order, the first that names a shipped language wins:
1. the language asked for explicitly (`?lang=fr`, `--lang es`, a job's `lang` param);
2. the signed-in user's stored preference (`language` on the account);
3. the browser's `Accept-Language` header (negotiated with Babel);
4. English.

An explicit language that is not shipped is an error (UnknownLanguage) so that
`?lang=de` does not silently answer in English; callers turn it into a 400, a usage error
or a 422 naming the field.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

DEFAULT_LANGUAGE = "en"
# The languages the project ships, English first; each has a catalogue (tested).
LANGUAGES: tuple[str, ...] = ("en", "fr", "es")
# Each language named in itself, for the language switch.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "fr": "Français", "es": "Español"}


class UnknownLanguage(ValueError):
    def __init__(self, asked: str) -> None:
        self.asked = asked
        super().__init__(f"unknown language {asked!r}; choose from {', '.join(LANGUAGES)}")


def normalise(tag: str) -> str | None:
    """The shipped language a tag names ('fr', 'FR', 'fr-CA', 'es_419' -> 'fr'/'es'), else
    None."""
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The best shipped language for an Accept-Language header (quality values honoured),
    or None when none fits."""
    if not header:
        return None
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, position, tag.strip().replace("-", "_")))
    wanted = [tag for _q, _p, tag in sorted(weighted)]
    try:
        found = Locale.negotiate(wanted, list(LANGUAGES)) if wanted else None
    except (UnknownLocaleError, ValueError):
        found = None
    if found is not None:
        return found.language
    for tag in wanted:  # Babel wants the exact tag or its alias; also take "fr_SN" -> fr
        language = normalise(tag)
        if language:
            return language
    return None


def choose_language(
    asked: str | None = None,
    preferred: str | None = None,
    accept_language: str | None = None,
) -> str:
    """The language to speak (see the module's docstring for the order)."""
    if asked:
        chosen = normalise(asked)
        if chosen is None:
            raise UnknownLanguage(asked)
        return chosen
    if preferred:
        chosen = normalise(preferred)
        if chosen:
            return chosen
    return from_accept_language(accept_language) or DEFAULT_LANGUAGE
